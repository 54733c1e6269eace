"""Chapter 04 exercises: a derivative by hand, softmax, He initialisation, and an activation of your own."""

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


#: How many fresh inputs the SiLU check draws, and from where.
SILU_NUM_INPUTS, SILU_RANGE, SILU_SEED = 64, 8.0, 2024


def _silu_inputs():
    """Inputs the chapter never shows: seeded uniform draws on [−8, 8], plus 0, as a float64 tensor."""
    import tensorflow as tf

    draws = np.random.default_rng(SILU_SEED).uniform(-SILU_RANGE, SILU_RANGE, SILU_NUM_INPUTS)
    return tf.constant(np.sort(np.append(draws, 0.0)))


def check_silu(silu, silu_derivative):
    """Your SiLU (x·σ(x)) and its derivative, as two functions, on fresh inputs.

    The function is compared with ``tf.nn.silu``; the derivative with what ``GradientTape``
    gives for ``tf.nn.silu`` on the same inputs.
    """
    import tensorflow as tf

    name = "SiLU"
    hint = "silu(x) returns x · σ(x); for the derivative use the product rule and σ' = σ(1 − σ)."
    x = _silu_inputs()
    values, verdict = checks.call_answer(f"{name}: silu", silu, x, hint=hint)
    if verdict is not None:
        return verdict
    derivatives, verdict = checks.call_answer(f"{name}: silu_derivative", silu_derivative, x, hint=hint)
    if verdict is not None:
        return verdict
    if checks.is_not_attempted(values, derivatives):
        return checks.not_attempted(name, hint)
    with tf.GradientTape() as tape:
        tape.watch(x)
        expected = tf.nn.silu(x)
    expected_derivative = tape.gradient(expected, x).numpy()
    s, xs = tf.nn.sigmoid(x).numpy(), x.numpy()
    passed = checks.check_answer(
        "silu(x) against tf.nn.silu on 65 fresh inputs", values, expected.numpy(), rtol=1e-6, atol=1e-9,
        hint="SiLU multiplies the input by its sigmoid: x · 1 / (1 + e^(−x)).",
        mistakes={"that is σ(x) alone: multiply it by x.": s,
                  "that is x · σ(−x) = x · (1 − σ(x)): the sigmoid of x, not of −x.": xs * (1 - s)})
    return checks.check_answer(
        "silu_derivative(x) against GradientTape on the same inputs", derivatives, expected_derivative,
        rtol=1e-6, atol=1e-9,
        hint="product rule: (x·σ)' = σ + x·σ', with σ' = σ(1 − σ).",
        mistakes={"that is only σ(x), the first term of the product rule; add x·σ'(x).": s,
                  "that is σ'(x) = σ(1 − σ), the sigmoid's derivative; SiLU is x·σ(x), use the product rule.":
                  s * (1 - s),
                  "that is x·σ'(x) alone; the product rule adds σ(x).": xs * s * (1 - s),
                  "that is silu(x) itself, not its derivative.": xs * s}) and passed
