"""Chapter 00's exercises: the pixel count and the best line, each mistake with its own hint."""

import numpy as np
import pytest

from course_lib.exercises import welcome as exercises


def test_pixel_count(capsys):
    assert not exercises.check_pixel_count(...)
    assert "784" not in capsys.readouterr().out
    assert exercises.check_pixel_count(784)
    assert not exercises.check_pixel_count(28)
    assert "one side" in capsys.readouterr().out


@pytest.mark.parametrize("w, b, reason", [
    (1.0, 2.0, "you swapped them"),
    (-2.0, 1.0, "the slope has the wrong sign"),
    (2.0, -1.0, "the intercept has the wrong sign"),
    (1.0, 1.0, "about half"),
    (4.0, 1.0, "about twice"),
    (0.0, -3.0, "through the middle of the points"),
])
def test_best_line_says_why_it_misses(capsys, w, b, reason):
    assert not exercises.check_best_line(w, b)
    out = capsys.readouterr().out
    assert out.startswith("✗ MSE of y = ") and "\n  Why: " in out and reason in out


def test_best_line_passes_and_rejects_what_is_not_a_number(capsys):
    assert not exercises.check_best_line(..., 1.0)
    assert "not attempted" in capsys.readouterr().out
    assert exercises.check_best_line(np.float32(2.0), 1.0)
    assert "Why" not in capsys.readouterr().out
    assert not exercises.check_best_line(None, 1.0)
    assert "w: your answer is None" in capsys.readouterr().out
    assert not exercises.check_best_line(2.0, "1")
    assert "b: your answer is the text '1'" in capsys.readouterr().out
    assert not exercises.check_best_line([2.0, 1.0], 1.0)
    assert "w: give one number" in capsys.readouterr().out
