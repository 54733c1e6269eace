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

import contextlib
import functools
import importlib
import sys

import numpy as np

from course_lib import language

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


def as_array(value):
    """``value`` (a number, list, array or tensor) as a float64 NumPy array, or None when it holds no numbers."""
    if _is_complex(value):
        return None  # float64 would drop the imaginary part without a word
    try:
        return np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        return None


def _dtype_kind(value):
    """NumPy's kind letter of a tensor's or array's dtype ("f", "i", "u", "b", "O", "U" ...), or None."""
    dtype = getattr(value, "dtype", None)
    if dtype is None:
        return None
    try:
        return np.dtype(getattr(dtype, "as_numpy_dtype", dtype)).kind
    except TypeError:
        return None


def _dtype_name(value):
    dtype = value.dtype
    return getattr(dtype, "name", str(dtype))


def _is_complex(value):
    """Whether ``value`` is a complex number, a complex array or tensor, or a list holding one."""
    return (isinstance(value, complex) or _dtype_kind(value) == "c"
            or (isinstance(value, (list, tuple)) and any(isinstance(leaf, complex) for leaf in _leaves(value))))


def _leaves(value):
    """The items of nested lists and tuples, depth first."""
    if isinstance(value, (list, tuple)):
        for item in value:
            yield from _leaves(item)
    else:
        yield value


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


NONE_HINT = ("your answer is None. A GradientTape gives None for a value it did not watch: "
             "make x a tf.Variable, or call tape.watch(x), and compute y inside the `with` block. "
             "A function without `return` gives None too.")


def kind_problem(answer):
    """What is wrong with an answer that is not a number or an array of numbers at all, else None.

    Each kind gets its own hint: None (an unwatched tape), text, a list holding None or text or
    rows of different lengths, a text tensor.
    """
    if answer is None:
        return NONE_HINT
    if _is_complex(answer):
        return ("your answer is a complex number; the answer is real: find what made the imaginary part "
                "(a j, the square root of a negative number).")
    if isinstance(answer, int) and not isinstance(answer, bool) and abs(answer) > 1e308:
        return "your answer is a whole number too large for any float (more than 10**308): check the exponent."
    if isinstance(answer, (str, bytes)):
        return (f"your answer is the text {answer!r}, not a number: drop the quotes "
                "(or convert it with float(...)).")
    if isinstance(answer, (list, tuple)):
        leaves = list(_leaves(answer))
        if any(leaf is None for leaf in leaves):
            return (f"your {type(answer).__name__} holds None: a GradientTape gives None for a value it "
                    "did not watch (make it a tf.Variable or call tape.watch), a function without "
                    "`return` gives None too.")
        if any(isinstance(leaf, (str, bytes)) for leaf in leaves):
            return f"your {type(answer).__name__} holds text; give numbers, without quotes."
        if as_array(answer) is None:
            return (f"your {type(answer).__name__} does not form a regular array of numbers (rows of "
                    "different lengths?); give one number per entry, every row the same length.")
    if _dtype_kind(answer) in ("U", "S") or getattr(getattr(answer, "dtype", None), "name", "") == "string":
        return f"your answer holds text (dtype {_dtype_name(answer)}), not numbers."
    if as_array(answer) is None:
        return f"expected a number or an array, got {type(answer).__name__}."
    return None


def number_problem(value):
    """What keeps ``value`` from being one number (None, text, a list, an array), else None."""
    problem = kind_problem(value)
    if problem is None and as_array(value).shape != ():
        problem = f"give one number, got shape {as_array(value).shape}."
    if problem is None and not np.isfinite(as_array(value)):
        problem = _non_finite_problem(as_array(value))
    return problem


def numbers_problem(**values):
    """The first of the named ``values`` that is not one number, as "name: what is wrong", else None."""
    for name, value in values.items():
        problem = number_problem(value)
        if problem is not None:
            return f"{name}: {problem}"
    return None


BOOLEAN_HINT = ("your answer is True/False values (dtype {dtype}), the result of a comparison: turn it "
                "into numbers first (tf.cast(..., tf.float32), or .astype(float)), then average or count.")


def _shape_problem(answer, given, wanted):
    if _dtype_kind(answer) == "b":
        return BOOLEAN_HINT.format(dtype=_dtype_name(answer))
    if wanted.shape == () and given.size > 1:
        return (f"your answer has shape {given.shape}, one value per item; the answer is a single "
                "number: did you forget to average or add them up?")
    if isinstance(answer, (list, tuple)):
        return (f"your answer is a {type(answer).__name__} of shape {given.shape}; the expected shape "
                f"is {wanted.shape}. Did you collect the wrong number of items, or nest them one level "
                "too deep?")
    return f"your answer has shape {given.shape}; the expected shape is {wanted.shape}."


def _dtype_problem(answer, given, wanted):
    """A hint when the dtype of a tensor or array explains why its values are off, else None."""
    kind = _dtype_kind(answer)
    fractional = np.any(np.abs(wanted - np.round(wanted)) > 1e-9)
    if kind in ("i", "u") and fractional:
        return (f"your answer has the integer dtype {_dtype_name(answer)}, so its decimals were cut "
                "off: compute in floating point (tf.float32, np.float64, or 2.0 instead of 2).")
    if kind == "b":
        return BOOLEAN_HINT.format(dtype=_dtype_name(answer))
    if not fractional and np.any(np.abs(given - np.round(given)) > 1e-9):
        return (f"the expected answer is a whole number (a count); yours, {given.ravel()[:3].tolist()}, "
                "has decimals: round up or down according to what you count.")
    return None


def _non_finite_problem(given):
    if np.any(np.isnan(given)):
        return ("your answer contains NaN (not a number): 0/0, inf − inf, or the log or the square "
                "root of a negative number.")
    if np.any(np.isinf(given)):
        return ("your answer contains inf: a number overflowed (exp of a large number?), or you took "
                "the log of 0 or divided by 0.")
    return None


def _significant(values, digits, rounding):
    """``values`` cut (``rounding=np.trunc``) or rounded (``np.round``) to ``digits`` significant digits."""
    with np.errstate(divide="ignore", invalid="ignore"):
        exponent = np.where(values == 0, 0, np.floor(np.log10(np.abs(values))))
    scale = 10.0 ** (digits - 1 - exponent)
    return rounding(values * scale) / scale


def _rounded_digits(given, wanted):
    """How many significant digits (2 to 6) ``given`` keeps of ``wanted``, rounded or cut, else None.

    An answer of 0.357 for 0.35667 is right but typed from a printout; it deserves "give more
    digits", not a hint about the formula.
    """
    if not (np.all(np.isfinite(wanted)) and np.any(wanted != 0)):
        return None
    for digits in range(2, 7):
        for rounding in (np.round, np.trunc):
            short = _significant(wanted, digits, rounding)
            if not np.allclose(short, wanted, rtol=1e-12, atol=0) and np.allclose(given, short, rtol=1e-9, atol=0):
                return digits
    return None


def diagnose(answer, expected, *, rtol=1e-5, atol=1e-8, mistakes=None):
    """Compare ``answer`` with ``expected``; return None when right, else what is wrong.

    ``mistakes`` maps a hint ("you forgot the bias") to the value that mistake gives. Before
    them come the problems of the answer's kind: None (an unwatched tape), text, a ragged
    list, an integer or boolean dtype, a shape, NaN or inf; after them a constant factor.
    """
    problem = kind_problem(answer)
    if problem is not None:
        return problem
    given, wanted = as_array(answer), as_array(expected)
    if given.shape != wanted.shape:
        return _shape_problem(answer, given, wanted)
    problem = _non_finite_problem(given)
    if problem is not None:
        return problem
    if np.allclose(given, wanted, rtol=rtol, atol=atol):
        return None
    for hint, wrong in (mistakes or {}).items():
        wrong = as_array(wrong)
        if wrong is not None and wrong.shape == given.shape and np.allclose(given, wrong, rtol=rtol, atol=atol):
            return hint
    digits = _rounded_digits(given, wanted)
    if digits is not None:
        return (f"right to {digits} significant digits, but give more digits: compute the value rather than "
                "typing a rounded one (the check compares more digits than any printout shows).")
    problem = _dtype_problem(answer, given, wanted)
    if problem is not None:
        return problem
    k = _factor(given, wanted)
    if k is not None and np.isclose(k, -1.0):
        return "your answer has the wrong sign: it is −1 times the expected one."
    if k is not None:
        return f"your answer is {k:.4g} times the expected one: check for a missing or extra factor."
    return NOT_YET


def not_attempted(name, hint):
    """Print that the exercise ``name`` is untouched, with its hint; return a failed :class:`Verdict`."""
    language.show(f"○ {name}: not attempted yet. Hint: {hint}")
    return Verdict(False)


def is_not_attempted(*answers):
    """True when any of ``answers`` is still the starter's ``...``."""
    return any(answer is NOT_ATTEMPTED for answer in answers)


def refuse_numbers(name, hint, **values):
    """A failed :class:`Verdict` (printed) while any named value is untouched or not one number, else None.

    The opening of every check that takes several numbers (a slope and an intercept, two prices).
    """
    if is_not_attempted(*values.values()):
        return not_attempted(name, hint)
    problem = numbers_problem(**values)
    return None if problem is None else fail(name, problem)


def fail(name, problem):
    """Print that ``name`` is wrong and why; return a failed :class:`Verdict`."""
    language.show(f"✗ {name}: {problem}")
    return Verdict(False)


def check_answer(name, answer, expected, *, hint, rtol=1e-5, atol=1e-8, mistakes=None):
    """Print whether ``answer`` is right and return a :class:`Verdict`; never raises for a wrong answer.

    ``hint`` is shown when the exercise is not attempted yet and with a wrong answer
    that matches no more specific diagnosis.
    """
    if answer is NOT_ATTEMPTED:
        return not_attempted(name, hint)
    problem = diagnose(answer, expected, rtol=rtol, atol=atol, mistakes=mistakes)
    if problem is None:
        language.show(f"✓ {name}: correct.")
        return Verdict(True)
    if problem == NOT_YET:
        problem = f"{NOT_YET} Hint: {hint}"
    return fail(name, problem)


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
        language.show(f"✓ {name} {relation} {bound:.{digits}f}")
    else:
        language.show(f"✗ {name} = {value:.{digits}f} {missed} {bound:.{digits}f}")
    return Verdict(passed)


class ForbiddenCall(Exception):
    """Raised by a function an exercise asks the student to write, when the student's answer calls it."""


def _resolve(path):
    """The object at a dotted ``path`` ("keras.losses.categorical_crossentropy")."""
    module_name, _, attribute = path.rpartition(".")
    try:
        return getattr(importlib.import_module(module_name), attribute)
    except ModuleNotFoundError:
        return getattr(_resolve(module_name), attribute)


def _stand_in(path, original):
    """What replaces ``original`` while it is forbidden: raises :class:`ForbiddenCall` when called.

    A class becomes a subclass whose constructor raises, so ``isinstance`` checks elsewhere still work.
    """
    if isinstance(original, type):
        def __init__(self, *args, **kwargs):
            raise ForbiddenCall(path)
        return type(original.__name__, (original,), {"__init__": __init__, "__module__": original.__module__})

    def forbidden(*args, **kwargs):
        raise ForbiddenCall(path)
    forbidden.__name__ = getattr(original, "__name__", "forbidden")
    return forbidden


class _CellMapping:
    """A closure cell seen as a one-entry mapping, so that :func:`forbidding` swaps it like a module's name."""

    def __init__(self, cell):
        self.cell = cell

    def items(self):
        return [("cell_contents", self.cell.cell_contents)]

    def __setitem__(self, key, value):
        self.cell.cell_contents = value


@contextlib.contextmanager
def forbidding(paths, answer=None):
    """Within the block, every name bound to one of the objects at ``paths`` raises :class:`ForbiddenCall`.

    A build-it exercise asks the student to write a function that Keras or the course already
    has; running the answer with those functions replaced enforces it whatever name the student
    calls them by: every loaded module's attribute, and the globals and closure of the function
    ``answer``, that hold the object are swapped for a stand-in, and restored after.
    """
    originals = {id(obj): (path, obj) for path in paths for obj in [_resolve(path)]}
    stand_ins = {key: _stand_in(path, obj) for key, (path, obj) in originals.items()}
    swapped = []
    mappings = [vars(module) for module in list(sys.modules.values()) if hasattr(module, "__dict__")]
    globals_, cells = getattr(answer, "__globals__", None), getattr(answer, "__closure__", None) or ()
    if isinstance(globals_, dict):
        mappings.append(globals_)
    for cell in cells:
        try:
            if id(cell.cell_contents) in originals:
                mappings.append(_CellMapping(cell))
        except ValueError:  # an empty cell
            continue
    for mapping in mappings:
        try:
            found = [(key, value) for key, value in mapping.items() if id(value) in originals]
        except (RuntimeError, TypeError, AttributeError):  # a mapping that changes or cannot be listed
            continue
        for key, value in found:
            if originals[id(value)][1] is value:
                mapping[key] = stand_ins[id(value)]
                swapped.append((mapping, key, value))
    try:
        yield
    finally:
        for mapping, key, value in reversed(swapped):
            mapping[key] = value


def handed_in(function, paths):
    """The dotted path of ``paths`` whose object ``function`` is, itself or inside ``functools.partial``, else None.

    :func:`forbidding` swaps the names an answer calls; a forbidden function handed in as the
    answer (``tf.nn.silu``, or ``partial(forward.tape_gradients, loss_fn=...)``) is not called
    by any name, so it is recognised here.
    """
    while isinstance(function, functools.partial):
        function = function.func
    return next((path for path in paths if function is _resolve(path)), None)


def call_answer(name, function, *args, hint, run=None, error_hint=None, forbidden=()):
    """Run a build-it exercise's answer, ``function(*args)``: ``(result, None)``, or ``(None, failed Verdict)``.

    The student's answer is a function (or a model factory, or a class); the check calls
    it on inputs the student has not seen (``run(function, *args)`` instead, when given, to
    call it several times or train with it). Left as ``...`` it prints "not attempted yet"
    with ``hint``; anything not callable, or a call that raises, prints what went wrong
    instead of a traceback from inside the check, followed by ``error_hint`` when the
    check knows the usual cause of an error (a NumPy call inside ``fit``'s graph). The
    functions at the dotted paths ``forbidden`` (the ones the exercise asks to write) raise
    while the answer runs, under whatever name it calls them (:func:`forbidding`).
    """
    if function is NOT_ATTEMPTED:
        return None, not_attempted(name, hint)
    if not callable(function):
        return None, fail(name, f"give the function itself (its name, without parentheses), "
                                f"not a {type(function).__name__}.")
    given = handed_in(function, forbidden)
    if given is not None:  # the forbidden function itself, which forbidding cannot swap inside the call
        return None, fail(name, f"that is {given} itself, which this exercise asks you to do without: "
                                "write it yourself from the operations of the formula.")
    try:
        with forbidding(forbidden, function):
            return (function(*args) if run is None else run(function, *args)), None
    except ForbiddenCall as error:
        return None, fail(name, f"your answer calls {error}, which this exercise asks you to do without: "
                                "write that part yourself from the operations of the formula.")
    except Exception as error:  # the student's code: report any error as a hint, not a traceback
        return None, fail(name, f"calling your function raised {type(error).__name__}: {error}"
                                + (f" {error_hint}" if error_hint else ""))


def check_trained_model(name, build_and_train, train, test, *, at_least, time_limit, hint, low_hint,
                        num_parameters=None):
    """Build it: call ``build_and_train(x_train, y_train)`` and score the Keras model it returns on ``test``.

    The model must give one score per class for each test row (the classes are those
    of ``y_train``, integer labels), have ``num_parameters`` when given, train within
    ``time_limit`` seconds and reach an accuracy of ``at_least`` on the test rows, which
    the student's function never sees. ``low_hint`` is shown with a low accuracy.
    Chapters 08 and 09 use it.
    """
    import time

    import keras

    (x_train, y_train), (x_test, y_test) = train, test
    start = time.perf_counter()
    model, verdict = call_answer(name, build_and_train, np.array(x_train), np.array(y_train), hint=hint)
    if verdict is not None:
        return verdict
    seconds = time.perf_counter() - start
    if not isinstance(model, keras.Model):
        return fail(name, f"your function returned a {type(model).__name__}; return the trained keras model "
                          "itself (the one you called fit on).")
    if num_parameters is not None and (not model.built or model.count_params() != num_parameters):
        count = model.count_params() if model.built else "no"
        return fail(name, f"the model has {count} parameters, not {num_parameters}: check the layer sizes "
                          "and the input shape.")
    num_classes = int(np.max(y_train)) + 1
    outputs = np.asarray(model.predict(x_test, batch_size=1000, verbose=0))
    if outputs.shape != (len(x_test), num_classes):
        return fail(name, f"the model gives outputs of shape {outputs.shape}; it needs one score per class, "
                          f"({len(x_test)}, {num_classes}).")
    if seconds > time_limit:
        return fail(name, f"training took {seconds:.0f} s, more than {time_limit:.0f} s; "
                          "fewer epochs or a smaller network will do.")
    accuracy = float(np.mean(np.argmax(outputs, axis=1) == y_test))
    if accuracy < at_least:
        return fail(name, f"test accuracy {accuracy:.4f} is below {at_least}. {low_hint}")
    language.show(f"✓ {name}: at least {at_least} (trained in the time limit).")
    return Verdict(True)


def check_function(name, function, cases, *, hint, forbidden=()):
    """Run the student's ``function`` on fresh inputs and print whether every result is right.

    A build-it exercise asks for a function, not a number, so a value copied from the
    chapter cannot pass. ``cases`` holds ``(args, judge)`` pairs: the check calls
    ``function(*args)`` and ``judge(result)`` returns None when the result is right, else
    what is wrong (usually :func:`diagnose`'s answer). An exception in the student's code
    is reported with its type and message instead of a traceback, and a call of one of the
    ``forbidden`` functions (dotted paths, see :func:`call_answer`) fails. Returns a :class:`Verdict`.
    """
    cases = list(cases)
    for number, (args, judge) in enumerate(cases, start=1):
        result, verdict = call_answer(name, function, *args, hint=hint, forbidden=forbidden)
        if verdict is not None:
            return verdict
        problem = judge(result)
        if problem is not None:
            if problem == NOT_YET:
                problem = f"{NOT_YET} Hint: {hint}"
            return fail(name, f"on test input {number} of {len(cases)}: {problem}")
    language.show(f"✓ {name}: correct on {len(cases)} fresh test inputs.")
    return Verdict(True)
