"""Chapter 03's panels: the four learning-rate regimes, and exponential decay while you drag."""

from functools import lru_cache

import ipywidgets as widgets
import numpy as np

from course_lib import schedules
from course_lib.widgets import chart
from course_lib.widgets.panel import Panel

REGIME_COLORS = {"too small": "#7f7f7f", "good": "#2ca02c", "oscillating": "#ff7f0e", "diverging": "#d62728"}
#: The legend of the regimes chart: one reference line per regime, then the reader's own.
REFERENCE_LABELS = {name: f"{name} (lr {rate})" for name, rate in schedules.REFERENCE_LEARNING_RATES.items()}
YOURS = "your learning rate"
#: The most epochs the regimes panel offers; the reference runs are stored this long, once.
MAX_REGIME_EPOCHS = 100
#: The steps shown on the loss curve.
PATH_STEPS = 12


def _epochs(run):
    return np.arange(len(run["w"]))


def _minimum_rule():
    """A dotted line at the minimum w = −1."""
    return {"data": {"name": "minimum"}, "mark": {"type": "rule", "strokeDash": [2, 3], "color": "#1f77b4"},
            "encoding": {"y": {"field": "w", "type": "quantitative"}}}


EPOCH = {"field": "epoch", "type": "quantitative", "title": "epoch"}
#: One colour per regime, the reader's own run in black.
LINE_COLORS = {"field": "line", "type": "nominal",
               "scale": {"domain": [*REFERENCE_LABELS.values(), YOURS],
                         "range": [*(REGIME_COLORS[name] for name in REFERENCE_LABELS), "black"]}}

#: Left: w against the epoch on a symlog axis, the four references and yours; right: your first
#: steps on the loss curve, coloured by the regime.
REGIMES_SPEC = {
    "$schema": chart.SCHEMA,
    # the number of epochs of your run: the reference runs, stored once, are cut to it
    "params": [{"name": "epochs", "expr": "length(data('run'))"}],
    "hconcat": [
        {"width": 340, "height": 240, "title": {"text": "w against the epoch",
                                                "subtitle": "dotted: the minimum w = −1"},
         "encoding": {"y": {"type": "quantitative", "title": "w after the step (symlog)",
                            "scale": {"type": "symlog", "constant": 1}}},
         "layer": [
             {"data": {"name": "references"}, "transform": [{"filter": "datum.epoch < epochs"}],
              "mark": {"type": "line", "strokeWidth": 1.5, "opacity": 0.6},
              "encoding": {"x": EPOCH, "y": {"field": "w"}, "color": LINE_COLORS}},
             {"data": {"name": "run"}, "mark": {"type": "line", "strokeWidth": 2.5},
              "encoding": {"x": EPOCH, "y": {"field": "w"}, "color": {"datum": YOURS}}},
             _minimum_rule(),
         ]},
        {"width": 280, "height": 240,
         "title": {"text": f"your first {PATH_STEPS} steps on the loss",
                   "subtitle": {"expr": "'regime: ' + data('path')[0].regime"}},
         "encoding": {"x": {"field": "w", "type": "quantitative", "title": "w"},
                      "y": {"field": "loss", "type": "quantitative", "title": "loss = (w + 1)²"}},
         "layer": [
             {"data": {"name": "parabola"}, "mark": {"type": "line", "color": "#1f77b4", "strokeWidth": 1.2}},
             {"data": {"name": "path"}, "mark": {"type": "line", "point": True, "strokeWidth": 1.5},
              "encoding": {"order": {"field": "step", "type": "quantitative"},
                           "color": {"field": "regime", "type": "nominal", "legend": None,
                                     "scale": {"domain": list(REGIME_COLORS),
                                               "range": list(REGIME_COLORS.values())}}}},
         ]},
    ],
    "resolve": {"scale": {"color": "independent"}},
    "config": {"legend": {"orient": "bottom", "title": None, "columns": 2, "labelLimit": 200}},
}


@lru_cache(maxsize=None)
def _reference_rows():
    """Every reference run for the longest run the panel offers (the same in every state)."""
    runs = schedules.regimes(num_epochs=MAX_REGIME_EPOCHS)["references"]
    return [row for name, run in runs.items()
            for row in chart.rows(epoch=_epochs(run), w=run["w"], line=REFERENCE_LABELS[name])]


def draw_regimes(result):
    """w against the epoch for the four reference rates and the chosen one; the path on the parabola.

    The reference runs are sent for the panel's longest run, the same in every state (an offline
    panel stores them once); the chart cuts them to the epochs of ``result``.
    """
    run = result["run"]
    if len(run["w"]) > MAX_REGIME_EPOCHS:
        raise ValueError(f"num_epochs must be at most {MAX_REGIME_EPOCHS} in this panel, got {len(run['w'])}.")
    path = np.concatenate([[schedules.W_START], run["w"][:PATH_STEPS]])
    path = path[np.isfinite(path) & (np.abs(path) < 1e3)]
    span = max(7.0, float(np.max(np.abs(path - schedules.W_MINIMUM))) * 1.1)
    grid = np.linspace(schedules.W_MINIMUM - span, schedules.W_MINIMUM + span, 41)
    datasets = {
        "references": _reference_rows(),
        "run": chart.rows(epoch=_epochs(run), w=run["w"]),
        "minimum": chart.rows(w=[schedules.W_MINIMUM]),
        "parabola": chart.rows(w=grid, loss=schedules.loss_of(grid)),
        "path": chart.rows(step=np.arange(len(path)), w=path, loss=schedules.loss_of(path),
                           regime=result["regime"]),
    }
    w_final = run["w"][-1]
    caption = (f"learning rate {result['learning_rate']:.3f}: regime <b>{result['regime']}</b> "
               f"(update factor 1 − 2·lr = {result['factor']:.2f}); "
               f"after {len(run['w'])} epochs w = {w_final:.6g}, loss = {schedules.loss_of(w_final):.3g}")
    return datasets, caption


def learning_rate_regimes_panel(learning_rate=0.2, num_epochs=40):
    """A learning-rate slider; all four regimes on the same axes and the name of the current one.

    It works without a kernel: 48 learning rates (0.025 apart) × 20 epoch counts (5 apart).
    """
    controls = {
        "learning_rate": widgets.FloatSlider(value=learning_rate, min=0.025, max=1.2, step=0.025,
                                             readout_format=".3f", description="learning rate"),
        "num_epochs": widgets.IntSlider(value=num_epochs, min=5, max=MAX_REGIME_EPOCHS, step=5,
                                        description="epochs"),
    }
    return Panel("Learning rate (学习率): four regimes on loss = (w + 1)²", controls,
                 schedules.regimes, draw_regimes, spec=REGIMES_SPEC, offline=True,
                 explanation="Each step multiplies the distance to w = −1 by 1 − 2·lr.")


#: The smallest loss the decay chart's log axis shows (a loss of exactly 0 has no logarithm).
LOSS_FLOOR = 1e-16


def _decay_chart(title, field, y, color, interpolate="linear", extra_layers=()):
    """One of the decay chart's three panels: ``field`` of the run against the epoch."""
    return {"width": 230, "height": 210, "title": title,
            "layer": [{"data": {"name": "run"}, "mark": {"type": "line", "color": color, "strokeWidth": 2,
                                                        "interpolate": interpolate},
                       "encoding": {"x": EPOCH, "y": {"field": field, "type": "quantitative", **y}}},
                      *extra_layers]}


#: w, the loss (log scale) and the decayed learning rate against the epoch; a staircase schedule
#: is drawn as steps.
DECAY_SPEC = {
    "$schema": chart.SCHEMA,
    "params": [{"name": "interpolation",
                "expr": "data('run')[0].staircase ? 'step-after' : 'linear'"}],
    "hconcat": [
        _decay_chart({"text": "w", "subtitle": "dotted: the minimum w = −1"}, "w",
                     {"title": "w after the step"}, "black", extra_layers=[_minimum_rule()]),
        _decay_chart("loss (before the step)", "loss",
                     {"title": f"(w + 1)², log scale, floor {LOSS_FLOOR:g}", "scale": {"type": "log"},
                      "axis": {"format": ".0e"}}, "#d62728"),
        _decay_chart("learning rate", "learning_rate", {"title": "lr"}, "#2ca02c",
                     interpolate={"expr": "interpolation"}),
    ],
}


def draw_decay_run(result):
    """Three curves against the epoch: w, loss (log scale) and the decayed learning rate."""
    epochs = _epochs(result)
    datasets = {"run": chart.rows(epoch=epochs, w=result["w"], loss=np.maximum(result["loss"], LOSS_FLOOR),
                                  learning_rate=result["learning_rate"], staircase=result["staircase"]),
                "minimum": chart.rows(w=[schedules.W_MINIMUM])}
    rates = result["learning_rate"]
    (first, first_factor), (last, last_factor) = result["first_regime"], result["last_regime"]
    caption = (f"after {len(epochs)} epochs: w = {result['w'][-1]:.6f}, "
               f"loss = {schedules.loss_of(result['w'][-1]):.3g}, "
               f"lr {rates[0]:.4f} → {rates[-1]:.4f}"
               f"{' (staircase)' if result['staircase'] else ''}; "
               f"regime {first} (factor {first_factor:.2f}) at the start, "
               f"{last} (factor {last_factor:.2f}) at the end")
    return datasets, caption


def exponential_decay_panel(base_learning_rate=0.2, decay_rate=0.99, decay_steps=1, num_epochs=40,
                            staircase=False):
    """Sliders for base lr, decay rate, decay step and epochs; w, loss and lr redraw while you drag."""
    controls = {
        "base_learning_rate": widgets.FloatSlider(value=base_learning_rate, min=0.01, max=1.2, step=0.01,
                                                  description="base lr"),
        "decay_rate": widgets.FloatSlider(value=decay_rate, min=0.5, max=1.0, step=0.005,
                                          readout_format=".3f", description="decay rate"),
        "decay_steps": widgets.IntSlider(value=decay_steps, min=1, max=20, description="decay step"),
        "num_epochs": widgets.IntSlider(value=num_epochs, min=5, max=200, description="epochs"),
        "staircase": widgets.Checkbox(value=staircase, description="staircase"),
    }
    return Panel("Exponential decay (指数衰减学习率): lr = base · decay^(epoch / step)", controls,
                 schedules.decay_run, draw_decay_run, spec=DECAY_SPEC,
                 explanation="Start large to get close fast, then shrink the steps to settle.")
