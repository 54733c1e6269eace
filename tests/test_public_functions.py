"""Every public function of the library, given what a careless student might pass, answers clearly.

Each function of the topic modules is called with every required argument set to one
of the values below (None, text, a negative number, an integer too large for a float,
NaN, a complex number, an empty list, arrays of the wrong shape...). The only acceptable
failures are a ``ValueError`` or a ``TypeError``: an ``AttributeError``, an
``IndexError``, an ``OverflowError`` or a TensorFlow error from deep inside is a defect.
A function may also return, when the value is one it can take.

:data:`NOT_YET` lists the functions that still fail this way, with what they raise: the
test fails when one of them is fixed (so the list only shrinks) and when any other
function starts failing.
"""

import importlib
import inspect
import math
import pkgutil
import signal

import numpy as np
import pytest

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

#: Functions that still fail with a careless value, and what they raise (issue #28, left to do).
NOT_YET = {
    'course_lib.activations.dead_unit_fractions': "text: AttributeError: 'str' object has no attribute 'layers'",
    'course_lib.activations.layer_gradient_norms': "None: AttributeError: 'NoneType' object has no attribute 'layers'",
    'course_lib.activations.parse_logits': '10**400: OverflowError: int too large to convert to float',
    'course_lib.activations.softmax_jacobians': '10**400: OverflowError: int too large to convert to float',
    'course_lib.activations.tape_derivative': '10**400: OverflowError: int too large to convert to float',
    'course_lib.autodiff.numerical_gradient': '10**400: OverflowError: int too large to convert to float',
    'course_lib.autodiff.relative_error': '10**400: OverflowError: int too large to convert to float',
    'course_lib.autodiff.step_size_figure': "None: AttributeError: 'NoneType' object has no attribute 'items'",
    'course_lib.classifiers.compile_fashion_model': "None: AttributeError: 'NoneType' object has no attribute 'compile'",
    'course_lib.classifiers.compile_like_source': "None: AttributeError: 'NoneType' object has no attribute 'compile'",
    'course_lib.classifiers.overfitting_figure': "None: AttributeError: 'NoneType' object has no attribute 'items'",
    'course_lib.classifiers.overfitting_fixes': "empty array: KeyError: 'pop from an empty set'",
    'course_lib.classifiers.predict_probabilities': "None: AttributeError: 'NoneType' object has no attribute 'predict'",
    'course_lib.debugging.health_report': '10**400: OverflowError: int too large to convert to float',
    'course_lib.debugging.overfit_one_batch': '10**400: OverflowError: int too large to convert to float',
    'course_lib.debugging.softmax_cross_entropy_on_probabilities': 'text: UnimplementedError: {{function_node __wrapped__Cast_device_/job:localhost/replica:0/',
    'course_lib.fitting.boundaries_figure': "text: AttributeError: 'str' object has no attribute 'items'",
    'course_lib.fitting.classifier_result': "None: AttributeError: 'NoneType' object has no attribute 'probability'",
    'course_lib.fitting.decision_grid': "None: AttributeError: 'NoneType' object has no attribute 'probability'",
    'course_lib.fitting.draw_boundary': 'empty array: IndexError: only integers, slices (`:`), ellipsis (`...`), numpy.newaxis (`No',
    'course_lib.fitting.early_stopping_figure': 'empty array: IndexError: only integers, slices (`:`), ellipsis (`...`), numpy.newaxis (`No',
    'course_lib.fitting.error_curve_figure': 'empty array: IndexError: only integers, slices (`:`), ellipsis (`...`), numpy.newaxis (`No',
    'course_lib.fitting.fit_polynomial': '10**400: OverflowError: int too large to convert to float',
    'course_lib.fitting.learning_curves_figure': 'empty array: IndexError: only integers, slices (`:`), ellipsis (`...`), numpy.newaxis (`No',
    'course_lib.fitting.mean_squared_error': '10**400: OverflowError: int too large to convert to float',
    'course_lib.fitting.polynomial_features': '10**400: OverflowError: int too large to convert to float',
    'course_lib.fitting.predict_polynomial': '10**400: OverflowError: int too large to convert to float',
    'course_lib.fitting.target_curve': '10**400: OverflowError: int too large to convert to float',
    'course_lib.fitting.weight_histograms_figure': "text: AttributeError: 'str' object has no attribute 'items'",
    'course_lib.forward.gradient_size_figure': "text: AttributeError: 'str' object has no attribute 'items'",
    'course_lib.forward.max_difference': 'empty list: IndexError: list index out of range',
    'course_lib.forward.tape_gradients': '2x3 zeros: InvalidArgumentError: {{function_node __wrapped____MklMatMul_device_/job:localh',
    'course_lib.optimizers.fixed_budget.budget_figure': '2x3 zeros: IndexError: arrays used as indices must be of integer (or boolean) type',
    'course_lib.optimizers.fixed_budget.budget_race': '2x3 zeros: IndexError: tuple index out of range',
    'course_lib.optimizers.keras_forms.adam_update': "None: AttributeError: 'NoneType' object has no attribute 'dtype'",
    'course_lib.optimizers.surfaces.draw_paths': 'empty array: IndexError: only integers, slices (`:`), ellipsis (`...`), numpy.newaxis (`No',
    'course_lib.optimizers.surfaces.draw_surface': "None: AttributeError: 'NoneType' object has no attribute 'x_range'",
    'course_lib.optimizers.surfaces.trajectories_figure': '2x3 zeros: IndexError: only integers, slices (`:`), ellipsis (`...`), numpy.newaxis (`None',
    'course_lib.optimizers.training_by_hand.apply_step': "None: AttributeError: 'NoneType' object has no attribute 'trainable_variables'",
    'course_lib.optimizers.training_by_hand.iris_loss_figure': "text: AttributeError: 'str' object has no attribute 'losses'",
    'course_lib.optimizers.training_by_hand.train_by_hand': "empty list: AttributeError: 'list' object has no attribute 'trainable_variables'",
    'course_lib.optimizers.training_by_hand.train_iris': "None: AttributeError: 'NoneType' object has no attribute 'get_state'",
    'course_lib.schedules.constant_versus_decay': '10**400: OverflowError: int too large to convert to float',
    'course_lib.schedules.curvature_figure': '2x3 zeros: IndexError: only integers, slices (`:`), ellipsis (`...`), numpy.newaxis (`None',
    'course_lib.schedules.curvature_limit': '10**400: OverflowError: int too large to convert to float',
    'course_lib.schedules.gradient_descent': '10**400: OverflowError: int too large to convert to float',
    'course_lib.schedules.loss_of': '10**400: OverflowError: int too large to convert to float',
    'course_lib.schedules.noise_figure': "None: AttributeError: 'NoneType' object has no attribute 'items'",
    'course_lib.schedules.noisy_descent': '10**400: OverflowError: int too large to convert to float',
    'course_lib.schedules.quadratic_descent': '10**400: OverflowError: int too large to convert to float',
    'course_lib.schedules.range_test_figure': 'empty array: IndexError: only integers, slices (`:`), ellipsis (`...`), numpy.newaxis (`No',
    'course_lib.schedules.rate_comparison_figure': '2x3 zeros: IndexError: only integers, slices (`:`), ellipsis (`...`), numpy.newaxis (`None',
    'course_lib.schedules.smooth': '10**400: OverflowError: int too large to convert to float',
    'course_lib.schedules.trace_line': '10**400: OverflowError: int too large to convert to float',
    'course_lib.tensors.describe': 'empty array: IndexError: only integers, slices (`:`), ellipsis (`...`), numpy.newaxis (`No',
}


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


def required_parameters(function):
    return [parameter.name for parameter in inspect.signature(function).parameters.values()
            if parameter.default is parameter.empty
            and parameter.kind in (parameter.POSITIONAL_ONLY, parameter.POSITIONAL_OR_KEYWORD, parameter.KEYWORD_ONLY)]


class TookTooLong(Exception):
    pass


def _too_long(signum, frame):
    raise TookTooLong()


def careless_failures(function):
    """What ``function`` raises, other than ValueError and TypeError, for each careless value: {value name: error}."""
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
    finally:
        signal.signal(signal.SIGALRM, previous)
    return failures


FUNCTIONS = public_functions()


def test_every_module_of_the_library_is_looked_at():
    modules = {name.rsplit(".", 1)[0] for name, _ in FUNCTIONS}
    assert {"course_lib.training", "course_lib.losses", "course_lib.forward", "course_lib.validate"} <= modules
    assert len(FUNCTIONS) > 100
    assert set(NOT_YET) <= {name for name, _ in FUNCTIONS}, "NOT_YET names a function that is gone"


@pytest.mark.parametrize("name, function", FUNCTIONS, ids=[name for name, _ in FUNCTIONS])
def test_a_careless_argument_gets_a_value_error_or_a_type_error(name, function):
    failures = careless_failures(function)
    if name in NOT_YET:
        assert failures, f"{name} now answers every careless value: take it out of NOT_YET"
    else:
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
