"""The panel mechanism, driven as the browser tests and benchmarks drive it: by setting values."""

import base64

import ipywidgets as widgets
import pytest

from course_lib.widgets.chart import unpack_table
from course_lib.widgets.panel import PANEL_CLASS, Panel
from course_lib.widgets.welcome import line_fit, line_fit_panel


def test_moving_a_slider_sends_the_chart_new_data():
    panel = line_fit_panel()
    first_line, first_caption = panel.chart.datasets["line"], panel.chart.caption
    assert "MSE" in first_caption and len(first_line) == 12
    panel.controls["w"].value = 2.0
    panel.controls["b"].value = 1.0
    assert panel.chart.datasets["line"] != first_line and panel.chart.caption != first_caption
    assert panel.chart.datasets["line"][0] == {"x": -2.0, "prediction": -3.0}  # 2·(−2) + 1
    assert panel.result["mse"] < 0.25 < line_fit(0.5, 0.0)["mse"]
    assert len(panel.timings) == 3 and set(panel.timings[0]) == {"compute", "draw"}
    assert PANEL_CLASS in panel.widget._dom_classes


def test_an_offline_panel_holds_every_state_its_controls_can_reach():
    panel = line_fit_panel()
    table = unpack_table(panel.chart.table)
    assert len(table) == 51 * 31  # w: −1 … 4 by 0.1, b: −3 … 3 by 0.2
    assert panel.chart.linked == ["w", "b"] and (panel.chart.w, panel.chart.b) == (0.5, 0.0)
    entry = next(e for e in table if e["values"] == {"w": 2.0, "b": 1.0})
    panel.controls["w"].value, panel.controls["b"].value = 2.0, 1.0
    assert entry["datasets"] == {"line": panel.chart.datasets["line"]}  # the same state, kernel or not
    assert entry["caption"] == panel.chart.caption and (panel.chart.w, panel.chart.b) == (2.0, 1.0)
    assert all("points" not in e["datasets"] for e in table)  # shared by every state: sent once
    assert [(link.source, link.target) for link in panel.links] == [
        ((panel.controls["w"], "value"), (panel.chart, "w")), ((panel.controls["b"], "value"), (panel.chart, "b"))]


def test_a_chart_panel_shows_a_picture_where_widgets_do_not_render():
    panel = line_fit_panel()
    bundle = panel._repr_mimebundle_()
    assert base64.b64decode(bundle["image/png"]).startswith(b"\x89PNG")
    assert bundle["text/plain"].startswith("Try a widget: fit the line by hand (an interactive panel")
    assert "application/vnd.jupyter.widget-view+json" in bundle


def test_an_offline_panel_refuses_a_table_too_large():
    slider = widgets.FloatSlider(value=0.0, min=0.0, max=1.0, step=1e-4)
    with pytest.raises(ValueError, match="10001 combinations.*coarsen"):
        Panel("fine", {"x": slider}, lambda x: x, lambda x: ({}, ""), spec={"mark": "point"}, offline=True)


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
