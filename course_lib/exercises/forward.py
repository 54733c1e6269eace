"""Chapter 02 exercises: count parameters, batches, and write the forward pass yourself."""

import math

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
