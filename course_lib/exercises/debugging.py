"""Chapter 11's "find the bug" exercises: each check runs the student's fixed function on data of its own.

A check calls the function it is given, so no number printed in the chapter can pass it,
and it names the bug that is still there.
"""

import numpy as np
import tensorflow as tf

from course_lib import checks, debugging, losses, training

# Exercise 1: a gradient that comes back None.

#: The (w0, x, y) cases the check calls ``slope_gradient`` with: other numbers than the chapter's.
GRADIENT_CASES = [(0.5, [1.0, 2.0, 3.0], [2.0, 4.1, 5.9]), (-1.25, [0.5, -1.5], [1.0, 2.0]),
                  (3.0, [2.0, 0.0, -1.0, 4.0], [5.0, 1.0, -2.0, 13.0])]


def _slope_gradient(w0, x, y):
    x, y = np.asarray(x, np.float64), np.asarray(y, np.float64)
    return float(np.mean(2.0 * (w0 * x - y) * x))


def _slope_loss(w0, x, y):
    x, y = np.asarray(x, np.float64), np.asarray(y, np.float64)
    return float(np.mean((w0 * x - y) ** 2))


def _call(name, function, *arguments):
    """``(result, None)``, or ``(None, failed Verdict)`` when ``function`` is not callable or raises."""
    if not callable(function):
        return None, checks.fail(name, f"give the function itself (its name, without parentheses), got "
                                       f"{type(function).__name__}.")
    try:
        return function(*arguments), None
    except Exception as error:  # noqa: BLE001 - the student's code; say what it raised
        return None, checks.fail(name, f"your function raised {type(error).__name__}: {error}")


def check_slope_gradient(answer):
    """``answer(w0, x, y)`` returns d/dw of mean((w·x − y)²) at w = w0; called on three cases of its own."""
    name = "slope_gradient"
    if checks.is_not_attempted(answer):
        return checks.not_attempted(name, "the tape watches only tf.Variables: make w one "
                                          "(tf.Variable(float(w0))), or call tape.watch(w).")
    for w0, x, y in GRADIENT_CASES:
        result, failed = _call(name, answer, w0, tf.constant(x), tf.constant(y))
        if failed is not None:
            return failed
        if result is None:
            return checks.fail(name, f"slope_gradient({w0}, ...) returned None: "
                                     + debugging.why_no_gradient(tf.constant(w0)))
        problem = checks.diagnose(result, _slope_gradient(w0, x, y), rtol=1e-4, mistakes={
            "that is the loss, not its gradient: return tape.gradient(loss, w).": _slope_loss(w0, x, y),
            f"that is the gradient at w = {round(w0)}: w0 was rounded to a whole number, keep it a float.":
                _slope_gradient(round(w0), x, y)})
        if problem is not None:
            return checks.fail(name, f"with w0 = {w0}: {problem}")
    print(f"✓ {name}: correct on {len(GRADIENT_CASES)} cases.")
    return checks.Verdict(True)


# Exercise 2: a model that cannot learn with a from-logits loss.

#: The check trains on MNIST images the chapter does not use, and measures on others.
MODEL_TRAIN, MODEL_TEST = slice(20000, 22000), slice(22000, 23000)
MODEL_EPOCHS, MODEL_ACCURACY = 3, 0.8


def check_fixed_model(answer):
    """``answer()`` builds a fresh Keras model for 784 pixels that trains well with a from-logits cross entropy.

    The check looks at the new model with :func:`course_lib.debugging.health_report`, then
    trains it for a few epochs with Adam on MNIST images of its own and needs a test
    accuracy of at least :data:`MODEL_ACCURACY`.
    """
    name = "fixed model"
    if checks.is_not_attempted(answer):
        return checks.not_attempted(name, "two bugs: the last layer must output logits (no softmax), and "
                                          "the weights should start small (drop the RandomNormal(stddev=1.0) "
                                          "initializer; Keras' default Glorot is fine).")
    model, failed = _call(name, answer)
    if failed is not None:
        return failed
    if not (callable(model) and hasattr(model, "trainable_variables")):
        return checks.fail(name, f"your function returned {type(model).__name__}, not a model: end it with "
                                 "`return keras.Sequential([...])`.")
    (x_train, y_train), (x_test, y_test) = _mnist_part(MODEL_TRAIN), _mnist_part(MODEL_TEST)
    report = debugging.health_report(model, x_train[:256], y_train[:256], losses.cross_entropy_of_logits)
    hints = {"softmax_from_logits": "the last layer still applies softmax, and the loss applies it again: "
                                    "remove activation='softmax' from the output layer.",
             "large_loss": f"the untrained loss is {report.loss:.3g}, far above ln 10 = 2.303: the "
                           "initial weights are still too large; use the default initializer.",
             "exploding": "the gradients are huge at the start: the initial weights are still too large.",
             "loss_error": "the loss cannot be computed on the model's outputs: it must give 10 numbers "
                           "per image."}
    for kind in report.kinds:
        if kind in hints:
            return checks.fail(name, hints[kind])
    import keras

    dataset = tf.data.Dataset.from_tensor_slices((x_train, y_train)).batch(64)
    history = training.train(model, dataset, loss_fn=losses.cross_entropy_of_logits,
                             optimizer=keras.optimizers.Adam(learning_rate=1e-3), num_epochs=MODEL_EPOCHS,
                             metrics={"accuracy": training.accuracy}, progress=False)
    accuracy = float(training.accuracy(tf.constant(y_test), model(x_test)))
    passed = checks.milestone(f"{name}: test accuracy after {MODEL_EPOCHS} epochs", accuracy,
                              at_least=MODEL_ACCURACY, digits=2)
    if not passed:
        print(f"  The health report after training:\n{debugging.health_report(model, x_train[:256], y_train[:256], losses.cross_entropy_of_logits, history=history)}")
    return passed


def _mnist_part(rows):
    (x, y), _ = debugging.mnist_slice(rows.stop, 1)  # training images the chapter does not use
    return x[rows], y[rows]


# Exercise 3: standardising features.

#: The check's own split of the wine data (the chapter uses seed 0).
STANDARDIZE_SEED = 7


def _standardized(x_train, x_test, *, axis=0, ddof=0, statistics_of=None):
    reference = x_train if statistics_of is None else statistics_of
    mean, std = reference.mean(axis=axis), reference.std(axis=axis, ddof=ddof)
    return np.concatenate([(x_train - mean) / std, (x_test - mean) / std])


def check_standardize(answer):
    """``answer(x_train, x_test)`` returns both sets standardised with the training set's per-feature statistics."""
    name = "standardize"
    if checks.is_not_attempted(answer):
        return checks.not_attempted(name, "each feature (column, axis=0) gets its own mean and std, computed on "
                                          "the training set only and used for both sets.")
    (x_train, _), (x_test, _) = debugging.wine_data(seed=STANDARDIZE_SEED)
    x_train, x_test = x_train.astype(np.float64), x_test.astype(np.float64)
    result, failed = _call(name, answer, x_train.copy(), x_test.copy())
    if failed is not None:
        return failed
    if not (isinstance(result, (tuple, list)) and len(result) == 2):
        return checks.fail(name, "return the pair (x_train_standardized, x_test_standardized).")
    given = np.concatenate([np.asarray(part, np.float64) for part in result])
    expected = _standardized(x_train, x_test)
    if given.shape == expected.shape and np.allclose(given, _standardized(x_train, x_test, ddof=1), rtol=1e-4):
        expected = given  # the sample standard deviation (ddof=1) is as good
    return checks.check_answer(
        name, given, expected, rtol=1e-4, atol=1e-6,
        hint="subtract x_train.mean(axis=0) and divide by x_train.std(axis=0), for both sets.",
        mistakes={
            "one mean and one std for all 13 features: compute them per feature, with axis=0.":
                _standardized(x_train, x_test, axis=None),
            "you used the test set's statistics: compute mean and std on the training set only, "
            "and apply them to both sets.": _standardized(x_train, x_test, statistics_of=x_test),
            "two bugs left: per feature (axis=0), and from the training set.":
                _standardized(x_train, x_test, axis=None, statistics_of=x_test),
            "each set was standardised with its own statistics: use the training set's for the test "
            "set too.": np.concatenate([_standardized(x_train, x_train)[:len(x_train)],
                                        _standardized(x_test, x_test)[:len(x_test)]])})
