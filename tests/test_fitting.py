"""Chapter 06: polynomial fits, the circle data, the regularized network, its panels and exercises."""

import sys
import traceback

import keras
import numpy as np
import pytest
from matplotlib.figure import Figure

from course_lib import fitting, training
from course_lib.exercises import fitting as exercises
from course_lib.widgets import fitting as fitting_panels
from course_lib.widgets.chart import unpack_table

# ---------------------------------------------------------------- regression


def test_polynomial_data_is_reproducible_and_noise_free_on_request():
    (x_train, y_train), (x_val, y_val) = fitting.polynomial_data(num_train=15, noise=0.0)
    assert x_train.shape == y_train.shape == (15,) and x_val.shape == (200,)
    assert np.allclose(y_train, np.sin(np.pi * x_train)) and np.all(np.abs(x_val) <= 1)
    again = fitting.polynomial_data(num_train=15, noise=0.3, seed=4)
    assert np.array_equal(again[0][1], fitting.polynomial_data(num_train=15, noise=0.3, seed=4)[0][1])
    with pytest.raises(ValueError, match="noise"):
        fitting.polynomial_data(noise=-0.1)


def test_polynomial_features_and_fit_recover_a_known_polynomial():
    x = np.linspace(-1, 1, 9)
    assert np.array_equal(fitting.polynomial_features(np.array([2.0]), 3), [[1.0, 2.0, 4.0, 8.0]])
    coefficients = fitting.fit_polynomial(x, 1.0 + 2.0 * x - 3.0 * x ** 2, degree=2)
    assert np.allclose(coefficients, [1.0, 2.0, -3.0])
    assert np.allclose(fitting.predict_polynomial(coefficients, np.array([0.5])), [1.25])
    for bad in (-1, 2.5, True):
        with pytest.raises(ValueError, match="degree"):
            fitting.polynomial_features(x, bad)
    with pytest.raises(ValueError, match="one value per x"):
        fitting.fit_polynomial(x, x[:3], 1)


def test_training_error_falls_with_the_degree_but_validation_error_turns_round():
    errors = fitting.errors_by_degree(*fitting.polynomial_data(), degrees=range(0, 13))
    assert np.all(np.diff(errors["train_mse"]) <= 1e-9)  # nested least-squares models
    best = errors["best_degree"]
    assert best == int(np.argmin(errors["validation_mse"])) and 3 <= best <= 6
    assert errors["validation_mse"][12] > 100 * errors["validation_mse"][best]
    assert errors["validation_mse"][1] > 2 * errors["validation_mse"][best]  # underfitting
    with pytest.raises(ValueError, match="degrees"):
        fitting.errors_by_degree(*fitting.polynomial_data(), degrees=[])


def test_more_training_points_tame_the_degree_12_polynomial():
    few = fitting.errors_by_degree(*fitting.polynomial_data(num_train=15), degrees=[12])
    many = fitting.errors_by_degree(*fitting.polynomial_data(num_train=400), degrees=[12])
    assert many["validation_mse"][0] < 0.1 < few["validation_mse"][0]


def test_mean_squared_error():
    assert fitting.mean_squared_error([1.0, 2.0], [1.0, 4.0]) == 2.0
    with pytest.raises(ValueError, match="shapes"):
        fitting.mean_squared_error([1.0], [1.0, 2.0])


def test_polynomial_fit_reports_both_errors():
    result = fitting.polynomial_fit(degree=12, noise=0.25, num_train=15)
    assert result["validation_mse"] > 100 * result["train_mse"]
    assert len(result["coefficients"]) == 13


# ---------------------------------------------------------------- classification


def test_circle_data_labels_by_the_source_rule_and_noise_moves_points_across():
    x, y = fitting.circle_data(num_samples=500, noise=0.0)
    assert x.shape == (500, 2) and x.dtype == np.float32 and set(np.unique(y)) == {0.0, 1.0}
    assert np.array_equal(y, (x[:, 0] ** 2 + x[:, 1] ** 2 < 2).astype(np.float32))
    assert not fitting.mislabelled(x, y).any()
    noisy_x, noisy_y = fitting.circle_data(num_samples=500, noise=0.4)
    assert np.array_equal(noisy_y, y)  # same labels, moved points
    assert 0.05 < fitting.mislabelled(noisy_x, noisy_y).mean() < 0.3
    with pytest.raises(ValueError, match="num_samples"):
        fitting.circle_data(num_samples=0)


def test_split_partitions_the_points():
    x, y = fitting.circle_data(num_samples=100)
    (x_train, y_train), (x_val, y_val) = fitting.split(x, y, train_fraction=0.3)
    assert len(x_train) == len(y_train) == 30 and len(x_val) == 70
    together = np.concatenate([x_train, x_val])
    assert np.array_equal(np.sort(together, axis=0), np.sort(x, axis=0))
    for bad in (0.0, 1.0, 1.5):
        with pytest.raises(ValueError, match="train_fraction"):
            fitting.split(x, y, train_fraction=bad)


def test_penalty_is_keras_l1_and_l2_on_the_kernels():
    kernels = [np.array([[0.5, -1.0], [2.0, 0.0]], np.float32), np.array([[3.0], [-0.5]], np.float32)]
    assert float(fitting.penalty(kernels, "L1", 0.1)) == pytest.approx(0.1 * 7.0)
    assert float(fitting.penalty(kernels, "L2", 0.1)) == pytest.approx(0.1 * 14.5)
    assert float(fitting.penalty(kernels, "none", 0.1)) == 0.0
    keras_l2 = sum(float(keras.regularizers.L2(0.1)(w)) for w in kernels)
    keras_l1 = sum(float(keras.regularizers.L1(0.1)(w)) for w in kernels)
    assert float(fitting.penalty(kernels, "L2", 0.1)) == pytest.approx(keras_l2, rel=1e-6)
    assert float(fitting.penalty(kernels, "L1", 0.1)) == pytest.approx(keras_l1, rel=1e-6)
    with pytest.raises(ValueError, match="regularization"):
        fitting.penalty(kernels, "L3", 0.1)
    with pytest.raises(ValueError, match="lam"):
        fitting.penalty(kernels, "L2", -1.0)


@pytest.fixture(scope="module")
def circle_split():
    x, y = fitting.circle_data(noise=0.4)
    return fitting.split(x, y, train_fraction=0.2)


@pytest.fixture(scope="module")
def plain_and_l2(circle_split):
    train, validation = circle_split
    return (fitting.train_classifier(train, validation, hidden_units=32, num_epochs=1000),
            fitting.train_classifier(train, validation, hidden_units=32, regularization="L2", lam=0.01,
                                     num_epochs=1000))


def test_the_unregularized_network_overfits_and_l2_cures_it(circle_split, plain_and_l2):
    (train, validation), (plain, with_l2) = circle_split, plain_and_l2
    assert plain.accuracy(*train) >= 0.95 and plain.train_loss[-1] < 0.1
    assert plain.validation_loss[-1] > 2 * plain.validation_loss.min()  # it turned round
    assert with_l2.validation_loss[-1] < 0.6 * plain.validation_loss[-1]
    norm = [sum(float(np.sum(w ** 2)) for w in run.kernels) for run in (plain, with_l2)]
    assert norm[1] < norm[0] / 5


def test_training_is_deterministic_and_records_every_epoch(circle_split):
    train, validation = circle_split
    runs = [fitting.train_classifier(train, validation, hidden_units=8, dropout=0.3, num_epochs=60)
            for _ in range(2)]
    assert runs[0].train_loss.shape == runs[0].validation_loss.shape == (60,)
    assert np.array_equal(runs[0].train_loss, runs[1].train_loss)
    assert [w.shape for w in runs[0].weights] == [(2, 8), (8,), (8, 1), (1,)]
    assert runs[0].train_loss[-1] < runs[0].train_loss[0]


def test_the_live_run_is_the_run_trained_at_once_shown_in_updates(circle_split):
    """Chapter 06's Playground plays the run in updates (training.live); the epochs are the same."""
    train, validation = circle_split
    at_once = fitting.train_classifier(train, validation, hidden_units=8, dropout=0.3, num_epochs=250)
    updates = list(fitting.classifier_runs(train, validation, hidden_units=8, dropout=0.3, num_epochs=250))
    assert [len(run.train_loss) for run in updates] == [0, *range(13, 250, 13), 250]
    np.testing.assert_array_equal(updates[-1].validation_loss, at_once.validation_loss)
    np.testing.assert_array_equal(updates[-1].weights[0], at_once.weights[0])


def test_dropout_lowers_the_validation_loss_of_the_overfitting_network(circle_split, plain_and_l2):
    train, validation = circle_split
    dropped = fitting.train_classifier(train, validation, hidden_units=32, dropout=0.5, num_epochs=1000)
    assert dropped.validation_loss[-1] < 0.5 * plain_and_l2[0].validation_loss[-1]


def test_l1_makes_weights_sparse_and_l2_only_small(circle_split):
    train, validation = circle_split
    runs = {name: fitting.train_classifier(train, validation, hidden_units=64, regularization=name,
                                           lam=3e-3, num_epochs=1500) for name in ("L1", "L2")}
    assert fitting.near_zero_share(runs["L1"].kernels) > 0.75
    assert fitting.near_zero_share(runs["L2"].kernels) < 0.5
    l2_sizes = np.abs(np.concatenate([w.ravel() for w in runs["L2"].kernels]))
    assert np.median(l2_sizes) > 0.02


def test_train_classifier_rejects_bad_settings(circle_split):
    train, validation = circle_split
    with pytest.raises(ValueError, match="dropout"):
        fitting.train_classifier(train, validation, dropout=1.0)
    with pytest.raises(ValueError, match="learning_rate"):
        fitting.train_classifier(train, validation, learning_rate=0.0)
    with pytest.raises(ValueError, match="hidden_units"):
        fitting.train_classifier(train, validation, hidden_units=0)
    with pytest.raises(ValueError, match="num_epochs"):
        fitting.train_classifier(train, validation, num_epochs=0)


def test_near_zero_share():
    assert fitting.near_zero_share([np.array([0.0, 0.001, 0.5, -2.0])]) == 0.5
    assert fitting.near_zero_share([np.array([0.0, 0.001, 0.5, -2.0])], threshold=1.0) == 0.75
    with pytest.raises(ValueError, match="threshold"):
        fitting.near_zero_share([np.ones(2)], threshold=0.0)


def test_mislabelled_finds_points_across_the_circle():
    x = np.array([[0.0, 0.0], [2.0, 2.0], [0.5, 0.5]])
    assert fitting.mislabelled(x, np.array([0.0, 0.0, 1.0])).tolist() == [True, False, False]
    with pytest.raises(ValueError, match="shape"):
        fitting.mislabelled(x[:, :1], np.zeros(3))


def test_playground_is_a_pure_function_with_a_decision_grid():
    first = fitting.playground(hidden_units=8, num_epochs=100, train_fraction=0.5)
    second = fitting.playground(hidden_units=8, num_epochs=100, train_fraction=0.5)
    assert np.array_equal(first["run"].validation_loss, second["run"].validation_loss)
    xs, ys, probability = first["grid"]
    assert xs.shape == ys.shape == probability.shape == (120, 120)
    assert 0.0 <= probability.min() and probability.max() <= 1.0
    assert probability[60, 60] > 0.5 > probability[0, 0]  # inside at the centre, outside in the corner
    assert len(first["train"][0]) == 150 and 0.5 <= first["validation_accuracy"] <= 1.0


# ---------------------------------------------------------------- figures and panels


def test_figures(circle_split, plain_and_l2):
    train, validation = circle_split
    data = fitting.polynomial_data()
    assert isinstance(fitting.polynomial_fits_figure(*data, degrees=(1, 4, 12)), Figure)
    with pytest.raises(ValueError, match="3 degrees"):
        fitting.polynomial_fits_figure(*data, degrees=(1, 12))
    assert isinstance(fitting.error_curve_figure(fitting.errors_by_degree(*data)), Figure)
    results = {name: fitting.classifier_result(run, train, validation)
               for name, run in zip(("plain", "L2"), plain_and_l2)}
    assert len(fitting.boundaries_figure(results).axes) == 3  # two maps and their colorbar
    assert len(fitting.weight_histograms_figure(dict(zip(("a", "b"), plain_and_l2))).axes) == 2


def test_polynomial_panel_refits_while_dragging():
    panel = fitting_panels.polynomial_panel()
    first_fit, first_caption = panel.chart.datasets["fit"], panel.chart.caption
    assert "degree 3" in first_caption and "validation MSE" in first_caption
    panel.controls["degree"].value = 12
    assert panel.result["degree"] == 12 and "degree 12" in panel.chart.caption
    assert panel.chart.datasets["fit"] != first_fit and panel.chart.caption != first_caption
    assert panel.result["validation_mse"] > 100 * panel.result["train_mse"]
    panel.controls["degree"].value = 0  # the least-squares constant is the mean of the training y
    (_, y_train), _ = fitting.polynomial_data(num_train=15, noise=0.25)
    assert {row["y"] for row in panel.chart.datasets["fit"]} == {float(f"{y_train.mean():.4g}")}
    assert len(panel.chart.datasets["train"]) == 15 and len(panel.chart.datasets["validation"]) == 50


def test_polynomial_panel_holds_every_state_offline():
    panel = fitting_panels.polynomial_panel()
    table = unpack_table(panel.chart.table)
    assert len(table) == 15 * 6 * 7  # degree 0 … 14, noise 0 … 0.625 by 0.125, 15 … 105 points by 15
    assert len(panel.chart.table) < 1_000_000
    panel.controls["degree"].value, panel.controls["noise"].value = 12, 0.5
    panel.controls["num_train"].value = 45
    entry = next(e for e in table if e["values"] == {"degree": 12, "noise": 0.5, "num_train": 45})
    assert entry["caption"] == panel.chart.caption and "degree 12, noise 0.5, 45 training points" in entry["caption"]
    assert entry["datasets"] == {name: rows for name, rows in panel.chart.datasets.items() if name != "truth"}
    assert all("truth" not in e["datasets"] for e in table)  # the true curve is stored once


def test_playground_panel_trains_live_only_on_the_button():
    panel = fitting_panels.playground_panel()
    assert panel.button is not None and panel.chart.caption.startswith("untrained network (16 hidden units, no")
    assert len(panel.chart.datasets["grid"]) == fitting_panels.GRID_CELLS ** 2
    untrained = panel.chart.datasets["losses"]  # both losses of the untrained network, at epoch 0
    assert [(row["epoch"], row["set"]) for row in untrained] == [(0, "training"), (0, "validation")]
    assert all(0.3 < row["cross_entropy"] < 3 for row in untrained)
    panel.controls["regularization"].value = "L2"
    panel.controls["lam"].value = 0.01
    panel.controls["num_epochs"].value = 100
    assert panel.chart.caption.startswith("untrained") and len(panel.timings) == 1  # nothing while dragging
    panel.button.click()
    panel.training.wait(600)  # seconds alone; minutes beside the heavy tests of a busy machine
    assert not panel.training.running, "the run did not end in 10 minutes; " + where_it_waits(panel.training.thread)
    assert "L2 λ = 0.01" in panel.chart.caption and "100 of 100 epochs" in panel.chart.caption
    assert panel.result["run"].regularization == "L2" and len(panel.result["run"].train_loss) == 100
    assert len(panel.timings) == 1 + 1 + training.UPDATES_PER_RUN  # the untrained state again, then the updates
    final = fitting.playground(hidden_units=16, regularization="L2", lam=0.01, num_epochs=100)
    assert panel.result["run"].validation_loss[-1] == final["run"].validation_loss[-1]  # split runs, same run
    losses = panel.chart.datasets["losses"]
    assert {row["set"] for row in losses} == {"training", "validation"} and losses[-1]["epoch"] == 100
    assert [row for row in losses if row["epoch"] == 0] == untrained  # the same untrained network, L2 or not


def where_it_waits(thread):
    """The stack of a ``thread`` that should have ended: where it waits."""
    frame = sys._current_frames().get(thread.ident)
    return "its thread is at:\n" + "".join(traceback.format_stack(frame)) if frame else "its thread has no frame"


def test_a_wrong_call_is_refused_and_the_playground_still_trains(circle_split):
    train, validation = circle_split
    with pytest.raises(ValueError, match=r"train's x must have one row of two coordinates per point, shape \(n, 2\)"):
        fitting.train_classifier((train[0][:, :1], train[1]), validation, num_epochs=5)
    with pytest.raises(ValueError, match=r"validation's y must hold one label per row of validation's x"):
        fitting.train_classifier(train, (validation[0], validation[1][:, None]), num_epochs=5)
    with pytest.raises(TypeError, match=r"train must be an \(x, y\) pair, got ndarray"):
        fitting.train_classifier(np.zeros((2, 3)), validation, num_epochs=5)
    with pytest.raises(ValueError, match="seed must be at most 2147483647"):
        fitting.train_classifier(train, validation, num_epochs=5, seed=2 ** 31)
    # Had a refused call reached TensorFlow, its lock would be held by this thread and the
    # panel's run, in a thread of its own, would wait for ever (the hang of the 3.10 stack).
    panel = fitting_panels.playground_panel(num_epochs=50)
    panel.button.click()
    panel.training.wait(600)
    assert not panel.training.running, "the run did not end in 10 minutes; " + where_it_waits(panel.training.thread)
    assert "50 of 50 epochs" in panel.chart.caption


# ---------------------------------------------------------------- exercises


def choose_by_validation(train, validation, degrees):
    """A right answer to exercise 1, written without errors_by_degree."""
    errors = [fitting.mean_squared_error(validation[1], fitting.predict_polynomial(
        fitting.fit_polynomial(*train, degree), validation[0])) for degree in degrees]
    return degrees[int(np.argmin(errors))]


def test_check_best_degree(capsys):
    assert not exercises.check_best_degree(...)
    assert "not attempted" in capsys.readouterr().out
    assert exercises.check_best_degree(choose_by_validation)
    assert "correct on 3 fresh test inputs" in capsys.readouterr().out
    # the three data sets choose different degrees, none of them the section's
    best = [fitting.errors_by_degree(*case)["best_degree"] for case in exercises._degree_cases()]
    assert len(set(best)) == 3
    by_training = lambda train, validation, degrees: degrees[int(np.argmin(  # noqa: E731
        [fitting.errors_by_degree(train, train, [degree])["train_mse"][0] for degree in degrees]))]
    slips = {"lowest *training* error": lambda train, validation, degrees: max(degrees),
             "position of the best degree": lambda train, validation, degrees:
                 degrees.index(choose_by_validation(train, validation, degrees)),
             "calls course_lib.fitting.errors_by_degree": by_training,
             "not the one with the lowest": lambda train, validation, degrees: 4,
             "whole number": lambda train, validation, degrees: str(choose_by_validation(train, validation, degrees))}
    for hint, slip in slips.items():
        assert not exercises.check_best_degree(slip)
        assert hint in capsys.readouterr().out
    assert not exercises.check_best_degree(3)
    assert "give the function itself" in capsys.readouterr().out


def test_check_l2_penalty(capsys):
    assert not exercises.check_l2_penalty(...)
    out = capsys.readouterr().out
    assert "not attempted" in out and "W1 and W2" not in out  # which arrays count is the exercise
    assert exercises.check_l2_penalty(0.01 * (5.5625 + 5.25))
    assert not exercises.check_l2_penalty(5.5625 + 5.25)
    assert "forgot to multiply by λ" in capsys.readouterr().out
    assert not exercises.check_l2_penalty(0.01 * (5.5625 + 5.25) / 2)
    assert "tf.nn.l2_loss" in capsys.readouterr().out
    assert not exercises.check_l2_penalty(0.01 * (5.5625 + 5.25 + 0.14 + 0.16))
    assert "biases" in capsys.readouterr().out


def test_check_rescue(capsys):
    assert not exercises.check_rescue(...)
    out = capsys.readouterr().out
    assert "not attempted" in out and "0.01" not in out  # the hint names no winning value
    assert not exercises.check_rescue({"learning_rate": 1.0})
    assert "keys are among" in capsys.readouterr().out
    assert not exercises.check_rescue({"regularization": "L4"})
    assert "regularization must be one of" in capsys.readouterr().out
    assert not exercises.check_rescue({"hidden_units": 32, "num_epochs": 1000})
    assert "Why: still overfitting" in capsys.readouterr().out
    assert not exercises.check_rescue({"hidden_units": 32, "regularization": "L2", "lam": 1.0})
    assert "Why: underfitting" in capsys.readouterr().out
    assert exercises.check_rescue({"hidden_units": 32, "regularization": "L2", "lam": 0.01,
                                   "num_epochs": 1000})
    assert "Why" not in capsys.readouterr().out


def test_the_error_of_no_points_is_an_error_not_nan():
    with pytest.raises(ValueError, match="empty"):
        fitting.mean_squared_error([], [])


# ---------------------------------------------------------------- learning curves and early stopping (chapter 06)


def test_learning_curves_close_the_gap_with_more_data():
    curves = fitting.learning_curves(degrees=(3, 12), sizes=(15, 400), num_seeds=5)
    assert list(curves["sizes"]) == [15, 400] and curves["noise_floor"] == pytest.approx(0.0625)
    flexible = curves[12]
    assert flexible["validation_mse"][0] > 10 * flexible["validation_mse"][1]   # few points: wild fits
    assert flexible["train_mse"][0] < flexible["train_mse"][1]                  # more points are harder to pass through
    assert abs(flexible["validation_mse"][1] - 0.0625) < 0.02
    figure = fitting.learning_curves_figure(curves)
    assert isinstance(figure, Figure) and "training points" in figure.axes[0].get_xlabel()
    assert len(figure.axes[0].get_lines()) == 5
    with pytest.raises(ValueError, match="size"):
        fitting.learning_curves(sizes=(0, 10))


def test_early_stopping_restores_the_best_weights_even_when_fit_ends_first():
    """Keras 3's EarlyStopping restores in on_train_end, also when patience never ran out."""
    x, y = fitting.circle_data(num_samples=300, noise=0.4)
    (x_train, y_train), (x_val, y_val) = fitting.split(x, y, train_fraction=0.2)
    model = fitting.keras_circle_network(hidden_units=32, learning_rate=0.01)
    assert model.count_params() == 2 * 32 + 32 + 32 + 1
    stopping = keras.callbacks.EarlyStopping(monitor="val_loss", patience=1000, restore_best_weights=True)
    history = model.fit(x_train, y_train, batch_size=len(x_train), epochs=120, validation_data=(x_val, y_val),
                        callbacks=[stopping], verbose=0).history
    assert stopping.stopped_epoch == 0 and len(history["loss"]) == 120
    kept = model.evaluate(x_val, y_val, verbose=0)
    assert kept == pytest.approx(min(history["val_loss"]), abs=1e-5)
    assert history["val_loss"][-1] > kept + 1e-3   # the last epoch was not the best one
    figure = fitting.early_stopping_figure(history, 0, stopping.best_epoch + 1, "test")
    assert figure.axes[0].get_ylabel() == "binary cross entropy"


def test_the_regularizer_exercise_runs_the_students_function_in_keras(capsys):
    import tensorflow as tf

    assert not exercises.check_regularizer(...)
    assert "not attempted yet" in capsys.readouterr().out
    assert exercises.check_regularizer(lambda kernel: 0.01 * tf.reduce_sum(tf.square(kernel)))
    assert capsys.readouterr().out.count("✓") == 2
    slips = {"forgot to multiply by λ": lambda k: tf.reduce_sum(tf.square(k)),
             "L1 penalty": lambda k: 0.01 * tf.reduce_sum(tf.abs(k)),
             "half the penalty": lambda k: 0.01 * tf.nn.l2_loss(k),
             "mean of the squares": lambda k: 0.01 * tf.reduce_mean(tf.square(k))}
    for hint, slip in slips.items():
        assert not exercises.check_regularizer(slip)
        assert hint in capsys.readouterr().out
    assert not exercises.check_regularizer(lambda kernel: 0.01 * float(np.sum(np.square(kernel))))
    assert "use tf operations" in capsys.readouterr().out  # NumPy and float() fail in fit's graph
    for own in (keras.regularizers.L2(0.01), lambda kernel: keras.regularizers.l2(0.01)(kernel),
                lambda kernel: keras.regularizers.L1L2(l2=0.01)(kernel),
                lambda kernel: fitting.penalty([kernel], "L2", 0.01)):
        assert not exercises.check_regularizer(own)
        assert "which this exercise asks you to" in capsys.readouterr().out


def _dropout(h, rate, keep, training):
    return h * keep / (1.0 - rate) if training else h


def test_dropout_exercise_passes_the_layer_and_names_each_slip(capsys):
    import tensorflow as tf

    h, keep = np.full((2, 4), 3.0, np.float32), np.array([[1, 0, 1, 1], [0, 0, 1, 0]], np.float32)
    layer = keras.layers.Dropout(0.25, seed=0)(np.ones((1, 1000), np.float32), training=True).numpy()
    np.testing.assert_allclose(_dropout(h, 0.25, keep, True)[keep == 1], layer[layer > 0][0] * 3.0)  # Keras' scale
    assert not exercises.check_dropout(...)
    assert "not attempted" in capsys.readouterr().out
    assert exercises.check_dropout(_dropout)
    assert "✓ dropout" in capsys.readouterr().out
    slips = {"are not scaled": lambda h, r, k, t: h * k if t else h,
             "multiplied by 1 − rate": lambda h, r, k, t: h * k * (1 - r) if t else h,
             "divided by the rate": lambda h, r, k, t: h * k / r if t else h,
             "no mask and no scaling": lambda h, r, k, t: h * k / (1 - r),
             "does not rescale": lambda h, r, k, t: h * k / (1 - r) if t else h * (1 - r),
             "which this exercise asks you to do without": lambda h, r, k, t: tf.nn.dropout(h, r) if t else h}
    for message, slip in slips.items():
        assert not exercises.check_dropout(slip)
        assert message in capsys.readouterr().out, message
