"""Chapter 09 exercises: counting the MNIST model's parameters and reading its predictions."""

import numpy as np

from course_lib import checks, classifiers


#: Exercise 1's hidden width: twice the chapter's 128, whose count the summary prints.
EXERCISE_HIDDEN_UNITS = 256


def _count(hidden, pixels=28 * 28, classes=classifiers.NUM_CLASSES):
    return pixels * hidden + hidden + hidden * classes + classes


def check_parameter_count(answer):
    """How many trainable numbers Flatten → Dense(256) → Dense(10) holds for a 28×28 image."""
    hidden, classes, pixels = EXERCISE_HIDDEN_UNITS, classifiers.NUM_CLASSES, 28 * 28
    return checks.check_answer(
        f"parameters of the MNIST model with {hidden} hidden units", answer, _count(hidden),
        hint="a Dense layer from n inputs to m units has an n×m weight matrix and m biases; "
             "Flatten has no parameters.",
        mistakes={"that is the 128-unit model of the summary above; this one has 256 hidden units.":
                  _count(128),
                  "you forgot the biases: every unit of a Dense layer has one.":
                  pixels * hidden + hidden * classes,
                  f"that is only the hidden layer; add the output layer's {hidden}×10 weights and 10 biases.":
                  pixels * hidden + hidden,
                  f"that is only the output layer; the hidden layer has 784×{hidden} weights and {hidden} biases.":
                  hidden * classes + classes})


def check_accuracy(answer, probabilities, labels):
    """The test accuracy computed by hand: the share of images whose most probable class is the label."""
    probabilities, labels = np.asarray(probabilities), np.asarray(labels)
    correct = int(np.sum(probabilities.argmax(axis=1) == labels))
    expected = correct / len(labels)
    return checks.check_answer(
        "test accuracy by hand", answer, expected,
        hint="take the argmax of each row of probabilities, compare with y_test, average the matches.",
        mistakes={"that is the number of right answers; divide it by the number of test images.": correct,
                  "that is the error rate (share of wrong answers); the accuracy is 1 minus it.":
                  1.0 - expected,
                  "give a fraction between 0 and 1, not a percentage.": 100.0 * expected})


def most_confused_pair(labels, probabilities):
    """(true class, predicted class) of the largest off-diagonal count of the confusion matrix."""
    labels, probabilities = np.asarray(labels), np.asarray(probabilities)
    num_classes = probabilities.shape[1]
    counts = np.zeros((num_classes, num_classes), dtype=int)
    np.add.at(counts, (labels, probabilities.argmax(axis=1)), 1)
    np.fill_diagonal(counts, 0)
    return tuple(int(i) for i in np.unravel_index(counts.argmax(), counts.shape))


def check_most_confused(answer, probabilities, labels):
    """The pair (true digit, predicted digit) that the model mixes up most often."""
    expected = most_confused_pair(labels, probabilities)
    return checks.check_answer(
        "most confused pair (true, predicted)", answer, expected,
        hint="in the confusion matrix, rows are true digits and columns predictions; "
             "ignore the diagonal (the right answers) and find the largest count.",
        mistakes={"you swapped them: give (true digit, predicted digit), rows first.": expected[::-1]})
