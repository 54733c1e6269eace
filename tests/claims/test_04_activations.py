"""Chapter 04's claims about TensorFlow's activations and Keras' layers and initialisers, run on the installed versions."""

import inspect

import keras
import numpy as np
import pytest
import tensorflow as tf

from tests.claims import claim

CHAPTER = "04_activations"


@claim(CHAPTER, "## Derivatives: by hand and by `GradientTape`",
       "ReLU has no derivative at exactly 0; TensorFlow uses the left slope there (0, or $\\alpha$).")
def test_relu_derivatives_at_zero_are_the_left_slopes():
    x = tf.constant([0.0], tf.float64)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        relu, leaky = tf.nn.relu(x), tf.nn.leaky_relu(x, alpha=0.2)
    assert float(tape.gradient(relu, x)[0]) == 0.0
    assert float(tape.gradient(leaky, x)[0]) == pytest.approx(0.2, rel=1e-7)


@claim(CHAPTER, "## Derivatives: by hand and by `GradientTape`",
       "TensorFlow stores $\\alpha$ as a float32, 0.2 becomes 0.2000000030.")
def test_leaky_relu_slope_is_a_float32_even_on_float64_inputs():
    x = tf.constant([-1.0], tf.float64)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.nn.leaky_relu(x, alpha=0.2)
    slope = float(tape.gradient(y, x)[0])
    assert slope == float(np.float32(0.2)) != 0.2
    assert f"{slope:.10f}" == "0.2000000030"


@claim(CHAPTER, "### Leaky ReLU (Leaky ReLU 函数)",
       "TensorFlow's default is $\\alpha = 0.2$ (Keras' `LeakyReLU` layer uses a different default, "
       "`negative_slope=0.3`).")
def test_leaky_relu_defaults_differ_between_tensorflow_and_the_keras_layer():
    assert inspect.signature(tf.nn.leaky_relu).parameters["alpha"].default == 0.2
    assert inspect.signature(keras.layers.LeakyReLU).parameters["negative_slope"].default == 0.3
    assert float(keras.layers.LeakyReLU()(tf.constant([-1.0]))[0]) == pytest.approx(-0.3)


@claim(CHAPTER, "### The remedy, measured: Leaky ReLU",
       "(Keras' `activation=\"leaky_relu\"` uses 0.2)")
def test_the_keras_activation_string_leaky_relu_uses_0_2():
    layer = keras.layers.Dense(1, activation="leaky_relu", use_bias=False, kernel_initializer="ones")
    assert float(layer(tf.constant([[-1.0]]))[0, 0]) == pytest.approx(-0.2)


@claim(CHAPTER, "## Vanishing gradients, measured (梯度消失)",
       "identical except for the activation (same Glorot initialisation, same seed)")
def test_dense_layers_start_from_glorot_uniform():
    assert inspect.signature(keras.layers.Dense).parameters["kernel_initializer"].default == "glorot_uniform"


@claim(CHAPTER, "## Dead ReLUs, measured (Dead ReLU 问题)", "with Adam at its usual learning rate 1e-3")
def test_adam_defaults_to_1e_3():
    assert keras.optimizers.Adam().learning_rate.numpy() == pytest.approx(1e-3)


@claim(CHAPTER, "## Advice for beginners (对于初学者的建议)",
       "Keras draws from a normal distribution truncated at two standard deviations, widened so that the standard "
       "deviation after truncation is exactly $\\sqrt{2/n_{in}}$.")
def test_he_normal_is_a_widened_truncated_normal():
    """keras/src/initializers/random_initializers.py: ``HeNormal`` is ``VarianceScaling(scale=2.0,
    mode="fan_in", distribution="truncated_normal")``, whose stddev is sqrt(scale / fan_in) / 0.87962566
    (the standard deviation of a unit normal cut at ±2)."""
    initializer = keras.initializers.HeNormal()
    assert (initializer.scale, initializer.mode, initializer.distribution) == (2.0, "fan_in", "truncated_normal")
    kernel = keras.initializers.HeNormal(seed=7)(shape=(784, 1024)).numpy()
    target = np.sqrt(2 / 784)
    assert kernel.std() == pytest.approx(target, rel=0.01)
    assert np.abs(kernel).max() <= 2 * target / 0.87962566 + 1e-6  # cut at two (widened) standard deviations
    assert np.abs(kernel).max() > 2 * target  # ...which lies beyond two of the target's
