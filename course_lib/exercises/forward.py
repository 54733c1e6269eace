"""Chapter 02 exercises: count parameters, batches, write the forward pass and the backward pass yourself."""

import math

import numpy as np
import tensorflow as tf

from course_lib import autodiff, checks, forward, language, validate


def check_parameter_count(answer):
    """Parameters of the source's second network, 784-512-256-10 (weights and biases)."""
    sizes = (784, 512, 256, 10)
    weights_only = sum(n_in * n_out for n_in, n_out in zip(sizes[:-1], sizes[1:]))
    return checks.check_answer(
        "parameters of 784-512-256-10", answer, sum(forward.parameter_counts(sizes)),
        hint="each dense layer has inputs × units weights plus one bias per unit; add the three layers.",
        mistakes={"you forgot the biases: each unit has one.": weights_only,
                  "that is the first layer only; add the other two.": forward.dense_parameter_count(784, 512),
                  "that is the chapter's 784-256-128-10 network; this one is 784-512-256-10.":
                  sum(forward.parameter_counts())})


#: The batch size of exercise 2; the chapter's loops use 128, and print their step count.
EXERCISE_BATCH_SIZE = 256


#: The chapter trains on the 50000 training images left after its validation split; the exercise counts all 60000.
CHAPTER_TRAINING_IMAGES = 50000


def check_steps_per_epoch(answer, num_examples=60000, batch_size=EXERCISE_BATCH_SIZE):
    """How many steps (batches) one epoch over ``num_examples`` takes with ``batch_size``."""
    num_examples = validate.positive_int("num_examples", num_examples)
    batch_size = validate.positive_int("batch_size", batch_size)
    mistakes = {"the last, smaller batch is a step too: round up.": num_examples // batch_size,
                "that is the number of steps with batches of 1.": num_examples}
    if num_examples != CHAPTER_TRAINING_IMAGES:
        mistakes[f"that is an epoch over the chapter's {CHAPTER_TRAINING_IMAGES} training images (after its "
                 f"validation split); the exercise counts all {num_examples}."] = \
            math.ceil(CHAPTER_TRAINING_IMAGES / batch_size)
    if batch_size != 128:
        mistakes["that is the step count with batches of 128, as the chapter's loops use; this exercise's "
                 f"batches hold {batch_size} images."] = math.ceil(num_examples / 128)
        mistakes["that is the step count printed above: the chapter's training images in batches of 128; "
                 f"this exercise's batches hold {batch_size} images."] = math.ceil(CHAPTER_TRAINING_IMAGES / 128)
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


#: What exercise 3's forward pass may not call: the course's own forward pass and network.
FORWARD_FORBIDDEN = ("course_lib.forward.forward_pass", "course_lib.forward.MLP",
                     "course_lib.exercises.forward._forward", "keras.layers.Dense")
#: The other networks exercise 3's check runs your function on (layer sizes, then the batch size).
FORWARD_TEST_NETWORKS = ((5, 7, 3, 4, 6), (20, 9, 9, 2, 3))


def check_forward_pass(forward_fn):
    """Your ``forward_fn(weights, biases, x)``: the output scores of a 3-layer ReLU network, ReLU on the hidden layers.

    The check calls it on :func:`small_network` with a batch of images it draws and on
    networks of other sizes (:data:`FORWARD_TEST_NETWORKS`, new values at every call), so
    no output shown in the chapter passes; the course's forward pass (:data:`FORWARD_FORBIDDEN`)
    raises while it runs.
    """
    name = "forward pass"
    hint = "each hidden layer is relu(h @ w + b); the output layer has no activation."
    rng = np.random.default_rng()
    weights, biases = small_network()
    networks = [(weights, biases, rng.uniform(0.0, 1.0, (5, SMALL_SIZES[0])).astype(np.float32))]
    for sizes in FORWARD_TEST_NETWORKS:
        test_weights, test_biases, x, _ = _test_network(sizes, int(rng.integers(2 ** 31)))
        networks.append((test_weights, test_biases, x.numpy()))
    cases = []
    for network in networks:
        mistakes = {"the output layer has no ReLU: scores may be negative.": _forward(*network, relu_output=True),
                    "you forgot the biases b1, b2, b3.": _forward(*network, use_bias=False)}
        cases.append((network, lambda result, network=network, mistakes=mistakes: checks.diagnose(
            result, _forward(*network), rtol=1e-4, atol=1e-4, mistakes=mistakes)))
    handed_in = checks.handed_in(forward_fn, FORWARD_FORBIDDEN)
    if handed_in:
        return checks.fail(name, f"that is {handed_in}, the course's own forward pass; write yours with @, + and "
                                 "tf.nn.relu.")
    return checks.check_function(name, forward_fn, cases, hint=hint, forbidden=FORWARD_FORBIDDEN)


#: The networks exercise 4's check runs your backward pass on: fresh sizes and values, none shown
#: in the chapter; the one with equal hidden sizes catches a transposed square gradient.
BACKWARD_TEST_NETWORKS = ((6, 5, 4, 3, 7), (12, 8, 8, 10, 16), (784, 32, 16, 10, 5))


def _test_network(sizes, seed):
    """Weights, biases, a batch ``x`` and one-hot labels ``y`` for ``sizes``: layer sizes, then the batch size."""
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
#: The hints name the symptom and the step of the derivation to redo (:func:`hint`), never δ3 itself.
BACKWARD_SLIPS = {
    "your gradients are b times too large (b, the batch size): the loss is the mean over the batch; "
    "see exercises.hint(3).": {"output_gradient": lambda out, y: tf.nn.softmax(out) - y},
    "your δ3 uses the scores out themselves, but the loss sees them only through the softmax: "
    "see exercises.hint(2).": {"output_gradient": lambda out, y: (out - y) / _batch(out)},
    "that is the MSE's δ3, from backward_mse; this exercise's loss is cross entropy: derive its δ3 "
    "(exercises.hint(1)).": {"output_gradient": lambda out, y: 2 * (out - y) / tf.cast(tf.size(out), tf.float32)},
    "every gradient has the wrong sign: the loss is MINUS the sum of y·log p; redo the last step of your "
    "derivation.": {"output_gradient": lambda out, y: (y - tf.nn.softmax(out)) / _batch(out)},
    "that is ∂L/∂p, the derivative with respect to the probabilities; the chain rule goes on through the "
    "softmax to the scores: see exercises.hint(2).":
        {"output_gradient": lambda out, y: -y / tf.nn.softmax(out) / _batch(out)},
    "you kept only the diagonal of the softmax's derivative: each p_ik depends on EVERY score of its row, "
    "through the sum in the denominator; see exercises.hint(2).":
        {"output_gradient": lambda out, y: -y * (1 - tf.nn.softmax(out)) / _batch(out)},
    "you forgot the ReLU mask: going back through relu, multiply by (z > 0), the units that were "
    "switched off pass no gradient.": {"relu_mask": False},
    "a bias gradient is the SUM of δ over the batch (axis 0), not the mean: the 1/b is already in ∂L/∂out.":
        {"bias_reduce": tf.reduce_mean},
}

#: Exercise 4's hints, revealed one at a time by :func:`hint`: the quantity to differentiate, the chain
#: rule step through the softmax, then how to finish and check; none gives δ3 itself.
BACKWARD_HINTS = (
    "The quantity to differentiate is the loss of one image, L_i = −Σ_k y_ik · log p_ik with "
    "p_i = softmax(out_i), and L is the mean of the L_i over the b images. You need δ3 = ∂L/∂out_ij, one "
    "number per score, before anything else: the layers below take δ3 back exactly as in backward_mse.",
    "Write log p_ik = out_ik − log Σ_m exp(out_im) first. Its derivative with respect to out_ij has two "
    "parts: the first term gives 1 if k = j, else 0; for the second, differentiate the log, then the sum "
    "inside it (chain rule). Which quantity of the forward pass is exp(out_ij) / Σ_m exp(out_im)?",
    "Multiply by −y_ik and sum over k: a one-hot row adds up to 1 (Σ_k y_ik = 1). Only image i's loss "
    "depends on out_ij, and L divides the sum by b. To test your δ3 before the whole function, compare "
    "tf.reduce_sum(delta3, axis=0) on a small batch with the tape's ∂L/∂b3, "
    "forward.tape_gradients(weights, biases, x, y, forward.cross_entropy)[1][-1], in a cell of its own.",
)


def hint(n=1):
    """Print hint ``n`` (1, 2 or 3) of exercise 4, the backward pass of cross entropy: each says a little more."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 1 <= n <= len(BACKWARD_HINTS):
        raise ValueError(f"n must be a hint number from 1 to {len(BACKWARD_HINTS)}, got {n!r}.")
    more = f" (exercises.hint({n + 1}) says more.)" if n < len(BACKWARD_HINTS) else ""
    language.show(f"Hint {n} of {len(BACKWARD_HINTS)}: {BACKWARD_HINTS[n - 1]}{more}")


def _cross_entropy_output_gradient(out, y):
    return (tf.nn.softmax(out) - y) / _batch(out)


def _judge_backward(result, weights, biases, x, y):
    """None when ``result`` holds the six right gradients, else what is wrong with the first wrong one.

    The gradients are judged from the output back (∂L/∂b3 first), as the errors propagate.
    """
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
        return ("one row per sample: sum δ over the batch axis (tf.reduce_sum(delta, axis=0)), as b has one "
                "value per unit.")
    if kind == 0 and shape == wanted.shape and wanted.shape[0] == wanted.shape[1]:
        transposed = "transposed: ∂L/∂W = hᵀ @ δ, the layer's input transposed on the left."
        mistakes = {**mistakes, transposed: wanted.T}
    return checks.diagnose(given, wanted, rtol=1e-4, atol=1e-6, mistakes=mistakes)


#: What the backward pass may not call: the tape and the course's gradients (the exercise is the chain rule).
BACKWARD_FORBIDDEN = ("course_lib.forward.tape_gradients", "tensorflow.GradientTape", "tensorflow.gradients",
                      "tensorflow.test.compute_gradient", "tensorflow.autodiff.ForwardAccumulator",
                      "course_lib.exercises.forward._slipped_backward",
                      "course_lib.exercises.forward._cross_entropy_output_gradient")


def check_backward_pass(backward):
    """Your ``backward(weights, biases, x, y)``: the six gradients of the cross entropy of a 3-layer ReLU network.

    The check runs it on fresh networks and batches (:data:`BACKWARD_TEST_NETWORKS`' sizes,
    new random values at every call) and compares every gradient with ``GradientTape``'s,
    from ∂L/∂b3 back to ∂L/∂W1; while it runs, the tape and the course's gradient helpers
    (:data:`BACKWARD_FORBIDDEN`) raise, since the exercise is the chain rule.
    """
    name = "backward pass of cross entropy"
    not_yet = ("derive δ3 = ∂L/∂out on paper first; exercises.hint(1), then hint(2) and hint(3), reveal the "
               "derivation one step at a time. Then take δ3 back through the layers as backward_mse does.")
    cases = []
    for seed, sizes in zip(np.random.default_rng().integers(2 ** 31, size=len(BACKWARD_TEST_NETWORKS)),
                           BACKWARD_TEST_NETWORKS):
        network = _test_network(sizes, int(seed))
        cases.append((network, lambda result, network=network: _judge_backward(result, *network)))
    handed_in = checks.handed_in(backward, BACKWARD_FORBIDDEN)
    if handed_in:
        return checks.fail(name, f"that is {handed_in}, which computes the gradients for you; the exercise is the "
                                 "chain rule, written yourself.")
    return checks.check_function(name, backward, cases, hint=not_yet, forbidden=BACKWARD_FORBIDDEN)


#: Exercise 6's network: the source's wider one, whose tape the student measures.
WIDER_SIZES = (784, 512, 256, 10)


def tape_bytes_per_image(layer_sizes, batch_sizes=(1, 2)):
    """The bytes ``GradientTape`` keeps for each extra image of a batch, MSE of a network of ``layer_sizes``.

    Measured with :func:`course_lib.autodiff.kept_by_tape` at two batch sizes: what the tape
    keeps grows by this much per image, on top of what it keeps whatever the batch.
    """
    model = forward.MLP(layer_sizes, seed=0)
    rng = np.random.default_rng(0)
    totals = []
    for batch_size in batch_sizes:
        x = rng.uniform(0.0, 1.0, (batch_size, layer_sizes[0])).astype(np.float32)
        y = np.eye(layer_sizes[-1], dtype=np.float32)[rng.integers(layer_sizes[-1], size=batch_size)]
        kept = autodiff.kept_by_tape(lambda: forward.mse(y, model(x)))
        totals.append(sum(size for _, _, size in kept))
    return (totals[1] - totals[0]) / (batch_sizes[1] - batch_sizes[0])


def check_tape_bytes_per_image(answer):
    """How many bytes the tape keeps per image of a batch for the MSE of the 784-512-256-10 network."""
    expected = tape_bytes_per_image(WIDER_SIZES)
    chapter = tape_bytes_per_image(forward.LAYER_SIZES)
    return checks.check_answer(
        "bytes the tape keeps per image, 784-512-256-10", answer, expected,
        hint="measure it as the section does: autodiff.kept_by_tape at two batch sizes, on a forward.MLP of "
             "those sizes; the difference divided by the difference of the batch sizes.",
        mistakes={"that is a count of float32 numbers; the question asks for bytes.": expected / 4,
                  "that is the chapter's 784-256-128-10 network; measure the wider one.": chapter,
                  "that is a count of float32 numbers of the chapter's network; measure the wider one, in bytes.":
                      chapter / 4})
