"""The manual training loop: it learns, and it fails clearly and safely."""

import os
import threading
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


@pytest.fixture
def ctrl_c_raises():
    """Ctrl-C raises KeyboardInterrupt, as in a kernel or a terminal (a pytest-xdist worker ignores SIGINT)."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


def test_ctrl_c_keeps_what_was_learned(capsys, ctrl_c_raises):
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


def test_on_epoch_end_gets_each_epoch_and_its_metrics():
    model, dataset = regression_problem()
    seen = []
    history = training.train(model, dataset, loss_fn=mse, optimizer=keras.optimizers.SGD(learning_rate=0.1),
                             num_epochs=4, validation_data=dataset, progress=False,
                             on_epoch_end=lambda epoch, logs: seen.append((epoch, dict(logs))))
    assert [epoch for epoch, _ in seen] == [0, 1, 2, 3]
    assert [logs["loss"] for _, logs in seen] == history.metrics["loss"]
    assert [logs["val_loss"] for _, logs in seen] == history.metrics["val_loss"]


def test_a_later_call_with_the_history_continues_the_run():
    model, dataset = regression_problem()
    optimizer = keras.optimizers.SGD(learning_rate=0.05)
    history = training.train(model, dataset, loss_fn=mse, optimizer=optimizer, num_epochs=3, progress=False)
    weights_then = [v.numpy().copy() for v in model.trainable_variables]
    seen = []
    history = training.train(model, dataset, loss_fn=mse, optimizer=optimizer, num_epochs=2, progress=False,
                             history=history, on_epoch_end=lambda epoch, logs: seen.append(epoch))
    assert history.stop_reason == "completed" and history.num_epochs == 5 and seen == [3, 4]
    assert history.metrics["loss"][3] < history.metrics["loss"][2]
    assert not np.allclose(model.trainable_variables[0].numpy(), weights_then[0])


def test_training_runs_in_a_background_thread():
    model, dataset = regression_problem()
    results = []
    thread = threading.Thread(target=lambda: results.append(training.train(
        model, dataset, loss_fn=mse, optimizer=keras.optimizers.SGD(learning_rate=0.1), num_epochs=5,
        progress=False)))
    thread.start()
    thread.join(timeout=120)
    assert not thread.is_alive()
    assert results[0].stop_reason == "completed" and results[0].last("loss") < results[0].metrics["loss"][0]


@pytest.mark.parametrize("make_optimizer", [lambda: keras.optimizers.SGD(learning_rate=0.05, momentum=0.9),
                                            lambda: keras.optimizers.Adam(learning_rate=0.05)],
                         ids=["SGD momentum", "Adam"])
def test_after_divergence_the_optimizer_state_is_restored_so_the_advice_works(make_optimizer, capsys):
    """A batch of bad data (NaN loss) in epoch 3 fills momentum / Adam's moments with NaN.

    Restoring only the weights left those NaNs in place, and the next run, as the
    message advises, diverged at once. The restored state must train on cleanly.
    """
    model, dataset = regression_problem()
    optimizer = make_optimizer()
    poisoned = tf.Variable(False)

    def loss_fn(y_true, y_pred):
        return mse(y_true, y_pred) * tf.where(poisoned, float("nan"), 1.0)  # NaN gradients too

    def poison_third_epoch(epoch, logs):
        if epoch == 1:
            poisoned.assign(True)

    history = training.train(model, dataset, loss_fn=loss_fn, optimizer=optimizer, num_epochs=10,
                             progress=False, on_epoch_end=poison_third_epoch)
    assert history.stop_reason == "diverged" and history.num_epochs == 2
    assert "optimizer's state as they were after epoch 2 were restored" in capsys.readouterr().out
    slots = [v.numpy() for v in optimizer.variables]
    assert all(np.isfinite(slot).all() for slot in slots)
    assert int(optimizer.iterations.numpy()) == 2 * len(dataset)
    poisoned.assign(False)
    history = training.train(model, dataset, loss_fn=loss_fn, optimizer=optimizer, num_epochs=5,
                             progress=False, history=history)
    assert history.stop_reason == "completed" and history.num_epochs == 7
    assert history.last("loss") < history.metrics["loss"][1]


def test_a_checkpoint_puts_back_variables_and_a_hand_written_optimizers_moments():
    from course_lib import optimizers

    weight = tf.Variable([1.0, -2.0])
    adam = optimizers.Adam(learning_rate=0.1)
    adam.step([weight.numpy()], [np.array([0.5, 0.5], np.float32)])
    checkpoint = training.Checkpoint([weight], states=[adam])
    checkpoint.save()
    expected = adam.step([weight.numpy()], [np.array([0.3, -0.1], np.float32)])
    weight.assign(expected[0])
    adam.step([weight.numpy()], [np.array([np.nan, np.nan], np.float32)])  # a bad batch
    weight.assign([np.nan, np.nan])
    checkpoint.restore()
    np.testing.assert_array_equal(weight.numpy(), [1.0, -2.0])
    assert adam.iterations == 1
    (again,) = adam.step([weight.numpy()], [np.array([0.3, -0.1], np.float32)])
    np.testing.assert_array_equal(again, expected[0])


def test_a_live_run_is_the_loop_shown_in_about_twenty_updates():
    def run_epochs(first_epoch, count):
        return [{"loss": 1.0 / (first_epoch + index + 1)} for index in range(count)]

    assert training.epochs_per_update(400) == 20 and training.epochs_per_update(5) == 1
    assert training.epochs_per_update(41) == 3  # never more than UPDATES_PER_RUN updates
    seen = [history.num_epochs for history in training.live(run_epochs, 41)]
    assert seen == [0, *range(3, 41, 3), 41] and len(seen) - 1 <= training.UPDATES_PER_RUN
    *_, played = training.live(run_epochs, 41, epochs_per_call=2)
    assert played.metrics["loss"] == training.loop(run_epochs, 41, progress=False).metrics["loss"]
    with pytest.raises(ValueError, match="num_epochs"):
        next(training.live(run_epochs, 0))


def test_a_paused_live_run_goes_on_from_where_it_stopped_and_ends_as_an_uninterrupted_one():
    """Pausing a live run is not asking for its next update; asking again continues the same run."""
    model, dataset = regression_problem()
    optimizer = keras.optimizers.Adam(learning_rate=0.05)
    start = [v.numpy() for v in training.training_state(model, optimizer)]
    updates = training.train_live(model, dataset, loss_fn=mse, optimizer=optimizer, num_epochs=40)
    first = [next(updates).num_epochs for _ in range(3)]  # untrained, then two updates of two epochs
    assert first == [0, 2, 4] and int(optimizer.iterations) == 4 * len(dataset)  # nothing ran while paused
    *_, paused_and_resumed = updates
    resumed_weights = [v.numpy() for v in model.trainable_variables]
    for variable, value in zip(training.training_state(model, optimizer), start):
        variable.assign(value)
    uninterrupted = training.train(model, dataset, loss_fn=mse, optimizer=optimizer, num_epochs=40, progress=False)
    assert paused_and_resumed.metrics["loss"] == pytest.approx(uninterrupted.metrics["loss"], rel=1e-6)
    for resumed, weight in zip(resumed_weights, model.trainable_variables):
        np.testing.assert_allclose(resumed, weight.numpy(), rtol=1e-6)


def test_a_live_run_that_explodes_stops_with_its_healthy_state_put_back(capsys):
    model, dataset = regression_problem()
    optimizer = keras.optimizers.SGD(learning_rate=10.0, momentum=0.9)
    before = [v.numpy() for v in training.training_state(model, optimizer)]
    *_, history = training.train_live(model, dataset, loss_fn=mse, optimizer=optimizer, num_epochs=20)
    assert history.stop_reason == "diverged" and history.num_epochs == 0
    assert "diverged" in capsys.readouterr().out
    for value, variable in zip(before, training.training_state(model, optimizer)):
        np.testing.assert_array_equal(value, variable.numpy())


def test_accuracy_takes_numpy_arrays():
    probabilities = np.array([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7]])
    assert float(training.accuracy(np.array([1, 1, 1]), probabilities)) == pytest.approx(2 / 3)
    assert float(training.accuracy(np.eye(2)[[1, 0, 0]], probabilities)) == pytest.approx(2 / 3)


def test_compiled_epochs_learn_exactly_what_a_python_loop_over_the_same_steps_learns():
    """``train`` runs many steps per call; the loop it replaced called the step once per batch.

    Same batches (reshuffled each epoch, a short last batch), same step, same
    optimizer: the weights, Adam's moments and every logged number must be equal to
    the last bit, since the chapters' printed figures depend on them.
    """
    from benchmarks import reference_training

    runs = []
    for train in (reference_training.train, training.train):
        model, _ = regression_problem()
        x = np.linspace(-1, 1, 250, dtype=np.float32)[:, None]
        dataset = tf.data.Dataset.from_tensor_slices((x, 3 * x - 1)).shuffle(250, seed=1).batch(32)
        optimizer = keras.optimizers.Adam(learning_rate=0.05)
        options = {} if train is reference_training.train else {"progress": False}
        history = train(model, dataset, loss_fn=mse, optimizer=optimizer, num_epochs=3, validation_data=dataset,
                        metrics={"mae": lambda y, p: tf.reduce_mean(tf.abs(y - p))}, **options)
        runs.append((history.metrics, [v.numpy() for v in model.trainable_variables + optimizer.variables]))
    (reference_metrics, reference_state), (metrics, state) = runs
    assert metrics == reference_metrics and len(metrics["loss"]) == 3
    for reference, value in zip(reference_state, state, strict=True):
        np.testing.assert_array_equal(value, reference)


def test_an_epoch_longer_than_one_call_is_run_whole(monkeypatch):
    monkeypatch.setattr(training, "STEPS_PER_CALL", 3)  # 8 batches: calls of 3, 3 and 2
    model, dataset = regression_problem(num_samples=256, batch_size=32)
    optimizer = keras.optimizers.SGD(learning_rate=0.1)
    training.train(model, dataset, loss_fn=mse, optimizer=optimizer, num_epochs=2, progress=False)
    assert int(optimizer.iterations.numpy()) == 2 * 8


def small_network():
    """A 1-16-1 tanh network for the regression problem: enough weights for momentum to blow up."""
    keras.utils.set_random_seed(0)
    return keras.Sequential([keras.Input((1,)), keras.layers.Dense(16, activation="tanh"), keras.layers.Dense(1)])


def test_a_finite_explosion_is_divergence_and_the_state_from_before_it_comes_back(capsys):
    """SGD at learning rate 10 with momentum 0.9 reaches a loss of about 4e29 in its first epoch, finite.

    The run must stop as diverged and put back the untrained weights and optimizer state (the
    state after epoch 1 holds weights of 4e16). Following the advice, a tenth of the rate still
    explodes (4e13) and is put back again; a hundredth then learns exactly what a fresh run at
    that rate learns, so nothing of the two explosions stayed in the weights or the optimizer.
    """
    _, dataset = regression_problem()
    model, optimizer = small_network(), keras.optimizers.SGD(learning_rate=10.0, momentum=0.9)
    untrained = [v.numpy().copy() for v in model.trainable_variables]
    history = training.train(model, dataset, loss_fn=mse, optimizer=optimizer, num_epochs=5, progress=False)
    assert history.stop_reason == "diverged" and history.num_epochs == 0
    message = capsys.readouterr().out
    assert "more than 100 times the untrained model's" in message and "before training were restored" in message
    assert all(np.array_equal(v.numpy(), u) for v, u in zip(model.trainable_variables, untrained))
    assert int(optimizer.iterations) == 0 and all(not np.any(v.numpy()) for v in optimizer.variables[1:]
                                                   if v is not optimizer._learning_rate)

    optimizer.learning_rate = 1.0  # the advice, on the same optimizer
    again = training.train(model, dataset, loss_fn=mse, optimizer=optimizer, num_epochs=3, progress=False)
    assert again.stop_reason == "diverged" and int(optimizer.iterations) == 0
    assert all(np.array_equal(v.numpy(), u) for v, u in zip(model.trainable_variables, untrained))
    optimizer.learning_rate = 0.1
    retry = training.train(model, dataset, loss_fn=mse, optimizer=optimizer, num_epochs=3, progress=False)
    fresh_model = small_network()
    fresh = training.train(fresh_model, dataset, loss_fn=mse,
                           optimizer=keras.optimizers.SGD(learning_rate=0.1, momentum=0.9), num_epochs=3,
                           progress=False)
    assert fresh.stop_reason == "completed"
    assert retry.stop_reason == fresh.stop_reason
    assert retry.metrics["loss"] == fresh.metrics["loss"]
    assert all(np.array_equal(a.numpy(), b.numpy())
               for a, b in zip(model.trainable_variables, fresh_model.trainable_variables))


@pytest.mark.parametrize("make_optimizer", [lambda: keras.optimizers.SGD(learning_rate=1e6),
                                            lambda: keras.optimizers.Adam(learning_rate=1e6)], ids=["SGD", "Adam"])
def test_a_classifier_at_a_huge_rate_is_reported_not_completed(make_optimizer, capsys):
    """At learning rate 1e6 Adam kept a finite cross entropy of 3e13 and the run ended "completed" without a word."""
    rng = np.random.RandomState(0)
    dataset = tf.data.Dataset.from_tensor_slices((rng.normal(size=(512, 20)).astype(np.float32),
                                                  rng.randint(0, 10, 512))).batch(64)
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((20,)), keras.layers.Dense(32, activation="relu"), keras.layers.Dense(10)])

    def cross_entropy(labels, logits):
        return tf.reduce_mean(keras.losses.sparse_categorical_crossentropy(labels, logits, from_logits=True))

    history = training.train(model, dataset, loss_fn=cross_entropy, optimizer=make_optimizer(), num_epochs=3,
                             progress=False)
    assert history.stop_reason == "diverged"
    assert "training diverged" in capsys.readouterr().out
    assert all(np.isfinite(v.numpy()).all() and np.abs(v.numpy()).max() < 10 for v in model.trainable_variables)


def test_a_run_whose_epochs_report_no_loss_is_refused_by_name():
    with pytest.raises(ValueError, match="run_epochs must return one dict of metrics per epoch, each with a 'loss'"):
        training.loop(lambda first, count: [{"accuracy": 0.5}], 2, progress=False)
    with pytest.raises(ValueError, match="run_epochs must return"):
        training.loop(lambda first, count: [0.5], 2, progress=False)


def test_accuracy_refuses_labels_and_scores_of_different_lengths_instead_of_broadcasting():
    """Three labels against one row of scores gave 0.333 by broadcasting."""
    with pytest.raises(ValueError, match="y_true has 3 labels but y_pred 1 rows"):
        training.accuracy([0, 1, 2], [[0.1, 0.7, 0.2]])
    with pytest.raises(ValueError, match="one row of scores per label"):
        training.accuracy([[[0, 1]]], [0.2, 0.8])
