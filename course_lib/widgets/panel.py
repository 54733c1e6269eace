"""The one mechanism behind every interactive panel of the course.

A panel is controls on the left and, beside them, a figure with a caption
underneath. When a control moves (or, for training panels, when the button is
pressed) the panel calls ``compute(**values)``, a pure function of the control
values, then ``draw(result)``, which returns a Matplotlib figure and a caption.
The figure is sent as PNG bytes in an ``Image`` widget, so a panel needs no
running kernel to be tested: set a control's ``value`` and read ``result``,
``caption.value`` or ``image.value``. ``timings`` keeps how long compute and
drawing took, for the benchmarks.

Bad input never breaks a panel: a ``ValueError`` from ``compute`` is shown in
the caption, in red, and the last good figure stays.
"""

import html
import time

import ipywidgets as widgets

from course_lib.plots import PanelCanvas

PANEL_CLASS = "course-panel"


class Panel:
    """Controls, a figure and a caption, redrawn from ``compute`` and ``draw`` when a control moves."""

    def __init__(self, title, controls, compute, draw, *, button=None, explanation=""):
        """Build the panel and draw it once with the controls' initial values.

        ``controls`` maps ``compute``'s keyword names to ipywidgets controls.
        ``button`` (a label such as "Train") makes the panel update only when it is
        pressed, for updates that take seconds; without it, every change redraws.
        """
        self.title = title
        self.controls = dict(controls)
        self.compute = compute
        self.draw = draw
        self.result = None
        self.timings = []
        self._canvas = PanelCanvas()
        self.image = widgets.Image(format="png", layout=widgets.Layout(max_width="100%"))
        self.caption = widgets.HTML()
        self.caption.add_class("course-panel-caption")
        inputs = list(self.controls.values())
        if button is None:
            self.button = None
            for control in inputs:
                control.observe(self._on_change, names="value")
        else:
            self.button = widgets.Button(description=button, button_style="primary",
                                         icon="play")
            self.button.on_click(lambda _: self.refresh())
            inputs.append(self.button)
        header = widgets.HTML(f"<b>{html.escape(title)}</b>"
                              + (f"<br><span>{explanation}</span>" if explanation else ""))
        self.widget = widgets.VBox([
            header,
            widgets.HBox([widgets.VBox(inputs, layout=widgets.Layout(min_width="300px")),
                          widgets.VBox([self.image, self.caption])]),
        ])
        self.widget.add_class(PANEL_CLASS)
        self.refresh()

    def values(self):
        """The current value of every control, by name."""
        return {name: control.value for name, control in self.controls.items()}

    def _on_change(self, _change):
        self.refresh()

    def refresh(self):
        """Recompute and redraw from the current control values; show a ValueError in the caption."""
        if self.button is not None:
            self.button.disabled = True
        start = time.perf_counter()
        try:
            result = self.compute(**self.values())
            computed = time.perf_counter()
            figure, caption = self.draw(result)
            png = self._canvas.to_png(figure)
        except ValueError as error:
            self.caption.value = (f'<span style="color:#b00020">⚠ {html.escape(str(error))}</span>')
            return
        finally:
            if self.button is not None:
                self.button.disabled = False
        self.result = result
        self.image.value = png
        self.caption.value = caption
        self.timings.append({"compute": computed - start, "draw": time.perf_counter() - computed})

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)
