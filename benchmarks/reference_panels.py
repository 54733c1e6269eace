"""Two panels drawn the other ways, kept as references for the browser latency benchmark.

The course's panels draw in the browser with Vega-Lite (``course_lib.widgets.chart``).
To show what that choice buys, ``browser_latency`` measures the same two panels
(chapter 00's line fit and chapter 05's cross entropy against MSE) drawn

- **with Matplotlib in the kernel**, sent as a PNG: how every panel was drawn
  until the Vega-Lite charts replaced it, with the same drawing code
  (``PanelCanvas``: one pass, the layout and renderer kept between steps) and
  those panels' own figures;
- **with plotly's FigureWidget** (an anywidget since plotly 6), the other
  candidate the panel issue named, updated from the kernel on every change.

Both use the course's own ``compute`` functions, so only the drawing differs.
Each is a ``course-panel`` (controls beside a figure and a caption), found on
the page like the course's panels.
"""

import html
import io

import ipywidgets as widgets
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from PIL import Image

from course_lib import losses
from course_lib.plots import new_figure
from course_lib.welcome import POINTS_X, POINTS_Y, line_fit

# ------------------------------------------------------- the old path: Matplotlib figures as PNG bytes

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



# ------------------------------------------------------------------------------- the two panels

PROBABILITIES = np.linspace(0.005, 1.0, 200)
CURVES = [losses.probability_losses(p) for p in PROBABILITIES]
LOSS_LABELS = (("ce", "cross entropy −ln p", "#1f77b4"), ("mse", "MSE (1 − p)²", "#ff7f0e"))


def line_fit_controls():
    return {"w": widgets.FloatSlider(value=0.5, min=-1.0, max=4.0, step=0.1, description="w (slope)"),
            "b": widgets.FloatSlider(value=0.0, min=-3.0, max=3.0, step=0.2, description="b (intercept)")}


def probability_controls():
    return {"probability": widgets.FloatSlider(value=0.3, min=0.01, max=1.0, step=0.01,
                                               description="p (true class)")}


def line_fit_caption(result):
    return f"mean squared error (MSE, 均方误差) = <b>{result['mse']:.3f}</b>"


def probability_caption(result):
    return (f"p = <b>{result['probability']:.3f}</b>: CE = <b>{result['ce']:.3f}</b>, "
            f"MSE = <b>{result['mse']:.3f}</b>")


class ReferencePanel:
    """Controls beside a figure widget and a caption; ``update(values)`` redraws on every change."""

    def __init__(self, title, controls, figure_widget, update):
        self.controls = controls
        self.update = update
        self.caption = widgets.HTML()
        self.caption.add_class("course-panel-caption")
        for control in controls.values():
            control.observe(lambda _: self.refresh(), names="value")
        self.widget = widgets.VBox([
            widgets.HTML(f"<b>{html.escape(title)}</b>"),
            widgets.HBox([widgets.VBox(list(controls.values()), layout=widgets.Layout(min_width="300px")),
                          widgets.VBox([figure_widget, self.caption])]),
        ])
        self.widget.add_class("course-panel")
        self.refresh()

    def refresh(self):
        self.caption.value = self.update({name: c.value for name, c in self.controls.items()})

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


def matplotlib_panel(title, controls, draw):
    """A panel whose ``draw(values)`` returns a Matplotlib figure and caption, sent as a PNG."""
    canvas = PanelCanvas()
    image = widgets.Image(format="png", layout=widgets.Layout(max_width="100%"))

    def update(values):
        figure, caption = draw(values)
        image.value = canvas.to_png(figure)
        return caption

    return ReferencePanel(title, controls, image, update)


def draw_line_fit_matplotlib(values):
    result = line_fit(**values)
    figure, ax = new_figure(5.5, 3.4)
    ax.scatter(POINTS_X, POINTS_Y, color="black", zorder=3, label="data")
    ax.plot(POINTS_X, result["predictions"], color="tab:blue", label="line")
    ax.vlines(POINTS_X, POINTS_Y, result["predictions"], color="tab:red", alpha=0.5, label="errors")
    ax.set(xlabel="x", ylabel="y", ylim=(-6, 8))
    ax.legend(loc="upper left")
    return figure, line_fit_caption(result)


def draw_probability_matplotlib(values):
    result = losses.probability_losses(values["probability"])
    figure, (left, right) = new_figure(8.4, 3.4, ncols=2)
    for key, label, color in LOSS_LABELS:
        left.plot(PROBABILITIES, [c[key] for c in CURVES], color=color, label=label)
        left.plot(result["probability"], result[key], "o", color=color)
        right.plot(PROBABILITIES, [c[f"{key}_slope"] for c in CURVES], color=color, label=label)
        right.plot(result["probability"], result[f"{key}_slope"], "o", color=color)
    left.set(xlabel="predicted probability of the true class p", ylabel="loss", ylim=(0, 5), title="loss")
    right.set(xlabel="predicted probability of the true class p", ylabel="d loss / d logit",
              title="gradient with respect to the logit")
    left.legend()
    return figure, probability_caption(result)


def matplotlib_line_fit_panel():
    return matplotlib_panel("Line fit drawn by Matplotlib", line_fit_controls(), draw_line_fit_matplotlib)


def matplotlib_ce_vs_mse_panel():
    return matplotlib_panel("CE against MSE drawn by Matplotlib", probability_controls(),
                            draw_probability_matplotlib)


def plotly_line_fit_panel():
    import plotly.graph_objects as go

    result = line_fit(0.5, 0.0)
    figure = go.FigureWidget([
        go.Scatter(x=POINTS_X, y=POINTS_Y, mode="markers", name="data", marker={"color": "black"}),
        go.Scatter(x=POINTS_X, y=result["predictions"], mode="lines", name="line"),
    ], layout={"width": 450, "height": 300, "margin": {"t": 10}, "xaxis": {"title": {"text": "x"}},
               "yaxis": {"title": {"text": "y"}, "range": [-6, 8]}})

    def update(values):
        result = line_fit(**values)
        figure.data[1].y = result["predictions"]
        return line_fit_caption(result)

    return ReferencePanel("Line fit drawn by plotly", line_fit_controls(), figure, update)


def plotly_ce_vs_mse_panel():
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    base = make_subplots(rows=1, cols=2, subplot_titles=("loss", "gradient with respect to the logit"))
    for key, label, color in LOSS_LABELS:
        base.add_trace(go.Scatter(x=PROBABILITIES, y=[c[key] for c in CURVES], name=label,
                                  line={"color": color}), row=1, col=1)
        base.add_trace(go.Scatter(x=PROBABILITIES, y=[c[f"{key}_slope"] for c in CURVES], showlegend=False,
                                  line={"color": color}), row=1, col=2)
    for col in (1, 2):
        base.add_trace(go.Scatter(x=[0.3, 0.3], y=[0, 0], mode="markers", showlegend=False,
                                  marker={"color": ["#1f77b4", "#ff7f0e"], "size": 9}), row=1, col=col)
    base.update_layout(width=760, height=300, margin={"t": 30})
    base.update_yaxes(range=[0, 5], row=1, col=1)
    figure = go.FigureWidget(base)

    def update(values):
        result = losses.probability_losses(values["probability"])
        with figure.batch_update():
            figure.data[4].x = [result["probability"]] * 2
            figure.data[4].y = [result["ce"], result["mse"]]
            figure.data[5].x = [result["probability"]] * 2
            figure.data[5].y = [result["ce_slope"], result["mse_slope"]]
        return probability_caption(result)

    return ReferencePanel("CE against MSE drawn by plotly", probability_controls(), figure, update)
