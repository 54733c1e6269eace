"""Chapter 08's panel: train the iris model live with other epochs, learning rate and L2 strength."""

import ipywidgets as widgets
import numpy as np

from course_lib import data, recipe
from course_lib.widgets import chart
from course_lib.widgets.panel import Panel, with_untrained


def _metric_view(metric, scale=None):
    y = {"field": metric, "type": "quantitative", "title": metric}
    if scale:
        y["scale"] = scale
    return {"width": 300, "height": 220, "title": metric,
            "encoding": {"x": {"field": "epoch", "type": "quantitative", "title": "epoch",
                               "scale": {"domainMin": 0}}, "y": y,
                         "color": {"field": "set", "type": "nominal", "title": "measured on",
                                   "scale": {"domain": ["training", "validation"]}}},
            # the curves, and a dot where they start: the untrained model at epoch 0
            "layer": [{"mark": "line"},
                      {"mark": {"type": "point", "filled": True, "size": 50},
                       "transform": [{"filter": "datum.epoch === 0"}]}]}


#: Loss and accuracy per epoch, on the training and the validation rows.
IRIS_TRAINING_SPEC = {"$schema": chart.SCHEMA, "data": {"name": "curves"},
                      "hconcat": [_metric_view("loss"), _metric_view("accuracy", {"domain": [0, 1.05]})]}


def draw_iris_training(result):
    """Loss and accuracy per epoch so far; the caption gives the last values and the weight norm."""
    history = result["history"]
    done = len(history["loss"])
    epochs = np.arange(1, done + 1)
    curves = []
    for prefix, name in (("", "training"), ("val_", "validation")):
        if "untrained" in result:  # each curve starts at the untrained model, at epoch 0
            start = result["untrained"]
            curves += chart.rows(epoch=[0], loss=[start[f"{prefix}loss"]], accuracy=[start[f"{prefix}accuracy"]],
                                 set=name)
        curves += chart.rows(epoch=epochs, loss=history[f"{prefix}loss"], accuracy=history[f"{prefix}accuracy"],
                             set=name)
    settings = f"learning rate {result['learning_rate']:g}, L2 {result['l2']:g}"
    norm = f"weight norm ‖W‖ = <b>{np.linalg.norm(result['kernel']):.2f}</b>"
    if not done:
        caption = f"untrained model ({settings}, {norm}): press Train."
    else:
        caption = (f"{done} of {result['num_epochs']} epochs, {settings}: training accuracy "
                   f"<b>{history['accuracy'][-1]:.3f}</b>, validation accuracy <b>{history['val_accuracy'][-1]:.3f}</b>, "
                   f"loss {history['loss'][-1]:.3f}, {norm}; trained for {result['seconds']:.2f} s")
    return {"curves": curves}, caption


def recipe_panel(x_train=None, y_train=None):
    """Epochs, learning rate and L2 strength for the source's iris model; Train plays the training live.

    ``x_train`` and ``y_train`` default to the whole of iris shuffled with the source's seed
    116, as chapter 08 trains; their last 20 % validate, as ``validation_split=0.2`` does.
    """
    if x_train is None or y_train is None:
        x_train, y_train = data.load_iris(shuffle_seed=recipe.IRIS_SHUFFLE_SEED)
    (x_fit, y_fit), (x_val, y_val) = recipe.split_like_keras(x_train, y_train, 0.2)

    def untrained(result):
        """The first update's (untrained) model measured as every epoch is: loss with the L2 term, and accuracy."""
        measured = {}
        for prefix, (x, y) in (("", (x_fit, y_fit)), ("val_", (x_val, y_val))):
            loss, accuracy = recipe.loss_and_accuracy(x, y, result["kernel"], result["bias"], result["l2"])
            measured.update({f"{prefix}loss": loss, f"{prefix}accuracy": accuracy})
        return measured

    def train(num_epochs, learning_rate, l2):
        return with_untrained(recipe.softmax_regression_runs(x_fit, y_fit, x_val, y_val, num_epochs=num_epochs,
                                                             learning_rate=learning_rate, l2=l2), untrained)

    controls = {
        "num_epochs": widgets.IntSlider(value=500, min=20, max=1000, step=20, description="epochs"),
        "learning_rate": widgets.FloatLogSlider(value=0.1, base=10, min=-3, max=0, step=0.1,
                                                description="learning rate", readout_format=".3f"),
        "l2": widgets.FloatSlider(value=recipe.DEFAULT_L2, min=0.0, max=0.2, step=0.005,
                                  description="L2", readout_format=".3f"),
    }
    return Panel("The iris model (鸢尾花分类), trained live", controls, train, draw_iris_training,
                 spec=IRIS_TRAINING_SPEC, button="Train", live=True,
                 explanation="Mini-batch SGD, batch 32, as model.fit, but compiled into one graph: the "
                             "curves grow while it trains. Pause keeps what was learned.")
