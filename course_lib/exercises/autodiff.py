"""Autodiff you build: your own reverse-mode ``Value`` class (chapter 01) and finite differences (chapter 02).

Both checks run the student's code on inputs drawn afresh at every call: random
expressions built with the student's class, random functions and points for the
finite differences. So no number shown in a chapter can pass, and the check compares
with the library's reference (:mod:`course_lib.autodiff`) and with ``GradientTape``.
"""

import numbers

import numpy as np
import tensorflow as tf

from course_lib import autodiff, checks, language

#: What your Value class may not use: the course's engine, and TensorFlow's differentiation.
VALUE_FORBIDDEN = ("course_lib.autodiff.Value", "course_lib.autodiff.topological_order", "tensorflow.GradientTape",
                   "tensorflow.gradients", "tensorflow.autodiff.ForwardAccumulator", "tensorflow.test.compute_gradient")

#: Each fresh expression has this many leaves and operations; the check builds this many of them.
NUM_LEAVES, NUM_OPERATIONS, NUM_EXPRESSIONS = 4, 12, 3


def _operation(rng, data):
    """One random operation on the values so far (their ``data``): ``(kind, operand, operand or number)``.

    Operands are drawn among all values, so some feed several places. Large values go
    through tanh, and the power's exponent depends on its base (a negative power or a square
    root only of values well away from 0), so that every expression stays finite.
    """
    first, second = (int(index) for index in rng.integers(len(data), size=2))
    if abs(data[first]) > 3:
        return ("tanh", first, None)
    kind = str(rng.choice(["add", "mul", "add_number", "mul_number", "pow", "tanh", "relu"]))
    if kind in ("add", "mul"):
        return (kind, first, second)
    if kind in ("add_number", "mul_number"):
        return (kind, first, round(float(rng.uniform(-2, 2)), 3))
    if kind == "pow":
        exponents = [2, 3] + ([-1] if abs(data[first]) > 0.5 else []) + ([0.5] if data[first] > 0.5 else [])
        return (kind, first, exponents[int(rng.integers(len(exponents)))])
    return (kind, first, None)


def build(program, leaf, tanh, relu):
    """Run ``program`` with any engine: ``leaf(number)`` makes an input, ``tanh``/``relu`` apply those functions.

    ``program`` is ``(leaves, operations)`` from :func:`random_program`. Returns every
    value in program order; the last one is the output, the sum of every value that feeds
    nothing else, so that every value reaches it.
    """
    leaves, operations = program
    values = [leaf(number) for number in leaves]
    used = set()
    for kind, first, other in operations:
        a = values[first]
        used.add(first)
        if kind in ("add", "mul"):
            used.add(other)
        values.append({"add": lambda: a + values[other], "mul": lambda: a * values[other],
                       "add_number": lambda: a + other, "mul_number": lambda: a * other,
                       "pow": lambda: a ** other, "tanh": lambda: tanh(a), "relu": lambda: relu(a)}[kind]())
    output = None
    for index, value in enumerate(values):
        if index not in used:
            output = value if output is None else output + value
    values.append(output)
    return values


def _parents(program):
    """How many operations use each value (a square ``a * a`` counts twice)."""
    leaves, operations = program
    counts = [0] * (len(leaves) + len(operations))
    for kind, first, other in operations:
        counts[first] += 1
        if kind in ("add", "mul"):
            counts[other] += 1
    return counts


def _reference(program):
    """The program built with the course's engine, gradients filled by its ``backward()``."""
    values = build(program, autodiff.Value, autodiff.Value.tanh, autodiff.Value.relu)
    values[-1].backward()
    return values


def _order_matters(program):
    """Whether a backward pass that recurses into the children at once, without a topological order, goes wrong here.

    Such a pass hands a shared value's gradient on before it holds every share of it; that
    gives the right answer anyway when all but one share are 0 (a ReLU that is off).
    """
    values = _reference(program)
    right = [value.grad for value in values]
    for value in autodiff.topological_order(values[-1]):
        value.grad = 0.0
    values[-1].grad = 1.0

    def recurse(value):
        value._local_backward()
        for child in value.children:
            recurse(child)
    recurse(values[-1])
    return not np.allclose([value.grad for value in values], right, rtol=1e-6, atol=1e-9)


def random_program(rng, num_leaves=NUM_LEAVES, num_operations=NUM_OPERATIONS):
    """A random expression: leaf values in [−2, 2] and operations, redrawn until it tests what it must.

    It must hold a product of a value with itself and a value made by an operation that
    feeds two others (a shared inner node), so that a backward pass that assigns gradients
    instead of adding them fails on it, and one that walks the graph without a topological
    order must give wrong gradients on it (:func:`_order_matters`).
    """
    while True:
        leaves = [round(float(number), 3) for number in rng.uniform(-2, 2, num_leaves)]
        data, operations = list(leaves), []
        for _ in range(num_operations):
            kind, first, other = _operation(rng, data)
            operations.append((kind, first, other))
            # the new value's data, in plain floats ([-1] is the output, the value before it the new one)
            data.append(build((leaves, operations), float, np.tanh, lambda a: max(a, 0.0))[-2])
        program = (leaves, operations)
        counts = _parents(program)
        squares = any(kind == "mul" and first == other for kind, first, other in operations)
        shared_inner = any(count >= 2 for count in counts[num_leaves:])
        if squares and shared_inner and all(np.isfinite(data)) and _order_matters(program):
            return program


def _describe(program, index):
    """A value of the program in words, for a message: "the tanh value that feeds 2 others"."""
    leaves, operations = program
    if index >= len(leaves) + len(operations):
        return "the output"
    counts = _parents(program)
    kind = "leaf" if index < len(leaves) else operations[index - len(leaves)][0].replace("_number", " of a number")
    feeds = f" that feeds {counts[index]} operations" if counts[index] > 1 else ""
    return f"a {kind} value{feeds}"


def tape_gradients(program):
    """The program's output and the gradient of every leaf, by ``GradientTape`` in float64."""
    leaves = [tf.Variable(number, dtype=tf.float64) for number in program[0]]
    unused = iter(leaves)
    with tf.GradientTape() as tape:
        output = build(program, lambda number: next(unused), tf.tanh, tf.nn.relu)[-1]
    gradients = tape.gradient(output, leaves, unconnected_gradients=tf.UnconnectedGradients.ZERO)
    return float(output), [float(gradient) for gradient in gradients]


def _run(value_class, program):
    """Build ``program`` with the student's class, call ``backward()`` on the output; ``(data, grad)`` of each value."""
    values = build(program, value_class, lambda a: a.tanh(), lambda a: a.relu())
    values[-1].backward()
    return [(value.data, value.grad) for value in values]


def _plain(number):
    return isinstance(number, numbers.Real) and not isinstance(number, bool)


def _judge_value_class(result, program, reference, tape):
    """None when every data and grad matches the reference engine and the tape, else the first problem."""
    if not all(_plain(data) and _plain(grad) for data, grad in result):
        data, grad = next((data, grad) for data, grad in result if not (_plain(data) and _plain(grad)))
        return (f"data and grad must be plain Python numbers, got {type(data).__name__} and {type(grad).__name__}: "
                "the engine computes with floats, without TensorFlow.")
    tape_output, tape_leaf_gradients = tape
    for index, ((data, _), (wanted, _)) in enumerate(zip(result, reference)):
        if not np.isclose(data, wanted, rtol=1e-9, atol=1e-12):
            return f"the data of {_describe(program, index)} is {data:.6g}, where the operation gives {wanted:.6g}."
    if not np.isclose(result[-1][0], tape_output, rtol=1e-9, atol=1e-12):
        return f"the output's data is {result[-1][0]:.6g} where GradientTape's forward pass gives {tape_output:.6g}."
    gradients = np.array([grad for _, grad in result], dtype=np.float64)
    if not np.any(gradients):
        return "every grad is 0 after backward(): did the output's own gradient start the backward pass?"
    counts = _parents(program) + [0]  # the output feeds nothing
    for index in reversed(range(len(result))):  # from the output back, as the gradients flow
        grad, wanted = result[index][1], reference[index][1]
        if not np.isclose(grad, wanted, rtol=1e-6, atol=1e-9):
            shared = ("; it feeds several operations: does its grad hold what comes back from every one of them "
                      "by the time it passes its own on?") if counts[index] > 1 else ""
            return f"the grad of {_describe(program, index)} is {grad:.6g}, where the chain rule gives {wanted:.6g}{shared}"
    leaf_gradients = gradients[:len(program[0])]
    if autodiff.relative_error(leaf_gradients, tape_leaf_gradients) > 1e-6:
        return "the leaves' gradients differ from GradientTape's on the same numbers."
    return None


def check_value_class(value_class):
    """Your ``Value`` class: ``Value(number)``, ``+``, ``*`` (with a Value or a number on the right), ``**`` a number,
    ``.tanh()``, ``.relu()``, ``.data``, ``.grad`` and ``.backward()``.

    The check builds :data:`NUM_EXPRESSIONS` random expressions with your class (fresh at
    every call, each with a value that feeds two places and a value multiplied by itself),
    calls ``backward()`` on each output and compares every value's ``data`` and ``grad`` with
    the course's engine and the leaves' gradients with ``GradientTape`` in float64. The
    course's engine and TensorFlow's differentiation (:data:`VALUE_FORBIDDEN`) raise while
    your class runs.
    """
    name = "your Value class"
    hint = ("start from a class whose __init__ stores data, grad = 0.0, the children and a function that passes "
            "the gradient back; give each operation its local derivative, then write backward().")
    if checks.is_not_attempted(value_class):
        return checks.not_attempted(name, hint)
    if isinstance(value_class, type) and issubclass(value_class, autodiff.Value):
        return checks.fail(name, "that is the course's own Value (or built on it); write your class yourself.")
    rng = np.random.default_rng()
    cases = []
    for _ in range(NUM_EXPRESSIONS):
        program = random_program(rng)
        reference = [(value.data, value.grad) for value in _reference(program)]
        cases.append((program, reference, tape_gradients(program)))
    for number, (program, reference, tape) in enumerate(cases, start=1):
        result, verdict = checks.call_answer(name, value_class, program, hint=hint, run=_run,
                                             forbidden=VALUE_FORBIDDEN)
        if verdict is not None:
            return verdict
        problem = _judge_value_class(result, program, reference, tape)
        if problem is not None:
            return checks.fail(name, f"on test expression {number} of {len(cases)}: {problem}")
    language.show(f"✓ {name}: values and gradients right on {len(cases)} fresh expressions "
          f"({NUM_OPERATIONS} operations each), as the course's engine and GradientTape give them.")
    return checks.Verdict(True)


#: What your finite differences may not use: the course's own, and TensorFlow's gradient checker.
DIFFERENCES_FORBIDDEN = ("course_lib.autodiff.numerical_gradient", "course_lib.autodiff.gradient_check",
                         "tensorflow.test.compute_gradient", "tensorflow.GradientTape")

#: The largest relative error accepted: central differences in float64 with a good step reach about 1e-10.
DIFFERENCES_TOLERANCE = 1e-6


def _difference_cases(rng):
    """Three functions of a float64 array, each with a point drawn afresh and its gradient worked out by hand."""
    scale = rng.uniform(0.5, 2.0)
    vector = rng.uniform(-1.5, 1.5, 5)
    matrix = rng.normal(0.0, 1.0, (3, 4))
    weights = rng.normal(0.0, 1.0, (3, 4))
    point = rng.uniform(-1.0, 1.0, 4)

    def log_sum_exp(x):
        return np.log(np.sum(np.exp(weights @ x)))

    def softmax_gradient(x):
        p = np.exp(weights @ x) / np.sum(np.exp(weights @ x))
        return weights.T @ p
    def squares_and_a_product(x):
        return np.sum(np.tanh(x) ** 2) + x[0, 0] * x[1, 1]

    def squares_and_a_product_gradient(x):
        gradient = 2 * np.tanh(x) * (1 - np.tanh(x) ** 2)
        gradient[0, 0] += x[1, 1]
        gradient[1, 1] += x[0, 0]
        return gradient
    return [(lambda x: np.sum(np.sin(scale * x) * x), vector,
             lambda x: scale * np.cos(scale * x) * x + np.sin(scale * x)),
            (squares_and_a_product, matrix, squares_and_a_product_gradient),
            (log_sum_exp, point, softmax_gradient)]


def _judge_differences(result, x_before, x_after, exact):
    if not np.array_equal(x_before, x_after):
        return "your function changed x: put every entry back after its two evaluations of f."
    problem = checks.kind_problem(result)
    if problem is not None:
        return problem
    given = checks.as_array(result)
    if given.shape != exact.shape:
        return f"return one derivative per entry of x, shape {exact.shape}; got shape {given.shape}."
    error = autodiff.relative_error(given, exact)
    if error <= DIFFERENCES_TOLERANCE:
        return None
    if not np.any(given):
        return "every entry is 0: does f change at all between your two evaluations?"
    return (f"relative error {error:.1e}, where {DIFFERENCES_TOLERANCE:.0e} is expected: plot your error against the "
            "step, as the chapter's figure does, and look at which side of the minimum you are on; check the "
            "dtype you compute in.")


def check_numerical_gradient(numerical_gradient):
    """Your ``numerical_gradient(f, x)``: the gradient of the number ``f(x)`` at the float64 array ``x``, by finite
    differences, with a step of your choice.

    The check calls it on three functions with points drawn afresh at every call (a vector,
    a matrix and a log-sum-exp), compares with the gradients worked out by hand to a relative
    error of :data:`DIFFERENCES_TOLERANCE`, and checks that ``x`` is left as it was.
    """
    name = "numerical_gradient(f, x)"
    hint = "perturb one entry of x at a time, by a small step up and down, and divide the change of f by the distance."
    if checks.is_not_attempted(numerical_gradient):
        return checks.not_attempted(name, hint)
    cases = []
    for f, point, gradient in _difference_cases(np.random.default_rng()):
        x = point.copy()
        cases.append(((f, x), lambda result, x=x, point=point, gradient=gradient:
                      _judge_differences(result, point, x, gradient(point))))
    given = checks.handed_in(numerical_gradient, DIFFERENCES_FORBIDDEN)
    if given:
        return checks.fail(name, f"that is {given}, the course's own; write yours.")
    return checks.check_function(name, numerical_gradient, cases, hint=hint, forbidden=DIFFERENCES_FORBIDDEN)
