"""Chapter 01 exercises: a broadcast shape, a gradient by GradientTape, and batches of a tf.data pipeline."""

import math

from course_lib import checks, tensors


def check_broadcast_shape(answer):
    """The shape of ``tf.zeros([2, 1, 3]) + tf.zeros([4, 1])``, written as a tuple."""
    return checks.check_answer(
        "shape of (2, 1, 3) + (4, 1)", answer, tensors.explain_broadcast((2, 1, 3), (4, 1))["result"],
        hint="line the shapes up on the right, pad the shorter with 1s, then stretch every 1.",
        mistakes={"you lined the shapes up on the left; broadcasting aligns the last axes.": (4, 1, 3),
                  "a 1 is stretched to the other size, not kept: look at axis 1 again.": (2, 1, 3)})


def check_gradient(answer):
    """dy/dx of y = x² + 2x at x = 3, computed with ``tf.GradientTape``."""
    return checks.check_answer(
        "dy/dx of y = x² + 2x at x = 3", answer, 2 * 3.0 + 2,
        hint="y = x**2 + 2*x under the tape, then tape.gradient(y, x); by hand: 2x + 2.",
        mistakes={"that is y itself, 3² + 2·3; ask the tape for tape.gradient(y, x).": 15.0,
                  "that is the gradient of x² only; the 2x term adds 2.": 6.0,
                  "got None? x must be a tf.Variable, or watched with tape.watch(x).": 0.0})


def check_batch_count(answer):
    """How many batches ``from_tensor_slices`` of 150 rows, ``.batch(32).repeat(2)`` yields."""
    return checks.check_answer(
        "batches of 150 rows, batch(32), repeat(2)", answer, 2 * math.ceil(150 / 32),
        hint="one pass gives 150 / 32 batches, rounded up (the last one is smaller); repeat(2) makes two passes.",
        mistakes={"the last, smaller batch of 22 rows counts too: round up.": 2 * (150 // 32),
                  "that is one pass; repeat(2) goes through the data twice.": math.ceil(150 / 32)})
