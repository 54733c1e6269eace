"""Tensors (张量): the broadcasting rule, spelled out axis by axis.

When two tensors of different shapes meet in ``+``, ``*`` or another elementwise
operation, TensorFlow (like NumPy) *broadcasts* them to one shape:

1. line the shapes up on the right, padding the shorter one with 1s on the left;
2. on each axis the sizes must be equal, or one of them must be 1, which is
   stretched (repeated) to the other size;
3. otherwise the shapes are incompatible and the operation fails.

:func:`explain_broadcast` applies the rule and says what happened on each axis,
for chapter 01's shape explorer. It only works on shapes, so it is instant.
"""

import re

from course_lib import validate

#: What can happen on one axis.
EQUAL, STRETCHED_A, STRETCHED_B, CONFLICT = "equal", "stretch A", "stretch B", "conflict"


def parse_shape(text):
    """A shape typed as ``"4, 1, 3"``, ``"(4, 1, 3)"`` or ``"[4 1 3]"`` as a tuple of ints; ``""`` is a scalar."""
    if not isinstance(text, str):
        raise ValueError(f"a shape is written as text such as '4, 3', got {text!r}.")
    stripped = text.strip().strip("()[]").strip()
    parts = [part for part in re.split(r"[,\s]+", stripped) if part]
    if not all(part.isdecimal() for part in parts):  # isdigit() also takes "²", which int() refuses
        raise ValueError(f"{text!r} is not a shape: write sizes as whole numbers separated by commas, "
                         "such as 4, 1, 3 (or nothing for a scalar).")
    return tuple(validate.positive_int("a size", int(part)) for part in parts)


def explain_broadcast(shape_a, shape_b):
    """Apply the broadcasting rule to two shapes (tuples of sizes, or text for :func:`parse_shape`).

    Returns a dict: ``a`` and ``b`` padded on the left with 1s to the same length,
    ``padded_a`` and ``padded_b`` (how many 1s each got), ``axes`` (what happened on
    each axis: "equal", "stretch A", "stretch B" or "conflict"), ``result`` (the
    broadcast shape, or None when incompatible) and ``conflicts`` (axis indexes).
    """
    shape_a = parse_shape(shape_a) if isinstance(shape_a, str) else _sizes(shape_a)
    shape_b = parse_shape(shape_b) if isinstance(shape_b, str) else _sizes(shape_b)
    rank = max(len(shape_a), len(shape_b))
    a = (1,) * (rank - len(shape_a)) + shape_a
    b = (1,) * (rank - len(shape_b)) + shape_b
    axes, result = [], []
    for size_a, size_b in zip(a, b):
        if size_a == size_b:
            axes.append(EQUAL)
        elif size_a == 1:
            axes.append(STRETCHED_A)
        elif size_b == 1:
            axes.append(STRETCHED_B)
        else:
            axes.append(CONFLICT)
        result.append(max(size_a, size_b))
    conflicts = [axis for axis, outcome in enumerate(axes) if outcome == CONFLICT]
    return {"shape_a": shape_a, "shape_b": shape_b, "a": a, "b": b,
            "padded_a": rank - len(shape_a), "padded_b": rank - len(shape_b),
            "axes": axes, "conflicts": conflicts,
            "result": None if conflicts else tuple(result)}


def _sizes(shape):
    return tuple(validate.positive_int("a size", size) for size in shape)


def describe(explanation):
    """One phrase per axis that is not simply equal, for a caption: what broadcasting did there."""
    validate.result("explanation", explanation, ("axes", "a", "b", "padded_a", "padded_b"))
    notes = []
    for axis, (outcome, size_a, size_b) in enumerate(zip(explanation["axes"], explanation["a"], explanation["b"])):
        if outcome == STRETCHED_A:
            notes.append(f"axis {axis}: A's {_one(axis, explanation['padded_a'])} is stretched to {size_b}")
        elif outcome == STRETCHED_B:
            notes.append(f"axis {axis}: B's {_one(axis, explanation['padded_b'])} is stretched to {size_a}")
        elif outcome == CONFLICT:
            notes.append(f"axis {axis}: {size_a} and {size_b} differ and neither is 1")
    return notes


def _one(axis, padded):
    return "padded 1" if axis < padded else "size 1"
