"""Lazy answers to chapter 06's exercises (under- and overfitting, regularization)."""

import keras
import numpy as np
import tensorflow as tf

from course_lib import fitting
from course_lib.exercises import fitting as exercises


def _by_training_error(train, validation, degrees):
    return min(degrees, key=lambda degree: fitting.mean_squared_error(
        train[1], fitting.predict_polynomial(fitting.fit_polynomial(*train, degree), train[0])))


LAZY = {
    "check_best_degree": [
        ("the course's errors_by_degree under another name",
         lambda: exercises.check_best_degree(lambda train, validation, degrees:
                                             fitting.errors_by_degree(train, validation, degrees)["best_degree"])),
        ("the degree called the right complexity in the learning curves, 3",
         lambda: exercises.check_best_degree(lambda train, validation, degrees: 3)),
        ("the section's best degree, 4, as a number", lambda: exercises.check_best_degree(4)),
        ("the degree with the lowest training error",
         lambda: exercises.check_best_degree(_by_training_error)),
    ],
    "check_l2_penalty": [
        ("λ copied from the prose", lambda: exercises.check_l2_penalty(0.01)),
        ("Σw² without λ", lambda: exercises.check_l2_penalty(
            float(np.sum(exercises.TINY_WEIGHTS["W1"] ** 2) + np.sum(exercises.TINY_WEIGHTS["W2"] ** 2)))),
        ("every array penalized, biases too", lambda: exercises.check_l2_penalty(
            0.01 * float(sum(np.sum(value ** 2) for value in exercises.TINY_WEIGHTS.values())))),
    ],
    "check_rescue": [
        ("the Playground's defaults", lambda: exercises.check_rescue({})),
        ("the chapter's unregularized 32 units for 1000 epochs",
         lambda: exercises.check_rescue({"hidden_units": 32, "num_epochs": 1000})),
        ("a number instead of settings", lambda: exercises.check_rescue(0.5)),
    ],
    "check_regularizer": [
        ("Keras' L2 itself", lambda: exercises.check_regularizer(keras.regularizers.L2(0.01))),
        ("Keras' l2 inside a lambda", lambda: exercises.check_regularizer(
            lambda kernel: keras.regularizers.l2(0.01)(kernel))),
        ("Keras' L1L2 with only l2", lambda: exercises.check_regularizer(
            lambda kernel: keras.regularizers.L1L2(l2=0.01)(kernel))),
        ("the course's fitting.penalty", lambda: exercises.check_regularizer(
            lambda kernel: fitting.penalty([kernel], "L2", 0.01))),
        ("the penalty of the visible kernel as a constant", lambda: exercises.check_regularizer(
            lambda kernel: tf.constant(0.01 * float(np.sum(exercises.TINY_WEIGHTS["W1"] ** 2))))),
    ],
    "check_dropout": [
        ("Keras' Dropout layer handed the mask's rate", lambda: exercises.check_dropout(
            lambda h, rate, keep, training: keras.layers.Dropout(rate)(h, training=training))),
        ("tf.nn.dropout", lambda: exercises.check_dropout(
            lambda h, rate, keep, training: tf.nn.dropout(h, rate) if training else h)),
        ("the mask without the scaling", lambda: exercises.check_dropout(
            lambda h, rate, keep, training: h * keep)),
        ("dropout in both modes", lambda: exercises.check_dropout(
            lambda h, rate, keep, training: h * keep / (1 - rate))),
        ("the input handed back in both modes", lambda: exercises.check_dropout(
            lambda h, rate, keep, training: h)),
        ("the printed ten values of the section, whatever the input", lambda: exercises.check_dropout(
            lambda h, rate, keep, training: tf.constant([[2.0, 0.0, 2.0, 0.0, 0.0, 0.0, 0.0, 2.0, 0.0, 2.0]]))),
    ],
}
