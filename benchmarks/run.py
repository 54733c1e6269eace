"""``make bench``: time the notebook suite, the training loops, the panels and the test suite; write ``benchmarks/results/``.

    .venv/bin/python benchmarks/run.py                      # everything (12-15 minutes on 2 cores)
    .venv/bin/python benchmarks/run.py --parts panels       # one part
    .venv/bin/python benchmarks/run.py --quick --output /tmp/bench   # a tiny run of every code path
    .venv/bin/python benchmarks/run.py --report-only         # rewrite report.md from results.json

The report (``report.md``), the raw numbers (``results.json``) and the plot of
the throughput table (``throughput.png``) are written to ``--output``.
"""

import argparse
import datetime
import functools
import json
import os
import platform
import sys
import time
import timeit
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import browser_latency, latency, report, suite, throughput  # noqa: E402
from course_lib import notebook  # noqa: E402

PARTS = ("suite", "throughput", "panels", "browser", "tests")
RESULTS = ROOT / "benchmarks" / "results"
NOTES = ROOT / "benchmarks" / "NOTES.md"

#: Full and tiny settings of each part; the tiny ones run every code path in seconds (tests).
SETTINGS = {
    "full": {
        "suite": {"prefixes": (), "jobs": min(2, os.cpu_count() or 1)},
        "throughput": {"batch_sizes": throughput.BATCH_SIZES, "min_seconds": 0.6, "max_steps": 2000,
                       "num_samples": throughput.EPOCH_SIZE, "matmul_size": 1024},
        "panels": {"only": (), "values_per_control": 4, "repeats": 2, "max_clicks": 3, "budget_seconds": 4.0},
        "browser": {"presses": 15},
        "tests": {"paths": ("tests", "notebooks"), "jobs": min(2, os.cpu_count() or 1)},
    },
    "quick": {
        "suite": {"prefixes": ("00",), "jobs": 1},
        "throughput": {"batch_sizes": (32,), "min_seconds": 0.05, "max_steps": 3,
                       "num_samples": 256, "matmul_size": 128},
        "panels": {"only": ("welcome",), "values_per_control": 2, "repeats": 1, "max_clicks": 1,
                   "budget_seconds": 5.0},
        "browser": {"presses": 2, "only": ("welcome",)},
        "tests": {"paths": ("tests/test_checks.py",), "jobs": 1},
    },
}


def cpu_name():
    """The processor's model name, from /proc/cpuinfo where there is one."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def metadata(command):
    """Date, machine and versions of this run."""
    import keras
    import numpy
    import tensorflow as tf

    return {"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "command": command, "cpu": cpu_name(), "cores": os.cpu_count(),
            "python": platform.python_version(), "tensorflow": tf.__version__, "keras": keras.__version__,
            "numpy": numpy.__version__, "python_loop_ms": python_loop_ms(), "load_average": {}}


def python_loop_ms():
    """Milliseconds of ``sum(range(10**6))``, best of 5: how fast one core runs plain Python (Matplotlib, Keras' glue)."""
    return 1000 * min(timeit.repeat("sum(range(10**6))", number=1, repeat=5))


def run(parts=PARTS, *, quick=False, jobs=None, output=RESULTS, log=functools.partial(print, flush=True)):
    """Run the chosen parts and write the report into ``output``; returns the results dict.

    ``jobs`` (chapters executed at a time) overrides the setting of the suite part.
    """
    settings = SETTINGS["quick" if quick else "full"]
    if jobs is not None:
        settings = {**settings, "suite": {**settings["suite"], "jobs": jobs}}
    notebook.quiet_tensorflow()
    notebook.plot_style()
    warnings.filterwarnings("ignore", module="keras")  # "your input ran out of data" notices of bounded fits
    command = "benchmarks/run.py" + (" --quick" if quick else "") + (f" --jobs {jobs}" if jobs else "") + (
        f" --parts {' '.join(parts)}" if tuple(parts) != PARTS else "")
    results = {"meta": metadata(command)}
    start = time.perf_counter()
    steps = {"suite": lambda: suite.run(log=log, **settings["suite"]),
             "throughput": lambda: throughput.run(log=log, **settings["throughput"]),
             "panels": lambda: latency.run(log=log, **settings["panels"]),
             "browser": lambda: browser_latency.run(log=log, **settings["browser"]),
             "tests": lambda: suite.run_tests(log=log, **settings["tests"])}
    for part in PARTS:
        if part in parts:
            log(f"{part} ...")
            results["meta"]["load_average"][part] = os.getloadavg()[0]
            results[part] = steps[part]()
    results["meta"]["load_average"]["end"] = os.getloadavg()[0]
    results["meta"]["seconds"] = time.perf_counter() - start
    report.write(results, output, "" if quick else notes())
    log(f"wrote {Path(output) / 'report.md'} in {results['meta']['seconds']:.0f} s")
    return results


def notes():
    """The hand-written analysis appended to the report (``benchmarks/NOTES.md``), if there is one."""
    return NOTES.read_text(encoding="utf-8") if NOTES.exists() else ""


def rewrite_report(output=RESULTS):
    """Render ``report.md`` and the plot again from the stored ``results.json``, without measuring anything."""
    results = json.loads((Path(output) / "results.json").read_text(encoding="utf-8"))
    report.write(results, output, notes())
    return results


def main(argv=None):
    """Parse the command line and run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parts", nargs="+", choices=PARTS, default=list(PARTS), help="what to measure")
    parser.add_argument("--quick", action="store_true", help="tiny settings that run every code path in seconds")
    parser.add_argument("--jobs", type=int, default=None,
                        help="chapters executed at a time (default: 2 on a machine with 2 or more cores; "
                             "1 gives each chapter's time alone)")
    parser.add_argument("--output", type=Path, default=RESULTS, help=f"where to write (default {RESULTS})")
    parser.add_argument("--report-only", action="store_true",
                        help="only rewrite report.md and the plot from the results.json in --output")
    args = parser.parse_args(argv)
    if args.report_only:
        rewrite_report(args.output)
    else:
        run(args.parts, quick=args.quick, jobs=args.jobs, output=args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
