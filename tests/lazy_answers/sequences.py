"""Lazy answers to chapter 10's LSTM exercise: the count the page prints, Keras' own count, the course's formula."""

import keras

from course_lib import sequences
from course_lib.exercises import sequences as exercises


def _keras_count(features, units):
    """Keras counts: the layer built and asked."""
    layer = keras.layers.LSTM(units)
    layer.build((None, 3, features))
    return layer.count_params()


LAZY = {
    "check_lstm_parameter_count": [
        ("Keras' count_params of the layer built", lambda: exercises.check_lstm_parameter_count(_keras_count)),
        ("the course's sequences.lstm_parameter_count",
         lambda: exercises.check_lstm_parameter_count(sequences.lstm_parameter_count)),
        ("the chapter's 1216, whatever the layer", lambda: exercises.check_lstm_parameter_count(lambda f, u: 1216)),
        ("one gate only", lambda: exercises.check_lstm_parameter_count(lambda f, u: u * (f + u) + u)),
    ],
}
