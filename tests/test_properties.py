"""Property-based tests (Hypothesis) of the library's maths and of its answers to bad input.

The maths is checked against an independent implementation (Keras, NumPy) on inputs
Hypothesis chooses, and every bad value must get a ValueError or TypeError naming the
argument: never a silent NaN, never a TensorFlow traceback from deep inside.
"""

import math

import keras
import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from course_lib import activations, forward, losses, optimizers, schedules, tensors, validate, welcome

#: TensorFlow calls are slow to start, so fewer examples than Hypothesis' default 100, and no deadline.
settings.register_profile("course", max_examples=40, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("course")

finite_floats = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False, width=32)
not_a_number = st.one_of(st.text(max_size=5), st.none(), st.booleans(), st.lists(st.integers(), max_size=2),
                         st.just(math.nan), st.just(math.inf), st.just(-math.inf))


def logits_and_labels(max_classes=6):
    """A batch of logits and one-hot labels of the same shape."""
    return st.integers(2, max_classes).flatmap(lambda classes: st.integers(1, 5).flatmap(
        lambda rows: st.tuples(
            hnp.arrays(np.float32, (rows, classes), elements=finite_floats),
            st.lists(st.integers(0, classes - 1), min_size=rows, max_size=rows).map(
                lambda labels: np.eye(classes, dtype=np.float32)[labels]))))


# --- validate: the one place argument checks live --------------------------------------


@given(not_a_number, st.sampled_from([validate.positive, validate.non_negative, validate.finite]))
def test_every_number_check_names_the_argument(value, check):
    with pytest.raises(ValueError, match="learning_rate must"):
        check("learning_rate", value)


@given(st.floats(1e-12, 1e12))
def test_a_positive_number_passes_unchanged(value):
    assert validate.positive("learning_rate", value) == value


@given(st.one_of(not_a_number, st.integers(max_value=0), st.floats(allow_nan=False)))
def test_positive_int_takes_only_whole_numbers_from_one(value):
    with pytest.raises(ValueError, match="num_epochs must be a whole number"):
        validate.positive_int("num_epochs", value)


# --- schedules --------------------------------------------------------------------------


@given(base=st.floats(1e-4, 10.0), rate=st.floats(0.01, 1.0), decay_steps=st.integers(1, 1000),
       step=st.integers(0, 5000), staircase=st.booleans())
def test_exponential_decay_is_keras_exponential_decay(base, rate, decay_steps, step, staircase):
    # Keras computes in float32: compare on the float32 values of the arguments (found by Hypothesis:
    # rate 0.99999 rounds to 0.99998999, which over 737 steps moves the rate by 1e-5 relative).
    base, rate = float(np.float32(base)), float(np.float32(rate))
    ours = schedules.exponential_decay(base, rate, decay_steps, step, staircase=staircase)
    theirs = keras.optimizers.schedules.ExponentialDecay(base, decay_steps, rate, staircase=staircase)(step)
    assert ours == pytest.approx(float(theirs), rel=1e-5, abs=1e-30)


@given(base=st.floats(1e-4, 10.0), rate=st.floats(0.01, 1.0), decay_steps=st.integers(1, 100),
       steps=st.lists(st.integers(0, 1000), min_size=2, max_size=20))
def test_a_decayed_rate_never_grows(base, rate, decay_steps, steps):
    rates = schedules.exponential_decay(base, rate, decay_steps, sorted(steps))
    assert np.all(np.diff(rates) <= 1e-12) and np.all(rates <= base)


@given(not_a_number, st.sampled_from(["base_learning_rate", "decay_rate", "decay_steps"]))
def test_exponential_decay_names_a_bad_argument(value, name):
    arguments = {"base_learning_rate": 0.1, "decay_rate": 0.9, "decay_steps": 10, name: value}
    with pytest.raises(ValueError, match=name):
        schedules.exponential_decay(step=3, **arguments)


# --- losses -----------------------------------------------------------------------------


@given(logits_and_labels())
def test_the_stable_cross_entropy_is_keras_from_logits_and_never_overflows(data):
    logits, labels = data
    ours = losses.stable_softmax_cross_entropy(labels, logits)
    theirs = keras.losses.CategoricalCrossentropy(from_logits=True, reduction=None)(labels, logits)
    assert np.all(np.isfinite(ours)) and np.all(ours >= -1e-6)
    np.testing.assert_allclose(ours, np.asarray(theirs), rtol=1e-4, atol=1e-3)


@given(logits_and_labels(), st.floats(-50.0, 50.0))
def test_cross_entropy_of_logits_ignores_a_shift_of_every_logit(data, shift):
    logits, labels = data
    shifted = logits + np.float32(shift)
    assert float(losses.cross_entropy_of_logits(labels, shifted)) == pytest.approx(
        float(losses.cross_entropy_of_logits(labels, logits)), rel=1e-3, abs=1e-2)


@given(st.integers(1, 4).flatmap(lambda n: st.tuples(hnp.arrays(np.float64, (n, 3), elements=finite_floats),
                                                     hnp.arrays(np.float64, (n, 3), elements=finite_floats))))
def test_mse_is_the_mean_square_symmetric_and_zero_only_on_equal_arrays(pair):
    a, b = pair
    value = float(losses.mse(a, b))
    assert value == pytest.approx(np.mean((a - b) ** 2), rel=1e-9)
    assert value == pytest.approx(float(losses.mse(b, a)), rel=1e-12)
    assert (value == 0.0) == np.array_equal(a, b)


@given(st.sampled_from([math.nan, math.inf, -math.inf]), st.sampled_from(["y_true", "logits"]))
def test_the_cross_entropies_name_a_value_that_is_not_finite(bad, name):
    arrays = {"y_true": np.array([[1.0, 0.0]]), "logits": np.array([[0.5, 2.0]])}
    arrays[name] = np.where(np.eye(2)[:1] == 1, bad, arrays[name])
    for function in (losses.stable_softmax_cross_entropy, losses.naive_softmax_cross_entropy):
        with pytest.raises(ValueError, match=f"{name} must hold finite numbers"):
            function(arrays["y_true"], arrays["logits"])


@given(st.integers(1, 5), st.integers(1, 5))
def test_arrays_of_different_shapes_are_refused_not_broadcast(rows, columns):
    assume(rows != columns)
    with pytest.raises(ValueError, match="must match"):
        losses.mse(np.zeros((rows, 1)), np.zeros(columns))


# --- activations ------------------------------------------------------------------------


@given(st.sampled_from(activations.ACTIVATION_NAMES),
       hnp.arrays(np.float64, st.integers(1, 20), elements=st.floats(-30, 30, allow_subnormal=False)),
       st.floats(0.0, 1.0))
def test_the_derivative_by_hand_is_the_tapes(name, x, alpha):
    # Subnormal x are left out: TensorFlow flushes them to 0 on this CPU, so ReLU's tape slope at
    # 2e-311 is 0 (the slope at 0), where the formula says 1 (found by Hypothesis).
    np.testing.assert_allclose(activations.analytic_derivative(name, x, alpha),
                               activations.tape_derivative(name, x, alpha), atol=1e-6)


@given(hnp.arrays(np.float64, st.integers(1, 20), elements=st.floats(-20, 20)))
def test_tanh_is_a_stretched_sigmoid(x):
    sigmoid = activations.activation("sigmoid", 2.0 * x).numpy()
    np.testing.assert_allclose(activations.activation("tanh", x).numpy(), 2.0 * sigmoid - 1.0, atol=1e-12)


@given(hnp.arrays(np.float64, st.integers(2, 8), elements=st.floats(-50, 50)),
       st.floats(0.05, 20.0), st.floats(-100, 100))
def test_softmax_sums_to_one_and_ignores_a_shift(logits, temperature, shift):
    probabilities = activations.softmax_probabilities(logits, temperature)["probabilities"]
    shifted = activations.softmax_probabilities(logits + shift, temperature)["probabilities"]
    assert np.sum(probabilities) == pytest.approx(1.0) and np.all(probabilities >= 0)
    np.testing.assert_allclose(probabilities, shifted, atol=1e-9)


@given(st.one_of(st.text(max_size=5), st.none(), st.lists(st.text(min_size=1), min_size=1, max_size=2)))
def test_an_activation_of_something_that_is_not_numbers_names_x(x):
    with pytest.raises(TypeError, match="x must"):
        activations.activation("relu", x)


# --- optimizers: the hand-written Keras forms against keras.optimizers -------------------


@settings(max_examples=12)
@given(name=st.sampled_from(optimizers.NAMES),
       learning_rate=st.floats(1e-4, 0.5),
       gradients=hnp.arrays(np.float32, (4, 3, 2), elements=st.floats(-10, 10, width=32)))
def test_each_keras_form_takes_the_steps_of_the_real_keras_optimizer(name, learning_rate, gradients):
    ours, theirs = optimizers.keras_pair(name, learning_rate=learning_rate)
    weight = np.linspace(-1.0, 1.0, 6, dtype=np.float32).reshape(3, 2)
    variable = keras.Variable(weight)
    for gradient in gradients:
        weight, = ours.step([weight], [gradient])
        theirs.apply_gradients([(keras.ops.convert_to_tensor(gradient), variable)])
    np.testing.assert_allclose(weight, variable.numpy(), rtol=1e-4, atol=1e-5)


# --- tensors: the broadcasting explainer against NumPy ----------------------------------


@given(hnp.array_shapes(min_dims=0, max_dims=4, min_side=1, max_side=4),
       hnp.array_shapes(min_dims=0, max_dims=4, min_side=1, max_side=4))
def test_the_broadcast_explainer_agrees_with_numpy(shape_a, shape_b):
    explained = tensors.explain_broadcast(shape_a, shape_b)
    try:
        expected = np.broadcast_shapes(shape_a, shape_b)
    except ValueError:
        expected = None
    assert explained["result"] == expected
    assert explained["result"] == tensors.explain_broadcast(", ".join(map(str, shape_a)),
                                                            f"({', '.join(map(str, shape_b))})")["result"]


@given(st.text(max_size=8))
def test_a_typed_shape_is_a_shape_or_a_clear_error(text):
    try:
        shape = tensors.parse_shape(text)
    except ValueError as error:
        assert "shape" in str(error) or "size" in str(error)
    else:
        assert all(isinstance(size, int) and size >= 1 for size in shape)


# --- bad input everywhere: a message naming the argument -------------------------------

#: (function, good keyword arguments, the argument that gets the bad value).
PUBLIC_CALLS = [
    (welcome.line_fit, {"w": 0.5, "b": 0.0}, "w"),
    (welcome.line_fit, {"w": 0.5, "b": 0.0}, "b"),
    (schedules.regime, {"learning_rate": 0.2}, "learning_rate"),
    (schedules.decay_run, {"base_learning_rate": 0.2}, "base_learning_rate"),
    (schedules.decay_run, {"decay_rate": 0.99}, "decay_rate"),
    (schedules.decay_run, {"num_epochs": 40}, "num_epochs"),
    (schedules.regimes, {"learning_rate": 0.2}, "learning_rate"),
    (losses.probability_losses, {"probability": 0.3}, "probability"),
    (forward.dense_parameter_count, {"inputs": 784, "units": 256}, "units"),
    (activations.curves, {"alpha": 0.2}, "alpha"),
    (activations.curves, {"num_points": 11}, "num_points"),
    (activations.softmax_probabilities, {"temperature": 1.0}, "temperature"),
    (optimizers.race, {"learning_rate": 0.1, "num_steps": 5}, "learning_rate"),
    (optimizers.race, {"learning_rate": 0.1, "num_steps": 5}, "num_steps"),
    (optimizers.race, {"learning_rate": 0.1, "num_steps": 5, "beta1": 0.9}, "beta1"),
    (optimizers.SGDM, {"learning_rate": 0.1}, "learning_rate"),
]
bad_values = st.one_of(not_a_number, st.just(-1), st.just(0.0), st.just(1e300), st.just(-1e300),
                       st.just(""), st.just([]), st.just(np.array([1.0, 2.0])))


@pytest.mark.parametrize("function, arguments, name", PUBLIC_CALLS,
                         ids=[f"{f.__module__.split('.')[-1]}.{f.__name__}({n})" for f, _, n in PUBLIC_CALLS])
@settings(max_examples=15)
@given(value=bad_values)
def test_a_bad_argument_is_named_or_the_result_is_finite(function, arguments, name, value):
    try:
        result = function(**{**arguments, name: value})
    except (ValueError, TypeError) as error:
        assert name in str(error), f"{function.__name__}({name}={value!r}) says {error!r}"
        return
    # Accepted: then every number in the result must be finite (a huge w may not silently give inf).
    numbers = [v for v in (result.values() if isinstance(result, dict) else [result])
               if isinstance(v, (float, np.ndarray)) and np.asarray(v).dtype.kind == "f"]
    assert all(np.all(np.isfinite(v)) for v in numbers), f"{function.__name__}({name}={value!r}) gave {result!r}"


# --- every exercise check: a verdict line for any input, never a crash ----------------------

import contextlib  # noqa: E402
import importlib  # noqa: E402
import inspect  # noqa: E402
import io  # noqa: E402
import pathlib  # noqa: E402

import tensorflow as tf  # noqa: E402


def _raises(*args, **kwargs):
    return 1 / 0


def _no_return(*args, **kwargs):
    pass


class _Odd:
    """An object a check cannot make sense of."""


#: Values a careless or curious student may hand to any check: wrong kinds, wrong sizes, non-numbers,
#: functions that raise, return nothing, text, NaN or a number too large for a float.
ODD_ANSWERS = st.one_of(
    st.sampled_from([None, "784", b"784", 10 ** 400, -(10 ** 400), 784 + 5j, np.complex128(1j), math.nan, math.inf,
                     True, [], [[1.0, 2.0], [3.0]], [None, 1.0], {"answer": 1}, _Odd(), _Odd, np.zeros((0,)),
                     np.ones((3, 3, 3)), np.array(["a", "b"]), tf.constant(["a"]), tf.ones((2, 2)),
                     _raises, _no_return, lambda *args, **kwargs: "text", lambda *args, **kwargs: math.nan,
                     lambda *args, **kwargs: 10 ** 400, lambda: 1.0, print, ...]),
    st.integers(-10 ** 30, 10 ** 30), st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=4),
    st.lists(st.floats(-1e6, 1e6), max_size=4))

#: The chapter's data that two checks take beside the answer, made small.
_RNG = np.random.RandomState(0)
CHAPTER_DATA = {"probabilities": _RNG.dirichlet(np.ones(10), 30), "labels": _RNG.randint(0, 10, 30),
                "logits": _RNG.normal(size=(8, 10)).astype(np.float32),
                "y_one_hot": np.eye(10, dtype=np.float32)[_RNG.randint(0, 10, 8)]}


def _every_check():
    for path in sorted((pathlib.Path(__file__).parent.parent / "course_lib" / "exercises").glob("[a-z]*.py")):
        module = importlib.import_module(f"course_lib.exercises.{path.stem}")
        for name in sorted(n for n in vars(module) if n.startswith("check_")):
            yield pytest.param(getattr(module, name), id=f"{path.stem}.{name}")


@pytest.mark.parametrize("check", list(_every_check()))
@settings(max_examples=15, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(data=st.data())
def test_every_check_prints_a_verdict_for_any_input_and_never_raises(check, data):
    parameters = [p for p in inspect.signature(check).parameters.values() if p.default is p.empty]
    arguments = {p.name: CHAPTER_DATA[p.name] if p.name in CHAPTER_DATA else data.draw(ODD_ANSWERS, label=p.name)
                 for p in parameters}
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        verdict = check(**arguments)  # any exception here is a defect of the check
    verdicts = [line for line in printed.getvalue().splitlines() if line[:1] in ("✓", "✗", "○")]
    assert verdicts, printed.getvalue()  # (an answer such as print may print lines of its own before)
    assert bool(verdict) == all(line.startswith("✓") for line in verdicts), printed.getvalue()
