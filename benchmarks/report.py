"""The benchmark's outputs: the findings, the Markdown report and the throughput plot, from the results dict.

Everything here is a function of the measured results (``results.json``), so the
report can be rewritten from a stored run and tested on a tiny one.
"""

import json
from pathlib import Path

import numpy as np

from benchmarks import latency
from course_lib.plots import new_figure

#: The panel issue's bars in a real browser (ms): a cheap panel's median and p95, a training panel's first update.
BROWSER_MEDIAN_MS, BROWSER_P95_MS, FIRST_LIVE_UPDATE_MS = 50, 100, 300
#: Below this share of the NumPy matmul rate, a training loop at batch 512 is a finding.
ROOFLINE_FLOOR = 0.30
FINDING_BATCH_SIZE = 512


def _ms(seconds):
    return "–" if seconds is None else f"{1000 * seconds:.0f}"


def _s(seconds):
    return "–" if seconds is None else f"{seconds:.1f}"


def findings(results):
    """What the issue asks to fix or explain: slow panels, slow loops, failures; one sentence each."""
    found = []
    for chapter in results.get("suite", {}).get("chapters", []):
        if chapter["error"]:
            found.append(f"chapter {chapter['chapter']} failed after {_s(chapter['seconds'])} s: {chapter['error']}")
    tests = results.get("tests")
    if tests and tests["exit_code"] != 0:
        failed = [part for part, values in tests["parts"].items() if values["failed"]]
        found.append(f"the test suite ended with exit code {tests['exit_code']} ({tests['summary']}); "
                     f"failures in: {', '.join(failed) or 'none recorded'}")
    for panel in results.get("panels", []):
        name = f"{panel['module']}.{panel['factory']}" if panel.get("factory") else panel["module"]
        if "error" in panel:
            found.append(f"panel {name} could not be measured: {panel['error']}")
        elif panel["too_slow"]:
            draw_share = panel["draw"]["median"] / max(panel["wall"]["median"], 1e-9)
            found.append(
                f"{panel['kind']} panel {name}: median {_ms(panel['wall']['median'])} ms "
                f"(p95 {_ms(panel['wall']['p95'])} ms) > {_ms(panel['limit_seconds'])} ms; compute "
                f"{_ms(panel['compute']['median'])} ms, drawing {_ms(panel['draw']['median'])} ms "
                f"({draw_share:.0%} of the update), CPU {_ms(panel['cpu']['median'])} ms")
    for row in results.get("browser", {}).get("rows", []):
        if "reference" in row["panel"] or "(" in row["panel"]:
            continue  # the Matplotlib and plotly references are there to be compared, not fixed
        for key, where in (("with_kernel", "with a kernel"), ("without_kernel", "without a kernel")):
            timing = row.get(key)
            if timing is None:
                continue
            if timing["median"] is None:
                found.append(f"{row['panel']} {where}: the figure never changed after {timing['lost']} presses")
            elif row.get("training") and key == "with_kernel":
                if timing["median"] > FIRST_LIVE_UPDATE_MS:
                    found.append(f"training panel {row['panel']}: first live update after "
                                 f"{timing['median']:.0f} ms (> {FIRST_LIVE_UPDATE_MS} ms)")
            elif timing["median"] > BROWSER_MEDIAN_MS or timing["p95"] > BROWSER_P95_MS:
                found.append(f"{row['panel']} {where}: key press to figure {timing['median']:.0f} ms median, "
                             f"{timing['p95']:.0f} ms p95 (bars {BROWSER_MEDIAN_MS} / {BROWSER_P95_MS} ms)")
    throughput = results.get("throughput")
    for row in (throughput or {}).get("rows", []):
        if row["batch_size"] == FINDING_BATCH_SIZE and row["roofline_fraction"] < ROOFLINE_FLOOR:
            found.append(f"{row['model']} {row['loop']} at batch {FINDING_BATCH_SIZE}: "
                         f"{row['roofline_fraction']:.0%} of the roofline (< {ROOFLINE_FLOOR:.0%}), "
                         f"{row['gflops']:.1f} of {throughput['roofline']['gflops']:.1f} GFLOP/s")
    return found


def plot_throughput(throughput):
    """One panel per model: the share of the roofline reached by each loop at each batch size."""
    models = [model["name"] for model in throughput["models"]]
    loops = list(dict.fromkeys(row["loop"] for row in throughput["rows"]))
    batch_sizes = sorted({row["batch_size"] for row in throughput["rows"]})
    figure, axes = new_figure(5.2 * len(models), 3.8, ncols=len(models), sharey=True)
    axes = np.atleast_1d(axes)
    width = 0.8 / len(loops)
    for ax, model in zip(axes, models):
        for offset, loop in enumerate(loops):
            rows = {r["batch_size"]: r for r in throughput["rows"] if r["model"] == model and r["loop"] == loop}
            xs = np.arange(len(batch_sizes)) + (offset - (len(loops) - 1) / 2) * width
            shares = [100 * rows[b]["roofline_fraction"] if b in rows else 0.0 for b in batch_sizes]
            bars = ax.bar(xs, shares, width, label=loop)
            labels = [f"{rows[b]['seconds_per_epoch']:.1f}s" if b in rows else "" for b in batch_sizes]
            ax.bar_label(bars, labels, fontsize=7, rotation=90, padding=2)
        ax.axhline(100 * ROOFLINE_FLOOR, color="black", linestyle="--", linewidth=1,
                   label=f"{ROOFLINE_FLOOR:.0%} finding line")
        ax.set_xticks(range(len(batch_sizes)), [str(b) for b in batch_sizes])
        ax.set_xlabel("batch size")
        ax.set_title(f"MNIST {model}")
    axes[0].set_ylabel(f"% of NumPy matmul rate ({throughput['roofline']['gflops']:.0f} GFLOP/s)")
    axes[0].legend(fontsize=8, loc="upper left")
    figure.suptitle("Training throughput as a share of the roofline (bar labels: seconds per epoch)")
    return figure


def _suite_section(suite):
    lines = ["## 1. Notebook suite", "",
             "Each chapter built from `notebooks/src` and executed in a fresh kernel, in memory "
             "(`tools/execute_notebooks.py`'s `build` and `execute`), timed from the kernel start"
             + (f"; {suite['jobs']} chapters at a time, longest first. Side by side they fill each other's "
                "idle time (kernel starts, Python between training steps), so the suite ends sooner, but "
                "each chapter takes longer than alone; `benchmarks/run.py --jobs 1` times them alone"
                if suite.get("jobs", 1) > 1 else "; one chapter at a time") + ".", "",
             f"Baseline, a notebook with only `notebook.setup()` (kernel start, TensorFlow import): "
             f"**{_s(suite['baseline_seconds'])} s**.", "",
             "| chapter | seconds | beyond the baseline | status |", "|---|---:|---:|---|"]
    alone = suite.get("jobs", 1) == 1  # the baseline runs alone: only then is the difference meaningful
    for chapter in suite["chapters"]:
        beyond = chapter["seconds"] - suite["baseline_seconds"] if alone and suite["baseline_seconds"] else None
        status = f"failed: {chapter['error']}" if chapter["error"] else "ok"
        lines.append(f"| {chapter['chapter']} | {_s(chapter['seconds'])} | {_s(beyond)} | {status} |")
    total = sum(chapter["seconds"] for chapter in suite["chapters"])
    if suite.get("jobs", 1) > 1:
        lines.append(f"| the chapters' times added up | {_s(total)} | | each slowed by its neighbour |")
    lines += [f"| **whole suite** | **{_s(suite['total_seconds'])}** | | "
              f"{len(suite['chapters'])} chapters" + (f", {suite['jobs']} at a time" if suite.get("jobs", 1) > 1 else "")
              + " |", ""]
    return lines


def _throughput_section(throughput):
    roofline = throughput["roofline"]
    samples = roofline["samples_gflops"]
    lines = ["## 2. Training throughput", "",
             f"Roofline: {roofline['how']}: **{roofline['gflops']:.1f} GFLOP/s** (samples "
             f"{min(samples):.1f} to {max(samples):.1f}, median {np.median(samples):.1f})."
             + (f" Per CPU-second of the process (all its threads): **{roofline['cpu_gflops']:.1f} GFLOP/s**; "
                "*of CPU roofline* sets each loop's FLOPs per CPU-second against it, a share that other "
                "programs on the cores change little." if "cpu_gflops" in roofline else ""), "",
             "| model | FLOPs forward / sample | FLOPs of one training epoch (3x forward) | taught in |",
             "|---|---:|---:|---|"]
    for model in throughput["models"]:
        lines.append(f"| {model['name']} | {model['forward_flops_per_sample']:,} | "
                     f"{model['train_flops_per_epoch'] / 1e9:.1f} G | {model['chapter']} |")
    lines += ["", f"One epoch = {throughput['epoch_size']:,} images; s/epoch is extrapolated from the timed steps. "
              "Speed-up is against the eager loop of the same model and batch size.", "",
              "First call: the first step alone (for `tf.function` the tracing of the graph; for `fit` and "
              "`train` a 3-step warm-up epoch, compiling included). `fit` and `train` are timed over an epoch "
              "(the steps timed), as a chapter runs them.", "",
              "| model | batch | loop | steps timed | steps/s | s/epoch | GFLOP/s | of roofline | of CPU roofline "
              "| speed-up | first call (s) | loss |",
              "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    eager = {(r["model"], r["batch_size"]): r["steps_per_second"] for r in throughput["rows"] if r["loop"] == "eager"}
    for row in throughput["rows"]:
        base = eager.get((row["model"], row["batch_size"]))
        speedup = f"{row['steps_per_second'] / base:.1f}x" if base else "–"
        lines.append(f"| {row['model']} | {row['batch_size']} | {row['loop']} | {row['steps']} | "
                     f"{row['steps_per_second']:.1f} | {row['seconds_per_epoch']:.2f} | {row['gflops']:.1f} | "
                     f"{row['roofline_fraction']:.0%} | "
                     + (f"{row['cpu_roofline_fraction']:.0%}" if "cpu_roofline_fraction" in row else "–")
                     + f" | {speedup} | {row['first_step_seconds']:.2f} | "
                     f"{row['loss']:.3f} |")
    lines += ["", "![throughput](throughput.png)", ""]
    return lines


def _panels_section(panels):
    lines = ["## 3. Panel latency", "",
             "Every `*_panel()` of `course_lib/widgets`, built with no arguments and driven from Python: "
             "each control of a cheap panel sweeps its range (every change redraws); a training panel gets "
             "a changed control and a click on its button. Wall time from the change to the chart's new data "
             "and caption in the kernel (the browser draws them: section 4 times that); compute and drawing "
             "(making the chart's data) from the panel's own `timings`; CPU is the process CPU time of the "
             "same span (what it would cost on an idle core, plus TensorFlow's own threads). Times in ms, "
             "median / p95.", "",
             "| panel | kind | built in (s) | changes | wall | compute | drawing | CPU | limit | verdict |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|---|"]
    for panel in panels:
        name = f"`{panel['module'].rsplit('.', 1)[-1]}.{panel['factory']}`" if panel.get("factory") else panel["module"]
        if "error" in panel:
            lines.append(f"| {name} | | | | | | | | | error: {panel['error']} |")
            continue
        verdict = ("**too slow**" if panel["too_slow"] else "ok" if panel["changes"]
                   else "not driven: no control with a range or options (text input)")
        if panel["rejected"]:
            verdict += f" ({panel['rejected']} value(s) rejected with a message)"
        cells = [f"{_ms(panel[key]['median'])} / {_ms(panel[key]['p95'])}" for key in ("wall", "compute", "draw", "cpu")]
        lines.append(f"| {name} | {panel['kind']} | {_s(panel['build_seconds'])} | {panel['changes']} | "
                     + " | ".join(cells) + f" | {_ms(panel['limit_seconds'])} | {verdict} |")
    lines.append("")
    return lines


def _browser_section(browser):
    lines = ["## 4. Key press to figure on screen, in JupyterLab in Chromium", ""]
    if "error" in browser:
        return lines + [f"Not measured: {browser['error']}.", ""]
    lines += [f"Each topic's panels are measured in a notebook of their own, as their chapter shows them. "
              f"Each cheap panel gets {browser['presses']} key presses on its first slider, one at a time; "
              "the time runs from the key press to the first animation frame whose figure differs "
              "(page clock, stamped as the frame begins). A training panel's button is clicked once: the time to its first changed "
              "figure. *Stored* is what the panel adds to its notebook (outputs and saved widget "
              "models; the chart library, stored once per notebook, apart). The reference rows draw "
              "the same panels with Matplotlib in the kernel (the old path) and with plotly.", "",
              "| panel | with a kernel: median / p95 (ms) | without a kernel: median / p95 (ms) | stored (kB) |",
              "|---|---|---|---|"]
    for row in browser["rows"]:
        cells = []
        for key in ("with_kernel", "without_kernel"):
            timing = row.get(key)
            if timing is None:
                cells.append("—" if key == "without_kernel" else "not shown")
            elif timing["median"] is None:
                cells.append(f"no change seen ({timing['lost']} lost)")
            else:
                cells.append(f"{timing['median']:.0f} / {timing['p95']:.0f}"
                             + (" (first live update)" if row.get("training") and key == "with_kernel" else "")
                             + (f", {timing['lost']} lost" if timing["lost"] else ""))
        lines.append(f"| {row['panel']} | {cells[0]} | {cells[1]} | {row['stored_bytes'] / 1000:.0f} |")
    lines += ["", f"Saved widget state of the benchmark notebooks: {browser['widget_state_bytes'] / 1e6:.2f} MB.", ""]
    return lines


def _tests_section(tests):
    workers = f"{tests['jobs']} workers side by side" if tests["jobs"] > 1 else "one test at a time"
    lines = ["## 5. Test suite", "",
             f"`pytest {' '.join(tests['paths'])}` as `make test` runs it ({workers}): "
             f"**{_s(tests['wall_seconds'])} s** wall, {tests['summary'] or 'no summary'}. Each part adds up "
             "its tests' own times (setup, run, teardown)"
             + (", so on several workers the parts add up to more than the wall time" if tests["jobs"] > 1 else "")
             + ".", "", "| part | seconds | tests | failed |", "|---|---:|---:|---:|"]
    lines += [f"| {part} | {_s(values['seconds'])} | {values['tests']} | {values['failed']} |"
              for part, values in tests["parts"].items()]
    if tests.get("panel_cells"):
        lines += ["", "Each panel cell run alone after its chapter's setup cell, in a fresh kernel in JupyterLab "
                  "(the bound scales with the machine's load):", "",
                  "| test | setup cell (s) | panel cell (s) | bound (s) |", "|---|---:|---:|---:|"]
        lines += [f"| {name} | {_s(cell['setup_seconds'])} | {_s(cell['panel_cell_seconds'])} | "
                  f"{_s(cell['bound_seconds'])} |" for name, cell in tests["panel_cells"].items()]
    return lines + [""]


def render_markdown(results, notes=""):
    """The whole report as Markdown: conditions of the run, the three tables, findings and ``notes``."""
    meta = results["meta"]
    lines = ["# Benchmarks: notebook suite, training throughput, panel latency", "",
             f"Measured {meta['date']} by `make bench` ({meta['command']}) in {_s(meta['seconds'])} s. "
             f"Machine: {meta['cpu']}, {meta['cores']} cores; Python {meta['python']}, TensorFlow "
             f"{meta['tensorflow']}, Keras {meta['keras']}, NumPy {meta['numpy']}."
             + (f" Speed of one core for plain Python, to compare machines: `sum(range(10**6))` takes "
                f"{meta['python_loop_ms']:.0f} ms (best of 5)." if "python_loop_ms" in meta else ""), "",
             "Load average (1 min) when each part started: "
             + ", ".join(f"{part} {load:.1f}" for part, load in meta["load_average"].items())
             + f". With more runnable processes than the {meta['cores']} cores, every wall time here is "
             "stretched; compare the ratios within one run (loop vs loop, compute vs drawing), "
             "not absolute times across runs.", ""]
    if "suite" in results:
        lines += _suite_section(results["suite"])
    if "throughput" in results:
        lines += _throughput_section(results["throughput"])
    if "panels" in results:
        lines += _panels_section(results["panels"])
    if "browser" in results:
        lines += _browser_section(results["browser"])
    if "tests" in results:
        lines += _tests_section(results["tests"])
    found = findings(results)
    lines += ["## Findings", "", "What counts as a finding: in the kernel, a cheap panel over "
              f"{_ms(latency.CHEAP_LIMIT_SECONDS)} ms median or a training panel over "
              f"{_s(latency.TRAINING_LIMIT_SECONDS)} s a press; in the browser, a key press to figure over "
              f"{BROWSER_MEDIAN_MS} ms median or {BROWSER_P95_MS} ms p95, or a first live update over "
              f"{FIRST_LIVE_UPDATE_MS} ms; a training loop under {ROOFLINE_FLOOR:.0%} of the roofline at batch "
              f"{FINDING_BATCH_SIZE}.", ""]
    lines += [f"- {finding}" for finding in found] or ["- none in this run."]
    lines.append("")
    if notes:
        lines += [notes.strip(), ""]
    return "\n".join(lines)


def write(results, directory, notes=""):
    """Write ``results.json``, ``report.md`` and (with throughput results) ``throughput.png`` into ``directory``."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "results.json").write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")
    if "throughput" in results:
        plot_throughput(results["throughput"]).savefig(directory / "throughput.png", dpi=100)
    (directory / "report.md").write_text(render_markdown(results, notes), encoding="utf-8")
    return directory
