"""The image panels of chapters 09 and 10: a test-image browser with predicted probabilities, and the epochs/width panel."""

import ipywidgets as widgets
import numpy as np

from course_lib import classifiers, validate
from course_lib.data import MNIST_CLASS_NAMES, load_fashion_mnist
from course_lib.plots import new_figure
from course_lib.widgets import chart
from course_lib.widgets.panel import Panel


def draw_image_prediction(result):
    """The image beside a bar chart of the ten class probabilities; the caption names the prediction."""
    figure, (image_ax, bars_ax) = new_figure(8.0, 3.2, ncols=2, width_ratios=[1, 2])
    names = result["class_names"]
    label, predicted = result["label"], result["predicted"]
    right = label == predicted
    image_ax.imshow(result["image"], cmap="gray_r")
    image_ax.axis("off")
    image_ax.set_title(f"test image #{result['index']}\ntrue: {names[label]}", fontsize=11)
    colors = ["tab:gray"] * len(names)
    colors[predicted] = "tab:green" if right else "tab:red"
    if not right:
        colors[label] = "tab:blue"
    bars_ax.bar(range(len(names)), result["probabilities"], color=colors)
    bars_ax.set_xticks(range(len(names)), names, rotation=35, ha="right")
    bars_ax.set_ylim(0, 1.05)
    bars_ax.set_ylabel("predicted probability")
    bars_ax.set_title("green: right · red: wrong prediction · blue: true class", fontsize=10)
    probabilities = result["probabilities"]
    where = ("all test images" if result["subset"] == "all"
             else f"mistake {result['position'] + 1} of {result['pool_size']}")
    caption = (f"{where}: test image <b>#{result['index']}</b>, true class <b>{names[label]}</b>, "
               f"predicted <b>{names[predicted]}</b> with probability "
               f"<b>{probabilities[predicted]:.3f}</b> ({'right' if right else 'wrong'}); "
               f"runner-up {names[result['runner_up']]} ({probabilities[result['runner_up']]:.3f}). "
               f"The model is right on {result['accuracy']:.2%} of the test set "
               f"({result['num_mistakes']} mistakes).")
    return figure, caption


def image_browser_panel(model=None, x_test=None, y_test=None, class_names=None, *,
                             from_logits=False, index=0, subset="all"):
    """Step through test images and see the probability the model gives each class.

    ``model`` is a trained classifier (the chapter's); without one a small MNIST
    model is trained in a few seconds. ``x_test``/``y_test`` default to MNIST's
    test set, ``class_names`` to the digits; ``from_logits`` says that the model
    returns logits. The probabilities are computed once, so the slider is instant.
    """
    if model is None:
        model, x_test, y_test, probabilities = classifiers.quick_mnist_classifier()
    else:
        if x_test is None or y_test is None:
            raise ValueError("give x_test and y_test with the model, the images it should classify.")
        probabilities = classifiers.predict_probabilities(model, x_test, from_logits=from_logits)
    class_names = list(MNIST_CLASS_NAMES if class_names is None else class_names)

    def compute(index, subset):
        return classifiers.image_prediction(x_test, y_test, probabilities, class_names, index, subset)

    controls = {
        "index": widgets.IntSlider(value=index, min=0, max=len(y_test) - 1, description="image"),
        "subset": widgets.ToggleButtons(options=list(classifiers.SUBSETS), value=subset,
                                        description="show"),
    }
    return Panel("Test-image browser (测试图片浏览)", controls, compute, draw_image_prediction,
                 explanation="Drag the slider through the test set; choose <i>misclassified</i> "
                             "to step through the model's mistakes only.")


#: Training and test accuracy against the epoch.
TRAINING_RUN_SPEC = {
    "$schema": chart.SCHEMA, "width": 380, "height": 240, "data": {"name": "accuracy"},
    "title": {"text": {"expr": "data('accuracy').length ? data('accuracy')[0].network : ''"}},
    "mark": {"type": "line", "point": True},
    "encoding": {"x": {"field": "epoch", "type": "quantitative", "title": "epoch",
                       "axis": {"tickMinStep": 1, "format": "d"}, "scale": {"domainMin": 0}},
                 "y": {"field": "accuracy", "type": "quantitative", "title": "accuracy",
                       "scale": {"zero": False}},
                 "color": {"field": "measured on", "type": "nominal",
                           "scale": {"domain": ["training images", "test images"]}}},
}


def draw_training_run(result):
    """Training and test accuracy per epoch so far; the caption gives the last numbers and the gap."""
    epochs = np.arange(1, result["num_epochs"] + 1)
    network = f"784-{'-'.join(map(str, result['widths']))}-10 on {result['num_train']:,} images"
    accuracy = (chart.rows(epoch=epochs, accuracy=result["train_accuracy"], **{"measured on": "training images"},
                           network=network)
                + chart.rows(epoch=epochs, accuracy=result["test_accuracy"], **{"measured on": "test images"},
                             network=network))
    size = f"widths {'-'.join(map(str, result['widths']))} (<b>{result['num_parameters']:,}</b> parameters)"
    if not result["num_epochs"]:
        return {"accuracy": accuracy}, f"{size}, untrained: press Train."
    train, test = result["train_accuracy"][-1], result["test_accuracy"][-1]
    caption = (f"{size}, <b>{result['num_epochs']}</b> epochs: training accuracy <b>{train:.3f}</b>, "
               f"test accuracy <b>{test:.3f}</b>, gap {train - test:+.3f}.")
    return {"accuracy": accuracy}, caption


def epochs_width_panel(num_train=3000, num_test=2000, *, num_epochs=3, first_width=256):
    """Train the Fashion-MNIST funnel network on a subset: choose the epochs and the first layer's width.

    The widths halve layer by layer as in the source (256-128-64-32 at 256). A
    subset of ``num_train`` training and ``num_test`` test images keeps a run to
    a couple of seconds; Train plays it live, an update per epoch.
    """
    num_train = validate.positive_int("num_train", num_train)
    num_test = validate.positive_int("num_test", num_test)
    (x_train, y_train), (x_test, y_test) = load_fashion_mnist(flatten=True, one_hot=True)
    x_train, y_train = x_train[:num_train], y_train[:num_train]
    runs = classifiers.FreshRuns(x_train, y_train, x_test[:num_test], y_test[:num_test])

    def compute(num_epochs, first_width):
        return runs.epochs(num_epochs, classifiers.scaled_widths(first_width))

    controls = {
        "num_epochs": widgets.IntSlider(value=num_epochs, min=1, max=15, description="epochs"),
        "first_width": widgets.SelectionSlider(options=[8, 16, 32, 64, 128, 256, 512],
                                               value=first_width, description="first width"),
    }
    return Panel("Epochs and width (轮数与网络宽度)", controls, compute, draw_training_run,
                 spec=TRAINING_RUN_SPEC, button="Train", live=True,
                 explanation=f"Trains on {num_train:,} images, tests on {num_test:,}, and draws every epoch "
                             "as it ends. More epochs or wider layers: does the test accuracy follow the "
                             "training accuracy?")
