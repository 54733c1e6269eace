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


def _functional_chain_of_79():
    """A Functional chain 4 -> Dense(4) -> Dense(7) -> Dense(3): 20 + 35 + 24 = 79 parameters, and no skip."""
    features = keras.Input((4,))
    hidden = keras.layers.Dense(7, activation="relu")(keras.layers.Dense(4, activation="relu")(features))
    return keras.Model(features, keras.layers.Dense(3, activation="softmax")(hidden))


def _two_inputs():
    sepal, petal = keras.Input((2,)), keras.Input((2,))
    joined = keras.layers.Concatenate()([keras.layers.Dense(4, activation="relu")(sepal),
                                         keras.layers.Dense(4, activation="relu")(petal)])
    return keras.Model([sepal, petal], keras.layers.Dense(3, activation="softmax")(joined))


def _added_skip():
    features = keras.Input((4,))
    hidden = keras.layers.Dense(4, activation="relu")(keras.layers.Dense(8, activation="relu")(features))
    return keras.Model(features, keras.layers.Dense(3, activation="softmax")(keras.layers.Add()([hidden, features])))


def _from_scratch(path, x, y, num_epochs):
    """The chapter's own network and run, redone from the start: the check's network is another one."""
    from course_lib import notebook, recipe

    with notebook.seeded(0):
        network = keras.Sequential([keras.Input((4,)), keras.layers.Dense(10, activation="relu"),
                                    keras.layers.Dense(3, activation="softmax")])
    network.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="sparse_categorical_crossentropy")
    network.fit(recipe.epoch_batches(x, y, batch_size=32, num_epochs=num_epochs), epochs=num_epochs,
                steps_per_epoch=int(np.ceil(len(x) / 32)), verbose=0)
    return network


def _data_restarted(path, x, y, num_epochs):
    from course_lib import recipe

    network = keras.saving.load_model(path)
    steps = int(np.ceil(len(x) / 32))
    epoch = int(network.optimizer.iterations) // steps
    network.fit(recipe.epoch_batches(x, y, batch_size=32, num_epochs=num_epochs - epoch), initial_epoch=epoch,
                epochs=num_epochs, steps_per_epoch=steps, verbose=0)
    return network


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
    "check_count_correct": [
        ("argmax compared with the int32 labels without a cast (raises)", lambda: exercises.check_count_correct(
            lambda logits, labels: int(tf.reduce_sum(tf.cast(tf.equal(tf.argmax(logits, axis=1), labels), tf.int32))))),
        ("Keras' SparseCategoricalAccuracy times the batch size", lambda: exercises.check_count_correct(
            lambda logits, labels: _keras_metric_class(labels, logits) * len(labels))),
        ("the accuracy instead of the count", lambda: exercises.check_count_correct(
            lambda logits, labels: float(np.mean(np.argmax(logits, axis=1) == np.asarray(labels))))),
        ("the argmax over the batch instead of over the classes", lambda: exercises.check_count_correct(
            lambda logits, labels: int(np.sum(np.argmax(logits, axis=0)[:len(labels)] == np.asarray(labels))))),
        ("the 30 flowers of the chapter's loop, whatever the batch", lambda: exercises.check_count_correct(
            lambda logits, labels: 30)),
    ],
    "check_skip_model": [
        ("the chain 4-8-3 as a Sequential", lambda: exercises.check_skip_model(lambda: keras.Sequential(
            [keras.Input((4,)), keras.layers.Dense(8, activation="relu"), keras.layers.Dense(3, activation="softmax")]))),
        ("a Functional chain without the skip, widened to the same 79 parameters", lambda: exercises.check_skip_model(
            _functional_chain_of_79)),
        ("the chapter's two-input network", lambda: exercises.check_skip_model(_two_inputs)),
        ("the skip connection added, not concatenated (Dense(4) to match)", lambda: exercises.check_skip_model(
            _added_skip)),
        ("a number instead of a function", lambda: exercises.check_skip_model(79)),
    ],
    "check_resume": [
        ("the file loaded and handed back, not trained", lambda: exercises.check_resume(
            lambda path, x, y, num_epochs: keras.saving.load_model(path))),
        ("the chapter's iris_network trained from scratch for every epoch", lambda: exercises.check_resume(
            _from_scratch)),
        ("resumed with the data order restarted at the first epoch", lambda: exercises.check_resume(
            _data_restarted)),
        ("a number instead of a function", lambda: exercises.check_resume(8)),
    ],
}
