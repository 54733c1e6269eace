"""The sizing of a class's servers: the guide's tables say what tools/sizing.py measured, and its sampler measures.

``classroom/sizing.json`` holds what ``tools/sizing.py measure`` and ``together`` measured;
``docs/teaching.md`` shows it in tables that ``python tools/sizing.py`` writes. These tests fail
when the two disagree, when a chapter has no measurement, and when the sampler misses the memory
or the CPU time of a child process (a kernel's work done in a subprocess must count).
"""

import copy
import subprocess
import sys

import pytest

from tests.helpers import ROOT
from tools import sizing

CHAPTERS = sorted(path.stem for path in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def test_the_guide_shows_the_measured_sizing():
    text = sizing.GUIDE.read_text(encoding="utf-8")
    assert sizing.with_tables(text, sizing.tables()) == text, \
        "docs/teaching.md is out of date: run python tools/sizing.py"


def test_every_chapter_is_measured_and_every_class_size():
    results = sizing.saved()
    assert sorted(results["chapters"]) == CHAPTERS, "a chapter without measurement: tools/sizing.py measure NN"
    assert [run["kernels"] for run in results["together"]] == [2, 4, 8]
    for chapter in results["chapters"].values():
        assert chapter["with_panels"]["peak_rss_mb"] >= chapter["run_all"]["peak_rss_mb"] > chapter["kernel_idle_rss_mb"]
        assert chapter["with_panels"]["cpu_seconds"] >= chapter["run_all"]["cpu_seconds"] > 0
    for run in results["together"]:
        assert len(run["seconds"]) == run["kernels"] and all(seconds > 0 for seconds in run["seconds"])


def test_a_different_measurement_makes_the_guide_out_of_date():
    results = copy.deepcopy(sizing.saved())
    first = next(iter(results["chapters"].values()))
    first["run_all"]["peak_rss_mb"] += 1
    text = sizing.GUIDE.read_text(encoding="utf-8")
    assert sizing.with_tables(text, sizing.tables(results)) != text


def test_a_guide_without_the_markers_is_refused():
    with pytest.raises(ValueError, match="sizing table"):
        sizing.with_tables("# Teaching\n", sizing.tables())


def test_the_sampler_counts_a_childs_memory_and_cpu_time():
    # a parent that starts a child holding 300 MB and spinning for a second: what a kernel's subprocess does
    child = ("import time; block = bytearray(300 * 2**20); block[::4096] = b'x' * len(block[::4096]); "
             "end = time.process_time() + 1\nwhile time.process_time() < end: pass\ntime.sleep(1)")
    parent = subprocess.Popen([sys.executable, "-c", "import subprocess, sys, time; "
                               f"subprocess.run([sys.executable, '-c', {child!r}]); print('ended', flush=True); "
                               "time.sleep(30)"], stdout=subprocess.PIPE, text=True)
    try:
        with sizing.Sampler(parent.pid) as sampler:
            assert parent.stdout.readline() == "ended\n"  # the child has ended, its parent not yet
            cpu_seconds = sampler.cpu_seconds()
    finally:
        parent.kill()
        parent.wait(10)
    assert sampler.peak > 300 * 2**20
    assert cpu_seconds >= 1.0
