"""Activation functions (激活函数): values, derivatives, properties, and what they do to training.

Each function comes three ways: TensorFlow's own call (:func:`activation`), the
derivative by hand (:func:`analytic_derivative`) and the derivative TensorFlow
finds with ``GradientTape`` (:func:`tape_derivative`), so a chapter can show that
the two derivatives agree. :func:`properties` measures the four properties the
source asks of a good activation on a grid instead of just claiming them.
:func:`layer_gradient_norms` and :func:`dead_unit_fractions` measure the two
classic failures: vanishing gradients (梯度消失) in deep sigmoid networks and
dead ReLUs (Dead ReLU 问题).
"""

import numpy as np
import tensorflow as tf

from course_lib import losses, notebook, validate

ACTIVATION_NAMES = ("sigmoid", "tanh", "relu", "leaky_relu")

#: ``tf.nn.leaky_relu``'s default slope for x < 0, the one the source prints with.
DEFAULT_ALPHA = 0.2

#: The TensorFlow call of each function, as the source writes it.
TF_CALLS = {"sigmoid": "tf.nn.sigmoid(x)", "tanh": "tf.math.tanh(x)", "relu": "tf.nn.relu(x)",
            "leaky_relu": "tf.nn.leaky_relu(x, alpha=0.2)"}

#: The output range (值域) of each function, as an interval.
OUTPUT_RANGES = {"sigmoid": "(0, 1)", "tanh": "(-1, 1)", "relu": "[0, ∞)", "leaky_relu": "(-∞, ∞)"}

#: The source's values (tf.linspace inputs, float64) of the blog notes on activations.
SOURCE_VALUES = {
    "sigmoid": ((-6, 6, 10), [0.00247262, 0.00931596, 0.0344452, 0.11920292, 0.33924363,
                              0.66075637, 0.88079708, 0.9655548, 0.99068404, 0.99752738]),
    "tanh": ((-2, 2, 5), [-0.96402758, -0.76159416, 0.0, 0.76159416, 0.96402758]),
    "relu": ((-1, 1, 10), [0.0, 0.0, 0.0, 0.0, 0.0, 0.11111111, 0.33333333, 0.55555556,
                           0.77777778, 1.0]),
    "leaky_relu": ((-1, 1, 10), [-0.2, -0.15555556, -0.11111111, -0.06666667, -0.02222222,
                                 0.11111111, 0.33333333, 0.55555556, 0.77777778, 1.0]),
}

#: The source's softmax example: logits it drew with tf.random.uniform([1, 10], -2, 2) (unseeded,
#: so only the printed float32 values can be reused) and the probabilities it printed.
SOURCE_SOFTMAX = (
    [-0.80400324, 1.1189251, 1.7390656, 0.8317995, -1.1970901,
     -0.48806524, -1.1161256, -0.35890388, 0.765254, -1.8393846],
    [0.02841684, 0.19439851, 0.3614236, 0.14588003, 0.01918051,
     0.03897498, 0.02079806, 0.0443486, 0.13648833, 0.01009056],
)


def _check_name(name):
    return validate.one_of("activation", name, ACTIVATION_NAMES)


def _check_alpha(alpha):
    return validate.in_range("alpha", alpha, 0.0, 1.0)


def activation(name, x, alpha=DEFAULT_ALPHA):
    """``name``'s TensorFlow function applied to ``x`` (a tensor or array); ``alpha`` is Leaky ReLU's slope."""
    _check_name(name)
    alpha = _check_alpha(alpha)
    functions = {
        "sigmoid": tf.nn.sigmoid,
        "tanh": tf.math.tanh,
        "relu": tf.nn.relu,
        "leaky_relu": lambda t: tf.nn.leaky_relu(t, alpha=alpha),
    }
    return functions[name](_numeric_tensor(x))


def _numeric_tensor(x):
    """``x`` as a float tensor (integers become float64), or a TypeError naming ``x``."""
    if isinstance(x, (tf.Tensor, tf.Variable)):
        if not (x.dtype.is_floating or x.dtype.is_integer):
            raise TypeError(f"x must hold numbers, got a tensor of {x.dtype.name}.")
        return tf.cast(x, tf.float64) if x.dtype.is_integer else x
    array = np.asarray(x)
    if array.dtype.kind in "biu":
        array = array.astype(np.float64)
    if array.dtype.kind != "f":
        raise TypeError(f"x must be numbers (an array, a list or a tensor), got {x!r} of type {type(x).__name__}.")
    return tf.convert_to_tensor(array)


def analytic_derivative(name, x, alpha=DEFAULT_ALPHA):
    """The derivative worked out by hand: σ(1 − σ), 1 − tanh², 1 for x > 0 (else 0, or α for Leaky ReLU).

    At x = 0, where ReLU has a kink, it takes the left-hand slope, as TensorFlow does.
    """
    _check_name(name)
    alpha = _check_alpha(alpha)
    x = np.asarray(x, dtype=np.float64)
    if name == "sigmoid":
        s = 1.0 / (1.0 + np.exp(-x))
        return s * (1.0 - s)
    if name == "tanh":
        return 1.0 - np.tanh(x) ** 2
    return np.where(x > 0, 1.0, 0.0 if name == "relu" else alpha)


def tape_derivative(name, x, alpha=DEFAULT_ALPHA):
    """The derivative at each point of ``x`` as TensorFlow computes it with ``GradientTape``.

    Each output depends only on its own input, so the gradient of the sum gives every
    derivative at once.
    """
    x = tf.constant(validate.finite_array("x", x, ndim_at_least=0))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = activation(name, x, alpha)
    return tape.gradient(y, x).numpy()


def source_values(name):
    """The function on the source's ``tf.linspace`` inputs: (inputs, our values, the source's printed values)."""
    _check_name(name)
    (start, stop, num), printed = SOURCE_VALUES[name]
    inputs = tf.linspace(start, stop, num)
    return inputs.numpy(), activation(name, inputs).numpy(), np.array(printed)


def properties(name, alpha=DEFAULT_ALPHA):
    """The source's four properties plus the output range, measured on a grid of inputs.

    - non-linear (非线性): a straight line through f(−3) and f(3) misses f somewhere;
    - differentiable (可微性): the slopes just left and right of 0 agree (no kink);
    - monotonic (单调性): f never decreases on [−10, 10];
    - ≈ identity near 0 (近似恒等性): |f(x) − x| < 0.01 for |x| ≤ 0.1.
    """
    _check_name(name)
    grid = np.linspace(-10.0, 10.0, 2001)
    values = activation(name, grid, alpha).numpy()
    line = np.linspace(-3.0, 3.0, 61)
    on_line = activation(name, line, alpha).numpy()
    chord = on_line[0] + (on_line[-1] - on_line[0]) * (line - line[0]) / (line[-1] - line[0])
    near_zero = np.linspace(-0.1, 0.1, 21)
    left, right = analytic_derivative(name, [-1e-9, 1e-9], alpha)
    return {
        "non-linear": bool(np.max(np.abs(on_line - chord)) > 1e-3),
        "differentiable": "everywhere" if abs(right - left) < 1e-6 else "except at 0",
        "monotonic": bool(np.all(np.diff(values) >= 0)),
        "≈ identity near 0": bool(np.max(np.abs(activation(name, near_zero, alpha).numpy() - near_zero)) < 0.01),
        "output range": OUTPUT_RANGES[name],
    }


def properties_table(alpha=DEFAULT_ALPHA):
    """:func:`properties` of every activation, as rows of a Markdown table."""
    header = ["activation", "non-linear", "differentiable", "monotonic", "≈ identity near 0", "output range"]
    rows = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for name in ACTIVATION_NAMES:
        measured = properties(name, alpha)
        cells = [name] + [("yes" if value is True else "no" if value is False else value)
                          for value in measured.values()]
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


def curves(name="sigmoid", x_limit=6.0, alpha=DEFAULT_ALPHA, num_points=401):
    """Function and derivative on [−``x_limit``, ``x_limit``], both ways, for the figures and the activation panel."""
    x_limit = validate.positive("x_limit", x_limit)
    num_points = validate.positive_int("num_points", num_points)
    if num_points < 2:
        raise ValueError(f"num_points must be at least 2 to draw a curve, got {num_points}.")
    x = np.linspace(-x_limit, x_limit, num_points)
    by_tape = tape_derivative(name, x, alpha)
    by_hand = analytic_derivative(name, x, alpha)
    return {"name": name, "alpha": _check_alpha(alpha), "x": x, "y": activation(name, x, alpha).numpy(),
            "tape_derivative": by_tape, "analytic_derivative": by_hand,
            "max_difference": float(np.max(np.abs(by_tape - by_hand)))}


def parse_logits(text):
    """Logits typed as "2, 1, 0.1" (commas or spaces) as a float array; a clear ValueError otherwise."""
    if not isinstance(text, str):
        logits = np.ravel(validate.finite_array("logits", text, ndim_at_least=0))
    else:
        try:
            logits = np.array([float(part) for part in text.replace(",", " ").split()])
        except ValueError:
            raise ValueError(f"type the logits as numbers separated by commas, e.g. 2, 1, 0.1; got {text!r}.") from None
    if logits.size < 2 or not np.all(np.isfinite(logits)):
        raise ValueError(f"softmax needs at least two finite logits, got {text!r}.")
    return logits


def softmax_probabilities(logits="2, 1, 0.1", temperature=1.0):
    """softmax(logits / temperature) with ``tf.nn.softmax``, and the entropy of the result in nats.

    A high temperature flattens the distribution towards uniform; a low one sharpens it
    towards the largest logit.
    """
    logits = parse_logits(logits)
    temperature = validate.positive("temperature", temperature)
    probabilities = tf.nn.softmax(tf.constant(logits / temperature)).numpy()
    entropy = float(-np.sum(probabilities * np.log(np.maximum(probabilities, 1e-300))))
    return {"logits": logits, "temperature": temperature, "probabilities": probabilities, "entropy": entropy}


def softmax_jacobians(logits):
    """The Jacobian of softmax at ``logits`` by hand, diag(p) − p pᵀ, and by ``GradientTape.jacobian``."""
    z = tf.constant(parse_logits(logits))
    with tf.GradientTape() as tape:
        tape.watch(z)
        p = tf.nn.softmax(z)
    by_tape = tape.jacobian(p, z).numpy()
    p = p.numpy()
    return np.diag(p) - np.outer(p, p), by_tape


def deep_network(activation_name, *, depth=10, width=64, num_inputs=784, num_classes=10, seed=0,
                 kernel_initializer="glorot_uniform"):
    """``depth`` hidden Dense layers of ``width`` units with one activation, then a linear output layer.

    The same arguments always give the same weights (built under :func:`course_lib.notebook.seeded`,
    which leaves the reader's random state as it was).
    """
    import keras

    validate.one_of("activation", activation_name, ACTIVATION_NAMES)
    depth, width = validate.positive_int("depth", depth), validate.positive_int("width", width)
    with notebook.seeded(seed):
        layers = [keras.Input(shape=(num_inputs,))]
        layers += [keras.layers.Dense(width, activation=activation_name, kernel_initializer=kernel_initializer)
                   for _ in range(depth)]
        layers.append(keras.layers.Dense(num_classes))
        return keras.Sequential(layers)


def layer_gradient_norms(model, x, y):
    """The norm of the loss gradient for each layer's kernel, from the input layer to the output.

    The loss is sparse categorical cross entropy on logits over the batch ``(x, y)``. In a deep
    sigmoid network each layer multiplies the backward signal by σ' ≤ 0.25, so the norms shrink
    towards the input: the vanishing gradient (梯度消失).
    """
    validate.keras_model("model", model)
    validate.examples("(x, y)", (x, y))
    kernels = [layer.kernel for layer in model.layers]
    with tf.GradientTape() as tape:
        logits = model(x, training=False)
        loss = losses.cross_entropy_of_logits(y, logits)
    return np.array([float(tf.norm(gradient)) for gradient in tape.gradient(loss, kernels)])


def dead_unit_fractions(model, x):
    """For each hidden ReLU or Leaky ReLU layer, the fraction of units whose input is negative for every example of ``x``.

    A ReLU unit there is dead (Dead ReLU): its output and its gradient are 0 on all the
    data, so no update can ever bring it back. A Leaky ReLU unit there still passes the
    gradient times α, so it can come back. Taught in chapter 04.
    """
    validate.keras_model("model", model)
    fractions, h = [], tf.convert_to_tensor(validate.finite_array("x", x, ndim_at_least=2), dtype=tf.float32)
    for layer in model.layers:
        h = layer(h)
        if getattr(layer, "activation", None) is not None and layer.activation.__name__ in RECTIFIERS:
            fires = tf.reduce_any(h > 0, axis=0)  # for both, the output is > 0 exactly where the input is
            fractions.append(1.0 - float(tf.reduce_mean(tf.cast(fires, tf.float32))))
    if not fractions:
        raise ValueError("the model has no Dense layer with a ReLU or Leaky ReLU activation.")
    return np.array(fractions)


#: The Keras activations whose units :func:`dead_unit_fractions` counts.
RECTIFIERS = ("relu", "leaky_relu")


def he_normal_std(fan_in):
    """sqrt(2 / fan_in): the spread of He initialisation, the source's "初始参数中心化" advice."""
    return float(np.sqrt(2.0 / validate.positive_int("fan_in", fan_in)))
