"""Chapter 03's claims about Keras' learning-rate schedules and optimizers, run on the installed versions."""

import inspect

import keras
import numpy as np
import pytest
import tensorflow as tf

from tests.claims import claim

CHAPTER = "03_learning_rate"


@claim(CHAPTER, "## The same schedule in Keras",
       "Keras ships the formula as `keras.optimizers.schedules.ExponentialDecay(initial_learning_rate, "
       "decay_steps, decay_rate, staircase=False)`")
def test_exponential_decay_is_the_formula_with_staircase_off_by_default():
    parameters = inspect.signature(keras.optimizers.schedules.ExponentialDecay).parameters
    assert list(parameters)[:4] == ["initial_learning_rate", "decay_steps", "decay_rate", "staircase"]
    assert parameters["staircase"].default is False
    schedule = keras.optimizers.schedules.ExponentialDecay(initial_learning_rate=0.3, decay_steps=7, decay_rate=0.6)
    steps = np.array([0, 1, 3, 7, 10, 20])
    rates = np.array([float(schedule(tf.constant(step, tf.int64))) for step in steps])
    np.testing.assert_allclose(rates, 0.3 * 0.6 ** (steps / 7), rtol=1e-6)


@claim(CHAPTER, "## Exponential decay (指数衰减学习率)",
       "With **staircase** the exponent is rounded down")
def test_keras_staircase_rounds_the_exponent_down():
    schedule = keras.optimizers.schedules.ExponentialDecay(0.2, decay_steps=10, decay_rate=0.9, staircase=True)
    steps = np.array([0, 9, 10, 19, 20, 25])
    rates = np.array([float(schedule(step)) for step in steps])
    np.testing.assert_allclose(rates, 0.2 * 0.9 ** np.floor(steps / 10), rtol=1e-6)
    assert rates[1] == rates[0] and rates[2] < rates[1]  # flat for 10 steps, then a drop


@claim(CHAPTER, "## The same schedule in Keras", "Keras 3 no longer accepts the old `lr=` keyword")
def test_keras_3_refuses_lr():
    """Keras 2 (``keras/optimizers/optimizer_v2/optimizer_v2.py``, ``OptimizerV2.__init__``) accepted ``lr``
    with the warning "The `lr` argument is deprecated, use `learning_rate` instead."; Keras 3 raises."""
    assert keras.__version__.startswith("3.")
    with pytest.raises(ValueError, match="lr"):
        keras.optimizers.SGD(lr=0.1)
    assert float(keras.optimizers.SGD(learning_rate=0.1).learning_rate) == pytest.approx(0.1)


@claim(CHAPTER, "## The same schedule in Keras", "Keras counts **optimizer steps** (batches), not epochs")
def test_a_schedule_counts_optimizer_steps_in_fit():
    keras.utils.set_random_seed(0)
    schedule = keras.optimizers.schedules.ExponentialDecay(0.1, decay_steps=1, decay_rate=0.5)
    model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1)])
    optimizer = keras.optimizers.SGD(learning_rate=schedule)
    model.compile(optimizer=optimizer, loss="mse")
    x, y = np.ones((12, 2), np.float32), np.ones((12, 1), np.float32)
    model.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0)  # 3 batches per epoch
    assert int(optimizer.iterations) == 6
    assert float(optimizer.learning_rate) == pytest.approx(0.1 * 0.5 ** 6)


@claim(CHAPTER, "## The same schedule in Keras",
       "(Keras computes in float32, so the two differ in the 8th decimal.)")
def test_keras_schedule_is_float32_and_differs_from_float64_in_the_8th_decimal():
    schedule = keras.optimizers.schedules.ExponentialDecay(0.2, decay_steps=1, decay_rate=0.99)
    steps = np.arange(40)
    rates = [schedule(step) for step in steps]
    assert all(rate.dtype == tf.float32 for rate in rates)
    difference = np.max(np.abs(np.array([float(rate) for rate in rates]) - 0.2 * 0.99 ** steps))
    assert 1e-8 <= difference < 1e-7


@claim(CHAPTER, "## Exercise 4 (build it): your own exponential-decay schedule",
       "An optimizer given it as `learning_rate=` calls it before every update with its step count "
       "(`optimizer.iterations`, an integer tensor), inside `fit`'s compiled graph")
def test_fit_calls_the_schedule_with_an_integer_step_inside_its_graph():
    seen = []

    class Recording(keras.optimizers.schedules.LearningRateSchedule):
        def __call__(self, step):
            seen.append((tf.as_dtype(step.dtype), tf.executing_eagerly()))
            return 0.1 * 0.5 ** tf.cast(step, tf.float32)

    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=Recording()), loss="mse")
    model.fit(np.ones((8, 2), np.float32), np.ones((8, 1), np.float32), batch_size=4, epochs=1, verbose=0)
    assert seen and all(dtype.is_integer and not eagerly for dtype, eagerly in seen)
    # before every update: update k (from 0) uses the rate at step k
    w = tf.Variable(5.0)
    optimizer = keras.optimizers.SGD(learning_rate=Recording())
    expected = 5.0
    for step in range(4):
        optimizer.apply_gradients([(tf.constant(1.0), w)])
        expected -= 0.1 * 0.5 ** step
    assert float(w) == pytest.approx(expected)


@claim(CHAPTER, "## Finding a learning rate: the range test (学习率范围测试)",
       "The growing rate is an exponential schedule once more: `ExponentialDecay` with a decay rate above 1")
def test_exponential_decay_takes_a_decay_rate_above_1_and_grows():
    schedule = keras.optimizers.schedules.ExponentialDecay(1e-4, decay_steps=200, decay_rate=1e5)
    rates = [float(schedule(step)) for step in (0, 100, 200)]
    assert rates == pytest.approx([1e-4, 1e-4 * 1e5 ** 0.5, 10.0], rel=1e-5)
