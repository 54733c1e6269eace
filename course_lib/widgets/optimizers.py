"""Chapter 07's optimizer race panel (优化器赛跑).

The race runs the five course-form optimizers of :mod:`course_lib.optimizers`
from the same start on a 2-D surface and draws their paths over the contour
lines, beside their loss curves.
"""

from functools import lru_cache

import contourpy
import ipywidgets as widgets
import numpy as np

from course_lib import optimizers
from course_lib.widgets import chart
from course_lib.widgets.panel import Panel


def race_caption(result):
    """The final loss of each method after the race, and which diverged, as HTML."""
    each_its_best = result["lr_choice"] != "one for all"
    parts = []
    for name, run in result["runs"].items():
        rate = f" (lr {run['learning_rate']:g})" if each_its_best else ""
        if run["diverged"]:
            parts.append(f"{name}{rate} <b>diverged</b> at step {len(run['losses'])}")
        else:
            parts.append(f"{name}{rate} <b>{run['final_loss']:.4g}</b>")
    rate = "each its best lr" if each_its_best else f"lr {result['learning_rate']:g}"
    return (f"{result['surface'].name} {result['surface'].formula}: final loss after "
            f"{result['num_steps']} steps ({rate}, β1 {result['beta1']:g}, "
            f"β2 {result['beta2']:g}): " + ", ".join(parts))


#: Losses are drawn on a log scale, floored here where a method reaches the minimum exactly.
LOSS_FLOOR = 1e-12
_METHOD_COLORS = {"scale": {"domain": list(optimizers.NAMES), "range": ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728",
                                                                 "#9467bd"]},
                  "title": "method"}

#: The race's chart: paths over the surface's contour lines (left), loss against step (right).
RACE_SPEC = {
    "$schema": chart.SCHEMA,
    # the plotting window of the surface shown, read from the "window" data: paths that leave it are clipped
    "params": [{"name": "window_x", "expr": "length(data('window')) ? pluck(data('window'), 'x') : [0, 1]"},
               {"name": "window_y", "expr": "length(data('window')) ? pluck(data('window'), 'y') : [0, 1]"}],
    "hconcat": [
        {"width": 380, "height": 300, "title": "paths from the start ○ to the minimum ★",
         "encoding": {"x": {"field": "x", "type": "quantitative", "title": "x",
                            "scale": {"domain": {"expr": "window_x"}, "nice": False}},
                      "y": {"field": "y", "type": "quantitative", "title": "y",
                            "scale": {"domain": {"expr": "window_y"}, "nice": False}}},
         "layer": [
             {"data": {"name": "window"}, "mark": {"type": "point", "opacity": 0}},
             {"data": {"name": "contours"},
              "mark": {"type": "line", "color": "#999", "strokeWidth": 0.7, "opacity": 0.7, "clip": True},
              "encoding": {"detail": {"field": "line"}, "order": {"field": "order"}}},
             {"data": {"name": "runs"}, "mark": {"type": "line", "strokeWidth": 1.6, "clip": True},
              "encoding": {"color": {"field": "method", **_METHOD_COLORS},
                           "detail": {"field": "method"}, "order": {"field": "step"}}},
             {"data": {"name": "ends"}, "mark": {"type": "point", "filled": True, "size": 60, "clip": True},
              "encoding": {"color": {"field": "method", **_METHOD_COLORS},
                           "shape": {"field": "outcome", "title": "last point",
                                     "scale": {"domain": ["after the last step", "diverged after this"],
                                               "range": ["circle", "cross"]}}}},
             {"data": {"name": "landmarks"}, "mark": {"type": "point", "color": "black", "size": 220,
                                                      "strokeWidth": 2},
              "encoding": {"shape": {"field": "landmark", "legend": None,
                                     "scale": {"domain": ["start", "minimum"], "range": ["circle", "M0,-1.2L0.3,-0.4L1.15,-0.4L0.45,0.15L0.7,1L0,0.5L-0.7,1L-0.45,0.15L-1.15,-0.4L-0.3,-0.4Z"]}},
                           "fill": {"field": "landmark", "legend": None,
                                    "scale": {"domain": ["start", "minimum"], "range": ["transparent", "black"]}}}},
         ],
         "resolve": {"scale": {"shape": "independent", "color": "shared"}}},
        {"data": {"name": "runs"}, "width": 320, "height": 300, "title": "loss against step",
         "mark": {"type": "line", "strokeWidth": 1.6},
         "encoding": {"x": {"field": "step", "type": "quantitative", "title": "step t"},
                      "y": {"field": "loss", "type": "quantitative", "title": "loss f(x, y) (log scale)",
                            "scale": {"type": "log"}, "axis": {"format": ".0e"}},
                      "color": {"field": "method", **_METHOD_COLORS}}},
    ],
    "config": {"legend": {"orient": "right"}},
}


@lru_cache(maxsize=None)
def contour_rows(name):
    """Contour lines of the surface ``name`` at 15 geometric levels, as chart rows (drawn once per surface)."""
    surface = optimizers.SURFACES[name]
    xs = np.linspace(*surface.x_range, 100)
    ys = np.linspace(*surface.y_range, 100)
    grid_x, grid_y = np.meshgrid(xs, ys)
    values = surface.function((grid_x, grid_y))
    tracer = contourpy.contour_generator(grid_x, grid_y, values)
    rows, line = [], 0
    for level in np.geomspace(max(values.min(), 1e-3), values.max(), 15):
        for points in tracer.lines(level):
            rows += chart.rows(x=points[:, 0], y=points[:, 1], line=line, order=np.arange(len(points)))
            line += 1
    return rows


def draw_race(result):
    """The paths over the contour lines and the loss of each method against the step, as chart data.

    Each step of each method is one row of ``runs`` (its point and its loss), which both
    halves of the chart draw; the surface's datasets are the panel's backdrop.
    """
    surface = result["surface"]
    runs, ends = [], []
    for name, run in result["runs"].items():
        points = run["points"]
        runs += chart.rows(step=np.arange(len(points)), method=name, x=points[:, 0], y=points[:, 1],
                           loss=np.maximum(run["losses"], LOSS_FLOOR))
        ends += chart.rows(method=[name], x=points[-1:, 0], y=points[-1:, 1],
                           outcome=["diverged after this" if run["diverged"] else "after the last step"])
    datasets = {
        "contours": contour_rows(surface.name),
        "window": chart.rows(x=surface.x_range, y=surface.y_range),
        "landmarks": chart.rows(landmark=["start", "minimum"], x=[surface.start[0], surface.minimum[0]],
                                y=[surface.start[1], surface.minimum[1]]),
        "runs": runs, "ends": ends,
    }
    return datasets, race_caption(result)


def optimizer_race_panel(surface="ravine", learning_rate=0.4, beta1=0.9, beta2=0.99, num_steps=100,
                         lr_choice="one for all"):
    """Surface, learning rate (one for all, or each its best), β1, β2 and steps → the five paths and loss curves.

    Cheap (five runs of a few hundred NumPy steps), so it redraws while dragging; the
    surface's contour lines are its backdrop, sent again only when the surface changes. It
    needs its kernel: five paths and loss curves take about 10 kB per state packed at 100
    steps and 85 kB at 1000, so even the few hundred states a coarse grid of lr, β1, β2 and
    steps would need take megabytes.
    """
    controls = {
        "surface": widgets.Dropdown(options=list(optimizers.SURFACES), value=surface,
                                    description="function"),
        "learning_rate": widgets.FloatLogSlider(value=learning_rate, base=10, min=-4, max=0,
                                                step=0.1, description="lr (学习率)",
                                                readout_format=".4f"),
        "lr_choice": widgets.ToggleButtons(options=list(optimizers.LEARNING_RATE_CHOICES), value=lr_choice,
                                           description="lr for"),
        "beta1": widgets.FloatSlider(value=beta1, min=0.0, max=0.99, step=0.01,
                                     description="β1 (SGDM, Adam)"),
        "beta2": widgets.FloatSlider(value=beta2, min=0.5, max=0.999, step=0.001,
                                     description="β2 (RMSProp, Adam)", readout_format=".3f"),
        "num_steps": widgets.IntSlider(value=num_steps, min=10, max=1000, step=10,
                                       description="steps"),
    }
    for control in controls.values():
        control.style.description_width = "120px"
    return Panel("Optimizer race (优化器赛跑)", controls, optimizers.race, draw_race, spec=RACE_SPEC,
                 backdrop=("contours", "window", "landmarks"),
                 explanation="Five optimizers start at ○ and race to the minimum ★, with the "
                             "same learning rate or each with the rate (of 17 from 1e-4 to 1) that "
                             "ends lowest. β1 is SGDM's β and Adam's β1; β2 is "
                             "RMSProp's β and Adam's β2.")
