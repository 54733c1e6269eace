"""Chapter 02 exercises: count parameters, batches, and write the forward pass yourself."""

import math

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


def check_steps_per_epoch(answer, num_examples=60000, batch_size=128):
    """How many steps (batches) one epoch over ``num_examples`` takes with ``batch_size``."""
    num_examples = validate.positive_int("num_examples", num_examples)
    batch_size = validate.positive_int("batch_size", batch_size)
    return checks.check_answer(
        f"steps per epoch ({num_examples} images, batch size {batch_size})", answer,
        math.ceil(num_examples / batch_size),
        hint="one step per batch; the last batch may be smaller than the others.",
        mistakes={"the last, smaller batch is a step too: round up.": num_examples // batch_size,
                  "that is the number of steps with batches of 1.": num_examples})


def _forward(model, x, *, use_bias=True, relu_output=False):
    """The forward pass with one of two classic slips switched on, for the hints."""
    h = tf.convert_to_tensor(x, tf.float32)
    last = len(model.weights) - 1
    for index, (w, b) in enumerate(zip(model.weights, model.biases)):
        h = h @ w + b if use_bias else h @ w
        if index < last or relu_output:
            h = tf.nn.relu(h)
    return h.numpy()


def check_forward_pass(answer, model, x):
    """Your forward pass of ``model`` on ``x`` written with ``@``, ``+`` and ``tf.nn.relu``."""
    return checks.check_answer(
        "forward pass", answer, _forward(model, x), rtol=1e-4, atol=1e-4,
        hint="h1 = relu(x @ w1 + b1), h2 = relu(h1 @ w2 + b2), out = h2 @ w3 + b3 "
             "(model.weights and model.biases hold w1..w3 and b1..b3).",
        mistakes={"the output layer has no ReLU: out = h2 @ w3 + b3, scores may be negative.":
                  _forward(model, x, relu_output=True),
                  "you forgot the biases b1, b2, b3.": _forward(model, x, use_bias=False)})
