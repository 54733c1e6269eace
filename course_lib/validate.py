"""Argument checks shared by the library: a clear ``ValueError``, never a silent NaN.

No chapter teaches these; every module of ``course_lib`` checks its arguments with them,
so that a wrong value gets one message that names the argument, the same everywhere.
"""

import math
import numbers


def positive(name, value):
    """Return ``value`` if it is a finite number greater than zero, else raise ``ValueError``."""
    number = finite(name, value)
    if number <= 0:
        raise ValueError(f"{name} must be greater than 0, got {value!r}.")
    return number


def non_negative(name, value):
    """Return ``value`` if it is a finite number of at least zero, else raise ``ValueError``."""
    number = finite(name, value)
    if number < 0:
        raise ValueError(f"{name} must be 0 or more, got {value!r}.")
    return number


def finite(name, value):
    """Return ``value`` as a float if it is a finite real number, else raise ``ValueError``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a number, got {value!r}.")
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}.")
    return float(value)


def positive_int(name, value):
    """Return ``value`` if it is a whole number of at least 1, else raise ``ValueError``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{name} must be a whole number of at least 1, got {value!r}.")
    return int(value)


def same_length(x, y, x_name="x", y_name="y"):
    """Check that ``x`` and ``y`` have one row each per example, else raise ``ValueError``."""
    if len(x) != len(y):
        raise ValueError(f"{x_name} and {y_name} must have as many rows, got {len(x)} and {len(y)}.")


def in_range(name, value, low, high):
    """Return ``value`` if ``low <= value <= high``, else raise ``ValueError``."""
    number = finite(name, value)
    if not low <= number <= high:
        raise ValueError(f"{name} must be between {low} and {high}, got {value!r}.")
    return number


def one_of(name, value, choices):
    """Return ``value`` if it is one of ``choices``, else raise ``ValueError`` listing them."""
    if value not in choices:
        listed = ", ".join(repr(choice) for choice in choices)
        raise ValueError(f"{name} must be one of {listed}; got {value!r}.")
    return value
