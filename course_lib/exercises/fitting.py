"""Chapter 06 exercises: choosing a model by its validation error, the L2 penalty, rescuing an overfit."""

import numpy as np

from course_lib import checks, fitting

#: The weights of exercise 2's tiny 2-3-1 network.
TINY_WEIGHTS = {
    "W1": np.array([[0.5, -1.0, 0.0], [2.0, 0.25, -0.5]]),
    "b1": np.array([0.1, -0.2, 0.3]),
    "W2": np.array([[1.0], [-2.0], [0.5]]),
    "b2": np.array([0.4]),
}
TINY_LAMBDA = 0.01

#: Exercise 3's data: very noisy, few training points.
RESCUE_DATA = {"noise": 0.5, "train_fraction": 0.15}
RESCUE_SETTINGS = ("hidden_units", "regularization", "lam", "dropout", "num_epochs")
RESCUE_LOSS = 0.5


#: Exercise 1's data: 20 training points of the regression section's curve, another seed.
DEGREE_DATA = {"num_train": 20, "noise": 0.25, "seed": 2}
#: The degree the validation error chooses for the section's own 15 points.
SECTION_BEST_DEGREE = 4


def check_best_degree(answer):
    """The degree whose validation error is lowest on :data:`DEGREE_DATA` (degrees 0 to 12).

    The section prints its own best degree; this data set has another one, so the
    answer needs ``errors_by_degree`` and the choice by the validation error.
    """
    errors = fitting.errors_by_degree(*fitting.polynomial_data(**DEGREE_DATA))
    degrees = list(errors["degrees"])
    lowest_training = degrees[int(np.argmin(errors["train_mse"]))]
    mistakes = {}
    if lowest_training != errors["best_degree"]:
        mistakes["that degree has the lowest *training* error; the choice is made on the "
                 "validation error."] = lowest_training
    if SECTION_BEST_DEGREE != errors["best_degree"]:
        mistakes["that is the best degree of the section's 15 points; this exercise has its own "
                 "data, fitting.polynomial_data(**exercises.DEGREE_DATA)."] = SECTION_BEST_DEGREE
    return checks.check_answer(
        "best degree", answer, errors["best_degree"],
        hint="compute fitting.errors_by_degree on the exercise's data, then find the degree whose "
             "validation MSE is smallest.",
        mistakes=mistakes)


def check_l2_penalty(answer):
    """``λ · Σ w²`` over W1 and W2 of :data:`TINY_WEIGHTS`, with ``λ =`` :data:`TINY_LAMBDA`."""
    kernels = [TINY_WEIGHTS["W1"], TINY_WEIGHTS["W2"]]
    squares = sum(np.sum(w ** 2) for w in kernels)
    biases = np.sum(TINY_WEIGHTS["b1"] ** 2) + np.sum(TINY_WEIGHTS["b2"] ** 2)
    return checks.check_answer(
        "L2 penalty", answer, float(fitting.penalty(kernels, "L2", TINY_LAMBDA)),
        hint="λ · J(W) with L2's J from the formula above; which of the four arrays does the "
             "penalty apply to?",
        mistakes={
            "you forgot to multiply by λ = 0.01.": squares,
            "the biases are not regularized (一般不正则化 b): leave b1 and b2 out.":
                TINY_LAMBDA * (squares + biases),
            "that is the L1 penalty λ·Σ|w|; L2 squares the weights.":
                TINY_LAMBDA * sum(np.sum(np.abs(w)) for w in kernels),
            "that is half the penalty, as tf.nn.l2_loss computes it (Σw²/2); Keras' L2 has no ½.":
                TINY_LAMBDA * squares / 2,
            "you took the square root of the sum: J(W) is the squared norm Σw².":
                TINY_LAMBDA * np.sqrt(squares),
        })


def _why_the_rescue_misses(run):
    """Overfitting or underfitting, read from the final training and validation losses."""
    train, validation = float(run.train_loss[-1]), float(run.validation_loss[-1])
    if train < validation - 0.15:
        return (f"still overfitting: training loss {train:.2f}, validation loss {validation:.2f}. "
                "Regularize more (a larger λ, dropout) or use fewer units or epochs.")
    return (f"underfitting: the training loss is high too ({train:.2f}, validation {validation:.2f}). "
            "Regularize less (a smaller λ or dropout), or use more units or epochs.")


def check_rescue(answer):
    """Train with the settings in ``answer`` on :data:`RESCUE_DATA`; passes at a validation loss ≤ 0.5.

    A miss says whether the run still overfits or now underfits.
    """
    name = "rescue"
    if checks.is_not_attempted(answer):
        return checks.not_attempted(name, "in the Playground set noise 0.5 and train share 0.15, then "
                                          "try the remedies of this chapter and press Train.")
    if not isinstance(answer, dict) or not set(answer) <= set(RESCUE_SETTINGS):
        return checks.fail(name, f"give a dict whose keys are among {', '.join(RESCUE_SETTINGS)}; got {answer!r}.")
    try:
        result = fitting.playground(**RESCUE_DATA, **answer)
    except (TypeError, ValueError) as error:
        return checks.fail(name, str(error))
    passed = checks.milestone(f"validation loss with {answer}", result["run"].validation_loss[-1],
                              at_most=RESCUE_LOSS, digits=2)
    if not passed:
        print(f"  Why: {_why_the_rescue_misses(result['run'])}")
    return passed


#: The λ of exercise 4's regularizer.
REGULARIZER_LAMBDA = 0.01


def _judge_regularizer(result, kernel):
    """None when ``result`` is Keras' ``L2(0.01)`` of ``kernel``, else what is wrong."""
    squares = float(np.sum(kernel.astype(np.float64) ** 2))
    mistakes = {
        "you forgot to multiply by λ = 0.01.": squares,
        "that is the L1 penalty λ·Σ|w|; L2 squares the weights.":
            REGULARIZER_LAMBDA * float(np.sum(np.abs(kernel))),
        "that is half the penalty, as tf.nn.l2_loss computes it; Keras' L2 has no ½.": REGULARIZER_LAMBDA * squares / 2,
        "you took the mean of the squares; J(W) is their sum.": REGULARIZER_LAMBDA * float(np.mean(kernel ** 2)),
        "you took the square root: J(W) is the squared norm Σw².": REGULARIZER_LAMBDA * np.sqrt(squares),
    }
    return checks.diagnose(result, REGULARIZER_LAMBDA * squares, rtol=1e-5, mistakes=mistakes)


def check_regularizer(regularizer):
    """Build it: your ``regularizer(kernel)``, λ·Σw² with λ = 0.01, on fresh kernels and inside a real layer.

    The check compares it with ``keras.regularizers.L2(0.01)`` on three kernels of its own,
    then calls it inside a ``tf.function`` (as ``fit`` does) and as the
    ``kernel_regularizer`` of a ``Dense`` layer, whose penalty must show in ``model.losses``.
    """
    import keras
    import tensorflow as tf

    rng = np.random.RandomState(6)
    kernels = [rng.normal(0.0, scale, shape).astype(np.float32)
               for scale, shape in ((0.5, (4, 3)), (2.0, (2, 5)), (0.1, (7, 1)))]
    cases = [((tf.constant(kernel),), lambda result, kernel=kernel: _judge_regularizer(result, kernel))
             for kernel in kernels]
    name = "L2 regularizer"
    hint = "the penalty of exercise 2 as a function of one kernel, written with TensorFlow operations."
    if not checks.check_function(name, regularizer, cases, hint=hint):
        return checks.Verdict(False)
    compiled, verdict = checks.call_answer(name, tf.function(regularizer), tf.constant(kernels[0]), hint=hint,
                                           error_hint="inside fit, Keras calls the regularizer on tensors in a "
                                                      "graph: use tf operations, not NumPy or float().")
    if verdict is not None:
        return verdict
    layer = keras.layers.Dense(3, kernel_regularizer=regularizer)
    model = keras.Sequential([keras.Input((4,)), layer])
    layer.kernel.assign(kernels[0])
    model(np.ones((1, 4), np.float32))
    expected = float(keras.regularizers.L2(REGULARIZER_LAMBDA)(kernels[0]))
    return checks.check_answer("the penalty a Dense layer adds with kernel_regularizer=your function",
                               float(sum(model.losses)), expected, rtol=1e-5,
                               hint="the layer calls your function on its kernel; return one number.")
