"""Chapter 06's panels: the polynomial fit and a Playground.

The Playground panel follows TensorFlow Playground (playground.tensorflow.org):
choose the hidden units, the regularization and its λ, dropout, the noise of the
data, the share of points used for training and the epochs, press Train, and see
the decision boundary with the training and validation loss move while it trains
(:func:`course_lib.fitting.playground_runs`, 20 compiled epochs per update). The
caption says how long it trained.
"""

import ipywidgets as widgets
import numpy as np
import tensorflow as tf

from course_lib import fitting
from course_lib.widgets import chart
from course_lib.widgets.panel import Panel, with_untrained


#: Where the panel's curves are drawn: 81 points show even a degree-14 fit smoothly.
CURVE_X = np.linspace(-1.0, 1.0, 81)
#: The panel draws every 4th of the 200 validation points (its caption's MSE uses all of them).
VALIDATION_SHOWN_EVERY = 4
FIT_LAYERS = {"true curve sin(πx)": "gray", "training points": "black",
              "validation points (1 in 4)": "#2ca02c", "fit": "#d62728"}

#: The polynomial panel's chart: true curve, training and validation points and the fit, y fixed to [−2, 2].
POLYNOMIAL_SPEC = {
    "$schema": chart.SCHEMA, "width": 420, "height": 260,
    "title": "Polynomial fit to the training points",
    "encoding": {"x": {"field": "x", "type": "quantitative", "title": "x", "scale": {"domain": [-1, 1]}},
                 "y": {"field": "y", "type": "quantitative", "title": "y", "scale": {"domain": [-2, 2]}},
                 "color": {"scale": {"domain": list(FIT_LAYERS)}}},
    "layer": [
        {"data": {"name": "truth"}, "mark": {"type": "line", "strokeDash": [6, 4], "strokeWidth": 1.5},
         "encoding": {"color": {"datum": "true curve sin(πx)"}}},
        {"data": {"name": "validation"}, "mark": {"type": "circle", "size": 14, "opacity": 0.45, "clip": True},
         "encoding": {"color": {"datum": "validation points (1 in 4)"}}},
        {"data": {"name": "train"}, "mark": {"type": "circle", "size": 36, "opacity": 1, "clip": True},
         "encoding": {"color": {"datum": "training points"}}},
        {"data": {"name": "fit"}, "mark": {"type": "line", "strokeWidth": 2.5, "clip": True},
         "encoding": {"color": {"datum": "fit"}}},
    ],
    "resolve": {"scale": {"color": "shared"}},
    "config": {"legend": {"title": None, "orient": "bottom", "direction": "horizontal", "columns": 2,
                          "labelLimit": 0, "symbolOpacity": 1, "symbolSize": 90},
               "range": {"category": list(FIT_LAYERS.values())}},
}


def draw_polynomial_fit(result):
    """The polynomial panel's chart data: true curve, points and the fit; the caption gives both errors."""
    (x_train, y_train), (x_val, y_val) = result["train"], result["validation"]
    every = slice(None, None, VALIDATION_SHOWN_EVERY)
    datasets = {
        "truth": chart.rows(x=CURVE_X, y=fitting.target_curve(CURVE_X)),
        "train": chart.rows(x=x_train, y=y_train),
        "validation": chart.rows(x=x_val[every], y=y_val[every]),
        "fit": chart.rows(x=CURVE_X, y=fitting.predict_polynomial(result["coefficients"], CURVE_X)),
    }
    gap = result["validation_mse"] - result["train_mse"]
    caption = (f"degree {result['degree']}, noise {result['noise']:.3g}, {len(x_train)} training points: "
               f"training MSE <b>{result['train_mse']:.4f}</b>, validation MSE "
               f"<b>{result['validation_mse']:.4g}</b> (gap {gap:.4g})")
    return datasets, caption


def polynomial_panel(degree=3, noise=0.25, num_train=15):
    """Degree, noise and number of training points; the fit and both errors follow while you drag.

    Offline: 15 degrees × 6 noise levels × 7 training-set sizes = 630 states, precomputed
    (noise and training points move in coarse steps to keep the stored table under 1 MB).
    """
    controls = {
        "degree": widgets.IntSlider(value=degree, min=0, max=14, description="degree"),
        "noise": widgets.FloatSlider(value=noise, min=0.0, max=0.625, step=0.125, description="noise",
                                     readout_format=".3f"),
        "num_train": widgets.IntSlider(value=num_train, min=15, max=105, step=15,
                                       description="train points"),
    }
    return Panel("Polynomial degree: under- and overfitting", controls, fitting.polynomial_fit,
                 draw_polynomial_fit, spec=POLYNOMIAL_SPEC, offline=True,
                 explanation="Raise the degree until the curve chases the noise; then add training points. "
                             "The chart shows 1 in 4 of the 200 validation points; the errors use all of them.")


#: The Playground's chart: the decision boundary with the data (left), both losses per epoch (right).
PLAYGROUND_SPEC = {
    "$schema": chart.SCHEMA,
    "hconcat": [
        {"width": 300, "height": 300, "title": "decision boundary",
         "layer": [
             {"data": {"name": "grid"}, "mark": {"type": "rect", "opacity": 0.55},
              "encoding": {"x": {"field": "x1", "type": "quantitative", "title": "x1",
                                 "scale": {"domain": [-3.5, 3.5], "nice": False}},
                           "x2": {"field": "x1_end"},
                           "y": {"field": "x2", "type": "quantitative", "title": "x2",
                                 "scale": {"domain": [-3.5, 3.5], "nice": False}},
                           "y2": {"field": "x2_end"},
                           "color": {"field": "p", "type": "quantitative", "title": "P(inside)",
                                     "scale": {"scheme": "blueorange", "domain": [0, 1]}}}},
             {"data": {"name": "circle"}, "mark": {"type": "line", "strokeDash": [3, 3], "color": "gray"},
              "encoding": {"x": {"field": "x1", "type": "quantitative"},
                           "y": {"field": "x2", "type": "quantitative"}, "order": {"field": "order"}}},
             {"data": {"name": "points"}, "mark": {"type": "point", "size": 28, "strokeWidth": 1.2},
              "encoding": {"x": {"field": "x1", "type": "quantitative"},
                           "y": {"field": "x2", "type": "quantitative"},
                           "stroke": {"field": "label", "type": "nominal", "title": "label",
                                      "scale": {"domain": ["inside", "outside"],
                                                "range": [fitting.INSIDE_COLOR, fitting.OUTSIDE_COLOR]}},
                           "fill": {"field": "label", "type": "nominal", "title": "label",
                                    "scale": {"domain": ["inside", "outside"],
                                              "range": [fitting.INSIDE_COLOR, fitting.OUTSIDE_COLOR]}},
                           "shape": {"field": "set", "type": "nominal", "title": "points",
                                     "scale": {"domain": ["training", "validation"],
                                               "range": ["circle", "triangle-up"]}},
                           "fillOpacity": {"field": "set", "type": "nominal", "legend": None,
                                           "scale": {"domain": ["training", "validation"], "range": [1, 0]}}}},
         ],
         "resolve": {"scale": {"color": "independent", "fill": "independent", "stroke": "independent"}}},
        {"width": 300, "height": 300, "title": "loss without the penalty term",
         "data": {"name": "losses"},
         "encoding": {"x": {"field": "epoch", "type": "quantitative", "title": "epoch",
                            "scale": {"domainMin": 0}},
                      "y": {"field": "cross_entropy", "type": "quantitative", "title": "cross entropy"},
                      "color": {"field": "set", "type": "nominal", "title": "loss",
                                "scale": {"domain": ["training", "validation"]}}},
         # the curves, and a dot where they start: the untrained network at epoch 0
         "layer": [{"mark": "line"},
                   {"mark": {"type": "point", "filled": True, "size": 50},
                    "transform": [{"filter": "datum.epoch === 0"}]}]},
    ],
    "resolve": {"scale": {"color": "independent"}},
}
#: Cells per side of the chart's probability grid, and the most points drawn per loss curve.
GRID_CELLS, CURVE_POINTS = 40, 200


def draw_playground(result):
    """The Playground's data (grid, points, true circle, loss curves) and a caption with every number shown."""
    run = result["run"]
    xs, ys, probability = result["grid"]
    step = xs[0, 1] - xs[0, 0]
    grid = chart.rows(x1=xs.ravel() - step / 2, x1_end=xs.ravel() + step / 2, x2=ys.ravel() - step / 2,
                      x2_end=ys.ravel() + step / 2, p=probability.ravel(), digits=3)
    points = []
    for (x, y), name in ((result["train"], "training"), (result["validation"], "validation")):
        points += chart.rows(x1=x[:, 0], x2=x[:, 1], label=np.where(y >= 0.5, "inside", "outside"),
                             set=name, digits=3)
    angle = np.linspace(0.0, 2.0 * np.pi, 73)
    radius = np.sqrt(fitting.CIRCLE_RADIUS_SQUARED)
    circle = chart.rows(x1=radius * np.cos(angle), x2=radius * np.sin(angle), order=np.arange(73))
    epochs = np.arange(1, len(run.train_loss) + 1)
    shown = np.unique(np.linspace(0, len(epochs) - 1, min(CURVE_POINTS, len(epochs))).astype(int))
    losses = (chart.rows(epoch=epochs[shown], cross_entropy=run.train_loss[shown], set="training")
              + chart.rows(epoch=epochs[shown], cross_entropy=run.validation_loss[shown], set="validation"))
    if "untrained" in result:  # each curve starts at the untrained network's loss, at epoch 0
        start = result["untrained"]
        losses = (chart.rows(epoch=[0], cross_entropy=[start["train_loss"]], set="training")
                  + chart.rows(epoch=[0], cross_entropy=[start["validation_loss"]], set="validation") + losses)
    penalty = "no regularization" if run.regularization == "none" else f"{run.regularization} λ = {run.lam:g}"
    num_train, num_val = len(result["train"][1]), len(result["validation"][1])
    settings = (f"{result['hidden_units']} hidden units, {penalty}, dropout {run.dropout:.2f}, "
                f"noise {result['noise']:.2f}, {num_train} training / {num_val} validation points")
    if not len(epochs):
        caption = f"untrained network ({settings}): press Train."
    else:
        caption = (f"{settings}, {len(epochs)} of {result['num_epochs']} epochs: training loss "
                   f"<b>{run.train_loss[-1]:.3f}</b>, validation loss <b>{run.validation_loss[-1]:.3f}</b>; "
                   f"accuracy train <b>{result['train_accuracy']:.2f}</b>, validation "
                   f"<b>{result['validation_accuracy']:.2f}</b>; "
                   f"{fitting.near_zero_share(run.kernels):.0%} of weights below 0.01; "
                   f"trained for {run.seconds:.2f} s")
    return {"grid": grid, "points": points, "circle": circle, "losses": losses}, caption


def playground_panel(hidden_units=16, regularization="none", lam=0.001, noise=0.3, train_fraction=0.3,
                     num_epochs=400, dropout=0.0):
    """A TensorFlow-Playground-like panel on the circle data; Train plays the training live."""
    controls = {
        "hidden_units": widgets.IntSlider(value=hidden_units, min=1, max=64, description="hidden units"),
        "regularization": widgets.Dropdown(options=fitting.REGULARIZATIONS, value=regularization,
                                           description="regularization"),
        "lam": widgets.FloatLogSlider(value=lam, base=10, min=-5, max=0, step=0.25, description="λ",
                                      readout_format=".0e"),
        "dropout": widgets.FloatSlider(value=dropout, min=0.0, max=0.8, step=0.05, description="dropout"),
        "noise": widgets.FloatSlider(value=noise, min=0.0, max=0.8, step=0.05, description="noise"),
        "train_fraction": widgets.FloatSlider(value=train_fraction, min=0.1, max=0.9, step=0.05,
                                              description="train share"),
        "num_epochs": widgets.IntSlider(value=num_epochs, min=50, max=2000, step=50,
                                        description="epochs"),
    }
    return Panel("Playground (in the spirit of TensorFlow Playground)", controls, playground_live,
                 draw_playground, spec=PLAYGROUND_SPEC, button="Train", live=True,
                 explanation="Set the network and the data, press Train: the boundary and both losses "
                             "move while it learns and show whether the network under- or overfits. "
                             "The dotted circle is the true boundary.")


def untrained_losses(result):
    """The cross entropy (without the penalty) of the untrained network of the Playground's first ``result``.

    On the training and the validation points, without dropout: the losses' point at epoch 0.
    """
    weights = [tf.constant(w) for w in result["run"].weights]

    def cross_entropy(x, y):
        logits = fitting.forward(weights, tf.constant(x, tf.float32))
        return float(tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.constant(y, tf.float32),
                                                                             logits=logits)))
    return {"train_loss": cross_entropy(*result["train"]), "validation_loss": cross_entropy(*result["validation"])}


def playground_live(**values):
    """The Playground run, on a coarse grid, its losses starting at the untrained network's: what the panel plays."""
    return with_untrained(fitting.playground_runs(**values, grid_resolution=GRID_CELLS), untrained_losses)
