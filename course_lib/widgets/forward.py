"""Chapter 02's panel: train the hand-built MNIST network one epoch at a time and watch what the settings do."""

import ipywidgets as widgets
import numpy as np
from matplotlib.ticker import MaxNLocator

from course_lib import data
from course_lib.forward import LOSSES, EpochByEpoch
from course_lib.plots import new_figure
from course_lib.widgets.panel import Panel

BATCH_SIZES = (16, 32, 64, 128, 256, 512, 1024)


def draw_epochs(result):
    """Training loss and test accuracy against the epoch; the caption gives the latest numbers."""
    figure, (loss_ax, accuracy_ax) = new_figure(8.0, 3.2, ncols=2)
    epochs = np.arange(1, len(result["test_accuracy"]) + 1)
    loss_ax.plot(epochs, result["loss_curve"], "o-", color="tab:blue")
    loss_ax.set_xlabel("epoch")
    loss_ax.set_ylabel(f"training loss ({result['loss']})")
    loss_ax.set_title("training loss")
    accuracy_ax.plot(epochs, result["test_accuracy"], "o-", color="tab:green")
    accuracy_ax.set_xlabel("epoch")
    accuracy_ax.set_ylabel("test accuracy")
    accuracy_ax.set_ylim(0.0, 1.0)
    accuracy_ax.set_title("test accuracy")
    for ax in (loss_ax, accuracy_ax):
        ax.set_xlim(0.5, max(len(epochs), 1) + 0.5)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    settings = (f"learning rate {result['learning_rate']:g}, batch size {result['batch_size']}, "
                f"{result['loss']} loss, {result['num_train']} training images")
    if result["diverged"]:
        caption = (f"<b>diverged</b> after {len(epochs)} good epoch(s) with {settings}: the loss "
                   "became NaN. Lower the learning rate and press Train again.")
    else:
        caption = (f"epoch {len(epochs)} with {settings}: test accuracy <b>{result['test_accuracy'][-1]:.3f}</b>, "
                   f"training loss {result['loss_curve'][-1]:.4f}.")
    return figure, caption


def train_one_epoch_panel(mnist=None, *, num_train=6000):
    """Learning rate, batch size and loss choice, and a button that trains one more epoch.

    ``mnist`` is ``(x_train, y_train, x_test, y_test)`` with flattened images and
    one-hot training labels; by default MNIST is loaded scaled to 0..1. The same
    settings continue the run; changed settings restart it from the same weights.
    """
    if mnist is None:
        (x_train, y_train), (x_test, y_test) = data.load_mnist(flatten=True, one_hot=True)
        mnist = (x_train, y_train, x_test, y_test)
    controls = {
        "learning_rate": widgets.FloatLogSlider(value=1e-3, base=10, min=-4, max=0, step=0.5,
                                                description="learning rate", readout_format=".4f"),
        "batch_size": widgets.SelectionSlider(options=BATCH_SIZES, value=128, description="batch size"),
        "loss": widgets.ToggleButtons(options=list(LOSSES), value="MSE", description="loss"),
    }
    return Panel("Train one epoch at a time (前向传播 + 梯度下降)", controls, EpochByEpoch(*mnist, num_train=num_train),
                 draw_epochs, button="Train one epoch",
                 explanation="It starts with the source's settings (MSE, SGD with learning rate 0.001). "
                             "Press the button a few times, then try cross entropy with a learning rate of 0.1.")
