"""Lazy answers to chapter 01's exercises: numbers and rows from the page, constants, a derivative not by the tape."""

import numpy as np
import tensorflow as tf

from course_lib import forward
from course_lib.exercises import tensors as exercises


def _by_compute_gradient(f, x):
    """TensorFlow's Jacobian checker does the tape's work."""
    theoretical, _ = tf.test.compute_gradient(f, [x])
    return tf.reshape(tf.constant(theoretical[0], tf.float32), x.shape)


def _by_tape_gradients(f, x):
    """The course's own helper of chapter 02 (it differentiates a network's loss, not any f)."""
    return forward.tape_gradients([tf.Variable(x)], [], None, None, loss_fn=lambda *args: f(x))


def _finite_differences(f, x):
    """A slope from two values of f, not the tape: close, but not the derivative."""
    step = 1e-2
    return (f(x + step) - f(x - step)) / (2 * step)


def _the_first_case_by_hand(f, x):
    """3x², the derivative of the first function only."""
    return 3 * x ** 2


LAZY = {
    "check_broadcast_shape": [
        ("the first shape of the prompt, (2, 1, 3)", lambda: exercises.check_broadcast_shape((2, 1, 3))),
        ("the shapes lined up on the left", lambda: exercises.check_broadcast_shape((4, 1, 3))),
    ],
    "check_gradient": [
        ("a plain number typed by hand", lambda: exercises.check_gradient(-0.3588)),
        ("tf.constant of the old exercise's answer, 8", lambda: exercises.check_gradient(tf.constant(8.0))),
        ("tf.constant of the chapter's printed dy/dx = 4", lambda: exercises.check_gradient(tf.constant(4.0))),
        ("mystery(3) itself instead of its slope",
         lambda: exercises.check_gradient(exercises.mystery(tf.constant(3.0)))),
    ],
    "check_batch_sizes": [
        ("the count of batches, 10", lambda: exercises.check_batch_sizes(10)),
        ("batch then repeat, as the chapter's pipeline",
         lambda: exercises.check_batch_sizes([32, 32, 32, 32, 22] * 2)),
        ("the chapter's printed sizes of its own pipeline",
         lambda: exercises.check_batch_sizes([128] * 7 + [104] + [128] * 7 + [104])),
        ("tf.constant of 32 for every batch", lambda: exercises.check_batch_sizes(tf.constant([32] * 10))),
    ],
    "check_derivative": [
        ("tf.test.compute_gradient does the work", lambda: exercises.check_derivative(_by_compute_gradient)),
        ("the course's forward.tape_gradients", lambda: exercises.check_derivative(_by_tape_gradients)),
        ("finite differences instead of the tape", lambda: exercises.check_derivative(_finite_differences)),
        ("a hand derivative of one function", lambda: exercises.check_derivative(_the_first_case_by_hand)),
        ("a constant 0 whatever f and x", lambda: exercises.check_derivative(lambda f, x: np.zeros(1))),
    ],
}

_JACOBIAN = exercises._vector_mystery_jacobian(np.array(exercises.JACOBIAN_POINT))

LAZY["check_jacobian"] = [
    ("tape.gradient of the two outputs, their sum's gradient",
     lambda: exercises.check_jacobian(tf.constant(_JACOBIAN.sum(axis=0)))),
    ("the transposed Jacobian", lambda: exercises.check_jacobian(tf.constant(_JACOBIAN.T))),
    ("a NumPy array worked out by hand", lambda: exercises.check_jacobian(_JACOBIAN)),
    ("the outputs themselves", lambda: exercises.check_jacobian(
        exercises.vector_mystery(tf.constant(exercises.JACOBIAN_POINT)))),
    ("zeros of the right shape", lambda: exercises.check_jacobian(tf.zeros([2, 3]))),
]
