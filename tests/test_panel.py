"""The panel mechanism, driven as the browser tests and benchmarks drive it: by setting values."""

import base64
import time

import ipywidgets as widgets
import pytest

from course_lib.widgets.chart import unpack_table
from course_lib.widgets.panel import NEEDS_KERNEL_CLASS, PANEL_CLASS, Panel, with_untrained
from course_lib.welcome import line_fit
from course_lib.widgets.welcome import line_fit_panel


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
    assert bundle["text/plain"].startswith("Try a widget: fit the line by hand: y = 0.5·x + 0.0: mean squared error")
    assert "application/vnd.jupyter.widget-view+json" in bundle


def test_a_panel_can_tabulate_some_controls_and_tabulate_again_when_another_changes():
    controls = {"scale": widgets.Text(value="2"),
                "x": widgets.FloatLogSlider(value=1.0, base=10, min=-1, max=1, step=0.5)}

    def compute(scale, x):
        return {"y": float(scale) * x}

    panel = Panel("scaled", controls, compute, lambda r: ({"curve": [r]}, f"y = {r['y']:g}"), spec=SPEC,
                  offline=("x",))
    table = unpack_table(panel.chart.table)
    assert [entry["values"]["x"] for entry in table] == [0.1, 0.3162277660, 1.0, 3.16227766, 10.0]
    assert [entry["caption"] for entry in table][::2] == ["y = 0.2", "y = 2", "y = 20"]
    assert panel.chart.linked == ["x"] and [link.source for link in panel.links] == [(controls["x"], "value")]
    assert NEEDS_KERNEL_CLASS in controls["scale"]._dom_classes and not controls["x"]._dom_classes
    controls["x"].value = 10.0  # a tabulated control: the browser picks the state, the table stays
    assert panel.chart.caption == "y = 20" and unpack_table(panel.chart.table) == table
    controls["scale"].value = "3"  # the kernel's control: every state again, for the new scale
    assert [entry["caption"] for entry in unpack_table(panel.chart.table)][::2] == ["y = 0.3", "y = 3", "y = 30"]
    assert panel.chart.caption == "y = 30"
    with pytest.raises(ValueError, match=r"\['typo'\].*\['scale', 'x'\]"):
        Panel("scaled", controls, compute, lambda r: ({}, ""), spec=SPEC, offline=("typo",))


def test_a_chart_says_what_needs_its_cell_run_when_no_kernel_answers():
    assert line_fit_panel().chart.kernel_note == ""  # every control works without a kernel
    counting = counting_panel()
    assert counting.chart.kernel_note.startswith("Run this cell (in JupyterLab) to use this panel")
    assert counting.chart.kernel_note.endswith("untrained state.")
    controls = {"scale": widgets.Text(value="2", description="scale"), "x": widgets.FloatSlider()}
    partly = Panel("scaled", controls, lambda scale, x: x, lambda r: ({}, f"{r}"), spec=SPEC, offline=("x",))
    assert partly.chart.kernel_note == ("Run this cell (in JupyterLab) to use scale; the other controls work "
                                        "without a kernel.")
    sent = []
    partly.chart.send = sent.append
    partly.chart._answer(partly.chart, {"type": "kernel?"}, [])  # what the browser asks as it draws
    assert sent == [{"type": "kernel"}]  # with this answer it does not show the note


def test_an_offline_panel_refuses_a_table_too_large():
    slider = widgets.FloatSlider(value=0.0, min=0.0, max=1.0, step=1e-4)
    with pytest.raises(ValueError, match="10001 combinations.*coarsen"):
        Panel("fine", {"x": slider}, lambda x: x, lambda x: ({}, ""), spec=SPEC, offline=True)


SPEC = {"mark": "line", "data": {"name": "curve"},
        "encoding": {"x": {"field": "x", "type": "quantitative"}, "y": {"field": "y", "type": "quantitative"}}}


def test_a_value_error_is_shown_and_the_last_figure_kept():
    def compute(x):
        if x < 0:
            raise ValueError("x must be 0 or more")
        return x

    def draw(x):
        return {"curve": [{"x": 0, "y": 0}, {"x": 1, "y": x}]}, f"x = {x}"

    panel = Panel("demo", {"x": widgets.FloatSlider(value=1.0, min=-2, max=2)}, compute, draw, spec=SPEC)
    panel.controls["x"].value = -1.0
    assert "x must be 0 or more" in panel.chart.caption and "⚠" in panel.chart.caption
    assert panel.chart.datasets["curve"][1]["y"] == 1.0 and panel.result == 1.0


def test_any_other_error_is_shown_too_and_logged(caplog):
    def compute(x):
        return 1 / x

    panel = Panel("demo", {"x": widgets.FloatSlider(value=1.0, min=-2, max=2)}, compute,
                  lambda y: ({"curve": [{"x": 0, "y": y}]}, f"y = {y}"), spec=SPEC)
    panel.controls["x"].value = 0.0
    assert "ZeroDivisionError: float division by zero (the traceback is in the log)" in panel.chart.caption
    assert panel.result == 1.0 and any(record.exc_info for record in caplog.records)


def test_a_button_panel_waits_for_the_button():
    calls = []

    def compute(n):
        calls.append(n)
        return n

    panel = Panel("train", {"n": widgets.IntSlider(value=1, min=1, max=5)}, compute,
                  lambda n: ({"curve": []}, f"n = {n}"), spec=SPEC, button="Train")
    panel.controls["n"].value = 3
    assert calls == [1]
    panel.button.click()
    assert calls == [1, 3] and panel.chart.caption == "n = 3" and not panel.button.disabled


def counting_panel(stop_at=None, taken=None):
    """A live panel whose "training" counts epochs (a few ms each), for the Play/Pause/Reset tests.

    ``taken`` (a list) records every epoch any run produced.
    """
    def train(num_epochs, start):
        for epoch in range(num_epochs + 1):
            if taken is not None:
                taken.append(epoch)
            if epoch == stop_at:
                raise RuntimeError("the loss went away")
            time.sleep(0.002)
            yield {"epoch": epoch, "value": start + epoch}

    def draw(result):
        return {"curve": [result]}, f"epoch {result['epoch']}: value {result['value']}"

    controls = {"num_epochs": widgets.IntSlider(value=200, min=1, max=500),
                "start": widgets.IntSlider(value=0, min=0, max=10)}
    spec = {"mark": "point", "data": {"name": "curve"},
            "encoding": {"x": {"field": "epoch", "type": "quantitative"},
                         "y": {"field": "value", "type": "quantitative"}}}
    return Panel("count", controls, train, draw, spec=spec, button="Train", live=True)


def test_a_live_panel_shows_the_untrained_state_then_each_epoch():
    panel = counting_panel()
    assert panel.chart.caption == "epoch 0: value 0" and panel.pause_button.disabled
    panel.button.click()
    panel.training.wait(10)
    assert panel.chart.caption == "epoch 200: value 200" and panel.result["epoch"] == 200
    assert len(panel.timings) == 201  # one update per epoch, shown while the run went on
    assert not panel.button.disabled and panel.pause_button.disabled


def test_with_untrained_measures_the_first_update_once_and_passes_every_update_on():
    measured = []

    def measure(first):
        measured.append(dict(first))
        return {"loss": 10 - first["epoch"]}
    updates = list(with_untrained(({"epoch": epoch} for epoch in range(4)), measure))
    assert measured == [{"epoch": 0}]  # once, on the untrained state
    assert updates == [{"epoch": epoch, "untrained": {"loss": 10}} for epoch in range(4)]
    assert list(with_untrained(iter([]), measure)) == [] and len(measured) == 1
    with pytest.raises(ValueError, match="bad setting"):  # a refused setting is raised as the run's own error
        next(with_untrained((_ for _ in ()).throw(ValueError("bad setting")), measure))


def test_a_live_panel_rehearses_a_fresh_run_to_its_first_update_as_it_is_built():
    taken = []
    panel = counting_panel(taken=taken)
    assert taken == [0, 1, 0]  # the rehearsal to its first update, then the untrained state shown
    assert panel.result["epoch"] == 0
    panel.button.click()
    panel.training.wait(10)
    assert panel.result["epoch"] == 200 and taken[3:] == list(range(1, 201))


def test_a_failed_rehearsal_is_logged_and_the_run_goes_on(caplog):
    panel = counting_panel(stop_at=1)  # the rehearsal fails at its first update
    assert any("rehearsing panel 'count' failed" in record.getMessage() for record in caplog.records)
    assert panel.result["epoch"] == 0
    panel.controls["start"].value = 1
    panel.button.click()
    panel.training.wait(10)
    assert "the loss went away" in panel.chart.caption  # a failure of the run itself is shown


def test_pause_keeps_what_was_learned_and_play_goes_on_from_there():
    panel = counting_panel()
    panel.button.click()
    time.sleep(0.05)
    panel.pause_button.click()
    panel.training.wait(10)
    paused_at = panel.result["epoch"]
    assert 0 < paused_at < 200
    panel.button.click()
    panel.training.wait(10)
    assert panel.result["epoch"] == 200
    assert len(panel.timings) == 201  # every epoch shown once: none skipped, none repeated


def test_changed_controls_or_reset_start_a_new_run():
    panel = counting_panel()
    panel.button.click()
    panel.training.wait(10)
    panel.controls["start"].value = 5
    panel.controls["num_epochs"].value = 3
    panel.button.click()
    panel.training.wait(10)
    assert panel.chart.caption == "epoch 3: value 8"
    panel.reset_button.click()
    assert panel.chart.caption == "epoch 0: value 5" and panel.training.iterator is not None


def test_a_run_that_fails_says_so_in_the_caption_and_logs_the_traceback(caplog):
    panel = counting_panel(stop_at=3)
    panel.button.click()
    panel.training.wait(10)
    assert "RuntimeError: the loss went away" in panel.chart.caption and "⚠" in panel.chart.caption
    assert panel.result["epoch"] == 2  # the last good state stays
    assert any(record.exc_info and "the loss went away" in str(record.exc_info[1]) for record in caplog.records)
    assert not panel.button.disabled


def test_the_presenter_setting_enlarges_a_panels_controls_and_chart_text(monkeypatch):
    from course_lib import notebook
    from course_lib.widgets.panel import PRESENTER_CLASS, PRESENTER_CSS

    screen = line_fit_panel()
    monkeypatch.setattr(notebook, "_presenter", True)
    presented = line_fit_panel()
    monkeypatch.undo()
    assert PRESENTER_CLASS in presented.widget._dom_classes and PRESENTER_CLASS not in screen.widget._dom_classes
    header, body = presented.widget.children
    assert header.value.startswith(PRESENTER_CSS) and "font-size: 20px" in PRESENTER_CSS
    assert "<style>" not in screen.widget.children[0].value
    assert body.children[0].layout.min_width == "420px"
    assert presented.chart.spec["config"]["axis"]["labelFontSize"] > screen.chart.spec["config"]["axis"]["labelFontSize"]
    assert presented.first_png != screen.first_png  # the picture for viewers without widgets is drawn larger too
    assert presented.chart.table == screen.chart.table  # the same states, only drawn larger


def test_interrupting_the_idle_kernel_pauses_a_live_run_and_keeps_what_it_learned():
    """Kernel → Interrupt while a panel trains: the run pauses (as Pause does) and Train goes on from there."""
    from pathlib import Path

    from jupyter_client.manager import start_new_kernel

    manager, client = start_new_kernel(kernel_name="python3", cwd=str(Path(__file__).resolve().parent.parent))

    def run(code):
        printed = []
        reply = client.execute_interactive(code, timeout=60, output_hook=lambda message: printed.append(
            message["content"].get("text", "")) if message["msg_type"] == "stream" else None)
        return reply["content"], "".join(printed).strip()

    try:
        run("from tests.test_panel import counting_panel\n"
            "panel = counting_panel()\n"
            "panel.controls['num_epochs'].value = 500\n"
            "panel.button.click()")
        time.sleep(0.3)
        manager.interrupt_kernel()
        time.sleep(0.3)
        _, printed = run("print(panel.training.running, panel.result['epoch'])")
        running, paused_at = printed.split()
        assert running == "False" and 0 < int(paused_at) < 500
        _, printed = run("panel.button.click(); panel.training.wait(30); print(panel.result['epoch'], len(panel.timings))")
        # on from where it paused: epochs 1 to 500 shown once each, after the untrained state shown twice
        # (as the panel was built, then for the new number of epochs)
        assert printed == "500 502"
        # an interrupt during a cell still stops that cell
        client.execute("import time; time.sleep(20)")
        time.sleep(0.5)
        manager.interrupt_kernel()
        reply = client.get_shell_msg(timeout=10)["content"]
        reply = reply if reply.get("ename") else client.get_shell_msg(timeout=10)["content"]
        assert reply["status"] == "error" and reply["ename"] == "KeyboardInterrupt"
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
