"""Lazy answers to chapter 04's exercises: numbers from the page, TensorFlow's or Keras' own functions handed in."""

import keras
import numpy as np
import scipy.special
import tensorflow as tf

from course_lib.exercises import activations as exercises


def silu_derivative_by_hand(x):
    s = tf.nn.sigmoid(x)
    return s * (1 + x * (1 - s))


def silu_derivative_by_tape(x):
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * tf.nn.sigmoid(x)
    return tape.gradient(y, x)


def _naive_softmax(z):
    with np.errstate(over="ignore", invalid="ignore"):
        return np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True)


def _the_pages_softmax(z):
    return np.array([0.659, 0.2424, 0.0986])  # softmax(2, 1, 0.1) as the chapter prints it, whatever z


LAZY = {
    "check_tanh_derivative": [
        ("tanh's largest derivative, 1.0000, printed in the derivatives table", lambda: exercises.check_tanh_derivative(1.0)),
        ("the sigmoid's bound 0.25 from the prose", lambda: exercises.check_tanh_derivative(0.25)),
        ("tf.constant of tanh(1) itself", lambda: exercises.check_tanh_derivative(tf.constant(np.tanh(1.0)))),
    ],
    "check_softmax": [
        ("tf.nn.softmax handed in", lambda: exercises.check_softmax(tf.nn.softmax)),
        ("tf.nn.softmax inside a wrapper", lambda: exercises.check_softmax(lambda z: tf.nn.softmax(z).numpy())),
        ("keras.activations.softmax inside a wrapper",
         lambda: exercises.check_softmax(lambda z: keras.activations.softmax(tf.constant(z)).numpy())),
        ("a keras.layers.Softmax layer", lambda: exercises.check_softmax(lambda z: keras.layers.Softmax()(z).numpy())),
        ("scipy.special.softmax", lambda: exercises.check_softmax(lambda z: scipy.special.softmax(z, axis=-1))),
        ("the formula as written, which overflows", lambda: exercises.check_softmax(_naive_softmax)),
        ("the page's softmax(2, 1, 0.1) whatever the logits", lambda: exercises.check_softmax(_the_pages_softmax)),
    ],
    "check_he_std": [
        ("sqrt(2 / 784) = 0.0505, printed for the first layer", lambda: exercises.check_he_std(0.0505)),
        ("the first layer's value at full precision", lambda: exercises.check_he_std(np.sqrt(2 / 784))),
        ("tf.constant of the variance 2 / 256", lambda: exercises.check_he_std(tf.constant(2 / 256))),
    ],
    "check_silu": [
        ("tf.nn.silu handed in", lambda: exercises.check_silu(tf.nn.silu, silu_derivative_by_hand)),
        ("tf.nn.swish inside a wrapper",
         lambda: exercises.check_silu(lambda x: tf.nn.swish(x), silu_derivative_by_hand)),
        ("keras.activations.silu inside a wrapper",
         lambda: exercises.check_silu(lambda x: keras.activations.silu(x), silu_derivative_by_hand)),
        ("keras.ops.silu inside a wrapper",
         lambda: exercises.check_silu(lambda x: keras.ops.silu(x), silu_derivative_by_hand)),
        ("Keras' silu looked up by name",
         lambda: exercises.check_silu(lambda x: keras.activations.get("silu")(x), silu_derivative_by_hand)),
        ("the derivative by GradientTape, not by hand",
         lambda: exercises.check_silu(lambda x: x * tf.nn.sigmoid(x), silu_derivative_by_tape)),
    ],
}
