"""Chapter 01's panel: a broadcasting shape explorer (广播机制).

Its shapes are typed as text, which cannot be tabulated in advance: the panel
needs its kernel (``offline=False``), and the chart is drawn in the browser.
"""

import ipywidgets as widgets

from course_lib import tensors
from course_lib.widgets import chart
from course_lib.widgets.panel import Panel

#: What a box's colour says about its axis, and the colour, in legend order.
ROLES = {"kept": "#cfe8cf", "size 1 stretched": "#ffd59e", "1 padded on the left": "#e6e6e6",
         "conflict": "#f4a6a6"}
#: The rows of the figure, top to bottom.
ROWS = ["A", "B", "result"]


def _role(row, axis, explanation):
    """The role (a key of ROLES) of one box: the size of ``row`` on ``axis``."""
    outcome = explanation["axes"][axis]
    if outcome == tensors.CONFLICT:
        return "conflict"
    stretched = {"A": tensors.STRETCHED_A, "B": tensors.STRETCHED_B}.get(row)
    if row != "result" and outcome == stretched:
        padded = explanation["padded_a" if row == "A" else "padded_b"]
        return "1 padded on the left" if axis < padded else "size 1 stretched"
    return "kept"


#: One box per axis and row, coloured by its role, with the size written in it.
BROADCAST_SPEC = {
    "$schema": chart.SCHEMA, "data": {"name": "boxes"},
    "width": {"step": 72}, "height": {"step": 46},
    "title": "The shapes lined up on the right, one box per axis",
    "encoding": {
        "x": {"field": "axis", "type": "ordinal", "title": None,
              "axis": {"orient": "top", "labelAngle": 0, "labelFontSize": 13, "domain": False, "ticks": False}},
        "y": {"field": "row", "type": "ordinal", "sort": ROWS, "title": None,
              "axis": {"labelFontSize": 14, "labelFontWeight": "bold", "domain": False, "ticks": False}},
    },
    "layer": [
        {"mark": {"type": "rect", "stroke": "black", "strokeWidth": 1, "cornerRadius": 3},
         "encoding": {"color": {"field": "role", "type": "nominal", "title": "what happens to the axis",
                                "scale": {"domain": list(ROLES), "range": list(ROLES.values())},
                                "legend": {"orient": "bottom", "direction": "horizontal", "columns": 2,
                                           "symbolType": "square", "symbolStrokeColor": "black",
                                           "symbolStrokeWidth": 1}}}},
        {"mark": {"type": "text", "fontSize": 16},
         "encoding": {"text": {"field": "size", "type": "nominal"}}},
    ],
    "config": {"view": {"stroke": None}, "legend": {"labelLimit": 0}},
}


def draw_broadcast(explanation):
    """The two shapes aligned on the right, one box per axis, and the result; the caption says why."""
    rank = len(explanation["a"])
    sizes_by_row = {"A": explanation["a"], "B": explanation["b"],
                    "result": explanation["result"] or ("?",) * rank}
    boxes = [{"row": row, "axis": f"axis {axis}", "size": str(size),
              "role": "conflict" if size == "?" else _role(row, axis, explanation)}
             for row, sizes in sizes_by_row.items() for axis, size in enumerate(sizes)]
    notes = tensors.describe(explanation)
    shapes = f"A {explanation['shape_a']} + B {explanation['shape_b']}"
    if explanation["result"] is None:
        caption = f"{shapes}: <b>incompatible</b>; " + "; ".join(
            note for note in notes if "differ" in note) + ". TensorFlow raises InvalidArgumentError."
    else:
        caption = (f"{shapes} → result shape <b>{explanation['result']}</b>"
                   + (": " + "; ".join(notes) if notes else ": the shapes already match") + ".")
    return {"boxes": boxes}, caption


def broadcast_panel(shape_a="128, 256", shape_b="256"):
    """Two shapes typed as text; the aligned axes, what is stretched, and the result follow as you type.

    Kernel-only: a text box can hold any shape, so its states cannot be tabulated.
    """
    controls = {
        "shape_a": widgets.Text(value=shape_a, description="shape A", placeholder="e.g. 4, 1, 3"),
        "shape_b": widgets.Text(value=shape_b, description="shape B", placeholder="e.g. 2, 1"),
    }
    return Panel("Broadcasting shape explorer (广播)", controls, tensors.explain_broadcast, draw_broadcast,
                 spec=BROADCAST_SPEC,
                 explanation="Type two shapes. The default is the bias add of chapter 02: "
                             "x @ w1 has shape (128, 256), b1 has shape (256,).")
