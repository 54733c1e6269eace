"""Chapter 11's panel: break the training on purpose and watch the loss and the health report."""

import functools
import html

import ipywidgets as widgets
import numpy as np

from course_lib import debugging
from course_lib.widgets import chart
from course_lib.widgets.panel import Panel, with_untrained

#: A zero norm cannot sit on a log axis: it is drawn as this floor (a stub above the bars' base).
NORM_FLOOR = 1e-8

#: Left: the training loss per epoch (log scale); right: the gradient norm of each layer now.
BREAK_IT_SPEC = {
    "$schema": chart.SCHEMA,
    "hconcat": [
        {"data": {"name": "loss"}, "width": 320, "height": 230, "title": "training loss per epoch",
         "mark": {"type": "line", "point": True},
         "encoding": {"x": {"field": "epoch", "type": "quantitative", "title": "epoch",
                            "axis": {"tickMinStep": 1, "format": "d"}, "scale": {"domainMin": 0}},
                      "y": {"field": "loss", "type": "quantitative", "title": "cross entropy (log scale)",
                            "scale": {"type": "log"}}}},
        {"data": {"name": "layers"}, "width": 240, "height": 230,
         "title": "gradient norm of each layer, now",
         "mark": {"type": "bar"},
         "encoding": {"x": {"field": "layer", "type": "nominal", "sort": None, "title": "layer",
                            "axis": {"labelAngle": 0}},
                      "y": {"field": "gradient_norm", "type": "quantitative",
                            "title": "‖gradient‖ (log scale)", "scale": {"type": "log"}},
                      # a bar starts at 0, which a log axis has not (Vega then draws no bar): start at the floor's tenth
                      "y2": {"datum": NORM_FLOOR / 10},
                      "color": {"field": "state", "type": "nominal", "title": None,
                                "scale": {"domain": ["healthy", "exploding", "dead or vanishing"],
                                          "range": ["#2ca02c", "#d62728", "#7f7f7f"]},
                                "legend": {"orient": "top"}},
                      "tooltip": [{"field": "layer"}, {"field": "gradient_norm", "format": ".3g"},
                                  {"field": "dead_units"}]}},
    ],
}


def _layer_state(layer):
    norm = layer["gradient_norm"] or 0.0
    if norm > debugging.EXPLODING_NORM:
        return "exploding"
    if norm < debugging.VANISHING_NORM or (layer.get("dead_share") or 0.0) > debugging.DEAD_SHARE:
        return "dead or vanishing"
    return "healthy"


def draw_break_it(result):
    """The loss curve and the layers' gradient norms; the caption gives the numbers and the report's verdict."""
    report = result["report"]
    losses = result["losses"]
    curve = [result["untrained"]["loss"]] if "untrained" in result else []  # from the untrained loss, at epoch 0
    curve += list(losses)
    epochs = np.arange(len(losses) + 1 - len(curve), len(losses) + 1)
    finite = [i for i, loss in enumerate(curve) if np.isfinite(loss) and loss > 0]
    names = [layer["name"] for layer in report.layers]
    datasets = {
        "loss": chart.rows(epoch=epochs[finite], loss=np.asarray(curve)[finite]) if finite else [],
        "layers": chart.rows(layer=[f"layer {i + 1}" for i in range(len(names))],
                             gradient_norm=[max(layer["gradient_norm"] or 0.0, NORM_FLOOR)
                                            for layer in report.layers],
                             state=[_layer_state(layer) for layer in report.layers],
                             dead_units=["" if layer.get("dead_share") is None else f"{layer['dead_share']:.0%}"
                                         for layer in report.layers]),
    }
    bug = html.escape(result["bug"])
    if not losses and result["stop_reason"] == "diverged":
        status = (f"bug <b>{bug}</b>: the first epoch diverged, so the untrained weights were put back "
                  f"(loss <b>{report.loss:.3g}</b>) (diverged).")
    elif not losses:
        status = f"bug <b>{bug}</b>, untrained (loss <b>{report.loss:.3g}</b>): press Train."
    else:
        accuracy = result["val_accuracy"][-1] if result["val_accuracy"] else float("nan")
        status = (f"bug <b>{bug}</b>, epoch <b>{len(losses)}</b> of {result['num_epochs']}: training loss "
                  f"<b>{losses[-1]:.3g}</b>, test accuracy <b>{accuracy:.3f}</b>"
                  + (f" ({result['stop_reason']})" if result["stop_reason"] != "completed" else "") + ".")
    if report.ok:
        verdict = "Health report: ✓ no problem found."
    else:  # not the ⚠ of an error caption: these are findings, the panel works
        count = len(report.problems)
        verdict = (f"Health report, {count} problem{'s' if count > 1 else ''}: "
                   + " ".join(f"({number}) <b>{html.escape(debugging.PROBLEM_KINDS[kind])}</b>: "
                              f"{html.escape(message)}"
                              for number, (kind, message) in enumerate(report.problems, start=1)))
    return datasets, f"{status}<br>{verdict}"


def break_it_panel(bug="pixels not scaled", num_epochs=5, *, num_train=2000, num_test=500):
    """Choose a bug, press Train: an MNIST network learns (or fails to) live, with a health report per epoch."""
    runs = debugging.BrokenRuns(num_train, num_test)

    @functools.lru_cache(maxsize=None)  # every run of a bug starts from the same weights: once per bug
    def untrained(bug):
        """The untrained network's loss on every training image (its weights put back by the run's first update)."""
        ((x_train, y_train), _), loss_fn, (model, *_) = runs.parts(bug)
        return {"loss": float(loss_fn(y_train, model(x_train)))}

    def compute(bug, num_epochs):
        return with_untrained(runs.epochs(bug, num_epochs), lambda _: untrained(bug))

    controls = {
        "bug": widgets.Dropdown(options=list(debugging.BUGS), value=bug, description="bug"),
        "num_epochs": widgets.IntSlider(value=num_epochs, min=1, max=10, description="epochs"),
    }
    scenarios = "".join(f"<li><b>{html.escape(name)}</b>: {html.escape(settings['explanation'])}</li>"
                        for name, settings in debugging.BUGS.items())
    return Panel("Break it on purpose (故意弄坏它)", controls, compute, draw_break_it,
                 spec=BREAK_IT_SPEC, button="Train", live=True,
                 explanation=f"A 784-64-64-10 network on {num_train:,} MNIST images (tested on {num_test:,}). "
                             f"Pick a bug, press Train, read the curve and the report.<ul>{scenarios}</ul>")
