"""Chapter 11, when training goes wrong (常见错误与调试): a training health report and the failures it finds.

- :func:`health_report` looks at a model on one batch, before or during training, and
  names what is wrong: NaN or inf in the loss, the weights or the gradients; exploding
  or vanishing gradient norms layer by layer; variables without a gradient; dead ReLU
  units; a loss that stopped moving; inputs that were not scaled; labels and outputs
  that do not fit the loss (sparse vs one-hot, probabilities given to a ``from_logits``
  loss, logits given to a loss that expects probabilities). It returns a
  :class:`HealthReport` that prints as a short table.
- :class:`HealthMonitor` makes a report after every epoch of
  :func:`course_lib.training.train` / :func:`course_lib.training.loop` (``on_epoch_end``)
  or of Keras' ``fit`` (:meth:`HealthMonitor.keras_callback`).
- :func:`why_no_gradient` says why ``GradientTape`` gave ``None`` for a value.
- :func:`mnist_slice`, :func:`mlp` and :func:`wine_data` are the chapter's small,
  real problems, quick enough to break and fix in a few seconds each.
- :data:`BUGS` and :class:`BrokenRuns` are the break-it panel's scenarios and its runs.
"""

import math
import re
from dataclasses import dataclass, field

import keras
import numpy as np
import tensorflow as tf

from course_lib import data, language, losses, notebook, training, validate

#: A layer whose gradient norm is above this explodes (a healthy MNIST network starts below 1);
#: below :data:`VANISHING_NORM`, it vanishes.
EXPLODING_NORM = 100.0
VANISHING_NORM = 1e-6
#: A ReLU layer with more than this share of units silent on every example of the batch is dying.
DEAD_SHARE = 0.5
#: Inputs larger than this in size were not scaled (pixels 0–255, raw features in the hundreds).
UNSCALED_INPUT = 10.0
#: A loss that changed by less than this share over :data:`FLAT_EPOCHS` epochs, while still above
#: half its first value, is not moving.
FLAT_CHANGE, FLAT_EPOCHS = 0.01, 3
#: A cross entropy this many times that of a uniform guess (ln of the number of classes) is too large.
LARGE_LOSS = 3.0

#: What each kind of problem means, in the order the report lists them.
PROBLEM_KINDS = {
    "loss_error": "the loss cannot be computed for these labels and outputs",
    "non_finite": "NaN or inf",
    "diverged": "the loss became NaN or inf, or exploded, during training",
    "no_gradient": "a variable gets no gradient (None)",
    "large_loss": "the loss is far above a uniform guess",
    "exploding": "exploding gradients",
    "vanishing": "vanishing gradients",
    "dead_units": "dead ReLU units",
    "not_moving": "the loss is not moving",
    "unscaled_inputs": "inputs not scaled",
    "label_shape": "labels do not fit the loss (sparse vs one-hot)",
    "label_range": "labels outside the classes",
    "softmax_from_logits": "probabilities given to a from_logits loss",
    "logits_to_probability_loss": "logits given to a loss that expects probabilities",
}


@dataclass
class HealthReport:
    """What :func:`health_report` measured, and the problems it found (``ok`` when none).

    ``layers`` has one dict per layer (or per variable of a model without layers):
    ``name``, the largest weight ``max_weight``, the gradient's norm ``gradient_norm``
    (None when a variable got no gradient) and, for ReLU layers, ``dead_share``.
    ``problems`` is a list of ``(kind, message)``, kinds from :data:`PROBLEM_KINDS`.
    """

    loss: float
    layers: list = field(default_factory=list)
    problems: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.problems

    @property
    def kinds(self):
        """The kinds of the problems found, in order, each once."""
        return list(dict.fromkeys(kind for kind, _ in self.problems))

    def __str__(self):
        lines = [language.say(f"loss {_number(self.loss)}"),
                 language.say(f"{'layer':<18} {'max |w|':>9} {'‖gradient‖':>11} {'dead units':>10}")]
        for layer in self.layers:
            dead = "" if layer.get("dead_share") is None else f"{layer['dead_share']:.0%}"
            lines.append(f"{layer['name']:<18} {_number(layer['max_weight']):>9} "
                         f"{_number(layer['gradient_norm']):>11} {dead:>10}")
        if self.ok:
            lines.append(language.say("✓ healthy: no problem found"))
        lines += [language.say(f"⚠ {PROBLEM_KINDS[kind]}: {message}") for kind, message in self.problems]
        return "\n".join(lines)

    def _repr_pretty_(self, printer, cycle):
        printer.text(str(self))


def _number(value):
    """A value with three significant digits, the same on every run; '—' for no value."""
    if value is None:
        return "—"
    return f"{value:.3g}"


def why_no_gradient(value):
    """Why ``GradientTape`` gives ``None`` as the gradient with respect to ``value``, in one sentence.

    The tape watches trainable floating-point ``tf.Variable``s by itself; anything else
    it must be told about, and a value the loss reaches only through NumPy or Python
    numbers is cut off from it. Taught in chapter 11.
    """
    dtype = getattr(value, "dtype", None)
    is_variable = isinstance(value, tf.Variable) or isinstance(value, keras.Variable)
    floating = dtype is not None and tf.as_dtype(dtype).is_floating
    if not is_variable:
        return ("it is a constant, not a tf.Variable: the tape watches only variables; "
                "call tape.watch(x) inside the `with` block, or make it a tf.Variable.")
    if not floating:
        return (f"it is an integer variable ({tf.as_dtype(dtype).name}): gradients flow only to "
                "floating-point values; create it with a float (1.0, not 1) or dtype=tf.float32.")
    if not getattr(value, "trainable", True):
        return "it is not trainable (trainable=False): the tape watches only trainable variables."
    return ("the loss does not depend on it through TensorFlow operations: it is unused, or "
            "its value went through NumPy or Python (.numpy(), float(), np.*) inside the tape.")


def _loss_kind(loss_fn):
    """("sparse" | "categorical" | "either" | None, from_logits or None) of a loss function or object."""
    if loss_fn is losses.cross_entropy_of_logits:
        return "either", True
    from_logits = getattr(loss_fn, "from_logits", None)
    name = type(loss_fn).__name__ if isinstance(loss_fn, keras.losses.Loss) else getattr(loss_fn, "__name__", "")
    snake = re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()
    if "sparse_categorical_crossentropy" in snake:
        return "sparse", from_logits
    if "categorical_crossentropy" in snake:
        return "categorical", from_logits
    return None, from_logits


def _variable_name(variable):
    return getattr(variable, "path", None) or variable.name.split(":")[0]


def _layer_labels(model):
    """``{layer name: "layer i (Kind)"}`` for a Keras model: names that do not depend on how many models came before."""
    return {layer.name: f"layer {index} ({type(layer).__name__})"
            for index, layer in enumerate(getattr(model, "layers", []), start=1)}


def _row_key(variable, labels):
    """The table row of a variable: its Keras layer's, else its own (a ``tf.Module``'s variables)."""
    parts = _variable_name(variable).split("/")
    if len(parts) >= 2 and parts[-2] in labels:
        return labels[parts[-2]]
    return f"{_variable_name(variable)} {tuple(variable.shape)}"


def _dead_shares(model, x, labels):
    """For each ReLU Dense layer of a ``Sequential``, the share of units silent on every example of ``x``."""
    shares = {}
    if not isinstance(model, keras.Sequential):
        return shares
    h = x
    for layer in model.layers:
        h = layer(h)
        if isinstance(layer, keras.layers.Dense) and layer.activation is keras.activations.relu:
            shares[labels[layer.name]] = float(np.mean(np.all(np.asarray(h) <= 0.0, axis=0)))
    return shares


def _check_history(history, problems):
    """Problems read from the losses of the past epochs: divergence, a loss that stopped moving."""
    if history is None:
        return
    if isinstance(history, training.History):
        values = list(history.metrics.get("loss", []))
        if history.stop_reason == "diverged":
            problems.append(("diverged", f"training stopped in epoch {len(values) + 1}, whose loss became NaN or "
                                         "inf or exploded past "
                                         f"{training.EXPLOSION_FACTOR:g} times the untrained model's; lower the "
                                         "learning rate (÷10) or check the initialisation."))
    else:
        values = [float(value) for value in history]
        bad = [i for i, value in enumerate(values) if not math.isfinite(value)]
        if bad:
            problems.append(("diverged", f"the loss became {values[bad[0]]} in epoch {bad[0] + 1}."))
            return
    if len(values) > FLAT_EPOCHS:
        before, now = values[-1 - FLAT_EPOCHS], values[-1]
        if abs(now - before) <= FLAT_CHANGE * abs(before) and now > 0.5 * values[0]:
            problems.append(("not_moving", f"the loss went from {before:.4g} to {now:.4g} in the last "
                                           f"{FLAT_EPOCHS} epochs, still above half its first value "
                                           f"{values[0]:.4g}: the learning rate may be too small, or the "
                                           "units dead (a constant loss near ln 10 = 2.303 means the same "
                                           "answer for every image)."))


def _check_inputs(x, problems):
    size = float(np.max(np.abs(x))) if x.size else 0.0
    if size <= UNSCALED_INPUT:
        return
    if np.min(x) >= 0 and size <= 255 and np.all(x == np.round(x)):
        advice = "these look like raw pixels 0–255: divide by 255 (x / 255.0) before training."
    else:
        stds = np.std(x.reshape(len(x), -1), axis=0)
        stds = stds[stds > 0]
        advice = (f"feature standard deviations range from {stds.min():.3g} to {stds.max():.3g}: "
                  "standardise each feature, (x − mean) / std with the training set's statistics "
                  "(keras.layers.Normalization does it).")
    problems.append(("unscaled_inputs", f"inputs reach {size:.4g}; {advice}"))


def _check_labels(y, outputs, loss, kind, from_logits, problems):
    """Labels against outputs and the loss: shape (sparse vs one-hot), range, probabilities vs logits."""
    classes = outputs.shape[-1]
    one_hot = y.ndim == outputs.ndim and y.shape[-1] == classes and classes > 1
    if kind == "sparse" and one_hot:
        problems.append(("label_shape", f"the labels are one-hot, shape {y.shape}, but the loss is sparse "
                                        "(it wants one class number per example): use "
                                        "CategoricalCrossentropy, or y.argmax(axis=-1)."))
    elif kind == "categorical" and not one_hot:
        problems.append(("label_shape", f"the labels are class numbers, shape {y.shape}, but the loss is "
                                        f"categorical (it wants one-hot rows of {classes}): use "
                                        "SparseCategoricalCrossentropy, or keras.utils.to_categorical(y)."))
    if kind is not None and not one_hot and y.size and (y.min() < 0 or y.max() >= classes):
        problems.append(("label_range", f"the labels run from {y.min():g} to {y.max():g}, but the model has "
                                        f"{classes} outputs (classes 0 to {classes - 1})."))
    if classes < 2:
        return
    if kind is not None or from_logits is not None:
        uniform = math.log(classes)
        if loss is not None and math.isfinite(loss) and loss > LARGE_LOSS * uniform:
            problems.append(("large_loss", f"the cross entropy is {loss:.4g}, over {LARGE_LOSS:g} × "
                                           f"{uniform:.3f} (ln {classes}, the loss of a uniform guess): "
                                           "the outputs are huge "
                                           f"(up to {np.max(np.abs(outputs)):.3g}) and confidently wrong; "
                                           "check the initialisation and the input scale."))
    probabilities = (np.all(outputs >= 0) and np.all(outputs <= 1)
                     and np.allclose(outputs.sum(axis=-1), 1.0, atol=1e-3))
    if probabilities and from_logits:
        problems.append(("softmax_from_logits", "every output row is ≥ 0 and sums to 1, so the model already "
                                                "applies softmax, and the loss applies it again "
                                                "(from_logits=True): remove the softmax from the last layer, "
                                                "or use from_logits=False."))
    elif not probabilities and from_logits is False and kind is not None:
        problems.append(("logits_to_probability_loss", f"the outputs range from {outputs.min():.3g} to "
                                                       f"{outputs.max():.3g} and their rows do not sum to 1: "
                                                       "they are logits, and the loss expects probabilities; "
                                                       "use from_logits=True."))


def _gradient_problems(layers, problems):
    """Exploding and vanishing gradient norms and dead ReLU layers, one message per kind."""
    norms = [(layer["name"], layer["gradient_norm"]) for layer in layers
             if layer["gradient_norm"] is not None and math.isfinite(layer["gradient_norm"])]
    dead = [(layer["name"], layer["dead_share"]) for layer in layers if (layer.get("dead_share") or 0.0) > DEAD_SHARE]
    exploding = [f"{name}: {norm:.3g}" for name, norm in norms if norm > EXPLODING_NORM]
    vanishing = [f"{name}: {norm:.3g}" for name, norm in norms if norm < VANISHING_NORM]
    if exploding:
        problems.append(("exploding", f"‖gradient‖ above {EXPLODING_NORM:g} in {'; '.join(exploding)}. A step "
                                      "throws the weights far; scale the inputs, use a smaller initialisation "
                                      "or learning rate."))
    if vanishing and not dead:  # dead units explain a zero gradient themselves
        problems.append(("vanishing", f"‖gradient‖ below {VANISHING_NORM:g} in {'; '.join(vanishing)}. "
                                      "These layers barely learn."))
    if dead:
        problems.append(("dead_units", f"{', '.join(f'{share:.0%} of {name}' for name, share in dead)} output 0 "
                                       "for every example, so they get no gradient and never recover: either "
                                       "the layer's weights are all 0 (its max |w| in the table), so every unit "
                                       "computes 0, or a too-large learning rate or initialisation, or unscaled "
                                       "inputs, pushed them below zero."))


def _model(model):
    """Refuse anything that cannot be trained: a Keras model or a ``tf.Module`` called on a batch."""
    if not (callable(model) and hasattr(model, "trainable_variables")):
        raise TypeError(f"model must be a Keras model (or a callable tf.Module), got {type(model).__name__}.")


def health_report(model, x, y, loss_fn, *, from_logits=None, history=None):
    """Look at ``model`` on one batch ``(x, y)`` with ``loss_fn(y, outputs)``; a :class:`HealthReport`.

    ``model`` is a Keras model or any callable with ``trainable_variables``
    (a ``tf.Module``). ``from_logits`` says whether the loss takes logits; left as
    None it is read from a Keras loss (``from_logits=``) or known for
    ``losses.cross_entropy_of_logits``. ``history`` (a :class:`course_lib.training.History`
    or the list of past epoch losses) adds what only a run shows: divergence and a
    loss that stopped moving. Taught in chapter 11.
    """
    _model(model)
    x = validate.real_array("x", x, ndim_at_least=1).astype(np.float32)  # NaN pixels are a finding, not an error
    y = np.asarray(y)
    validate.same_length(x, y, "x", "y")
    kind, inferred = _loss_kind(loss_fn)
    from_logits = inferred if from_logits is None else bool(from_logits)
    problems = []
    _check_history(history, problems)
    _check_inputs(x, problems)
    variables = list(model.trainable_variables)
    with tf.GradientTape() as tape:
        outputs = model(x)
        try:
            loss = loss_fn(y, outputs)
        except (ValueError, tf.errors.InvalidArgumentError) as error:
            loss = None
            problems.append(("loss_error", str(error).strip().splitlines()[0]))
    outputs = np.asarray(outputs)
    _check_labels(y, outputs, None if loss is None else float(loss), kind, from_logits, problems)
    gradients = tape.gradient(loss, variables) if loss is not None else [None] * len(variables)
    labels = _layer_labels(model)
    dead = _dead_shares(model, x, labels)
    layers = {}
    for variable, gradient in zip(variables, gradients):
        key = _row_key(variable, labels)
        layer = layers.setdefault(key, {"max_weight": 0.0, "squares": 0.0, "missing": []})
        values = np.asarray(variable.numpy(), dtype=np.float64)
        layer["max_weight"] = max(layer["max_weight"], float(np.max(np.abs(values))) if values.size else 0.0)
        if not np.all(np.isfinite(values)):
            layer["max_weight"] = float("nan")
        if gradient is None:
            layer["missing"].append(variable)
        else:
            layer["squares"] += float(np.sum(np.square(np.asarray(gradient, dtype=np.float64))))
    table = []
    for name, layer in layers.items():
        norm = None if len(layer["missing"]) and layer["squares"] == 0.0 else math.sqrt(layer["squares"])
        table.append({"name": name, "max_weight": layer["max_weight"], "gradient_norm": norm,
                      "dead_share": dead.get(name)})
        if loss is not None:
            for variable in layer["missing"]:
                problems.append(("no_gradient", f"{_variable_name(variable)}: {why_no_gradient(variable)}"))
    loss_value = float("nan") if loss is None else float(loss)
    non_finite = [part for part, bad in (
        ("the loss", loss is not None and not math.isfinite(loss_value)),
        ("the outputs", not np.all(np.isfinite(outputs))),
        ("the weights", any(not math.isfinite(layer["max_weight"]) for layer in table)),
        ("the gradients", any(layer["gradient_norm"] is not None and not math.isfinite(layer["gradient_norm"])
                              for layer in table))) if bad]
    if non_finite:
        problems.insert(0, ("non_finite", f"{', '.join(non_finite)} hold NaN or inf: a number overflowed "
                                          "(too large a learning rate or initialisation, unscaled inputs) "
                                          "or a log of 0 was taken."))
    _gradient_problems(table, problems)
    order = list(PROBLEM_KINDS)
    problems.sort(key=lambda problem: order.index(problem[0]))
    return HealthReport(loss=loss_value if loss is not None else None, layers=table, problems=problems)


class HealthMonitor:
    """A :func:`health_report` after every epoch, on the same probe batch: a training run's health record.

    Give ``monitor.on_epoch_end`` to :func:`course_lib.training.train` or
    :func:`course_lib.training.loop`, or ``monitor.keras_callback()`` to ``fit``.
    ``reports`` holds one report per finished epoch, ``losses`` the epoch losses.
    Taught in chapter 11.
    """

    def __init__(self, model, x, y, loss_fn, *, from_logits=None):
        self.model, self.x, self.y, self.loss_fn = model, x, y, loss_fn
        self.from_logits = from_logits
        self.losses, self.reports = [], []

    def on_epoch_end(self, epoch, logs):
        """Record the epoch's loss and the report of the model as it is now."""
        self.losses.append(float(logs["loss"]))
        self.reports.append(health_report(self.model, self.x, self.y, self.loss_fn,
                                          from_logits=self.from_logits, history=self.losses))

    def keras_callback(self):
        """The same record for ``model.fit``: a Keras ``LambdaCallback`` calling :meth:`on_epoch_end`."""
        return keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: self.on_epoch_end(epoch, logs or {}))


# The chapter's problems: MNIST digits and wine measurements.


def mnist_slice(num_train=2000, num_test=1000, *, scale="0..1", one_hot=False):
    """The first ``num_train`` training and ``num_test`` test MNIST images, flattened to 784 pixels.

    ``scale="none"`` keeps the raw 0–255 pixels (as float32), the forgotten-scaling bug.
    """
    num_train = validate.positive_int("num_train", num_train)
    num_test = validate.positive_int("num_test", num_test)
    validate.one_of("scale", scale, data.SCALES)
    (x_train, y_train), (x_test, y_test) = data.load_mnist(scale=scale, flatten=True, one_hot=one_hot)
    return ((x_train[:num_train].astype(np.float32), y_train[:num_train]),
            (x_test[:num_test].astype(np.float32), y_test[:num_test]))


def mlp(hidden=(64, 64), *, num_inputs=784, num_classes=10, init_stddev=None, output="logits", seed=0):
    """A Dense ReLU network ending in ``num_classes`` logits (``output="softmax"``: probabilities).

    ``init_stddev`` draws every weight from N(0, init_stddev²) instead of Keras'
    Glorot default, whose spread shrinks with the layer's width. Built under :func:`course_lib.notebook.seeded`: every call
    gives the same first weights, and the reader's random state is left as it was. Taught in chapter 11.
    """
    validate.one_of("output", output, ("logits", "softmax"))
    hidden = [validate.positive_int("hidden", units) for units in hidden]
    if init_stddev is None:
        initializer = "glorot_uniform"
    else:
        initializer = keras.initializers.RandomNormal(stddev=validate.positive("init_stddev", init_stddev),
                                                      seed=seed)
    with notebook.seeded(seed):
        layers = [keras.Input((validate.positive_int("num_inputs", num_inputs),))]
        layers += [keras.layers.Dense(units, activation="relu", kernel_initializer=initializer)
                   for units in hidden]
        layers.append(keras.layers.Dense(validate.positive_int("num_classes", num_classes),
                                         activation="softmax" if output == "softmax" else None,
                                         kernel_initializer=initializer))
        return keras.Sequential(layers)


WINE_FEATURES = 13


def wine_data(train_fraction=0.7, seed=0):
    """The wine recognition data (178 wines, 13 measurements, 3 cultivars), shuffled and split.

    Bundled with scikit-learn. Its features are on very different scales (hue about 1,
    proline in the hundreds to over a thousand): the unstandardised-inputs bug.
    Returns ``(x_train, y_train), (x_test, y_test)``, float32 features, integer labels.
    """
    from sklearn.datasets import load_wine

    train_fraction = validate.in_range("train_fraction", train_fraction, 0.05, 0.95)
    wine = load_wine()
    order = np.random.RandomState(seed).permutation(len(wine.target))
    x, y = wine.data[order].astype(np.float32), wine.target[order].astype(np.int64)
    cut = int(round(train_fraction * len(y)))
    return (x[:cut], y[:cut]), (x[cut:], y[cut:])


# The break-it panel: one scenario per bug, trained with the course's one loop.


def softmax_cross_entropy_on_probabilities(y_true, outputs):
    """``tf.nn.sparse_softmax_cross_entropy_with_logits`` fed with outputs that are already probabilities.

    The raw TensorFlow op (the source course's ``softmax_cross_entropy_with_logits``)
    applies softmax again without noticing; Keras' own losses notice a Keras softmax
    and warn. Softmax of numbers in [0, 1] is nearly flat, so this loss can never fall
    below ln(1 + 9/e) ≈ 1.46 on ten classes. The softmax + ``from_logits`` bug of chapter 11.
    """
    y_true, outputs = tf.convert_to_tensor(y_true), tf.convert_to_tensor(outputs)
    if not (y_true.dtype.is_integer or y_true.dtype.is_floating) or not outputs.dtype.is_floating:
        raise TypeError(f"y_true must hold class numbers and outputs probabilities, got {y_true.dtype.name} "
                        f"and {outputs.dtype.name}.")
    return tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(tf.cast(y_true, tf.int64), outputs))


#: The panel's scenarios: what is broken, and the settings that break it.
BUGS = {
    "none": {"explanation": "a healthy run: scaled pixels, Glorot initialisation, Adam 0.001, logits + "
                            "cross entropy from logits."},
    "learning rate too large": {"optimizer": "sgd", "learning_rate": 3.0,
                                "explanation": "plain SGD with learning rate 3: the first steps throw the "
                                               "weights far, the ReLU units die."},
    "learning rate too small": {"learning_rate": 1e-6,
                                "explanation": "Adam with learning rate 0.000001: the loss barely moves."},
    "initialisation too large": {"init_stddev": 1.0,
                                 "explanation": "every weight drawn from N(0, 1) instead of Glorot's "
                                                "N(0, ~0.05²): huge logits, huge gradients."},
    "pixels not scaled": {"scale": "none", "explanation": "pixels left at 0–255 instead of 0–1."},
    "softmax + from_logits": {"output": "softmax", "loss": softmax_cross_entropy_on_probabilities,
                              "explanation": "the last layer applies softmax and the loss "
                                             "(tf.nn.sparse_softmax_cross_entropy_with_logits) applies it "
                                             "again."},
}


#: What a break-it run measures beside its loss (its warm-up traces the same).
RUN_METRICS = {"accuracy": training.accuracy}


class BrokenRuns:
    """Runs of the break-it panel on an MNIST slice, each from the same fresh start of its scenario.

    One model and optimizer are built per scenario and their first values kept, so a
    run puts them back instead of building (and tracing) anew; every epoch runs
    :func:`course_lib.training.train` and a :func:`health_report` on a probe batch.
    """

    def __init__(self, num_train=2000, num_test=500, *, batch_size=64, probe_size=256, seed=0):
        self.num_train = validate.positive_int("num_train", num_train)
        self.num_test = validate.positive_int("num_test", num_test)
        self.batch_size = validate.positive_int("batch_size", batch_size)
        self.probe_size = validate.positive_int("probe_size", probe_size)
        self.seed = seed
        self._data, self._runs = {}, {}

    def _slices(self, scale):
        if scale not in self._data:
            self._data[scale] = mnist_slice(self.num_train, self.num_test, scale=scale)
        return self._data[scale]

    def _scenario(self, bug):
        if bug not in self._runs:
            settings = BUGS[bug]
            model = mlp(init_stddev=settings.get("init_stddev"), output=settings.get("output", "logits"),
                        seed=self.seed)
            rate = settings.get("learning_rate", 1e-3)
            optimizer = (keras.optimizers.SGD(learning_rate=rate) if settings.get("optimizer") == "sgd"
                         else keras.optimizers.Adam(learning_rate=rate))
            state = training.training_state(model, optimizer)
            self._runs[bug] = model, optimizer, state, [np.array(v.numpy()) for v in state]
        return self._runs[bug]

    def parts(self, bug):
        """``bug``'s data slices ``((x_train, y_train), (x_test, y_test))``, its loss and its scenario."""
        validate.one_of("bug", bug, list(BUGS))
        settings = BUGS[bug]
        return (self._slices(settings.get("scale", "0..1")),
                settings.get("loss", losses.cross_entropy_of_logits), self._scenario(bug))

    def epochs(self, bug, num_epochs):
        """The run as it goes (:func:`course_lib.training.train_live`): the untrained model's state,
        then the state at every update.

        Each state is a dict: ``bug``, ``losses`` and ``val_accuracy`` per epoch so far,
        ``stop_reason``, and the ``report`` on the probe batch (with the run's history).
        """
        num_epochs = validate.positive_int("num_epochs", num_epochs)
        ((x_train, y_train), (x_test, y_test)), loss_fn, (model, optimizer, state, initial) = self.parts(bug)
        for variable, value in zip(state, initial):
            variable.assign(value)
        train_data = tf.data.Dataset.from_tensor_slices((x_train, y_train)).shuffle(
            len(x_train), seed=self.seed).batch(self.batch_size)
        test_data = tf.data.Dataset.from_tensor_slices((x_test, y_test)).batch(len(x_test))
        probe = x_train[:self.probe_size], y_train[:self.probe_size]
        for history in training.train_live(model, train_data, loss_fn=loss_fn, optimizer=optimizer,
                                           num_epochs=num_epochs, metrics=RUN_METRICS, validation_data=test_data):
            yield {"bug": bug, "num_epochs": num_epochs, "losses": list(history.metrics.get("loss", [])),
                   "val_accuracy": list(history.metrics.get("val_accuracy", [])),
                   "stop_reason": history.stop_reason,
                   "report": health_report(model, *probe, loss_fn, from_logits=True, history=history)}


# Two tests before a long run, and a deep network for batch normalization (the practitioner's toolkit).

#: Overfitting one batch: the Adam steps the test takes on its one batch, and the loss a healthy
#: network gets below in them. A healthy 784-64-64-10 network reaches it in about 50 steps on 32 images;
#: a network that cannot learn (dead units, a double softmax) never does.
ONE_BATCH_STEPS = 100
ONE_BATCH_LOSS = 0.05


def overfit_one_batch(model, x, y, loss_fn, *, num_steps=ONE_BATCH_STEPS, learning_rate=1e-3):
    """Train ``model`` on the one batch ``(x, y)`` for ``num_steps`` Adam steps; return the run's History.

    The first test of Karpathy's "A Recipe for Training Neural Networks": a network, a loss
    and a training step that work can drive the loss on a few examples to about zero (they
    memorise them). If they cannot, no amount of data or epochs will help: the fault is in
    the code, not in the data. Each "epoch" of the History is one step on the batch.
    Taught in chapter 11.
    """
    _model(model)
    num_steps = validate.positive_int("num_steps", num_steps)
    x, y = validate.finite_array("x", x).astype(np.float32), np.asarray(y)
    validate.same_length(x, y)
    dataset = tf.data.Dataset.from_tensors((x, y))
    return training.train(model, dataset, loss_fn=loss_fn,
                          optimizer=keras.optimizers.Adam(learning_rate=validate.positive("learning_rate", learning_rate)),
                          num_epochs=num_steps, metrics={"accuracy": training.accuracy}, progress=False)


def shuffled_labels(y, seed=0):
    """The labels ``y`` in a random order: the same classes as often, none of them tied to its image.

    The second test (Zhang et al. 2017, "Understanding deep learning requires rethinking
    generalization"): a network trained on them can only memorise, so its training accuracy
    climbs, slowly, while its test accuracy stays at chance. Taught in chapter 11.
    """
    y = np.asarray(y)
    if y.ndim == 0 or len(y) < 2:
        raise ValueError(f"y must hold at least two labels to shuffle, got shape {y.shape}")
    return np.random.default_rng(seed).permutation(y)


def deep_mlp(depth=10, *, units=64, activation="sigmoid", batch_norm=False, momentum=0.99, seed=0):
    """``depth`` hidden Dense layers of ``units`` and ``activation`` on 784 pixels, ending in 10 logits.

    With ``batch_norm=True`` each hidden layer is Dense (no bias: the normalization's β
    replaces it), ``BatchNormalization(momentum=momentum)``, then the activation, the order of
    Ioffe and Szegedy (2015). Built under :func:`course_lib.notebook.seeded`: every call gives
    the same first weights. Taught in chapter 11.
    """
    depth = validate.positive_int("depth", depth)
    units = validate.positive_int("units", units)
    validate.one_of("activation", activation, ("sigmoid", "relu", "tanh"))
    validate.in_range("momentum", momentum, 0.0, 1.0)
    with notebook.seeded(seed):
        layers = [keras.Input((784,))]
        for _ in range(depth):
            layers.append(keras.layers.Dense(units, use_bias=not batch_norm))
            if batch_norm:
                layers.append(keras.layers.BatchNormalization(momentum=momentum))
            layers.append(keras.layers.Activation(activation))
        layers.append(keras.layers.Dense(10))
        return keras.Sequential(layers)
