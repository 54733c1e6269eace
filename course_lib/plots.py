"""Figures that several chapters share.

Every function returns a Matplotlib ``Figure`` made without pyplot, so a
notebook shows it exactly once when it is the cell's last expression, and a
panel can turn it into PNG bytes. Topic-specific figures live with their topic.
"""

import io

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image


def new_figure(width=7.0, height=3.6, *, nrows=1, ncols=1, **subplot_kw):
    """A figure and its axes (an array of them when ``nrows`` or ``ncols`` > 1)."""
    figure = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.subplots(nrows, ncols, squeeze=True, **subplot_kw)
    return figure, axes


def figure_to_png(figure):
    """The figure as PNG bytes, drawn in one pass.

    ``savefig`` draws a figure with a layout engine twice (once to lay it out,
    once to render); a panel redraws on every slider step, so it draws once and
    encodes the pixels itself, with light compression (the PNG only travels to
    the browser).
    """
    canvas = figure.canvas if isinstance(figure.canvas, FigureCanvasAgg) else FigureCanvasAgg(figure)
    canvas.draw()
    buffer = io.BytesIO()
    Image.fromarray(np.asarray(canvas.buffer_rgba())).save(buffer, format="png", compress_level=1)
    return buffer.getvalue()


class PanelCanvas:
    """Turns a panel's successive figures into PNG bytes quickly.

    A panel draws a new figure of the same design on every slider step. Two
    things make that slow and are kept here from one step to the next:

    - the layout: laying out a figure measures every text around every axes,
      which costs about as much as drawing it. The positions found once are
      applied again, and the layout is found anew only when the axes or the size
      change or a text around them gets longer (wider tick labels, a longer title), so
      nothing gets clipped;
    - the renderer, whose cache of typeset math (the 10⁻⁴ labels of a log axis)
      would otherwise start empty for every figure.
    """

    def __init__(self):
        self.canvas = None
        self.signature = None
        self.positions = None
        self.size = None

    def to_png(self, figure):
        """PNG bytes of ``figure``, with the remembered layout when it still fits."""
        self._adopt(figure)
        size = tuple(figure.get_size_inches())
        if self.positions is not None and len(figure.axes) == len(self.positions) and size == self.size:
            engine = figure.get_layout_engine()
            figure.set_layout_engine("none")
            for ax, position in zip(figure.axes, self.positions):
                ax.set_position(position)
                ax.set_in_layout(True)  # set_position takes an axes out of any later layout
            png = figure_to_png(figure)
            if _fits(text_signature(figure), self.signature):
                return png
            figure.set_layout_engine(engine)
        png = figure_to_png(figure)
        self.signature = text_signature(figure)
        self.positions = [ax.get_position(original=True) for ax in figure.axes]
        self.size = size
        return png

    def _adopt(self, figure):
        """Draw ``figure`` on the same canvas (and so the same renderer) as the figures before it."""
        if self.canvas is None:
            self.canvas = FigureCanvasAgg(figure)
        else:
            self.canvas.figure = figure
            figure.set_canvas(self.canvas)


def text_signature(figure):
    """The lengths of the texts a layout makes room for: the title, and each axes' title, axis and tick labels."""
    suptitle = figure._suptitle.get_text() if figure._suptitle is not None else ""
    signature = [(len(suptitle),)]
    for ax in figure.axes:
        signature.append((
            len(ax.get_title()), len(ax.get_xlabel()), len(ax.get_ylabel()),
            max((len(label.get_text()) for label in ax.get_xticklabels()), default=0),
            max((len(label.get_text()) for label in ax.get_yticklabels()), default=0),
        ))
    return signature


def _fits(signature, room):
    """Whether texts of these lengths fit where texts of the ``room`` lengths were laid out."""
    return len(signature) == len(room) and all(
        len(texts) == len(space) and all(n <= m for n, m in zip(texts, space))
        for texts, space in zip(signature, room))


def training_curves(history, metrics=("loss",), *, title=""):
    """One subplot per metric, training and validation curves against the epoch.

    ``history`` is a Keras ``History``, a :class:`course_lib.training.History`, or a
    dict of per-epoch lists; validation series are found under ``val_<metric>``.
    """
    series = getattr(history, "history", None) or getattr(history, "metrics", None) or history
    figure, axes = new_figure(4.2 * len(metrics), 3.4, ncols=len(metrics))
    axes = np.atleast_1d(axes)
    for ax, metric in zip(axes, metrics):
        if metric not in series:
            raise ValueError(f"the history has no {metric!r}; it has {sorted(series)}.")
        epochs = np.arange(1, len(series[metric]) + 1)
        ax.plot(epochs, series[metric], label=f"training {metric}")
        validation = series.get(f"val_{metric}")
        if validation is not None and len(validation):
            every = max(1, len(epochs) // len(validation))
            ax.plot(epochs[every - 1::every][:len(validation)], validation, "o-",
                    label=f"validation {metric}")
        ax.set_xlabel("epoch")
        ax.set_ylabel(metric)
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


def confusion_matrix(y_true, y_pred, class_names):
    """The confusion matrix as a heat map with counts; rows are true classes, columns predictions."""
    n = len(class_names)
    counts = np.zeros((n, n), dtype=int)
    np.add.at(counts, (np.asarray(y_true), np.asarray(y_pred)), 1)
    figure, ax = new_figure(6.0, 5.2)
    ax.imshow(counts, cmap="Blues")
    ax.grid(False)
    for (row, column), count in np.ndenumerate(counts):
        ax.text(column, row, count, ha="center", va="center", fontsize=8,
                color="white" if count > counts.max() / 2 else "black")
    ax.set_xticks(range(n), class_names, rotation=45, ha="right")
    ax.set_yticks(range(n), class_names)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    return figure
