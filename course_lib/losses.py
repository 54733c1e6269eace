"""Loss functions (损失函数) of chapter 05, written out so that each formula can be read and checked.

- :func:`cross_entropy` is the source course's H(y_, y) = −Σ y_ · ln y on probabilities.
- :func:`cross_entropy_of_logits` and :func:`mse` are the two losses every chapter that
  trains or measures by hand uses (02, 04, 06, 08, 10): the one cross entropy on logits, the one MSE.
- :func:`naive_softmax_cross_entropy` and :func:`stable_softmax_cross_entropy` show why
  ``from_logits=True`` matters: the first overflows on large logits, the second subtracts
  the largest logit first (the log-sum-exp trick), as ``tf.nn.softmax_cross_entropy_with_logits`` does.
- :func:`logit_gradients` compares the gradients of CE and MSE with respect to the logits,
  by ``GradientTape`` and by their closed forms.
- :func:`probability_losses` is the one-number view behind the CE-vs-MSE panel.
- :func:`sales_loss`, :func:`make_sales_data` and :func:`fit_sales_model` are the custom,
  asymmetric loss of the sales forecast (over-predicting costs ``cost`` per unit,
  under-predicting loses ``profit`` per unit) and its fit by gradient descent.
"""

import keras
import numpy as np
import tensorflow as tf

from course_lib import validate

#: The seed and the size of the source course's sales data (酸奶 sales, y = x1 + x2 + noise).
SALES_SEED = 23455
SALES_NUM_SAMPLES = 32
#: A day whose forecast is within this many units of its true sales sits on the fitted plane (the
#: sales are about 1 unit, their noise ±0.05; the descent settles such days to about 1e-5).
ON_PLANE_TOLERANCE = 1e-3


def _numbers(name, value):
    """``value`` as a tensor of real numbers (floats or integers), or a TypeError naming ``name``.

    Works inside a ``tf.function`` too, where ``value`` is already a tensor.
    """
    try:
        tensor = tf.convert_to_tensor(value)
    except (TypeError, ValueError, OverflowError):
        raise TypeError(f"{name} must be an array or tensor of numbers, got {type(value).__name__}.") from None
    if not (tensor.dtype.is_floating or tensor.dtype.is_integer) or tensor.dtype == tf.bool:
        raise TypeError(f"{name} must hold real numbers, got a tensor of {tensor.dtype.name}.")
    return tensor


def _same_shape(y_true, other, other_name):
    if y_true.shape != other.shape:
        raise ValueError(f"y_true has shape {y_true.shape} but {other_name} has shape {other.shape}; "
                         "they must match (one row per sample, one column per class).")


def _one_hot_or_distribution(y_true):
    """A ValueError unless every row of ``y_true`` is a probability distribution (one-hot labels are)."""
    if np.any(y_true < 0) or not np.allclose(y_true.sum(axis=-1), 1.0, atol=1e-6):
        raise ValueError("y_true must hold one-hot labels (or probabilities): entries in [0, 1], each row "
                         "summing to 1; class indices such as [2, 0] need keras.utils.to_categorical first.")


def cross_entropy(y_true, y_pred):
    """H(y_true, y_pred) = −Σ y_true · ln y_pred over the last axis: one number per sample.

    ``y_pred`` must be probabilities (each in (0, 1]); the log of 0 is infinite, which is
    the reason losses are better computed from logits (see :func:`stable_softmax_cross_entropy`).
    """
    y_true, y_pred = validate.finite_array("y_true", y_true), validate.finite_array("y_pred", y_pred)
    _same_shape(y_true, y_pred, "y_pred")
    if np.any(y_pred <= 0) or np.any(y_pred > 1):
        raise ValueError("y_pred must be probabilities in (0, 1]; a 0 makes ln(0) = −inf. "
                         "Pass logits to stable_softmax_cross_entropy instead.")
    return -np.sum(y_true * np.log(y_pred), axis=-1)


def cross_entropy_of_logits(y_true, logits):
    """Mean cross entropy (交叉熵) of the labels and softmax(logits), computed from the logits.

    ``y_true`` is one-hot (shaped like ``logits``) or integer classes (one axis fewer).
    Keras subtracts the largest logit first, as :func:`stable_softmax_cross_entropy`
    does. Taught in chapter 05; chapters 02, 04, 08 and 10 train or measure with it.
    """
    y_true, logits = _numbers("y_true", y_true), _numbers("logits", logits)
    if logits.shape.rank == 0:
        raise ValueError("logits must hold one row of scores per example, got a single number.")
    if y_true.shape.rank < logits.shape.rank:
        return tf.reduce_mean(keras.losses.sparse_categorical_crossentropy(y_true, logits, from_logits=True))
    return tf.reduce_mean(keras.losses.categorical_crossentropy(y_true, logits, from_logits=True))


def mse(y_true, y_pred):
    """Mean squared error (均方误差): the mean of (y_true − y_pred)² over every entry, a scalar tensor.

    Works on tensors and NumPy arrays (in ``y_pred``'s dtype). Taught in chapter 02
    (the source's loss on one-hot labels); chapter 06 measures fits with it and
    chapter 10 prints it beside the cross entropy.
    """
    y_pred = _numbers("y_pred", y_pred)
    y_true = tf.cast(_numbers("y_true", y_true), y_pred.dtype)
    _static_shapes_match(y_true, y_pred)
    return tf.reduce_mean(tf.square(y_true - y_pred))


def _static_shapes_match(y_true, y_pred):
    """A ValueError where broadcasting would silently pair the wrong entries, or there are none to average.

    Only shapes known before running are checked, so the check also holds inside a ``tf.function``.
    """
    if y_true.shape.is_fully_defined() and y_pred.shape.is_fully_defined():
        if y_true.shape != y_pred.shape:
            raise ValueError(f"y_true has shape {tuple(y_true.shape)} but y_pred has shape "
                             f"{tuple(y_pred.shape)}; they must match (broadcasting would pair the wrong "
                             "entries; reshape one of them).")
        if y_pred.shape.num_elements() == 0:
            raise ValueError("y_true and y_pred are empty: there is no error to average.")


def naive_softmax_cross_entropy(y_true, logits, dtype="float32"):
    """Softmax written as exp(z) / Σ exp(z), then CE: overflows to inf or NaN on large logits.

    Computed in TensorFlow with ``dtype`` (float32 like a network) and returned as NumPy,
    so that the chapter can show what goes wrong without the log-sum-exp trick.
    """
    y_true, logits = validate.finite_array("y_true", y_true), validate.finite_array("logits", logits)
    _same_shape(y_true, logits, "logits")
    _one_hot_or_distribution(y_true)
    z = tf.constant(logits, dtype=dtype)
    exp = tf.exp(z)
    probabilities = exp / tf.reduce_sum(exp, axis=-1, keepdims=True)
    return (-tf.reduce_sum(tf.constant(y_true, dtype=dtype) * tf.math.log(probabilities), axis=-1)).numpy()


def stable_softmax_cross_entropy(y_true, logits, dtype="float32"):
    """CE from logits with the log-sum-exp trick: ln Σ exp(z − max z) + max z − Σ y · z.

    Subtracting the largest logit makes every exp at most 1, so nothing overflows; the
    result equals ``tf.nn.softmax_cross_entropy_with_logits`` (and ``from_logits=True``).
    """
    y_true, logits = validate.finite_array("y_true", y_true), validate.finite_array("logits", logits)
    _same_shape(y_true, logits, "logits")
    _one_hot_or_distribution(y_true)
    z = tf.constant(logits, dtype=dtype)
    largest = tf.reduce_max(z, axis=-1, keepdims=True)
    log_sum_exp = tf.math.log(tf.reduce_sum(tf.exp(z - largest), axis=-1)) + largest[..., 0]
    return (log_sum_exp - tf.reduce_sum(tf.constant(y_true, dtype=dtype) * z, axis=-1)).numpy()


def logit_gradients(y_true, logits):
    """Gradients of CE and MSE (both after softmax) with respect to the logits, two ways.

    Returns a dict of float64 arrays shaped like ``logits``: ``"ce_tape"`` and ``"mse_tape"``
    from ``GradientTape`` on the per-sample losses, ``"ce_formula"`` = softmax − one-hot and
    ``"mse_formula"`` = J·(2/K)(p − y) with the softmax Jacobian J = diag(p) − p pᵀ.
    """
    y_true = validate.finite_array("y_true", y_true, ndim_at_least=2)
    logits = validate.finite_array("logits", logits, ndim_at_least=2)
    _same_shape(y_true, logits, "logits")
    z = tf.Variable(logits, dtype=tf.float64)
    labels = tf.constant(y_true)
    with tf.GradientTape(persistent=True) as tape:
        probabilities = tf.nn.softmax(z)
        ce = tf.reduce_sum(tf.nn.softmax_cross_entropy_with_logits(labels, z))
        mse = tf.reduce_sum(tf.reduce_mean(tf.square(probabilities - labels), axis=-1))
    p = probabilities.numpy()
    num_classes = logits.shape[-1]
    upstream = 2.0 / num_classes * (p - y_true)
    return {
        "ce_tape": tape.gradient(ce, z).numpy(),
        "mse_tape": tape.gradient(mse, z).numpy(),
        "ce_formula": p - y_true,
        "mse_formula": p * upstream - p * np.sum(p * upstream, axis=-1, keepdims=True),
    }


def probability_losses(probability):
    """Two-class losses when the true class gets ``probability``: CE, MSE and their slopes.

    With two classes and one-hot labels, CE = −ln p and MSE = (1 − p)² (the mean over the two
    classes of the two equal squared errors). The slopes are taken with respect to the logit
    z of the true class (p = sigmoid(z)): dCE/dz = p − 1 and dMSE/dz = −2(1 − p)·p(1 − p).
    The MSE slope vanishes when the model is confidently wrong (p → 0): it learns slowest
    exactly where it is worst, while the CE slope stays near −1.
    """
    p = validate.in_range("probability", probability, 1e-6, 1.0)
    return {"probability": p, "ce": float(-np.log(p)), "mse": (1.0 - p) ** 2,
            "ce_slope": p - 1.0, "mse_slope": -2.0 * (1.0 - p) ** 2 * p}


def sales_loss(y_true, y_pred, cost, profit):
    """Σ cost·(y_pred − y_true) where over-predicted + profit·(y_true − y_pred) where under-predicted.

    The source course's custom loss: an unsold unit costs ``cost``, a missed sale loses
    ``profit``. Works on NumPy arrays and on tensors (returns a scalar tensor).
    """
    cost, profit = validate.non_negative("cost", cost), validate.non_negative("profit", profit)
    y_true, y_pred = tf.cast(y_true, tf.float64), tf.cast(y_pred, tf.float64)
    _static_shapes_match(y_true, y_pred)
    error = y_pred - y_true
    return tf.reduce_sum(tf.where(error > 0, cost * error, -profit * error))


def make_sales_data(num_samples=SALES_NUM_SAMPLES, seed=SALES_SEED):
    """The source course's sales data: x uniform in [0, 1)², y = x1 + x2 + noise in [−0.05, 0.05).

    Returns ``(x, y)`` with shapes (n, 2) and (n, 1), float64.
    """
    num_samples = validate.positive_int("num_samples", num_samples)
    generator = np.random.RandomState(seed)
    x = generator.rand(num_samples, 2)
    y = np.array([[x1 + x2 + (generator.rand() / 10.0 - 0.05)] for x1, x2 in x])
    return x, y


@tf.function
def _sales_descent(x, y, cost, profit, w, learning_rate, num_steps):
    """Gradient descent on the mean sales loss with a step that shrinks linearly to 0.

    The loss is piecewise linear, so a constant step would hop around the minimum for ever;
    the shrinking step settles it. Dividing by cost + profit makes the step the same size
    whatever the prices, since only their ratio moves the minimum. Each column of ``w``
    (2, k) is one fit, for the prices in the same column of ``cost`` and ``profit`` (1, k).
    """
    scale = learning_rate / (cost + profit)
    for step in tf.range(num_steps):
        error = tf.matmul(x, w) - y
        slope = tf.where(error > 0, cost, -profit)
        gradient = tf.matmul(x, slope, transpose_a=True) / tf.cast(tf.shape(x)[0], tf.float64)
        shrink = 1.0 - tf.cast(step, tf.float64) / tf.cast(num_steps, tf.float64)
        w = w - scale * shrink * gradient
    return w


def fit_sales_model(cost, profit, x=None, y=None, *, learning_rate=2.0, num_steps=3000):
    """Fit y ≈ x·w (no bias, as in the source) under :func:`sales_loss`; return a dict.

    The dict holds ``weights`` (w1, w2), ``predictions``, ``loss`` (the sum over samples),
    ``above_share`` (the share of samples whose forecast is above the true sales),
    ``num_above``, ``num_on_plane`` and ``num_below`` (the samples above, within
    :data:`ON_PLANE_TOLERANCE` of, and below the fitted plane: a piecewise-linear loss puts
    its minimum at a corner, where the plane passes through some samples exactly) and
    ``quantile`` = profit / (cost + profit): at the minimum, raising every forecast a little
    saves profit on the under-predicted samples and costs cost on the others, so the forecast
    ends up above about that share of the true sales (the profit/(cost+profit) quantile).
    ``x`` and ``y`` default to :func:`make_sales_data`; the start is w = (1, 1).
    """
    return fit_sales_models([cost], [profit], x, y, learning_rate=learning_rate, num_steps=num_steps)[0]


def fit_sales_models(costs, profits, x=None, y=None, *, learning_rate=2.0, num_steps=3000):
    """:func:`fit_sales_model` for each pair of ``costs`` and ``profits``, all fitted in one descent.

    Chapter 05's panel fits every price its sliders offer at once, in about the time of a
    few single fits, so that it can answer them without a kernel.
    """
    costs = [validate.positive("cost", cost) for cost in np.ravel(costs)]
    profits = [validate.positive("profit", profit) for profit in np.ravel(profits)]
    if len(costs) != len(profits) or not costs:
        raise ValueError(f"costs and profits must be as many, and at least one; got {len(costs)} and {len(profits)}.")
    learning_rate = validate.positive("learning_rate", learning_rate)
    num_steps = validate.positive_int("num_steps", num_steps)
    if x is None or y is None:
        x, y = make_sales_data()
    x, y = validate.finite_array("x", x, ndim_at_least=2), validate.finite_array("y", y, ndim_at_least=2)
    if x.shape[0] != y.shape[0] or y.shape[1] != 1 or x.shape[1] != 2:
        raise ValueError(f"x must be (n, 2) and y (n, 1); got {x.shape} and {y.shape}.")
    weights = _sales_descent(tf.constant(x), tf.constant(y), tf.constant([costs], tf.float64),
                             tf.constant([profits], tf.float64), tf.ones((2, len(costs)), tf.float64),
                             tf.constant(learning_rate, tf.float64), tf.constant(num_steps)).numpy()
    fits = []
    for column, (cost, profit) in enumerate(zip(costs, profits)):
        predictions = x @ weights[:, column:column + 1]
        error = (predictions - y)[:, 0]
        on_plane = np.abs(error) <= ON_PLANE_TOLERANCE
        fits.append({"cost": cost, "profit": profit, "weights": weights[:, column],
                     "predictions": predictions[:, 0], "true": y[:, 0],
                     "loss": float(sales_loss(y, predictions, cost, profit)),
                     "above_share": float(np.mean(predictions > y)), "quantile": profit / (cost + profit),
                     "num_above": int(np.sum(~on_plane & (error > 0))), "num_on_plane": int(np.sum(on_plane)),
                     "num_below": int(np.sum(~on_plane & (error < 0)))})
    return fits
