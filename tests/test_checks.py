"""Exercise checks: untouched, right, wrong in a known way, wrong by a factor, wrong shape."""

import numpy as np
import pytest

from course_lib import checks


def test_untouched_starter_prints_not_attempted_and_a_hint(capsys):
    verdict = checks.check_answer("pixels", ..., 784, hint="28 rows of 28")
    assert not verdict
    assert capsys.readouterr().out == "○ pixels: not attempted yet. Hint: 28 rows of 28\n"


def test_right_answer_passes(capsys):
    assert checks.check_answer("gradient", np.float32(2.0), 2.0, hint="")
    assert capsys.readouterr().out == "✓ gradient: correct.\n"


def test_known_mistake_gets_its_own_hint(capsys):
    assert not checks.check_answer("params", 200704, 200960, hint="count them",
                                   mistakes={"you forgot the bias": 200704})
    assert "✗ params: you forgot the bias" in capsys.readouterr().out


def test_factor_and_shape_are_diagnosed():
    assert "0.5 times" in checks.diagnose([1.0, 2.0], [2.0, 4.0])
    assert "2 times" in checks.diagnose(4.0, 2.0)
    assert checks.diagnose(3.0, 1.001) == checks.NOT_YET
    assert "shape (3,)" in checks.diagnose([1, 2, 3], [[1, 2, 3]])
    assert "NaN" in checks.diagnose([np.nan], [1.0])
    assert "expected a number" in checks.diagnose("two", 2.0)
    assert checks.diagnose([1.0, 2.0], [1.0, 2.0 + 1e-9]) is None


def test_plain_wrong_answer_repeats_the_hint(capsys):
    assert not checks.check_answer("loss", 3.0, 1.0 + 1e-3, hint="square the error", rtol=1e-6)
    out = capsys.readouterr().out
    assert "not the expected value yet" in out and "square the error" in out


def test_milestone_prints_a_stable_line(capsys):
    assert checks.milestone("test accuracy", 0.9812, at_least=0.975)
    assert checks.milestone("test accuracy", 0.9799, at_least=0.975)
    assert not checks.milestone("loss", 0.5, at_most=0.25, digits=2)
    lines = capsys.readouterr().out.splitlines()
    assert lines == ["✓ test accuracy ≥ 0.975", "✓ test accuracy ≥ 0.975", "✗ loss = 0.50 > 0.25"]
    with pytest.raises(ValueError, match="exactly one"):
        checks.milestone("x", 1.0)


def test_verdict_shows_nothing_in_a_notebook():
    verdict = checks.Verdict(True)
    assert verdict and verdict._ipython_display_() is None and repr(verdict) == "Verdict(passed=True)"
