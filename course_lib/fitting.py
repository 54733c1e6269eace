"""Under- and overfitting (欠拟合与过拟合) and regularization (正则化), chapter 06.

Two experiments, both small enough to rerun while you watch:

- **Regression** (回归): noisy samples of a smooth curve, fitted by polynomials of
  growing degree. Each degree adds one input feature ``x**k`` (增加输入特征项); the
  training error keeps falling, the validation error falls and then rises again.
- **Classification** (分类): points of the plane labelled 1 inside the circle
  ``x1² + x2² < 2``, as in the source course, moved by Gaussian noise, and a network
  with one hidden layer of ReLU units trained on them with an optional L1 or L2
  penalty (``loss = loss(y, ŷ) + λ·J(W)``) and dropout on the hidden layer.

The network is written with raw TensorFlow ops, as the source course writes it;
each epoch is one compiled step (a ``tf.function`` traced once per process) run by
the course's one training loop, :func:`course_lib.training.loop`, so a retrain of a
few hundred epochs takes a fraction of a second, fast enough for the Playground
panel of :mod:`course_lib.widgets.fitting`, which can follow it epoch by epoch.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from types import SimpleNamespace

import numpy as np
import tensorflow as tf

from course_lib import losses, notebook, optimizers, training, validate
from course_lib.plots import new_figure

REGULARIZATIONS = ("none", "L1", "L2")

#: Inside the circle x1² + x2² < CIRCLE_RADIUS_SQUARED the label is 1 (the source course's rule).
CIRCLE_RADIUS_SQUARED = 2.0

#: Adam's constants (chapter 07 derives them); the training loop below applies its update.
ADAM_BETA_1, ADAM_BETA_2, ADAM_EPSILON = 0.9, 0.999, 1e-7

#: The operations of :func:`course_lib.optimizers.adam_update` on tensors, inside a graph.
_TENSORFLOW_OPS = SimpleNamespace(sqrt=tf.sqrt, power=tf.pow, square=tf.square,
                                  cast=lambda value, like: tf.cast(value, like.dtype))


def _whole_number(name, value):
    """``value`` as an int if it is a whole number ≥ 0 (a degree, a seed), else a ``ValueError``."""
    if isinstance(value, (bool, float)) or not isinstance(value, (int, np.integer)) or value < 0:
        raise ValueError(f"{name} must be a whole number of at least 0, got {value!r}.")
    return int(value)


def _classifier_run(name, run):
    """Refuse anything but a trained :class:`ClassifierRun` (what :func:`train_classifier` returns)."""
    if not isinstance(run, ClassifierRun):
        raise TypeError(f"{name} must be a trained classifier (what train_classifier returns), got {type(run).__name__}.")


#: The largest seed: the compiled training takes it as a 32-bit integer.
MAX_SEED = 2 ** 31 - 1


def _seed(seed):
    seed = _whole_number("seed", seed)
    if seed > MAX_SEED:
        raise ValueError(f"seed must be at most {MAX_SEED} (a 32-bit integer), got {seed}.")
    return seed


def _circle_points(x, y, x_name="x", y_name="y"):
    """``x`` and ``y`` as arrays of the circle data's shapes, (n, 2) and (n,), with labels from 0 to 1.

    Checked before anything reaches the compiled training: a TensorFlow function called with
    inputs its signature refuses keeps its lock (TensorFlow 2.21), and every later call from
    another thread, a panel's run among them, would then wait for ever.
    """
    x = validate.finite_array(x_name, x, ndim_at_least=2)
    y = validate.finite_array(y_name, y)
    if x.ndim != 2 or x.shape[1] != 2:
        raise ValueError(f"{x_name} must have one row of two coordinates per point, shape (n, 2), got {x.shape}.")
    if y.shape != (len(x),):
        raise ValueError(f"{y_name} must hold one label per row of {x_name}, shape ({len(x)},), got {y.shape}.")
    if y.min() < 0 or y.max() > 1:
        raise ValueError(f"{y_name} must hold labels from 0 to 1, got {y.min()} to {y.max()}.")
    return x, y


def _points(name, points):
    """``points``, an ``(x, y)`` pair as :func:`split` returns, checked as :func:`_circle_points` does."""
    x, y = validate.examples(name, points)
    return _circle_points(x, y, f"{name}'s x", f"{name}'s y")


# ---------------------------------------------------------------- regression


def target_curve(x):
    """The curve the regression samples come from: ``sin(πx)`` on [-1, 1], one full wave."""
    return np.sin(np.pi * validate.finite_array("x", x, ndim_at_least=0))


def polynomial_data(num_train=15, num_validation=200, noise=0.25, seed=0):
    """Noisy samples ``y = sin(πx) + ε`` with x uniform in [-1, 1] and ε ~ N(0, noise²).

    Returns ``(x_train, y_train), (x_val, y_val)``: a few points to fit and many
    fresh points from the same source to measure how well the fit generalizes.
    """
    num_train = validate.positive_int("num_train", num_train)
    num_validation = validate.positive_int("num_validation", num_validation)
    noise = validate.non_negative("noise", noise)
    rng = np.random.RandomState(_seed(seed))

    def sample(n):
        x = np.sort(rng.uniform(-1.0, 1.0, n))
        return x, target_curve(x) + rng.normal(0.0, noise, n)

    return sample(num_train), sample(num_validation)


def polynomial_features(x, degree):
    """The columns ``1, x, x², …, x^degree``: a polynomial is a linear model on these features."""
    degree = _whole_number("degree", degree)
    x = validate.finite_array("x", x)
    if x.ndim != 1:
        raise ValueError(f"x must be a 1-D array of inputs, got shape {x.shape}.")
    return x[:, None] ** np.arange(degree + 1)


def fit_polynomial(x, y, degree):
    """The coefficients (constant first) of the polynomial of ``degree`` with the least squared error.

    Least squares gives the exact minimum of the MSE, the point gradient descent
    would creep towards, so the effect of the degree is seen without training noise.
    """
    features = polynomial_features(x, degree)
    y = validate.finite_array("y", y, ndim_at_least=0)
    if y.shape != (len(features),):
        raise ValueError(f"y must have one value per x ({len(features)}), got shape {y.shape}.")
    coefficients, *_ = np.linalg.lstsq(features, y, rcond=None)
    return coefficients


def predict_polynomial(coefficients, x):
    """The polynomial with ``coefficients`` (constant first) evaluated at ``x``."""
    coefficients = validate.finite_array("coefficients", coefficients, ndim_at_least=0)
    if coefficients.ndim != 1:
        raise ValueError("coefficients must be a non-empty 1-D array, constant first.")
    return polynomial_features(x, len(coefficients) - 1) @ coefficients


def mean_squared_error(y_true, y_pred):
    """:func:`course_lib.losses.mse` of two arrays of the same shape, in float64, as a float."""
    y_true, y_pred = validate.finite_array("y_true", y_true), validate.finite_array("y_pred", y_pred)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"shapes differ: {y_true.shape} and {y_pred.shape}.")
    return float(losses.mse(y_true, y_pred))


def errors_by_degree(train, validation, degrees=range(0, 13)):
    """Training and validation MSE of the least-squares polynomial of each degree, and the best degree.

    ``train`` and ``validation`` are ``(x, y)`` pairs. The best degree is the one
    with the lowest *validation* error: the training error always prefers the
    largest degree, which is exactly the trap of overfitting.
    """
    degrees = [int(d) for d in degrees]
    if not degrees or min(degrees) < 0:
        raise ValueError(f"degrees must be a non-empty list of degrees ≥ 0, got {degrees}.")
    (x_train, y_train), (x_val, y_val) = train, validation
    train_mse, val_mse = [], []
    for degree in degrees:
        coefficients = fit_polynomial(x_train, y_train, degree)
        train_mse.append(mean_squared_error(y_train, predict_polynomial(coefficients, x_train)))
        val_mse.append(mean_squared_error(y_val, predict_polynomial(coefficients, x_val)))
    return {"degrees": np.array(degrees), "train_mse": np.array(train_mse),
            "validation_mse": np.array(val_mse), "best_degree": degrees[int(np.argmin(val_mse))]}


def polynomial_fit(degree=3, noise=0.25, num_train=15, seed=0):
    """Everything the polynomial panel shows: the data, the fit of ``degree`` and its two errors."""
    train, validation = polynomial_data(num_train, noise=noise, seed=seed)
    coefficients = fit_polynomial(*train, degree)
    return {"degree": int(degree), "noise": float(noise), "train": train, "validation": validation,
            "coefficients": coefficients,
            "train_mse": mean_squared_error(train[1], predict_polynomial(coefficients, train[0])),
            "validation_mse": mean_squared_error(validation[1],
                                                 predict_polynomial(coefficients, validation[0]))}


# ---------------------------------------------------------------- classification


def circle_data(num_samples=300, noise=0.2, seed=0):
    """Points ``x ~ N(0, I)`` of the plane, labelled 1 when ``x1² + x2² < 2``, then jittered.

    The label is given first, then each point moves by Gaussian noise of standard
    deviation ``noise``: near the circle some points land on the wrong side, the
    "noise in the training data" that an overfitting network learns by heart.
    Returns ``x`` (float32, shape (n, 2)) and ``y`` (float32, shape (n,), 0 or 1).
    """
    num_samples = validate.positive_int("num_samples", num_samples)
    noise = validate.non_negative("noise", noise)
    rng = np.random.RandomState(_seed(seed))
    x = rng.randn(num_samples, 2)
    y = (np.sum(x ** 2, axis=1) < CIRCLE_RADIUS_SQUARED).astype(np.float32)
    x = x + rng.normal(0.0, noise, x.shape)
    return x.astype(np.float32), y


def split(x, y, train_fraction=0.5, seed=0):
    """Shuffle and cut ``(x, y)`` into ``(x_train, y_train), (x_val, y_val)``, ``train_fraction`` for training."""
    train_fraction = validate.in_range("train_fraction", train_fraction, 0.0, 1.0)
    x, y = np.asarray(x), np.asarray(y)
    validate.same_length(x, y)
    num_train = int(round(train_fraction * len(x)))
    if not 1 <= num_train < len(x):
        raise ValueError(f"train_fraction {train_fraction} leaves {num_train} of {len(x)} points for "
                         "training; both parts need at least one point.")
    order = np.random.RandomState(_seed(seed)).permutation(len(x))
    train, val = order[:num_train], order[num_train:]
    return (x[train], y[train]), (x[val], y[val])


def penalty_coefficients(regularization, lam):
    """``(λ1, λ2)`` such that the penalty is ``λ1·Σ|w| + λ2·Σw²``: (λ, 0) for L1, (0, λ) for L2."""
    validate.one_of("regularization", regularization, REGULARIZATIONS)
    lam = validate.non_negative("lam", lam)
    return {"none": (0.0, 0.0), "L1": (lam, 0.0), "L2": (0.0, lam)}[regularization]


def penalty(kernels, regularization, lam):
    """The regularization term ``λ·J(W)`` of the loss, over the weight matrices ``kernels`` only.

    L1: ``J(W) = Σ|w|``; L2: ``J(W) = Σw²``, the definitions of ``keras.regularizers.L1``
    and ``L2``. Biases are left out, as the source course advises (一般不正则化 b).
    """
    return _penalty(kernels, *penalty_coefficients(regularization, lam))


def _penalty(kernels, l1, l2):
    return (l1 * sum(tf.reduce_sum(tf.abs(w)) for w in kernels)
            + l2 * sum(tf.reduce_sum(tf.square(w)) for w in kernels))


def as_regularizer(function):
    """``function(kernel)`` as a ``keras.regularizers.Regularizer``, which ``kernel_regularizer=`` accepts on every Keras 3.

    Keras 3.15 takes a plain function there; Keras 3.12 to 3.14 (3.12.4 is what the lock
    installs with Python 3.10) take only a Regularizer. Taught in chapter 06.
    """
    import keras

    if not callable(function):
        raise TypeError(f"function must be a function of the kernel, got {type(function).__name__}.")

    class FunctionRegularizer(keras.regularizers.Regularizer):
        def __call__(self, kernel):
            return function(kernel)

    return FunctionRegularizer()


def forward(weights, x, dropout_mask=None):
    """Logits of the network ``x → ReLU(x·W1 + b1) → ·W2 + b2``; ``dropout_mask`` scales the hidden units."""
    w1, b1, w2, b2 = weights
    hidden = tf.nn.relu(tf.matmul(x, w1) + b1)
    if dropout_mask is not None:
        hidden = hidden * dropout_mask
    return tf.squeeze(tf.matmul(hidden, w2) + b2, axis=-1)


def _cross_entropy(y, logits):
    return tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=logits))


_FLOATS = tf.TensorSpec([], tf.float32)
_WEIGHTS = (tf.TensorSpec([2, None], tf.float32), tf.TensorSpec([None], tf.float32),
            tf.TensorSpec([None, 1], tf.float32), tf.TensorSpec([1], tf.float32))


#: Epochs per call of the compiled training function: enough to make Python's overhead per
#: call (milliseconds) small, few enough for a panel to follow the run (a call takes ~20 ms).
EPOCHS_PER_CALL = 100


@tf.function(input_signature=[
    tf.TensorSpec([None, 2], tf.float32), tf.TensorSpec([None], tf.float32),
    tf.TensorSpec([None, 2], tf.float32), tf.TensorSpec([None], tf.float32),
    (_WEIGHTS, _WEIGHTS, _WEIGHTS), _FLOATS, _FLOATS, _FLOATS, _FLOATS,
    tf.TensorSpec([], tf.int32), tf.TensorSpec([], tf.int32), tf.TensorSpec([], tf.int32)])
def _train_epochs(x_train, y_train, x_val, y_val, state, l1, l2, dropout, learning_rate, first_epoch,
                  num_epochs, seed):
    """``num_epochs`` epochs of full-batch Adam on cross entropy + penalty in one graph; state and losses.

    ``state`` is ``(weights, first_moments, second_moments)``; one epoch is one Adam
    step on the whole training set. The dropout mask of epoch ``e`` is drawn from
    the seed ``(seed, e)``, so a run is the same however its epochs are split into calls.
    """
    weights, first_moments, second_moments = (list(part) for part in state)
    train_losses = tf.TensorArray(tf.float32, size=num_epochs)
    val_losses = tf.TensorArray(tf.float32, size=num_epochs)
    mask_shape = tf.stack([tf.shape(x_train)[0], tf.shape(weights[0])[1]])
    for index in tf.range(num_epochs):
        epoch = first_epoch + index
        keep = tf.random.stateless_uniform(mask_shape, seed=tf.stack([seed, epoch])) >= dropout
        mask = tf.cast(keep, tf.float32) / (1.0 - dropout)
        with tf.GradientTape() as tape:
            tape.watch(weights)
            loss = _cross_entropy(y_train, forward(weights, x_train, mask))
            total = loss + _penalty((weights[0], weights[2]), l1, l2)
        gradients = tape.gradient(total, weights)
        updates = [optimizers.adam_update(w, g, m, v, epoch + 1, learning_rate=learning_rate,
                                          beta_1=ADAM_BETA_1, beta_2=ADAM_BETA_2, epsilon=ADAM_EPSILON,
                                          ops=_TENSORFLOW_OPS)
                   for w, g, m, v in zip(weights, gradients, first_moments, second_moments)]
        weights, first_moments, second_moments = (list(column) for column in zip(*updates))
        train_losses = train_losses.write(index, loss)
        val_losses = val_losses.write(index, _cross_entropy(y_val, forward(weights, x_val)))
    state = (tuple(weights), tuple(first_moments), tuple(second_moments))
    return state, train_losses.stack(), val_losses.stack()


@dataclass
class ClassifierRun:
    """A trained circle classifier: its weights, its loss per epoch and how long training took."""

    weights: list
    train_loss: np.ndarray
    validation_loss: np.ndarray
    seconds: float
    regularization: str
    lam: float
    dropout: float

    @property
    def kernels(self):
        """The weight matrices W1 and W2 (the biases left out), the weights a penalty acts on."""
        return [self.weights[0], self.weights[2]]

    def probability(self, x):
        """The predicted probability of label 1 (inside the circle) for each point of ``x``."""
        logits = forward([tf.constant(w) for w in self.weights], tf.constant(x, tf.float32))
        return tf.sigmoid(logits).numpy()

    def accuracy(self, x, y):
        """Share of points whose predicted label (probability ≥ 0.5) is ``y``."""
        return float(np.mean((self.probability(x) >= 0.5) == (np.asarray(y) >= 0.5)))


def initial_weights(hidden_units, seed=0):
    """He-normal W1 (for ReLU), Glorot-normal W2 and zero biases: ``[W1, b1, W2, b2]`` as float32."""
    hidden_units = validate.positive_int("hidden_units", hidden_units)
    rng = np.random.RandomState(_seed(seed))
    w1 = rng.normal(0.0, np.sqrt(2.0 / 2), (2, hidden_units))
    w2 = rng.normal(0.0, np.sqrt(2.0 / (hidden_units + 1)), (hidden_units, 1))
    return [w.astype(np.float32) for w in (w1, np.zeros(hidden_units), w2, np.zeros(1))]


def train_classifier(train, validation, *, hidden_units=32, regularization="none", lam=0.0,
                     dropout=0.0, learning_rate=0.01, num_epochs=500, seed=0):
    """Train the one-hidden-layer network on ``train`` and record both losses each epoch.

    ``train`` and ``validation`` are ``(x, y)`` pairs from :func:`circle_data` and
    :func:`split`. The loss is binary cross entropy plus ``λ·J(W)`` (see
    :func:`penalty`); ``dropout`` is the share of hidden units switched off at each
    training step (never at evaluation). Every batch is the whole training set, so
    one epoch is one Adam step. The recorded losses are the cross entropies alone,
    so runs with and without a penalty compare fairly. Returns a :class:`ClassifierRun`.
    A diverging run raises ``ValueError``.
    """
    *_, run = classifier_runs(train, validation, hidden_units=hidden_units, regularization=regularization,
                              lam=lam, dropout=dropout, learning_rate=learning_rate, num_epochs=num_epochs,
                              seed=seed, live=False)
    return run


def classifier_runs(train, validation, *, hidden_units=32, regularization="none", lam=0.0, dropout=0.0,
                    learning_rate=0.01, num_epochs=500, seed=0, live=True):
    """The run of :func:`train_classifier` as it goes: the untrained network, then a
    :class:`ClassifierRun` at every update of :func:`course_lib.training.live` (with
    ``live=False``, only at the end). Chapter 06's Playground plays it; the epochs are the
    same however they are split.
    """
    l1, l2 = penalty_coefficients(regularization, lam)
    dropout = validate.in_range("dropout", dropout, 0.0, 0.9)
    learning_rate = validate.positive("learning_rate", learning_rate)
    num_epochs = validate.positive_int("num_epochs", num_epochs)
    data = [tf.constant(part, tf.float32) for part in (*_points("train", train), *_points("validation", validation))]
    weights = tuple(tf.constant(w) for w in initial_weights(hidden_units, seed))
    zeros = tuple(tf.zeros_like(w) for w in weights)
    state = training.Snapshot((weights, zeros, zeros))
    settings = [tf.constant(value, tf.float32) for value in (l1, l2, dropout, learning_rate)]

    def run_epochs(first_epoch, count):
        state.value, train_loss, val_loss = _train_epochs(*data, state.value, *settings, first_epoch, count,
                                                          _seed(seed))
        return [{"loss": float(loss), "val_loss": float(val)}
                for loss, val in zip(train_loss.numpy(), val_loss.numpy())]

    options = {"epochs_per_call": EPOCHS_PER_CALL, "checkpoint": state}
    runs = (training.live(run_epochs, num_epochs, **options) if live
            else [training.loop(run_epochs, num_epochs, progress=False, **options)])
    for history in runs:
        if history.stop_reason == "diverged":
            raise ValueError(f"training diverged (the loss became NaN) with learning_rate {learning_rate}; "
                             "lower it.")
        yield ClassifierRun([w.numpy() for w in state.value[0]],
                            np.array(history.metrics.get("loss", []), np.float32),
                            np.array(history.metrics.get("val_loss", []), np.float32), history.seconds,
                            regularization, float(lam), float(dropout))


def near_zero_share(kernels, threshold=1e-2):
    """Share of the weights in ``kernels`` whose size is below ``threshold``: how sparse the network is."""
    threshold = validate.positive("threshold", threshold)
    values = np.concatenate([np.ravel(w) for w in kernels])
    if values.size == 0:
        raise ValueError("kernels hold no weight.")
    return float(np.mean(np.abs(values) < threshold))


def decision_grid(run, extent=3.5, resolution=120):
    """The network's probability of label 1 on a square grid ``[-extent, extent]²``: ``(xs, ys, p)``."""
    _classifier_run("run", run)
    extent = validate.positive("extent", extent)
    resolution = validate.positive_int("resolution", resolution)
    axis = np.linspace(-extent, extent, resolution)
    xs, ys = np.meshgrid(axis, axis)
    points = np.stack([xs.ravel(), ys.ravel()], axis=1)
    return xs, ys, run.probability(points).reshape(xs.shape)


def mislabelled(x, y):
    """Which points carry a label that disagrees with the circle rule at the place where they are.

    After the noise moved them, these points contradict their neighbours. Here the
    rule is known, so data cleaning (数据清洗) can find them exactly; on real data it
    takes a human, or a check of the points a model keeps getting wrong.
    """
    x, y = _circle_points(x, y)
    return (np.sum(x ** 2, axis=1) < CIRCLE_RADIUS_SQUARED) != (y >= 0.5)


def classifier_result(run, train, validation, grid_resolution=120):
    """What a figure of a trained classifier shows: its data, decision grid, losses and accuracies."""
    _classifier_run("run", run)
    validate.examples("train", train)
    validate.examples("validation", validation)
    return {"run": run, "train": train, "validation": validation,
            "grid": decision_grid(run, resolution=grid_resolution),
            "train_accuracy": run.accuracy(*train), "validation_accuracy": run.accuracy(*validation)}


def playground(hidden_units=16, regularization="none", lam=0.001, noise=0.3, train_fraction=0.3,
               num_epochs=400, dropout=0.0, seed=0):
    """One Playground experiment: make the circle data, split it, train, and evaluate on a grid.

    A pure function of its arguments (the same arguments give the same numbers).
    """
    *_, result = playground_runs(hidden_units, regularization, lam, noise, train_fraction, num_epochs,
                                 dropout, seed, live=False)
    return result


def playground_runs(hidden_units=16, regularization="none", lam=0.001, noise=0.3, train_fraction=0.3,
                    num_epochs=400, dropout=0.0, seed=0, live=True, grid_resolution=120):
    """:func:`playground` as it trains: its result for the untrained network, then at every update
    of :func:`course_lib.training.live` (what the live panel of :mod:`course_lib.widgets.fitting`
    shows); with ``live=False``, only the trained one."""
    x, y = circle_data(noise=noise, seed=seed)
    train, validation = split(x, y, train_fraction, seed=seed)
    for run in classifier_runs(train, validation, hidden_units=hidden_units, regularization=regularization,
                               lam=lam, dropout=dropout, num_epochs=num_epochs, seed=seed,
                               live=live):
        yield {**classifier_result(run, train, validation, grid_resolution), "hidden_units": int(hidden_units),
               "noise": float(noise), "train_fraction": float(train_fraction), "num_epochs": int(num_epochs)}


#: Figure texts stay in English: Matplotlib here finds no CJK font for them (the captions carry the Chinese).
FIT_NAMES = ("underfitting", "good fit", "overfitting")


INSIDE_COLOR, OUTSIDE_COLOR = "#ff7f0e", "#1f77b4"  # Matplotlib's tab:orange and tab:blue


def _draw_polynomial(ax, train, coefficients, title):
    curve_x = np.linspace(-1.0, 1.0, 300)
    ax.plot(curve_x, target_curve(curve_x), "--", color="gray", label="true curve sin(πx)")
    ax.scatter(*train, color="black", zorder=3, s=18, label="training points")
    ax.plot(curve_x, predict_polynomial(coefficients, curve_x), color="tab:red", label="fit")
    ax.set_ylim(-2.0, 2.0)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title(title, fontsize=11)


def polynomial_fits_figure(train, validation, degrees):
    """Three fits side by side, from too simple to too flexible; each title gives both errors."""
    if len(degrees) != len(FIT_NAMES):
        raise ValueError(f"give {len(FIT_NAMES)} degrees (under-, good and overfitting), got {degrees}.")
    figure, axes = new_figure(12.0, 3.6, ncols=len(degrees), sharey=True)
    for ax, degree, name in zip(axes, degrees, FIT_NAMES):
        coefficients = fit_polynomial(*train, degree)
        train_mse = mean_squared_error(train[1], predict_polynomial(coefficients, train[0]))
        val_mse = mean_squared_error(validation[1],
                                             predict_polynomial(coefficients, validation[0]))
        _draw_polynomial(ax, train, coefficients,
                         f"{name}\ndegree {degree}: train MSE {train_mse:.3f}, val MSE {val_mse:.3g}")
    axes[0].legend(loc="lower left", fontsize=8)
    return figure


def error_curve_figure(errors):
    """Training and validation MSE against the degree (log scale), the best degree marked."""
    validate.result("errors", errors, ("degrees", "train_mse", "validation_mse", "best_degree"))
    figure, ax = new_figure(7.0, 3.8)
    ax.semilogy(errors["degrees"], errors["train_mse"], "o-", label="training error")
    ax.semilogy(errors["degrees"], errors["validation_mse"], "s-", label="validation error")
    best = errors["best_degree"]
    best_error = errors["validation_mse"][list(errors["degrees"]).index(best)]
    ax.axvline(best, color="tab:green", linestyle=":")
    ax.annotate(f"best degree {best}\nval MSE {best_error:.3f}", (best, best_error),
                xytext=(10, 25), textcoords="offset points", color="tab:green")
    ax.set_xlabel("polynomial degree (model complexity)")
    ax.set_ylabel("mean squared error")
    ax.set_title("Training vs validation error")
    ax.legend()
    return figure


def draw_boundary(ax, result, title=""):
    """The probability of "inside" as a colour map, the 0.5 boundary, training (filled) and validation (hollow) points."""
    validate.result("result", result, ("grid", "train", "validation"))
    xs, ys, probability = result["grid"]
    extent = xs.max()
    image = ax.imshow(probability, origin="lower", extent=(-extent, extent, -extent, extent), cmap="RdBu_r",
                      vmin=0.0, vmax=1.0, alpha=0.35, interpolation="bilinear")
    ax.contour(xs, ys, probability, levels=[0.5], colors="black", linewidths=1.5)
    circle = np.linspace(0.0, 2.0 * np.pi, 200)
    radius = np.sqrt(CIRCLE_RADIUS_SQUARED)
    ax.plot(radius * np.cos(circle), radius * np.sin(circle), ":", color="gray")
    for (x, y), filled in ((result["train"], True), (result["validation"], False)):
        colors = np.where(y >= 0.5, INSIDE_COLOR, OUTSIDE_COLOR)
        if filled:
            ax.scatter(x[:, 0], x[:, 1], c=colors, s=16, edgecolors="black", linewidths=0.4)
        else:
            ax.scatter(x[:, 0], x[:, 1], facecolors="none", edgecolors=colors, s=16, linewidths=0.8)
    ax.set_xlim(-extent, extent)
    ax.set_ylim(-extent, extent)
    ax.set_aspect("equal")
    ax.grid(False)
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    ax.set_title(title, fontsize=10)
    return image


def _boundary_legend():
    """What the markers and lines of :func:`draw_boundary` mean."""
    from matplotlib.lines import Line2D

    point = {"linestyle": "none", "marker": "o", "markersize": 5}
    return [Line2D([], [], markerfacecolor=INSIDE_COLOR, markeredgecolor="black", label="training, inside", **point),
            Line2D([], [], markerfacecolor=OUTSIDE_COLOR, markeredgecolor="black", label="training, outside", **point),
            Line2D([], [], markerfacecolor="none", markeredgecolor="gray", label="validation (hollow)", **point),
            Line2D([], [], color="black", linewidth=1.5, label="model's boundary (P = 0.5)"),
            Line2D([], [], color="gray", linestyle=":", label="true circle")]


def _summary(result):
    run = result["run"]
    return (f"train loss {run.train_loss[-1]:.3f}, val loss {run.validation_loss[-1]:.3f}\n"
            f"accuracy train {result['train_accuracy']:.2f}, val {result['validation_accuracy']:.2f}")


def boundaries_figure(results):
    """Decision boundaries side by side; ``results`` maps a title to a :func:`classifier_result`."""
    validate.results("results", results, ("grid", "train", "validation", "train_accuracy", "validation_accuracy"),
                     kind=validate.DICT)
    figure, axes = new_figure(3.9 * len(results), 4.3, ncols=len(results))
    for ax, (title, result) in zip(np.atleast_1d(axes), results.items()):
        image = draw_boundary(ax, result, f"{title}\n{_summary(result)}")
    figure.colorbar(image, ax=axes, label="predicted P(inside)", shrink=0.7)
    figure.legend(handles=_boundary_legend(), loc="outside lower center", ncols=3, fontsize=8)
    return figure


def weight_histograms_figure(runs, threshold=1e-2):
    """One histogram of the weights |w| (log scale) per run; the title gives the share below ``threshold``
    and the median |w| (the middle weight's size, which a few large weights cannot pull up as they do the mean)."""
    if not isinstance(runs, Mapping) or not runs or not all(isinstance(run, ClassifierRun) for run in runs.values()):
        raise TypeError(f"runs must map a title to a trained ClassifierRun, got {type(runs).__name__}.")
    figure, axes = new_figure(4.4 * len(runs), 3.6, ncols=len(runs), sharey=True)
    bins = np.logspace(-8, 1, 37)
    for ax, (title, run) in zip(np.atleast_1d(axes), runs.items()):
        sizes = np.abs(np.concatenate([np.ravel(w) for w in run.kernels]))
        ax.hist(np.clip(sizes, bins[0], None), bins=bins, color="tab:purple")
        ax.set_xscale("log")
        ax.axvline(threshold, color="tab:red", linestyle=":")
        share = near_zero_share(run.kernels, threshold)
        ax.set_title(f"{title}\n{share:.0%} of |w| < {threshold:g}, median |w| {np.median(sizes):.4f}",
                     fontsize=10)
        ax.set_xlabel("|w| (log scale)")
    np.atleast_1d(axes)[0].set_ylabel("number of weights")
    return figure


# ---------------------------------------------------------------- learning curves and early stopping


def learning_curves(degrees=(3, 12), sizes=(15, 20, 30, 50, 100, 200, 400), noise=0.25, num_seeds=20):
    """Training and validation MSE of least-squares polynomials against the number of training points.

    For each training-set size, ``num_seeds`` datasets of :func:`polynomial_data` (seeds
    0, 1, …) are fitted with each degree; the **median** over the seeds is kept (a
    flexible fit on few points now and then explodes, which would swamp a mean).
    Returns ``{"sizes", "noise_floor", degree: {"train_mse", "validation_mse"}}``.
    Taught in chapter 06.
    """
    sizes = [validate.positive_int("size", size) for size in sizes]
    num_seeds = validate.positive_int("num_seeds", num_seeds)
    degrees = [_whole_number("degree", degree) for degree in degrees]
    curves = {"sizes": np.array(sizes), "noise_floor": float(noise) ** 2}
    for degree in degrees:
        runs = np.array([[errors_by_degree(*polynomial_data(size, noise=noise, seed=seed), degrees=[degree])
                          for seed in range(num_seeds)] for size in sizes])
        curves[degree] = {name: np.median([[run[name][0] for run in row] for row in runs], axis=1)
                          for name in ("train_mse", "validation_mse")}
    return curves


def learning_curves_figure(curves):
    """Training (dashed) and validation (solid) MSE against the training-set size, one colour per degree."""
    validate.result("curves", curves, ("sizes", "noise_floor"))
    figure, ax = new_figure(7.5, 3.8)
    degrees = [key for key in curves if key not in ("sizes", "noise_floor")]
    for degree, color in zip(degrees, ("tab:blue", "tab:red", "tab:green", "tab:purple")):
        ax.loglog(curves["sizes"], curves[degree]["train_mse"], "o--", color=color, label=f"degree {degree}: training")
        ax.loglog(curves["sizes"], curves[degree]["validation_mse"], "s-", color=color,
                  label=f"degree {degree}: validation")
    ax.axhline(curves["noise_floor"], color="gray", linestyle=":", label="noise variance (the floor)")
    ax.set_xlabel("number of training points (log scale)")
    ax.set_ylabel("median MSE (log scale)")
    ax.set_title("Learning curves: error against training-set size")
    ax.legend(fontsize=8)
    return figure


def keras_circle_network(hidden_units=32, learning_rate=0.01, seed=0):
    """The circle network of :func:`train_classifier` as a compiled Keras model, for ``fit`` and its callbacks.

    2 inputs → ``hidden_units`` ReLU → 1 logit; binary cross entropy on the logit, Adam.
    Taught in chapter 06 (early stopping with ``keras.callbacks.EarlyStopping``).
    """
    import keras

    with notebook.seeded(_seed(seed)):
        model = keras.Sequential([keras.Input((2,)),
                                  keras.layers.Dense(validate.positive_int("hidden_units", hidden_units),
                                                     activation="relu"),
                                  keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(validate.positive("learning_rate", learning_rate)),
                  loss=keras.losses.BinaryCrossentropy(from_logits=True))
    return model


def early_stopping_figure(history, stopped_epoch, best_epoch, title):
    """Training and validation loss of a ``fit`` history, the best epoch and the stopping epoch marked (1-based)."""
    validate.result("history", history, ("loss", "val_loss"))
    validate.curves("history", {key: history[key] for key in ("loss", "val_loss")})
    best_epoch = validate.positive_int("best_epoch", best_epoch)
    if stopped_epoch:
        stopped_epoch = validate.positive_int("stopped_epoch", stopped_epoch)
    figure, ax = new_figure(7.5, 3.8)
    epochs = np.arange(1, len(history["loss"]) + 1)
    ax.plot(epochs, history["loss"], label="training loss")
    ax.plot(epochs, history["val_loss"], label="validation loss")
    ax.axvline(best_epoch, color="tab:green", linestyle=":", label=f"best epoch {best_epoch}: weights restored")
    if stopped_epoch:
        ax.axvline(stopped_epoch, color="tab:red", linestyle="--", label=f"stopped after epoch {stopped_epoch}")
    ax.set_xlabel("epoch")
    ax.set_ylabel("binary cross entropy")
    ax.set_title(title)
    ax.legend(fontsize=8)
    return figure
