"""Lazy answers to chapter 05's exercises: numbers from the page, Keras' or the course's cross entropy."""

import keras
import numpy as np
import tensorflow as tf

from course_lib import losses
from course_lib.exercises import losses as exercises


def _keras_per_row(y_true, y_pred):
    return keras.losses.CategoricalCrossentropy(reduction=None)(y_true, y_pred)


def _course_per_row(y_true, y_pred):
    return tf.constant(losses.cross_entropy(np.asarray(y_true), np.asarray(y_pred)), tf.float32)


def _ops_per_row(y_true, y_pred):
    return keras.ops.categorical_crossentropy(y_true, y_pred)


def _the_pages_numbers(y_true, y_pred):
    return tf.constant([0.511, 0.223])  # H1 and H2 of section 2, whatever the input


LAZY = {
    "check_cross_entropy": [
        ("−ln 0.7 = 0.357, the one-hot label's CE printed in section 2", lambda: exercises.check_cross_entropy(0.357)),
        ("the same, at full precision", lambda: exercises.check_cross_entropy(-np.log(0.7))),
        ("the uniform guess's 1.386 from section 2", lambda: exercises.check_cross_entropy(1.386)),
        ("tf.constant of the page's 0.357",
         lambda: exercises.check_cross_entropy(tf.constant(0.357))),
        ("Keras on the one-hot label, smoothing left out", lambda: exercises.check_cross_entropy(
            float(keras.losses.categorical_crossentropy([0.0, 1.0, 0.0], [0.2, 0.7, 0.1])))),
    ],
    "check_logit_gradient": [
        ("the loss of these logits printed in section 4 (0.417), not the gradient",
         lambda: exercises.check_logit_gradient(0.417)),
        ("the logits minus the label, no softmax", lambda: exercises.check_logit_gradient(
            exercises.GRADIENT_LOGITS - exercises.GRADIENT_LABEL)),
        ("tf.constant of the logits (2, 1, 0.1) from the prompt",
         lambda: exercises.check_logit_gradient(tf.constant([2.0, 1.0, 0.1]))),
    ],
    "check_cautious_forecast": [
        ("the source's prices (COST 1, PROFIT 99)", lambda: exercises.check_cautious_forecast(1, 99)),
        ("the swapped prices of section 8 (COST 99, PROFIT 1)", lambda: exercises.check_cautious_forecast(99, 1)),
        ("equal prices (1, 1)", lambda: exercises.check_cautious_forecast(1, 1)),
    ],
    "check_cross_entropy_function": [
        ("keras.losses.categorical_crossentropy handed in",
         lambda: exercises.check_cross_entropy_function(keras.losses.categorical_crossentropy)),
        ("keras.losses.CategoricalCrossentropy inside a wrapper",
         lambda: exercises.check_cross_entropy_function(_keras_per_row)),
        ("keras.ops.categorical_crossentropy inside a wrapper",
         lambda: exercises.check_cross_entropy_function(_ops_per_row)),
        ("the course's losses.cross_entropy inside a wrapper",
         lambda: exercises.check_cross_entropy_function(_course_per_row)),
        ("a function returning the page's H1 and H2 whatever the input",
         lambda: exercises.check_cross_entropy_function(_the_pages_numbers)),
    ],
}
