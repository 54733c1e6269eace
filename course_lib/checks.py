"""Exercise checks and printed milestones.

An exercise cell starts as ``answer = ...  # your code here``. Left like that,
the answer is Python's ``Ellipsis`` and :func:`check_answer` prints "not
attempted yet" with a hint instead of failing, so a chapter still runs top to
bottom. A wrong answer gets the most specific hint known: the wrong shape, a
known mistake (``mistakes``), or an answer off by a constant factor.

:func:`milestone` prints one stable line for a measured result ("✓ test
accuracy ≥ 0.975"), so that nbval can compare it although the exact number
differs from run to run.
"""

import numpy as np

NOT_ATTEMPTED = Ellipsis
NOT_YET = "not the expected value yet."


class Verdict:
    """The outcome of a check: true when passed. Shows nothing in a notebook, the printed line says it all."""

    def __init__(self, passed):
        self.passed = bool(passed)

    def __bool__(self):
        return self.passed

    def __repr__(self):
        return f"Verdict(passed={self.passed})"

    def _ipython_display_(self):
        pass


def _as_array(value):
    try:
        return np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return None


#: Factors a single number is typically off by (a doubled gradient, a forgotten /255, a sign).
USUAL_FACTORS = (2.0, 0.5, -1.0, 10.0, 0.1, 100.0, 0.01, 255.0, 1 / 255)


def _factor(answer, expected):
    """The constant k with answer == k * expected, if there is a telling one.

    For arrays any common k is telling; any two single numbers have a ratio, so
    for them only the usual slips count.
    """
    nonzero = np.abs(expected) > 1e-12
    if not nonzero.any() or np.any(np.abs(answer[~nonzero]) > 1e-9):
        return None
    ratios = answer[nonzero] / expected[nonzero]
    k = float(ratios.flat[0])
    if not np.allclose(ratios, k, rtol=1e-4) or np.isclose(k, 1.0) or k == 0.0:
        return None
    if ratios.size == 1 and not np.isclose(USUAL_FACTORS, k, rtol=1e-4).any():
        return None
    return k


def diagnose(answer, expected, *, rtol=1e-5, atol=1e-8, mistakes=None):
    """Compare ``answer`` with ``expected``; return None when right, else what is wrong.

    ``mistakes`` maps a hint ("you forgot the bias") to the value that mistake gives.
    """
    given, wanted = _as_array(answer), _as_array(expected)
    if given is None:
        return f"expected a number or an array, got {type(answer).__name__}."
    if given.shape != wanted.shape:
        return f"your answer has shape {given.shape}; the expected shape is {wanted.shape}."
    if np.any(np.isnan(given)):
        return "your answer contains NaN: look for a division by zero or a log of 0."
    if np.allclose(given, wanted, rtol=rtol, atol=atol):
        return None
    for hint, wrong in (mistakes or {}).items():
        wrong = _as_array(wrong)
        if wrong is not None and wrong.shape == given.shape and np.allclose(given, wrong, rtol=rtol, atol=atol):
            return hint
    k = _factor(given, wanted)
    if k is not None:
        return f"your answer is {k:.4g} times the expected one: check for a missing or extra factor."
    return NOT_YET


def check_answer(name, answer, expected, *, hint, rtol=1e-5, atol=1e-8, mistakes=None):
    """Print whether ``answer`` is right and return a :class:`Verdict`; never raises for a wrong answer.

    ``hint`` is shown when the exercise is not attempted yet and with a wrong answer
    that matches no more specific diagnosis.
    """
    if answer is NOT_ATTEMPTED:
        print(f"○ {name}: not attempted yet. Hint: {hint}")
        return Verdict(False)
    problem = diagnose(answer, expected, rtol=rtol, atol=atol, mistakes=mistakes)
    if problem is None:
        print(f"✓ {name}: correct.")
        return Verdict(True)
    if problem == NOT_YET:
        problem = f"{NOT_YET} Hint: {hint}"
    print(f"✗ {name}: {problem}")
    return Verdict(False)


def milestone(name, value, *, at_least=None, at_most=None, digits=3):
    """Print a stable line saying whether a measured ``value`` reached its bound; return a :class:`Verdict`.

    The line holds the bound, not the value, so it is the same on every run that
    passes: "✓ test accuracy ≥ 0.975". A miss prints the value too.
    """
    if (at_least is None) == (at_most is None):
        raise ValueError("give exactly one of at_least= or at_most=.")
    value = float(value)
    if at_least is not None:
        passed, relation, bound, missed = value >= at_least, "≥", at_least, "<"
    else:
        passed, relation, bound, missed = value <= at_most, "≤", at_most, ">"
    if passed:
        print(f"✓ {name} {relation} {bound:.{digits}f}")
    else:
        print(f"✗ {name} = {value:.{digits}f} {missed} {bound:.{digits}f}")
    return Verdict(passed)
