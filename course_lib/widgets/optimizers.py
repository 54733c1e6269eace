"""Chapter 07's optimizer race panel (优化器赛跑).

The race runs the five course-form optimizers of :mod:`course_lib.optimizers`
from the same start on a 2-D surface and draws their paths over the contour
lines, beside their loss curves.
"""

from collections import OrderedDict
from functools import lru_cache

import contourpy
import ipywidgets as widgets
import numpy as np

from course_lib import optimizers
from course_lib.widgets import chart
from course_lib.widgets.controls import show_only_for
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


#: Losses are drawn above the surface's minimum on a log scale, floored here where a method reaches it exactly.
LOSS_FLOOR = 1e-12
_METHOD_COLORS = {"scale": {"domain": list(optimizers.NAMES), "range": ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728",
                                                                 "#9467bd"]},
                  "title": "method"}

#: A five-pointed star (Vega's "star" shape is four-pointed): filled at the minimum, hollow at a local one.
STAR = "M0,-1.2L0.3,-0.4L1.15,-0.4L0.45,0.15L0.7,1L0,0.5L-0.7,1L-0.45,0.15L-1.15,-0.4L-0.3,-0.4Z"

#: The race's chart: paths over the surface's contour lines (left), loss against step (right).
RACE_SPEC = {
    "$schema": chart.SCHEMA,
    # the plotting window of the surface shown, read from the "window" data: paths that leave it are clipped
    "params": [{"name": "window_x", "expr": "length(data('window')) ? pluck(data('window'), 'x') : [0, 1]"},
               {"name": "window_y", "expr": "length(data('window')) ? pluck(data('window'), 'y') : [0, 1]"},
               {"name": "shown_surface", "expr": "length(data('window')) ? data('window')[0].surface : ''"}],
    "hconcat": [
        {"width": 380, "height": 300, "title": "paths from the start ○ to the minimum ★ (☆: a local minimum)",
         "encoding": {"x": {"field": "x", "type": "quantitative", "title": "x",
                            "scale": {"domain": {"expr": "window_x"}, "nice": False}},
                      "y": {"field": "y", "type": "quantitative", "title": "y",
                            "scale": {"domain": {"expr": "window_y"}, "nice": False}}},
         "layer": [
             {"data": {"name": "window"}, "mark": {"type": "point", "opacity": 0}},
             {"data": {"name": "contours"}, "transform": [{"filter": "datum.surface === shown_surface"}],
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
                                     "scale": {"domain": ["start", "minimum", "local minimum"],
                                               "range": ["circle", STAR, STAR]}},
                           "fill": {"field": "landmark", "legend": None,
                                    "scale": {"domain": ["start", "minimum", "local minimum"],
                                              "range": ["transparent", "black", "transparent"]}}}},
         ],
         "resolve": {"scale": {"shape": "independent", "color": "shared"}}},
        {"data": {"name": "runs"}, "width": 320, "height": 300, "title": "loss above the minimum against step",
         "mark": {"type": "line", "strokeWidth": 1.6},
         "encoding": {"x": {"field": "step", "type": "quantitative", "title": "step t"},
                      "y": {"field": "loss", "type": "quantitative", "title": "f(x, y) − f(★) (log scale)",
                            "scale": {"type": "log"}, "axis": {"format": ".0e"}},
                      "color": {"field": "method", **_METHOD_COLORS}}},
    ],
    "config": {"legend": {"orient": "right"}},
}


@lru_cache(maxsize=None)
def contour_rows():
    """Contour lines of every surface at 12 geometric levels, as chart rows with their surface's name.

    One dataset for all surfaces, the same in every state of the panel, so its table stores
    it once; the chart shows the lines of the surface whose name the ``window`` data holds.
    """
    rows, line = [], 0
    for surface in optimizers.SURFACES.values():
        xs = np.linspace(*surface.x_range, 60)
        ys = np.linspace(*surface.y_range, 60)
        grid_x, grid_y = np.meshgrid(xs, ys)
        values = surface.function((grid_x, grid_y))
        tracer = contourpy.contour_generator(grid_x, grid_y, values - values.min())
        for level in np.geomspace(1e-3, values.max() - values.min(), 12):
            for points in tracer.lines(level):
                rows += chart.rows(x=points[:, 0], y=points[:, 1], surface=surface.name, line=line,
                                   order=np.arange(len(points)), digits=3)
                line += 1
    return rows


def draw_race(result):
    """The paths over the contour lines and the loss of each method against the step, as chart data.

    Each step of each method is one row of ``runs`` (its point and its loss), which both
    halves of the chart draw; the surface's datasets are the panel's backdrop. A race drawn
    before is drawn from memory (with each method at its best, the panel's table holds the
    same race for every learning rate of the slider).
    """
    key = (result["surface"].name, result["lr_choice"], result["beta1"], result["beta2"], result["num_steps"],
           result["learning_rate"] if result["lr_choice"] == "one for all" else None)
    if key not in _DRAWN:
        _DRAWN[key] = _draw_race(result)
        if len(_DRAWN) > MAX_DRAWN:
            _DRAWN.popitem(last=False)
    datasets, caption = _DRAWN[key]
    return dict(datasets), caption  # a copy: the panel takes its backdrop out of it


#: The races drawn last (a panel's table holds up to 126), the oldest forgotten first.
MAX_DRAWN = 512
_DRAWN = OrderedDict()


def _draw_race(result):
    surface = result["surface"]
    lowest = surface.function(surface.minimum)
    runs, ends = [], []
    for name, run in result["runs"].items():
        points = run["points"]
        runs += chart.rows(step=np.arange(len(points)), method=name, x=points[:, 0], y=points[:, 1],
                           loss=np.maximum(run["losses"] - lowest, LOSS_FLOOR), digits=3)
        ends += chart.rows(method=[name], x=points[-1:, 0], y=points[-1:, 1],
                           outcome=["diverged after this" if run["diverged"] else "after the last step"])
    landmarks = {"start": surface.start, "minimum": surface.minimum}
    if surface.local_minimum is not None:
        landmarks["local minimum"] = surface.local_minimum
    datasets = {
        "contours": contour_rows(),
        "window": chart.rows(x=surface.x_range, y=surface.y_range, surface=surface.name),
        "landmarks": chart.rows(landmark=list(landmarks), x=[point[0] for point in landmarks.values()],
                                y=[point[1] for point in landmarks.values()]),
        "runs": runs, "ends": ends,
    }
    return datasets, race_caption(result)


def optimizer_race_panel(surface="ravine", learning_rate=0.316227766, beta1=0.9, beta2=0.99, num_steps=100,
                         lr_choice="one for all"):
    """Surface, learning rate (one for all, or each its best), β1, β2 and steps → the five paths and loss curves.

    The surface, the learning rate (the 21 rates of ``optimizers.RACE_LEARNING_RATES``, four
    per decade) and the choice of rate answer without a kernel: their 66 distinct states are
    tabulated as the panel is built (the runs they share are computed once). β1, β2 and the
    number of steps need the kernel, which tabulates again when one of them is let go:
    a grid of all five controls would take tens of megabytes (about 10 kB per state at 100
    steps). The learning-rate slider is there only while one rate is for all; with each
    method at its own best, a note says why it is gone.
    """
    controls = {
        "surface": widgets.Dropdown(options=list(optimizers.SURFACES), value=surface,
                                    description="function"),
        "learning_rate": widgets.FloatLogSlider(value=learning_rate, base=10, min=-4, max=1,
                                                step=0.25, description="lr (学习率)",
                                                readout_format=".3g"),
        "beta1": widgets.FloatSlider(value=beta1, min=0.0, max=0.99, step=0.01, continuous_update=False,
                                     description="β1 (SGDM, Adam)"),
        "beta2": widgets.FloatSlider(value=beta2, min=0.5, max=0.999, step=0.001, continuous_update=False,
                                     description="β2 (RMSProp, Adam)", readout_format=".3f"),
        "num_steps": widgets.IntSlider(value=num_steps, min=10, max=500, step=10, continuous_update=False,
                                       description="steps"),
        # last: choosing "each its best" hides the learning rate, and no control below it moves up
        "lr_choice": widgets.ToggleButtons(options=list(optimizers.LEARNING_RATE_CHOICES), value=lr_choice,
                                           description="lr for"),
    }
    for control in controls.values():
        control.style.description_width = "120px"
    panel = Panel("Optimizer race (优化器赛跑)", controls, optimizers.race, draw_race, spec=RACE_SPEC,
                  offline=("surface", "lr_choice", "learning_rate"),
                  backdrop=("contours", "window", "landmarks"),
                  explanation="Five optimizers start at ○ and race to the minimum ★, with the "
                              "same learning rate or each with the rate (of 21 from 1e-4 to 10) that "
                              "ends lowest. β1 is SGDM's β and Adam's β1; β2 is "
                              "RMSProp's β and Adam's β2. The function, lr and lr for work without a "
                              "kernel; β1, β2 and steps need the cell run.")
    show_only_for(panel, "learning_rate", "lr_choice", "one for all",
                  "each method runs at its own best rate, so none is set here")
    return panel
