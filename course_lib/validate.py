"""Argument checks shared by the library: a clear ``ValueError``, never a silent NaN.

No chapter teaches these; every module of ``course_lib`` checks its arguments with them,
so that a wrong value gets one message that names the argument, the same everywhere.
"""

import math
import numbers
from collections.abc import Mapping

import numpy as np


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
    try:
        number = float(value)
    except OverflowError:  # an int beyond float's range, 10**400 say
        raise ValueError(f"{name} must be finite, got a number too large for a float (a {len(str(abs(value)))}-digit integer).") from None
    if not math.isfinite(number):
        raise ValueError(f"{name} must be finite, got {value!r}.")
    return number


#: The largest count a function takes (epochs, steps, units...): TensorFlow's graphs count in int32.
LARGEST_COUNT = 2 ** 31 - 1


def positive_int(name, value):
    """Return ``value`` if it is a whole number from 1 to :data:`LARGEST_COUNT`, else raise ``ValueError``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or not 1 <= value <= LARGEST_COUNT:
        shown = repr(value) if len(repr(value)) < 40 else (
            f"a {len(str(abs(value)))}-digit number" if isinstance(value, numbers.Integral) else type(value).__name__)
        raise ValueError(f"{name} must be a whole number of at least 1 (and at most {LARGEST_COUNT}), got {shown}.")
    return int(value)


def same_length(x, y, x_name="x", y_name="y"):
    """Check that ``x`` and ``y`` have one row each per example, and at least one, else raise ``ValueError``."""
    for name, value in ((x_name, x), (y_name, y)):
        if not hasattr(value, "__len__") or isinstance(value, str) or np.ndim(value) == 0:
            raise TypeError(f"{name} must be an array with one row per example, got {type(value).__name__}.")
    if len(x) != len(y):
        raise ValueError(f"{x_name} and {y_name} must have as many rows, got {len(x)} and {len(y)}.")
    if len(x) == 0:
        raise ValueError(f"{x_name} and {y_name} are empty: give at least one example.")


def keras_model(name, value):
    """Return ``value`` if it is a Keras model, else raise ``TypeError`` naming ``name``."""
    import keras

    if not isinstance(value, keras.Model):
        raise TypeError(f"{name} must be a Keras model, got {type(value).__name__}.")
    return value


def examples(name, value):
    """Return ``value`` as ``(x, y)`` if it is a pair with one row of ``y`` per row of ``x``, else raise."""
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise TypeError(f"{name} must be an (x, y) pair, got {type(value).__name__}.")
    x, y = value
    same_length(x, y, f"{name}'s x", f"{name}'s y")
    return x, y


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


def class_labels(name, value, num_classes=None):
    """Return ``value`` as a 1-D array of class indices from 0 (to ``num_classes`` − 1), else raise ``ValueError``."""
    array = np.asarray(value) if not isinstance(value, str) else np.asarray([value])
    if array.ndim != 1 or array.size == 0 or not np.issubdtype(array.dtype, np.integer):
        raise ValueError(f"{name} must be a non-empty 1-D array of class indices (integers), got "
                         f"{type(value).__name__} of shape {array.shape}.")
    if array.min() < 0 or (num_classes is not None and array.max() >= num_classes):
        top = "" if num_classes is None else f" to {num_classes - 1}"
        raise ValueError(f"{name} must hold classes from 0{top}, got {array.min()} to {array.max()}.")
    return array


def real_array(name, value, *, ndim_at_least=0):
    """Return ``value`` as a float64 array of real numbers (inf and NaN allowed), else raise ``ValueError``.

    For the formulas whose input may have diverged on purpose (a loss curve that blew up);
    :func:`finite_array` is for everything else.
    """
    if value is None or isinstance(value, (str, bytes)) or np.iscomplexobj(value):
        raise ValueError(f"{name} must be an array of real numbers, got {type(value).__name__}.")
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        raise ValueError(f"{name} must be an array of real numbers (each one a float), "
                         f"got {type(value).__name__}.") from None
    if array.ndim < ndim_at_least:
        raise ValueError(f"{name} must have at least {ndim_at_least} dimension(s), got shape {array.shape}.")
    if array.size == 0:
        raise ValueError(f"{name} is empty: give at least one number.")
    return array


def finite_array(name, value, *, ndim_at_least=1):
    """Return ``value`` as a float64 array of finite real numbers, else raise ``ValueError`` naming ``name``."""
    array = real_array(name, value, ndim_at_least=ndim_at_least)
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must hold finite numbers only.")
    return array


def result(name, value, keys):
    """Return ``value`` if it is one result of the library (a dict holding ``keys``), else raise.

    The figures draw what a library function returned; anything else gets this message,
    not a ``KeyError`` from inside matplotlib.
    """
    if not isinstance(value, Mapping):
        raise TypeError(f"{name} must be a result dict (with {', '.join(keys)}), got {type(value).__name__}.")
    missing = [key for key in keys if key not in value]
    if missing:
        raise ValueError(f"{name} lacks {', '.join(missing)}: give what the library function returned.")
    return value


#: What :func:`results` takes: a list of results, a dict of named results, or either.
LIST, DICT = (list, tuple), Mapping


def results(name, value, keys, *, kind=(*LIST, DICT)):
    """Return ``value`` if it is a non-empty ``kind`` (list or dict) of results each holding ``keys``, else raise."""
    if not isinstance(value, kind):
        shape = "a list" if kind == LIST else "a dict" if kind == DICT else "a list or dict"
        raise TypeError(f"{name} must be {shape} of results, got {type(value).__name__}.")
    items = list(value.values()) if isinstance(value, Mapping) else list(value)
    if not items:
        raise ValueError(f"{name} is empty: give at least one result.")
    for item in items:
        result(f"each result of {name}", item, keys)
    return value


def curves(name, value):
    """Return ``value`` if it maps labels to non-empty 1-D arrays of real numbers, else raise."""
    if not isinstance(value, Mapping):
        raise TypeError(f"{name} must be a dict of label: curve, got {type(value).__name__}.")
    if not value:
        raise ValueError(f"{name} is empty: give at least one curve.")
    for label, curve in value.items():
        if real_array(f"{name}[{label!r}]", curve, ndim_at_least=1).ndim != 1:
            raise ValueError(f"{name}[{label!r}] must be a 1-D curve, got shape {np.shape(curve)}.")
    return value
