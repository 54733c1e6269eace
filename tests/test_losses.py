"""Chapter 05: the loss functions, their gradients, the sales fit, the panels and the exercises."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from scipy.optimize import linprog

from course_lib import losses
from course_lib.exercises import losses as exercises
from course_lib.widgets.chart import unpack_table
from course_lib.widgets.losses import ce_vs_mse_panel, sales_panel

SOURCE_LABELS = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0], [0, 1, 0]], dtype=float)
SOURCE_LOGITS = np.array([[12, 3, 2], [3, 10, 3], [2, 1, 5], [4, 6, 1.2], [3, 6, 1]])
SOURCE_VECTOR = [1.68795487e-04, 1.82210289e-03, 6.58839038e-02, 2.13415060e+00, 5.49852354e-02]


def test_cross_entropy_gives_the_source_example():
    assert losses.cross_entropy([1, 0], [0.6, 0.4]) == pytest.approx(0.511, abs=5e-4)
    assert losses.cross_entropy([1, 0], [0.8, 0.2]) == pytest.approx(0.223, abs=5e-4)


def test_cross_entropy_rejects_what_is_not_a_probability():
    with pytest.raises(ValueError, match="probabilities"):
        losses.cross_entropy([1, 0], [1.0, 0.0])
    with pytest.raises(ValueError, match="shape"):
        losses.cross_entropy([1, 0, 0], [0.5, 0.5])


def test_both_softmax_cross_entropies_give_the_source_vector_on_moderate_logits():
    for function in (losses.naive_softmax_cross_entropy, losses.stable_softmax_cross_entropy):
        np.testing.assert_allclose(function(SOURCE_LABELS, SOURCE_LOGITS, dtype="float64"),
                                   SOURCE_VECTOR, rtol=1e-8)


def test_only_the_stable_version_survives_large_logits():
    labels, logits = [[1.0, 0.0, 0.0], [1.0, 0.0, 0.0]], [[1000.0, 0.0, -1000.0], [-120.0, 0.0, 0.0]]
    naive = losses.naive_softmax_cross_entropy(labels, logits)
    stable = losses.stable_softmax_cross_entropy(labels, logits)
    assert np.isnan(naive[0]) and np.isinf(naive[1])
    np.testing.assert_allclose(stable, [0.0, 120.0 + np.log(2.0)], atol=1e-4)
    np.testing.assert_allclose(stable, tf.nn.softmax_cross_entropy_with_logits(
        np.float32(labels), np.float32(logits)).numpy(), atol=1e-4)


def test_logit_gradients_match_their_closed_forms_and_differ_from_each_other():
    gradients = losses.logit_gradients(SOURCE_LABELS, SOURCE_LOGITS)
    for name in ("ce", "mse"):
        np.testing.assert_allclose(gradients[f"{name}_tape"], gradients[f"{name}_formula"], atol=1e-12)
    assert np.abs(gradients["ce_tape"][3]).max() > 5 * np.abs(gradients["mse_tape"][3]).max()
    with pytest.raises(ValueError, match="shape"):
        losses.logit_gradients(SOURCE_LABELS[:, :2], SOURCE_LOGITS)


def test_probability_losses_match_the_tape_and_show_the_mse_gradient_vanishing():
    z = tf.Variable(np.log(0.3 / 0.7))
    with tf.GradientTape(persistent=True) as tape:
        p = tf.sigmoid(z)
        ce, mse = -tf.math.log(p), (1 - p) ** 2
    result = losses.probability_losses(0.3)
    assert result["ce_slope"] == pytest.approx(float(tape.gradient(ce, z)))
    assert result["mse_slope"] == pytest.approx(float(tape.gradient(mse, z)))
    wrong = losses.probability_losses(0.01)
    assert abs(wrong["mse_slope"]) < 0.02 < 0.9 < abs(wrong["ce_slope"])
    with pytest.raises(ValueError, match="probability"):
        losses.probability_losses(1.5)


def test_sales_loss_charges_cost_above_and_profit_below():
    assert float(losses.sales_loss([[1.0], [1.0]], [[1.5], [0.5]], cost=2, profit=10)) == pytest.approx(6.0)
    with pytest.raises(ValueError, match="cost"):
        losses.sales_loss([1.0], [1.0], cost=-1, profit=1)


def test_make_sales_data_is_the_sum_of_the_features_plus_small_noise():
    x, y = losses.make_sales_data()
    assert x.shape == (32, 2) and y.shape == (32, 1)
    noise = y[:, 0] - x.sum(axis=1)
    assert np.all(np.abs(noise) <= 0.05) and noise.std() > 0.01
    np.testing.assert_array_equal(y, losses.make_sales_data()[1])
    with pytest.raises(ValueError, match="num_samples"):
        losses.make_sales_data(0)


def _exact_fit(cost, profit, x, y):
    """The minimum of the sales loss by linear programming (quantile regression), for reference."""
    n = len(x)
    objective = np.r_[0.0, 0.0, cost * np.ones(n), profit * np.ones(n)]
    constraints = np.c_[x, -np.eye(n), np.eye(n)]
    result = linprog(objective, A_eq=constraints, b_eq=y[:, 0],
                     bounds=[(None, None)] * 2 + [(0, None)] * (2 * n))
    return result.x[:2], result.fun


@pytest.mark.parametrize("cost, profit", [(1, 99), (99, 1), (1, 1)])
def test_fit_sales_model_reaches_the_exact_minimum(cost, profit):
    x, y = losses.make_sales_data()
    fit = losses.fit_sales_model(cost, profit, x, y)
    weights, minimum = _exact_fit(cost, profit, x, y)
    assert fit["loss"] == pytest.approx(minimum, rel=1e-3)
    np.testing.assert_allclose(fit["weights"], weights, atol=5e-3)
    # the exact minimum is a corner: the plane passes through two days; the fit counts them apart
    exact_errors = x @ weights - y[:, 0]
    on_plane = np.abs(exact_errors) <= 1e-9
    assert on_plane.sum() == fit["num_on_plane"] == 2
    assert (fit["num_above"], fit["num_below"]) == ((exact_errors > 1e-9).sum(), (exact_errors < -1e-9).sum())


def test_fit_sales_model_validates_its_arguments():
    with pytest.raises(ValueError, match="cost"):
        losses.fit_sales_model(0, 1)
    with pytest.raises(ValueError, match=r"\(n, 2\)"):
        losses.fit_sales_model(1, 1, np.ones((4, 3)), np.ones((4, 1)))


def test_fit_sales_models_are_the_single_fits_in_one_descent():
    fits = losses.fit_sales_models([1, 99, 3], [99, 1, 7])
    for fit, (cost, profit) in zip(fits, [(1, 99), (99, 1), (3, 7)]):
        single = losses.fit_sales_model(cost, profit)
        np.testing.assert_array_equal(fit["weights"], single["weights"])  # the same bits
        assert (fit["cost"], fit["profit"], fit["loss"]) == (cost, profit, single["loss"])
    with pytest.raises(ValueError, match="profit"):
        losses.fit_sales_models([1, 2], [3, -1])
    with pytest.raises(ValueError, match="as many"):
        losses.fit_sales_models([1, 2], [3])


def test_ce_vs_mse_panel_follows_its_slider():
    panel = ce_vs_mse_panel()
    point, caption = panel.chart.datasets["point"], panel.chart.caption
    assert "CE = <b>1.204</b>" in caption
    panel.controls["probability"].value = 0.05
    assert panel.chart.datasets["point"] != point
    assert panel.result["ce"] == pytest.approx(-np.log(0.05))
    assert "CE = <b>2.996</b>" in panel.chart.caption
    # the marked points: −ln 0.05 = 2.996 with slope 0.05 − 1; (0.95)² = 0.9025 with slope −2·0.95²·0.05
    assert panel.chart.datasets["point"] == [
        {"p": 0.05, "loss": "cross entropy −ln p", "value": 2.996, "slope": -0.95},
        {"p": 0.05, "loss": "MSE (1 − p)²", "value": 0.9025, "slope": -0.09025}]


def test_ce_vs_mse_panel_works_without_a_kernel():
    panel = ce_vs_mse_panel()
    table = unpack_table(panel.chart.table)
    assert len(table) == 100  # p: 0.01 … 1 by 0.01
    assert all(set(entry["datasets"]) == {"point"} for entry in table)  # the curves are stored once
    panel.controls["probability"].value = 0.42
    entry = next(e for e in table if e["values"] == {"probability": 0.42})
    assert entry["datasets"] == {"point": panel.chart.datasets["point"]}  # the same state, kernel or not
    assert entry["caption"] == panel.chart.caption
    assert len(panel.chart.table) < 20_000  # bytes, packed


def test_sales_panel_ships_every_fit_its_sliders_offer():
    panel = sales_panel()
    table = unpack_table(panel.chart.table)
    assert len(table) == 50 * 50 and panel.links  # COST and PROFIT from 1 to 99 in steps of 2, linked in the browser
    panel.controls["cost"].value, panel.controls["profit"].value = 37.0, 13.0
    entry = next(e for e in table if e["values"] == {"cost": 37.0, "profit": 13.0})
    assert entry["caption"] == panel.chart.caption  # the state the browser shows is the kernel's
    assert entry["datasets"]["days"] == panel.chart.datasets["days"]
    assert "cost 37, profit 13" in entry["caption"]
    assert len(panel.chart.table) < 1_000_000  # bytes, packed


def test_sales_panel_moves_the_weights_the_way_the_prices_say():
    panel = sales_panel()
    high = panel.result["weights"]
    assert np.all(high > 1.0) and panel.result["above_share"] > 0.9
    assert "profit / (cost + profit) = 99%" in panel.chart.caption
    panel.controls["profit"].value = 1.0
    panel.controls["cost"].value = 99.0
    assert np.all(panel.result["weights"] < 1.0) and panel.result["above_share"] < 0.1
    assert "w1 = <b>0.9" in panel.chart.caption
    # the chart: one day's loss rises with slope COST = 99 above 0, and every day's error, sorted
    assert panel.chart.datasets["loss"][-1]["error"] == 0.1 and panel.chart.datasets["loss"][-1]["loss"] == 9.9
    x, y = losses.make_sales_data()
    errors = np.sort(x @ panel.result["weights"] - y[:, 0])
    days = panel.chart.datasets["days"]
    np.testing.assert_allclose([day["error"] for day in days], errors, rtol=1e-3)
    assert sum(day["side"].startswith("over") for day in days) == np.sum(errors > 0) < 4


def test_exercises_check_both_ways(capsys):
    assert not exercises.check_cross_entropy(...)
    label, prediction = [0.1, 0.8, 0.1], np.array([0.2, 0.7, 0.1])
    assert not exercises.check_cross_entropy(np.sum(label * np.log(prediction)))
    assert "minus sign" in capsys.readouterr().out
    assert exercises.check_cross_entropy(-np.sum(label * np.log(prediction)))
    assert exercises.check_cross_entropy(float(keras.losses.CategoricalCrossentropy(label_smoothing=0.3)(
        np.array([[0.0, 1.0, 0.0]]), prediction[None])))  # the smoothed label is Keras' own
    capsys.readouterr()
    assert not exercises.check_cross_entropy(-np.log(0.7))  # the one-hot label's CE, the chapter's worked example
    assert "one-hot label (0, 1, 0)" in capsys.readouterr().out
    assert not exercises.check_cross_entropy(-np.sum(prediction * np.log(label)))
    assert "swapped" in capsys.readouterr().out
    z = exercises.GRADIENT_LOGITS
    softmax = np.exp(z) / np.exp(z).sum()
    assert not exercises.check_logit_gradient(softmax)
    assert "subtract the one-hot" in capsys.readouterr().out
    assert exercises.check_logit_gradient(softmax - exercises.GRADIENT_LABEL)
    assert not exercises.check_cross_entropy(-np.sum(label * np.log10(prediction)))
    assert "base 10" in capsys.readouterr().out
    assert not exercises.check_cross_entropy(None)
    assert "tape.watch" in capsys.readouterr().out


def test_cautious_forecast_exercise_says_why_a_forecast_misses(capsys):
    assert not exercises.check_cautious_forecast(..., ...)
    out = capsys.readouterr().out
    assert "not attempted" in out and "4" not in out and "larger" not in out
    assert not exercises.check_cautious_forecast(1, 4)
    assert "swap COST and PROFIT" in capsys.readouterr().out
    assert not exercises.check_cautious_forecast(5, 5)
    assert "median" in capsys.readouterr().out
    assert not exercises.check_cautious_forecast(3, 2)
    assert "not far enough" in capsys.readouterr().out
    assert not exercises.check_cautious_forecast(99, 1)  # the chapter's own example: far too cautious
    assert "too cautious" in capsys.readouterr().out
    assert not exercises.check_cautious_forecast(-4, 1)
    assert "cost must be" in capsys.readouterr().out
    assert not exercises.check_cautious_forecast("4", 1)
    assert "COST: your answer is the text '4'" in capsys.readouterr().out
    assert exercises.check_cautious_forecast(4, 1)
    assert capsys.readouterr().out == "✓ share of days over-predicted with COST 4, PROFIT 1 is between 0.15 and 0.25\n"


def test_cross_entropy_of_logits_takes_one_hot_or_integer_labels_and_matches_the_stable_formula():
    logits = np.array([[2.0, -1.0, 0.5], [0.1, 0.2, 3.0]], np.float32)
    one_hot = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]], np.float32)
    expected = np.mean(losses.stable_softmax_cross_entropy(one_hot, logits))
    assert float(losses.cross_entropy_of_logits(one_hot, logits)) == pytest.approx(expected, rel=1e-6)
    assert float(losses.cross_entropy_of_logits(np.array([0, 1]), logits)) == pytest.approx(expected, rel=1e-6)


def test_mse_is_the_mean_over_every_entry_for_tensors_and_arrays():
    y_true, y_pred = np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([[0.5, 0.5], [0.0, 3.0]])
    assert float(losses.mse(y_true, y_pred)) == pytest.approx((0.25 + 0.25 + 0 + 4) / 4)
    assert float(losses.mse(y_true, tf.constant(y_pred, tf.float32))) == pytest.approx(1.125)


@pytest.mark.parametrize("y_pred", [np.zeros(4), np.zeros((1, 4))])
def test_mse_and_the_sales_loss_refuse_shapes_that_would_broadcast(y_pred):
    # (n, 1) against (n,) broadcast to (n, n): a number n times too large, with no word.
    with pytest.raises(ValueError, match="y_true has shape \\(4, 1\\) but y_pred has shape"):
        losses.mse(np.ones((4, 1)), y_pred)
    with pytest.raises(ValueError, match="y_true has shape \\(4, 1\\) but y_pred has shape"):
        losses.sales_loss(np.ones((4, 1)), y_pred, cost=1.0, profit=99.0)


def test_mse_of_nothing_is_an_error_not_nan():
    with pytest.raises(ValueError, match="empty"):
        losses.mse([], [])


@pytest.mark.parametrize("labels", [[[2.0, 0.0]], [[0.5, 0.2]], [[-1.0, 2.0]]])
def test_stable_cross_entropy_refuses_labels_that_are_not_one_hot(labels):
    with pytest.raises(ValueError, match="one-hot"):
        losses.stable_softmax_cross_entropy(np.array(labels), np.array([[1.0, 2.0]]))
    soft = losses.stable_softmax_cross_entropy(np.array([[0.25, 0.75]]), np.array([[1.0, 2.0]]))
    assert np.isfinite(soft).all()  # probabilities as targets stay allowed


def _cross_entropy(y_true, y_pred):
    import tensorflow as tf

    return -tf.reduce_sum(y_true * tf.math.log(y_pred), axis=-1)


def _not_written(y_true, y_pred):
    return ...


def test_cross_entropy_function_exercise_checks_values_and_a_real_fit(capsys):
    assert not exercises.check_cross_entropy_function(...)
    assert not exercises.check_cross_entropy_function(_not_written)
    assert capsys.readouterr().out.count("not attempted") == 2
    assert exercises.check_cross_entropy_function(_cross_entropy)
    out = capsys.readouterr().out
    assert "✓ cross_entropy on 12 fresh rows" in out and "✓ iris weights after fit" in out
    # the fresh inputs: one-hot labels, rows of probabilities that are never 0 and add up to 1
    labels, probabilities = exercises._fresh_labels_and_probabilities()
    assert labels.shape == probabilities.shape == (12, 5)
    np.testing.assert_allclose(probabilities.numpy().sum(axis=1), 1.0, rtol=1e-6)
    assert probabilities.numpy().min() > 0 and set(np.unique(labels.numpy())) == {0.0, 1.0}


def test_cross_entropy_function_exercise_fails_a_loss_that_trains_differently(capsys):
    import tensorflow as tf

    def numpy_loss(y_true, y_pred):  # right values eagerly, but NumPy cannot run inside fit's graph
        return -np.sum(y_true * np.log(y_pred), axis=-1)

    assert not exercises.check_cross_entropy_function(numpy_loss)
    assert "use TensorFlow operations" in capsys.readouterr().out

    def doubled_in_fit(y_true, y_pred):  # right on eager tensors, twice the loss on fit's symbolic ones
        factor = 2.0 if not tf.executing_eagerly() else 1.0
        return factor * _cross_entropy(y_true, y_pred)

    assert not exercises.check_cross_entropy_function(doubled_in_fit)
    assert "iris weights after fit" in capsys.readouterr().out


@pytest.mark.parametrize("loss, hint", [
    (lambda t, p: -_cross_entropy(t, p), "minus in front"),
    (lambda t, p: _cross_entropy(t, p) / 5, "mean over the classes"),
    (lambda t, p: _cross_entropy(t, p) / np.log(10), "base 10"),
    (lambda t, p: -np.sum(np.log(p), axis=-1), "multiply each log by its label"),
    (lambda t, p: np.mean(_cross_entropy(t, p)), "mean over the rows"),
    (lambda t, p: np.sum(_cross_entropy(t, p)), "sum over the rows"),
    (lambda t, p: _cross_entropy(p, t), "log of y_true"),
    (lambda t, p: undefined_name, "raised NameError"),  # noqa: F821
    (0.3, "give the function itself"),
])
def test_cross_entropy_function_exercise_names_the_mistake(loss, hint, capsys):
    assert not exercises.check_cross_entropy_function(loss)
    assert hint in capsys.readouterr().out
