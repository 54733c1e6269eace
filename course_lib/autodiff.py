"""Automatic differentiation (自动求导) built by hand: a reverse-mode engine on scalars, and how to check it.

``GradientTape`` records the operations of a forward pass and runs the chain rule
backwards through them. Chapter 01 builds the same machine on single numbers, in the
spirit of Karpathy's micrograd, so that nothing in it is hidden:

- :class:`Value` is one number that remembers how it was made: from which values
  (its ``children``), by which operation, and how to pass a gradient back to them;
- :meth:`Value.backward` puts the graph in topological order (:func:`topological_order`:
  every value after the values it was made from) and walks it backwards, each value
  adding its share to its children's gradients. *Adding*: a value that feeds two places
  receives a gradient from each.

The rest of the module checks gradients and shows what they cost:
:func:`numerical_gradient` and :func:`gradient_check` compare a backward pass with
finite differences (chapter 02 checks its hand-written backward pass with them),
:func:`step_size_errors` measures why the step and the float64 dtype matter,
:func:`graph_figure` draws a :class:`Value`'s graph, and :func:`kept_by_tape` lists the
tensors a ``GradientTape`` keeps from the forward pass for the backward pass.
"""

import gc
import math
import numbers

import numpy as np
import tensorflow as tf

from course_lib import plots, validate


def _as_value(name, other):
    """``other`` as a :class:`Value`: a Value itself, or a plain number turned into a leaf."""
    if isinstance(other, Value):
        return other
    if isinstance(other, bool) or not isinstance(other, numbers.Real):
        raise TypeError(f"{name} must be a Value or a number, got {type(other).__name__}.")
    return Value(other)


class Value:
    """One number of a computation, with what made it and, after :meth:`backward`, the gradient ``grad``.

    ``Value(2.0)`` is a leaf (叶子节点); ``a + b``, ``a * b``, ``a ** 3``, ``a.tanh()`` and
    ``a.relu()`` make new values whose ``children`` are their inputs. Each operation
    also stores ``_local_backward``: the chain rule for that one operation, which adds
    ``out.grad`` times the local derivative to each child's ``grad``. Taught in chapter 01.
    """

    def __init__(self, data, children=(), operation="", label=""):
        self.data = validate.finite("data", data)
        self.grad = 0.0
        self.children = tuple(children)
        self.operation = operation
        self.label = label
        self._local_backward = lambda: None  # a leaf has nothing to pass on

    def __repr__(self):
        return f"Value(data={self.data:.6g}, grad={self.grad:.6g})"

    def __add__(self, other):
        other = _as_value("other", other)
        out = Value(self.data + other.data, (self, other), "+")

        def local_backward():  # d(a + b)/da = d(a + b)/db = 1
            self.grad += out.grad
            other.grad += out.grad
        out._local_backward = local_backward
        return out

    def __mul__(self, other):
        other = _as_value("other", other)
        out = Value(self.data * other.data, (self, other), "×")

        def local_backward():  # d(a b)/da = b, d(a b)/db = a
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._local_backward = local_backward
        return out

    def __pow__(self, exponent):
        if isinstance(exponent, bool) or not isinstance(exponent, numbers.Real):
            raise TypeError(f"exponent must be a number (a power of a Value by a Value is not supported), "
                            f"got {type(exponent).__name__}.")
        out = Value(self.data ** exponent, (self,), f"^{exponent:g}")

        def local_backward():  # d(a^n)/da = n a^(n-1)
            self.grad += exponent * self.data ** (exponent - 1) * out.grad
        out._local_backward = local_backward
        return out

    def tanh(self):
        out = Value(math.tanh(self.data), (self,), "tanh")

        def local_backward():  # d tanh(a)/da = 1 - tanh(a)^2
            self.grad += (1 - out.data ** 2) * out.grad
        out._local_backward = local_backward
        return out

    def relu(self):
        out = Value(max(self.data, 0.0), (self,), "relu")

        def local_backward():  # 1 where the input is positive, else 0
            self.grad += (self.data > 0) * out.grad
        out._local_backward = local_backward
        return out

    # The rest is written with the operations above, so it needs no backward of its own.
    def __neg__(self):
        return self * -1

    def __sub__(self, other):
        return self + (-_as_value("other", other))

    def __truediv__(self, other):
        return self * _as_value("other", other) ** -1

    def __radd__(self, other):  # 2 + a
        return self + other

    def __rmul__(self, other):  # 2 * a
        return self * other

    def __rsub__(self, other):  # 2 - a
        return _as_value("other", other) - self

    def __rtruediv__(self, other):  # 2 / a
        return _as_value("other", other) * self ** -1

    def backward(self):
        """Fill ``grad`` of every value this one was made from with ∂self/∂value: reverse mode, in topological order.

        Gradients start at 0 (a second call does not add to the first), this value's own
        at 1; then each value, from this one back to the leaves, passes its gradient on.
        The order guarantees a value has received its gradient from *every* value it
        feeds before it passes it on.
        """
        order = topological_order(self)
        for value in order:
            value.grad = 0.0
        self.grad = 1.0
        for value in reversed(order):
            value._local_backward()


def topological_order(root):
    """Every value ``root`` was made from, and ``root`` last, each one after all of its children.

    A depth-first search that lists a value once all its children are listed; iterative,
    so a long chain of operations does not hit Python's recursion limit.
    """
    if not isinstance(root, Value):
        raise TypeError(f"root must be a Value, got {type(root).__name__}.")
    order, visited, stack = [], set(), [(root, False)]
    while stack:
        value, children_done = stack.pop()
        if children_done:
            order.append(value)
        elif id(value) not in visited:
            visited.add(id(value))
            stack.append((value, True))
            stack.extend((child, False) for child in reversed(value.children) if id(child) not in visited)
    return order


def two_neuron_loss(parameters, x, y, tanh):
    """The mean squared error of chapter 01's two-neuron network on the rows ``x`` and targets ``y``.

    A hidden neuron ``h = tanh(w1·x1 + w2·x2 + b1)`` feeds an output neuron
    ``out = tanh(v·h + c)``; ``parameters`` is ``[w1, w2, b1, v, c]``. Written with ``+``,
    ``*``, ``**`` and the given ``tanh`` only, so the same lines run on :class:`Value`
    (``tanh=Value.tanh``) and on TensorFlow variables (``tanh=tf.tanh``): one formula for
    the engine and for ``GradientTape``.
    """
    if len(parameters) != 5:
        raise ValueError(f"parameters must be the five numbers [w1, w2, b1, v, c], got {len(parameters)}.")
    validate.same_length(x, y)
    w1, w2, b1, v, c = parameters
    total = 0.0
    for (x1, x2), target in zip(x, y):
        hidden = tanh(w1 * float(x1) + w2 * float(x2) + b1)
        out = tanh(v * hidden + c)
        total = total + (out - float(target)) ** 2
    return total * (1.0 / len(x))


def relative_error(computed, reference):
    """The largest ``|computed − reference| / max(|computed|, |reference|)`` over the entries (0 where both are 0).

    Relative, so that a gradient of 1e-6 and one of 1e3 are judged alike: about 1e-7 or less
    means agreement in float64 (up to 1e-5 for a gradient close to 0, whose finite difference is
    mostly round-off), 1e-2 or more a mistake.
    """
    computed = validate.finite_array("computed", computed, ndim_at_least=0)
    reference = validate.finite_array("reference", reference, ndim_at_least=0)
    if computed.shape != reference.shape:
        raise ValueError(f"computed and reference must have the same shape, got {computed.shape} and "
                         f"{reference.shape}.")
    scale = np.maximum(np.abs(computed), np.abs(reference))
    errors = np.divide(np.abs(computed - reference), scale, out=np.zeros_like(scale), where=scale > 0)
    return float(errors.max()) if errors.size else 0.0


def numerical_gradient(f, x, step=1e-6):
    """The gradient of the scalar function ``f`` at the float64 array ``x`` by central differences.

    Entry by entry, ``(f(x + h e_i) − f(x − h e_i)) / 2h``: its error shrinks as h², against
    h for the one-sided difference. ``x`` is not changed. Taught in chapter 02.
    """
    if not callable(f):
        raise TypeError(f"f must be a function of x, got {type(f).__name__}.")
    step = validate.positive("step", step)
    x = np.array(validate.finite_array("x", x, ndim_at_least=0))  # a copy: the caller's x is never touched
    gradient = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        original = x[index]
        x[index] = original + step
        above = float(f(x))
        x[index] = original - step
        below = float(f(x))
        x[index] = original
        gradient[index] = (above - below) / (2 * step)
    return gradient


def gradient_check(loss, parameters, gradients, *, num_entries=10, step=1e-6, seed=0):
    """Compare a backward pass with central differences on ``num_entries`` random entries of each parameter.

    ``loss(parameters)`` returns the loss (a number) for a list of float64 arrays;
    ``gradients`` are the gradients the backward pass under test computed for them.
    Differencing every entry of a large network would take two forward passes per
    weight, so a few entries per array are drawn. Returns the :func:`relative_error` of each
    array, in the order of ``parameters``. Taught in chapter 02.
    """
    num_entries = validate.positive_int("num_entries", num_entries)
    step = validate.positive("step", step)
    parameters = [np.array(p, dtype=np.float64) for p in parameters]
    if len(gradients) != len(parameters):
        raise ValueError(f"gradients must hold one array per parameter, got {len(gradients)} for "
                         f"{len(parameters)} parameters.")
    rng = np.random.default_rng(seed)
    errors = []
    for parameter, gradient in zip(parameters, gradients):
        gradient = np.asarray(gradient, np.float64)
        if gradient.shape != parameter.shape:
            raise ValueError(f"a gradient has shape {gradient.shape} where its parameter has {parameter.shape}.")
        flat = parameter.reshape(-1)  # a view: changing it changes ``parameters``
        chosen = rng.choice(flat.size, size=min(num_entries, flat.size), replace=False)

        def loss_of_entries(entries):
            original = flat[chosen].copy()
            flat[chosen] = entries
            value = float(loss(parameters))
            flat[chosen] = original
            return value
        numerical = numerical_gradient(loss_of_entries, flat[chosen].copy(), step)
        errors.append(relative_error(gradient.reshape(-1)[chosen], numerical))
    return errors


#: The steps of chapter 02's figure of the error against the step, from 1e-12 to 1e-1.
STEPS = tuple(10.0 ** exponent for exponent in np.arange(-12.0, -0.5, 0.5))


def step_size_errors(f, x, exact, steps=STEPS):
    """The error of a finite difference of ``f`` at the number ``x``, step by step, three ways.

    ``f(x)`` must compute in the dtype of ``x`` (a NumPy scalar); ``exact`` is the true
    derivative. Returns ``{label: [relative error for each step]}`` for the central
    difference in float64, the one-sided (forward) difference in float64 and the central
    difference in float32. Large steps suffer from truncation (the Taylor terms the
    difference ignores), small ones from round-off (f's rounding error divided by the step).
    """
    exact = validate.finite("exact", exact)
    steps = [validate.positive("a step", step) for step in steps]
    if not steps:
        raise ValueError("steps must hold at least one step.")
    kinds = {"central difference, float64": (np.float64, True),
             "one-sided difference, float64": (np.float64, False),
             "central difference, float32": (np.float32, True)}
    errors = {}
    for label, (dtype, central) in kinds.items():
        point = dtype(x)
        errors[label] = []
        for step in steps:
            h = dtype(step)
            below = point - h if central else point
            actual_step = float((point + h) - below)  # the step the dtype can represent
            # a step lost below the dtype's precision (x + h == x) leaves no difference at all
            estimate = (float(f(point + h)) - float(f(below))) / actual_step if actual_step else 0.0
            errors[label].append(max(relative_error(estimate, exact), 1e-17))  # a log axis has no 0
    return errors


def step_size_figure(errors, steps=STEPS, *, title="Finite-difference error against the step"):
    """Log-log curves of :func:`step_size_errors`, the best step of each marked."""
    validate.curves("errors", errors)
    steps = validate.finite_array("steps", steps)
    if any(len(values) != len(steps) for values in errors.values()):
        raise ValueError(f"each curve of errors must have one value per step ({len(steps)}).")
    figure, ax = plots.new_figure(7.0, 3.8)
    for label, values in errors.items():
        (line,) = ax.plot(steps, values, marker=".", label=label)
        best = int(np.argmin(values))
        ax.plot(steps[best], values[best], "o", color=line.get_color(), markersize=9, fillstyle="none")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("step h")
    ax.set_ylabel("relative error of the derivative")
    ax.text(0.98, 0.04, "truncation →", transform=ax.transAxes, ha="right")
    ax.text(0.02, 0.04, "← round-off", transform=ax.transAxes, ha="left")
    ax.legend(loc="upper center")
    ax.set_title(title)
    return figure


def _depths(order):
    """Each value's column in the drawing: leaves at 0, every other value one right of its deepest child."""
    depth = {}
    for value in order:
        depth[id(value)] = 1 + max((depth[id(child)] for child in value.children), default=-1)
    return depth


def graph_figure(root, *, title="The computational graph"):
    """The graph of ``root`` drawn from the engine's own records: one box per :class:`Value`, arrows forward.

    Each box shows the value's label or operation, its ``data`` and its ``grad`` (run
    :meth:`Value.backward` first to see gradients). A value that feeds two or more
    places is drawn in orange: its gradient is the sum of what comes back along each arrow.
    """
    order = topological_order(root)
    depth = _depths(order)
    columns = {}
    for value in order:
        columns.setdefault(depth[id(value)], []).append(value)
    uses = {}
    for value in order:
        for child in value.children:
            uses[id(child)] = uses.get(id(child), 0) + 1
    height = max(len(column) for column in columns.values())
    figure, ax = plots.new_figure(max(6.0, 1.9 * len(columns)), max(2.6, 1.0 * height + 0.8))
    position = {}
    for column, values in columns.items():
        for row, value in enumerate(values):
            position[id(value)] = (column, (len(values) - 1) / 2 - row)  # each column centred on 0
    boxes = {}
    for value in order:
        name = value.label or value.operation or "leaf"
        shared = uses.get(id(value), 0) > 1
        boxes[id(value)] = ax.text(
            *position[id(value)], f"{name}\ndata {value.data:.3g}\ngrad {value.grad:.3g}", ha="center",
            va="center", fontsize=8, zorder=3, bbox={"boxstyle": "round", "facecolor": "#fdd49e" if shared else "#deebf7",
                                           "edgecolor": "#d95f0e" if shared else "#3182bd"})
    for value in order:
        for child in value.children:  # from the right edge of the child's box to the left edge of the value's
            ax.annotate("", xy=(0.0, 0.5), xycoords=boxes[id(value)], xytext=(1.0, 0.5),
                        textcoords=boxes[id(child)], arrowprops={"arrowstyle": "-|>", "color": "0.45"},
                        zorder=1)  # under the boxes it passes
    ax.set_xlim(-0.6, len(columns) - 0.4)
    ax.set_ylim(-height / 2 - 0.1, height / 2 + 0.1)
    ax.axis("off")
    ax.set_title(title)
    return figure


def kept_by_tape(compute):
    """The tensors a ``GradientTape`` keeps alive for its backward pass while ``compute()`` runs under it.

    Measured, not predicted: every object alive before is set aside (``gc.freeze``), so that
    Python's garbage collector lists only what is created after; ``compute()`` runs under a
    tape, and once Python's own references are gone (only its result is kept), the new
    tensors still alive are the ones the tape holds for ``tape.gradient``. Returns a list of
    ``(shape, dtype name, bytes)``, largest first.
    """
    if not callable(compute):
        raise TypeError(f"compute must be a function of no arguments, got {type(compute).__name__}.")
    gc.freeze()
    try:
        with tf.GradientTape() as tape:
            result = compute()
        gc.collect()  # only the objects made since the freeze
        kept = [(tuple(obj.shape), obj.dtype.name, int(obj.numpy().nbytes)) for obj in gc.get_objects()
                if isinstance(obj, tf.Tensor) and not isinstance(obj, tf.Variable) and obj is not result]
        del tape, result
    finally:
        gc.unfreeze()
    return sorted(kept, key=lambda entry: -entry[2])
