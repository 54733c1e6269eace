"""Chapter 07's sentences about keras.optimizers, run on the installed versions."""

import keras
import numpy as np
import pytest

from course_lib import optimizers
from tests.claims import claim

CHAPTER = "07_optimizers"


@claim(CHAPTER, "## The same five in Keras' formulas (Keras 的写法)",
       "`keras.optimizers` implements the same ideas with four differences, read from")
def test_keras_defaults_of_the_table():
    """The table's Keras column: AdaGrad's accumulator starts at 0.1, ε = 1e-7, RMSprop's β is rho."""
    adagrad = keras.optimizers.Adagrad()
    assert adagrad.initial_accumulator_value == pytest.approx(0.1) and adagrad.epsilon == pytest.approx(1e-7)
    rmsprop = keras.optimizers.RMSprop()
    assert rmsprop.epsilon == pytest.approx(1e-7) and rmsprop.rho == pytest.approx(0.9)
    assert not keras.optimizers.SGD().nesterov and keras.optimizers.SGD().momentum == 0.0


@claim(CHAPTER, "## The same five in Keras' formulas (Keras 的写法)",
       "Without ε, Keras' Adam is the course's Adam rearranged; ε = 1e-7 sits in a different place")
def test_keras_epsilon_defaults_are_1e_minus_7():
    for name in ("Adagrad", "RMSprop", "Adam", "Adadelta", "Nadam", "AdamW"):
        assert getattr(keras.optimizers, name)().epsilon == pytest.approx(1e-7), name


def _assert_match_over_100_steps(name):
    num_steps = 100
    differences = optimizers.compare_with_keras(name, num_steps=num_steps)
    assert len(differences) == num_steps
    # Float32 round-off adds up to about one unit in the last place (1e-7 for weights near 1) a step,
    # depending on the random start; a formula that differs is off by far more
    # (tests/test_optimizers.py::test_the_course_form_does_not_match_keras_adagrad).
    bound = 1e-7 * num_steps
    assert differences.max() <= bound, f"largest weight difference {differences.max():.3g} > {bound:g}"


@claim(CHAPTER, "## Summary (小结)", "Our Keras forms match `keras.optimizers` step for step over 100 steps.")
@pytest.mark.parametrize("name", optimizers.NAMES)
def test_keras_forms_match_keras_over_100_steps(name):
    _assert_match_over_100_steps(name)


@claim(CHAPTER, "## Summary (小结)", "Our Keras forms of all four match Keras.")
@pytest.mark.parametrize("name", list(optimizers.MORE_COURSE_OPTIMIZERS))
def test_keras_forms_of_the_four_match_keras(name):
    """Nadam's growing β1 (u_t) and AdamW's decay of every weight before Adam's step included."""
    _assert_match_over_100_steps(name)


@claim(CHAPTER, "## The four the course only names: NAG, AdaDelta, Nadam, AdamW",
       "Keras still multiplies by one, **0.001 by default**, which makes `keras.optimizers.Adadelta()` very slow "
       "unless you pass `learning_rate=1.0`")
def test_adadelta_default_learning_rate_is_slow():
    assert float(keras.optimizers.Adadelta().learning_rate) == pytest.approx(0.001)
    moved = {}
    for rate in (0.001, 1.0):
        variable = keras.Variable(np.array([1.0], np.float32))
        optimizer = keras.optimizers.Adadelta(learning_rate=rate)
        for _ in range(100):
            optimizer.apply_gradients([(keras.ops.convert_to_tensor(2 * variable.numpy()), variable)])  # x²
        moved[rate] = 1.0 - float(variable.numpy()[0])
    assert moved[0.001] < 1e-3 * moved[1.0] * 10 and moved[1.0] > 0.01


@claim(CHAPTER, "## Summary (小结)", "AdaDelta needs no learning rate (Keras' default of 0.001 is a trap)")
def test_the_summary_restates_adadelta_default():
    assert float(keras.optimizers.Adadelta().learning_rate) == pytest.approx(0.001)


@claim(CHAPTER, "## Summary (小结)",
       "the old `lr=` argument of the source is now `learning_rate=`")
def test_lr_is_refused_and_learning_rate_accepted():
    for name in ("SGD", "Adagrad", "RMSprop", "Adam"):
        assert float(getattr(keras.optimizers, name)(learning_rate=0.1).learning_rate) == pytest.approx(0.1)
        with pytest.raises(ValueError, match="lr"):
            getattr(keras.optimizers, name)(lr=0.1)
    assert keras.optimizers.SGD(learning_rate=0.1, momentum=0.9).momentum == pytest.approx(0.9)
