"""Tests of chapter 07: the hand-written optimizers, their match with Keras, the race panel, the exercises."""

import numpy as np
import pytest

from course_lib import optimizers
from course_lib.exercises import optimizers as exercises
from course_lib.widgets import optimizers as optimizer_widgets
from course_lib.widgets.chart import unpack_table
from course_lib.widgets.controls import dead_controls, stacks_in

W = np.array([1.0, -2.0, 0.5])
G = np.array([0.5, -3.0, 0.25])


def run(optimizer, gradients, weights=W):
    """The weights after one step per gradient."""
    for gradient in gradients:
        (weights,) = optimizer.step([weights], [gradient])
    return weights


# --- The course's formulas ----------------------------------------------------------------

def test_sgd_steps_against_the_gradient():
    np.testing.assert_allclose(run(optimizers.SGD(0.1), [G]), W - 0.1 * G)


def test_sgdm_averages_the_gradients():
    expected_m = 0.9 * (0.1 * G) + 0.1 * (2 * G)
    after_first = W - 0.1 * (0.1 * G)
    np.testing.assert_allclose(run(optimizers.SGDM(0.1, beta=0.9), [G, 2 * G]),
                               after_first - 0.1 * expected_m)


def test_adagrad_steps_shrink_as_one_over_root_t():
    optimizer = optimizers.AdaGrad(0.1, epsilon=0.0)
    weights, steps = W, []
    for _ in range(100):
        (new_weights,) = optimizer.step([weights], [G])
        steps.append(np.abs(new_weights - weights))
        weights = new_weights
    np.testing.assert_allclose(steps[0], 0.1)
    np.testing.assert_allclose(steps[99], 0.1 / np.sqrt(100))


def test_rmsprop_first_step_is_lr_over_root_one_minus_beta():
    weights = run(optimizers.RMSProp(0.01, beta=0.9, epsilon=0.0), [G])
    np.testing.assert_allclose(weights, W - 0.01 / np.sqrt(0.1) * np.sign(G))


def test_adam_first_step_is_lr_times_the_sign_of_the_gradient():
    weights = run(optimizers.Adam(0.01, epsilon=0.0), [G])
    np.testing.assert_allclose(weights, W - 0.01 * np.sign(G))


def test_epsilon_keeps_a_weight_with_zero_gradients_finite():
    for name in ("AdaGrad", "RMSProp", "Adam"):
        weights = run(optimizers.COURSE_OPTIMIZERS[name](0.1), [np.zeros(3)] * 3)
        np.testing.assert_array_equal(weights, W)
    with np.errstate(invalid="ignore"):
        assert np.isnan(run(optimizers.AdaGrad(0.1, epsilon=0.0), [np.zeros(3)])).all()


def test_step_keeps_float32_weights_in_float32():
    (weights,) = optimizers.Adam().step([W.astype(np.float32)], [G.astype(np.float32)])
    assert weights.dtype == np.float32


def test_step_leaves_its_inputs_alone():
    weights = W.copy()
    optimizers.SGDM(0.1).step([weights], [G])
    np.testing.assert_array_equal(weights, W)


def test_course_sgdm_is_keras_momentum_with_lr_times_one_minus_beta():
    gradients = [G * k for k in (1.0, -0.5, 2.0, 0.3, 1.1)]
    course = run(optimizers.SGDM(0.1, beta=0.9), gradients)
    keras_form = run(optimizers.KerasSGD(0.01, momentum=0.9), gradients)
    np.testing.assert_allclose(course, keras_form, rtol=1e-12)


@pytest.mark.parametrize("make, message", [
    (lambda: optimizers.SGD(-0.1), "learning_rate"),
    (lambda: optimizers.SGDM(0.1, beta=1.0), "beta"),
    (lambda: optimizers.Adam(0.1, beta2=1.5), "beta2"),
    (lambda: optimizers.AdaGrad(0.1, epsilon=-1.0), "epsilon"),
    (lambda: optimizers.KerasSGD(0.1, momentum=-0.1), "momentum"),
    (lambda: optimizers.KerasAdagrad(initial_accumulator_value=-1), "initial_accumulator_value"),
])
def test_bad_hyperparameters_are_refused(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_step_refuses_gradients_that_do_not_fit():
    optimizer = optimizers.SGD()
    with pytest.raises(ValueError, match="one gradient per weight"):
        optimizer.step([W, W], [G])
    with pytest.raises(ValueError, match="does not fit"):
        optimizer.step([W], [G[:2]])
    optimizer.step([W], [G])
    with pytest.raises(ValueError, match="make a new one"):
        optimizer.step([W, W], [G, G])


# --- Keras' formulas --------------------------------------------------------------------

def test_keras_adagrad_starts_its_accumulator_at_0_1():
    weights = run(optimizers.KerasAdagrad(0.1, epsilon=0.0), [G])
    np.testing.assert_allclose(weights, W - 0.1 * G / np.sqrt(0.1 + G ** 2))


def test_keras_adam_adds_epsilon_to_the_uncorrected_root():
    weights = run(optimizers.KerasAdam(0.01, epsilon=0.1), [G])
    alpha = 0.01 * np.sqrt(1 - 0.999) / (1 - 0.9)
    np.testing.assert_allclose(weights, W - 0.1 * G * alpha / (np.sqrt(0.001) * np.abs(G) + 0.1))


def test_keras_pair_refuses_an_unknown_method():
    with pytest.raises(ValueError, match="name"):
        optimizers.keras_pair("Lion")


# The Keras forms' step-for-step match with keras.optimizers is a claim of the chapter, tested in
# tests/claims/test_07_optimizers.py.


def test_the_course_form_does_not_match_keras_adagrad():
    """The comparison can fail: the course's AdaGrad starts its sum at 0, Keras' at 0.1."""
    (x_weights,) = optimizers.AdaGrad(0.1).step([W], [G])
    (k_weights,) = optimizers.KerasAdagrad(0.1).step([W], [G])
    assert np.abs(x_weights - k_weights).max() > 1e-2


# --- Surfaces, the race and iris ------------------------------------------------------

def test_sgd_descends_the_ravine():
    points, losses = optimizers.trajectory(optimizers.SGD(0.3), "ravine", 200)
    assert points.shape == (201, 2)
    assert losses[-1] < 1e-2 * losses[0]


def test_a_diverging_trajectory_stops_with_finite_points():
    points, losses = optimizers.trajectory(optimizers.SGD(0.1), "rosenbrock", 100)
    assert len(points) < 101
    assert np.isfinite(points).all() and losses.max() <= optimizers.DIVERGED_LOSS


def test_gradients_of_the_surfaces_match_finite_differences():
    for surface in optimizers.SURFACES.values():
        point, h = np.array([0.3, -0.7]), 1e-6
        numeric = [(surface.function(point + h * e) - surface.function(point - h * e)) / (2 * h)
                   for e in np.eye(2)]
        np.testing.assert_allclose(surface.gradient(point), numeric, rtol=1e-5)


def test_race_runs_the_five_methods_and_reports_divergence():
    result = optimizers.race("rosenbrock", 0.1, num_steps=50)
    assert list(result["runs"]) == list(optimizers.NAMES)
    assert result["runs"]["SGD"]["diverged"]
    assert not result["runs"]["Adam"]["diverged"]
    with pytest.raises(ValueError, match="surface"):
        optimizers.race("himmelblau")


def test_train_iris_learns():
    run_ = optimizers.train_iris(optimizers.Adam(0.05), "Adam", num_epochs=40)
    assert run_.name == "Adam" and len(run_.losses) == 40
    assert run_.losses[-1] < 0.5 * run_.losses[0]
    assert run_.test_accuracy >= 0.8 and run_.seconds > 0


def test_iris_split_is_the_courses():
    (x_train, y_train), (x_test, y_test) = optimizers.iris_split()
    assert x_train.shape == (120, 4) and x_test.shape == (30, 4)
    with pytest.raises(ValueError, match="num_test"):
        optimizers.iris_split(num_test=150)


# --- The panel and figures ------------------------------------------------------------

def test_race_panel_follows_its_controls():
    panel = optimizer_widgets.optimizer_race_panel()
    first = panel.chart.caption
    assert "ravine" in first and "SGD" in first
    panel.controls["learning_rate"].value = 0.01
    assert panel.chart.caption != first and "lr 0.01" in panel.chart.caption
    # SGD's first step from (−9, 1.5) on 0.05x² + 2y²: the gradient is (−0.9, 6), times lr 0.01
    sgd = [row for row in panel.chart.datasets["runs"] if row["method"] == "SGD"]
    assert len(sgd) == 101 and {key: sgd[1][key] for key in ("step", "method", "x", "y")} == {
        "step": 1, "method": "SGD", "x": -8.99, "y": 1.44}  # −8.991 to the 3 digits a chart needs
    # its loss there: 0.05 · 8.991² + 2 · 1.44² = 4.042 + 4.147, above the ravine's minimum 0
    assert sgd[1]["loss"] == pytest.approx(0.05 * 8.991 ** 2 + 2 * 1.44 ** 2, rel=1e-3)
    panel.controls["surface"].value = "rosenbrock"
    assert panel.result["surface"].name == "rosenbrock"
    assert panel.chart.backdrop["window"] == [{"x": -2.0, "y": -1.0, "surface": "rosenbrock"},
                                              {"x": 2.0, "y": 3.0, "surface": "rosenbrock"}]
    panel.controls["learning_rate"].value = 0.1
    assert "SGD <b>diverged</b>" in panel.chart.caption
    ends = {row["method"]: row for row in panel.chart.datasets["ends"]}
    assert ends["SGD"] == {"method": "SGD", "x": -1.2, "y": 1.0, "outcome": "diverged after this"}


@pytest.fixture(scope="module")
def race_panel():
    """One race panel for the tests that read its table (building one tabulates 126 states)."""
    return optimizer_widgets.optimizer_race_panel()


def test_race_panel_hides_the_learning_rate_while_each_method_has_its_own(race_panel):
    (stack,) = stacks_in(race_panel.widget)
    assert stack.control is race_panel.controls["learning_rate"] and stack.selection is race_panel.controls["lr_choice"]
    assert stack.children[0] is race_panel.controls["learning_rate"] and stack.selected_index == 0
    assert "each method runs at its own best rate" in stack.children[1].value
    assert dead_controls(race_panel) == []


def test_race_panel_answers_its_surface_and_rates_without_a_kernel(race_panel):
    """The surface, lr and "lr for" are tabulated; β1, β2 and steps need the kernel, which tabulates again."""
    panel = race_panel
    table = unpack_table(panel.chart.table)
    assert panel.chart.linked == ["surface", "lr_choice", "learning_rate"]
    assert len(table) == len(optimizers.SURFACES) * 2 * len(optimizers.RACE_LEARNING_RATES)
    rates = sorted({entry["values"]["learning_rate"] for entry in table})
    assert rates == list(optimizers.RACE_LEARNING_RATES)  # the slider's 21 values are the race's grid
    for name in ("beta1", "beta2", "num_steps"):
        assert "course-needs-kernel" in panel.controls[name]._dom_classes
    state = next(entry for entry in table if entry["values"] == {"surface": 2, "lr_choice": 0,
                                                                   "learning_rate": 0.0316227766})
    panel.controls["surface"].value = "double_well"
    panel.controls["learning_rate"].value = 0.0316227766
    assert state["caption"] == panel.chart.caption and state["datasets"]["runs"] == panel.chart.datasets["runs"]
    # the contour lines of every surface are stored once, not in each state, and each state names its surface
    assert "contours" not in state["datasets"] and {row["surface"] for row in panel.chart.backdrop["contours"]} == set(
        optimizers.SURFACES)
    panel.controls["beta1"].value = 0.5  # needs the kernel: the table is made again with the new β1
    assert all("β1 0.5" in entry["caption"] for entry in unpack_table(panel.chart.table))
    assert len(panel.chart.table) < 1_000_000  # packed bytes stored in the notebook


def test_figures_have_one_axis_per_surface():
    results = [optimizers.race(name, 0.01, num_steps=20) for name in optimizers.SURFACES]
    assert len(optimizers.trajectories_figure(results).axes) == len(optimizers.SURFACES)
    runs = [optimizers.IrisRun("SGD", np.array([1.0, 0.5]), 1.0, 0.1)]
    assert optimizers.iris_loss_figure(runs).axes[0].get_ylabel().startswith("training loss")


# --- Exercises --------------------------------------------------------------------------

def test_exercises_not_attempted_right_and_wrong(capsys):
    assert not exercises.check_keras_momentum_learning_rate(...)
    assert not exercises.check_two_adam_steps(...)
    assert not exercises.check_adagrad_step_ratio(...)
    hints = capsys.readouterr().out
    assert hints.count("not attempted") == 3
    assert "(1−μ)" not in hints and "±1" not in hints and "√29" not in hints  # no hint gives the answer
    assert exercises.check_keras_momentum_learning_rate(lambda learning_rate, beta: learning_rate * (1 - beta))
    assert "correct on 3 fresh test inputs" in capsys.readouterr().out
    assert not exercises.check_keras_momentum_learning_rate(lambda learning_rate, beta: learning_rate)
    assert "carry that factor" in capsys.readouterr().out
    assert not exercises.check_keras_momentum_learning_rate(0.01)  # a number copied from the page
    assert "give the function itself" in capsys.readouterr().out

    first, second = exercises.ADAM_GRADIENTS
    adam = optimizers.Adam(exercises.ADAM_LEARNING_RATE, epsilon=0.0)
    (after_first,) = adam.step([exercises.ADAM_START], [first])
    (after_second,) = adam.step([after_first], [second])
    assert exercises.check_two_adam_steps(after_second)
    assert not exercises.check_two_adam_steps(after_first)
    assert "first step only" in capsys.readouterr().out
    assert not exercises.check_two_adam_steps(after_first - 0.01 * np.sign(second))
    assert "forgot the first gradient" in capsys.readouterr().out
    assert not exercises.check_two_adam_steps(exercises._adam_steps(exercises.ADAM_GRADIENTS, correct_bias=False))
    assert "bias correction" in capsys.readouterr().out

    steps, factor = exercises.ADAGRAD_STEPS, exercises.ADAGRAD_FACTOR
    ratio = factor / np.sqrt(steps + factor ** 2)
    optimizer, weight = optimizers.AdaGrad(learning_rate=0.1, epsilon=0.0), np.zeros(1)
    moves = []
    for gradient in [1.0] * steps + [factor]:
        (new,) = optimizer.step([weight], [np.array([gradient])])
        moves.append(float(abs(new - weight)[0]))
        weight = new
    assert moves[-1] / moves[0] == pytest.approx(ratio)  # the course's AdaGrad agrees with the formula
    assert exercises.check_adagrad_step_ratio(ratio)
    assert not exercises.check_adagrad_step_ratio(1 / np.sqrt(steps + 1))
    assert "same gradient all along" in capsys.readouterr().out
    assert not exercises.check_adagrad_step_ratio(factor / np.sqrt(steps + factor))
    assert "(3g)²" in capsys.readouterr().out


@pytest.mark.parametrize("make_optimizer", [lambda: optimizers.SGD(0.1), lambda: optimizers.KerasSGD(0.1),
                                            lambda: optimizers.KerasAdam(0.1)])
def test_integer_weights_move_instead_of_rounding_the_step_away(make_optimizer):
    new_weights, = make_optimizer().step([np.array([1, 2])], [np.array([1, 1])])
    assert new_weights.dtype.kind == "f"
    assert np.all(new_weights < [1, 2])


def test_weights_that_are_not_numbers_are_named():
    with pytest.raises(TypeError, match="weights must hold numbers"):
        optimizers.SGD(0.1).step([np.array(["a"])], [np.array([1.0])])


# --- The four the course only names (taught in chapter 07) ------------------------------

def test_nag_course_form_is_keras_nesterov_with_lr_times_one_minus_beta():
    gradients = [G * k for k in (1.0, -0.5, 2.0, 0.3, 1.1)]
    course = run(optimizers.NAG(0.1, beta=0.9), gradients)
    keras_form = run(optimizers.KerasSGD(0.01, momentum=0.9, nesterov=True), gradients)
    np.testing.assert_allclose(course, keras_form, rtol=1e-12)
    assert np.abs(course - run(optimizers.SGDM(0.1, beta=0.9), gradients)).max() > 1e-3


def test_adadelta_course_form_is_keras_adadelta_with_the_same_epsilon():
    gradients = [G * k for k in (1.0, -0.5, 2.0)]
    np.testing.assert_allclose(run(optimizers.AdaDelta(1.0, beta=0.95, epsilon=1e-7), gradients),
                               run(optimizers.KerasAdadelta(1.0, rho=0.95, epsilon=1e-7), gradients), rtol=1e-12)
    # its first step is √ε / √((1−β)·g² + ε)·g: tiny, whatever the gradient's size
    first = run(optimizers.AdaDelta(1.0, epsilon=1e-6), [G]) - W
    assert np.abs(first).max() < 1e-2


def test_nadam_first_moment_looks_ahead():
    """Step 1 of the course's Nadam: m̂ = g, so m̃ = β1·g + (1−β1)·g/(1−β1) = (β1 + 1)·g, over √V̂ = |g|."""
    weights = run(optimizers.Nadam(0.01, epsilon=0.0), [G])
    np.testing.assert_allclose(weights, W - 0.01 * 1.9 * np.sign(G))


def test_adamw_decays_every_weight_by_the_same_share():
    zero = np.zeros(3)
    weights = run(optimizers.AdamW(0.01, weight_decay=0.5), [zero])
    np.testing.assert_allclose(weights, W * (1 - 0.01 * 0.5))
    np.testing.assert_allclose(run(optimizers.AdamW(0.01, weight_decay=0.0), [G]), run(optimizers.Adam(0.01), [G]))
    with pytest.raises(ValueError, match="weight_decay"):
        optimizers.AdamW(weight_decay=-1.0)
    with pytest.raises(TypeError, match="nesterov"):
        optimizers.KerasSGD(nesterov="yes")


def test_race_with_each_its_best_learning_rate_is_at_least_as_good():
    shared = optimizers.race("rosenbrock", 0.0177827941, num_steps=100)
    fair = optimizers.race("rosenbrock", 0.0177827941, num_steps=100, lr_choice="each its best")
    assert shared["runs"]["SGD"]["diverged"] and not fair["runs"]["SGD"]["diverged"]
    for name in optimizers.NAMES:
        assert fair["runs"][name]["learning_rate"] in optimizers.RACE_LEARNING_RATES
        if not shared["runs"][name]["diverged"]:
            assert fair["runs"][name]["final_loss"] <= shared["runs"][name]["final_loss"]
    with pytest.raises(ValueError, match="lr_choice"):
        optimizers.race("ravine", lr_choice="tuned")


@pytest.mark.parametrize("surface", list(optimizers.SURFACES))
@pytest.mark.parametrize("num_steps", [100, 500])
def test_each_its_best_never_keeps_an_end_of_the_grid(surface, num_steps):
    """Every rate the race keeps lies inside RACE_LEARNING_RATES: the best is not beyond the grid."""
    fair = optimizers.race(surface, beta1=0.9, beta2=0.99, num_steps=num_steps, lr_choice="each its best")
    ends = (optimizers.RACE_LEARNING_RATES[0], optimizers.RACE_LEARNING_RATES[-1])
    assert {name: run["learning_rate"] for name, run in fair["runs"].items() if run["learning_rate"] in ends} == {}


def test_momentum_crosses_the_barrier_of_the_double_well_where_adam_stops():
    """From the start above the local minimum, SGDM's speed carries it into the global one; Adam's steps stay near lr."""
    race = optimizers.race("double_well", learning_rate=0.0316227766, beta1=0.9, beta2=0.99, num_steps=100)
    surface = optimizers.SURFACES["double_well"]
    ends = {name: run["points"][-1] for name, run in race["runs"].items()}
    assert ends["SGDM"] == pytest.approx(surface.minimum, abs=1e-2)
    for name in ("SGD", "RMSProp", "Adam"):  # on the x-axis, at the local minimum (Adam still settling in y)
        assert ends[name][0] == pytest.approx(surface.local_minimum[0], abs=2e-2)
    assert race["runs"]["SGDM"]["final_loss"] < 0 < race["runs"]["Adam"]["final_loss"]
    assert surface.function(surface.minimum) < surface.function(surface.local_minimum)
    np.testing.assert_allclose(surface.gradient(np.array(surface.minimum)), 0.0, atol=1e-12)
    np.testing.assert_allclose(surface.gradient(np.array(surface.local_minimum)), 0.0, atol=1e-12)


def test_race_panel_can_give_each_method_its_best_rate():
    panel = optimizer_widgets.optimizer_race_panel(surface="rosenbrock", learning_rate=0.0177827941)
    assert "SGD <b>diverged</b>" in panel.chart.caption
    panel.controls["lr_choice"].value = "each its best"
    assert "each its best lr" in panel.chart.caption and "SGD (lr 0.00" in panel.chart.caption
    assert "diverged" not in panel.chart.caption


def test_budget_race_tunes_each_method_on_validation_data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(300, 20)).astype(np.float32)
    y = (x[:, 0] + x[:, 1] > 0).astype(np.int64)
    parts = ((x[:200], y[:200]), (x[200:250], y[200:250]), (x[250:], y[250:]))
    results = optimizers.budget_race(*parts, learning_rates={"SGD": (1e-4, 0.3), "Adam": (0.01,)}, seeds=(0, 1),
                                     num_epochs=3, batch_size=20, hidden_units=8, allow_edge=True)
    assert list(results) == ["SGD", "Adam"]
    assert results["SGD"]["best_learning_rate"] == 0.3 and results["SGD"]["val_accuracies"].shape == (2, 2)
    assert len(results["SGD"]["test_accuracies"]) == 2
    assert results["SGD"]["test_accuracy"] == pytest.approx(np.median(results["SGD"]["test_accuracies"]))
    assert results["SGD"]["test_accuracy"] >= 0.65 and results["Adam"]["test_accuracy"] >= 0.65  # chance: 0.5
    with pytest.raises(ValueError, match="at an end of its grid"):  # the best of a grid may lie beyond it
        optimizers.budget_race(*parts, learning_rates={"SGD": (1e-4, 0.3)}, num_epochs=3, batch_size=20,
                               hidden_units=8)
    figure = optimizers.budget_figure(results)
    assert figure.axes[0].get_xlabel().startswith("learning rate") and len(figure.axes) == 2
    with pytest.raises(ValueError, match="learning_rates"):
        optimizers.budget_race(*parts, learning_rates={"Lion": (0.1,)})
    with pytest.raises(ValueError, match="learning_rate"):
        optimizers.budget_race(*parts, learning_rates={"SGD": (-0.1,)})


def test_fashion_budget_data_keeps_validation_apart_from_training():
    (x_train, y_train), (x_val, _), (x_test, _) = optimizers.fashion_budget_data(100, 50, 30)
    assert x_train.shape == (100, 784) and x_val.shape == (50, 784) and x_test.shape == (30, 784)
    assert 0.0 <= x_train.min() and x_train.max() <= 1.0 and y_train.dtype == np.int64
    with pytest.raises(ValueError, match="num_train"):
        optimizers.fashion_budget_data(num_train=60000)


def good_nag(weight, gradient, velocity, learning_rate, momentum):
    velocity = momentum * velocity - learning_rate * gradient
    return weight + momentum * velocity - learning_rate * gradient, velocity


def plain_momentum(weight, gradient, velocity, learning_rate, momentum):
    velocity = momentum * velocity - learning_rate * gradient
    return weight + velocity, velocity


def test_nag_build_it_exercise(capsys):
    assert not exercises.check_nag_step(...)
    assert "not attempted" in capsys.readouterr().out
    assert exercises.check_nag_step(good_nag) and exercises.check_nag_step(good_nag, seed=3)
    assert not exercises.check_nag_step(plain_momentum)
    assert "plain momentum" in capsys.readouterr().out
    assert not exercises.check_nag_step(lambda *args: 1 / 0)
    assert "ZeroDivisionError" in capsys.readouterr().out
    assert not exercises.check_nag_step(good_nag(1.0, 1.0, 0.0, 0.1, 0.9))
    assert "without parentheses" in capsys.readouterr().out
    # the inputs are fresh: a function that returns one fixed answer cannot pass twice
    fixed = good_nag(np.zeros((3, 4)), np.ones((3, 4)), np.zeros((3, 4)), 0.1, 0.9)
    assert not exercises.check_nag_step(lambda *args: fixed)
    # Keras' SGD and the course's optimizers are forbidden while the answer runs

    def by_keras_form(weight, gradient, velocity, learning_rate, momentum):
        (new,) = optimizers.KerasSGD(learning_rate, momentum, nesterov=True).step([weight], [gradient])
        return new, velocity

    assert not exercises.check_nag_step(by_keras_form)
    assert "calls course_lib.optimizers.KerasSGD" in capsys.readouterr().out


def test_smallest_crossing_beta_exercise(capsys):
    """SGDM crosses the double well's barrier from β = 0.86 on (at lr 10^-1.5, 100 steps), not at 0.85."""
    assert exercises._crosses(0.86) and not exercises._crosses(0.85)
    assert not exercises.check_smallest_crossing_beta(...)
    assert "not attempted" in capsys.readouterr().out
    assert exercises.check_smallest_crossing_beta(0.86)
    assert exercises.check_smallest_crossing_beta(np.float32(0.86))
    assert "correct" in capsys.readouterr().out
    assert not exercises.check_smallest_crossing_beta(0.85)
    assert "does not cross" in capsys.readouterr().out
    assert not exercises.check_smallest_crossing_beta(0.9)
    out = capsys.readouterr().out
    assert "a smaller β crosses too" in out and "0.86" not in out  # no message gives the answer away
    assert not exercises.check_smallest_crossing_beta(1.5)
    assert "[0, 1)" in capsys.readouterr().out
    assert not exercises.check_smallest_crossing_beta("0.86")
    assert not exercises.check_smallest_crossing_beta([0.86, 0.87])
