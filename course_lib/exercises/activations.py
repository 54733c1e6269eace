"""Chapter 04 exercises: a derivative by hand, softmax, and He initialisation."""

import numpy as np

from course_lib import checks

SOFTMAX_LOGITS = np.array([2.0, 1.0, 0.1])


def check_tanh_derivative(answer):
    """The derivative of tanh at x = 1, worked out by hand."""
    t = np.tanh(1.0)
    return checks.check_answer(
        "derivative of tanh at 1", answer, 1 - t ** 2,
        hint="write tanh = sinh / cosh, use the quotient rule and cosh² − sinh² = 1, then express "
             "the result with tanh(x).",
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


#: Exercise 3's layer: the second hidden layer, 256 inputs (the chapter computes the first one's, 784).
HE_FAN_IN = 256


def check_he_std(answer):
    """The standard deviation He initialisation uses for a layer with 256 inputs."""
    fan_in = HE_FAN_IN
    return checks.check_answer(
        f"He standard deviation for {fan_in} inputs", answer, np.sqrt(2 / fan_in), rtol=1e-4,
        hint="He initialisation draws from a normal distribution whose variance depends on the "
             "number of inputs; the chapter computes it for the first layer.",
        mistakes={f"2 / {fan_in} is the variance; take its square root for the standard deviation.": 2 / fan_in,
                  "sqrt(1 / fan_in) is LeCun's rule (for SELU); He doubles the variance for ReLU.":
                  np.sqrt(1 / fan_in),
                  f"that is the first layer's value, for 784 inputs; this layer has {fan_in}.": np.sqrt(2 / 784)})
