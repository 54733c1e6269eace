"""The manual training loop: it learns, and it fails clearly and safely."""

import os
import signal

import keras
import numpy as np
import pytest
import tensorflow as tf

from course_lib import training


def regression_problem(num_samples=256, batch_size=32):
    """y = 3x - 1 with a little noise, and a one-unit linear model to learn it."""
    rng = np.random.RandomState(0)
    x = rng.uniform(-1, 1, (num_samples, 1)).astype(np.float32)
    y = (3 * x - 1 + rng.normal(0, 0.05, x.shape)).astype(np.float32)
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(batch_size)
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    return model, dataset


def mse(y_true, y_pred):
    return tf.reduce_mean(tf.square(y_true - y_pred))


def test_train_learns_and_records_history():
    model, dataset = regression_problem()
    history = training.train(model, dataset, loss_fn=mse, optimizer=keras.optimizers.SGD(learning_rate=0.1),
                             num_epochs=30, metrics={"mae": lambda y, p: tf.reduce_mean(tf.abs(y - p))},
                             validation_data=dataset, progress=False)
    assert history.stop_reason == "completed"
    assert history.num_epochs == 30
    assert set(history.metrics) == {"loss", "mae", "val_loss", "val_mae"}
    assert history.last("loss") < 0.01 < history.metrics["loss"][0]
    weight, bias = (v.numpy().item() for v in model.trainable_variables)
    assert weight == pytest.approx(3, abs=0.1) and bias == pytest.approx(-1, abs=0.1)


@pytest.mark.parametrize("learning_rate", [-0.1, 0.0, float("nan")])
def test_a_learning_rate_that_cannot_descend_is_refused(learning_rate):
    model, dataset = regression_problem()
    with pytest.raises(ValueError, match="learning_rate must be greater than 0"):
        training.train(model, dataset, loss_fn=mse, num_epochs=1, progress=False,
                       optimizer=keras.optimizers.SGD(learning_rate=learning_rate))


def test_num_epochs_is_validated():
    model, dataset = regression_problem()
    with pytest.raises(ValueError, match="num_epochs must be a whole number"):
        training.train(model, dataset, loss_fn=mse, optimizer=keras.optimizers.SGD(), num_epochs=0)


def test_a_diverging_run_stops_with_the_last_good_weights(capsys):
    model, dataset = regression_problem()
    calm = training.train(model, dataset, loss_fn=mse, optimizer=keras.optimizers.SGD(learning_rate=0.05),
                          num_epochs=3, progress=False)
    good = [v.numpy().copy() for v in model.trainable_variables]
    history = training.train(model, dataset, loss_fn=mse, optimizer=keras.optimizers.SGD(learning_rate=1e4),
                             num_epochs=50, progress=False)
    assert calm.stop_reason == "completed"
    assert history.stop_reason == "diverged"
    assert history.num_epochs < 50
    assert all(np.isfinite(v.numpy()).all() for v in model.trainable_variables)
    if history.num_epochs == 0:
        for variable, value in zip(model.trainable_variables, good):
            np.testing.assert_array_equal(variable.numpy(), value)
    message = capsys.readouterr().out
    assert "training diverged" in message and "Lower the learning rate" in message


def test_ctrl_c_keeps_what_was_learned(capsys):
    model, dataset = regression_problem(num_samples=256, batch_size=8)
    initial = [v.numpy().copy() for v in model.trainable_variables]
    batches_seen = []

    def press_ctrl_c_midway(x, y):
        """Count batches as the input pipeline makes them; press Ctrl-C halfway through epoch 4."""
        batches_seen.append(1)
        if len(batches_seen) == 3 * 32 + 16:
            os.kill(os.getpid(), signal.SIGINT)
        return x, y

    interrupted = dataset.map(lambda x, y: tf.py_function(press_ctrl_c_midway, [x, y], [tf.float32, tf.float32]))
    interrupted = interrupted.map(lambda x, y: (tf.ensure_shape(x, [None, 1]), tf.ensure_shape(y, [None, 1])))
    history = training.train(model, interrupted, loss_fn=mse, num_epochs=100, progress=False,
                             optimizer=keras.optimizers.SGD(learning_rate=0.01))
    assert history.stop_reason == "interrupted"
    assert history.num_epochs == 3
    assert not np.allclose(model.trainable_variables[0].numpy(), initial[0])
    assert history.last("loss") < history.metrics["loss"][0]
    assert "Interrupted after 3 full epoch(s)" in capsys.readouterr().out


def test_training_again_reuses_the_compiled_step():
    model, dataset = regression_problem()
    traces = []

    def traced_mse(y_true, y_pred):
        traces.append(1)  # Python runs this body only while TensorFlow traces the step
        return mse(y_true, y_pred)

    optimizer = keras.optimizers.SGD(learning_rate=0.1)
    first = training.train(model, dataset, loss_fn=traced_mse, optimizer=optimizer, num_epochs=2, progress=False)
    second = training.train(model, dataset, loss_fn=traced_mse, optimizer=optimizer, num_epochs=2, progress=False)
    assert len(traces) == 1
    assert second.metrics["loss"][0] < first.metrics["loss"][0]


def test_evaluate_and_accuracy_accept_integer_or_one_hot_labels():
    scores = tf.constant([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7]])
    assert float(training.accuracy(tf.constant([1, 0, 0]), scores)) == pytest.approx(2 / 3)
    assert float(training.accuracy(tf.constant([[0., 1.], [1., 0.], [1., 0.]]), scores)) == pytest.approx(2 / 3)
    model, dataset = regression_problem()
    results = training.evaluate(model, dataset, mse)
    assert set(results) == {"loss"} and results["loss"] > 0


def test_an_empty_dataset_is_reported():
    model, _ = regression_problem()
    empty = tf.data.Dataset.from_tensor_slices((np.zeros((0, 1), np.float32), np.zeros((0, 1), np.float32))).batch(4)
    with pytest.raises(ValueError, match="dataset is empty"):
        training.evaluate(model, empty, mse)
