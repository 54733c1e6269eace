"""Chapter 08: the iris split, the one-iterator dataset, the compiled trainer, the panel and the exercises."""

import keras
import numpy as np
import pytest

from course_lib import data, recipe
from course_lib.exercises import recipe as exercises
from course_lib.widgets.recipe import recipe_panel

X_IRIS, Y_IRIS = data.load_iris(shuffle_seed=116)
(X_TRAIN, Y_TRAIN), (X_VAL, Y_VAL) = recipe.split_like_keras(X_IRIS, Y_IRIS, 0.2)


def test_split_like_keras_keeps_the_last_rows_for_validation():
    assert X_TRAIN.shape == (120, 4) and X_VAL.shape == (30, 4)
    np.testing.assert_array_equal(X_VAL, X_IRIS[120:])
    np.testing.assert_array_equal(Y_TRAIN, Y_IRIS[:120])
    with pytest.raises(ValueError, match="rows"):
        recipe.split_like_keras(X_IRIS, Y_IRIS[:10])
    with pytest.raises(ValueError, match="validation_split"):
        recipe.split_like_keras(X_IRIS, Y_IRIS, 1.5)


def test_repeated_dataset_reshuffles_every_pass_and_never_ends():
    dataset = recipe.repeated_dataset(X_TRAIN, Y_TRAIN, batch_size=32, seed=1)
    batches = list(dataset.take(8).as_numpy_iterator())
    assert [len(x) for x, _ in batches] == [32, 32, 32, 24] * 2
    first = np.concatenate([y for _, y in batches[:4]])
    second = np.concatenate([y for _, y in batches[4:]])
    assert sorted(first) == sorted(Y_TRAIN) == sorted(second)
    assert not np.array_equal(first, second)
    with pytest.raises(ValueError, match="batch_size"):
        recipe.repeated_dataset(X_TRAIN, Y_TRAIN, batch_size=0)


def test_glorot_uniform_stays_within_its_limit_and_is_seeded():
    kernel = recipe.glorot_uniform(4, 3, seed=1)
    assert kernel.shape == (4, 3) and kernel.dtype == np.float32
    assert np.abs(kernel).max() <= np.sqrt(6.0 / 7.0)
    np.testing.assert_array_equal(kernel, recipe.glorot_uniform(4, 3, seed=1))
    assert not np.array_equal(kernel, recipe.glorot_uniform(4, 3, seed=2))
    with pytest.raises(ValueError, match="num_outputs"):
        recipe.glorot_uniform(4, 0)


def test_compiled_training_ends_where_keras_fit_ends():
    kernel = recipe.glorot_uniform(4, 3, seed=5)
    bias = np.zeros(3, np.float32)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(
        3, activation="softmax", kernel_regularizer=keras.regularizers.l2())])
    model.layers[0].set_weights([kernel, bias])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="sparse_categorical_crossentropy")
    model.fit(X_TRAIN, Y_TRAIN, batch_size=120, epochs=20, shuffle=False, verbose=0)
    fast = recipe.train_softmax_regression(X_TRAIN, Y_TRAIN, X_VAL, Y_VAL, num_epochs=20, batch_size=120,
                                           initial_weights=(kernel, bias))
    keras_kernel, keras_bias = model.layers[0].get_weights()
    np.testing.assert_allclose(fast["kernel"], keras_kernel, atol=1e-5)
    np.testing.assert_allclose(fast["bias"], keras_bias, atol=1e-5)
    assert not np.allclose(fast["kernel"], kernel, atol=1e-2)


def test_loss_and_accuracy_are_what_keras_evaluate_reports():
    kernel, bias = recipe.glorot_uniform(4, 3, seed=5), np.array([0.1, -0.2, 0.05], np.float32)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(
        3, activation="softmax", kernel_regularizer=keras.regularizers.l2(0.05))])
    model.layers[0].set_weights([kernel, bias])
    model.compile(loss="sparse_categorical_crossentropy", metrics=["sparse_categorical_accuracy"])
    keras_loss, keras_accuracy = model.evaluate(X_VAL, Y_VAL, batch_size=len(X_VAL), verbose=0)
    loss, accuracy = recipe.loss_and_accuracy(X_VAL, Y_VAL, kernel, bias, l2=0.05)
    assert loss == pytest.approx(keras_loss, rel=1e-5) and accuracy == pytest.approx(keras_accuracy)
    assert recipe.loss_and_accuracy(X_VAL, Y_VAL, kernel, bias, l2=0.0)[0] < loss  # the penalty counts
    with pytest.raises(ValueError, match=r"must fit together, got shapes \(30, 4\), \(4, 3\) and \(4,\)"):
        recipe.loss_and_accuracy(X_VAL, Y_VAL, kernel, np.zeros(4))
    with pytest.raises(ValueError, match="y must hold classes from 0 to 1"):
        recipe.loss_and_accuracy(X_VAL, Y_VAL, kernel[:, :2], bias[:2])


def test_compiled_training_learns_iris_with_the_source_settings():
    result = recipe.train_softmax_regression(X_TRAIN, Y_TRAIN, X_VAL, Y_VAL)
    history = result["history"]
    assert set(history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert all(len(values) == 500 for values in history.values())
    assert history["loss"][-1] < history["loss"][0]
    assert history["val_accuracy"][-1] >= 0.9


def test_compiled_training_validates_its_arguments():
    with pytest.raises(ValueError, match="learning_rate"):
        recipe.train_softmax_regression(X_TRAIN, Y_TRAIN, X_VAL, Y_VAL, learning_rate=-0.1)
    with pytest.raises(ValueError, match="l2"):
        recipe.train_softmax_regression(X_TRAIN, Y_TRAIN, X_VAL, Y_VAL, l2=-1.0)
    with pytest.raises(ValueError, match="same features"):
        recipe.train_softmax_regression(X_TRAIN, Y_TRAIN, X_VAL[:, :3], Y_VAL)


def test_a_live_iris_run_shows_about_twenty_updates():
    updates = list(recipe.softmax_regression_runs(X_TRAIN, Y_TRAIN, X_VAL, Y_VAL, num_epochs=150))
    assert [len(update["history"]["loss"]) for update in updates] == [0, *range(8, 150, 8), 150]
    assert all(update["stop_reason"] == "completed" for update in updates)


def train(panel):
    panel.button.click()
    panel.training.wait(120)


def test_recipe_panel_trains_live_on_the_button_as_the_maths_says():
    panel = recipe_panel()
    assert panel.chart.caption.startswith("untrained model (learning rate 0.1, L2 0.01")
    untrained = panel.chart.datasets["curves"]  # the untrained model's loss and accuracy, at epoch 0
    assert [(row["epoch"], row["set"]) for row in untrained] == [(0, "training"), (0, "validation")]
    assert all(row["loss"] > 0.5 and 0 <= row["accuracy"] < 0.7 for row in untrained)
    train(panel)
    assert "500 of 500 epochs" in panel.chart.caption and "validation accuracy" in panel.chart.caption
    assert panel.result["history"]["val_accuracy"][-1] >= 0.9
    assert len(panel.timings) == 1 + 500 // 25  # the untrained model, then an update every 25 epochs
    curves = panel.chart.datasets["curves"]
    assert len(curves) == 2 * 501 and curves[500]["epoch"] == 500 and curves[501]["set"] == "validation"
    assert [curves[0], curves[501]] == untrained  # each curve starts at the untrained model
    history = panel.result["history"]  # and goes on with the run's own epochs
    assert [row["loss"] for row in curves[1:501]] == pytest.approx(history["loss"], rel=1e-3)
    norm_at_default = np.linalg.norm(panel.result["kernel"])
    panel.controls["l2"].value = 0.2
    assert panel.result["l2"] == 0.01  # nothing happens before the button
    train(panel)
    assert panel.result["l2"] == 0.2 and "L2 0.2" in panel.chart.caption
    assert np.linalg.norm(panel.result["kernel"]) < 0.7 * norm_at_default
    panel.controls["l2"].value = 0.0
    panel.controls["num_epochs"].value = 20
    panel.controls["learning_rate"].value = 0.001
    train(panel)
    slow_loss = panel.result["history"]["loss"][-1]
    panel.controls["learning_rate"].value = 0.1
    train(panel)
    assert panel.result["history"]["loss"][-1] < slow_loss
    assert len(panel.result["history"]["loss"]) == 20


def test_the_live_run_is_the_run_trained_at_once():
    x, y = recipe.iris_split()[0]
    (x_fit, y_fit), (x_val, y_val) = recipe.split_like_keras(x, y, 0.2)
    at_once = recipe.train_softmax_regression(x_fit, y_fit, x_val, y_val, num_epochs=120)
    *_, live = recipe.softmax_regression_runs(x_fit, y_fit, x_val, y_val, num_epochs=120)
    np.testing.assert_array_equal(live["kernel"], at_once["kernel"])
    np.testing.assert_array_equal(live["history"]["val_loss"], at_once["history"]["val_loss"])


def test_exercises_check_both_ways(capsys):
    assert not exercises.check_parameter_count(...)
    assert "not attempted" in capsys.readouterr().out
    assert not exercises.check_parameter_count(4 * 16 + 16 * 3)
    assert "you forgot the biases" in capsys.readouterr().out
    assert not exercises.check_parameter_count(15)
    assert "that is the iris model" in capsys.readouterr().out
    assert not exercises.check_parameter_count(83)  # exercise 3's 4-10-3 network
    assert "not the expected value" in capsys.readouterr().out
    assert exercises.check_parameter_count(131)


def test_sparse_accuracy_build_it_exercise(capsys):
    assert not exercises.check_sparse_accuracy(...)
    assert "not attempted" in capsys.readouterr().out
    assert not exercises.check_sparse_accuracy(lambda labels, p: np.sum(np.argmax(p, axis=1) == labels))
    assert "number of right answers" in capsys.readouterr().out
    assert not exercises.check_sparse_accuracy(lambda labels, p: np.argmax(p, axis=1) == labels)
    assert "True/False values" in capsys.readouterr().out
    assert not exercises.check_sparse_accuracy(
        lambda labels, p: float(keras.metrics.sparse_categorical_accuracy(labels, p).numpy().mean()))
    assert "your answer calls keras.metrics.sparse_categorical_accuracy" in capsys.readouterr().out
    assert exercises.check_sparse_accuracy(lambda labels, p: np.mean(np.argmax(p, axis=1) == labels))
    assert "✓ sparse_accuracy: correct on 3 fresh test inputs" in capsys.readouterr().out


def iris_network(num_epochs, hidden_units=10, learning_rate=0.01, batch_size=120):
    """A build_and_train answer: the recipe for a 4-hidden_units-3 network."""

    def build_and_train(x_train, y_train):
        model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(hidden_units, activation="relu"),
                                  keras.layers.Dense(3, activation="softmax")])
        model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
                      loss="sparse_categorical_crossentropy")
        model.fit(x_train, y_train, batch_size=batch_size, epochs=num_epochs, verbose=0)
        return model

    return build_and_train


def test_iris_network_build_it_exercise(capsys):
    keras.utils.set_random_seed(0)
    assert not exercises.check_iris_network(...)
    assert "not attempted" in capsys.readouterr().out
    assert exercises.check_iris_network(iris_network(30, learning_rate=0.05, batch_size=12))  # 300 steps
    assert "✓" in capsys.readouterr().out
    x_all, y_all = data.load_iris(shuffle_seed=116)  # the chapter's x_train, y_train: the 30 test flowers too
    assert not exercises.check_iris_network(lambda x, y: iris_network(30, learning_rate=0.05, batch_size=12)(x_all, y_all))
    assert "below 0.9" in capsys.readouterr().out
    assert not exercises.check_iris_network(iris_network(1, hidden_units=8))
    assert "has 67 parameters, not 83" in capsys.readouterr().out
    assert not exercises.check_iris_network(iris_network(1, learning_rate=1e-4))   # one tiny step: untrained
    assert "below 0.9" in capsys.readouterr().out
    assert not exercises.check_iris_network(lambda x, y: "model")
    assert "returned a str" in capsys.readouterr().out
    assert not exercises.check_iris_network(iris_network(1), time_limit=0.0)
    assert "more than 0 s" in capsys.readouterr().out


def test_epoch_batches_draw_each_epochs_order_from_the_epoch_alone():
    x, y = np.arange(20, dtype=np.float32).reshape(10, 2), np.arange(10)
    full = [y.numpy().tolist() for _, y in recipe.epoch_batches(x, y, batch_size=4, num_epochs=3)]
    assert len(full) == 9 and all(sorted(sum(full[3 * e:3 * e + 3], [])) == list(range(10)) for e in range(3))
    assert full[:3] != full[3:6]  # a new order every epoch
    resumed = [y.numpy().tolist() for _, y in recipe.epoch_batches(x, y, batch_size=4, num_epochs=3, initial_epoch=2)]
    assert resumed == full[6:]  # epoch 3's order, not epoch 1's
    other_seed = [y.numpy().tolist() for _, y in recipe.epoch_batches(x, y, batch_size=4, num_epochs=1, seed=1)]
    assert other_seed != full[:3]
    for bad, name in (({"initial_epoch": 3}, "initial_epoch"), ({"initial_epoch": -1}, "initial_epoch"),
                      ({"batch_size": 0}, "batch_size")):
        with pytest.raises(ValueError, match=name):
            recipe.epoch_batches(x, y, **{"num_epochs": 3, **bad})
    with pytest.raises(ValueError, match="as many rows"):
        recipe.epoch_batches(x, y[:5], num_epochs=1)


def _count_correct(logits, labels):
    import tensorflow as tf

    predicted = tf.argmax(logits, axis=1, output_type=tf.int32)
    return int(tf.reduce_sum(tf.cast(tf.equal(predicted, labels), tf.int32)))


def test_count_correct_exercise_passes_the_loop_and_names_each_slip(capsys):
    import tensorflow as tf

    assert not exercises.check_count_correct(...)
    assert "not attempted" in capsys.readouterr().out
    assert exercises.check_count_correct(_count_correct)
    assert "✓ count_correct" in capsys.readouterr().out
    slips = {"InvalidArgumentError": lambda logits, labels: int(tf.reduce_sum(tf.cast(tf.equal(
                 tf.argmax(logits, axis=1), labels), tf.int32))),
             "the accuracy": lambda logits, labels: _count_correct(logits, labels) / len(labels),
             "counts the wrong predictions": lambda logits, labels: len(labels) - _count_correct(logits, labels),
             "which this exercise asks you to do without": lambda logits, labels: float(
                 keras.metrics.sparse_categorical_accuracy(labels, logits).numpy().sum())}
    for message, slip in slips.items():
        assert not exercises.check_count_correct(slip)
        assert message in capsys.readouterr().out, message


def _skip_model(hidden=8, combine="concatenate"):
    features = keras.Input(shape=(4,))
    inner = keras.layers.Dense(hidden, activation="relu")(features)
    joined = keras.layers.Concatenate()([inner, features]) if combine == "concatenate" else inner
    return keras.Model(features, keras.layers.Dense(3, activation="softmax")(joined))


def test_skip_model_exercise_finds_the_skip_connection(capsys):
    assert not exercises.check_skip_model(...)
    assert "not attempted" in capsys.readouterr().out
    assert exercises.check_skip_model(_skip_model)
    assert f"✓ skip model: {exercises.SKIP_PARAMETERS} parameters" in capsys.readouterr().out
    assert exercises.SKIP_PARAMETERS == 79
    assert not exercises.check_skip_model(lambda: _skip_model(hidden=9))
    assert "parameters" in capsys.readouterr().out

    def chain_of_79():
        features = keras.Input((4,))
        hidden = keras.layers.Dense(7, activation="relu")(keras.layers.Dense(4, activation="relu")(features))
        return keras.Model(features, keras.layers.Dense(3, activation="softmax")(hidden))

    assert chain_of_79().count_params() == 79
    assert not exercises.check_skip_model(chain_of_79)
    assert "there is no skip connection" in capsys.readouterr().out
    model = _skip_model()
    before = [w.copy() for w in model.get_weights()]
    assert exercises._skip_problem(model) is None
    assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights()))  # the check puts the weights back
    assert not exercises.check_skip_model(lambda: keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)]))
    assert "Sequential" in capsys.readouterr().out


def _resume(path, x, y, num_epochs, *, epoch_from="optimizer", data_from=None, weights_only=False):
    network = keras.saving.load_model(path)
    steps = int(np.ceil(len(x) / 32))
    epoch = int(network.optimizer.iterations) // steps if epoch_from == "optimizer" else 0
    if weights_only:
        fresh = keras.models.clone_model(network)
        fresh.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="sparse_categorical_crossentropy")
        fresh.set_weights(network.get_weights())
        fresh.optimizer.iterations.assign(network.optimizer.iterations)
        network = fresh
    batches = recipe.epoch_batches(x, y, batch_size=32, num_epochs=num_epochs,
                                   initial_epoch=epoch if data_from is None else data_from)
    network.fit(batches, initial_epoch=epoch, epochs=num_epochs, steps_per_epoch=steps, shuffle=False, verbose=0)
    return network


@pytest.mark.needs_data
def test_resume_exercise_needs_the_optimizer_state_the_epoch_and_the_data_order(capsys):
    assert not exercises.check_resume(...)
    assert "not attempted" in capsys.readouterr().out
    assert exercises.check_resume(_resume)
    assert "✓ resume" in capsys.readouterr().out
    for slip, message in ((lambda *a: _resume(*a, epoch_from="start"), "steps in all"),
                          (lambda *a: _resume(*a, data_from=0), "weights differ"),
                          (lambda *a: _resume(*a, weights_only=True), "weights differ"),
                          (lambda path, x, y, n: keras.saving.load_model(path), "steps in all"),
                          (lambda path, x, y, n: None, "return the trained model")):
        assert not exercises.check_resume(slip)
        assert message in capsys.readouterr().out, message
