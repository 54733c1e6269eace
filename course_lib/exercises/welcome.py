"""Chapter 00 exercises: warming up with the checks, and a first function of your own (a gradient step)."""

import numpy as np
import tensorflow as tf

from course_lib import checks, language, losses, validate
from course_lib.welcome import POINTS_X, POINTS_Y, line_fit


def check_pixel_count(answer):
    """How many numbers does one 28×28 MNIST image hold once flattened into a row?"""
    return checks.check_answer(
        "pixels in one MNIST image", answer, 28 * 28,
        hint="an image has 28 rows of 28 pixels; Flatten lays them out in one row.",
        mistakes={"that is one side of the image; count every row.": 28,
                  "that is the whole training set's image count, not one image's pixels.": 60000})


BEST_LINE_MSE = 0.25


def _line_mse(w, b):
    """The demo line's MSE, inf where it overflows (line_fit refuses such values with a ValueError)."""
    try:
        return line_fit(w, b)["mse"]
    except ValueError:
        return np.inf


def _why_the_line_misses(w, b):
    """Which usual slip would have passed: swapped values, a wrong sign, a slope off by a factor."""
    variants = [
        ((b, w), "you swapped them: w is the slope (how much y grows per unit of x), b the intercept."),
        ((-w, b), "the slope has the wrong sign: the points go up from left to right."),
        ((w, -b), "the intercept has the wrong sign: at x = 0 the points sit above 0."),
        ((2 * w, b), "the slope is about half what it should be: the line is too flat."),
        ((w / 2, b), "the slope is about twice what it should be: the line is too steep."),
    ]
    for (other_w, other_b), reason in variants:
        if _line_mse(other_w, other_b) <= BEST_LINE_MSE:
            return reason
    return "move the sliders until the line runs through the middle of the points, then copy both values."


def check_best_line(w, b):
    """Slopes and intercepts that bring the demo line's MSE to at most 0.25; a miss says why."""
    name = "best line"
    refused = checks.refuse_numbers(name, "move the sliders above and copy the values that make "
                                          "the MSE smallest.", w=w, b=b)
    if refused is not None:
        return refused
    w, b = float(checks.as_array(w)), float(checks.as_array(b))
    line = f"y = {w:g}·x {'−' if b < 0 else '+'} {abs(b):g}"
    mse = _line_mse(w, b)
    if not np.isfinite(mse):
        return checks.fail(name, f"{line} is so steep or so high that its squared error overflows; the sliders "
                                 "above span w from −1 to 4 and b from −3 to 3.")
    passed = checks.milestone(f"MSE of {line}", mse, at_most=BEST_LINE_MSE, digits=2)
    if not passed:
        language.show(f"  Why: {_why_the_line_misses(w, b)}")
    return passed


def _step(w, b, x, y, learning_rate, *, factor=2.0, mean=True, sign=-1.0, slope_times_x=True, swapped=False):
    """One gradient-descent step on the MSE of the line, with one of the usual slips switched on."""
    error = w * x + b - y
    reduce = np.mean if mean else np.sum
    d_w = factor * reduce(error * x if slope_times_x else error)
    d_b = factor * reduce(error)
    if swapped:
        d_w, d_b = d_b, d_w
    return np.array([w + sign * learning_rate * d_w, b + sign * learning_rate * d_b])


#: Known slips of the gradient step, by the hint they get, as the options of :func:`_step` they switch on.
STEP_SLIPS = {
    "you stepped uphill: subtract learning_rate × gradient, w − η·∂MSE/∂w.": {"sign": 1.0},
    "the derivative of the square brings a factor 2: ∂MSE/∂w = (2/n) Σ (ŷ − y)·x.": {"factor": 1.0},
    "the MSE is a mean: divide the sum by n (or use np.mean), as the loss does.": {"mean": False},
    "∂MSE/∂w has a factor x inside the sum: ŷ = w·x + b, so ∂ŷ/∂w = x.": {"slope_times_x": False},
    "you swapped the two gradients: w moves with ∂MSE/∂w, b with ∂MSE/∂b.": {"swapped": True},
}


#: What would take the step for you: the check's own step, the tape (chapter 01) and Keras' SGD.
STEP_FORBIDDEN = ("course_lib.exercises.welcome._step", "tensorflow.GradientTape", "keras.optimizers.SGD")


def _judge_step(result, w, b, x, y, learning_rate):
    """None when ``result`` is the new (w, b) of one step, else what is wrong."""
    with tf.GradientTape() as tape:  # the reference: the tape on the course's one MSE
        line = tf.Variable([w, b], dtype=tf.float64)
        loss = losses.mse(y, line[0] * x + line[1])
    expected = line.numpy() - learning_rate * tape.gradient(loss, line).numpy()
    mistakes = {hint: _step(w, b, x, y, learning_rate, **slip) for hint, slip in STEP_SLIPS.items()}
    return checks.diagnose(result, expected, rtol=1e-6, atol=1e-9, mistakes=mistakes)


def check_gradient_step(gradient_step, num_steps=100, learning_rate=0.1):
    """Your ``gradient_step(w, b, x, y, learning_rate)`` -> ``(new_w, new_b)``: one step of gradient descent on the MSE.

    The check runs it on points of its own, with the course's own step, ``GradientTape`` and
    Keras' SGD unavailable (:data:`STEP_FORBIDDEN`), then, when it is right, runs ``num_steps`` of
    your steps from w = b = 0 on the chapter's points and prints the line they reach, which
    must bring the MSE under the bound of exercise 2.
    """
    rng = np.random.RandomState(2024)
    cases = []
    for _ in range(3):
        x = rng.uniform(-3.0, 3.0, 8)
        y = 3.0 * x - 2.0 + rng.normal(0.0, 0.5, 8)
        args = (float(rng.normal()), float(rng.normal()), x, y, float(rng.uniform(0.01, 0.2)))
        cases.append((args, lambda result, args=args: _judge_step(result, *args)))
    passed = checks.check_function(
        "gradient_step", gradient_step, cases, forbidden=STEP_FORBIDDEN,
        hint="the error is ŷ − y with ŷ = w·x + b; ∂MSE/∂w = (2/n) Σ error·x, ∂MSE/∂b = (2/n) Σ error; "
             "return (w − learning_rate·∂MSE/∂w, b − learning_rate·∂MSE/∂b).")
    if passed:
        w = b = 0.0
        for _ in range(validate.positive_int("num_steps", num_steps)):
            w, b = (float(value) for value in gradient_step(w, b, POINTS_X, POINTS_Y, learning_rate))
        language.show(f"{num_steps} of your steps from w = b = 0 on the chapter's points reach "
              f"y = {w:.2f}·x {'−' if b < 0 else '+'} {abs(b):.2f}")
        passed = checks.milestone("MSE of the line your steps reach", _line_mse(w, b), at_most=BEST_LINE_MSE,
                                  digits=2)
    return passed
