"""Chapter 06 exercises: choosing a model by its validation error, the L2 penalty, rescuing an overfit."""

import numpy as np

from course_lib import checks, fitting, language

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


#: What exercise 1's answer may not call: the course's function that already picks the degree.
DEGREE_FORBIDDEN = ("course_lib.fitting.errors_by_degree", "course_lib.fitting.learning_curves")


def _degree_cases():
    """Exercise 1's test data: noisy samples of the section's curve, at noise levels and sizes of the check's own.

    Their best degrees differ from one another (low noise lets a high degree win), and one
    case starts its degrees at 1, so that an index into the list is not a degree.
    """
    cases = []
    for seed, num_train, noise, degrees in ((11, 30, 0.01, range(0, 13)), (12, 12, 0.6, range(0, 10)),
                                            (12, 10, 0.8, range(1, 12))):
        train, validation = fitting.polynomial_data(num_train=num_train, noise=noise, seed=seed)
        cases.append((train, validation, list(degrees)))
    return cases


def _judge_degree(result, train, validation, degrees):
    """None when ``result`` is the degree of ``degrees`` with the lowest validation MSE, else what is wrong."""
    errors = fitting.errors_by_degree(train, validation, degrees)
    best = errors["best_degree"]
    if isinstance(result, (bool, float, np.floating)) and float(result) in (float(v) for v in errors["validation_mse"]):
        return "that is a validation MSE; return the degree whose validation MSE is lowest."
    if isinstance(result, (float, np.floating)) and float(result).is_integer():
        result = int(result)
    if not isinstance(result, (int, np.integer)) or isinstance(result, bool):
        return f"return the degree as a whole number, not a {type(result).__name__}."
    if result == best:
        return None
    if result == degrees[int(np.argmin(errors["train_mse"]))]:
        return "that degree has the lowest *training* error, which always prefers the most flexible model."
    if result == degrees.index(best):
        return "that is the position of the best degree in the list; return the degree itself."
    return f"degree {result} is not the one with the lowest validation MSE among {degrees[0]} to {degrees[-1]}."


def check_best_degree(choose_degree):
    """Build it: ``choose_degree(train, validation, degrees)``, the degree whose fit has the lowest validation MSE.

    ``train`` and ``validation`` are ``(x, y)`` pairs. The check calls it on three data
    sets of its own, whose best degrees differ, with ``errors_by_degree`` forbidden: the
    loop over the degrees is the exercise.
    """
    cases = [((train, validation, degrees),
              lambda result, train=train, validation=validation, degrees=degrees:
                  _judge_degree(result, train, validation, degrees))
             for train, validation, degrees in _degree_cases()]
    return checks.check_function(
        "degree chosen by the validation error", choose_degree, cases, forbidden=DEGREE_FORBIDDEN,
        hint="for each degree, fit on the training points (fitting.fit_polynomial), measure the MSE on the "
             "validation points (fitting.predict_polynomial, fitting.mean_squared_error), keep the degree "
             "where it is smallest.")


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
        language.show(f"  Why: {_why_the_rescue_misses(result['run'])}")
    return passed


#: The λ of exercise 4's regularizer.
REGULARIZER_LAMBDA = 0.01
#: What exercise 4's answer may not call: Keras' regularizers and the course's own penalty.
REGULARIZER_FORBIDDEN = ("keras.regularizers.L2", "keras.regularizers.l2", "keras.regularizers.L1L2",
                         "keras.regularizers.l1_l2", "course_lib.fitting.penalty", "course_lib.fitting._penalty")


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
    if isinstance(regularizer, keras.regularizers.Regularizer):
        return checks.fail(name, f"that is Keras' own {type(regularizer).__name__} regularizer, which this "
                                 "exercise asks you to write yourself: a function of the kernel.")
    if not checks.check_function(name, regularizer, cases, hint=hint, forbidden=REGULARIZER_FORBIDDEN):
        return checks.Verdict(False)
    compiled, verdict = checks.call_answer(name, tf.function(regularizer), tf.constant(kernels[0]), hint=hint,
                                           forbidden=REGULARIZER_FORBIDDEN,
                                           error_hint="inside fit, Keras calls the regularizer on tensors in a "
                                                      "graph: use tf operations, not NumPy or float().")
    if verdict is not None:
        return verdict
    layer = keras.layers.Dense(3, kernel_regularizer=fitting.as_regularizer(regularizer))
    model = keras.Sequential([keras.Input((4,)), layer])
    layer.kernel.assign(kernels[0])
    model(np.ones((1, 4), np.float32))
    expected = float(keras.regularizers.L2(REGULARIZER_LAMBDA)(kernels[0]))
    return checks.check_answer("the penalty a Dense layer adds with kernel_regularizer=your function",
                               float(sum(model.losses)), expected, rtol=1e-5,
                               hint="the layer calls your function on its kernel; return one number.")


# Exercise 5: inverted dropout, in training and in inference mode.

#: What exercise 5's answer may not call: the dropout functions of Keras and TensorFlow.
DROPOUT_FORBIDDEN = ("keras.layers.Dropout", "keras.random.dropout", "tensorflow.nn.dropout",
                     "tensorflow.nn.experimental.stateless_dropout")
#: The hint of an untouched exercise 5: where to look, not the formula.
DROPOUT_HINT = ("compare with what the Dropout section printed for ten ones, in each mode: which units are 0, "
                "what the others become, and what inference mode does to its input.")


def _dropout_cases():
    """(h, rate, keep, training) cases of the check's own: several rates, both modes."""
    rng = np.random.default_rng(606)
    cases = []
    for shape, rate, training in (((4, 5), 0.5, True), ((3, 6), 0.2, True), ((5, 3), 0.75, True),
                                  ((4, 4), 0.3, False)):
        h = rng.uniform(0.1, 3.0, size=shape).astype(np.float32)
        keep = (rng.uniform(size=shape) >= rate).astype(np.float32)
        cases.append((h, rate, keep, training))
    return cases


def _judge_dropout(h, rate, keep, training):
    expected = h * keep / (1.0 - rate) if training else h
    mistakes = {"the kept units are not scaled: in training mode their sum would shrink by the share dropped.":
                    h * keep,
                "the kept units are multiplied by 1 − rate; inverted dropout divides by it.": h * keep * (1.0 - rate),
                "the kept units are divided by the rate, not by the share kept.": h * keep / rate}
    if not training:
        mistakes = {"in inference mode the layer passes its input through: no mask.": h * keep,
                    "in inference mode the layer passes its input through: no mask and no scaling.":
                        h * keep / (1.0 - rate),
                    "in inference mode inverted dropout does not rescale (the training mode already did).":
                        h * (1.0 - rate)}
    return lambda result: checks.diagnose(result, expected, rtol=1e-5, atol=1e-6, mistakes=mistakes)


def check_dropout(answer):
    """Build it: ``answer(h, rate, keep, training)`` gives a ``Dropout(rate)`` layer's output for the mask ``keep``.

    Called on activations, rates and masks of its own, in both modes; Keras' and
    TensorFlow's dropout raise while it runs.
    """
    import tensorflow as tf

    cases = [((tf.constant(h), rate, tf.constant(keep), training), _judge_dropout(h, rate, keep, training))
             for h, rate, keep, training in _dropout_cases()]
    return checks.check_function("dropout", answer, cases, hint=DROPOUT_HINT, forbidden=DROPOUT_FORBIDDEN)
