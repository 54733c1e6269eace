"""Unit tests of course_lib.schedules, chapter 03's panels and exercises."""

import numpy as np
import pytest

from course_lib import schedules
from course_lib.exercises import schedules as exercises
from course_lib.widgets.chart import unpack_table
from course_lib.widgets.schedules import exponential_decay_panel, learning_rate_regimes_panel


def test_update_factor_is_one_minus_two_lr():
    assert schedules.update_factor(0.2) == pytest.approx(0.6)
    assert schedules.update_factor(1.05) == pytest.approx(-1.1)


@pytest.mark.parametrize("learning_rate, expected", [
    (0.01, "too small"), (0.05, "too small"), (0.051, "good"), (0.5, "good"),
    (0.51, "oscillating"), (0.99, "oscillating"), (1.0, "diverging"), (1.5, "diverging")])
def test_regime_boundaries(learning_rate, expected):
    assert schedules.regime(learning_rate)[0] == expected


@pytest.mark.parametrize("bad", [0.0, -0.1, float("nan"), "0.1"])
def test_learning_rate_must_be_positive_number(bad):
    with pytest.raises(ValueError):
        schedules.regime(bad)


def test_gradient_descent_follows_the_closed_form():
    for learning_rate in (0.02, 0.2, 0.8, 1.05):
        run = schedules.gradient_descent(np.full(10, learning_rate))
        expected = -1 + 6 * (1 - 2 * learning_rate) ** np.arange(1, 11)
        np.testing.assert_allclose(run["w"], expected, rtol=1e-12)
        np.testing.assert_allclose(run["loss"][1:], (run["w"][:-1] + 1) ** 2)
    assert schedules.gradient_descent([0.2])["loss"][0] == 36.0


def test_regimes_behave_as_named():
    distance = {name: abs(schedules.gradient_descent(np.full(40, rate))["w"][-1] + 1)
                for name, rate in schedules.REFERENCE_LEARNING_RATES.items()}
    assert distance["good"] < distance["oscillating"] < distance["too small"] < 6 < distance["diverging"]
    signs = np.sign(schedules.gradient_descent(np.full(6, 0.8))["w"] + 1)
    assert np.all(signs[1:] == -signs[:-1])


def test_gradient_descent_rejects_bad_rates():
    with pytest.raises(ValueError):
        schedules.gradient_descent([])
    with pytest.raises(ValueError):
        schedules.gradient_descent([0.1, -0.1])


def test_exponential_decay_formula_and_staircase():
    assert schedules.exponential_decay(0.2, 0.99, 1, 39) == pytest.approx(0.135146, abs=5e-7)
    smooth = schedules.exponential_decay(0.2, 0.5, 10, np.array([0, 5, 10, 15]))
    np.testing.assert_allclose(smooth, 0.2 * 0.5 ** np.array([0, 0.5, 1, 1.5]))
    stairs = schedules.exponential_decay(0.2, 0.5, 10, np.array([0, 9, 10, 19, 20]), staircase=True)
    np.testing.assert_allclose(stairs, [0.2, 0.2, 0.1, 0.1, 0.05])


@pytest.mark.parametrize("staircase", [False, True])
def test_exponential_decay_equals_keras(staircase):
    import keras

    schedule = keras.optimizers.schedules.ExponentialDecay(0.3, decay_steps=7, decay_rate=0.8,
                                                           staircase=staircase)
    steps = np.arange(50)
    keras_rates = [float(schedule(step)) for step in steps]
    ours = schedules.exponential_decay(0.3, 0.8, 7, steps, staircase=staircase)
    np.testing.assert_allclose(ours, keras_rates, rtol=1e-6)


@pytest.mark.parametrize("arguments", [
    (0.0, 0.9, 1, 1), (0.2, 0.0, 1, 1), (0.2, 1.5, 1, 1), (0.2, 0.9, 0, 1), (0.2, 0.9, 1, -1)])
def test_exponential_decay_rejects_bad_arguments(arguments):
    with pytest.raises(ValueError):
        schedules.exponential_decay(*arguments)


def test_source_trace_is_reproduced_by_the_tensorflow_loop(capsys):
    import tensorflow as tf

    w = tf.Variable(tf.constant(5, dtype=tf.float32))
    lines = []
    for epoch in range(40):
        learning_rate = schedules.exponential_decay(0.2, 0.99, 1, epoch)
        with tf.GradientTape() as tape:
            loss = tf.square(w + 1)
        w.assign_sub(learning_rate * tape.gradient(loss, w))
        lines.append(schedules.trace_line(epoch, w.numpy(), loss, learning_rate))
    assert schedules.compare_with_source(lines)
    assert "✓ all 16 lines" in capsys.readouterr().out


def test_compare_with_source_spots_a_difference(capsys):
    lines = [schedules.SOURCE_TRACE.get(epoch, "") for epoch in range(40)]
    lines[30] = lines[30].replace("0.147940", "0.147941")
    assert not schedules.compare_with_source(lines)
    assert "epoch 30" in capsys.readouterr().out
    assert not schedules.compare_with_source(lines[:20])


def test_decay_run_reports_regimes():
    run = schedules.decay_run(base_learning_rate=0.9, decay_rate=0.9, decay_steps=1, num_epochs=30)
    assert run["first_regime"][0] == "oscillating"
    assert run["last_regime"][0] in ("good", "too small")
    assert len(run["w"]) == 30


def test_regimes_panel_names_the_regime_as_the_slider_moves():
    panel = learning_rate_regimes_panel()
    assert "regime <b>good</b>" in panel.chart.caption
    assert "0.60" in panel.chart.caption
    for learning_rate, name in ((0.025, "too small"), (0.75, "oscillating"), (1.1, "diverging")):
        panel.controls["learning_rate"].value = learning_rate
        assert f"regime <b>{name}</b>" in panel.chart.caption
        assert f"{1 - 2 * learning_rate:.2f}" in panel.chart.caption
    assert panel.result["regime"] == "diverging"
    assert abs(panel.result["run"]["w"][-1] + 1) > 6
    # the chart: your run, w = −1 + 6·(1 − 2·1.1)^(epoch + 1), and its first steps on the loss
    run = panel.chart.datasets["run"]
    assert len(run) == 40 and run[0] == {"epoch": 0, "w": -8.2} and run[1] == {"epoch": 1, "w": 7.64}
    path = panel.chart.datasets["path"]
    assert path[0] == {"step": 0, "w": 5.0, "loss": 36.0, "regime": "diverging"} and len(path) == 13
    assert path[1]["loss"] == pytest.approx(7.2 ** 2)


def test_regimes_panel_works_without_a_kernel():
    panel = learning_rate_regimes_panel()
    table = unpack_table(panel.chart.table)
    assert len(table) == 48 * 20  # learning rate 0.025 … 1.2 by 0.025, epochs 5 … 100 by 5
    assert all(set(entry["datasets"]) == {"run", "parabola", "path"} for entry in table)  # the rest stored once
    references = panel.chart.datasets["references"]
    good = [row["w"] for row in references if row["line"] == "good (lr 0.2)"]
    assert len(good) == 100 and good[0] == pytest.approx(-1 + 6 * 0.6)
    panel.controls["learning_rate"].value, panel.controls["num_epochs"].value = 1.05, 15
    entry = next(e for e in table if e["values"] == {"learning_rate": 1.05, "num_epochs": 15})
    assert entry["datasets"] == {name: rows for name, rows in panel.chart.datasets.items()
                                 if name in ("run", "parabola", "path")}  # the same state, kernel or not
    assert entry["caption"] == panel.chart.caption and "regime <b>diverging</b>" in entry["caption"]
    assert len(panel.chart.table) < 150_000  # bytes, packed


def test_decay_panel_redraws_with_each_control():
    panel = exponential_decay_panel()
    assert "lr 0.2000 → 0.1351" in panel.chart.caption
    first_run = panel.chart.datasets["run"]
    panel.controls["decay_rate"].value = 0.9
    assert f"→ {0.2 * 0.9 ** 39:.4f}" in panel.chart.caption
    assert panel.chart.datasets["run"] != first_run
    # the chart's last epoch: lr = 0.2·0.9^39 = 0.003285, w after it = −1 + 6·Π(1 − 2·lr) over 40 steps,
    # loss before it = (6·Π over the first 39 steps)²
    last = panel.chart.datasets["run"][-1]
    factors = 1 - 2 * 0.2 * 0.9 ** np.arange(40)
    assert last["epoch"] == 39 and last["learning_rate"] == 0.003285 and last["staircase"] is False
    assert panel.chart.datasets["run"][0]["w"] == 2.6 and last["w"] == pytest.approx(-1 + 6 * np.prod(factors), rel=1e-3)
    assert last["loss"] == pytest.approx((6 * np.prod(factors[:-1])) ** 2, rel=1e-3)
    panel.controls["decay_steps"].value = 10
    panel.controls["staircase"].value = True
    assert "(staircase)" in panel.chart.caption
    assert panel.result["learning_rate"][-1] == pytest.approx(0.2 * 0.9 ** 3)
    assert [row["learning_rate"] for row in panel.chart.datasets["run"][9:11]] == [0.2, 0.18]
    panel.controls["num_epochs"].value = 100
    assert len(panel.result["w"]) == 100 and len(panel.chart.datasets["run"]) == 100
    panel.controls["base_learning_rate"].value = 1.1
    assert "regime diverging" in panel.chart.caption
    assert panel.chart.table == ""  # kernel-only: its five controls take far more than 4000 combinations


def test_exercises_accept_the_solution_and_diagnose_mistakes(capsys):
    assert not exercises.check_w_after_three_steps(...)
    assert "not attempted" in capsys.readouterr().out
    assert not exercises.check_largest_converging_rate(...)
    out = capsys.readouterr().out
    assert "not attempted" in out and "= −1" not in out
    assert exercises.check_w_after_three_steps(-1 + 6 * (-0.4) ** 3)
    assert not exercises.check_w_after_three_steps(6 * (-0.4) ** 3)
    assert "add the minimum" in capsys.readouterr().out
    assert exercises.check_staircase_rate(0.2 * 0.96 ** 2)
    assert not exercises.check_staircase_rate(0.2 * 0.96 ** 2.5)
    assert "smooth schedule" in capsys.readouterr().out
    assert exercises.check_largest_converging_rate(1 / 3)
    assert not exercises.check_largest_converging_rate(1 / 6)
    assert "lands exactly" in capsys.readouterr().out
    assert not exercises.check_largest_converging_rate(1.0)  # the table's edge for (w + 1)²
    assert "chapter's table" in capsys.readouterr().out
    assert not exercises.check_largest_converging_rate(2 / 3)
    assert "not 3(w + 1)" in capsys.readouterr().out


def test_noisy_descent_settles_at_the_noise_floor_and_decay_goes_below_it():
    constant = schedules.noisy_descent(np.full(300, 0.2), 2.0, num_runs=4000, seed=1)
    assert np.mean(constant[100:]) == pytest.approx(schedules.noise_floor(0.2, 2.0), rel=0.05)
    decayed = schedules.noisy_descent(schedules.exponential_decay(0.2, 0.95, 1, np.arange(100)), 2.0, seed=1)
    assert decayed[-1] < 0.5 * schedules.noise_floor(0.2, 2.0)
    # without noise it is the exact descent of gradient_descent
    exact = schedules.noisy_descent(np.full(10, 0.3), 0.0, num_runs=3)
    np.testing.assert_allclose(exact, np.abs(schedules.gradient_descent(np.full(10, 0.3))["w"] + 1))
    # seeded: the same numbers on every call, others for another seed
    np.testing.assert_array_equal(schedules.noisy_descent([0.2] * 5, 1.0, seed=3),
                                  schedules.noisy_descent([0.2] * 5, 1.0, seed=3))
    assert not np.array_equal(schedules.noisy_descent([0.2] * 5, 1.0, seed=3),
                              schedules.noisy_descent([0.2] * 5, 1.0, seed=4))


def test_noise_floor_formula_and_arguments():
    assert schedules.noise_floor(0.5, 2.0) == pytest.approx(1.0)
    assert schedules.noise_floor(0.2, 0.0) == 0.0
    for bad in ((1.0, 1.0), (0.0, 1.0), (0.2, -1.0)):
        with pytest.raises(ValueError):
            schedules.noise_floor(*bad)
    with pytest.raises(ValueError):
        schedules.noisy_descent([0.2], -1.0)
    with pytest.raises(ValueError):
        schedules.noisy_descent([0.2], 1.0, num_runs=0)


def test_noise_figure_is_labelled():
    figure = schedules.noise_figure({"a": np.ones(5), "b": np.full(5, 0.5)}, noise_std=2.0, floors={"floor": 0.7})
    ax = figure.axes[0]
    assert ax.get_xlabel() == "epoch" and "distance" in ax.get_ylabel() and "std 2" in ax.get_title()
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["a", "b", "floor"]


def test_curvature_limit_is_two_over_the_largest_eigenvalue():
    assert schedules.curvature_limit(schedules.QUADRATIC_HESSIAN) == pytest.approx(2 / 7)
    assert schedules.curvature_limit([[2.0]]) == pytest.approx(1.0)  # (w + 1)²: the chapter's table
    for bad in ([[1.0, 2.0], [0.0, 1.0]], [[1.0, 0.0], [0.0, -1.0]], [1.0, 2.0], [[np.nan]]):
        with pytest.raises(ValueError):
            schedules.curvature_limit(bad)


@pytest.mark.parametrize("factor, converges", [(0.5, True), (0.99, True), (1.01, False), (1.5, False)])
def test_quadratic_descent_converges_exactly_below_the_limit(factor, converges):
    limit = schedules.curvature_limit(schedules.QUADRATIC_HESSIAN)
    run = schedules.quadratic_descent(schedules.QUADRATIC_HESSIAN, factor * limit, num_steps=2000)
    assert run["w"].shape == (2001, 2) and run["loss"][0] == pytest.approx(27.0)
    assert (run["loss"][-1] < 1e-6) == converges
    # one step is w − lr·H w
    np.testing.assert_allclose(run["w"][1], schedules.QUADRATIC_START
                               - factor * limit * schedules.QUADRATIC_HESSIAN @ schedules.QUADRATIC_START)
    with pytest.raises(ValueError):
        schedules.quadratic_descent(schedules.QUADRATIC_HESSIAN, 0.1, w_start=[1.0, 2.0, 3.0])


def test_curvature_figure_draws_paths_and_losses():
    limit = schedules.curvature_limit(schedules.QUADRATIC_HESSIAN)
    runs = [schedules.quadratic_descent(schedules.QUADRATIC_HESSIAN, f * limit) for f in (0.9, 1.1)]
    left, right = schedules.curvature_figure(runs).axes
    assert (left.get_xlabel(), left.get_ylabel(), right.get_xlabel()) == ("w₁", "w₂", "step")
    labels = [t.get_text() for t in left.get_legend().get_texts()]
    assert labels == ["lr 0.257 = 0.90 · 2/λ_max", "lr 0.314 = 1.10 · 2/λ_max", "minimum"]
    assert left.get_title() and right.get_title() and right.get_legend() is not None


def test_smooth_is_a_bias_corrected_moving_average():
    np.testing.assert_allclose(schedules.smooth([3.0, 3.0, 3.0]), [3.0, 3.0, 3.0])
    assert schedules.smooth([1.0, 3.0], beta=0.5)[1] == pytest.approx((0.25 * 1 + 0.5 * 3) / 0.75)
    with pytest.raises(ValueError):
        schedules.smooth([1.0], beta=1.0)


def _range_test_model():
    import keras

    keras.utils.set_random_seed(0)
    return keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(3)])


def test_range_test_raises_the_rate_until_the_loss_blows_up():
    from course_lib import data, losses

    x, y = data.load_iris(shuffle_seed=116)
    x, y = np.tile(x, (4, 1)), np.tile(y, 4)  # 600 rows: 60 steps of 10
    result = schedules.range_test(_range_test_model(), x, y, loss_fn=losses.cross_entropy_of_logits,
                                  min_rate=1e-3, max_rate=100.0, num_steps=60, batch_size=10)
    rates = result["learning_rate"]
    np.testing.assert_allclose(rates[1:] / rates[:-1], 1e5 ** (1 / 60), rtol=1e-5)  # exponential growth
    assert rates[0] == pytest.approx(1e-3)
    assert len(rates) < 60  # it stopped: at rate 100 on unscaled iris the loss explodes
    smoothed = result["smoothed"]
    assert not np.isfinite(smoothed[-1]) or smoothed[-1] > 4 * smoothed.min()
    assert result["best"] == rates[np.argmin(smoothed)] and result["suggested"] == pytest.approx(result["best"] / 10)
    figure = schedules.range_test_figure(result)
    ax = figure.axes[0]
    assert ax.get_xscale() == "log" and "learning rate" in ax.get_xlabel() and ax.get_legend() is not None


@pytest.mark.parametrize("arguments", [
    {"min_rate": 1.0, "max_rate": 0.5}, {"min_rate": 0.0}, {"num_steps": 0}, {"num_steps": 1000}])
def test_range_test_rejects_bad_arguments(arguments):
    from course_lib import losses

    x, y = np.zeros((100, 4), np.float32), np.zeros(100, np.int64)
    with pytest.raises(ValueError):
        schedules.range_test(_range_test_model(), x, y, loss_fn=losses.cross_entropy_of_logits,
                             **{"num_steps": 10, "batch_size": 10, **arguments})


def _schedule_class(rate_of):
    """A LearningRateSchedule subclass as the exercise's starter writes it, with ``rate_of(self, step)``."""
    import keras

    class Schedule(keras.optimizers.schedules.LearningRateSchedule):
        def __init__(self, initial_learning_rate, decay_steps, decay_rate):
            self.initial_learning_rate = initial_learning_rate
            self.decay_steps = decay_steps
            self.decay_rate = decay_rate

        def __call__(self, step):
            return rate_of(self, step)

    return Schedule


def test_schedule_exercise_runs_the_class_and_a_fit(capsys):
    import tensorflow as tf

    assert not exercises.check_exponential_decay_schedule(...)
    assert not exercises.check_exponential_decay_schedule(_schedule_class(lambda self, step: ...))
    assert "not attempted" in capsys.readouterr().out
    right = _schedule_class(lambda self, step: self.initial_learning_rate
                            * self.decay_rate ** (tf.cast(step, tf.float32) / self.decay_steps))
    assert exercises.check_exponential_decay_schedule(right)
    out = capsys.readouterr().out
    assert "✓" in out and "learning rate after fit (12 SGD steps): correct" in out
    assert not exercises.check_exponential_decay_schedule(right(0.1, 1, 0.9))
    assert "pass your class itself" in capsys.readouterr().out


@pytest.mark.parametrize("rate_of, hint", [
    (lambda self, step: self.initial_learning_rate * self.decay_rate ** tf_floor(step / self.decay_steps),
     "staircase"),
    (lambda self, step: self.initial_learning_rate * self.decay_rate ** tf_float(step), "not step:"),
    (lambda self, step: self.initial_learning_rate + 0.0 * tf_float(step), "does not change"),
    (lambda self, step: self.initial_learning_rate * self.decay_rate ** (step // self.decay_steps),
     "integer tensor"),
    (lambda self, step: self.initial_learning_rate * self.decay_rate ** (float(step) / self.decay_steps),
     "symbolic tensor"),
])
def test_schedule_exercise_names_the_mistake(rate_of, hint, capsys):
    assert not exercises.check_exponential_decay_schedule(_schedule_class(rate_of))
    assert hint in capsys.readouterr().out


def tf_float(step):
    import tensorflow as tf

    return tf.cast(step, tf.float32)


def tf_floor(value):
    import tensorflow as tf

    return tf.floor(tf_float(value))


def test_constant_versus_decay_compares_with_the_best_constant_rate_inside_the_grid():
    decayed = {"0.95": schedules.exponential_decay(0.2, 0.95, 1, np.arange(100)),
               "0.99": schedules.exponential_decay(0.2, 0.99, 1, np.arange(100))}
    fair = schedules.constant_versus_decay(decayed, 2.0, constant_rates=np.geomspace(0.005, 0.5, 21), seeds=range(3))
    assert not fair["at_edge"] and len(fair["best_rate"]) == 3
    assert np.all(fair["best_rate"] > 0.005) and np.all(fair["best_rate"] < 0.5)
    assert np.all(fair["ratio"]["0.95"] > 1.2)  # a well-matched decay ends closer
    assert np.all(fair["ratio"]["0.99"] < 1.0)  # a slow decay loses to the best constant rate
    # a grid whose best is at its edge says so
    assert schedules.constant_versus_decay(decayed, 2.0, constant_rates=[0.3, 0.4, 0.5], seeds=[0])["at_edge"]
    with pytest.raises(ValueError, match="constant_rates"):
        schedules.constant_versus_decay(decayed, 2.0, constant_rates=[0.1, 0.2], seeds=[0])
    with pytest.raises(ValueError, match="same number of epochs"):
        schedules.constant_versus_decay({"a": [0.1] * 5, "b": [0.1] * 6}, 2.0, constant_rates=[0.1, 0.2, 0.3],
                                        seeds=[0])


def test_the_schedule_exercise_refuses_keras_and_the_course_implementation(capsys):
    import keras

    assert not exercises.check_exponential_decay_schedule(keras.optimizers.schedules.ExponentialDecay)
    assert "Keras' own ExponentialDecay" in capsys.readouterr().out

    class Wraps(keras.optimizers.schedules.LearningRateSchedule):
        def __init__(self, initial_learning_rate, decay_steps, decay_rate):
            self.inner = keras.optimizers.schedules.ExponentialDecay(initial_learning_rate, decay_steps, decay_rate)

        def __call__(self, step):
            return self.inner(step)

    assert not exercises.check_exponential_decay_schedule(Wraps)
    assert "calls keras.optimizers.schedules.ExponentialDecay" in capsys.readouterr().out
    # Keras' class is restored after the check
    assert keras.optimizers.schedules.ExponentialDecay(0.1, 1, 0.5)(1) is not None


def test_rate_comparison_trains_each_rate_from_the_same_start_on_the_same_batches():
    from course_lib import data, losses

    x, y = data.load_iris(shuffle_seed=116)
    scaled = (x - x.mean(axis=0)) / x.std(axis=0)
    runs = schedules.rate_comparison(_range_test_model, scaled, y, loss_fn=losses.cross_entropy_of_logits,
                                     learning_rate=0.1, x_eval=scaled, y_eval=y, num_steps=15, batch_size=10)
    assert [run["learning_rate"] for run in runs] == pytest.approx([0.01, 0.1, 1.0])
    first_losses = [run["loss"][0] for run in runs]
    assert first_losses[0] == first_losses[1] == first_losses[2]  # same fresh weights, same first batch
    assert all(len(run["loss"]) == 15 for run in runs)
    np.testing.assert_allclose(runs[1]["smoothed"], schedules.smooth(runs[1]["loss"]))
    final = [run["final_loss"] for run in runs]
    # 15 steps at 0.01 barely move the untrained loss; a larger rate gets further
    assert final[0] > final[1] > final[2]
    model = _range_test_model()
    untrained = float(losses.cross_entropy_of_logits(y, model(scaled)))
    assert abs(final[0] - untrained) < abs(final[2] - untrained)
    figure = schedules.rate_comparison_figure(runs)
    labels = [text.get_text() for text in figure.axes[0].get_legend().get_texts()]
    assert labels == [f"lr {run['learning_rate']:.3g}: test loss {run['final_loss']:.3f}" for run in runs]


@pytest.mark.parametrize("arguments", [
    {"learning_rate": 0.0}, {"factor": 1.0}, {"num_steps": 0}, {"num_steps": 1000}, {"y_eval": np.zeros(3)}])
def test_rate_comparison_rejects_bad_arguments(arguments):
    from course_lib import losses

    x, y = np.zeros((100, 4), np.float32), np.zeros(100, np.int64)
    with pytest.raises(ValueError):
        schedules.rate_comparison(_range_test_model, x, y, loss_fn=losses.cross_entropy_of_logits,
                                  **{"learning_rate": 0.1, "x_eval": x, "y_eval": y, "num_steps": 10,
                                     "batch_size": 10, **arguments})


def _suggest(learning_rates, losses, *, corrected=True, divide=10, pick=np.argmin):
    """The range test's rule written out, with three of its slips switchable."""
    average, smoothed = 0.0, []
    for step, loss in enumerate(losses):
        average = 0.9 * average + 0.1 * loss
        smoothed.append(average / (1 - 0.9 ** (step + 1)) if corrected else average)
    return learning_rates[int(pick(smoothed))] / divide


def test_suggest_exercise_accepts_the_rule_and_names_each_slip(capsys):
    assert exercises.check_suggest_learning_rate(_suggest)
    assert "correct on 3 fresh test inputs" in capsys.readouterr().out
    assert not exercises.check_suggest_learning_rate(...)
    assert "not attempted yet" in capsys.readouterr().out
    slips = {"red line": lambda r, l: _suggest(r, l, divide=1),
             "lowest at its first step": lambda r, l: _suggest(r, l, corrected=False),
             "one lucky batch": lambda r, l: r[int(np.argmin(l))] / 10,
             "blew up": lambda r, l: _suggest(r, l, pick=np.argmax)}
    for words, slip in slips.items():
        assert not exercises.check_suggest_learning_rate(slip)
        assert words in capsys.readouterr().out


def test_suggest_exercise_curves_tell_every_slip_apart():
    """Each made-up curve gives the rule and each slip a different rate, so a slip cannot pass by luck."""
    for num_steps, seed in ((180, 11), (240, 29), (150, 47)):
        rates, losses = exercises.range_test_curve(num_steps, seed)
        expected, mistakes = exercises._suggestion_case(rates, losses)
        values = [expected, *mistakes.values()]
        assert len({round(float(np.log10(value)), 6) for value in values}) == len(values)
