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
       "Keras 3's `nadam.py` raises β1 from β1/2 to β1 over the first hundred steps")
def test_keras_3_nadam_schedules_beta_1_per_step():
    """Keras 3's Nadam multiplies its ``_u_product`` by u_t = β1(1 − 0.5·0.96^t) at step t; Dozat's paper, Keras 2's
    Nadam (``0.96 ** (0.004 * t)``, ``schedule_decay=0.004``) and PyTorch's NAdam (``momentum_decay=4e-3``) use
    0.96^(t/250)."""
    assert keras.__version__.startswith("3.")
    beta_1, num_steps = 0.9, 100
    optimizer = keras.optimizers.Nadam(beta_1=beta_1)
    variable = keras.Variable(np.array([1.0], np.float32))
    for _ in range(num_steps):
        optimizer.apply_gradients([(keras.ops.convert_to_tensor(2 * variable.numpy()), variable)])
    steps = np.arange(1, num_steps + 1)
    per_step = beta_1 * (1 - 0.5 * 0.96 ** steps)
    assert float(optimizer._u_product.numpy()) == pytest.approx(np.prod(per_step), rel=1e-4)
    assert per_step[0] == pytest.approx(beta_1 * 0.52) and per_step[-1] > 0.99 * beta_1  # β1/2 → β1 in 100 steps
    paper = beta_1 * (1 - 0.5 * 0.96 ** (steps / 250))
    assert paper[-1] < 0.6 * beta_1 and np.prod(paper) < 0.01 * np.prod(per_step)


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
