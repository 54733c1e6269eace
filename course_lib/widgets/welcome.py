"""Chapter 00's "try a widget" panel: fit a line to points by eye, the loss tells you how close you are."""

import ipywidgets as widgets
import numpy as np

from course_lib import validate
from course_lib.plots import new_figure
from course_lib.widgets.panel import Panel

#: The points to fit: y = 2x + 1 plus a little noise, always the same.
POINTS_X = np.linspace(-2.0, 2.0, 12)
POINTS_Y = 2.0 * POINTS_X + 1.0 + np.random.RandomState(0).normal(0.0, 0.4, POINTS_X.shape)


def line_fit(w, b):
    """The line y = w·x + b on the demo points and its mean squared error (MSE)."""
    w, b = validate.finite("w", w), validate.finite("b", b)
    predictions = w * POINTS_X + b
    return {"w": w, "b": b, "predictions": predictions,
            "mse": float(np.mean((predictions - POINTS_Y) ** 2))}


def draw_line_fit(result):
    """The points, the line and its residuals; the caption gives the MSE."""
    figure, ax = new_figure(5.5, 3.4)
    ax.scatter(POINTS_X, POINTS_Y, color="black", zorder=3, label="data")
    ax.plot(POINTS_X, result["predictions"], color="tab:blue", label=f"y = {result['w']:.1f}·x + {result['b']:.1f}")
    ax.vlines(POINTS_X, POINTS_Y, result["predictions"], color="tab:red", alpha=0.5, label="errors")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_ylim(-6, 8)
    ax.legend(loc="upper left")
    caption = f"mean squared error (MSE, 均方误差) = <b>{result['mse']:.3f}</b>"
    return figure, caption


def line_fit_panel(w=0.5, b=0.0):
    """Sliders for w and b; the line, its errors and the MSE follow while you drag."""
    controls = {
        "w": widgets.FloatSlider(value=w, min=-1.0, max=4.0, step=0.1, description="w (slope)"),
        "b": widgets.FloatSlider(value=b, min=-3.0, max=3.0, step=0.1, description="b (intercept)"),
    }
    return Panel("Try a widget: fit the line by hand", controls, line_fit, draw_line_fit,
                 explanation="Move the sliders until the MSE is as small as you can make it.")
