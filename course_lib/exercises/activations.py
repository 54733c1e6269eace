"""Chapter 04 exercises: a derivative by hand, softmax, and He initialisation."""

import numpy as np

from course_lib import checks

SOFTMAX_LOGITS = np.array([2.0, 1.0, 0.1])


def check_tanh_derivative(answer):
    """The derivative of tanh at x = 1, worked out by hand."""
    t = np.tanh(1.0)
    return checks.check_answer(
        "derivative of tanh at 1", answer, 1 - t ** 2,
        hint="d tanh(x) / dx = 1 − tanh(x)².",
        mistakes={"that is tanh(1) itself, not its derivative.": t,
                  "square tanh(1) before subtracting it from 1.": 1 - t,
                  "that is the sigmoid's formula σ(1 − σ) applied to tanh; tanh' = 1 − tanh².": t * (1 - t)})


def check_softmax(answer):
    """softmax of the logits (2, 1, 0.1), computed without tf.nn.softmax."""
    exponentials = np.exp(SOFTMAX_LOGITS)
    return checks.check_answer(
        "softmax of (2, 1, 0.1)", answer, exponentials / exponentials.sum(), rtol=1e-4,
        hint="exponentiate each logit, then divide by the sum of the exponentials.",
        mistakes={"you exponentiated but did not divide by the sum: the result must add up to 1.": exponentials,
                  "divide the exponentials, not the logits themselves, by their sum.":
                  SOFTMAX_LOGITS / SOFTMAX_LOGITS.sum()})


def check_he_std(answer):
    """The standard deviation He initialisation uses for a layer with 784 inputs."""
    return checks.check_answer(
        "He standard deviation for 784 inputs", answer, np.sqrt(2 / 784), rtol=1e-4,
        hint="the source's advice: a normal distribution with standard deviation sqrt(2 / inputs).",
        mistakes={"2 / 784 is the variance; take its square root for the standard deviation.": 2 / 784,
                  "sqrt(1 / fan_in) is LeCun's rule (for SELU); He doubles the variance for ReLU.":
                  np.sqrt(1 / 784)})
