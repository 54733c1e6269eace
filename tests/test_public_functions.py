"""Every public function of the library, given what a careless student might pass, answers clearly.

Each function of the topic modules is called with every required argument set to one
of the values below (None, text, a negative number, an integer too large for a float,
NaN, a complex number, an empty list, arrays of the wrong shape...). The only acceptable
failures are a ``ValueError`` or a ``TypeError``: an ``AttributeError``, an
``IndexError``, an ``OverflowError`` or a TensorFlow error from deep inside is a defect.
A function may also return, when the value is one it can take.
"""

import importlib
import inspect
import math
import pkgutil
import signal

import numpy as np
import pytest
import tensorflow as tf

import course_lib

#: The modules a student calls; the exercise checks (tests/test_properties.py), the widgets
#: (a panel's controls bound their values), the data commands (tests/test_data.py) and the
#: notebook set-up are tested elsewhere.
SKIPPED = ("course_lib.exercises", "course_lib.widgets", "course_lib.data", "course_lib.notebook",
           "course_lib.__main__", "course_lib.checks")

CARELESS_VALUES = {
    "None": None, "text": "abc", "-1": -1, "0": 0, "10**400": 10 ** 400, "nan": math.nan, "inf": math.inf,
    "complex": 1 + 2j, "empty list": [], "empty array": np.array([]), "2x3 zeros": np.zeros((2, 3)), "True": True,
}

#: Seconds a call may take: a careless value must be refused, not trained on.
TIME_LIMIT = 30


def public_functions():
    """``(dotted name, function)`` for every public function defined in the tested modules."""
    found = []
    for module_info in pkgutil.walk_packages(course_lib.__path__, "course_lib."):
        if module_info.name.startswith(SKIPPED):
            continue
        module = importlib.import_module(module_info.name)
        for name, function in sorted(vars(module).items()):
            if not name.startswith("_") and inspect.isfunction(function) and function.__module__ == module.__name__:
                found.append((f"{module.__name__}.{name}", function))
    return found


def compiled_functions():
    """``(dotted name, tf.function)`` for every compiled function defined at a module's top level, private ones too."""
    found = []
    for module_info in pkgutil.walk_packages(course_lib.__path__, "course_lib."):
        module = importlib.import_module(module_info.name)
        found += [(f"{module.__name__}.{name}", value) for name, value in sorted(vars(module).items())
                  if isinstance(value, tf.types.experimental.PolymorphicFunction)]
    return found


def kept_locks(compiled):
    """The names of the ``compiled`` functions whose lock this thread still holds.

    TensorFlow (2.21) takes a ``tf.function``'s lock before it binds the inputs to the
    function's signature and does not give it back when that fails; every later call from
    another thread (a panel's run) then waits for ever. The library checks its inputs first.
    """
    return [name for name, function in compiled if function._lock._is_owned()]


def required_parameters(function):
    return [parameter.name for parameter in inspect.signature(function).parameters.values()
            if parameter.default is parameter.empty
            and parameter.kind in (parameter.POSITIONAL_ONLY, parameter.POSITIONAL_OR_KEYWORD, parameter.KEYWORD_ONLY)]


class TookTooLong(Exception):
    pass


def _too_long(signum, frame):
    raise TookTooLong()


def careless_failures(function, compiled=None):
    """What ``function`` raises, other than ValueError and TypeError, for each careless value: {value name: error}.

    A call that leaves one of the ``compiled`` functions (by default the library's) locked fails too.
    """
    compiled = COMPILED if compiled is None else compiled
    names = required_parameters(function)
    failures = {}
    previous = signal.signal(signal.SIGALRM, _too_long)
    try:
        for label, value in CARELESS_VALUES.items():
            signal.alarm(TIME_LIMIT)
            try:
                function(**{name: value for name in names})
            except (ValueError, TypeError):
                pass
            except TookTooLong:
                failures[label] = f"still running after {TIME_LIMIT} s"
            except Exception as error:  # noqa: BLE001 - any other error is what the test looks for
                failures[label] = f"{type(error).__name__}: {str(error).splitlines()[0][:120] if str(error) else ''}"
            finally:
                signal.alarm(0)
            locked = kept_locks(compiled)
            if locked:
                failures[label] = f"left {locked} locked for every other thread"
                for name, locked_function in compiled:
                    while locked_function._lock._is_owned():  # so that the next value is tested on its own
                        locked_function._lock.release()
    finally:
        signal.signal(signal.SIGALRM, previous)
    return failures


FUNCTIONS = public_functions()
COMPILED = compiled_functions()


def test_every_module_of_the_library_is_looked_at():
    modules = {name.rsplit(".", 1)[0] for name, _ in FUNCTIONS}
    assert {"course_lib.training", "course_lib.losses", "course_lib.forward", "course_lib.validate"} <= modules
    assert len(FUNCTIONS) > 100
    assert "course_lib.fitting._train_epochs" in dict(COMPILED)  # the one with a signature
    assert all(callable(function._lock._is_owned) for _, function in COMPILED)  # what kept_locks reads


@pytest.mark.parametrize("name, function", FUNCTIONS, ids=[name for name, _ in FUNCTIONS])
def test_a_careless_argument_gets_a_value_error_or_a_type_error(name, function):
    failures = careless_failures(function)
    assert not failures, f"{name} fails with careless arguments: {failures}"


def test_the_test_catches_a_planted_crash():
    def mean_of(values):
        return sum(values) / len(values)  # ZeroDivisionError on [], unguarded

    def checked_mean_of(values):
        if not isinstance(values, (list, tuple, np.ndarray)) or len(values) == 0:
            raise ValueError(f"values must be a non-empty list of numbers, got {values!r}")
        return float(np.mean(values))

    assert "empty list" in careless_failures(mean_of) and "ZeroDivisionError" in careless_failures(mean_of)["empty list"]
    assert careless_failures(checked_mean_of) == {}


def test_the_test_catches_a_compiled_function_left_locked():
    @tf.function(input_signature=[tf.TensorSpec([None, 2], tf.float32)])
    def total(x):
        return tf.reduce_sum(x)

    def unchecked_total(x):
        return float(total(x))  # TensorFlow's TypeError for a wrong shape, and its lock kept

    def checked_total(x):
        array = np.asarray(x, dtype=np.float32) if isinstance(x, (list, np.ndarray)) else None
        if array is None or array.ndim != 2 or array.shape[1] != 2:
            raise ValueError(f"x must be an array of shape (n, 2), got {x!r}")
        return float(total(array))

    failures = careless_failures(unchecked_total, [("total", total)])
    assert failures["2x3 zeros"] == "left ['total'] locked for every other thread"
    assert not total._lock._is_owned()
    assert careless_failures(checked_total, [("total", total)]) == {}
