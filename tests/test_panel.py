"""The panel mechanism, driven as the browser tests and benchmarks drive it: by setting values."""

import ipywidgets as widgets

from course_lib.widgets.panel import PANEL_CLASS, Panel
from course_lib.widgets.welcome import line_fit, line_fit_panel


def test_moving_a_slider_recomputes_and_redraws():
    panel = line_fit_panel()
    first_png, first_caption = bytes(panel.image.value), panel.caption.value
    assert first_png.startswith(b"\x89PNG") and "MSE" in first_caption
    panel.controls["w"].value = 2.0
    panel.controls["b"].value = 1.0
    assert bytes(panel.image.value) != first_png
    assert panel.result["mse"] < 0.25 < line_fit(0.5, 0.0)["mse"]
    assert len(panel.timings) == 3 and set(panel.timings[0]) == {"compute", "draw"}
    assert PANEL_CLASS in panel.widget._dom_classes


def test_a_value_error_is_shown_and_the_last_figure_kept():
    def compute(x):
        if x < 0:
            raise ValueError("x must be 0 or more")
        return x

    def draw(x):
        from course_lib.plots import new_figure
        figure, ax = new_figure()
        ax.plot([0, 1], [0, x])
        return figure, f"x = {x}"

    panel = Panel("demo", {"x": widgets.FloatSlider(value=1.0, min=-2, max=2)}, compute, draw)
    png = bytes(panel.image.value)
    panel.controls["x"].value = -1.0
    assert "x must be 0 or more" in panel.caption.value
    assert bytes(panel.image.value) == png and panel.result == 1.0


def test_a_button_panel_waits_for_the_button():
    calls = []

    def compute(n):
        calls.append(n)
        return n

    def draw(n):
        from course_lib.plots import new_figure
        return new_figure()[0], f"n = {n}"

    panel = Panel("train", {"n": widgets.IntSlider(value=1, min=1, max=5)}, compute, draw, button="Train")
    panel.controls["n"].value = 3
    assert calls == [1]
    panel.button.click()
    assert calls == [1, 3] and panel.caption.value == "n = 3" and not panel.button.disabled
