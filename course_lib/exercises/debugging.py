"""Chapter 11's "find the bug" exercises: each check runs the student's fixed function on data of its own.

A check calls the function it is given, so no number printed in the chapter can pass it,
and it names the bug that is still there.
"""

import math

import numpy as np
import tensorflow as tf

from course_lib import checks, debugging, language, losses, notebook, training

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


#: The hint of an untouched exercise 1: the symptom and the diagnostic, not the fix.
SLOPE_HINT = ("the tape gives None when it has no path from the loss to the value you differentiate by: ask "
              "debugging.why_no_gradient(w) about that value, and compare with section 7.")


def check_slope_gradient(answer):
    """``answer(w0, x, y)`` returns d/dw of mean((w·x − y)²) at w = w0; called on three cases of its own.

    The check's own derivative (``_slope_gradient``) raises while the answer runs, so it cannot be
    handed in for the student's.
    """
    name = "slope_gradient"
    for w0, x, y in GRADIENT_CASES:
        result, failed = checks.call_answer(name, answer, w0, tf.constant(x), tf.constant(y), hint=SLOPE_HINT,
                                            forbidden=(f"{__name__}._slope_gradient", f"{__name__}._slope_loss"))
        if failed is not None:
            return failed
        if result is None:
            return checks.fail(name, f"slope_gradient({w0}, ...) returned None: the tape found no path from the "
                                     "loss to w. Ask debugging.why_no_gradient(w) why.")
        problem = checks.diagnose(result, _slope_gradient(w0, x, y), rtol=1e-4, mistakes={
            "that is the loss, not its gradient: look at what your function returns.": _slope_loss(w0, x, y),
            f"that is the gradient at w = {round(w0)}: w0 lost its decimals on the way to the tape.":
                _slope_gradient(round(w0), x, y)})
        if problem is not None:
            return checks.fail(name, f"with w0 = {w0}: {problem}")
    language.show(f"✓ {name}: correct on {len(GRADIENT_CASES)} cases.")
    return checks.Verdict(True)


# Exercise 2: a model that cannot learn with a from-logits cross entropy.

#: The check trains on MNIST images the chapter does not use, and measures on others.
MODEL_TRAIN, MODEL_TEST = slice(20000, 22000), slice(22000, 23000)
#: Epochs of Adam (learning rate 1e-3, batches of 64) the check trains the student's model for.
MODEL_EPOCHS = 3
#: The test accuracy the fixed model needs. Measured over seeds 0-2: fixed 0.84-0.86, each bug
#: left alone 0.11 (zero initialisation) or 0.53-0.61 (N(0, 1) initialisation).
MODEL_ACCURACY = 0.8
#: The broken model's Dense layers, which the fixed one keeps: the exercise fixes them, not replaces them.
MODEL_UNITS = (64, 64, 10)

#: The hint of an untouched exercise 2: the symptom and the diagnostic, not the fix.
MODEL_HINT = ("read the broken model's health report: each ⚠ line names a symptom, and the table shows "
              "which layer has it (its largest weight, its gradient norm, its dead units); sections 2 and 3 "
              "say what causes each. Fix one thing, then run the report on your model again.")


def broken_model():
    """Chapter 11's exercise 2: a 784-64-64-10 network for a loss on logits, which does not learn."""
    import keras

    return keras.Sequential([
        keras.Input((784,)),
        keras.layers.Dense(64, activation="relu", kernel_initializer=keras.initializers.RandomNormal(stddev=1.0)),
        keras.layers.Dense(64, activation="relu", kernel_initializer="zeros"),
        keras.layers.Dense(10)])


def _report(model, x, y, history=None):
    """The health report of ``model``; Keras' warning about a softmax output is left out, the report names it."""
    import warnings

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*from_logits=True.*Softmax", category=UserWarning)
        return debugging.health_report(model, x, y, losses.cross_entropy_of_logits, history=history)


#: What the check says when the report on the student's new model still finds a problem: the symptom.
MODEL_SYMPTOMS = {
    "dead_units": "the report still finds dead units: a layer whose units output 0 for every image passes "
                  "no gradient back, so it and every layer below it cannot learn. What, before any training, "
                  "makes every unit of a layer output 0? Read that layer's row of the report.",
    "large_loss": "the untrained loss is {loss:.3g}, far above ln 10 = 2.303 (a uniform guess): the network "
                  "starts confidently wrong. Compare each layer's largest weight in the report with the "
                  "healthy network of section 1.",
    "exploding": "the gradients are huge before any training: compare each layer's largest weight and gradient "
                 "norm in the report with the healthy network of section 1.",
    "softmax_from_logits": "every output row is ≥ 0 and sums to 1: the model outputs probabilities, and this "
                           "loss takes logits. (Keras' loss recovers the logits from a Keras softmax tensor, so "
                           "such a model may still train here, but its outputs saved as NumPy, or given to "
                           "tf.nn's cross entropy, are taken for logits.)",
    "loss_error": "the loss cannot be computed on the model's outputs: it must give 10 numbers per image.",
}


def check_fixed_model(answer):
    """``answer()`` builds a new 784-64-64-10 Keras model that trains well with a from-logits cross entropy.

    The check calls the function twice (a new, untrained model each time), requires the
    broken model's Dense layers (:data:`MODEL_UNITS`), looks at the new model with
    :func:`course_lib.debugging.health_report` and names the symptom it still finds, then
    trains it for :data:`MODEL_EPOCHS` epochs with Adam on MNIST images of its own and needs a
    test accuracy of at least :data:`MODEL_ACCURACY`. The chapter's healthy network,
    :func:`course_lib.debugging.mlp`, raises while the answer runs.
    """
    import keras

    name = "fixed model"
    forbidden = ("course_lib.debugging.mlp",)
    model, failed = checks.call_answer(name, answer, hint=MODEL_HINT, forbidden=forbidden)
    if failed is not None:
        return failed
    if not isinstance(model, keras.Model):
        return checks.fail(name, f"your function returned {type(model).__name__}, not a model: end it with "
                                 "`return keras.Sequential([...])`.")
    again, failed = checks.call_answer(name, answer, hint=MODEL_HINT, forbidden=forbidden)
    if failed is not None:
        return failed
    if again is model:
        return checks.fail(name, "your function returns the same model every time: build a new one in it, "
                                 "as broken_model does.")
    units = tuple(layer.units for layer in model.layers if isinstance(layer, keras.layers.Dense))
    if units != MODEL_UNITS:
        return checks.fail(name, f"your model's Dense layers have {list(units)} units; keep the broken model's "
                                 f"{list(MODEL_UNITS)}: the exercise is to find what is wrong with them.")
    (x_train, y_train), (x_test, y_test) = _mnist_part(MODEL_TRAIN), _mnist_part(MODEL_TEST)
    report = _report(model, x_train[:256], y_train[:256])
    for kind in report.kinds:
        if kind in MODEL_SYMPTOMS:
            return checks.fail(name, MODEL_SYMPTOMS[kind].format(loss=report.loss or 0.0))
    if report.loss is not None and report.loss < 0.5 * math.log(10):
        return checks.fail(name, f"the loss of your new model is {report.loss:.3g} before the check trains it, "
                                 "well below ln 10 = 2.303: it was trained already. Return a new, untrained model.")
    dataset = tf.data.Dataset.from_tensor_slices((x_train, y_train)).batch(64)
    history = training.train(model, dataset, loss_fn=losses.cross_entropy_of_logits,
                             optimizer=keras.optimizers.Adam(learning_rate=1e-3), num_epochs=MODEL_EPOCHS,
                             metrics={"accuracy": training.accuracy}, progress=False)
    accuracy = float(training.accuracy(tf.constant(y_test), model(x_test)))
    passed = checks.milestone(f"{name}: test accuracy after {MODEL_EPOCHS} epochs", accuracy,
                              at_least=MODEL_ACCURACY, digits=2)
    if not passed:
        after = _report(model, x_train[:256], y_train[:256], history)
        language.show(f"  The health report after training:\n{after}")
        if not after.problems:
            language.show("  Nothing in the report stands out now, yet the model learned too little: run the report on "
                  "a new, untrained model and compare each layer's largest weight with the healthy network of "
                  "section 1.")
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


#: The hint of an untouched exercise 3: the symptom and the diagnostic, not the fix.
STANDARDIZE_HINT = ("standardised training features have a mean of 0 and a standard deviation of 1 in every "
                    "column: print those of broken_standardize's output, column by column, and compare with "
                    "section 8's rule.")
#: Ready-made standardisers the exercise asks the student to write with NumPy instead.
STANDARDIZERS = ("keras.layers.Normalization", "sklearn.preprocessing.StandardScaler", "sklearn.preprocessing.scale")


def check_standardize(answer):
    """``answer(x_train, x_test)`` returns both sets standardised with the training set's per-feature statistics.

    Called on the check's own split of the wine data, with Keras' ``Normalization`` and
    scikit-learn's scalers raising while it runs.
    """
    name = "standardize"
    (x_train, _), (x_test, _) = debugging.wine_data(seed=STANDARDIZE_SEED)
    x_train, x_test = x_train.astype(np.float64), x_test.astype(np.float64)
    result, failed = checks.call_answer(name, answer, x_train.copy(), x_test.copy(), hint=STANDARDIZE_HINT,
                                        forbidden=STANDARDIZERS)
    if failed is not None:
        return failed
    if not (isinstance(result, (tuple, list)) and len(result) == 2):
        return checks.fail(name, "return the pair (x_train_standardized, x_test_standardized).")
    given = np.concatenate([np.asarray(part, np.float64) for part in result])
    expected = _standardized(x_train, x_test)
    if given.shape == expected.shape and np.allclose(given, _standardized(x_train, x_test, ddof=1), rtol=1e-4):
        expected = given  # the sample standard deviation (ddof=1) is as good
    return checks.check_answer(
        name, given, expected, rtol=1e-4, atol=1e-6, hint=STANDARDIZE_HINT,
        mistakes={
            "one mean and one std for all 13 features: the features still keep their different scales "
            "relative to each other (print each column's standard deviation).":
                _standardized(x_train, x_test, axis=None),
            "the statistics come from the test set: the training set's columns do not have mean 0 and "
            "standard deviation 1, and the test set took part in preparing the model's inputs.":
                _standardized(x_train, x_test, statistics_of=x_test),
            "two bugs left: the columns share one scale, and the statistics come from the test set.":
                _standardized(x_train, x_test, axis=None, statistics_of=x_test),
            "each set was standardised with its own statistics: the same raw value now means different "
            "things in the two sets.": np.concatenate([_standardized(x_train, x_train)[:len(x_train)],
                                                      _standardized(x_test, x_test)[:len(x_test)]])})


# Exercise 4: the overfit-one-batch test, written by the student.

#: The check's one batch: ONE_BATCH_SIZE MNIST training images the chapter does not use.
ONE_BATCH_SIZE = 32
ONE_BATCH_ROWS = slice(30000, 30000 + ONE_BATCH_SIZE)

#: The hint of an untouched exercise 4: the symptom and the diagnostic, not the fix.
ONE_BATCH_HINT = ("the test asks one question: can this model, with this loss, drive the loss on these few "
                  "examples to about zero? Section 10 shows what a healthy network reaches, in how many steps, "
                  "and a network that cannot.")


def _dead_hidden_layer(seed):
    """A network whose hidden ReLU layer starts at zero: every unit outputs 0 and passes no gradient back."""
    import keras

    with notebook.seeded(seed):
        return keras.Sequential([keras.Input((784,)),
                                 keras.layers.Dense(48, activation="relu", kernel_initializer="zeros"),
                                 keras.layers.Dense(10)])


def _one_batch_cases():
    """The check's (what, model factory, loss, can it overfit?) cases, healthy and broken, on models of its own."""
    return [
        ("a healthy 784-48-10 network", lambda: debugging.mlp(hidden=(48,), seed=3), losses.cross_entropy_of_logits, True),
        ("a network whose softmax is applied twice", lambda: debugging.mlp(hidden=(48,), output="softmax", seed=3),
         debugging.softmax_cross_entropy_on_probabilities, False),
        ("a network whose hidden units are all dead", lambda: _dead_hidden_layer(3), losses.cross_entropy_of_logits, False),
        ("a healthy 784-96-96-10 network", lambda: debugging.mlp(hidden=(96, 96), seed=4), losses.cross_entropy_of_logits,
         True),
    ]


def check_can_overfit(answer):
    """``answer(model, x, y, loss_fn)`` returns True when ``model`` can memorise the batch, else False.

    The check hands it fresh models of its own, healthy and broken (a double softmax, dead
    units), on 32 MNIST images the chapter does not use, and needs the right verdict on each.
    :func:`course_lib.debugging.overfit_one_batch` raises while the answer runs.
    """
    name = "can_overfit"
    if answer is checks.NOT_ATTEMPTED:
        return checks.not_attempted(name, ONE_BATCH_HINT)
    x, y = _mnist_part(ONE_BATCH_ROWS)
    for what, build, loss_fn, expected in _one_batch_cases():
        result, failed = checks.call_answer(name, answer, build(), x, y, loss_fn, hint=ONE_BATCH_HINT,
                                            forbidden=("course_lib.debugging.overfit_one_batch",))
        if failed is not None:
            return failed
        if not isinstance(result, (bool, np.bool_)):
            return checks.fail(name, f"your function returned {type(result).__name__}; return True or False.")
        if bool(result) != expected:
            verdict = "could not memorise" if expected else "memorised"
            return checks.fail(name, f"on {what}, your function said {bool(result)}, but this network {verdict} "
                                     "the batch in the check's own run. Print the loss your function reaches on "
                                     "this batch, step by step, and compare with section 10.")
    language.show(f"✓ {name}: the right verdict on {len(_one_batch_cases())} networks, healthy and broken.")
    return checks.Verdict(True)


# Exercise 5: clipping by the global norm.

#: The hint of an untouched exercise 5.
CLIP_HINT = ("section 11's table gives the formula of global_clipnorm: which norm is measured, over which "
             "gradients, and when is nothing changed? Compare your steps with the printed ones of section 11.")
#: What the exercise asks the student to write without.
CLIPPERS = ("tensorflow.clip_by_global_norm", "tensorflow.clip_by_norm", "tensorflow.linalg.global_norm",
            "keras.src.optimizers.base_optimizer.clip_by_global_norm")


def _global_norm(gradients):
    return math.sqrt(sum(float(np.sum(np.square(g))) for g in gradients))


def _clipped(gradients, clip_norm, *, per_variable=False, always=False, squared=False):
    """Each gradient scaled by clip_norm / max(norm, clip_norm), and the known slips (flattened together)."""
    out = []
    for g in gradients:
        norm = math.sqrt(float(np.sum(np.square(g)))) if per_variable else _global_norm(gradients)
        if squared:
            norm = norm ** 2
        scale = clip_norm / norm if always else clip_norm / max(norm, clip_norm)
        out.append(np.asarray(g, np.float64) * scale)
    return np.concatenate([g.ravel() for g in out])


def _clip_cases():
    """(gradients, clip_norm) cases: norms above and below the clip, several shapes, none from the chapter."""
    rng = np.random.default_rng(2015)
    cases = []
    for shapes, clip_norm, size in (([(3, 2), (2,)], 1.5, 2.0), ([(4,), (2, 2), (1,)], 0.7, 0.3),
                                    ([(5,)], 2.5, 0.2), ([(2, 3), (3,)], 50.0, 1.0)):
        cases.append(([rng.normal(scale=size, size=shape).astype(np.float32) for shape in shapes], clip_norm))
    return cases


def _judge_clip(gradients, clip_norm):
    def judge(result):
        if not isinstance(result, (list, tuple)) or len(result) != len(gradients):
            return f"return a list of {len(gradients)} gradients, one per variable, in the order given."
        given = [checks.as_array(g) for g in result]
        if any(g is None or g.shape != np.shape(w) for g, w in zip(given, gradients)):
            return "each clipped gradient must have the shape of its gradient."
        return checks.diagnose(np.concatenate([g.ravel() for g in given]), _clipped(gradients, clip_norm), rtol=1e-4,
                               atol=1e-6, mistakes={
            "each gradient was clipped by its own norm: that is clipnorm, not global_clipnorm.":
                _clipped(gradients, clip_norm, per_variable=True),
            "gradients whose global norm is already below the clip were scaled up: clipping only shrinks.":
                _clipped(gradients, clip_norm, always=True),
            "the norm is the square root of the sum of squares: yours is missing the square root.":
                _clipped(gradients, clip_norm, squared=True),
            "that is clipvalue: every entry clipped on its own, which changes the direction.":
                np.concatenate([np.clip(g, -clip_norm, clip_norm).ravel() for g in gradients])})
    return judge


def check_clip_by_global_norm(answer):
    """``answer(gradients, clip_norm)`` returns the list of gradients clipped as ``global_clipnorm`` does.

    Called with lists of ``tf.Tensor`` gradients of its own (global norms above and below the
    clip); TensorFlow's and Keras' clipping functions raise while it runs.
    """
    cases = [((list(map(tf.constant, gradients)), clip_norm), _judge_clip(gradients, clip_norm))
             for gradients, clip_norm in _clip_cases()]
    return checks.check_function("clip_by_global_norm", answer, cases, hint=CLIP_HINT, forbidden=CLIPPERS)


# Exercise 6: batch normalization in training mode.

#: The hint of an untouched exercise 6.
BATCH_NORM_HINT = ("section 12's formula, term by term: over which axis are μ_B and σ²_B taken (one per unit, "
                   "or one per example?), where does ε go, and which of γ and β multiplies?")
#: What the exercise asks the student to write without.
NORMALIZERS = ("keras.layers.BatchNormalization", "tensorflow.nn.batch_normalization", "tensorflow.nn.moments",
               "keras.ops.batch_normalization", "keras.ops.moments")


def _batch_norm(z, gamma, beta, epsilon, *, axis=0, ddof=0, epsilon_outside=False, mean=None, variance=None):
    z = np.asarray(z, np.float64)
    mean = z.mean(axis=axis, keepdims=True) if mean is None else mean
    variance = z.var(axis=axis, ddof=ddof, keepdims=True) if variance is None else variance
    scale = np.sqrt(variance) + epsilon if epsilon_outside else np.sqrt(variance + epsilon)
    return gamma * (z - mean) / scale + beta


def _batch_norm_cases():
    rng = np.random.default_rng(2017)
    cases = []
    for batch, units, epsilon in ((6, 3, 1e-3), (10, 4, 0.1), (5, 2, 0.5)):
        z = rng.normal(loc=rng.normal(scale=3.0, size=units), scale=rng.uniform(0.5, 4.0, size=units),
                       size=(batch, units)).astype(np.float32)
        cases.append((z, rng.uniform(0.5, 2.0, units).astype(np.float32), rng.normal(size=units).astype(np.float32),
                      epsilon))
    return cases


def _judge_batch_norm(z, gamma, beta, epsilon):
    def judge(result):
        return checks.diagnose(result, _batch_norm(z, gamma, beta, epsilon), rtol=1e-4, atol=1e-5, mistakes={
            "the statistics were taken per example (across the units), not per unit across the batch.":
                _batch_norm(z, gamma, beta, epsilon, axis=1),
            "that is the sample variance (dividing by |B| − 1): the formula divides by |B|.":
                _batch_norm(z, gamma, beta, epsilon, ddof=1),
            "ε is added to the standard deviation: the formula adds it to the variance, under the square root.":
                _batch_norm(z, gamma, beta, epsilon, epsilon_outside=True),
            "γ and β swapped places.": _batch_norm(z, beta, gamma, epsilon),
            "that is a fresh layer in inference mode (moving mean 0, variance 1), not the batch's statistics.":
                _batch_norm(z, gamma, beta, epsilon, mean=0.0, variance=1.0)})
    return judge


def check_batch_norm(answer):
    """``answer(z, gamma, beta, epsilon)`` returns batch normalization of ``z`` (batch × units) in training mode.

    Called on batches of its own; Keras' and TensorFlow's batch normalization and moments raise while it runs.
    """
    cases = [((tf.constant(z), tf.constant(gamma), tf.constant(beta), epsilon), _judge_batch_norm(z, gamma, beta, epsilon))
             for z, gamma, beta, epsilon in _batch_norm_cases()]
    return checks.check_function("batch_norm", answer, cases, hint=BATCH_NORM_HINT, forbidden=NORMALIZERS)
