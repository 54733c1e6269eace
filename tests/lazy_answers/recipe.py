"""Lazy answers to chapter 08's exercises: counts shown on the page, Keras' or the course's accuracy handed in,
a network trained on the chapter's data, which holds the check's test flowers too."""

import keras
import numpy as np
import tensorflow as tf
from sklearn.metrics import accuracy_score

from course_lib import data, training
from course_lib.exercises import recipe as exercises


def _keras_metric_class(labels, probabilities):
    metric = keras.metrics.SparseCategoricalAccuracy()
    metric.update_state(labels, probabilities)
    return float(metric.result())


def _trained_on_all_150_flowers(x_train, y_train):
    """The recipe run on the chapter's own x_train, y_train (all 150 flowers), whatever the check gives."""
    x_all, y_all = data.load_iris(shuffle_seed=116)
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(10, activation="relu"),
                              keras.layers.Dense(3, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="sparse_categorical_crossentropy")
    model.fit(x_all, y_all, batch_size=12, epochs=30, verbose=0)
    return model


LAZY = {
    "check_parameter_count": [
        ("the iris model's 15 of step 6", lambda: exercises.check_parameter_count(15)),
        ("the source's 984 of step 6", lambda: exercises.check_parameter_count(984)),
        ("exercise 3's 4-10-3 network (83)", lambda: exercises.check_parameter_count(83)),
        ("one layer of step 6's printed counts (176)", lambda: exercises.check_parameter_count(176)),
        ("the weights without the biases", lambda: exercises.check_parameter_count(4 * 16 + 16 * 3)),
    ],
    "check_sparse_accuracy": [
        ("Keras' sparse_categorical_accuracy function",
         lambda: exercises.check_sparse_accuracy(
             lambda labels, p: float(np.mean(keras.metrics.sparse_categorical_accuracy(labels, p))))),
        ("Keras' SparseCategoricalAccuracy metric", lambda: exercises.check_sparse_accuracy(_keras_metric_class)),
        ("the course's training.accuracy", lambda: exercises.check_sparse_accuracy(
            lambda labels, p: float(training.accuracy(tf.constant(labels), tf.constant(p))))),
        ("scikit-learn's accuracy_score", lambda: exercises.check_sparse_accuracy(
            lambda labels, p: accuracy_score(labels, np.argmax(p, axis=1)))),
        ("the 0.50 the table printed, whatever the batch", lambda: exercises.check_sparse_accuracy(lambda *_: 0.5)),
        ("a number instead of a function", lambda: exercises.check_sparse_accuracy(0.5)),
    ],
    "check_iris_network": [
        ("a network trained on the chapter's x_train, y_train, which hold the 30 test flowers",
         lambda: exercises.check_iris_network(_trained_on_all_150_flowers)),
        ("a number instead of a function", lambda: exercises.check_iris_network(0.9)),
    ],
}
