"""Chapter 01 exercises: a broadcast shape, a gradient by GradientTape, tf.data batches, a derivative function."""

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


#: Exercise 2's point: the derivative of :func:`mystery` is asked at x = 3.
MYSTERY_POINT = 3.0


def mystery(x):
    """A function of TensorFlow operations whose formula chapter 01 does not show: exercise 2 differentiates it.

    sin(x)·e^(−x/5) + ln(1 + x²)/3: the tape needs the operations, not the formula.
    """
    x = tf.convert_to_tensor(x)
    return tf.sin(x) * tf.exp(-0.2 * x) + tf.math.log1p(x ** 2) / 3.0


def _mystery_slope(x):
    """The derivative of :func:`mystery`, worked out by hand (float64), to check the tape's answer."""
    return np.exp(-0.2 * x) * (np.cos(x) - 0.2 * np.sin(x)) + 2.0 * x / (3.0 * (1.0 + x ** 2))


def check_gradient(answer):
    """d mystery/dx at x = 3, as the tensor ``tf.GradientTape`` returns.

    The function's formula is not on the chapter's page, so the number comes from the tape;
    a plain Python or NumPy number is refused all the same: the exercise is about asking the tape.
    """
    name = "d mystery(x)/dx at x = 3"
    hint = ("make x a tf.Variable(3.0), compute y = exercises.mystery(x) under `with tf.GradientTape() as tape:`, "
            "then ask the tape.")
    if checks.is_not_attempted(answer):
        return checks.not_attempted(name, hint)
    if answer is not None and checks.kind_problem(answer) is None and not tf.is_tensor(answer):
        return checks.fail(name, "that is a plain number; the exercise is to let GradientTape compute it. "
                                 "Give what tape.gradient(y, x) returns, a tensor.")
    return checks.check_answer(
        name, answer, _mystery_slope(MYSTERY_POINT), hint=hint,
        mistakes={"that is mystery(3) itself, y; ask the tape for tape.gradient(y, x).":
                  float(mystery(tf.constant(MYSTERY_POINT, tf.float64))),
                  "that is the derivative of y = x² + 2x, the old exercise's function: differentiate "
                  "exercises.mystery.": 8.0})


#: Exercise 3: the iris data's 150 rows, repeated twice, then cut into batches of 32.
BATCH_ROWS, BATCH_SIZE, BATCH_REPEATS = 150, 32, 2


def check_batch_sizes(answer):
    """The size of every batch of ``from_tensor_slices`` (150 rows) ``.repeat(2).batch(32)``, as a list."""
    total = BATCH_ROWS * BATCH_REPEATS
    expected = [BATCH_SIZE] * (total // BATCH_SIZE) + ([total % BATCH_SIZE] if total % BATCH_SIZE else [])
    per_epoch = [BATCH_SIZE] * (BATCH_ROWS // BATCH_SIZE) + [BATCH_ROWS % BATCH_SIZE]
    name = "batch sizes of 150 rows, repeat(2), then batch(32)"
    shorter = {"that is one pass over the rows; repeat(2) goes through them twice.": per_epoch,
               "the last, smaller batch counts too.": [BATCH_SIZE] * (total // BATCH_SIZE)}
    values = checks.as_array(answer)
    for problem, wrong in shorter.items():  # slips of another length than the answer, which diagnose cannot compare
        if values is not None and values.shape == (len(wrong),) and np.array_equal(values, wrong):
            return checks.fail(name, f"{answer}: {problem}")
    return checks.check_answer(
        name, answer, expected,
        hint="list the size of each batch in order, e.g. [int(x.shape[0]) for x, _ in dataset]; "
             "think about which comes first, repeat or batch.",
        mistakes={"that is batch(32) then repeat(2): each epoch ends with a short batch. Here repeat comes "
                  "first, so the two epochs run on as one stream of 300 rows.": per_epoch * BATCH_REPEATS})


#: Exercise 4's test functions: f, the point x (a constant tensor, not a Variable) and f'(x) by hand.
#: The last one ignores x, so its derivative is 0 and a plain ``tape.gradient`` gives None.
DERIVATIVE_CASES = (
    (lambda x: x ** 3, 1.5, lambda x: 3 * x ** 2),
    (lambda x: tf.sin(x) * x, 0.7, lambda x: np.cos(x) * x + np.sin(x)),
    (lambda x: tf.reduce_sum(tf.exp(-x) * x), [0.5, 1.0, 2.0], lambda x: (1 - x) * np.exp(-x)),
    (lambda x: tf.constant(4.0), [1.0, 2.0], lambda x: np.zeros_like(x)),
)

#: What would do exercise 4's work for you: TensorFlow's Jacobian checker and the course's tape helper.
DERIVATIVE_FORBIDDEN = ("tensorflow.test.compute_gradient", "course_lib.forward.tape_gradients")

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
        "derivative(f, x)", derivative, cases, forbidden=DERIVATIVE_FORBIDDEN,
        hint="x is a constant: call tape.watch(x) inside `with tf.GradientTape() as tape:`, compute y = f(x) "
             "there, then return tape.gradient(y, x).")


#: Exercise 5's point: the Jacobian of :func:`vector_mystery` is asked at x = (0.5, −1, 2).
JACOBIAN_POINT = (0.5, -1.0, 2.0)


def vector_mystery(x):
    """A function from 3 numbers to 2 whose formula chapter 01 does not show: exercise 5 asks for its Jacobian.

    (x0·x1 + sin x2, e^(x0/2)·x2² − x1): the tape needs the operations, not the formula.
    """
    x = tf.convert_to_tensor(x)
    return tf.stack([x[0] * x[1] + tf.sin(x[2]), tf.exp(0.5 * x[0]) * x[2] ** 2 - x[1]])


def _vector_mystery_jacobian(x):
    """The Jacobian of :func:`vector_mystery` worked out by hand (float64): one row per output, one column per input."""
    x0, x1, x2 = x
    grown = np.exp(0.5 * x0)
    return np.array([[x1, x0, np.cos(x2)], [0.5 * grown * x2 ** 2, -1.0, 2.0 * grown * x2]])


def check_jacobian(answer):
    """The Jacobian of :func:`vector_mystery` at :data:`JACOBIAN_POINT`, as the tensor ``tape.jacobian`` returns.

    A plain number or array is refused (the exercise is asking the tape); what ``tape.gradient``
    gives for the two outputs (their sum's gradient) and the transposed matrix get hints.
    """
    name = "Jacobian of vector_mystery at (0.5, -1, 2)"
    hint = "watch x, compute y = exercises.vector_mystery(x) under the tape, then ask it for every output's gradient."
    if checks.is_not_attempted(answer):
        return checks.not_attempted(name, hint)
    if answer is not None and checks.kind_problem(answer) is None and not tf.is_tensor(answer):
        return checks.fail(name, "that is not a tensor; the exercise is to let GradientTape compute it. "
                                 "Give what the tape returns.")
    expected = _vector_mystery_jacobian(np.array(JACOBIAN_POINT))
    given = checks.as_array(answer)
    if given is not None and given.shape == (3,) and np.allclose(given, expected.sum(axis=0), rtol=1e-4):
        return checks.fail(name, "that is what tape.gradient gives for a target of 2 numbers: one number per input, "
                                 "the gradient of their sum. The Jacobian keeps the outputs apart.")
    if given is not None and given.shape == expected.T.shape and np.allclose(given, expected.T, rtol=1e-4):
        return checks.fail(name, "one row per output and one column per input: your matrix is transposed.")
    return checks.check_answer(name, answer, expected, hint=hint, rtol=1e-5, atol=1e-6)
