"""Chapter 01: the broadcasting explainer, its shape-explorer panel and the chapter's exercises."""

import itertools

import numpy as np
import pytest
import tensorflow as tf

from course_lib import tensors
from course_lib.exercises import tensors as exercises
from course_lib.widgets.tensors import broadcast_panel


@pytest.mark.parametrize("text, shape", [("4, 1, 3", (4, 1, 3)), ("(4, 3)", (4, 3)), ("[4 3]", (4, 3)),
                                         ("256", (256,)), ("(256,)", (256,)), ("", ())])
def test_parse_shape_reads_the_usual_spellings(text, shape):
    assert tensors.parse_shape(text) == shape


@pytest.mark.parametrize("text", ["4, x", "4.5", "-1, 3", "0, 3", 4])
def test_parse_shape_rejects_what_is_not_a_shape(text):
    with pytest.raises(ValueError):
        tensors.parse_shape(text)


SHAPES = [(), (1,), (3,), (4,), (1, 3), (4, 1), (4, 3), (2, 1, 3), (2, 4, 1), (5, 1, 1)]


@pytest.mark.parametrize("shape_a, shape_b", list(itertools.product(SHAPES, repeat=2)))
def test_the_rule_agrees_with_numpy_and_tensorflow(shape_a, shape_b):
    explanation = tensors.explain_broadcast(shape_a, shape_b)
    try:
        expected = np.broadcast_shapes(shape_a, shape_b)
    except ValueError:
        assert explanation["result"] is None and explanation["conflicts"]
        with pytest.raises(tf.errors.InvalidArgumentError):
            tf.zeros(shape_a) + tf.zeros(shape_b)
    else:
        assert explanation["result"] == expected == tuple((tf.zeros(shape_a) + tf.zeros(shape_b)).shape)
        assert not explanation["conflicts"]


def test_the_explanation_pads_on_the_left_and_names_each_axis():
    explanation = tensors.explain_broadcast("2, 1, 3", "4, 1")
    assert explanation["b"] == (1, 4, 1) and explanation["padded_b"] == 1 and explanation["padded_a"] == 0
    assert explanation["axes"] == [tensors.STRETCHED_B, tensors.STRETCHED_A, tensors.STRETCHED_B]
    assert tensors.describe(explanation) == ["axis 0: B's padded 1 is stretched to 2",
                                             "axis 1: A's size 1 is stretched to 4",
                                             "axis 2: B's size 1 is stretched to 3"]
    conflict = tensors.explain_broadcast((4, 3), (4,))
    assert conflict["conflicts"] == [1] and "3 and 4 differ" in tensors.describe(conflict)[1]


def test_explain_broadcast_validates_sizes():
    with pytest.raises(ValueError):
        tensors.explain_broadcast((4, 0), (3,))


def test_the_panel_follows_the_typed_shapes():
    panel = broadcast_panel()
    assert "result shape <b>(128, 256)</b>" in panel.chart.caption
    first_boxes = panel.chart.datasets["boxes"]
    assert {"row": "B", "axis": "axis 0", "size": "1", "role": "1 padded on the left"} in first_boxes
    panel.controls["shape_a"].value = "2, 1, 3"
    panel.controls["shape_b"].value = "4, 1"
    assert panel.result["result"] == (2, 4, 3) and "(2, 4, 3)" in panel.chart.caption
    boxes = {(box["row"], box["axis"]): (box["size"], box["role"]) for box in panel.chart.datasets["boxes"]}
    assert len(boxes) == 9 and boxes[("A", "axis 1")] == ("1", "size 1 stretched")
    assert boxes[("B", "axis 0")] == ("1", "1 padded on the left") and boxes[("result", "axis 2")] == ("3", "kept")
    panel.controls["shape_b"].value = "4"
    assert "incompatible" in panel.chart.caption and "3 and 4 differ" in panel.chart.caption
    result_row = [box for box in panel.chart.datasets["boxes"] if box["row"] == "result"]
    assert [(box["size"], box["role"]) for box in result_row] == [("?", "conflict")] * 3


def test_the_panel_shows_a_typing_error_and_keeps_the_figure():
    panel = broadcast_panel()
    boxes = panel.chart.datasets["boxes"]
    panel.controls["shape_a"].value = "4, x"
    assert "is not a shape" in panel.chart.caption and panel.chart.datasets["boxes"] == boxes
    assert panel.chart.table == "" and panel.links == []  # typed shapes: kernel-only


def test_broadcast_exercise(capsys):
    assert not exercises.check_broadcast_shape(...)
    assert "not attempted" in capsys.readouterr().out
    assert not exercises.check_broadcast_shape((4, 1, 3))
    assert "aligns the last axes" in capsys.readouterr().out
    assert not exercises.check_broadcast_shape((2, 3))
    assert "your answer is a tuple of shape (2,); the expected shape is (3,)" in capsys.readouterr().out
    assert exercises.check_broadcast_shape(tuple((tf.zeros([2, 1, 3]) + tf.zeros([4, 1])).shape))


def test_gradient_exercise(capsys):
    assert not exercises.check_gradient(...)
    out = capsys.readouterr().out
    assert "not attempted" in out and "-0.3588" not in out and "cos" not in out
    x = tf.Variable(3.0)
    with tf.GradientTape() as tape:
        y = exercises.mystery(x)
    slope = tape.gradient(y, x)
    assert not exercises.check_gradient(float(slope))  # right, but the exercise is the tape's tensor
    assert "plain number" in capsys.readouterr().out
    assert not exercises.check_gradient(tf.constant(float(y)))
    assert "that is mystery(3) itself" in capsys.readouterr().out
    assert not exercises.check_gradient(tf.constant(8.0))
    assert "old exercise" in capsys.readouterr().out
    with tf.GradientTape() as tape:  # a constant is not watched: the tape gives None
        y = exercises.mystery(tf.constant(3.0))
    assert not exercises.check_gradient(tape.gradient(y, tf.constant(3.0)))
    assert "tape.watch" in capsys.readouterr().out
    assert not exercises.check_gradient("8")
    assert "the text '8'" in capsys.readouterr().out
    assert exercises.check_gradient(slope)
    assert capsys.readouterr().out == "✓ d mystery(x)/dx at x = 3: correct.\n"
    # the hand-worked derivative the check uses agrees with the tape away from x = 3 too
    points = tf.Variable([-2.0, 0.5, 7.0], dtype=tf.float64)
    with tf.GradientTape() as tape:
        values = exercises.mystery(points)
    np.testing.assert_allclose(tape.gradient(values, points).numpy(), exercises._mystery_slope(points.numpy()))


def test_batch_sizes_exercise(capsys):
    assert not exercises.check_batch_sizes(...)
    out = capsys.readouterr().out
    assert "not attempted" in out and "12" not in out
    assert not exercises.check_batch_sizes([32, 32, 32, 32, 22] * 2)
    assert "batch(32) then repeat(2)" in capsys.readouterr().out
    assert not exercises.check_batch_sizes([32, 32, 32, 32, 22])
    assert "one pass" in capsys.readouterr().out
    assert not exercises.check_batch_sizes(10)
    capsys.readouterr()
    sizes = [int(x.shape[0]) for x in tf.data.Dataset.from_tensor_slices(np.zeros(150)).repeat(2).batch(32)]
    assert exercises.check_batch_sizes(sizes)


def _derivative(f, x, unconnected=tf.UnconnectedGradients.ZERO):
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    return tape.gradient(y, x, unconnected_gradients=unconnected)


def test_derivative_exercise_runs_the_function_on_its_own_cases(capsys):
    assert not exercises.check_derivative(...)
    assert "not attempted" in capsys.readouterr().out
    assert exercises.check_derivative(_derivative)
    assert capsys.readouterr().out == "✓ derivative(f, x): correct on 4 fresh test inputs.\n"
    assert exercises.check_derivative(lambda f, x: _derivative(f, tf.Variable(x)))  # a Variable is watched too
    capsys.readouterr()


def test_derivative_exercise_names_each_slip(capsys):
    def unwatched(f, x):
        with tf.GradientTape() as tape:
            y = f(x)
        return tape.gradient(y, x)

    assert not exercises.check_derivative(unwatched)
    assert "on test input 1 of 4: your answer is None. A GradientTape gives None" in capsys.readouterr().out
    assert not exercises.check_derivative(lambda f, x: _derivative(f, x, tf.UnconnectedGradients.NONE))
    assert "on test input 4 of 4: this f does not use x" in capsys.readouterr().out
    assert not exercises.check_derivative(lambda f, x: f(x))
    assert "that is f(x) itself" in capsys.readouterr().out
    assert not exercises.check_derivative(lambda f, x: 2 * _derivative(f, x))
    assert "2 times the expected one" in capsys.readouterr().out


def test_jacobian_exercise_accepts_the_tapes_jacobian_and_names_the_summed_gradient(capsys):
    x = tf.constant(exercises.JACOBIAN_POINT)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = exercises.vector_mystery(x)
    jacobian = tape.jacobian(y, x)
    np.testing.assert_allclose(jacobian.numpy(), exercises._vector_mystery_jacobian(np.array(exercises.JACOBIAN_POINT)),
                               rtol=1e-5)
    assert exercises.check_jacobian(jacobian)
    assert "✓" in capsys.readouterr().out
    assert not exercises.check_jacobian(tape.gradient(y, x))
    assert "sum" in capsys.readouterr().out
    assert not exercises.check_jacobian(tf.transpose(jacobian))
    assert "transposed" in capsys.readouterr().out
    assert not exercises.check_jacobian(...)
    assert "not attempted" in capsys.readouterr().out
