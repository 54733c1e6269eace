"""What one student's kernel uses, chapter by chapter, and what a class does at once: the sizing of a hub.

``measure`` runs each stored chapter top to bottom (Run All) in a fresh kernel while sampling
the kernel's resident memory (RSS, its child processes included) ten times a second, and its
CPU time (user + system, children included); then it plays every training panel of the
chapter to its end at the panel's default controls (as a student pressing Train) and measures
again. ``together`` starts N kernels at once on one chapter, each running its setup cell and
its first panel cell, as a class does at the start of a lecture, and times each one to its
panel. Both save their figures, with the machine's load average (``uptime``), in
``classroom/sizing.json``; without arguments the tool rewrites the sizing tables of
``docs/teaching.md`` and of its Chinese translation ``docs/teaching.zh-CN.md`` from that file (the
same figures; ``tools/guide_tables.py`` holds the Chinese words), and ``tests/test_sizing.py`` and
``tests/test_teaching_zh.py`` check that the guides say what the file holds.

    python tools/sizing.py measure [03 05 ...]   # every chapter, or those named; minutes
    python tools/sizing.py together 2 4 8         # N kernels at once on chapter 02
    python tools/sizing.py                        # rewrite the tables in both guides
"""

import argparse
import datetime
import json
import math
import os
import sys
import threading
import time
from pathlib import Path

import nbformat
import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tools.guide_tables import GUIDES, replaced, rewrite, say, title  # noqa: E402
from tools.export_html import chapter_title, chapters  # noqa: E402

RESULTS = ROOT / "classroom" / "sizing.json"
GUIDE, GUIDE_ZH = GUIDES["en"], GUIDES["zh"]
NOTEBOOKS = ROOT / "notebooks"
#: How often the sampler reads the kernel's memory, in seconds.
SAMPLE_EVERY = 0.1
#: The chapter a class opens together in ``together``: its first panel trains a network live.
TOGETHER_CHAPTER = "02"
#: A training panel's run, played to its end, is given at most this long.
PANEL_RUN_TIMEOUT = 600
#: What a student's kernel may use beyond the heaviest chapter measured: the Jupyter server of
#: the student (measured by ``measure``, ``server_rss_mb``) and this share of the peak again as
#: head room for a student who runs a chapter twice or changes a control mid-run.
HEAD_ROOM = 0.25
#: A chapter whose Run All takes more CPU time than this is best run before class.
RUN_BEFORE_CLASS_CPU_SECONDS = 30
#: Node sizes the guide's capacity table is computed for: (CPUs, memory in GiB).
NODES = ((4, 16), (8, 32), (16, 64))
#: What the node's system (kubelet, the hub's own pods) keeps, in GiB and CPUs.
NODE_RESERVED_GIB, NODE_RESERVED_CPUS = 1.5, 0.5

#: Played in the kernel after Run All: every training panel the chapter built, to its end.
PLAY_TRAINING_PANELS = f"""
from course_lib.widgets import panel as _panel
_runs = list(_panel._RUNS)
for _run in _runs:
    _run.reset()
    _run.play()
    _run.wait({PANEL_RUN_TIMEOUT})
    if _run.running:
        raise RuntimeError(f"the panel {{_run.panel.title!r}} still trains after {PANEL_RUN_TIMEOUT} s")
print(len(_runs), "training panel(s) played to the end")
"""


class Sampler:
    """Samples a process tree's resident memory in a thread; reports the peak and the CPU time used."""

    def __init__(self, pid):
        self.process = psutil.Process(pid)
        self.peak = 0
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)

    def tree(self):
        try:
            return [self.process, *self.process.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def rss(self):
        total = 0
        for process in self.tree():
            try:
                total += process.memory_info().rss
            except psutil.NoSuchProcess:
                pass
        return total

    def cpu_seconds(self):
        """User + system time of the tree so far, the children that already ended included."""
        total = 0.0
        for process in self.tree():
            try:
                times = process.cpu_times()
            except psutil.NoSuchProcess:
                continue
            total += times.user + times.system
            if process is self.process:
                total += times.children_user + times.children_system
        return total

    def _sample(self):
        while not self.stopping.is_set():
            self.peak = max(self.peak, self.rss())
            self.stopping.wait(SAMPLE_EVERY)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        self.thread.join()
        self.peak = max(self.peak, self.rss())


def load():
    """The 1-minute load average and the number of CPUs, as ``uptime`` shows it."""
    return {"load_1min": round(os.getloadavg()[0], 2), "cpus": os.cpu_count()}


def kernel_pid(client):
    return client.km.provisioner.process.pid


def measure_chapter(path):
    """Run All, then the training panels, in one fresh kernel: peak memory and CPU time of each stage."""
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=1800, kernel_name="python3",
                            resources={"metadata": {"path": str(NOTEBOOKS)}})
    figures = {"title": chapter_title(notebook), "load_before": load()}
    with client.setup_kernel():
        with Sampler(kernel_pid(client)) as sampler:
            idle_rss = sampler.rss()
            start = time.perf_counter()
            for index, cell in enumerate(notebook.cells):
                if cell.cell_type == "code":
                    client.execute_cell(cell, index)
            figures["run_all"] = {"seconds": round(time.perf_counter() - start, 1),
                                  "cpu_seconds": round(sampler.cpu_seconds(), 1),
                                  "peak_rss_mb": round(sampler.peak / 2**20)}
            play = nbformat.v4.new_code_cell(PLAY_TRAINING_PANELS)
            notebook.cells.append(play)
            start = time.perf_counter()
            client.execute_cell(play, len(notebook.cells) - 1)
            played = int("".join(o.get("text", "") for o in play.outputs).split()[0])
            seconds = time.perf_counter() - start
            cpu_seconds = sampler.cpu_seconds()
        figures["kernel_idle_rss_mb"] = round(idle_rss / 2**20)
        figures["training_panels"] = played
        figures["with_panels"] = {"seconds": round(figures["run_all"]["seconds"] + seconds, 1),
                                  "cpu_seconds": round(cpu_seconds, 1),
                                  "peak_rss_mb": round(sampler.peak / 2**20)}
    figures["load_after"] = load()
    return figures


def server_rss_mb():
    """The resident memory of an idle JupyterLab server (what every student runs beside the kernel)."""
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory() as runtime:
        server = subprocess.Popen(
            [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", "--port=0", "--ServerApp.token=sizing",
             f"--ServerApp.root_dir={ROOT / 'notebooks'}"],
            env={**os.environ, "JUPYTER_RUNTIME_DIR": runtime}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            deadline = time.monotonic() + 60
            while not list(Path(runtime).glob("jpserver-*.json")):
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("the JupyterLab server did not start within 60 s")
                time.sleep(0.5)
            time.sleep(2)  # the extensions load right after the server writes its file
            return round(Sampler(server.pid).rss() / 2**20)
        finally:
            server.terminate()
            server.wait(30)


def first_panel_cells(notebook):
    """The setup cell and the first panel cell: what a student runs to see a panel."""
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    setup = next(cell for cell in code if "notebook.setup(" in cell.source)
    panel = next(cell for cell in code if "panel" in cell.metadata.get("tags", []))
    return [setup, panel]


def together(count, prefix=TOGETHER_CHAPTER):
    """``count`` kernels open one chapter at once: seconds from the start to each one's first panel."""
    from nbclient import NotebookClient

    path = chapters([prefix])[0]
    before = load()
    seconds = [None] * count
    errors = []

    def one_student(index):
        notebook = nbformat.read(path, as_version=4)
        client = NotebookClient(notebook, timeout=1800, kernel_name="python3",
                                resources={"metadata": {"path": str(NOTEBOOKS)}})
        try:
            start = time.perf_counter()
            with client.setup_kernel():
                for cell in first_panel_cells(notebook):
                    client.execute_cell(cell, notebook.cells.index(cell))
                seconds[index] = round(time.perf_counter() - start, 1)
        except Exception as error:  # noqa: BLE001 - reported with the others' figures
            errors.append(repr(error))

    threads = [threading.Thread(target=one_student, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise RuntimeError(f"{len(errors)} of {count} kernels failed: {errors[0]}")
    return {"chapter": prefix, "kernels": count, "seconds": seconds, "load_before": before, "load_after": load()}


def saved():
    return json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}


def save(results):
    RESULTS.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def heaviest(results):
    """The stem of the chapter whose kernel peaks highest (Run All, then its training panels)."""
    return max(results["chapters"], key=lambda stem: results["chapters"][stem]["with_panels"]["peak_rss_mb"])


def per_student(results):
    """Memory (MiB) a student's server should be given: the heaviest chapter's peak and an idle server."""
    peak = results["chapters"][heaviest(results)]["with_panels"]["peak_rss_mb"]
    memory = peak + results["server_rss_mb"]
    return {"memory_guarantee_mb": math.ceil(memory / 64) * 64,
            "memory_limit_mb": math.ceil(memory * (1 + HEAD_ROOM) / 64) * 64}


def header(words, language):
    return "| " + " | ".join(map(say(language), words)) + " |"


def advice(results, language="en"):
    """What the table means for a class: the memory per student and the chapters to run before class."""
    t = say(language)
    student, stem = per_student(results), heaviest(results)
    chapters = results["chapters"]
    slow = [t("{} ({} s)").format(name[:2], f"{chapter['run_all']['cpu_seconds']:.0f}")
            for name, chapter in chapters.items()
            if chapter["run_all"]["cpu_seconds"] > RUN_BEFORE_CLASS_CPU_SECONDS]
    return t("Per student: chapter {stem} peaks highest, at {peak} MB, and an idle JupyterLab server takes {server} "
             "MB: a memory guarantee of {guarantee} MB and a limit of {limit} MB ({head_room} more), as "
             "`classroom/z2jh/config.yaml` asks. Run before class (more than {cpu} s of CPU time in Run All): "
             "{slow}.").format(
        stem=stem[:2], peak=chapters[stem]["with_panels"]["peak_rss_mb"], server=results["server_rss_mb"],
        guarantee=student["memory_guarantee_mb"], limit=student["memory_limit_mb"], head_room=f"{HEAD_ROOM:.0%}",
        cpu=RUN_BEFORE_CLASS_CPU_SECONDS, slow=t(", ").join(slow))


def sizing_table(results, language="en"):
    t = say(language)
    lines = [header(["chapter", "run all: peak memory", "run all: CPU time",
                     "with its training panels played: peak memory", "CPU time", "load (1 min)"], language),
             "|---|---:|---:|---:|---:|---:|"]
    seconds = t("{} s")
    for stem, chapter in results["chapters"].items():
        run_all, panels = chapter["run_all"], chapter["with_panels"]
        played = (f"{panels['peak_rss_mb']} MB | " + seconds.format(f"{panels['cpu_seconds']:.0f}")
                  if chapter["training_panels"] else f"{t('no training panel')} | –")
        lines.append(f"| {title(stem, chapter['title'], language)} | {run_all['peak_rss_mb']} MB "
                     f"| {seconds.format(format(run_all['cpu_seconds'], '.0f'))} "
                     f"| {played} | {chapter['load_before']['load_1min']} |")
    return "\n".join(lines)


def capacity_table(results, language="en"):
    t = say(language)
    student = per_student(results)
    lines = [header(["node", "students by memory (guarantee)", "students by memory (limit, all at their peak)"],
                    language), "|---|---:|---:|"]
    for cpus, gib in NODES:
        free_mb = (gib - NODE_RESERVED_GIB) * 1024
        lines.append(f"| {t('{} CPUs, {} GiB').format(cpus, gib)} | {int(free_mb // student['memory_guarantee_mb'])} "
                     f"| {int(free_mb // student['memory_limit_mb'])} |")
    return "\n".join(lines)


def together_table(results, language="en"):
    t = say(language)
    lines = [header(["kernels at once", "seconds to the first panel (each kernel)", "slowest", "per core",
                     "load (1 min) before"], language), "|---:|---|---:|---:|---:|"]
    for run in sorted(results["together"] + results.get("together_earlier", []), key=lambda run: run["kernels"]):
        per_core = run["kernels"] / run["load_before"]["cpus"]
        lines.append(f"| {run['kernels']} | {', '.join(f'{s:.0f}' for s in sorted(run['seconds']))} "
                     f"| {t('{} s').format(format(max(run['seconds']), '.0f'))} | {per_core:g} "
                     f"| {run['load_before']['load_1min']} |")
    repeated = t(", repeated") if results.get("together_earlier") else ""
    every_run = results["together"] + results.get("together_earlier", [])
    fewest, most = results["together"][0], results["together"][-1]
    cpus = fewest["load_before"]["cpus"]
    slowest = max(max(run["seconds"]) for run in every_run if run["kernels"] == most["kernels"])
    lines += ["", t(
        "In the latest run{repeated}: from {fewest} to {most} kernels per core, the slowest student waited {ratio} "
        "times as long for the panel ({first} s, then {last} s), for {times} times as many kernels. The machine was "
        "shared with other jobs (the load before each run is in the table; it counts the kernels of the run before it "
        "too), and the kernels took CPU time from those jobs as well as from each other: these figures do not show how "
        "the wait grows on a node of its own. What they show: {most} students per core, starting chapter {chapter} "
        "together, each reached its panel within {slowest} s here.").format(
        repeated=repeated, fewest=f"{fewest['kernels'] / cpus:g}", most=f"{most['kernels'] / cpus:g}",
        ratio=f"{max(most['seconds']) / max(fewest['seconds']):.1f}", first=f"{max(fewest['seconds']):.0f}",
        last=f"{max(most['seconds']):.0f}", times=f"{most['kernels'] / fewest['kernels']:g}",
        chapter=most["chapter"], slowest=f"{slowest:.0f}")]
    return "\n".join(lines)


def tables(results=None, language="en"):
    """The sizing tables, by name, from the saved results, in ``language`` ("en" or "zh": the same figures)."""
    results = results or saved()
    return {"sizing": sizing_table(results, language) + "\n\n" + advice(results, language) + "\n\n"
            + capacity_table(results, language),
            "class at once": together_table(results, language)}


def with_tables(text, made, guide=GUIDE):
    """``text`` (of ``guide``) with each marked table replaced by its version from the saved results."""
    return replaced(text, made, "tools/sizing.py", guide.name)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", nargs="?", choices=["measure", "together"])
    parser.add_argument("values", nargs="*", help="chapter prefixes (measure) or kernel counts (together)")
    arguments = parser.parse_args(argv)
    results = saved()
    if arguments.what == "measure":
        results.setdefault("chapters", {})
        results["server_rss_mb"] = server_rss_mb()
        for path in chapters(arguments.values):
            figures = measure_chapter(path)
            print(path.stem, json.dumps(figures), flush=True)
            results["chapters"][path.stem] = figures
            results["chapters"] = dict(sorted(results["chapters"].items()))
            save(results)
    elif arguments.what == "together":
        counts = [int(value) for value in arguments.values] or [2, 4, 8]
        runs = {run["kernels"]: run for run in results.get("together", [])}
        for count in counts:
            if count in runs:  # kept: on a shared machine one run is not the whole story
                results.setdefault("together_earlier", []).append(runs.pop(count))
            run = together(count)
            print(json.dumps(run), flush=True)
            runs[count] = run
            results["together"] = [runs[key] for key in sorted(runs)]
            results["measured_on"] = datetime.date.today().isoformat()
            save(results)
    else:
        rewrite("tools/sizing.py", lambda language: tables(results, language), "sizing tables")
    return 0


if __name__ == "__main__":
    sys.exit(main())
