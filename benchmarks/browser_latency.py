"""Key press to figure on screen, in a real JupyterLab in headless Chromium.

A reader feels a panel as the time from pressing a key on a slider to the new
figure on the screen. This part measures exactly that, in the page's own clock:
a key listener notes the key press, and a check on every animation frame notes
the first frame whose figure differs (the chart's canvas pixels, the ``<img>``
once decoded, plotly's SVG).

It builds one notebook per topic, as its chapter holds them: the topic's panels
(its ``*_panel`` factories, called without arguments) and, beside the two panels
they redraw, the references (``reference_panels``: Matplotlib in the kernel, as
every panel was drawn before; plotly's FigureWidget, the other candidate). Each is
executed so its widget state is saved, then, one after the other, in JupyterLab

1. **with a kernel**: runs every cell (live widgets), presses keys on each panel's
   first slider; a training panel's button is clicked once instead (time to its
   first changed figure) and paused;
2. **without a kernel**: opens the saved notebook again (no cell run), waits for
   its saved panels, shuts its kernel down and presses keys on the panels that
   work offline.

Each panel gets ``presses`` key presses, one at a time (the next after the
figure changed and a pause), so the times are not queued behind each other.

One page per topic, not one page of every panel: the browser composites the whole
page in every frame. In one page of all twenty panels and the two plotly figures,
each frame took 9-23 ms of the page's main thread (4-6 ms in a page of the
optimizer race alone), and a key press on the race took 60 ms to its figure
against 37 ms alone (median of 12 and of 25 presses, 2026-12-02; see
results/browser-before-after).
"""

import contextlib
import json
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.latency import panel_factories  # noqa: E402
from tests.browser.jupyterlab import WIDGET_STATE, WIDGET_VIEW  # noqa: E402

#: (module of the course panel it redraws, label, code) of each reference.
REFERENCES = [("welcome", "line fit (Matplotlib PNG, the old path)", "reference_panels.matplotlib_line_fit_panel()"),
              ("welcome", "line fit (plotly FigureWidget)", "reference_panels.plotly_line_fit_panel()"),
              ("losses", "CE vs MSE (Matplotlib PNG, the old path)", "reference_panels.matplotlib_ce_vs_mse_panel()"),
              ("losses", "CE vs MSE (plotly FigureWidget)", "reference_panels.plotly_ce_vs_mse_panel()")]
#: Milliseconds to wait for a figure to change after a key press before counting the press as lost.
CHANGE_TIMEOUT_MS = 10_000
PAUSE_SECONDS = 0.15

#: Arms the measurement of one key press on ``panel``: notes the key press and the first animation
#: frame whose figure differs from the one shown before it.
ARM_JS = """(panel) => {
    const figure = () => panel.querySelector('.course-chart canvas, img.widget-image, .js-plotly-plot');
    const signature = () => {
        const shown = figure();
        if (!shown) return null;
        if (shown.tagName === 'CANVAS') {
            const words = new Uint32Array(
                shown.getContext('2d').getImageData(0, 0, shown.width, shown.height).data.buffer);
            let hash = 0;
            for (let i = 0; i < words.length; i++) hash = (Math.imul(hash, 31) + words[i]) | 0;
            return hash;
        }
        if (shown.tagName === 'IMG') return shown.complete ? shown.src : null;
        return shown.querySelector('.main-svg')?.innerHTML ?? null;
    };
    const state = {key: null, changed: null, before: signature()};
    document.addEventListener('keydown', () => { state.key = performance.now(); },
                              {capture: true, once: true});
    // The frame is stamped as it begins: reading a large canvas's pixels takes milliseconds
    // (7-11 ms for the optimizer race's freshly drawn one), the measurement's cost, not the panel's.
    const watch = () => {
        const frame = performance.now();
        if (state.key !== null && signature() !== state.before) {
            state.changed = frame;
            return;
        }
        requestAnimationFrame(watch);
    };
    requestAnimationFrame(watch);
    window.__panelLatency = state;
}"""


def panel_pages(only=()):
    """The benchmark's notebooks: {topic: [(label, code) of each cell]}, a topic's references
    beside its panels; of the topics ``only``, if given."""
    pages = {}
    for module_name, factory in panel_factories(only=only):
        if isinstance(factory, Exception):
            continue
        module = module_name.rsplit(".", 1)[1]
        pages.setdefault(module, []).append(
            (f"{module}.{factory.__name__}", f"from {module_name} import {factory.__name__}\n{factory.__name__}()"))
    for module, label, code in REFERENCES:
        if module in pages:
            pages[module].append((label, code))
    return pages


def build_notebook(cells):
    """A benchmark notebook of ``cells``, executed (with its widget state) in a fresh kernel."""
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell("from course_lib import notebook\nnotebook.setup()\n"
                                                "from benchmarks import reference_panels")]
    notebook.cells += [nbformat.v4.new_code_cell(code) for _, code in cells]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    NotebookClient(notebook, timeout=1800, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(ROOT)}}).execute()
    return notebook


def shows_a_widget(notebook, index):
    """Whether cell ``index`` ran without error and shows a widget."""
    outputs = notebook.cells[index].outputs
    return (not any(output.output_type == "error" for output in outputs)
            and any(WIDGET_VIEW in output.get("data", {}) for output in outputs))


def stored_bytes(notebook, index):
    """Bytes the panel of cell ``index`` adds to its notebook: its outputs and its saved widget models.

    The chart library (Vega, about 0.9 MB) is stored once per notebook, whatever the number of
    panels, and is counted apart.
    """
    models = notebook.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    references = {model_id: set(re.findall(r"IPY_MODEL_([0-9a-f]{32})", json.dumps(model["state"])))
                  for model_id, model in models.items()}
    reached = set()
    todo = [o["data"][WIDGET_VIEW]["model_id"] for o in notebook.cells[index].outputs if WIDGET_VIEW in o.get("data", {})]
    while todo:
        model_id = todo.pop()
        if model_id in reached or model_id not in models:
            continue
        reached.add(model_id)
        todo += [ref for ref in references[model_id] if "bundle" not in models.get(ref, {}).get("state", {})]
    links = {model_id for model_id, refs in references.items() if refs & reached and model_id not in reached
             and models[model_id]["model_name"] in ("LinkModel", "DirectionalLinkModel")}
    return (len(json.dumps(notebook.cells[index].outputs))
            + sum(len(json.dumps(models[model_id])) for model_id in reached | links))


def measure_training(page_panel):
    """Milliseconds from a click on a training panel's button to its first changed figure; then pause it."""
    button = page_panel.locator(".widget-button").first
    button.scroll_into_view_if_needed()
    page_panel.evaluate(ARM_JS.replace("'keydown'", "'mousedown'"))
    button.click()
    try:
        page_panel.page.wait_for_function("window.__panelLatency.changed !== null", timeout=120_000,
                                          polling="raf")
    except Exception:  # noqa: BLE001 - reported as lost
        return summary([], 1)
    state = page_panel.page.evaluate("window.__panelLatency")
    pause = page_panel.locator(".widget-button", has_text="Pause")
    try:
        pause.first.click(timeout=2000)
    except Exception:  # noqa: BLE001 - the run ended by itself first: nothing to pause
        pass
    return summary([state["changed"] - state["key"]])


def measure(page_panel, presses):
    """Milliseconds from key press to changed figure for ``presses`` presses on the panel's first slider."""
    handle = page_panel.locator(".widget-slider .noUi-handle").first
    if not handle.count():
        return None
    handle.scroll_into_view_if_needed()
    page = page_panel.page
    times, lost, direction = [], 0, "ArrowRight"
    for _ in range(presses):
        if float(handle.get_attribute("aria-valuenow")) >= float(handle.get_attribute("aria-valuemax")):
            direction = "ArrowLeft"
        elif float(handle.get_attribute("aria-valuenow")) <= float(handle.get_attribute("aria-valuemin")):
            direction = "ArrowRight"
        page_panel.evaluate(ARM_JS)
        handle.press(direction)
        try:
            page.wait_for_function("window.__panelLatency.changed !== null", timeout=CHANGE_TIMEOUT_MS,
                                   polling="raf")
            state = page.evaluate("window.__panelLatency")
            times.append(state["changed"] - state["key"])
        except Exception:  # noqa: BLE001 - a press whose figure never changed is counted, not fatal
            lost += 1
        time.sleep(PAUSE_SECONDS)
    return summary(times, lost)


def summary(times, lost=0):
    if not times:
        return {"median": None, "p95": None, "count": 0, "lost": lost}
    ordered = sorted(times)
    return {"median": statistics.median(ordered), "p95": ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))],
            "max": ordered[-1], "count": len(ordered), "lost": lost}


def run(*, presses=15, only=(), log=print, browser=None):
    """Measure every panel with and without a kernel; returns one row per panel.

    ``browser`` is a running Playwright Chromium to use (a test session's); by default one is started.
    """
    from tests.browser.jupyterlab import offline_panel_cells
    from tests.browser.lab import CHROMIUM, chromium, serve

    if not CHROMIUM.exists():
        return {"error": f"no Chromium at {CHROMIUM}"}
    pages = panel_pages(only)
    home = Path(tempfile.mkdtemp(prefix="browser-latency-"))
    served = home / "notebooks"
    served.mkdir()
    shutil.copytree(ROOT / "benchmarks", served / "benchmarks", ignore=shutil.ignore_patterns("results"))
    rows, state_bytes = [], 0
    for topic, cells in pages.items():
        log(f"browser: executing the {topic} notebook ({len(cells)} panels) ...")
        notebook = build_notebook(cells)
        nbformat.write(notebook, served / f"{topic}.ipynb")
        offline = offline_panel_cells(notebook)
        rows += [{"panel": label, "page": topic, "index": index, "shows": shows_a_widget(notebook, index),
                  "offline": index in offline, "stored_bytes": stored_bytes(notebook, index)}
                 for index, (label, _) in enumerate(cells, start=1)]
        state_bytes += len(json.dumps(notebook.metadata.get("widgets", {})))
    try:
        with serve(served, home) as lab, (contextlib.nullcontext(browser) if browser else chromium()) as browser:
            for topic, cells in pages.items():
                measure_page(browser, lab, topic, len(cells), [row for row in rows if row["page"] == topic],
                             presses, log)
    finally:
        shutil.rmtree(home, ignore_errors=True)
    return {"presses": presses, "rows": rows, "widget_state_bytes": state_bytes}


def measure_page(browser, lab, topic, code_cells, rows, presses, log):
    """Measure the panels (``rows``) of one topic's notebook with its kernel, then without one."""
    from tests.browser.jupyterlab import NotebookPage

    page = NotebookPage(browser, lab, f"{topic}.ipynb")
    page.open()
    page.run_all_cells(code_cells + 1)
    page.wait_for_idle(600)
    for row in rows:
        if row["shows"]:
            panel = page.cell(row["index"]).locator(".course-panel").first
            panel.wait_for(timeout=60_000)
            row["training"] = bool(panel.locator(".widget-button").count())
            row["with_kernel"] = measure_training(panel) if row["training"] else measure(panel, presses)
            log(f"  {row['panel']}: {row['with_kernel']}")
    page.close()
    lab.shut_down_kernels()
    offline = [row for row in rows if row["offline"]]
    if not offline:
        return
    page = NotebookPage(browser, lab, f"{topic}.ipynb")
    page.open()  # the saved state renders once JupyterLab has asked the new kernel for its widgets
    for row in offline:
        page.cell(row["index"]).locator(".course-panel").first.wait_for(timeout=60_000)
    lab.shut_down_kernels()
    for row in offline:
        row["without_kernel"] = measure(page.cell(row["index"]).locator(".course-panel").first, presses)
        log(f"  {row['panel']} without a kernel: {row['without_kernel']}")
    page.close()


if __name__ == "__main__":
    print(json.dumps(run(), indent=1))
