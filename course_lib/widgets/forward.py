"""Chapter 02's panel: train the hand-built MNIST network and watch the curves grow epoch by epoch."""

import functools

import ipywidgets as widgets
import tensorflow as tf

from course_lib import data, training
from course_lib.forward import LOSSES, EpochByEpoch
from course_lib.widgets import chart
from course_lib.widgets.panel import Panel, with_untrained

BATCH_SIZES = (16, 32, 64, 128, 256, 512, 1024)

#: The last training images, held out as the validation set the panel scores (chapter 02 does the same).
NUM_VALIDATION = 10000


def _curve(field, title, scale=None):
    y = {"field": field, "type": "quantitative", "title": title}
    if scale:
        y["scale"] = scale
    return {"width": 300, "height": 210, "title": title,
            "encoding": {"x": {"field": "epoch", "type": "quantitative", "title": "epoch",
                               "axis": {"tickMinStep": 1, "format": "d"}, "scale": {"domainMin": 0}},
                         "y": y},
            # the curve, and a larger dot where it starts: the untrained network at epoch 0
            "layer": [{"mark": {"type": "line", "point": {"size": 12}}},
                      {"mark": {"type": "point", "filled": True, "size": 50},
                       "transform": [{"filter": "datum.epoch === 0"}]}]}


#: Training loss and validation accuracy against the epoch.
EPOCHS_SPEC = {
    "$schema": chart.SCHEMA, "data": {"name": "curve"},
    "hconcat": [_curve("loss", "training loss"),
                _curve("validation_accuracy", "validation accuracy", {"domain": [0, 1]})],
}


def draw_epochs(result):
    """The run's curves so far, from the untrained network's point at epoch 0; the caption gives the latest numbers."""
    epochs = result["epoch"]
    curve = chart.rows(epoch=epochs, loss=result["loss_curve"], validation_accuracy=result["validation_accuracy"])
    if "untrained" in result:
        curve = chart.rows(epoch=[0], **{name: [value] for name, value in result["untrained"].items()}) + curve
    settings = (f"learning rate {result['learning_rate']:g}, batch size {result['batch_size']}, "
                f"{result['loss']} loss, {result['num_train']} training images")
    if result["diverged"]:
        caption = (f"<b>diverged</b> in epoch {len(epochs) + 1} with {settings}: the loss became NaN or "
                   "exploded, and the weights from before that epoch were put back. Lower the learning rate "
                   "and press Train again.")
    elif not len(epochs):
        caption = f"untrained network, {settings}: press Train."
    else:
        caption = (f"epoch {epochs[-1]} with {settings}: validation accuracy <b>{result['validation_accuracy'][-1]:.3f}</b>, "
                   f"training loss {result['loss_curve'][-1]:.4f}.")
    return {"curve": curve}, caption


def train_one_epoch_panel(mnist=None, *, num_train=6000):
    """Learning rate, batch size, loss and epochs; Train plays the run live, Pause and Reset beside it.

    ``mnist`` is ``(x_train, y_train, x_val, y_val)`` with flattened images, one-hot
    training labels and integer validation labels; by default MNIST is loaded scaled to
    0..1 and its last :data:`NUM_VALIDATION` training images are the validation set, as
    in chapter 02 (the test set stays out of the tuning). Every run starts from the same
    initial weights, so runs with different settings compare fairly.
    """
    if mnist is None:
        (x_train, y_train), _ = data.load_mnist(flatten=True, one_hot=True)
        mnist = (x_train[:-NUM_VALIDATION], y_train[:-NUM_VALIDATION], x_train[-NUM_VALIDATION:],
                 y_train[-NUM_VALIDATION:].argmax(axis=1))
    controls = {
        "learning_rate": widgets.FloatLogSlider(value=1e-3, base=10, min=-4, max=0, step=0.5,
                                                description="learning rate", readout_format=".4f"),
        "batch_size": widgets.SelectionSlider(options=BATCH_SIZES, value=128, description="batch size"),
        "loss": widgets.ToggleButtons(options=list(LOSSES), value="MSE", description="loss"),
        "num_epochs": widgets.IntSlider(value=20, min=1, max=50, description="epochs"),
    }
    run = EpochByEpoch(*mnist, num_train=num_train)
    x_val, y_val = mnist[2], mnist[3]

    @functools.lru_cache(maxsize=None)  # every run starts from the same weights: once per loss
    def untrained(loss):
        """The network at its initial weights: its training loss and validation accuracy (one forward pass each)."""
        return {"loss": float(LOSSES[loss](run.y_train, run.model(tf.constant(run.x_train, tf.float32)))),
                "validation_accuracy": float(training.accuracy(y_val, run.model(tf.constant(x_val, tf.float32))))}

    def epochs(learning_rate, batch_size, loss, num_epochs):
        # measured at the run's first update, when the run has put the initial weights back
        return with_untrained(run.epochs(learning_rate, batch_size, loss, num_epochs), lambda _: untrained(loss))

    return Panel("Train epoch by epoch (前向传播 + 梯度下降)", controls, epochs, draw_epochs, spec=EPOCHS_SPEC,
                 button="Train", live=True,
                 explanation="It starts with the source's settings (MSE, SGD with learning rate 0.001). "
                             "Press Train and watch the curves, then try cross entropy with a learning rate "
                             "of 0.1. Pause keeps what was learned; Reset starts again.")
