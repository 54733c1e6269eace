"""Chapter 08's panel: retrain the iris model with other epochs, learning rate and L2 strength."""

import ipywidgets as widgets
import numpy as np

from course_lib import data, recipe
from course_lib.plots import new_figure
from course_lib.widgets.panel import Panel


def draw_iris_training(result):
    """Loss (left) and accuracy (right) per epoch, training and validation; the caption gives the end values."""
    history = result["history"]
    epochs = np.arange(1, result["num_epochs"] + 1)
    figure, (left, right) = new_figure(8.4, 3.4, ncols=2)
    for ax, metric in ((left, "loss"), (right, "accuracy")):
        ax.plot(epochs, history[metric], label=f"training {metric}")
        ax.plot(epochs, history[f"val_{metric}"], label=f"validation {metric}", linewidth=0.8, alpha=0.8)
        ax.set(xlabel="epoch", ylabel=metric, title=metric)
    right.set_ylim(0.0, 1.05)
    left.legend()
    caption = (f"{result['num_epochs']} epochs, learning rate {result['learning_rate']:g}, "
               f"L2 {result['l2']:g}: training accuracy <b>{history['accuracy'][-1]:.3f}</b>, "
               f"validation accuracy <b>{history['val_accuracy'][-1]:.3f}</b>, "
               f"loss {history['loss'][-1]:.3f}, weight norm ‖W‖ = <b>{np.linalg.norm(result['kernel']):.2f}</b>; "
               f"trained in {result['seconds']:.2f} s")
    return figure, caption


def recipe_panel(x=None, y=None):
    """Epochs, learning rate and L2 strength for the source's iris model; "Train" retrains it.

    ``x`` and ``y`` default to iris shuffled with the source's seed 116; the last 20 % of the
    rows validate, as ``validation_split=0.2`` does.
    """
    if x is None or y is None:
        x, y = data.load_iris(shuffle_seed=116)
    (x_train, y_train), (x_val, y_val) = recipe.split_like_keras(x, y, 0.2)

    def train(num_epochs, learning_rate, l2):
        return recipe.train_softmax_regression(x_train, y_train, x_val, y_val, num_epochs=num_epochs,
                                               learning_rate=learning_rate, l2=l2)

    controls = {
        "num_epochs": widgets.IntSlider(value=500, min=20, max=1000, step=20, description="epochs"),
        "learning_rate": widgets.FloatLogSlider(value=0.1, base=10, min=-3, max=0, step=0.1,
                                                description="learning rate", readout_format=".3f"),
        "l2": widgets.FloatSlider(value=recipe.DEFAULT_L2, min=0.0, max=0.2, step=0.005,
                                  description="L2", readout_format=".3f"),
    }
    return Panel("The iris model (鸢尾花分类), retrained", controls, train, draw_iris_training, button="Train",
                 explanation="Mini-batch SGD, batch 32, as model.fit, but compiled into one graph: "
                             "500 epochs take well under a second on a free CPU.")
