"""Chapter 04 exercises: a derivative by hand, a softmax that survives large logits, He initialisation, and an
activation of your own."""

import numpy as np

from course_lib import checks

#: Exercise 2's own logits: a few ordinary rows, and rows whose exponentials overflow or underflow in float64.
SOFTMAX_SEED = 404
LARGE_LOGITS = np.array([[1000.0, 999.0, 990.0], [-800.0, -805.0, -790.0]])

#: What would do exercise 2's work: TensorFlow's, Keras', SciPy's and the course's softmax.
SOFTMAX_FORBIDDEN = ("tensorflow.nn.softmax", "tensorflow.nn.log_softmax", "keras.activations.softmax",
                     "keras.activations.get", "keras.ops.softmax", "keras.ops.log_softmax", "scipy.special.softmax",
                     "scipy.special.log_softmax", "course_lib.activations.softmax_probabilities")

#: What would do exercise 4's work: every SiLU TensorFlow and Keras have, and the tape for the derivative.
SILU_FORBIDDEN = ("keras.activations.silu", "keras.activations.get", "tensorflow.nn.silu", "tensorflow.nn.swish",
                  "keras.ops.silu", "tensorflow.GradientTape")


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


def _stable_softmax(z):
    """softmax over the last axis, the largest logit subtracted first (the check's reference)."""
    z = np.asarray(z, dtype=np.float64)
    exponentials = np.exp(z - z.max(axis=-1, keepdims=True))
    return exponentials / exponentials.sum(axis=-1, keepdims=True)


def _softmax_cases():
    """The check's logits: a vector, a batch of ordinary rows, and a batch of huge and very negative rows."""
    generator = np.random.default_rng(SOFTMAX_SEED)
    return [generator.normal(0.0, 2.0, 5), generator.normal(0.0, 3.0, (4, 6)), LARGE_LOGITS]


def _judge_softmax(result, z):
    if checks.is_not_attempted(result):
        return checks.NOT_YET
    values = checks.as_array(result)
    if values is not None and values.shape == z.shape and not np.all(np.isfinite(values)):
        return ("your softmax gives NaN or inf on these logits, whose largest entry is "
                f"{z.max():g} and smallest {z.min():g}: print np.exp of them. Softmax does not change when "
                "the same number is subtracted from every logit of a row.")
    with np.errstate(over="ignore", invalid="ignore"):  # the slips overflow on the large logits, as the student's
        mistakes = {"divide the exponentials, not the logits themselves, by their sum.":
                    z / z.sum(axis=-1, keepdims=True)}
        if z.ndim == 2:
            mistakes["every row must add up to 1: sum over the last axis (axis=-1, keepdims=True), not "
                     "the whole batch."] = _stable_softmax(z.ravel()).reshape(z.shape)
    problem = checks.diagnose(result, _stable_softmax(z), rtol=1e-6, atol=1e-12, mistakes=mistakes)
    if problem is not None and values is not None and values.shape == z.shape and problem not in mistakes:
        sums = values.sum(axis=-1)
        if not np.allclose(sums, 1.0):
            return (f"each row of your result adds up to {np.round(np.atleast_1d(sums), 4).tolist()}, not 1: "
                    "probabilities must; did you divide by the sum of the exponentials?")
    return problem


def check_softmax(softmax):
    """Your NumPy ``softmax(z)``, over the last axis, on logits of the check's own, large ones included.

    TensorFlow's, Keras' and SciPy's softmax (:data:`SOFTMAX_FORBIDDEN`) raise while it runs.
    """
    cases = [((z,), lambda result, z=z: _judge_softmax(result, z)) for z in _softmax_cases()]
    return checks.check_function(
        "softmax(z)", softmax, cases, forbidden=SOFTMAX_FORBIDDEN,
        hint="exponentiate each logit, then divide by the sum of the exponentials of its row; try your "
             "function on [1000.0, 999.0, 990.0] before the check does.")


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
    gives for ``tf.nn.silu`` on the same inputs. Every SiLU of TensorFlow and Keras, and the
    tape (the derivative is asked by hand), raise while your functions run (:data:`SILU_FORBIDDEN`).
    """
    import tensorflow as tf

    name = "SiLU"
    hint = "silu(x) returns x · σ(x); for the derivative use the product rule and σ' = σ(1 − σ)."
    x = _silu_inputs()
    values, verdict = checks.call_answer(f"{name}: silu", silu, x, hint=hint, forbidden=SILU_FORBIDDEN)
    if verdict is not None:
        return verdict
    derivatives, verdict = checks.call_answer(f"{name}: silu_derivative", silu_derivative, x, hint=hint,
                                              forbidden=SILU_FORBIDDEN)
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
