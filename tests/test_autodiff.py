"""Chapters 01 and 02: the reverse-mode engine, finite differences, the graph figure, the tape's memory, the checks."""

import math

import numpy as np
import pytest
import tensorflow as tf

from course_lib import autodiff, forward
from course_lib.exercises import forward as forward_exercises
from course_lib.exercises import autodiff as exercises
from tests.lazy_answers import autodiff as lazy


def test_the_engine_matches_the_tape_on_a_graph_with_shared_values():
    a, b = autodiff.Value(0.5), autodiff.Value(-1.5)
    c = a * b
    loss = (c + a).tanh() * c + b.relu() + a ** 3 - 2 / (a + 2) + c * c
    loss.backward()
    a_tf, b_tf = tf.Variable(0.5, dtype=tf.float64), tf.Variable(-1.5, dtype=tf.float64)
    with tf.GradientTape() as tape:
        c_tf = a_tf * b_tf
        loss_tf = tf.tanh(c_tf + a_tf) * c_tf + tf.nn.relu(b_tf) + a_tf ** 3 - 2 / (a_tf + 2) + c_tf * c_tf
    assert loss.data == pytest.approx(float(loss_tf), rel=1e-12)
    np.testing.assert_allclose([a.grad, b.grad], [float(g) for g in tape.gradient(loss_tf, [a_tf, b_tf])],
                               rtol=1e-12)


def test_gradients_add_where_a_value_feeds_two_places_and_a_second_backward_starts_afresh():
    a = autodiff.Value(3.0)
    y = a * a + a  # dy/da = 2a + 1
    y.backward()
    assert a.grad == 7.0
    y.backward()
    assert a.grad == 7.0


def test_topological_order_lists_children_first_and_survives_a_long_chain():
    a = autodiff.Value(1.0)
    b = a * 2
    c = b + a
    order = autodiff.topological_order(c)
    assert order.index(a) < order.index(b) < order.index(c) and len(order) == 4  # the 2 is a leaf too
    chain = autodiff.Value(0.1)
    for _ in range(5000):  # deeper than Python's recursion limit
        chain = chain * 1.0
    chain.backward()
    assert len(autodiff.topological_order(chain)) == 10001


def test_the_engine_refuses_bad_input_naming_it():
    with pytest.raises(ValueError, match="data"):
        autodiff.Value(math.nan)
    with pytest.raises(ValueError, match="data"):
        autodiff.Value("2")
    with pytest.raises(TypeError, match="other"):
        autodiff.Value(1.0) + "x"
    with pytest.raises(TypeError, match="exponent"):
        autodiff.Value(2.0) ** autodiff.Value(2.0)
    with pytest.raises(TypeError, match="root"):
        autodiff.topological_order(3.0)


def test_the_two_neuron_loss_is_the_same_on_the_engine_and_on_tensorflow():
    x, y = np.array([[0.5, -1.0], [1.5, 0.2], [-0.3, 0.8]]), np.array([1.0, -1.0, 1.0])
    numbers = [0.3, -0.2, 0.1, 0.8, -0.1]
    parameters = [autodiff.Value(n) for n in numbers]
    loss = autodiff.two_neuron_loss(parameters, x, y, autodiff.Value.tanh)
    loss.backward()
    variables = [tf.Variable(n, dtype=tf.float64) for n in numbers]
    with tf.GradientTape() as tape:
        loss_tf = autodiff.two_neuron_loss(variables, x, y, tf.tanh)
    assert loss.data == pytest.approx(float(loss_tf), rel=1e-12)
    assert autodiff.relative_error([p.grad for p in parameters], tape.gradient(loss_tf, variables)) < 1e-12
    with pytest.raises(ValueError, match="parameters"):
        autodiff.two_neuron_loss(parameters[:4], x, y, autodiff.Value.tanh)


def test_relative_error_is_scale_free_and_zero_where_both_are_zero():
    assert autodiff.relative_error([1e-8, 0.0], [1.1e-8, 0.0]) == pytest.approx(0.1 / 1.1)
    assert autodiff.relative_error([1e8], [1.1e8]) == pytest.approx(0.1 / 1.1)
    with pytest.raises(ValueError, match="shape"):
        autodiff.relative_error([1.0, 2.0], [1.0])


def test_numerical_gradient_is_central_and_leaves_x_alone():
    x = np.array([[0.3, -1.2], [2.0, 0.7]])
    before = x.copy()
    gradient = autodiff.numerical_gradient(lambda v: np.sum(np.sin(v) * v), x)
    assert autodiff.relative_error(gradient, np.cos(x) * x + np.sin(x)) < 1e-8
    np.testing.assert_array_equal(x, before)
    # a cubic: the central difference is exact up to h², the one-sided one would be off by 3x·h
    assert autodiff.numerical_gradient(lambda v: v[0] ** 3, np.array([1.0]), step=1e-3)[0] == pytest.approx(
        3.0, abs=2e-6)
    with pytest.raises(ValueError, match="step"):
        autodiff.numerical_gradient(np.sum, x, step=0)


def test_gradient_check_passes_right_gradients_and_flags_a_wrong_array():
    rng = np.random.default_rng(0)
    w, b = rng.normal(size=(4, 3)), rng.normal(size=3)
    x = rng.normal(size=(5, 4))

    def loss(parameters):
        return float(np.sum(np.tanh(x @ parameters[0] + parameters[1]) ** 2))
    t = np.tanh(x @ w + b)
    delta = 2 * t * (1 - t ** 2)
    right = [x.T @ delta, delta.sum(axis=0)]
    assert max(autodiff.gradient_check(loss, [w, b], right, num_entries=5)) < 1e-7
    errors = autodiff.gradient_check(loss, [w, b], [right[0], right[1] / 5], num_entries=5)
    assert errors[0] < 1e-7 and errors[1] > 0.5
    with pytest.raises(ValueError, match="shape"):
        autodiff.gradient_check(loss, [w, b], [right[0].T, right[1]])
    with pytest.raises(ValueError, match="num_entries"):
        autodiff.gradient_check(loss, [w, b], right, num_entries=0)


def test_step_size_errors_show_truncation_and_round_off():
    errors = autodiff.step_size_errors(lambda t: np.sin(t) * t, 0.8, math.cos(0.8) * 0.8 + math.sin(0.8))
    central, one_sided, single = (np.array(errors[label]) for label in errors)
    steps = np.array(autodiff.STEPS)
    assert central.min() < 1e-9 and one_sided.min() > central.min()
    small = steps < 1e-2  # float32 loses to float64 by orders of magnitude (a lucky cancellation aside)
    assert np.median(single[small]) > 1000 * np.median(central[small])
    at = {step: central[np.argmin(np.abs(np.log10(steps / step)))] for step in (1e-12, 1e-5, 1e-1)}
    assert at[1e-5] < 1e-9 and at[1e-12] > 1e-6 and at[1e-1] > 1e-4  # round-off left, truncation right
    assert single[0] == 1.0  # the step is lost in float32: no difference at all
    assert autodiff.step_size_figure(errors).axes[0].get_xscale() == "log"
    with pytest.raises(ValueError, match="step"):
        autodiff.step_size_errors(np.sin, 0.5, 1.0, steps=[1e-3, -1e-3])


def test_the_graph_figure_draws_one_box_per_value_and_marks_shared_ones():
    a = autodiff.Value(2.0, label="a")
    loss = (a * a + a).tanh()
    loss.backward()
    figure = autodiff.graph_figure(loss)
    texts = [text for text in figure.axes[0].texts if text.get_text()]
    assert len(texts) == len(autodiff.topological_order(loss)) == 4
    shared = [text for text in texts if text.get_text().startswith("a\n")]
    assert shared[0].get_bbox_patch().get_facecolor() != texts[-1].get_bbox_patch().get_facecolor()
    arrows = len(figure.axes[0].texts) - len(texts)  # an arrow is an annotation without text
    assert arrows == 5  # a twice into ×, × and a into +, + into tanh


def test_kept_by_tape_finds_what_the_backward_pass_needs_and_grows_with_the_batch():
    w = tf.Variable(tf.ones([6, 4]))

    def compute(batch):
        return lambda: tf.reduce_sum(tf.nn.relu(tf.ones([batch, 6]) @ w) ** 2)
    small, large = autodiff.kept_by_tape(compute(1)), autodiff.kept_by_tape(compute(11))
    assert small and all(nbytes > 0 for _, _, nbytes in small)
    grown = sum(n for _, _, n in large) - sum(n for _, _, n in small)
    assert grown > 0 and grown % (10 * 4) == 0  # whole float32 rows per extra example
    assert autodiff.kept_by_tape(lambda: tf.constant(1.0)) == []
    with pytest.raises(TypeError, match="compute"):
        autodiff.kept_by_tape(3)


def test_the_value_check_accepts_a_right_engine_and_each_lazy_one_fails(capsys):
    assert exercises.check_value_class(lazy.Engine)
    assert "✓" in capsys.readouterr().out
    assert not exercises.check_value_class(...)
    assert "not attempted" in capsys.readouterr().out
    assert not exercises.check_value_class(lazy.TreesOnly)
    assert "feeds" in capsys.readouterr().out


def test_random_programs_hold_a_shared_inner_value_a_square_and_defeat_a_backward_without_order():
    rng = np.random.default_rng(3)
    for _ in range(20):
        program = exercises.random_program(rng)
        leaves, operations = program
        counts = exercises._parents(program)
        assert any(count >= 2 for count in counts[len(leaves):])
        assert any(kind == "mul" and first == other for kind, first, other in operations)
        reference = exercises._reference(program)
        output, leaf_gradients = exercises.tape_gradients(program)
        assert reference[-1].data == pytest.approx(output, rel=1e-12)
        assert autodiff.relative_error([value.grad for value in reference[:len(leaves)]], leaf_gradients) < 1e-9
        wrong = exercises._run(lazy.NoTopologicalOrder, program)
        assert not np.allclose([grad for _, grad in wrong], [value.grad for value in reference])


def test_the_finite_difference_check_accepts_a_right_answer_and_points_at_a_changed_x(capsys):
    assert exercises.check_numerical_gradient(_central)
    assert "✓" in capsys.readouterr().out
    assert not exercises.check_numerical_gradient(lazy._not_put_back)
    assert "changed x" in capsys.readouterr().out


def _central(f, x, step=1e-6):
    gradient = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        original = x[index]
        x[index] = original + step
        above = f(x)
        x[index] = original - step
        gradient[index] = (above - f(x)) / (2 * step)
        x[index] = original
    return gradient


def test_the_tape_bytes_exercise_measures_the_wider_network_and_names_the_slips(capsys):
    wider, chapter = (forward_exercises.tape_bytes_per_image(sizes)
                      for sizes in (forward_exercises.WIDER_SIZES, forward.LAYER_SIZES))
    # the image, each hidden layer's product and ReLU output, and the output's few rows, all float32
    assert wider - chapter == 4 * 2 * ((512 - 256) + (256 - 128))
    assert forward_exercises.check_tape_bytes_per_image(wider)
    assert "✓" in capsys.readouterr().out
    assert not forward_exercises.check_tape_bytes_per_image(wider / 4)
    assert "bytes" in capsys.readouterr().out
    assert not forward_exercises.check_tape_bytes_per_image(chapter)
    assert "wider" in capsys.readouterr().out
