"""Chapter 05 exercises: cross entropy with a smoothed label, the gradient of softmax + CE, the cautious
forecast, and a cross-entropy loss of your own used in ``fit``."""

import numpy as np
import tensorflow as tf

from course_lib import checks, language, losses, notebook


#: Exercise 1: the one-hot label (0, 1, 0) smoothed by 0.3, and the prediction.
SMOOTHING = 0.3
ONE_HOT = np.array([0.0, 1.0, 0.0])
SMOOTHED_LABEL = ONE_HOT * (1 - SMOOTHING) + SMOOTHING / len(ONE_HOT)
PREDICTION = np.array([0.2, 0.7, 0.1])


def check_cross_entropy(answer):
    """The cross entropy of the smoothed label (0.1, 0.8, 0.1) against the prediction (0.2, 0.7, 0.1)."""
    expected = -np.sum(SMOOTHED_LABEL * np.log(PREDICTION))
    return checks.check_answer(
        "cross entropy of (0.1, 0.8, 0.1) against (0.2, 0.7, 0.1)", answer, expected, rtol=1e-4,
        hint="H = −Σ y_ · ln y over every class: with a smoothed label no term is multiplied by 0.",
        mistakes={"that is the cross entropy of the one-hot label (0, 1, 0): the smoothed label gives "
                  "every class a share, so every class's log counts.": -np.log(PREDICTION[1]),
                  "that has no minus sign: the logs of probabilities are negative, CE is positive.":
                  np.sum(SMOOTHED_LABEL * np.log(PREDICTION)),
                  "that is the log in base 10; TensorFlow and Keras use the natural log ln (np.log).":
                  -np.sum(SMOOTHED_LABEL * np.log10(PREDICTION)),
                  "label and prediction are swapped: H(y_, y) takes the log of the prediction, "
                  "weighted by the label.": -np.sum(PREDICTION * np.log(SMOOTHED_LABEL)),
                  "that is −Σ ln y over every class; multiply each log by its share of the label first.":
                  -np.sum(np.log(PREDICTION))})


#: The logits and the label of the gradient exercise.
GRADIENT_LOGITS = np.array([2.0, 1.0, 0.1])
GRADIENT_LABEL = np.array([1.0, 0.0, 0.0])


def check_logit_gradient(answer):
    """The gradient of softmax + CE with respect to the logits (2, 1, 0.1) for the label (1, 0, 0)."""
    expected = losses.logit_gradients(GRADIENT_LABEL[None], GRADIENT_LOGITS[None])["ce_formula"][0]
    probabilities = expected + GRADIENT_LABEL
    return checks.check_answer(
        "gradient of CE with respect to the logits", answer, expected, rtol=1e-4,
        hint="the closed form is softmax(z) − one-hot(y); compute the softmax with np.exp first.",
        mistakes={"that is one-hot − softmax: the sign is flipped.": -expected,
                  "that is the softmax alone: subtract the one-hot label.": probabilities,
                  "that is z − one-hot: take the softmax of the logits first.": GRADIENT_LOGITS - GRADIENT_LABEL})


#: Exercise 3's target: the forecast above the true sales on about one day in five.
CAUTIOUS_SHARES = (0.15, 0.25)


def _why_the_forecast_misses(cost, profit, share):
    """What the prices say about the share of days over-predicted (about PROFIT / (COST + PROFIT))."""
    quantile = profit / (cost + profit)
    if cost < profit:
        return (f"over-predicting is the cheaper mistake with these prices, so the model over-predicts "
                f"on most days ({share:.0%}): did you swap COST and PROFIT? COST is what an unsold cake "
                "costs, PROFIT what a missed sale loses.")
    if cost == profit:
        return "equal prices make both mistakes equally bad: the forecast is the median, above on about half the days."
    if share > CAUTIOUS_SHARES[1]:
        return (f"right direction, not far enough: the model over-predicts on {share:.0%} of the days "
                f"(the rule PROFIT / (COST + PROFIT) says {quantile:.0%}); make COST larger compared with PROFIT.")
    return (f"too cautious: the model over-predicts on only {share:.0%} of the days (the rule PROFIT / "
            f"(COST + PROFIT) says {quantile:.0%}); COST is too large compared with PROFIT.")


def check_cautious_forecast(cost, profit):
    """A COST and PROFIT whose fitted forecast is above the true sales on 15 % to 25 % of the days.

    The chapter's rule (the forecast sits at the PROFIT / (COST + PROFIT) quantile) gives the
    ratio; a miss says why: the prices swapped, equal, or too far or not far enough apart.
    """
    name = "cautious forecast"
    refused = checks.refuse_numbers(name, "COST is charged for each cake over-predicted, PROFIT for "
                                          "each sale missed; use the quantile rule of section 8.",
                                    COST=cost, PROFIT=profit)
    if refused is not None:
        return refused
    try:
        share = losses.fit_sales_model(cost, profit)["above_share"]
    except ValueError as error:
        return checks.fail(name, f"{error} Prices are positive amounts.")
    low, high = CAUTIOUS_SHARES
    label = f"share of days over-predicted with COST {float(cost):g}, PROFIT {float(profit):g}"
    if low <= share <= high:
        language.show(f"✓ {label} is between {low:.2f} and {high:.2f}")
        return checks.Verdict(True)
    return checks.fail(label, f"{share:.2f}, not between {low:.2f} and {high:.2f}. Why: "
                              f"{_why_the_forecast_misses(float(cost), float(profit), share)}")


#: How many fresh rows and classes the cross-entropy check draws, and its seed.
CE_NUM_ROWS, CE_NUM_CLASSES, CE_SEED = 12, 5, 515
#: The fit the check runs with your loss: iris, Dense(3, softmax), SGD, a few epochs.
CE_FIT_EPOCHS, CE_FIT_BATCH_SIZE, CE_FIT_LEARNING_RATE = 3, 16, 0.1


def _fresh_labels_and_probabilities():
    """One-hot labels and softmax probabilities the chapter never shows (seeded), as float32 tensors."""
    generator = np.random.default_rng(CE_SEED)
    labels = np.eye(CE_NUM_CLASSES)[generator.integers(0, CE_NUM_CLASSES, CE_NUM_ROWS)]
    logits = generator.normal(0.0, 2.0, (CE_NUM_ROWS, CE_NUM_CLASSES))
    probabilities = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    return tf.constant(labels, tf.float32), tf.constant(probabilities, tf.float32)


def _fit_iris(loss):
    """The weights of iris's softmax model after a short ``fit`` with ``loss`` (one-hot labels)."""
    import keras

    from course_lib import data

    x, y = data.load_iris(shuffle_seed=116)
    with notebook.seeded(0):
        model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(3, activation="softmax")])
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=CE_FIT_LEARNING_RATE), loss=loss)
        model.fit(x, np.eye(3, dtype=np.float32)[y], batch_size=CE_FIT_BATCH_SIZE, epochs=CE_FIT_EPOCHS,
                  shuffle=False, verbose=0)
    return np.concatenate([w.numpy().ravel() for w in model.weights])


_KERAS_FIT = []  # the reference fit, run once per session

#: What exercise 4 asks you to write: Keras' cross entropies and the course's own raise while your loss runs.
CE_FORBIDDEN = ("keras.losses.categorical_crossentropy", "keras.losses.CategoricalCrossentropy",
                "keras.ops.categorical_crossentropy", "course_lib.losses.cross_entropy")


def check_cross_entropy_function(cross_entropy):
    """Your ``cross_entropy(y_true, y_pred)`` on fresh probabilities, then as the loss of a real ``fit``.

    It must return one loss per row, −Σ y_true · ln y_pred over the last axis, as
    ``keras.losses.categorical_crossentropy`` does on probabilities; ``fit`` averages them.
    The fit's weights are compared with the same fit using Keras' own loss. Keras' cross
    entropies and the course's (:data:`CE_FORBIDDEN`) raise while your function runs.
    """
    import keras

    name = "cross-entropy loss"
    hint = "return −Σ y_true · ln(y_pred) over the last axis (axis=-1): tf.reduce_sum(..., axis=-1)."
    labels, probabilities = _fresh_labels_and_probabilities()
    given, verdict = checks.call_answer(name, cross_entropy, labels, probabilities, hint=hint,
                                        forbidden=CE_FORBIDDEN)
    if verdict is not None:
        return verdict
    if checks.is_not_attempted(given):
        return checks.not_attempted(name, hint)
    expected = keras.losses.categorical_crossentropy(labels, probabilities).numpy()
    y, p = labels.numpy(), probabilities.numpy()
    per_element = -y * np.log(p)
    values = checks.as_array(given)
    if values is not None and values.shape == ():
        for reduction, total in (("mean", expected.mean()), ("sum", expected.sum())):
            if np.isclose(float(values), total, rtol=1e-4):
                return checks.fail(name, f"that is the {reduction} over the rows: return one loss per row "
                                         "(reduce over axis=-1 only); Keras averages them itself.")
    if values is not None and values.size and not np.all(np.isfinite(values)):
        return checks.fail(name, "your loss is infinite or NaN on probabilities that are never 0: did you take "
                                 "the log of y_true, whose zeros give ln 0? Keras passes (y_true, y_pred) in "
                                 "that order; the label multiplies the log of the prediction.")
    passed = checks.check_answer(
        f"cross_entropy on {CE_NUM_ROWS} fresh rows of {CE_NUM_CLASSES} probabilities", given, expected,
        rtol=1e-4, atol=1e-6, hint=hint,
        mistakes={"the sign: ln of a probability is negative, so the loss needs a minus in front.":
                  -expected,
                  "that is the mean over the classes: sum −y_true · ln y_pred over them instead.":
                  per_element.mean(axis=-1),
                  "that is the log in base 10; cross entropy uses the natural log, tf.math.log.":
                  -np.sum(y * np.log10(p), axis=-1),
                  "that is −Σ ln y_pred over every class: multiply each log by its label first.":
                  -np.sum(np.log(p), axis=-1)})
    if not passed:
        return passed
    weights, verdict = checks.call_answer(
        f"{name} in fit", cross_entropy, hint=hint, run=_fit_iris, forbidden=CE_FORBIDDEN,
        error_hint="Inside fit the tensors are symbolic: use TensorFlow operations (tf.math.log, "
                   "tf.reduce_sum), not NumPy.")
    if verdict is not None:
        return verdict
    if not _KERAS_FIT:
        _KERAS_FIT.append(_fit_iris(keras.losses.CategoricalCrossentropy()))
    return checks.check_answer(
        f"iris weights after fit(loss=cross_entropy), {CE_FIT_EPOCHS} epochs", weights, _KERAS_FIT[0],
        rtol=1e-4, atol=1e-5,
        hint="the values are right but fit trained differently: return one loss per row, as a tensor.")
