"""Chapter 00's "try a widget" panel: fit a line to points by eye, the loss tells you how close you are."""

import ipywidgets as widgets

from course_lib.welcome import POINTS_X, POINTS_Y, line_fit
from course_lib.widgets import chart
from course_lib.widgets.panel import Panel

#: The chart: the points, the line and its errors, on fixed axes so the line visibly moves.
LINE_FIT_SPEC = {
    "$schema": chart.SCHEMA, "width": 360, "height": 240,
    "encoding": {"x": {"field": "x", "type": "quantitative", "title": "x"}},
    "layer": [
        {"data": {"name": "line"},
         "transform": [{"lookup": "x", "from": {"data": {"name": "points"}, "key": "x", "fields": ["y"]}}],
         "mark": {"type": "rule", "opacity": 0.6},
         "encoding": {"y": {"field": "y", "type": "quantitative"}, "y2": {"field": "prediction"},
                      "color": {"datum": "errors"}}},
        {"data": {"name": "line"}, "mark": {"type": "line", "strokeWidth": 2},
         "encoding": {"y": {"field": "prediction", "type": "quantitative"}, "color": {"datum": "line"}}},
        {"data": {"name": "points"}, "mark": {"type": "point", "filled": True, "size": 40},
         "encoding": {"y": {"field": "y", "type": "quantitative", "title": "y",
                            "scale": {"domain": [-6, 8]}},
                      "color": {"datum": "data"}}},
    ],
    "config": {"legend": {"title": None, "orient": "top-left"},
               "range": {"category": ["#d62728", "#1f77b4", "black"]}},
}


def draw_line_fit(result):
    """The points, the line and its residuals; the caption gives the MSE."""
    points = chart.rows(x=POINTS_X, y=POINTS_Y)
    line = chart.rows(x=POINTS_X, prediction=result["predictions"])
    caption = (f"y = {result['w']:.1f}·x + {result['b']:.1f}: "
               f"mean squared error (MSE, 均方误差) = <b>{result['mse']:.3f}</b>")
    return {"points": points, "line": line}, caption


def line_fit_panel(w=0.5, b=0.0):
    """Sliders for w and b; the line, its errors and the MSE follow while you drag."""
    controls = {
        "w": widgets.FloatSlider(value=w, min=-1.0, max=4.0, step=0.1, description="w (slope)"),
        "b": widgets.FloatSlider(value=b, min=-3.0, max=3.0, step=0.2, description="b (intercept)"),
    }
    return Panel("Try a widget: fit the line by hand", controls, line_fit, draw_line_fit,
                 spec=LINE_FIT_SPEC, offline=True,
                 explanation="Move the sliders until the MSE is as small as you can make it.")
