"""Chapter 01 exercises: a broadcast shape, a gradient by GradientTape, batches of a tf.data pipeline, and a derivative function."""

import math

import numpy as np
import tensorflow as tf

from course_lib import checks, tensors


def check_broadcast_shape(answer):
    """The shape of ``tf.zeros([2, 1, 3]) + tf.zeros([4, 1])``, written as a tuple."""
    return checks.check_answer(
        "shape of (2, 1, 3) + (4, 1)", answer, tensors.explain_broadcast((2, 1, 3), (4, 1))["result"],
        hint="line the shapes up on the right, pad the shorter with 1s, then stretch every 1.",
        mistakes={"you lined the shapes up on the left; broadcasting aligns the last axes.": (4, 1, 3),
                  "a 1 is stretched to the other size, not kept: look at axis 1 again.": (2, 1, 3)})


def check_gradient(answer):
    """dy/dx of y = x² + 2x at x = 3, as the tensor ``tf.GradientTape`` returns.

    The derivative is easy by hand, so a plain number is not accepted: the exercise is
    about asking the tape.
    """
    name = "dy/dx of y = x² + 2x at x = 3"
    hint = "make x a tf.Variable, compute y under `with tf.GradientTape() as tape:`, then ask the tape."
    if checks.is_not_attempted(answer):
        return checks.not_attempted(name, hint)
    if answer is not None and checks.kind_problem(answer) is None and not tf.is_tensor(answer):
        return checks.fail(name, "that is a plain number; the exercise is to let GradientTape compute it. "
                                 "Give what tape.gradient(y, x) returns, a tensor.")
    return checks.check_answer(
        name, answer, 2 * 3.0 + 2, hint=hint,
        mistakes={"that is y itself, 3² + 2·3; ask the tape for tape.gradient(y, x).": 15.0,
                  "that is the gradient of x² only; the 2x term adds 2.": 6.0})


def check_batch_count(answer):
    """How many batches ``from_tensor_slices`` of 150 rows, ``.batch(32).repeat(2)`` yields."""
    return checks.check_answer(
        "batches of 150 rows, batch(32), repeat(2)", answer, 2 * math.ceil(150 / 32),
        hint="count the batches of one pass over the 150 rows (is the last one full?), then think "
             "about what repeat(2) does; or iterate over the dataset and count.",
        mistakes={"the last, smaller batch of 22 rows counts too: round up.": 2 * (150 // 32),
                  "that is one pass; repeat(2) goes through the data twice.": math.ceil(150 / 32)})


#: Exercise 4's test functions: f, the point x (a constant tensor, not a Variable) and f'(x) by hand.
#: The last one ignores x, so its derivative is 0 and a plain ``tape.gradient`` gives None.
DERIVATIVE_CASES = (
    (lambda x: x ** 3, 1.5, lambda x: 3 * x ** 2),
    (lambda x: tf.sin(x) * x, 0.7, lambda x: np.cos(x) * x + np.sin(x)),
    (lambda x: tf.reduce_sum(tf.exp(-x) * x), [0.5, 1.0, 2.0], lambda x: (1 - x) * np.exp(-x)),
    (lambda x: tf.constant(4.0), [1.0, 2.0], lambda x: np.zeros_like(x)),
)

UNCONNECTED_HINT = ("this f does not use x, so the tape finds no path from f(x) to x and returns None. "
                    "The derivative of a constant is 0: ask for it with "
                    "tape.gradient(y, x, unconnected_gradients=tf.UnconnectedGradients.ZERO).")


def _judge_derivative(result, f, x, expected):
    if result is None and not np.any(expected):
        return UNCONNECTED_HINT
    return checks.diagnose(result, expected, rtol=1e-4, atol=1e-6,
                           mistakes={"that is f(x) itself; return what tape.gradient(y, x) gives.": f(x).numpy()})


def check_derivative(derivative):
    """Your ``derivative(f, x)``: f'(x) by ``GradientTape`` for any f of TensorFlow ops, x a constant tensor.

    The check calls it on its own functions and points (:data:`DERIVATIVE_CASES`), one of
    which ignores x, and compares with the derivatives worked out by hand.
    """
    cases = []
    for f, point, by_hand in DERIVATIVE_CASES:
        x = tf.constant(point, tf.float32)
        expected = by_hand(np.asarray(point, np.float64))
        cases.append(((f, x), lambda result, f=f, x=x, expected=expected: _judge_derivative(result, f, x, expected)))
    return checks.check_function(
        "derivative(f, x)", derivative, cases,
        hint="x is a constant: call tape.watch(x) inside `with tf.GradientTape() as tape:`, compute y = f(x) "
             "there, then return tape.gradient(y, x).")
