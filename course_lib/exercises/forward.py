"""Chapter 02 exercises: count parameters, batches, write the forward pass and the backward pass yourself."""

import inspect
import math
import re

import numpy as np
import tensorflow as tf

from course_lib import checks, forward, validate


def check_parameter_count(answer):
    """Parameters of the source's second network, 784-512-256-10 (weights and biases)."""
    sizes = (784, 512, 256, 10)
    weights_only = sum(n_in * n_out for n_in, n_out in zip(sizes[:-1], sizes[1:]))
    return checks.check_answer(
        "parameters of 784-512-256-10", answer, sum(forward.parameter_counts(sizes)),
        hint="each dense layer has inputs × units weights plus one bias per unit; add the three layers.",
        mistakes={"you forgot the biases: each unit has one.": weights_only,
                  "that is the first layer only; add the other two.": forward.dense_parameter_count(784, 512)})


#: The batch size of exercise 2; the chapter's loops use 128, and print their step count.
EXERCISE_BATCH_SIZE = 256


def check_steps_per_epoch(answer, num_examples=60000, batch_size=EXERCISE_BATCH_SIZE):
    """How many steps (batches) one epoch over ``num_examples`` takes with ``batch_size``."""
    num_examples = validate.positive_int("num_examples", num_examples)
    batch_size = validate.positive_int("batch_size", batch_size)
    mistakes = {"the last, smaller batch is a step too: round up.": num_examples // batch_size,
                "that is the number of steps with batches of 1.": num_examples}
    if batch_size != 128:
        mistakes["that is the step count with batches of 128, printed above; this exercise's batches "
                 f"hold {batch_size} images."] = math.ceil(num_examples / 128)
    return checks.check_answer(
        f"steps per epoch ({num_examples} images, batch size {batch_size})", answer,
        math.ceil(num_examples / batch_size),
        hint="one step per batch; is the last batch full?",
        mistakes=mistakes)


#: Exercise 3's network, 784-32-16-10, as plain NumPy arrays: not the trained ``model``,
#: so calling the model cannot stand in for the forward pass.
SMALL_SIZES = (784, 32, 16, 10)


def small_network(seed=7):
    """The weights ``w1, w2, w3`` and biases ``b1, b2, b3`` of exercise 3, as float32 arrays."""
    rng = np.random.RandomState(seed)
    pairs = list(zip(SMALL_SIZES[:-1], SMALL_SIZES[1:]))
    weights = [rng.normal(0.0, 0.1, (n_in, n_out)).astype(np.float32) for n_in, n_out in pairs]
    biases = [rng.normal(0.0, 0.1, n_out).astype(np.float32) for _, n_out in pairs]
    return weights, biases


def _forward(weights, biases, x, *, use_bias=True, relu_output=False):
    """The forward pass with one of two classic slips switched on, for the hints."""
    h = tf.convert_to_tensor(x, tf.float32)
    last = len(weights) - 1
    for index, (w, b) in enumerate(zip(weights, biases)):
        h = h @ w + b if use_bias else h @ w
        if index < last or relu_output:
            h = tf.nn.relu(h)
    return h.numpy()


def check_forward_pass(answer, x, trained_model=None):
    """Your forward pass of :func:`small_network` on ``x``, written with ``@``, ``+`` and ``tf.nn.relu``.

    ``trained_model``, when given, lets the check recognise its output: the chapter's model
    is a different network.
    """
    weights, biases = small_network()
    mistakes = {"the output layer has no ReLU: out = h2 @ w3 + b3, scores may be negative.":
                _forward(weights, biases, x, relu_output=True),
                "you forgot the biases b1, b2, b3.": _forward(weights, biases, x, use_bias=False)}
    if trained_model is not None:
        mistakes["that is the trained model's output; compute the small network's forward pass with "
                 "the arrays of exercises.small_network()."] = trained_model(x).numpy()
    return checks.check_answer(
        "forward pass", answer, _forward(weights, biases, x), rtol=1e-4, atol=1e-4,
        hint="each hidden layer is relu(h @ w + b); the output layer has no activation.",
        mistakes=mistakes)


#: The networks exercise 4's check runs your backward pass on: fresh sizes and values, none shown
#: in the chapter; the one with equal hidden sizes catches a transposed square gradient.
BACKWARD_TEST_NETWORKS = ((6, 5, 4, 3, 7), (12, 8, 8, 10, 16), (784, 32, 16, 10, 5))


def _test_network(sizes, seed):
    """Weights, biases, a batch ``x`` and one-hot labels ``y`` for the layer ``sizes`` (the last item is the batch size)."""
    *layers, batch = sizes
    rng = np.random.RandomState(seed)
    pairs = list(zip(layers[:-1], layers[1:]))
    weights = [rng.normal(0.0, 1.5 / np.sqrt(n_in), (n_in, n_out)).astype(np.float32) for n_in, n_out in pairs]
    biases = [rng.normal(0.0, 0.5, n_out).astype(np.float32) for _, n_out in pairs]
    x = tf.constant(rng.uniform(0.0, 1.0, (batch, layers[0])).astype(np.float32))
    y = tf.constant(np.eye(layers[-1], dtype=np.float32)[rng.randint(layers[-1], size=batch)])
    return weights, biases, x, y


def _slipped_backward(weights, biases, x, y, *, output_gradient, relu_mask=True, bias_reduce=tf.reduce_sum):
    """The backward pass of cross entropy with one slip switched on, for the hints."""
    inputs, pre_activations, h = [], [], x
    for index, (w, b) in enumerate(zip(weights, biases)):
        inputs.append(h)
        pre_activations.append(h @ w + b)
        h = tf.nn.relu(pre_activations[-1]) if index < len(weights) - 1 else pre_activations[-1]
    delta = output_gradient(h, y)
    weight_gradients, bias_gradients = [None] * len(weights), [None] * len(weights)
    for index in reversed(range(len(weights))):
        weight_gradients[index] = tf.transpose(inputs[index]) @ delta
        bias_gradients[index] = bias_reduce(delta, axis=0)
        if index > 0:
            delta = delta @ tf.transpose(weights[index])
            if relu_mask:
                delta = delta * tf.cast(pre_activations[index - 1] > 0, tf.float32)
    return weight_gradients, bias_gradients


def _batch(out):
    return tf.cast(tf.shape(out)[0], tf.float32)


#: Known slips of the backward pass, by the hint they get, as the output gradient or the options they change.
BACKWARD_SLIPS = {
    "you forgot to divide by the batch size b: the loss is the mean over the batch, so ∂L/∂out = "
    "(softmax(out) − y) / b.": {"output_gradient": lambda out, y: tf.nn.softmax(out) - y},
    "∂L/∂out of cross entropy is (softmax(out) − y) / b: apply the softmax to the scores first.":
        {"output_gradient": lambda out, y: (out - y) / _batch(out)},
    "that is the MSE's ∂L/∂out, 2(out − y)/(b·10); this exercise's loss is cross entropy: "
    "(softmax(out) − y) / b.": {"output_gradient": lambda out, y: 2 * (out - y) / tf.cast(tf.size(out), tf.float32)},
    "the sign is reversed: ∂L/∂out = (softmax(out) − y) / b, not y − softmax(out).":
        {"output_gradient": lambda out, y: (y - tf.nn.softmax(out)) / _batch(out)},
    "you forgot the ReLU mask: going back through relu, multiply by (z > 0), the units that were "
    "switched off pass no gradient.": {"relu_mask": False},
    "a bias gradient is the SUM of δ over the batch (axis 0), not the mean: the 1/b is already in ∂L/∂out.":
        {"bias_reduce": tf.reduce_mean},
}


def _cross_entropy_output_gradient(out, y):
    return (tf.nn.softmax(out) - y) / _batch(out)


def _judge_backward(result, weights, biases, x, y):
    """None when ``result`` holds the six right gradients, else what is wrong with the first wrong one, from the output back."""
    expected = forward.tape_gradients(weights, biases, x, y, forward.cross_entropy)
    if not (isinstance(result, (list, tuple)) and len(result) == 2
            and all(isinstance(part, (list, tuple)) and len(part) == len(weights) for part in result)):
        return (f"return two lists, the weight gradients and the bias gradients, each with {len(weights)} "
                "tensors: `return [d_w1, d_w2, d_w3], [d_b1, d_b2, d_b3]`.")
    slips = {hint: _slipped_backward(weights, biases, x, y, **{"output_gradient": _cross_entropy_output_gradient,
                                                               **options})
             for hint, options in BACKWARD_SLIPS.items()}
    right = []
    for index in reversed(range(len(weights))):
        for kind, symbol in ((1, "b"), (0, "W")):
            name = f"∂L/∂{symbol}{index + 1}"
            given, wanted = result[kind][index], expected[kind][index].numpy()
            problem = _gradient_problem(given, wanted, kind, {hint: slip[kind][index] for hint, slip in slips.items()})
            if problem is not None:
                already = f"{', '.join(right)} right; " if right else ""
                return f"{already}{name}: {problem}"
            right.append(name)
    return None


def _gradient_problem(given, wanted, kind, mistakes):
    """What is wrong with one gradient: its shape (transposed, not summed over the batch), a slip, or its values."""
    shape = np.shape(given) if checks.kind_problem(given) is None else None
    if kind == 0 and shape == wanted.T.shape and shape != wanted.shape:
        return (f"shape {shape} is the transpose of W's shape {wanted.shape}: ∂L/∂W = hᵀ @ δ "
                "(the layer's input, transposed, times δ), which has W's shape.")
    if kind == 1 and shape is not None and len(shape) == 2 and shape[1:] == wanted.shape:
        return "one row per sample: sum δ over the batch axis (tf.reduce_sum(delta, axis=0)), as b has one value per unit."
    if kind == 0 and shape == wanted.shape and wanted.shape[0] == wanted.shape[1]:
        mistakes = {**mistakes, "transposed: ∂L/∂W = hᵀ @ δ, the layer's input transposed on the left.": wanted.T}
    return checks.diagnose(given, wanted, rtol=1e-4, atol=1e-6, mistakes=mistakes)


def check_backward_pass(backward):
    """Your ``backward(weights, biases, x, y)``: the six gradients of the cross entropy of a 3-layer ReLU network.

    The check runs it on fresh networks and batches (:data:`BACKWARD_TEST_NETWORKS`) and
    compares every gradient with ``GradientTape``'s, from ∂L/∂b3 back to ∂L/∂W1; a
    function that asks a tape itself is turned down, since the exercise is the chain rule.
    """
    name = "backward pass of cross entropy"
    hint = ("start at the output: δ3 = ∂L/∂out = (softmax(out) − y) / b; then ∂L/∂W3 = h2ᵀ @ δ3, "
            "∂L/∂b3 = the sum of δ3 over the batch, and δ2 = (δ3 @ W3ᵀ) · (z2 > 0), and so on.")
    if callable(backward) and re.search(r"GradientTape|tape_gradients|\.gradient\(", _source(backward)):
        return checks.fail(name, "your function asks a tape for the gradients; write the chain rule yourself, "
                                 "with @, tf.transpose, tf.nn.softmax, tf.reduce_sum and the ReLU mask.")
    cases = []
    for seed, sizes in enumerate(BACKWARD_TEST_NETWORKS, start=101):
        network = _test_network(sizes, seed)
        cases.append((network, lambda result, network=network: _judge_backward(result, *network)))
    return checks.check_function(name, backward, cases, hint=hint)


def _source(function):
    try:
        return inspect.getsource(function)
    except (OSError, TypeError):
        return ""
