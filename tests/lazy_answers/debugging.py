"""Lazy answers to chapter 11's "find the bug" exercises: the broken code handed back, the chapter's own
healthy network or the check's own derivative handed in, a value for the chapter's inputs only, half a fix,
ready-made standardisers."""

import keras
import numpy as np
import tensorflow as tf
from sklearn.preprocessing import StandardScaler

from course_lib import debugging
from course_lib.exercises import debugging as exercises


def _broken_slope_gradient(w0, x, y):  # the chapter's broken function, handed back as it is
    w = tf.constant(w0)
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean((w * x - y) ** 2)
    return tape.gradient(loss, w)


def _dense(units, initializer="glorot_uniform", activation="relu"):
    return keras.layers.Dense(units, activation=activation, kernel_initializer=initializer)


def _model(first="glorot_uniform", second="glorot_uniform", output=None, units=(64, 64)):
    return keras.Sequential([keras.Input((784,)), _dense(units[0], first),
                             *[_dense(count, second) for count in units[1:]], _dense(10, activation=output)])


def _normal():
    return keras.initializers.RandomNormal(stddev=1.0)


_ONE_MODEL = []


def _the_same_model_every_time():
    if not _ONE_MODEL:
        _ONE_MODEL.append(_model())
    return _ONE_MODEL[0]


def _trained_before_it_is_returned():
    model = _model()
    (x, y), _ = debugging.mnist_slice(num_train=2000, num_test=1)
    model.compile(optimizer=keras.optimizers.Adam(1e-3),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit(x, y, batch_size=64, epochs=3, verbose=0)
    return model


def _keras_normalization(x_train, x_test):
    layer = keras.layers.Normalization()
    layer.adapt(x_train)
    return np.asarray(layer(x_train)), np.asarray(layer(x_test))


def _scikit_learn(x_train, x_test):
    scaler = StandardScaler().fit(x_train)
    return scaler.transform(x_train), scaler.transform(x_test)


def _broken_standardize(x_train, x_test):  # the chapter's broken function, handed back as it is
    mean, std = x_test.mean(), x_test.std()
    return (x_train - mean) / std, (x_test - mean) / std


def _test_statistics(x_train, x_test):
    mean, std = x_test.mean(axis=0), x_test.std(axis=0)
    return (x_train - mean) / std, (x_test - mean) / std


LAZY = {
    "check_slope_gradient": [
        ("the chapter's broken function, unchanged (None)", lambda: exercises.check_slope_gradient(_broken_slope_gradient)),
        ("the check's own derivative handed in",
         lambda: exercises.check_slope_gradient(lambda w0, x, y: exercises._slope_gradient(w0, x, y))),
        ("the derivative at the chapter's w0 = 0.5, x = [1, 2, 3], y = [2, 4, 6] (−14), whatever the input",
         lambda: exercises.check_slope_gradient(lambda w0, x, y: tf.constant(-14.0))),
        ("the loss instead of its gradient",
         lambda: exercises.check_slope_gradient(lambda w0, x, y: tf.reduce_mean((w0 * x - y) ** 2))),
        ("a number instead of a function", lambda: exercises.check_slope_gradient(-14.0)),
    ],
    "check_fixed_model": [
        ("the chapter's healthy network, debugging.mlp", lambda: exercises.check_fixed_model(lambda: debugging.mlp())),
        ("the broken model handed back", lambda: exercises.check_fixed_model(exercises.broken_model)),
        ("only the zero initialisation fixed (trains to 0.53-0.61)",
         lambda: exercises.check_fixed_model(lambda: _model(first=_normal()))),
        ("only the N(0, 1) initialisation fixed (trains to 0.11)",
         lambda: exercises.check_fixed_model(lambda: _model(second="zeros"))),
        ("a softmax added to the output, which Keras' loss silently undoes",
         lambda: exercises.check_fixed_model(lambda: _model(output="softmax"))),
        ("another network that trains: 784-128-10", lambda: exercises.check_fixed_model(lambda: _model(units=(128,)))),
        ("one model returned at every call", lambda: exercises.check_fixed_model(_the_same_model_every_time)),
        ("a model trained before the check trains it", lambda: exercises.check_fixed_model(_trained_before_it_is_returned)),
    ],
    "check_standardize": [
        ("Keras' Normalization layer of section 8", lambda: exercises.check_standardize(_keras_normalization)),
        ("scikit-learn's StandardScaler", lambda: exercises.check_standardize(_scikit_learn)),
        ("the chapter's broken function, unchanged", lambda: exercises.check_standardize(_broken_standardize)),
        ("per feature, but with the test set's statistics", lambda: exercises.check_standardize(_test_statistics)),
    ],
}
