"""Chapter 00 exercises: warming up with the checks."""

from course_lib import checks


def check_pixel_count(answer):
    """How many numbers does one 28×28 MNIST image hold once flattened into a row?"""
    return checks.check_answer(
        "pixels in one MNIST image", answer, 28 * 28,
        hint="an image has 28 rows of 28 pixels; Flatten lays them out in one row.",
        mistakes={"that is one side of the image; count every row.": 28,
                  "that is the whole training set's image count, not one image's pixels.": 60000})


def check_best_line(w, b):
    """Slopes and intercepts that bring the demo line's MSE under 0.25."""
    from course_lib.widgets.welcome import line_fit

    if w is checks.NOT_ATTEMPTED or b is checks.NOT_ATTEMPTED:
        print("○ best line: not attempted yet. Hint: move the sliders above and copy the values "
              "that make the MSE smallest.")
        return checks.Verdict(False)
    mse = line_fit(w, b)["mse"]
    return checks.milestone(f"MSE of y = {w}·x + {b}", mse, at_most=0.25, digits=2)
