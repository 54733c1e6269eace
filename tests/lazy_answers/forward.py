"""Lazy answers to chapter 02's exercises: numbers from the page, the course's own forward pass and gradients."""

import functools

import numpy as np
import tensorflow as tf

from course_lib import forward
from course_lib.exercises import forward as exercises


def _mse_backward(weights, biases, x, y):
    """The chapter's worked example, backward_mse, handed in for cross entropy (a copy of its lines)."""
    w1, w2, w3 = weights
    b1, b2, b3 = biases
    z1 = x @ w1 + b1
    h1 = tf.nn.relu(z1)
    z2 = h1 @ w2 + b2
    h2 = tf.nn.relu(z2)
    out = h2 @ w3 + b3
    delta3 = 2 * (out - y) / (out.shape[0] * out.shape[1])
    delta2 = (delta3 @ tf.transpose(w3)) * tf.cast(z2 > 0, tf.float32)
    delta1 = (delta2 @ tf.transpose(w2)) * tf.cast(z1 > 0, tf.float32)
    return ([tf.transpose(x) @ delta1, tf.transpose(h1) @ delta2, tf.transpose(h2) @ delta3],
            [tf.reduce_sum(delta, axis=0) for delta in (delta1, delta2, delta3)])


def _with_the_course_tape(weights, biases, x, y):
    return forward.tape_gradients(weights, biases, x, y, forward.cross_entropy)


def _with_a_tape(weights, biases, x, y):
    weights = [tf.convert_to_tensor(w) for w in weights]
    biases = [tf.convert_to_tensor(b) for b in biases]
    with tf.GradientTape() as tape:
        tape.watch(weights + biases)
        loss = forward.cross_entropy(y, forward.forward_pass(weights, biases, x))
    gradients = tape.gradient(loss, weights + biases)
    return gradients[:3], gradients[3:]


_renamed = forward.tape_gradients


def _under_another_name(weights, biases, x, y):
    return _renamed(weights, biases, x, y, forward.cross_entropy)


def _with_the_course_forward(weights, biases, x):
    return forward.forward_pass(weights, biases, x)


def _chapter_input_only(weights, biases, x):
    """The right scores for the network the chapter shows, zeros for any other."""
    small, _ = exercises.small_network()
    if len(weights[0]) == len(small[0]) and np.allclose(weights[0], small[0]):
        w1, w2, w3 = weights
        b1, b2, b3 = biases
        return tf.nn.relu(tf.nn.relu(x @ w1 + b1) @ w2 + b2) @ w3 + b3
    return tf.zeros([len(x), weights[-1].shape[1]])


LAZY = {
    "check_parameter_count": [
        ("the chapter's network, 235146, from the summary", lambda: exercises.check_parameter_count(235146)),
        ("the first layer of the chapter's network", lambda: exercises.check_parameter_count(200960)),
        ("weights only", lambda: exercises.check_parameter_count(784 * 512 + 512 * 256 + 256 * 10)),
        ("rounded", lambda: exercises.check_parameter_count(536000)),
        ("tf.constant of the chapter's total", lambda: exercises.check_parameter_count(tf.constant(235146))),
    ],
    "check_steps_per_epoch": [
        ("391, the chapter's printed step count (batches of 128)", lambda: exercises.check_steps_per_epoch(391)),
        ("469, all 60000 images in batches of 128", lambda: exercises.check_steps_per_epoch(469)),
        ("196, the chapter's 50000 images in batches of 256", lambda: exercises.check_steps_per_epoch(196)),
        ("60000 / 256 not rounded", lambda: exercises.check_steps_per_epoch(60000 / 256)),
        ("the batch size itself", lambda: exercises.check_steps_per_epoch(256)),
    ],
    "check_forward_pass": [
        ("the course's forward_pass handed in", lambda: exercises.check_forward_pass(forward.forward_pass)),
        ("the course's forward_pass called", lambda: exercises.check_forward_pass(_with_the_course_forward)),
        ("the course's forward_pass through functools.partial",
         lambda: exercises.check_forward_pass(functools.partial(forward.forward_pass))),
        ("a value instead of a function",
         lambda: exercises.check_forward_pass(np.zeros((5, 10), np.float32))),
        ("right only for the chapter's network", lambda: exercises.check_forward_pass(_chapter_input_only)),
    ],
    "check_backward_pass": [
        ("the course's tape_gradients", lambda: exercises.check_backward_pass(_with_the_course_tape)),
        ("tape_gradients under another name", lambda: exercises.check_backward_pass(_under_another_name)),
        ("tape_gradients through functools.partial", lambda: exercises.check_backward_pass(
            functools.partial(forward.tape_gradients, loss_fn=forward.cross_entropy))),
        ("a GradientTape of its own", lambda: exercises.check_backward_pass(_with_a_tape)),
        ("the chapter's backward_mse, unchanged", lambda: exercises.check_backward_pass(_mse_backward)),
        ("the exercises module's own reference", lambda: exercises.check_backward_pass(
            lambda w, b, x, y: exercises._slipped_backward(w, b, x, y,
                                                           output_gradient=exercises._cross_entropy_output_gradient))),
    ],
}

_CHAPTER_BYTES = exercises.tape_bytes_per_image(forward.LAYER_SIZES)

LAZY["check_tape_bytes_per_image"] = [
    ("the chapter's printed bytes per image", lambda: exercises.check_tape_bytes_per_image(_CHAPTER_BYTES)),
    ("the chapter's count of float32 numbers", lambda: exercises.check_tape_bytes_per_image(_CHAPTER_BYTES / 4)),
    ("the wider network's parameters in bytes", lambda: exercises.check_tape_bytes_per_image(
        4 * sum(forward.parameter_counts(exercises.WIDER_SIZES)))),
    ("the activations' sizes added up by hand, in bytes", lambda: exercises.check_tape_bytes_per_image(
        4 * (784 + 2 * 512 + 2 * 256 + 10))),
]
