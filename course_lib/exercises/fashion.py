"""Chapter 10 exercises: the five-layer network's size, its per-class accuracy, and why MSE of logits grows."""

import numpy as np

from course_lib import checks, classifiers


#: Exercise 1's first width: a funnel the panel cannot train (its widths are powers of two), so
#: its caption cannot give the count away: 784-96-48-24-12-10.
EXERCISE_FIRST_WIDTH = 96


def _sizes(first_width):
    return (28 * 28, *classifiers.scaled_widths(first_width), classifiers.NUM_CLASSES)


def _count(sizes):
    return sum(n * m + m for n, m in zip(sizes[:-1], sizes[1:]))


def check_parameter_count(answer):
    """How many trainable numbers the 784-96-48-24-12-10 Dense network holds."""
    sizes = _sizes(EXERCISE_FIRST_WIDTH)
    weights = sum(n * m for n, m in zip(sizes[:-1], sizes[1:]))
    biases = sum(sizes[1:])
    return checks.check_answer(
        "parameters of the 784-96-48-24-12-10 network", answer, weights + biases,
        hint="sum over the five Dense layers of inputs × units + units; the first layer has "
             "784 inputs.",
        mistakes={"that is the chapter's 784-256-128-64-32-10 network, counted in the summary above; "
                  "this one starts at 96 units.": _count(_sizes(classifiers.FASHION_WIDTHS[0])),
                  f"you forgot the biases: each of the {biases} units has one.": weights,
                  "those are only the biases; add the weight matrices.": biases,
                  f"that is only the first layer (784×{sizes[1]} + {sizes[1]}); add the four others.":
                  sizes[0] * sizes[1] + sizes[1]})


def per_class_accuracy(labels, probabilities):
    """For each class, the share of its test images that the model classifies right (its recall, 召回率)."""
    labels, predicted = np.asarray(labels), np.asarray(probabilities).argmax(axis=1)
    num_classes = np.shape(probabilities)[1]
    return np.array([np.mean(predicted[labels == c] == c) for c in range(num_classes)])


def _precision(labels, probabilities):
    labels, predicted = np.asarray(labels), np.asarray(probabilities).argmax(axis=1)
    num_classes = np.shape(probabilities)[1]
    return np.array([np.mean(labels[predicted == c] == c) if np.any(predicted == c) else 0.0
                     for c in range(num_classes)])


def check_per_class_accuracy(answer, probabilities, labels):
    """The ten per-class accuracies: of the test images of class c, which share is predicted c?"""
    expected = per_class_accuracy(labels, probabilities)
    return checks.check_answer(
        "accuracy per class", answer, expected,
        hint="for each class c, take the test images whose label is c and average "
             "(predicted == c) over them; the result has 10 numbers.",
        mistakes={"you divided by how often each class was *predicted* (that is precision, 精确率); "
                  "divide by how often it really occurs (the label).": _precision(labels, probabilities),
                  "give fractions between 0 and 1, not percentages.": 100.0 * expected})


def check_shifted_logits(answer, logits, y_one_hot, shift=10.0):
    """Add ``shift`` to every logit: give (cross entropy, MSE) of the shifted logits for the one-hot labels."""
    shifted = np.asarray(logits, dtype=np.float32) + shift
    expected = (float(classifiers.cross_entropy_of_logits(y_one_hot, shifted)),
                float(classifiers.mse_of_logits(y_one_hot, shifted)))
    original = (float(classifiers.cross_entropy_of_logits(y_one_hot, logits)),
                float(classifiers.mse_of_logits(y_one_hot, logits)))
    return checks.check_answer(
        f"(cross entropy, MSE) with every logit + {shift:g}", answer, expected, rtol=1e-4,
        hint="compute both losses on logits + shift with classifiers.cross_entropy_of_logits "
             "and classifiers.mse_of_logits.",
        mistakes={"those are the losses of the unshifted logits: add the shift first.": original})
