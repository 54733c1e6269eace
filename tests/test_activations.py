"""Unit tests of course_lib.activations, chapter 04's panels and exercises."""

import html

import numpy as np
import pytest

from course_lib import activations
from course_lib.exercises import activations as exercises
from course_lib.widgets.activations import activation_panel, softmax_panel
from course_lib.widgets.chart import unpack_table
from course_lib.widgets.controls import dead_controls, stacks_in

NAMES = activations.ACTIVATION_NAMES


@pytest.mark.parametrize("name", NAMES)
def test_source_values_are_reproduced(name):
    _, values, printed = activations.source_values(name)
    np.testing.assert_allclose(values, printed, atol=5e-9, rtol=0)


def test_source_softmax_is_reproduced():
    import tensorflow as tf

    logits, printed = activations.SOURCE_SOFTMAX
    probabilities = tf.nn.softmax(tf.constant([logits], dtype=tf.float32), axis=1).numpy()[0]
    np.testing.assert_allclose(probabilities, printed, atol=5e-8, rtol=0)


@pytest.mark.parametrize("name", NAMES)
def test_tape_derivative_matches_the_formula(name):
    x = np.linspace(-8, 8, 801)
    # 1e-8, not 1e-12: tf.nn.leaky_relu keeps alpha as a float32 (0.2 -> 0.2000000030)
    np.testing.assert_allclose(activations.tape_derivative(name, x), activations.analytic_derivative(name, x),
                               atol=1e-8, rtol=0)


def test_analytic_derivatives_against_finite_differences():
    x = np.array([-2.0, -0.5, 0.3, 1.7])
    step = 1e-6
    for name in NAMES:
        numeric = (activations.activation(name, x + step).numpy()
                   - activations.activation(name, x - step).numpy()) / (2 * step)
        np.testing.assert_allclose(activations.analytic_derivative(name, x), numeric, atol=1e-6)


def test_known_values():
    assert activations.analytic_derivative("sigmoid", 0.0) == pytest.approx(0.25)
    assert activations.analytic_derivative("tanh", 0.0) == pytest.approx(1.0)
    np.testing.assert_array_equal(activations.analytic_derivative("leaky_relu", [-1.0, 0.0, 1.0], alpha=0.1),
                                  [0.1, 0.1, 1.0])
    assert activations.activation("leaky_relu", -2.0, alpha=0.5).numpy() == pytest.approx(-1.0)


def test_bad_arguments_raise_value_error():
    with pytest.raises(ValueError):
        activations.activation("swish", [0.0])
    with pytest.raises(ValueError):
        activations.activation("leaky_relu", [0.0], alpha=-0.1)
    with pytest.raises(ValueError, match="x_limit"):
        activations.curves("relu", x_limit=-1.0)
    with pytest.raises(ValueError):
        activations.softmax_probabilities("1, two", 1.0)
    with pytest.raises(ValueError):
        activations.softmax_probabilities("3", 1.0)
    with pytest.raises(ValueError):
        activations.softmax_probabilities("1, 2", 0.0)
    with pytest.raises(ValueError):
        activations.he_normal_std(0)


def test_measured_properties_match_the_source():
    table = {name: activations.properties(name) for name in NAMES}
    assert all(row["non-linear"] and row["monotonic"] for row in table.values())
    assert table["sigmoid"]["differentiable"] == table["tanh"]["differentiable"] == "everywhere"
    assert table["relu"]["differentiable"] == "except at 0"
    assert [name for name in NAMES if table[name]["≈ identity near 0"]] == ["tanh"]
    assert activations.properties("leaky_relu", alpha=1.0)["non-linear"] is False
    markdown = activations.properties_table()
    assert markdown.count("\n") == 1 + len(NAMES)
    assert "| tanh | yes | everywhere | yes | yes | (-1, 1) |" in markdown


def test_output_ranges_hold_on_a_wide_grid():
    x = np.linspace(-30, 30, 601)
    assert np.all((activations.activation("sigmoid", x).numpy() >= 0)
                  & (activations.activation("sigmoid", x).numpy() <= 1))
    assert np.all(np.abs(activations.activation("tanh", x).numpy()) <= 1)
    assert activations.activation("relu", x).numpy().min() == 0
    assert activations.activation("leaky_relu", x).numpy().min() < -5


def test_softmax_temperature_and_jacobian():
    cold = activations.softmax_probabilities("2, 1, 0.1", 0.1)
    warm = activations.softmax_probabilities("2, 1, 0.1", 1.0)
    hot = activations.softmax_probabilities([2, 1, 0.1], 10.0)
    for result in (cold, warm, hot):
        assert result["probabilities"].sum() == pytest.approx(1.0)
    assert cold["entropy"] < warm["entropy"] < hot["entropy"] < np.log(3)
    assert cold["probabilities"][0] > 0.99
    by_hand, by_tape = activations.softmax_jacobians("2, 1, 0.1")
    np.testing.assert_allclose(by_hand, by_tape, atol=1e-12)
    np.testing.assert_allclose(by_hand.sum(axis=0), 0, atol=1e-12)


def test_vanishing_gradient_in_deep_sigmoid_network():
    rng = np.random.default_rng(0)
    x = rng.random((64, 784)).astype(np.float32)
    y = rng.integers(0, 10, 64)
    sigmoid = activations.layer_gradient_norms(activations.deep_network("sigmoid", depth=8, width=32), x, y)
    relu = activations.layer_gradient_norms(activations.deep_network("relu", depth=8, width=32), x, y)
    assert len(sigmoid) == len(relu) == 9
    assert sigmoid[0] / sigmoid[-1] < 1e-3
    assert relu[0] / relu[-1] > 1e-2


def test_dead_unit_fractions_counts_units_that_never_fire():
    import keras

    model = activations.deep_network("relu", depth=2, width=8, num_inputs=3, seed=1)
    first = model.layers[0]
    kernel, bias = first.kernel.numpy(), first.bias.numpy()
    bias[:4] = -100.0  # four of eight units can never fire on inputs in [0, 1)
    bias[4:] = 100.0
    first.bias.assign(bias)
    x = np.random.default_rng(0).random((50, 3)).astype(np.float32)
    fractions = activations.dead_unit_fractions(model, x)
    assert fractions[0] == pytest.approx(0.5)
    assert len(fractions) == 2
    leaky = activations.deep_network("leaky_relu", depth=2, width=8, num_inputs=3, seed=1)
    leaky.layers[0].bias.assign(bias)  # the same four units negative on every input
    assert activations.dead_unit_fractions(leaky, x)[0] == pytest.approx(0.5)
    with pytest.raises(ValueError):
        activations.dead_unit_fractions(keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)]), x)


def test_he_normal_std_and_keras_initializer():
    import keras

    assert activations.he_normal_std(784) == pytest.approx(np.sqrt(2 / 784))
    kernel = keras.initializers.HeNormal(seed=0)(shape=(784, 256)).numpy()
    assert kernel.std() == pytest.approx(activations.he_normal_std(784), rel=0.02)


def test_activation_panel_follows_its_controls():
    panel = activation_panel()
    assert "sigmoid on [-6, 6]" in panel.chart.caption
    assert "to 0.25" in panel.chart.caption  # largest sigmoid derivative
    panel.controls["x_limit"].value = 20.0
    assert "derivative from 2.061e-09" in panel.chart.caption  # σ'(±20) = e^-20 / (1 + e^-20)^2
    curves = panel.chart.datasets["curves"]
    assert len(curves) == 101 and curves[50]["x"] == 0.0 and curves[50]["tape_derivative"] == 0.25
    assert curves[0] == {"x": -20.0, "y": 2.061e-09, "tape_derivative": 2.061e-09,
                         "analytic_derivative": 2.061e-09, "label": "sigmoid"}  # σ(−20) ≈ e^-20
    panel.controls["name"].value = "leaky_relu"
    panel.controls["alpha"].value = 0.5
    assert "alpha 0.50" in panel.chart.caption
    assert "output from -10 to 20" in panel.chart.caption
    assert "derivative from 0.5 to 1" in panel.chart.caption
    assert panel.result["max_difference"] == 0.0
    assert panel.chart.datasets["curves"][0]["y"] == -10.0  # 0.5 · (−20)


def test_activation_panel_answers_without_a_kernel():
    """Its table holds every state the controls reach, each the figure the kernel would draw."""
    panel = activation_panel()
    table = unpack_table(panel.chart.table)
    assert len(table) == 4 * 20 * 11 and panel.chart.linked == ["name", "x_limit", "alpha"]
    assert panel.chart.kernel_note == ""  # every control works without a kernel
    state = next(entry for entry in table if entry["values"] == {"name": 3, "x_limit": 4.0, "alpha": 0.3})
    panel.controls["name"].value = "leaky_relu"
    panel.controls["x_limit"].value = 4.0
    panel.controls["alpha"].value = 0.3
    assert state["caption"] == panel.chart.caption and "alpha 0.30" in state["caption"]
    assert state["datasets"]["curves"] == panel.chart.datasets["curves"]
    assert state["datasets"]["curves"][0]["y"] == pytest.approx(-1.2)  # 0.3 · (−4)
    assert len(panel.chart.table) < 400_000  # packed bytes stored in the notebook


def test_alpha_is_shown_only_for_leaky_relu_and_no_control_is_dead():
    panel = activation_panel()
    (stack,) = stacks_in(panel.widget)
    assert stack.control is panel.controls["alpha"] and stack.selected_index == 0  # sigmoid: a note
    assert [child is panel.controls["alpha"] for child in stack.children] == [False, False, False, True]
    assert "sigmoid has no slope for x < 0" in html.unescape(stack.children[0].value)
    assert (stack.link.source, stack.link.target) == ((panel.controls["name"], "index"), (stack, "selected_index"))
    assert dead_controls(panel) == []


def test_softmax_panel_sharpens_and_flattens():
    panel = softmax_panel()
    assert "probabilities 0.659, 0.242, 0.099" in panel.chart.caption
    assert [row["probability"] for row in panel.chart.datasets["classes"]] == [0.659, 0.2424, 0.09857]
    entropy = panel.result["entropy"]
    panel.controls["temperature"].value = 10.0
    assert panel.result["entropy"] > entropy
    panel.controls["temperature"].value = 0.1
    assert "largest 1.000 for class 0" in panel.chart.caption
    panel.controls["logits"].value = "0, 0, 5, 0"
    assert "for class 2" in panel.chart.caption
    classes = panel.chart.datasets["classes"]
    # softmax([0, 0, 50, 0]): the others get e^-50 / (1 + 3e^-50) = 1.929e-22
    assert classes[2] == {"class": 2, "logit": 5.0, "probability": 1.0, "temperature": 0.1}
    assert classes[0]["probability"] == 1.929e-22 and len(classes) == 4
    panel.controls["logits"].value = "oops"
    assert "⚠" in panel.chart.caption
    assert "for class 2" not in panel.chart.caption
    assert panel.chart.datasets["classes"] == classes  # the last good figure stays


def test_softmax_panels_temperatures_work_without_a_kernel_for_the_logits_typed():
    panel = softmax_panel()
    table = unpack_table(panel.chart.table)
    assert len(table) == 101 and panel.chart.linked == ["temperature"]  # 10^-1 … 10^1, 0.02 apart in the exponent
    panel.controls["logits"].value = "0, 0, 5, 0"
    table = unpack_table(panel.chart.table)
    coldest = next(entry for entry in table if entry["values"] == {"temperature": 0.1})
    assert "largest 1.000 for class 2" in coldest["caption"] and len(coldest["datasets"]["classes"]) == 4


def test_exercises_accept_the_solution_and_diagnose_mistakes(capsys):
    assert not exercises.check_tanh_derivative(...)
    out = capsys.readouterr().out
    assert "not attempted" in out and "1 − tanh(x)²" not in out
    assert exercises.check_tanh_derivative(1 - np.tanh(1.0) ** 2)
    assert not exercises.check_tanh_derivative(1 - np.tanh(1.0))
    assert "square" in capsys.readouterr().out
    assert not exercises.check_he_std(...)
    out = capsys.readouterr().out
    assert "not attempted" in out and "sqrt" not in out
    assert exercises.check_he_std(np.sqrt(2 / 256))
    assert not exercises.check_he_std(2 / 256)
    assert "2 / 256 is the variance" in capsys.readouterr().out
    assert not exercises.check_he_std(np.sqrt(2 / 784))  # the chapter prints this one
    assert "first layer's value" in capsys.readouterr().out


def _softmax(z):
    z = np.asarray(z, dtype=np.float64)
    exponentials = np.exp(z - z.max(axis=-1, keepdims=True))
    return exponentials / exponentials.sum(axis=-1, keepdims=True)


def test_softmax_exercise_runs_large_logits_and_names_each_slip(capsys):
    import tensorflow as tf

    assert not exercises.check_softmax(...)
    out = capsys.readouterr().out
    assert "not attempted" in out and "subtract" not in out  # the hint does not give the fix away
    assert exercises.check_softmax(_softmax)
    assert capsys.readouterr().out == "✓ softmax(z): correct on 3 fresh test inputs.\n"
    with np.errstate(over="ignore", invalid="ignore"):
        assert not exercises.check_softmax(lambda z: np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True))
    assert "on test input 3 of 3: your softmax gives NaN or inf" in capsys.readouterr().out
    assert not exercises.check_softmax(lambda z: np.exp(z - np.max(z)))
    assert "adds up to" in capsys.readouterr().out
    assert not exercises.check_softmax(lambda z: np.exp(z - z.max()) / np.exp(z - z.max()).sum())
    assert "on test input 2 of 3: every row must add up to 1" in capsys.readouterr().out
    for given in (tf.nn.softmax, lambda z: tf.nn.softmax(z).numpy(), lambda z: tf.math.softmax(z).numpy()):
        assert not exercises.check_softmax(given)
        assert "tensorflow.nn.softmax" in capsys.readouterr().out
    assert tf.nn.softmax(tf.constant([0.0, 0.0])).numpy().tolist() == [0.5, 0.5]  # restored after the check


def test_silu_exercise_refuses_every_silu_of_tensorflow_and_keras(capsys):
    import keras
    import tensorflow as tf

    from tests.lazy_answers.activations import silu_derivative_by_hand as by_hand
    from tests.lazy_answers.activations import silu_derivative_by_tape as by_tape

    for silu in (tf.nn.silu, tf.nn.swish, keras.activations.silu, keras.ops.silu, lambda x: keras.ops.silu(x),
                 lambda x: keras.activations.get("silu")(x), lambda x: keras.layers.Activation("silu")(x)):
        assert not exercises.check_silu(silu, by_hand)
        assert "which this exercise asks you to do without" in capsys.readouterr().out
    assert not exercises.check_silu(lambda x: x * tf.nn.sigmoid(x), by_tape)
    assert "tensorflow.GradientTape" in capsys.readouterr().out
    assert exercises.check_silu(lambda x: x * tf.nn.sigmoid(x), by_hand)


def test_a_curve_needs_two_points():
    with pytest.raises(ValueError, match="num_points must be at least 2"):
        activations.curves(num_points=1)


def test_activation_names_x_when_it_is_not_numbers_and_takes_integers():
    with pytest.raises(TypeError, match="x must be numbers"):
        activations.activation("relu", "abc")
    np.testing.assert_allclose(activations.activation("relu", [1, -2]).numpy(), [1.0, 0.0])


def test_leaky_relu_units_negative_on_every_input_still_get_a_gradient():
    import tensorflow as tf

    x = np.random.default_rng(0).random((50, 3)).astype(np.float32)
    gradients = {}
    for name in ("relu", "leaky_relu"):
        model = activations.deep_network(name, depth=1, width=4, num_inputs=3, seed=1)
        model.layers[0].bias.assign(np.full(4, -100.0, np.float32))  # every unit negative on every input
        assert activations.dead_unit_fractions(model, x)[0] == 1.0
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(model(x))
        gradients[name] = float(tf.norm(tape.gradient(loss, model.layers[0].kernel)))
    assert gradients["relu"] == 0.0 and gradients["leaky_relu"] > 0.0  # dead, and not dead


def _sigmoid(x):
    return 1 / (1 + np.exp(-np.asarray(x)))


def _not_written(x):
    return ...


def test_silu_exercise_runs_the_functions_on_fresh_inputs(capsys):
    import tensorflow as tf

    assert not exercises.check_silu(..., ...)
    assert not exercises.check_silu(_not_written, _not_written)
    assert capsys.readouterr().out.count("not attempted") == 2
    assert exercises.check_silu(lambda x: x * _sigmoid(x), lambda x: _sigmoid(x) * (1 + np.asarray(x) * (1 - _sigmoid(x))))
    assert exercises.check_silu(lambda x: x * tf.nn.sigmoid(x),
                                lambda x: tf.nn.sigmoid(x) * (1 + x * (1 - tf.nn.sigmoid(x))))
    assert capsys.readouterr().out.count("correct") == 4
    # the inputs are the check's own: not the chapter's grid, and 0 among them
    x = exercises._silu_inputs().numpy()
    assert len(x) == 65 and 0.0 in x and np.all(np.abs(x) <= 8) and len(np.unique(np.round(np.diff(x), 6))) > 10


@pytest.mark.parametrize("silu, derivative, hint", [
    (lambda x: x * _sigmoid(x), _sigmoid, "first term of the product rule"),
    (lambda x: x * _sigmoid(x), lambda x: _sigmoid(x) * (1 - _sigmoid(x)), "the sigmoid's derivative"),
    (lambda x: x * _sigmoid(x), lambda x: np.asarray(x) * _sigmoid(x), "silu(x) itself"),
    (_sigmoid, _sigmoid, "σ(x) alone"),
    (lambda x: x * _sigmoid(x), lambda x: undefined_name, "raised NameError"),  # noqa: F821
    (lambda x: x * _sigmoid(x), 0.5, "give the function itself"),
])
def test_silu_exercise_names_the_mistake(silu, derivative, hint, capsys):
    assert not exercises.check_silu(silu, derivative)
    assert hint in capsys.readouterr().out
