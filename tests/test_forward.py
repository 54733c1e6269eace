"""Chapter 02: the hand-built MLP, its losses and parameter counts, the loop timing, the panel, the exercises."""

import numpy as np
import time
import types

import pytest
import tensorflow as tf

from course_lib import data, forward
from course_lib.exercises import forward as exercises
from course_lib.widgets.forward import draw_epochs, train_one_epoch_panel


@pytest.fixture(scope="module")
def mnist():
    """A small slice of real MNIST as the chapter prepares it: flattened, 0..1, one-hot training labels."""
    (x_train, y_train), (x_test, y_test) = data.load_mnist(flatten=True, one_hot=True)
    return x_train[:1024], y_train[:1024], x_test[:500], y_test[:500].argmax(axis=1)


def test_parameter_counts_are_the_source_figures():
    assert forward.parameter_counts() == [200960, 32896, 1290]
    assert forward.dense_parameter_count(128, 10) == 1290
    assert forward.parameter_counts((4, 3)) == [15]


@pytest.mark.parametrize("sizes", [(784,), (784, 0, 10), (784, -3), (784, 2.5)])
def test_parameter_counts_reject_bad_sizes(sizes):
    with pytest.raises(ValueError):
        forward.parameter_counts(sizes)


def test_the_mlp_has_the_source_shapes_and_initialisation():
    model = forward.MLP(seed=1)
    assert [tuple(w.shape) for w in model.weights] == [(784, 256), (256, 128), (128, 10)]
    assert [tuple(b.shape) for b in model.biases] == [(256,), (128,), (10,)]
    assert len(model.trainable_variables) == 6
    assert sum(int(np.prod(v.shape)) for v in model.trainable_variables) == 235146
    assert all(float(tf.reduce_max(tf.abs(w))) <= 2 * forward.INIT_STDDEV for w in model.weights)
    assert all(float(tf.reduce_max(tf.abs(b))) == 0.0 for b in model.biases)
    assert 0.08 < float(tf.math.reduce_std(model.weights[0])) < 0.1


def test_a_seed_fixes_the_weights_without_touching_the_global_random_state():
    tf.random.set_seed(5)
    expected_next = tf.random.uniform([3]).numpy()
    tf.random.set_seed(5)
    first, second, other = forward.MLP(seed=3), forward.MLP(seed=3), forward.MLP(seed=4)
    assert np.array_equal(first.weights[0].numpy(), second.weights[0].numpy())
    assert not np.array_equal(first.weights[0].numpy(), other.weights[0].numpy())
    assert np.array_equal(tf.random.uniform([3]).numpy(), expected_next)


def test_the_forward_pass_is_relu_layers_then_a_linear_output():
    model = forward.MLP((4, 3, 2), seed=0)
    model.biases[0].assign([0.1, -0.2, 0.3])
    model.biases[1].assign([-5.0, 0.5])
    x = np.random.RandomState(0).normal(size=(5, 4)).astype(np.float32)
    w1, w2 = (w.numpy() for w in model.weights)
    b1, b2 = (b.numpy() for b in model.biases)
    expected = np.maximum(x @ w1 + b1, 0) @ w2 + b2
    out = model(x).numpy()
    np.testing.assert_allclose(out, expected, rtol=1e-5)
    assert (out < 0).any()  # the output layer is linear, so scores can be negative


def test_mlp_rejects_bad_arguments():
    with pytest.raises(ValueError):
        forward.MLP(stddev=0)
    with pytest.raises(ValueError):
        forward.MLP((784,))


def test_the_losses_match_their_formulas():
    y = np.eye(3, dtype=np.float32)[[0, 2]]
    out = np.array([[2.0, 0.5, -1.0], [0.0, 1.0, 3.0]], dtype=np.float32)
    assert float(forward.mse(y, out)) == pytest.approx(np.mean((y - out) ** 2))
    softmax = np.exp(out) / np.exp(out).sum(axis=1, keepdims=True)
    assert float(forward.cross_entropy(y, out)) == pytest.approx(-np.mean(np.log((softmax * y).sum(axis=1))),
                                                                   rel=1e-5)
    assert set(forward.LOSSES) == {"MSE", "cross entropy"}


def test_batches_keep_the_order_and_check_lengths():
    x, y = np.arange(10.0), np.arange(10)
    dataset = forward.batches(x, y, 4)
    assert [len(batch_x) for batch_x, _ in dataset] == [4, 4, 2]
    assert next(iter(dataset))[1].numpy().tolist() == [0, 1, 2, 3]
    with pytest.raises(ValueError):
        forward.batches(x, y[:9], 4)
    with pytest.raises(ValueError):
        forward.batches(x, y, 0)


def test_time_epoch_times_the_steps_and_extrapolates():
    calls = []

    def step(x, y):
        calls.append(int(x[0]))
        return tf.constant(0.0)

    timing = forward.time_epoch(step, forward.batches(np.arange(100.0), np.arange(100), 10), num_steps=5)
    assert calls == [0, 10, 20, 30, 40, 50]  # one untimed warm-up step, then five timed ones
    assert timing["steps_per_epoch"] == 10
    assert timing["seconds_per_epoch"] == pytest.approx(10 * timing["seconds_per_step"])
    with pytest.raises(ValueError):
        forward.time_epoch(step, forward.batches(np.arange(100.0), np.arange(100), 10), num_steps=10)


@pytest.mark.needs_data
def test_epoch_by_epoch_plays_a_run_from_the_same_start_every_time(mnist):
    run = forward.EpochByEpoch(*mnist, num_train=512)
    states = list(run.epochs(0.1, 64, "cross entropy", 2))
    assert [len(state["validation_accuracy"]) for state in states] == [0, 1, 2]
    final = states[-1]
    assert list(final["epoch"]) == [1, 2] and final["loss_curve"][1] < final["loss_curve"][0]
    assert final["validation_accuracy"][-1] > 0.5 and final["num_train"] == 512
    other = list(run.epochs(0.1, 64, "MSE", 1))[-1]
    assert other["loss"] == "MSE" and len(other["loss_curve"]) == 1
    again = list(forward.EpochByEpoch(*mnist, num_train=512).epochs(0.1, 64, "cross entropy", 1))[-1]
    assert again["loss_curve"][0] == pytest.approx(final["loss_curve"][0], rel=1e-5)
    back = list(run.epochs(0.1, 64, "cross entropy", 1))[-1]  # the same weights and optimizer, put back
    assert back["loss_curve"][0] == pytest.approx(final["loss_curve"][0], rel=1e-5)


@pytest.mark.needs_data
def test_epoch_by_epoch_rejects_bad_settings_and_recovers_from_divergence(mnist):
    run = forward.EpochByEpoch(*mnist, num_train=512)
    for arguments, name in [((-0.1, 64, "MSE", 1), "learning_rate"), ((0.1, 64, "hinge", 1), "loss"),
                            ((0.1, 0, "MSE", 1), "batch_size"), ((0.1, 64, "MSE", 0), "num_epochs")]:
        with pytest.raises(ValueError, match=name):
            list(run.epochs(*arguments))
    diverged = list(run.epochs(1e4, 64, "MSE", 3))[-1]
    assert diverged["diverged"] and len(diverged["validation_accuracy"]) == 0
    assert not list(run.epochs(0.1, 64, "MSE", 1))[-1]["diverged"]  # a new run starts from the initial weights


@pytest.mark.needs_data
def test_the_panel_plays_the_run_live_and_pauses_keeping_what_was_learned(mnist):
    panel = train_one_epoch_panel(mnist, num_train=512)
    assert panel.chart.caption.startswith("untrained network, learning rate 0.001, batch size 128, MSE loss")
    untrained = panel.chart.datasets["curve"]  # the untrained network's point at epoch 0: the figure is not empty
    assert len(untrained) == 1 and untrained[0]["epoch"] == 0
    assert untrained[0]["loss"] > 0 and 0 <= untrained[0]["validation_accuracy"] <= 0.3  # about a guess
    panel.controls["num_epochs"].value = 2
    panel.button.click()
    panel.training.wait(120)
    curve = panel.chart.datasets["curve"]
    assert [row["epoch"] for row in curve] == [0, 1, 2] and curve[0] == untrained[0]
    assert panel.chart.caption.startswith("epoch 2 with learning rate 0.001, batch size 128, MSE loss")
    assert "validation accuracy <b>0." in panel.chart.caption
    panel.controls["loss"].value = "cross entropy"
    panel.controls["learning_rate"].value = 0.1
    panel.controls["num_epochs"].value = 50
    panel.button.click()
    deadline = time.monotonic() + 120
    while len(panel.chart.datasets["curve"]) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    panel.pause_button.click()
    panel.training.wait(120)
    paused = panel.chart.datasets["curve"]
    assert 3 <= len(paused) < 50 and panel.chart.caption.startswith("epoch ")
    panel.button.click()  # the same settings: the run goes on from where it paused
    while len(panel.chart.datasets["curve"]) <= len(paused) + 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    panel.pause_button.click()
    panel.training.wait(120)
    assert panel.chart.datasets["curve"][:len(paused)] == paused
    panel.reset_button.click()
    assert panel.chart.caption.startswith("untrained network, learning rate 0.1, batch size 128, cross entropy")
    reset = panel.chart.datasets["curve"]  # the same network, its cross entropy this time: about ln 10
    assert [row["epoch"] for row in reset] == [0] and 1.5 < reset[0]["loss"] < 4
    assert reset[0]["validation_accuracy"] == untrained[0]["validation_accuracy"]


@pytest.mark.needs_data
def test_the_panel_reports_a_diverging_run(mnist):
    panel = train_one_epoch_panel(mnist, num_train=512)
    states = list(panel.compute(learning_rate=1e4, batch_size=64, loss="MSE", num_epochs=5))
    assert states[-1]["diverged"] and not any(state["diverged"] for state in states[:-1])
    assert len(states) < 1 + 5  # the run stops where it diverged
    caption = draw_epochs(states[-1])[1]
    assert caption.startswith(f"<b>diverged</b> in epoch {len(states[-1]['epoch']) + 1} with learning rate 10000")


@pytest.mark.needs_data
def test_the_panel_works_without_arguments():
    panel = train_one_epoch_panel()
    assert "6000 training images" in panel.chart.caption and "press Train" in panel.chart.caption


def test_parameter_count_exercise(capsys):
    assert not exercises.check_parameter_count(...)
    assert "not attempted" in capsys.readouterr().out
    assert not exercises.check_parameter_count(784 * 512 + 512 * 256 + 256 * 10)
    assert "forgot the biases" in capsys.readouterr().out
    assert exercises.check_parameter_count(535818)


def test_steps_per_epoch_exercise(capsys):
    assert not exercises.check_steps_per_epoch(...)
    out = capsys.readouterr().out
    assert "not attempted" in out and "235" not in out and "round up" not in out
    assert not exercises.check_steps_per_epoch(234)
    assert "round up" in capsys.readouterr().out
    assert not exercises.check_steps_per_epoch(469)  # all 60000 images in the chapter's batches of 128
    assert "batches of 128, as the chapter's loops use" in capsys.readouterr().out
    assert not exercises.check_steps_per_epoch(391)  # printed above: 50000 images in batches of 128
    assert "the step count printed above" in capsys.readouterr().out
    assert not exercises.check_steps_per_epoch(196)  # the chapter's 50000 images in batches of 256
    assert "chapter's 50000 training images" in capsys.readouterr().out
    assert not exercises.check_steps_per_epoch(234.375)
    assert "whole number" in capsys.readouterr().out
    assert exercises.check_steps_per_epoch(235)
    assert exercises.check_steps_per_epoch(469, batch_size=128)
    assert exercises.check_steps_per_epoch(5, num_examples=10, batch_size=2)
    with pytest.raises(ValueError):
        exercises.check_steps_per_epoch(1, batch_size=0)


def _small_forward(weights, biases, x, *, relu_output=False, use_bias=True):
    w1, w2, w3 = weights
    b1, b2, b3 = biases if use_bias else (0.0, 0.0, 0.0)
    h2 = tf.nn.relu(tf.nn.relu(x @ w1 + b1) @ w2 + b2)
    out = h2 @ w3 + b3
    return tf.nn.relu(out) if relu_output else out


def test_forward_pass_exercise(capsys):
    assert not exercises.check_forward_pass(...)
    out = capsys.readouterr().out
    assert "not attempted" in out and "relu(h @ w + b)" in out
    assert not exercises.check_forward_pass(lambda w, b, x: _small_forward(w, b, x, relu_output=True))
    assert "no ReLU" in capsys.readouterr().out
    assert not exercises.check_forward_pass(lambda w, b, x: _small_forward(w, b, x, use_bias=False))
    assert "forgot the biases" in capsys.readouterr().out
    assert not exercises.check_forward_pass(lambda w, b, x: _small_forward(w, b, x)[:2])
    assert "shape (2, 10)" in capsys.readouterr().out
    assert exercises.check_forward_pass(_small_forward)
    assert capsys.readouterr().out == "✓ forward pass: correct on 3 fresh test inputs.\n"


def test_forward_pass_exercise_refuses_the_course_forward_pass(capsys):
    def by_the_course(weights, biases, x):
        return forward.forward_pass(weights, biases, x)

    def by_the_model(weights, biases, x):
        model = forward.MLP([w.shape[0] for w in weights] + [weights[-1].shape[1]])
        for variable, value in zip(model.weights + model.biases, list(weights) + list(biases)):
            variable.assign(value)
        return model(x)

    for function, called in ((by_the_course, "course_lib.forward.forward_pass"),
                             (by_the_model, "course_lib.forward.MLP")):
        assert not exercises.check_forward_pass(function)
        assert f"your answer calls {called}" in capsys.readouterr().out
    assert not exercises.check_forward_pass(forward.forward_pass)
    assert "that is course_lib.forward.forward_pass" in capsys.readouterr().out
    # a value instead of a function is turned down
    weights, biases = exercises.small_network()
    assert not exercises.check_forward_pass(_small_forward(weights, biases, np.zeros((5, 784), np.float32)))
    assert "give the function itself" in capsys.readouterr().out


def test_forward_pass_is_the_mlp_call_and_checks_its_lists():
    model = forward.MLP((5, 4, 3), seed=1)
    x = np.random.RandomState(2).normal(size=(6, 5)).astype(np.float32)
    np.testing.assert_array_equal(forward.forward_pass(model.weights, model.biases, x).numpy(), model(x).numpy())
    with pytest.raises(ValueError, match="one bias per weight"):
        forward.forward_pass(model.weights, model.biases[:1], x)
    with pytest.raises(ValueError, match="layer 1 gets 4 values per example"):
        forward.forward_pass(model.weights, model.biases, x[:, :4])
    with pytest.raises(ValueError, match="layer 2 gets 4 values"):
        forward.tape_gradients([model.weights[0], tf.transpose(model.weights[1])], model.biases, x, np.zeros((6, 3)))


def test_summed_squared_error_is_ten_times_the_mse_on_digits():
    rng = np.random.RandomState(0)
    y = np.eye(10, dtype=np.float32)[rng.randint(10, size=7)]
    out = rng.normal(size=(7, 10)).astype(np.float32)
    summed = float(forward.summed_squared_error(y, out))
    assert summed == pytest.approx(np.sum((out - y) ** 2) / 7, rel=1e-6)
    assert summed == pytest.approx(10 * float(forward.mse(y, out)), rel=1e-6)
    with pytest.raises(ValueError, match="y_pred"):
        forward.summed_squared_error(y[0], out[0])


def test_tape_gradients_match_the_closed_form_of_a_linear_layer():
    rng = np.random.RandomState(3)
    w, b = rng.normal(size=(4, 3)).astype(np.float32), rng.normal(size=3).astype(np.float32)
    x, y = rng.normal(size=(5, 4)).astype(np.float32), rng.normal(size=(5, 3)).astype(np.float32)
    (d_w,), (d_b,) = forward.tape_gradients([w], [b], x, y)
    delta = 2 * (x @ w + b - y) / y.size  # one layer: no ReLU, the MSE's δ directly
    np.testing.assert_allclose(d_w.numpy(), x.T @ delta, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(d_b.numpy(), delta.sum(axis=0), rtol=1e-5, atol=1e-7)


def test_tape_gradients_leave_switched_off_relu_units_without_gradient():
    x = np.array([[1.0, 2.0]], np.float32)
    w1, b1 = np.array([[0.5, -1.0], [0.25, 0.5]], np.float32), np.array([0.0, -0.5], np.float32)
    w2, b2 = np.array([[2.0], [-1.0]], np.float32), np.array([0.5], np.float32)
    (d_w1, d_w2), (d_b1, d_b2) = forward.tape_gradients([w1, w2], [b1, b2], x, np.array([[1.0]], np.float32))
    np.testing.assert_allclose(d_w1.numpy(), [[6.0, 0.0], [12.0, 0.0]])
    np.testing.assert_allclose(d_w2.numpy(), [[3.0], [0.0]])
    np.testing.assert_allclose(d_b1.numpy(), [6.0, 0.0])
    np.testing.assert_allclose(d_b2.numpy(), [3.0])


def test_max_difference_compares_every_entry_and_rejects_mismatched_shapes():
    one = ([np.zeros((2, 3)), np.zeros((3, 1))], [np.zeros(3), np.zeros(1)])
    other = ([np.zeros((2, 3)), np.full((3, 1), 0.25)], [np.array([0.0, -0.5, 0.0]), np.zeros(1)])
    assert forward.max_difference(one, other) == 0.5
    assert forward.max_difference(one, one) == 0.0
    with pytest.raises(ValueError, match="shape"):
        forward.max_difference(one, ([np.zeros((3, 2)), np.zeros((3, 1))], one[1]))
    with pytest.raises(ValueError, match="layers"):
        forward.max_difference(one, (one[0][:1], one[1][:1]))


def test_gradient_norms_and_their_figure():
    gradients = ([np.full((2, 2), 1.5), np.array([[3.0], [4.0]])], [np.zeros(2), np.array([2.0])])
    norms = forward.gradient_norms(gradients)
    assert norms == {"weights": [3.0, 5.0], "biases": [0.0, 2.0]}
    figure = forward.gradient_size_figure({"MSE": norms, "cross entropy": forward.gradient_norms(gradients)})
    axes = figure.axes
    assert [ax.get_title() for ax in axes] == ["∂L/∂W", "∂L/∂b"]
    assert axes[0].get_yscale() == "log" and "norm" in axes[0].get_ylabel()
    assert len(axes[0].patches) == 4 and [t.get_text() for t in figure.legends[0].get_texts()] == \
        ["MSE", "cross entropy"]
    with pytest.raises(ValueError):
        forward.gradient_size_figure({})


def _backward_cross_entropy(weights, biases, x, y, *, mask=True, divide=True, transpose_first=False):
    w1, w2, w3 = weights
    b1, b2, b3 = biases
    z1 = x @ w1 + b1
    z2 = tf.nn.relu(z1) @ w2 + b2
    out = tf.nn.relu(z2) @ w3 + b3
    delta3 = (tf.nn.softmax(out) - y) / (out.shape[0] if divide else 1)
    delta2 = (delta3 @ tf.transpose(w3)) * (tf.cast(z2 > 0, tf.float32) if mask else 1)
    delta1 = (delta2 @ tf.transpose(w2)) * (tf.cast(z1 > 0, tf.float32) if mask else 1)
    d_w1 = tf.transpose(x) @ delta1
    weight_gradients = [tf.transpose(d_w1) if transpose_first else d_w1,
                        tf.transpose(tf.nn.relu(z1)) @ delta2, tf.transpose(tf.nn.relu(z2)) @ delta3]
    return weight_gradients, [tf.reduce_sum(delta, axis=0) for delta in (delta1, delta2, delta3)]


def test_backward_pass_exercise_runs_the_function_and_names_the_slip(capsys):
    assert not exercises.check_backward_pass(...)
    assert "not attempted" in capsys.readouterr().out
    assert exercises.check_backward_pass(_backward_cross_entropy)
    assert capsys.readouterr().out == "✓ backward pass of cross entropy: correct on 3 fresh test inputs.\n"
    slips = {"forgot the ReLU mask": {"mask": False}, "b times too large": {"divide": False},
             "transpose of W's shape": {"transpose_first": True}}
    for hint, options in slips.items():
        assert not exercises.check_backward_pass(lambda *args, options=options: _backward_cross_entropy(*args, **options))
        assert hint in capsys.readouterr().out
    assert not exercises.check_backward_pass(lambda w, b, x, y: (w, b))
    assert "∂L/∂b3:" in capsys.readouterr().out


def test_backward_pass_exercise_turns_down_a_tape_and_a_wrong_structure(capsys):
    def with_the_library(weights, biases, x, y):
        return forward.tape_gradients(weights, biases, x, y, forward.cross_entropy)

    def with_a_tape(weights, biases, x, y):
        with tf.GradientTape() as tape:
            tape.watch(weights)
            loss = tf.reduce_sum(weights[0])
        return tape.gradient(loss, weights), biases

    renamed = forward.tape_gradients

    def under_another_name(weights, biases, x, y):
        return renamed(weights, biases, x, y, forward.cross_entropy)

    for function, called in ((with_the_library, "course_lib.forward.tape_gradients"),
                             (with_a_tape, "tensorflow.GradientTape"),
                             (under_another_name, "course_lib.forward.tape_gradients")):
        assert not exercises.check_backward_pass(function)
        assert f"your answer calls {called}" in capsys.readouterr().out
    assert forward.tape_gradients is renamed  # put back after the check
    assert not exercises.check_backward_pass(lambda w, b, x, y: w + b)
    assert "return two lists" in capsys.readouterr().out


@pytest.mark.parametrize("output_gradient, symptom", [
    (lambda out, y: -y / tf.nn.softmax(out) / out.shape[0], "∂L/∂p"),
    (lambda out, y: -y * (1 - tf.nn.softmax(out)) / out.shape[0], "only the diagonal"),
    (lambda out, y: (y - tf.nn.softmax(out)) / out.shape[0], "wrong sign"),
    (lambda out, y: (out - y) / out.shape[0], "through the softmax"),
])
def test_backward_pass_hints_name_the_step_not_the_answer(output_gradient, symptom, capsys):
    # the check forbids its own reference, so the slip is computed from a copy of the function
    copy = types.FunctionType(exercises._slipped_backward.__code__, exercises._slipped_backward.__globals__)
    copy.__kwdefaults__ = exercises._slipped_backward.__kwdefaults__

    def slipped(weights, biases, x, y):
        return copy(weights, biases, x, y, output_gradient=output_gradient)

    assert not exercises.check_backward_pass(slipped)
    out = capsys.readouterr().out
    assert symptom in out and "softmax(out) − y" not in out and "(softmax" not in out


def test_backward_pass_hints_come_one_at_a_time(capsys):
    for n in (1, 2, 3):
        exercises.hint(n)
    printed = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in printed] == ["Hint 1 of 3", "Hint 2 of 3", "Hint 3 of 3"]
    assert "the quantity to differentiate" in printed[0].lower() and "chain rule" in printed[1]
    assert all("softmax(out) − y" not in line and "(p − y)" not in line for line in printed)
    for wrong in (0, 4, 1.5, True):
        with pytest.raises(ValueError, match="n must be"):
            exercises.hint(wrong)
    assert not exercises.check_backward_pass(...)
    assert "exercises.hint(1)" in capsys.readouterr().out


def test_backward_pass_check_draws_fresh_inputs_at_every_call():
    seen = []

    def recording(weights, biases, x, y):
        seen.append(float(np.asarray(x)[0, 0]))
        return [np.zeros_like(w) for w in weights], [np.zeros_like(b) for b in biases]

    exercises.check_backward_pass(recording)
    exercises.check_backward_pass(recording)
    assert len(seen) == 2 and seen[0] != seen[1]


def test_the_course_functions_handed_in_directly_are_refused(capsys):
    import functools

    assert not exercises.check_forward_pass(functools.partial(forward.forward_pass))
    assert "that is course_lib.forward.forward_pass" in capsys.readouterr().out
    assert not exercises.check_backward_pass(functools.partial(forward.tape_gradients, loss_fn=forward.cross_entropy))
    assert "that is course_lib.forward.tape_gradients" in capsys.readouterr().out


def test_bad_shapes_are_named_instead_of_broadcast():
    """forward_pass checked the weights' shapes, not the biases'; summed_squared_error broadcast (4, 1) against
    (4, 10) to a number, where losses.mse refuses the same pair."""
    import numpy as np

    weights = [np.ones((3, 4), np.float32), np.ones((4, 2), np.float32)]
    with pytest.raises(ValueError, match=r"the biases b1 have shape \(3,\); layer 1 has 4 units"):
        forward.forward_pass(weights, [np.zeros(3, np.float32), np.zeros(2, np.float32)], np.ones((5, 3), np.float32))
    with pytest.raises(ValueError, match=r"y_true and y_pred must have the same shape .* \(4, 1\) and \(4, 10\)"):
        forward.summed_squared_error(np.ones((4, 1), np.float32), np.ones((4, 10), np.float32))
