"""The benchmark's code paths on a tiny configuration, so that `make bench` cannot rot (no timing asserts)."""

import json
import math
import time
from pathlib import Path

import ipywidgets as widgets
import numpy as np
import pytest

from benchmarks import compare_browser, latency, reference_panels, report, suite, throughput
from benchmarks import run as bench
from course_lib.plots import new_figure
from course_lib.widgets.panel import Panel
from tests.helpers import ROOT


def quiet(*_args, **_kwargs):
    pass


@pytest.fixture(scope="module")
def tiny_throughput():
    return throughput.run(batch_sizes=(32,), min_seconds=0.01, max_steps=2, num_samples=128,
                          matmul_size=64, log=quiet)


@pytest.fixture(scope="module")
def welcome_latency():
    return latency.run(only=("welcome",), values_per_control=2, repeats=1, budget_seconds=30.0, log=quiet)


def test_flops_of_the_course_models():
    assert throughput.forward_flops((784, 256, 128, 10)) == 2 * (784 * 256 + 256 * 128 + 128 * 10) == 469_504
    assert throughput.train_flops((784, 128, 10), 60_000) == 3 * 2 * (784 * 128 + 128 * 10) * 60_000
    with pytest.raises(ValueError):
        throughput.forward_flops((784,))
    with pytest.raises(ValueError):
        throughput.train_flops((784, 10), 0)


def test_matmul_rate_is_a_positive_rate():
    assert throughput.matmul_gflops(64, 2) > 0
    with pytest.raises(ValueError):
        throughput.matmul_gflops(0)


def test_every_loop_trains_and_is_set_against_the_roofline(tiny_throughput):
    rows = tiny_throughput["rows"]
    roofline = tiny_throughput["roofline"]["gflops"]
    assert [(r["model"], r["loop"]) for r in rows] == [(m.name, loop) for m in throughput.MODELS
                                                       for loop in throughput.LOOPS]
    assert roofline == max(tiny_throughput["roofline"]["samples_gflops"]) > 0
    for row in rows:
        assert 1 <= row["steps"] and math.isfinite(row["loss"]) and row["first_step_seconds"] > 0
        assert row["steps_per_second"] == pytest.approx(row["steps"] / row["seconds"])
        assert row["seconds_per_epoch"] == pytest.approx(math.ceil(60_000 / 32) / row["steps_per_second"])
        assert row["roofline_fraction"] == pytest.approx(row["gflops"] / roofline)
        assert row["cpu_seconds"] > 0 and row["cpu_roofline_fraction"] == pytest.approx(
            row["cpu_gflops"] / tiny_throughput["roofline"]["cpu_gflops"])
    with pytest.raises(ValueError):
        throughput.measure(throughput.MODELS[0], "jit", 32, min_seconds=0.1, max_steps=1, fit_steps=1)


def test_control_values_span_each_kind_of_control():
    attribute, values = latency.control_values(widgets.FloatSlider(value=0.5, min=0.0, max=1.0), 4)
    assert attribute == "value" and len(values) == 4 and 0.5 not in values
    assert min(values) == 0.0 and max(values) == 1.0
    _, values = latency.control_values(widgets.IntSlider(value=1, min=1, max=3), 5)
    assert values == [2, 3]
    _, values = latency.control_values(widgets.FloatLogSlider(value=1e-2, base=10, min=-4, max=0), 4)
    assert min(values) == pytest.approx(1e-4) and max(values) == pytest.approx(1.0)
    assert latency.control_values(widgets.Dropdown(options=["a", "b", "c"], value="b"), 5) == ("index", [0, 2])
    assert latency.control_values(widgets.Checkbox(value=False), 3) == ("value", [True])
    assert latency.control_values(widgets.Text(value="x"), 3) == ("value", [])
    with pytest.raises(ValueError):
        latency.control_values(widgets.Checkbox(), 0)


def test_a_cheap_panel_is_driven_through_every_control(welcome_latency):
    (entry,) = welcome_latency
    assert entry["factory"] == "line_fit_panel" and entry["kind"] == "cheap"
    assert entry["changes"] == 4 and set(entry["per_control_median"]) == {"w", "b"}
    assert entry["compute"]["median"] + entry["draw"]["median"] <= entry["wall"]["p95"]
    assert entry["too_slow"] == (entry["wall"]["median"] > latency.CHEAP_LIMIT_SECONDS)


def test_a_training_panel_is_clicked_after_each_change():
    seen = []

    def compute(n, mode):
        seen.append((n, mode))
        return n

    def draw(n):
        return {"points": [{"n": n}]}, f"n = {n}"

    spec = {"mark": "point", "data": {"name": "points"}, "encoding": {"x": {"field": "n", "type": "quantitative"}}}
    panel = Panel("train", {"n": widgets.IntSlider(value=1, min=1, max=5),
                            "mode": widgets.Dropdown(options=["a", "b"], value="a")},
                  compute, draw, spec=spec, button="Train")
    samples, rejected = latency.drive(panel, values_per_control=2, max_clicks=3)
    assert rejected == 0 and len(samples) == 3
    assert seen[1:] == [(3, "a"), (3, "b"), (5, "b")]


def test_a_live_panel_is_timed_to_its_first_update_after_the_click():
    def train(n):
        for step in range(1000):
            time.sleep(0.01)
            yield step

    spec = {"mark": "point", "data": {"name": "points"}, "encoding": {"x": {"field": "n", "type": "quantitative"}}}
    panel = Panel("live", {"n": widgets.IntSlider(value=1, min=1, max=5)}, train,
                  lambda step: ({"points": [{"n": step}]}, f"step {step}"), spec=spec, button="Train", live=True)
    samples, rejected = latency.drive(panel, values_per_control=1, max_clicks=2)
    assert rejected == 0 and len(samples) == 2
    assert all(0.01 <= sample["wall"] < 5 for sample in samples)  # the first trained step, not the whole run
    assert not panel.training.running and panel.result < 1000  # paused after the measurement


def test_a_broken_panel_module_is_reported_not_fatal(tmp_path, monkeypatch):
    package = tmp_path / "fake_widgets"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "broken.py").write_text("raise ImportError('half written')\n")
    (package / "failing.py").write_text("def failing_panel():\n    raise RuntimeError('no data')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    entries = latency.run(package="fake_widgets", log=quiet)
    assert [e["module"] for e in entries] == ["fake_widgets.broken", "fake_widgets.failing"]
    assert "half written" in entries[0]["error"] and "no data" in entries[1]["error"]


def test_report_lists_findings_and_writes_its_files(tiny_throughput, welcome_latency, tmp_path):
    slow_row = dict(tiny_throughput["rows"][1], batch_size=512, roofline_fraction=0.1)
    results = {
        "meta": bench.metadata("test") | {"seconds": 1.0, "load_average": {"throughput": 1.0}},
        "suite": {"baseline_seconds": 5.0, "baseline_error": None, "total_seconds": 20.0,
                  "chapters": [{"chapter": "00_welcome", "seconds": 8.0, "error": None},
                               {"chapter": "99_broken", "seconds": 12.0, "error": "CellExecutionError: boom"}]},
        "throughput": dict(tiny_throughput, rows=tiny_throughput["rows"] + [slow_row]),
        "panels": welcome_latency + [{"module": "course_lib.widgets.x", "factory": None, "error": "import failed"}],
    }
    found = report.findings(results)
    assert any("99_broken" in f and "boom" in f for f in found)
    assert any("at batch 512: 10% of the roofline" in f for f in found)
    assert any("course_lib.widgets.x" in f for f in found)
    assert any("line_fit_panel" in f for f in found) == welcome_latency[0]["too_slow"]
    report.write(results, tmp_path, notes="## Notes\n\nhand-written")
    markdown = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "| 99_broken | 12.0 | 7.0 | failed: CellExecutionError: boom |" in markdown
    assert "`welcome.line_fit_panel`" in markdown and markdown.rstrip().endswith("hand-written")
    assert json.loads((tmp_path / "results.json").read_text())["suite"]["total_seconds"] == 20.0
    assert (tmp_path / "throughput.png").read_bytes().startswith(b"\x89PNG")


def test_quick_run_writes_the_report(tmp_path):
    results = bench.run(("throughput", "panels"), quick=True, output=tmp_path, log=quiet)
    assert set(results) == {"meta", "throughput", "panels"}
    assert (tmp_path / "report.md").exists() and (tmp_path / "throughput.png").exists()
    (tmp_path / "report.md").unlink()
    assert bench.rewrite_report(tmp_path)["meta"] == results["meta"]
    assert "## 2. Training throughput" in (tmp_path / "report.md").read_text(encoding="utf-8")


@pytest.mark.slow
def test_suite_times_a_chapter_without_touching_the_stored_notebook():
    stored = ROOT / "notebooks" / "00_welcome.ipynb"
    before = stored.read_bytes()
    result = suite.run(("00",), baseline=False, log=quiet)
    assert [c["chapter"] for c in result["chapters"]] == ["00_welcome"]
    assert result["chapters"][0]["error"] is None and result["chapters"][0]["seconds"] > 0
    assert stored.read_bytes() == before
    assert suite.baseline_notebook().cells[0].source == suite.SETUP_CELL


def test_the_suite_starts_the_long_chapters_first_and_checks_jobs():
    
    sources = [Path(f"{name}.py") for name in ("00_welcome", "02_forward", "05_losses", "09_mnist", "10_fashion")]
    ordered = [source.stem[:2] for source in suite.longest_first(sources)]
    assert ordered == ["02", "10", "09", "00", "05"]
    with pytest.raises(ValueError, match="jobs"):
        suite.run(("00",), baseline=False, jobs=0)


def makefile_variable(name):
    """The value of ``NAME := value`` in the Makefile."""
    line = next(line for line in (ROOT / "Makefile").read_text().splitlines() if line.startswith(f"{name} :="))
    return line.split(":=", 1)[1].strip()


def test_the_benchmark_runs_the_tests_as_make_test_does():
    assert makefile_variable("NBVAL").split() == list(suite.NBVAL_OPTIONS)
    assert makefile_variable("PARALLEL") == f"$(if $(filter 1,$(JOBS)),,-n $(JOBS) {' '.join(suite.PARALLEL_OPTIONS)})"
    assert makefile_variable("DURATIONS") == suite.DURATIONS_OPTION
    assert "$(NBVAL) $(PARALLEL) $(DURATIONS) tests notebooks" in (ROOT / "Makefile").read_text()
    command = suite.test_command(["tests"], 2, "j.xml")
    assert command[command.index("-n") + 1] == "2" and "--dist" in command and command[-1] == "tests"
    assert "-n" not in suite.test_command(["tests"], 1, "j.xml")
    with pytest.raises(ValueError, match="jobs"):
        suite.test_command(["tests"], 0, "j.xml")


JUNIT = """<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest">
<testcase classname="notebooks.09_mnist.ipynb" name="Cell 0" time="4.5"/>
<testcase classname="notebooks.09_mnist.ipynb" name="Cell 1@notebooks/09_mnist.ipynb" time="60.25"><failure message="x"/></testcase>
<testcase classname="tests.browser.test_panels" name="test_panel_runs_alone_after_setup_and_responds[09_mnist-cell35]@browser" time="50">
<properties><property name="setup_seconds" value="9.5"/><property name="panel_cell_seconds" value="4.25"/>
<property name="bound_seconds" value="60.0"/></properties></testcase>
<testcase classname="tests.browser.test_panels" name="test_offline_panels_respond_without_a_kernel[09_mnist]" time="20"/>
<testcase classname="tests.browser.test_browser_latency" name="test_browser_latency_times_key_presses@browser" time="30"/>
<testcase classname="tests.test_checks" name="test_milestone" time="0.5"/>
<testcase classname="tests.test_data" name="test_load[mnist]" time="1.5"><error message="y"/></testcase>
</testsuite></testsuites>"""


def test_the_test_suite_is_split_into_unit_nbval_and_browser_per_chapter(tmp_path):
    (tmp_path / "junit.xml").write_text(JUNIT)
    parts, panel_cells = suite.parts_of_junit(tmp_path / "junit.xml")
    assert panel_cells == {"test_panel_runs_alone_after_setup_and_responds[09_mnist-cell35]":
                           {"setup_seconds": 9.5, "panel_cell_seconds": 4.25, "bound_seconds": 60.0}}
    assert parts == {
        "browser 09_mnist": {"seconds": 70.0, "tests": 2, "failed": 0},
        "browser test_browser_latency_times_key_presses": {"seconds": 30.0, "tests": 1, "failed": 0},
        "nbval 09_mnist": {"seconds": 64.75, "tests": 2, "failed": 1},
        "unit": {"seconds": 2.0, "tests": 2, "failed": 1},
    }
    tests = {"paths": ["tests", "notebooks"], "jobs": 2, "wall_seconds": 100.0, "exit_code": 1,
             "summary": "2 failed, 5 passed in 100.0s", "parts": parts, "panel_cells": panel_cells}
    results = {"meta": bench.metadata("test") | {"seconds": 1.0, "load_average": {"tests": 1.0}}, "tests": tests}
    markdown = report.render_markdown(results)
    assert "## 5. Test suite" in markdown and "**100.0 s** wall" in markdown
    assert "| nbval 09_mnist | 64.8 | 2 | 1 |" in markdown and "| browser 09_mnist | 70.0 | 2 | 0 |" in markdown
    assert "| test_panel_runs_alone_after_setup_and_responds[09_mnist-cell35] | 9.5 | 4.2 | 60.0 |" in markdown
    assert any("exit code 1" in finding and "nbval 09_mnist, unit" in finding for finding in report.findings(results))


@pytest.mark.slow
def test_the_test_suite_is_timed_from_a_real_run():
    result = suite.run_tests(("tests/test_checks.py",), jobs=1, timeout=600, log=quiet)
    assert result["exit_code"] == 0 and "passed" in result["summary"]
    assert list(result["parts"]) == ["unit"] and result["parts"]["unit"]["tests"] > 5
    assert 0 < result["parts"]["unit"]["seconds"] < result["wall_seconds"]


# ------------------------------------------- the old Matplotlib path, kept as the reference


def _curve_figure(scale, ylabel="y", width=8.0):
    figure, (left, right) = new_figure(width, 3.0, ncols=2)
    x = np.linspace(0.0, 1.0, 50)
    left.plot(x, scale * x)
    left.set_ylabel(ylabel)
    right.plot(x, x ** 2)
    right.set_title("x squared")
    return figure


def _pixels(png):
    from io import BytesIO

    from PIL import Image

    return np.asarray(Image.open(BytesIO(png)))


def test_panel_canvas_reuses_the_layout_only_while_it_fits():
    canvas = reference_panels.PanelCanvas()
    canvas.to_png(_curve_figure(1.0))
    remembered = canvas.positions
    # The same design with new data: the remembered layout draws what a fresh layout draws.
    np.testing.assert_array_equal(_pixels(canvas.to_png(_curve_figure(2.0))),
                                  _pixels(reference_panels.figure_to_png(_curve_figure(2.0))))
    assert canvas.positions is remembered
    # Longer tick labels (thousands) need a wider left margin: the layout is found again.
    canvas.to_png(_curve_figure(5000.0))
    assert canvas.positions is not remembered
    assert canvas.positions[0].x0 > remembered[0].x0
    wide = canvas.positions
    canvas.to_png(_curve_figure(1.0))  # shorter labels fit in the room already made
    assert canvas.positions is wide
    canvas.to_png(_curve_figure(1.0, ylabel="a much longer label for y"))
    assert canvas.positions is not wide
    longer = canvas.positions
    canvas.to_png(_curve_figure(1.0, width=6.0))  # another size: margins are fractions of it
    assert canvas.positions is not longer


def test_compare_browser_puts_two_runs_side_by_side():
    def run(date, slider, train):
        return {"meta": {"date": date, "load_average": {"browser": 0.9, "end": 1.1}},
                "browser": {"rows": [
                    {"panel": "losses.sales_panel", "stored_bytes": 162_000, "with_kernel": slider,
                     "without_kernel": None if date == "before" else {"median": 9.0, "p95": 17.0, "count": 15}},
                    {"panel": "debugging.break_it_panel", "stored_bytes": 93_000, "with_kernel": train}]}}

    before = run("before", {"median": 80.2, "p95": 92.0, "count": 15}, {"median": 756.0, "count": 1})
    after = run("after", {"median": 15.0, "p95": 21.4, "count": 15}, {"median": 132.0, "count": 1})
    lines = compare_browser.table(before, after)
    assert "| losses.sales_panel | 80 / 92 | 15 / 21 | — | 9 / 17 | 162 → 162 |" in lines
    assert "| debugging.break_it_panel | 756 (first live update) | 132 (first live update) | — | — | 93 → 93 |" in lines
    assert "before: before, load average 0.9 at the start and 1.1 at the end" in lines
