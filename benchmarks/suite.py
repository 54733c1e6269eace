"""Notebook suite time: every chapter built from its source and executed in a fresh kernel, timed.

The chapters are built and executed exactly as ``tools/execute_notebooks.py``
does it (its ``build`` and ``execute``), but in memory: the stored notebooks in
``notebooks/`` are never touched. Each time runs from the kernel start to the
last cell. A baseline notebook holding only the chapters' first cell
(``notebook.setup()``) shows how much of that is the fixed cost of a kernel
that imports TensorFlow.

With ``jobs=2`` two chapters run side by side, longest first: they fill each
other's idle time (kernel starts, Python between small training steps), so the
suite ends sooner, though each chapter takes longer than it would alone.

``run_tests`` times the test suite itself as ``make test`` runs it (pytest, nbval
strict over the chapters, the browser tests, on ``jobs`` workers) and splits its
time into the parts a CI regression shows in: the unit tests, nbval per chapter,
the browser tests per chapter.
"""

import concurrent.futures
import importlib.util
import re
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ElementTree
from collections import defaultdict
from pathlib import Path

import nbformat

from course_lib import validate

ROOT = Path(__file__).resolve().parent.parent
SETUP_CELL = "from course_lib import notebook\nnotebook.setup()"


def _execute_notebooks_tool():
    """``tools/execute_notebooks.py`` as a module (``tools`` is a folder of scripts, not a package)."""
    path = ROOT / "tools" / "execute_notebooks.py"
    spec = importlib.util.spec_from_file_location("execute_notebooks", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _timed(tool, notebook, timeout):
    """Execute ``notebook`` in a fresh kernel; return (seconds, error text or None)."""
    start = time.perf_counter()
    try:
        tool.execute(notebook, timeout=timeout)
    except Exception as error:  # a failing chapter is a result to report, not a reason to stop
        lines = [line for line in str(error).strip().splitlines() if line.strip()]
        return time.perf_counter() - start, f"{type(error).__name__}: {lines[-1] if lines else ''}"[:300]
    return time.perf_counter() - start, None


def baseline_notebook():
    """A notebook with only the chapters' first cell: kernel start, TensorFlow import, seeds."""
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(SETUP_CELL)])
    notebook.metadata["kernelspec"] = _execute_notebooks_tool().KERNELSPEC
    return notebook


def run(prefixes=(), *, baseline=True, jobs=1, timeout=900, log=print):
    """Time the baseline (unless ``baseline=False``) and every chapter whose name starts with one of ``prefixes``.

    ``jobs`` chapters run at a time; the chapters are started in the order of
    ``longest_first`` so that the longest one does not start last.
    """
    jobs = validate.positive_int("jobs", jobs)
    tool = _execute_notebooks_tool()
    baseline_seconds, baseline_error = None, None
    if baseline:
        baseline_seconds, baseline_error = _timed(tool, baseline_notebook(), timeout)
        log(f"  baseline (kernel start + notebook.setup()): {baseline_seconds:.1f} s")
    sources = tool.chapter_sources(prefixes)
    start = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:  # the kernels do the work
        futures = {pool.submit(_timed, tool, tool.build(source), timeout): source
                   for source in longest_first(sources)}
        timed = {}
        for future in concurrent.futures.as_completed(futures):
            source = futures[future]
            timed[source] = seconds, error = future.result()
            log(f"  {source.stem}: {seconds:.1f} s" + (f"  FAILED {error}" if error else ""))
    chapters = [{"chapter": source.stem, "seconds": timed[source][0], "error": timed[source][1]}
                for source in sources]
    return {"baseline_seconds": baseline_seconds, "baseline_error": baseline_error, "jobs": jobs,
            "chapters": chapters, "total_seconds": time.perf_counter() - start}


#: The chapters that train for minutes (the source's 50- and 20-epoch runs), started first.
LONG_CHAPTERS = ("02", "10", "09")


def longest_first(sources):
    """``sources`` with the long chapters first, then the others in course order."""
    rank = {prefix: index for index, prefix in enumerate(LONG_CHAPTERS)}
    return sorted(sources, key=lambda source: rank.get(source.stem[:2], len(rank)))


#: pytest's options in ``make test`` (the Makefile's NBVAL, PARALLEL and DURATIONS; a test checks they agree).
NBVAL_OPTIONS = ("--nbval", "--nbval-current-env", "--nbval-sanitize-with", "tests/nbval_sanitize.cfg",
                 "--nbval-cell-timeout", "1800")
PARALLEL_OPTIONS = ("--dist", "loadfile", "--no-loadscope-reorder")
DURATIONS_OPTION = "--durations=10"
#: A browser test's chapter: the start of its parameter, ``[09_mnist-cell35]`` or ``[09_mnist]``.
BROWSER_CHAPTER = re.compile(r"\[(\d\d_[A-Za-z0-9_]+?)(-cell\d+)?\]")


def test_command(paths, jobs, junit):
    """The ``make test`` command line on ``paths``, with ``jobs`` workers, writing a JUnit report to ``junit``."""
    jobs = validate.positive_int("jobs", jobs)
    parallel = ("-n", str(jobs), *PARALLEL_OPTIONS) if jobs > 1 else ()
    return [sys.executable, "-m", "pytest", *NBVAL_OPTIONS, *parallel, DURATIONS_OPTION, "-q",
            f"--junitxml={junit}", *paths]


def part_of(classname, name):
    """The part of the suite a test belongs to: ``nbval <chapter>``, ``browser <chapter>`` or ``unit``.

    ``classname`` and ``name`` are a JUnit test case's: nbval's cells are classed under their
    notebook (``notebooks.09_mnist.ipynb``), the browser tests under ``tests.browser``; a name
    may end with ``@`` and an xdist group.
    """
    notebook = re.search(r"(\d\d_[A-Za-z0-9_]+)\.ipynb", classname)
    if notebook:
        return f"nbval {notebook.group(1)}"
    if classname.startswith("tests.browser"):
        chapter = BROWSER_CHAPTER.search(name)
        return "browser " + (chapter.group(1) if chapter else re.split(r"[\[@]", name)[0])
    return "unit"


def parts_of_junit(path):
    """What a JUnit XML report says: the seconds of each part, and what each panel cell alone took.

    Returns ``(parts, panel_cells)``: ``parts`` is {part: {"seconds", "tests", "failed"}} (see
    ``part_of``), sorted; ``panel_cells`` is {test name: {property: seconds}} of the tests that
    record ``setup_seconds`` (the browser test of a panel cell run alone after the setup cell).
    """
    parts = defaultdict(lambda: {"seconds": 0.0, "tests": 0, "failed": 0})
    panel_cells = {}
    for case in ElementTree.parse(path).iter("testcase"):
        name = case.get("name", "")
        part = parts[part_of(case.get("classname", ""), name)]
        part["seconds"] += float(case.get("time") or 0)
        part["tests"] += 1
        part["failed"] += any(child.tag in ("failure", "error") for child in case)
        properties = {item.get("name"): float(item.get("value")) for item in case.iter("property")}
        if "setup_seconds" in properties:
            panel_cells[name.split("@")[0]] = properties
    parts = {part: {**values, "seconds": round(values["seconds"], 2)} for part, values in sorted(parts.items())}
    return parts, panel_cells


def run_tests(paths=("tests", "notebooks"), *, jobs=2, timeout=3600, log=print):
    """Run the test suite as ``make test`` does on ``paths``; its wall time and the seconds of each part.

    A part's seconds add up its tests' own times (setup, call, teardown), so with two
    workers the parts add up to about twice the wall time.
    """
    with tempfile.TemporaryDirectory(prefix="suite-tests-") as folder:
        junit = Path(folder) / "junit.xml"
        start = time.perf_counter()
        try:
            completed = subprocess.run(test_command(paths, jobs, junit), cwd=ROOT, capture_output=True,
                                       text=True, timeout=timeout)
            exit_code, tail = completed.returncode, completed.stdout.strip().splitlines()[-1:]
        except subprocess.TimeoutExpired:
            exit_code, tail = None, [f"stopped after {timeout} s"]
        wall = time.perf_counter() - start
        parts, panel_cells = parts_of_junit(junit) if junit.exists() else ({}, {})
    log(f"  tests on {jobs} worker(s): {wall:.0f} s, {' '.join(tail)}")
    return {"paths": list(paths), "jobs": jobs, "wall_seconds": wall, "exit_code": exit_code,
            "summary": " ".join(tail), "parts": parts, "panel_cells": panel_cells}
