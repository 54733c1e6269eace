"""Chapter 04's panels: an activation and its derivative, and softmax with a temperature."""

from functools import lru_cache

import ipywidgets as widgets
import numpy as np

from course_lib import activations
from course_lib.plots import new_figure
from course_lib.widgets import chart
from course_lib.widgets.controls import show_only_for
from course_lib.widgets.panel import Panel


def curve_label(result):
    """The activation's name, with alpha for Leaky ReLU."""
    name = result["name"]
    return f"{name} (alpha {result['alpha']:.2f})" if name == "leaky_relu" else name


def curves_caption(result):
    """What the curves show, in numbers: the ranges of f and f' and how far the two derivatives differ."""
    x, derivative = result["x"], result["tape_derivative"]
    return (f"{curve_label(result)} on [{x[0]:.0f}, {x[-1]:.0f}]: output from {result['y'].min():.4g} "
            f"to {result['y'].max():.4g}; derivative from {derivative.min():.4g} to "
            f"{derivative.max():.4g}; GradientTape vs by hand: largest difference "
            f"{result['max_difference']:.1e}")


def draw_curves(result):
    """The function on the left, its derivative (GradientTape and by hand) on the right."""
    figure, (ax_f, ax_d) = new_figure(10.0, 3.6, ncols=2)
    x, label = result["x"], curve_label(result)
    ax_f.plot(x, result["y"], color="tab:blue", lw=2)
    ax_f.set_title(f"{label}(x)")
    ax_f.set_ylabel("f(x)")
    ax_d.plot(x, result["tape_derivative"], color="tab:orange", lw=3, alpha=0.6, label="GradientTape")
    ax_d.plot(x, result["analytic_derivative"], "k--", lw=1.2, label="by hand")
    ax_d.set_title(f"derivative of {label}")
    ax_d.set_ylabel("f'(x)")
    ax_d.legend()
    for ax in (ax_f, ax_d):
        ax.set_xlabel("x")
        ax.axhline(0, color="gray", lw=0.6)
        ax.axvline(0, color="gray", lw=0.6)
    return figure, curves_caption(result)


def _zero_axes():
    """Thin grey lines through x = 0 and y = 0."""
    return [{"data": {"name": "zero"}, "mark": {"type": "rule", "color": "gray", "strokeWidth": 0.8},
             "encoding": {"x": {"field": "value", "type": "quantitative"}}},
            {"data": {"name": "zero"}, "mark": {"type": "rule", "color": "gray", "strokeWidth": 0.8},
             "encoding": {"y": {"field": "value", "type": "quantitative"}}}]


X = {"field": "x", "type": "quantitative", "title": "x"}
#: The activation (left) and its derivative both ways (right): GradientTape wide and pale, by hand dashed on top.
ACTIVATION_SPEC = {
    "$schema": chart.SCHEMA,
    "hconcat": [
        {"width": 300, "height": 220, "title": {"text": {"expr": "data('curves')[0].label + '(x)'"}},
         "layer": [{"data": {"name": "curves"}, "mark": {"type": "line", "color": "#1f77b4", "strokeWidth": 2},
                    "encoding": {"x": X, "y": {"field": "y", "type": "quantitative", "title": "f(x)"}}},
                   *_zero_axes()]},
        {"width": 300, "height": 220,
         "title": {"text": {"expr": "'derivative of ' + data('curves')[0].label"}},
         "layer": [
             {"data": {"name": "curves"}, "mark": {"type": "line", "strokeWidth": 4, "opacity": 0.6},
              "encoding": {"x": X, "y": {"field": "tape_derivative", "type": "quantitative", "title": "f'(x)"},
                           "color": {"datum": "GradientTape"}}},
             {"data": {"name": "curves"}, "mark": {"type": "line", "strokeWidth": 1.5, "strokeDash": [5, 3]},
              "encoding": {"x": X, "y": {"field": "analytic_derivative", "type": "quantitative"},
                           "color": {"datum": "by hand"}}},
             *_zero_axes()]},
    ],
    "config": {"legend": {"title": None, "orient": "bottom", "symbolOpacity": 1, "symbolStrokeWidth": 3},
               "range": {"category": ["#ff7f0e", "black"]}},
}


def draw_activation(result):
    """The function and its derivative (GradientTape and by hand) as chart data; the caption gives their ranges."""
    curves = chart.rows(x=result["x"], y=result["y"], tape_derivative=result["tape_derivative"],
                        analytic_derivative=result["analytic_derivative"], label=curve_label(result))
    return {"curves": curves, "zero": chart.rows(value=[0.0])}, curves_caption(result)


#: Points per curve in the activation panel: 101 keep x = 0 (the kink of ReLU) on the grid
#: and the panel's table of states small (the figures of the chapter draw 401).
PANEL_POINTS = 101


def panel_curves(name, x_limit, alpha):
    """:func:`course_lib.activations.curves` at :data:`PANEL_POINTS` points, computed once per curve.

    Alpha shapes only Leaky ReLU: the other activations share one result over every alpha,
    so tabulating the panel computes (and draws) each of their curves once.
    """
    return _panel_curves(name, float(x_limit), float(alpha) if name == "leaky_relu" else activations.DEFAULT_ALPHA)


@lru_cache(maxsize=None)
def _panel_curves(name, x_limit, alpha):
    return activations.curves(name, x_limit, alpha, num_points=PANEL_POINTS)


def draw_panel_curves(result):
    """:func:`draw_activation` of a :func:`panel_curves` result, drawn once per curve."""
    return _drawn(result["name"], float(result["x"][-1]), result["alpha"])


@lru_cache(maxsize=None)
def _drawn(name, x_limit, alpha):
    return draw_activation(_panel_curves(name, x_limit, alpha))


def activation_panel(name="sigmoid", x_limit=6.0, alpha=activations.DEFAULT_ALPHA):
    """Pick an activation, how far x goes either side of 0 and Leaky ReLU's alpha; see the function and its derivative.

    Kernel-free: its 880 states (4 activations, x up to 1 … 20 by 1, alpha 0 … 1 by 0.1)
    are tabulated as it is built. The alpha slider is there only while the activation is
    Leaky ReLU, the one it shapes; for the others a note says why it is gone.
    """
    controls = {
        "name": widgets.Dropdown(options=list(activations.ACTIVATION_NAMES), value=name,
                                 description="activation"),
        "x_limit": widgets.FloatSlider(value=x_limit, min=1.0, max=20.0, step=1.0, description="x from −a to a",
                                       readout_format=".0f"),
        "alpha": widgets.FloatSlider(value=alpha, min=0.0, max=1.0, step=0.1, description="alpha (leaky)"),
    }
    panel = Panel("Activation functions (激活函数) and their derivatives", controls, panel_curves,
                  draw_panel_curves, spec=ACTIVATION_SPEC, offline=True,
                  explanation="Where the derivative is near 0, gradients cannot flow back. "
                              "alpha is Leaky ReLU's slope for x < 0.")
    show_only_for(panel, "alpha", "name", "leaky_relu", "{option} has no slope for x < 0 to set; pick leaky_relu")
    return panel


CLASS = {"field": "class", "type": "ordinal", "title": "class", "axis": {"labelAngle": 0}}
#: The logits (left) and the probabilities softmax gives them (right), one bar per class.
SOFTMAX_SPEC = {
    "$schema": chart.SCHEMA,
    "hconcat": [
        {"data": {"name": "classes"}, "width": 240, "height": 200, "title": "logits z",
         "mark": {"type": "bar", "color": "#7f7f7f"},
         "encoding": {"x": CLASS, "y": {"field": "logit", "type": "quantitative", "title": "logit"}}},
        {"data": {"name": "classes"}, "width": 240, "height": 200,
         "title": {"text": {"expr": "'softmax(z / T), T = ' + format(data('classes')[0].temperature, '.2f')"}},
         "mark": {"type": "bar", "color": "#1f77b4"},
         "encoding": {"x": CLASS, "y": {"field": "probability", "type": "quantitative", "title": "probability",
                                        "scale": {"domain": [0, 1]}}}},
    ],
}


def draw_softmax(result):
    """Bars of the probabilities beside the logits they come from."""
    probabilities = result["probabilities"]
    classes = chart.rows(**{"class": np.arange(len(probabilities))}, logit=result["logits"],
                         probability=probabilities, temperature=result["temperature"])
    listed = ", ".join(f"{p:.3f}" for p in probabilities)
    caption = (f"temperature {result['temperature']:.2f}: probabilities {listed} "
               f"(sum {probabilities.sum():.3f}); largest {probabilities.max():.3f} for class "
               f"{int(probabilities.argmax())}; entropy {result['entropy']:.3f} nats "
               f"(uniform: {np.log(len(probabilities)):.3f})")
    return {"classes": classes}, caption


def softmax_panel(logits="2, 1, 0.1", temperature=1.0):
    """Type logits and move the temperature; the probabilities sharpen (T < 1) or flatten (T > 1).

    Every temperature the slider offers is tabulated for the logits typed (101 states), so the
    slider answers in the browser; typing new logits tabulates again in the kernel.
    """
    controls = {
        "logits": widgets.Text(value=logits, description="logits", continuous_update=True),
        "temperature": widgets.FloatLogSlider(value=temperature, base=10, min=-1, max=1, step=0.02,
                                              description="temperature"),
    }
    return Panel("Softmax: logits to probabilities", controls, activations.softmax_probabilities,
                 draw_softmax, spec=SOFTMAX_SPEC, offline=("temperature",),
                 explanation="softmax(z)ₖ = exp(zₖ) / Σ exp(zⱼ); dividing z by T changes how peaked it is. "
                             "The temperature works without a kernel too; new logits need the cell run.")
