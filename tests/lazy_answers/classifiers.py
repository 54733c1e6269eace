"""Lazy answers to chapters 09 and 10's exercises: counts the page prints, Keras', TensorFlow's or the course's
own functions handed in, a model that memorised the test images, Keras' own training in place of a step."""

import keras
import numpy as np
import tensorflow as tf
from sklearn.metrics import recall_score, top_k_accuracy_score

from course_lib import classifiers, data, forward, training
from course_lib.exercises import classifiers as exercises

RNG = np.random.RandomState(4)
PROBABILITIES = np.eye(10)[RNG.randint(0, 10, 60)] * 0.6 + RNG.rand(60, 10) * 0.5
LABELS = RNG.randint(0, 10, 60)
LOGITS = RNG.normal(size=(20, 10)).astype(np.float32) * 5
ONE_HOT = np.eye(10, dtype=np.float32)[RNG.randint(0, 10, 20)]
FIXED_RECALL = np.mean(PROBABILITIES.argmax(axis=1)[:, None] == np.arange(10), axis=0)


def memorised_test_set(x_train, y_train):
    """A Keras model that looks each test image up among MNIST's 10 000 test images and answers its true label.

    Its nearest template (cosine similarity of a fixed random projection, made sharp by a softmax of
    similarities × 1000) is the image itself; it scores 1.0 on the test images with MNIST's own labels.
    """
    _, (x_test, y_test) = data.load_mnist()
    projection = np.random.RandomState(0).normal(size=(784, 64)).astype(np.float32)
    templates = x_test.reshape(-1, 784) @ projection
    templates /= np.linalg.norm(templates, axis=1, keepdims=True)
    model = keras.Sequential([
        keras.Input((28, 28)), keras.layers.Flatten(), keras.layers.Dense(64, use_bias=False),
        keras.layers.UnitNormalization(), keras.layers.Dense(len(x_test), use_bias=False),
        keras.layers.Softmax(), keras.layers.Dense(10, use_bias=False)])
    model.layers[1].set_weights([projection])
    model.layers[3].set_weights([1000.0 * templates.T])
    model.layers[5].set_weights([np.eye(10, dtype=np.float32)[y_test]])
    return model


def _keras_train_on_batch(model, optimizer, x, y):
    model.compile(optimizer=optimizer, loss=keras.losses.CategoricalCrossentropy(from_logits=True))
    return model.train_on_batch(x, y)


def _keras_fit(model, optimizer, x, y):
    model.compile(optimizer=optimizer, loss=keras.losses.CategoricalCrossentropy(from_logits=True))
    return model.fit(x, y, epochs=1, batch_size=len(x), verbose=0).history["loss"][-1]


def _the_course_step(model, optimizer, x, y):
    step = training.make_train_step(model, keras.losses.CategoricalCrossentropy(from_logits=True), optimizer, {})
    return step(x, y)["loss"]


def _loss_without_update(model, optimizer, x, y):
    return tf.reduce_mean(keras.losses.categorical_crossentropy(y, model(x), from_logits=True))


def _keras_shape(height, width, kernel_size, strides, padding):
    """Keras' own answer, asked before it computes anything."""
    layer = keras.layers.Conv2D(1, kernel_size, strides=strides, padding=padding)
    return tuple(layer.compute_output_shape((1, height, width, 1))[1:3])


def _tensorflow_shape(height, width, kernel_size, strides, padding):
    """A real convolution of zeros, its shape read off."""
    images, kernel = tf.zeros((1, height, width, 1)), tf.zeros((*kernel_size, 1, 1))
    return tuple(tf.nn.conv2d(images, kernel, strides=(1, *strides, 1), padding=padding.upper()).shape[1:3])


def _course_shape(height, width, kernel_size, strides, padding):
    """The course's formula, axis by axis."""
    return (classifiers.conv_output_size(height, kernel_size[0], strides[0], padding),
            classifiers.conv_output_size(width, kernel_size[1], strides[1], padding))


def _keras_count(layer_sizes):
    """Keras counts: the stack built and asked."""
    layers = [keras.Input((layer_sizes[0],))] + [keras.layers.Dense(units) for units in layer_sizes[1:]]
    return keras.Sequential(layers).count_params()


LAZY = {
    "check_mnist_parameter_count": [
        ("the 101 770 of the chapter's summary", lambda: exercises.check_mnist_parameter_count(101_770)),
        ("the hidden layer's 100 480 printed in section 2", lambda: exercises.check_mnist_parameter_count(100_480)),
        ("the weights without the biases", lambda: exercises.check_mnist_parameter_count(784 * 256 + 256 * 10)),
        ("tf.constant of the summary's count", lambda: exercises.check_mnist_parameter_count(tf.constant(101_770))),
    ],
    "check_top_k_accuracy": [
        ("Keras' sparse_top_k_categorical_accuracy", lambda: exercises.check_top_k_accuracy(
            lambda p, labels, k: float(np.mean(keras.metrics.sparse_top_k_categorical_accuracy(labels, p, k=k))))),
        ("TensorFlow's in_top_k", lambda: exercises.check_top_k_accuracy(
            lambda p, labels, k: float(np.mean(tf.math.in_top_k(labels, p, k))))),
        ("scikit-learn's top_k_accuracy_score", lambda: exercises.check_top_k_accuracy(
            lambda p, labels, k: top_k_accuracy_score(labels, p, k=k, labels=np.arange(p.shape[1])))),
        ("the plain accuracy by the course's training.accuracy", lambda: exercises.check_top_k_accuracy(
            lambda p, labels, k: float(training.accuracy(tf.constant(labels), tf.constant(p))))),
        ("a number instead of a function", lambda: exercises.check_top_k_accuracy(0.98)),
    ],
    "check_most_confused": [
        ("the pair swapped (predicted, true)", lambda: exercises.check_most_confused(
            exercises._most_confused_pair(LABELS, PROBABILITIES)[::-1], PROBABILITIES, LABELS)),
        ("the largest count with the diagonal left in", lambda: exercises.check_most_confused(
            (int(np.bincount(LABELS).argmax()),) * 2, PROBABILITIES, LABELS)),
    ],
    "check_mnist_beats_098": [
        ("a model that memorised the test images and their labels", lambda: exercises.check_mnist_beats_098(
            memorised_test_set)),
        ("a number instead of a function", lambda: exercises.check_mnist_beats_098(0.99)),
    ],
    "check_fashion_parameter_count": [
        ("the 244 522 of the chapter's summary", lambda: exercises.check_fashion_parameter_count(244_522)),
        ("the first layer's 200 960 of the summary", lambda: exercises.check_fashion_parameter_count(200_960)),
        ("the weights without the biases", lambda: exercises.check_fashion_parameter_count(
            784 * 96 + 96 * 48 + 48 * 24 + 24 * 12 + 12 * 10)),
    ],
    "check_per_class_accuracy": [
        ("the precision of each class instead of its recall", lambda: exercises.check_per_class_accuracy(
            lambda probabilities, labels: exercises._precision(labels, probabilities))),
        ("the overall accuracy for every class", lambda: exercises.check_per_class_accuracy(
            lambda probabilities, labels: np.full(probabilities.shape[1],
                                                  np.mean(probabilities.argmax(axis=1) == labels)))),
        ("scikit-learn's recall per class", lambda: exercises.check_per_class_accuracy(
            lambda probabilities, labels: recall_score(labels, probabilities.argmax(axis=1), average=None))),
        ("Keras' Recall, one class at a time", lambda: exercises.check_per_class_accuracy(
            lambda probabilities, labels: np.array([float(keras.metrics.Recall()(labels == c,
                                                                                 probabilities.argmax(axis=1) == c))
                                                    for c in range(probabilities.shape[1])]))),
        ("the same values whatever the input (computed once, on other predictions)",
         lambda: exercises.check_per_class_accuracy(lambda probabilities, labels: FIXED_RECALL)),
    ],
    "check_shifted_logits": [
        ("the losses of the unshifted logits", lambda: exercises.check_shifted_logits(
            (float(classifiers.cross_entropy_of_logits(ONE_HOT, LOGITS)),
             float(classifiers.mse_of_logits(ONE_HOT, LOGITS))), LOGITS, ONE_HOT)),
        ("the cross entropy of the shifted logits twice", lambda: exercises.check_shifted_logits(
            (float(classifiers.cross_entropy_of_logits(ONE_HOT, LOGITS)),) * 2, LOGITS, ONE_HOT)),
    ],
    "check_train_step": [
        ("Keras' train_on_batch", lambda: exercises.check_train_step(_keras_train_on_batch)),
        ("Keras' fit on the batch", lambda: exercises.check_train_step(_keras_fit)),
        ("the course's training.make_train_step", lambda: exercises.check_train_step(_the_course_step)),
        ("the loss without any update", lambda: exercises.check_train_step(_loss_without_update)),
    ],
    "check_conv_output_shape": [
        ("Keras' compute_output_shape", lambda: exercises.check_conv_output_shape(_keras_shape)),
        ("TensorFlow's conv2d on zeros", lambda: exercises.check_conv_output_shape(_tensorflow_shape)),
        ("the course's conv_output_size", lambda: exercises.check_conv_output_shape(_course_shape)),
        ("the chapter's 26×26, whatever the case", lambda: exercises.check_conv_output_shape(lambda *case: (26, 26))),
        ("the input's own size", lambda: exercises.check_conv_output_shape(lambda h, w, *rest: (h, w))),
    ],
    "check_dense_parameter_count": [
        ("Keras' count_params of the stack built", lambda: exercises.check_dense_parameter_count(_keras_count)),
        ("the 535 818 of the page, whatever the stack",
         lambda: exercises.check_dense_parameter_count(lambda sizes: 535_818)),
        ("the chapter's 101 770", lambda: exercises.check_dense_parameter_count(lambda sizes: 101_770)),
        ("the sum of chapter 02's forward.parameter_counts", lambda: exercises.check_dense_parameter_count(
            lambda sizes: sum(forward.parameter_counts(sizes)))),
        ("the weights only", lambda: exercises.check_dense_parameter_count(
            lambda sizes: sum(n * m for n, m in zip(sizes[:-1], sizes[1:])))),
    ],
}
