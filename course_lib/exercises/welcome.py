"""Chapter 00 exercises: warming up with the checks."""

from course_lib import checks
from course_lib.welcome import line_fit


def check_pixel_count(answer):
    """How many numbers does one 28×28 MNIST image hold once flattened into a row?"""
    return checks.check_answer(
        "pixels in one MNIST image", answer, 28 * 28,
        hint="an image has 28 rows of 28 pixels; Flatten lays them out in one row.",
        mistakes={"that is one side of the image; count every row.": 28,
                  "that is the whole training set's image count, not one image's pixels.": 60000})


BEST_LINE_MSE = 0.25


def _line_mse(w, b):
    return line_fit(w, b)["mse"]


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
    passed = checks.milestone(f"MSE of {line}", _line_mse(w, b), at_most=BEST_LINE_MSE, digits=2)
    if not passed:
        print(f"  Why: {_why_the_line_misses(w, b)}")
    return passed
