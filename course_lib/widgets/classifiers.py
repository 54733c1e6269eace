"""The image panels of chapters 09 and 10: a test-image browser with predicted probabilities, and the epochs/width panel."""

import functools

import ipywidgets as widgets
import numpy as np

from course_lib import classifiers, training, validate
from course_lib.data import (FASHION_CLASS_NAMES, FASHION_CLASS_NAMES_ZH, MNIST_CLASS_NAMES,
                             load_fashion_mnist)
from course_lib.widgets import chart
from course_lib.widgets.panel import Panel, with_untrained


#: How many images (or mistakes) the browser's slider reaches: each one's pixels are stored in the panel.
BROWSER_SAMPLE = 100
#: The class names a browser shows by default, per dataset: digits, or clothes in English and Chinese.
DEFAULT_CLASS_NAMES = {
    "mnist": MNIST_CLASS_NAMES,
    "fashion_mnist": [f"{english} {chinese}" for english, chinese in zip(FASHION_CLASS_NAMES, FASHION_CLASS_NAMES_ZH)],
}
#: What a bar's colour says, and the colour.
BAR_ROLES = {"predicted, right": "#2ca02c", "predicted, wrong": "#d62728", "true class": "#1f77b4",
             "other class": "#b0b0b0"}

#: The browser's chart: the image as a grey heatmap (ink dark, as printed) beside the ten probabilities.
IMAGE_BROWSER_SPEC = {
    "$schema": chart.SCHEMA,
    "hconcat": [
        {"data": {"name": "pixels"}, "width": 196, "height": 196,
         "title": "test image (28 × 28 pixels)",
         "mark": {"type": "rect"},
         "encoding": {
             "x": {"field": "column", "type": "ordinal", "axis": None},
             "y": {"field": "row", "type": "ordinal", "axis": None},
             "color": {"field": "value", "type": "quantitative", "legend": None,
                       "scale": {"range": ["white", "black"], "zero": True}}}},
        {"data": {"name": "probabilities"}, "width": 360, "height": 196,
         "title": "predicted probability of each class",
         "mark": {"type": "bar"},
         "encoding": {
             "x": {"field": "class", "type": "nominal", "sort": None, "title": "class",
                   "axis": {"labelAngle": -35, "labelLimit": 160}},
             "y": {"field": "probability", "type": "quantitative", "title": "predicted probability",
                   "scale": {"domain": [0, 1]}},
             "color": {"field": "role", "type": "nominal", "title": None,
                       "scale": {"domain": list(BAR_ROLES), "range": list(BAR_ROLES.values())},
                       "legend": {"orient": "top", "direction": "horizontal"}},
             "tooltip": [{"field": "class"}, {"field": "probability", "format": ".3f"}]}},
    ],
    "config": {"legend": {"labelLimit": 0}},
}


def _bar_role(class_index, label, predicted):
    if class_index == predicted:
        return "predicted, right" if predicted == label else "predicted, wrong"
    return "true class" if class_index == label else "other class"


def draw_image_prediction(result):
    """The image's pixels and the ten class probabilities, as chart data; the caption names the prediction."""
    names = result["class_names"]
    label, predicted = result["label"], result["predicted"]
    right = label == predicted
    image = np.asarray(result["image"], dtype=np.float64)
    rows, columns = np.indices(image.shape)
    probabilities = result["probabilities"]
    datasets = {
        # two decimals are 100 grey levels, more than the eye tells apart, and keep the stored states small
        "pixels": chart.rows(row=rows.ravel(), column=columns.ravel(), value=np.round(image.ravel(), 2)),
        "probabilities": chart.rows(**{"class": names}, probability=probabilities,
                                    role=[_bar_role(i, label, predicted) for i in range(len(names))]),
    }
    where = ("all test images" if result["subset"] == "all"
             else f"mistake {result['position'] + 1} of {result['pool_size']}")
    caption = (f"{where}: test image <b>#{result['index']}</b>, true class <b>{names[label]}</b>, "
               f"predicted <b>{names[predicted]}</b> with probability "
               f"<b>{probabilities[predicted]:.3f}</b> ({'right' if right else 'wrong'}); "
               f"runner-up {names[result['runner_up']]} ({probabilities[result['runner_up']]:.3f}). "
               f"The model is right on {result['accuracy']:.2%} of the test set "
               f"({result['num_mistakes']} mistakes).")
    return datasets, caption


def image_browser_panel(model=None, x_test=None, y_test=None, class_names=None, *,
                        from_logits=False, index=0, subset="all", dataset="mnist"):
    """Step through test images and see the probability the model gives each class.

    ``model`` is a trained classifier (the chapter's); without one a small model is
    trained in a few seconds on ``dataset`` ("mnist" or "fashion_mnist"), so that the
    panel cell runs right after the chapter's setup cell. ``x_test``/``y_test``
    default to that dataset's test set, ``class_names`` to its classes (digits, or
    the English and Chinese names of the clothes); ``from_logits`` says that the model
    returns logits. The probabilities are computed once, for the whole test set.
    The slider reaches the first :data:`BROWSER_SAMPLE` images (or mistakes): the
    panel stores those states, so it answers without a kernel.
    """
    validate.one_of("dataset", dataset, DEFAULT_CLASS_NAMES)
    if model is None:
        model, x_test, y_test, probabilities = classifiers.quick_classifier(dataset)
    else:
        if x_test is None or y_test is None:
            raise ValueError("give x_test and y_test with the model, the images it should classify.")
        probabilities = classifiers.predict_probabilities(model, x_test, from_logits=from_logits)
    class_names = list(DEFAULT_CLASS_NAMES[dataset] if class_names is None else class_names)

    def compute(index, subset):
        return classifiers.image_prediction(x_test, y_test, probabilities, class_names, index, subset)

    reach = min(len(y_test), BROWSER_SAMPLE)
    controls = {
        "index": widgets.IntSlider(value=index, min=0, max=reach - 1, description="image"),
        "subset": widgets.ToggleButtons(options=list(classifiers.SUBSETS), value=subset,
                                        description="show"),
    }
    return Panel("Test-image browser (测试图片浏览)", controls, compute, draw_image_prediction,
                 spec=IMAGE_BROWSER_SPEC, offline=True,
                 explanation=f"Drag the slider through the first {reach} test images; choose "
                             f"<i>misclassified</i> to step through the model's first {reach} mistakes "
                             "only. The accuracy in the caption is over the whole test set.")


#: Training and test accuracy against the epoch.
TRAINING_RUN_SPEC = {
    "$schema": chart.SCHEMA, "width": 380, "height": 240, "data": {"name": "accuracy"},
    "title": {"text": {"expr": "data('accuracy').length ? data('accuracy')[0].network : ''"}},
    "mark": {"type": "line", "point": True},
    "encoding": {"x": {"field": "epoch", "type": "quantitative", "title": "epoch",
                       "axis": {"tickMinStep": 1, "format": "d"}, "scale": {"domainMin": 0}},
                 "y": {"field": "accuracy", "type": "quantitative", "title": "accuracy",
                       "scale": {"domain": [0, 1]}},  # from the untrained network's (near chance, 0.1) up
                 "color": {"field": "measured on", "type": "nominal",
                           "scale": {"domain": ["training images", "test images"]}}},
}


def draw_training_run(result):
    """Training and test accuracy per epoch so far; the caption gives the last numbers and the gap."""
    epochs = np.arange(1, result["num_epochs"] + 1)
    train_accuracy, test_accuracy = list(result["train_accuracy"]), list(result["test_accuracy"])
    if "untrained" in result:  # both curves start at the untrained network, at epoch 0
        epochs = np.arange(result["num_epochs"] + 1)
        train_accuracy = [result["untrained"]["train_accuracy"]] + train_accuracy
        test_accuracy = [result["untrained"]["test_accuracy"]] + test_accuracy
    network = f"784-{'-'.join(map(str, result['widths']))}-10 on {result['num_train']:,} images"
    accuracy = (chart.rows(epoch=epochs, accuracy=train_accuracy, **{"measured on": "training images"},
                           network=network)
                + chart.rows(epoch=epochs, accuracy=test_accuracy, **{"measured on": "test images"},
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

    @functools.lru_cache(maxsize=None)  # every run of a network starts from the same weights: once per widths
    def untrained(widths):
        """The accuracies of ``widths``' network at its initial weights (put back by the run's first update)."""
        model = runs.models[widths][0]
        return {name: float(training.accuracy(y, model(x, training=False)))
                for name, (x, y) in (("train_accuracy", runs.train_data), ("test_accuracy", runs.test_data))}

    def compute(num_epochs, first_width):
        widths = classifiers.scaled_widths(first_width)
        return with_untrained(runs.epochs(num_epochs, widths), lambda _: untrained(widths))

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
