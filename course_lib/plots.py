"""Figures that several chapters share.

Every function returns a Matplotlib ``Figure`` made without pyplot, so a
notebook shows it exactly once when it is the cell's last expression.
Topic-specific figures live with their topic; panels draw with Vega-Lite
(``course_lib.widgets.chart``).
"""

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from course_lib import validate


def new_figure(width=7.0, height=3.6, *, nrows=1, ncols=1, **subplot_kw):
    """A figure and its axes (an array of them when ``nrows`` or ``ncols`` > 1)."""
    figure = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.subplots(nrows, ncols, squeeze=True, **subplot_kw)
    return figure, axes


#: Axis labels in words for the metric identifiers Keras records.
METRIC_WORDS = {"loss": "loss", "accuracy": "accuracy", "sparse_categorical_accuracy": "accuracy",
                "categorical_accuracy": "accuracy", "mse": "mean squared error",
                "mean_squared_error": "mean squared error"}


def metric_words(metric):
    """A metric identifier in words, for an axis label (``sparse_categorical_accuracy`` → accuracy)."""
    if not isinstance(metric, str):
        raise TypeError(f"metric must be a metric's name (a str), got {type(metric).__name__}.")
    return METRIC_WORDS.get(metric, metric.replace("_", " "))


def training_curves(history, metrics=("loss",), *, title=""):
    """One subplot per metric, training and validation curves against the epoch.

    ``history`` is a Keras ``History``, a :class:`course_lib.training.History`, or a
    dict of per-epoch lists; validation series are found under ``val_<metric>``.
    Axes are labelled in words, not with Keras' metric identifiers.
    """
    series = getattr(history, "history", None) or getattr(history, "metrics", None) or history
    figure, axes = new_figure(4.2 * len(metrics), 3.4, ncols=len(metrics))
    axes = np.atleast_1d(axes)
    for ax, metric in zip(axes, metrics):
        if metric not in series:
            raise ValueError(f"the history has no {metric!r}; it has {sorted(series)}.")
        epochs = np.arange(1, len(series[metric]) + 1)
        words = metric_words(metric)
        ax.plot(epochs, series[metric], label=f"training {words}")
        validation = series.get(f"val_{metric}")
        if validation is not None and len(validation):
            every = max(1, len(epochs) // len(validation))
            ax.plot(epochs[every - 1::every][:len(validation)], validation, "o-",
                    label=f"validation {words}")
        ax.set_xlabel("epoch")
        ax.set_ylabel(words)
        ax.set_title(words, fontsize=10)
        ax.legend()
    if title:
        figure.suptitle(title)
    return figure


def image_grid(images, titles=None, *, columns=8, cmap="gray", size=1.3):
    """Images in a grid, each with an optional title (a label, a prediction)."""
    images = np.asarray(images)
    if images.ndim != 3:
        raise ValueError(f"expected a stack of 2-D images (n, height, width), got shape {images.shape}.")
    rows = int(np.ceil(len(images) / columns))
    figure, axes = new_figure(size * columns, size * rows * 1.15, nrows=rows, ncols=columns)
    for index, ax in enumerate(np.atleast_1d(axes).flat):
        ax.axis("off")
        if index < len(images):
            ax.imshow(images[index], cmap=cmap)
            if titles is not None:
                ax.set_title(titles[index], fontsize=9)
    return figure


def confusion_matrix(y_true, y_pred, class_names, *, title="Confusion matrix"):
    """The confusion matrix as a heat map with counts; rows are true classes, columns predictions.

    The title gives the number of images and the accuracy (the diagonal's share).
    """
    if isinstance(class_names, str) or not hasattr(class_names, "__len__") or len(class_names) == 0:
        raise TypeError(f"class_names must be a list of the classes' names, got {class_names!r}.")
    n = len(class_names)
    y_true, y_pred = validate.class_labels("y_true", y_true, n), validate.class_labels("y_pred", y_pred, n)
    validate.same_length(y_true, y_pred, "y_true", "y_pred")
    counts = np.zeros((n, n), dtype=int)
    np.add.at(counts, (y_true, y_pred), 1)
    figure, ax = new_figure(6.0, 5.2)
    image = ax.imshow(counts, cmap="Blues")
    figure.colorbar(image, ax=ax, label="number of images", shrink=0.8)
    ax.set_title(f"{title}: {counts.sum()} images, accuracy {np.trace(counts) / counts.sum():.3f}", fontsize=11)
    ax.grid(False)
    for (row, column), count in np.ndenumerate(counts):
        ax.text(column, row, count, ha="center", va="center", fontsize=8,
                color="white" if count > counts.max() / 2 else "black")
    ax.set_xticks(range(n), class_names, rotation=45, ha="right")
    ax.set_yticks(range(n), class_names)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    return figure
