"""Chapter 01's panel: a broadcasting shape explorer (广播机制)."""

import ipywidgets as widgets
from matplotlib.patches import Rectangle

from course_lib import tensors
from course_lib.plots import new_figure
from course_lib.widgets.panel import Panel

#: Cell colours: a size kept as it is, a 1 that is stretched, a 1 padded on the left, a conflict.
COLOURS = {"kept": "#cfe8cf", "stretched": "#ffd59e", "padded": "#e6e6e6", "conflict": "#f4a6a6"}


def _cell_colour(row, axis, explanation):
    outcome = explanation["axes"][axis]
    if outcome == tensors.CONFLICT:
        return COLOURS["conflict"]
    stretched = {"A": tensors.STRETCHED_A, "B": tensors.STRETCHED_B}.get(row)
    if row != "result" and outcome == stretched:
        padded = explanation["padded_a" if row == "A" else "padded_b"]
        return COLOURS["padded"] if axis < padded else COLOURS["stretched"]
    return COLOURS["kept"]


def draw_broadcast(explanation):
    """The two shapes aligned on the right, one box per axis, and the result; the caption says why."""
    rank = len(explanation["a"])
    rows = [("A", explanation["a"]), ("B", explanation["b"]),
            ("result", explanation["result"] or ("?",) * rank)]
    figure, ax = new_figure(1.2 * max(rank, 1) + 2.2, 2.6)
    for row_index, (row, sizes) in enumerate(rows):
        y = len(rows) - 1 - row_index
        ax.text(-0.15, y + 0.45, row, ha="right", va="center", fontsize=12, fontweight="bold")
        for axis, size in enumerate(sizes):
            colour = _cell_colour(row, axis, explanation) if size != "?" else COLOURS["conflict"]
            ax.add_patch(Rectangle((axis + 0.05, y + 0.05), 0.9, 0.8, facecolor=colour, edgecolor="black"))
            ax.text(axis + 0.5, y + 0.45, str(size), ha="center", va="center", fontsize=13)
    ax.set_xlim(-1.2, max(rank, 1))
    ax.set_ylim(0, len(rows))
    ax.set_xticks([axis + 0.5 for axis in range(rank)], [f"axis {axis}" for axis in range(rank)])
    ax.set_yticks([])
    ax.grid(False)
    ax.set_title("green: kept, orange: size 1 stretched, grey: 1 padded on the left, red: conflict",
                 fontsize=9)
    notes = tensors.describe(explanation)
    shapes = f"A {explanation['shape_a']} + B {explanation['shape_b']}"
    if explanation["result"] is None:
        caption = f"{shapes}: <b>incompatible</b>; " + "; ".join(
            note for note in notes if "differ" in note) + ". TensorFlow raises InvalidArgumentError."
    else:
        caption = (f"{shapes} → result shape <b>{explanation['result']}</b>"
                   + (": " + "; ".join(notes) if notes else ": the shapes already match") + ".")
    return figure, caption


def broadcast_panel(shape_a="128, 256", shape_b="256"):
    """Two shapes typed as text; the aligned axes, what is stretched, and the result follow as you type."""
    controls = {
        "shape_a": widgets.Text(value=shape_a, description="shape A", placeholder="e.g. 4, 1, 3"),
        "shape_b": widgets.Text(value=shape_b, description="shape B", placeholder="e.g. 2, 1"),
    }
    return Panel("Broadcasting shape explorer (广播)", controls, tensors.explain_broadcast, draw_broadcast,
                 explanation="Type two shapes. The default is the bias add of chapter 02: "
                             "x @ w1 has shape (128, 256), b1 has shape (256,).")
