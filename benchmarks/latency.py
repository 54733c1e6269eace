"""Panel latency: the time from a control change to the finished update, split into compute and drawing.

Every panel factory of the course (a function named ``*_panel`` in
``course_lib/widgets/<topic>.py``) works without arguments and returns a
:class:`course_lib.widgets.panel.Panel`, so each one is built here the same way
and driven from Python, without a browser, as a student drives it: every
control of a cheap panel moves through several values, each change redrawing
the panel; a training panel gets a changed control, then a click on its button.
The wall time of each change is measured around the assignment (or the click);
the panel's own ``timings`` split it into ``compute`` and ``draw`` (drawing
makes the rows the chart in the browser receives). The process CPU time of the
same span is kept too: on a machine shared with other work, it shows what the
update costs on an idle core (TensorFlow's threads add theirs to it).
"""

import importlib
import inspect
import pkgutil
import statistics
import time

import numpy as np

from course_lib import validate

CHEAP_LIMIT_SECONDS = 0.1
TRAINING_LIMIT_SECONDS = 2.0


def panel_factories(package="course_lib.widgets", only=()):
    """Every ``*_panel`` function defined in the modules of ``package``, as (module name, function), sorted.

    ``only`` limits the search to modules of those names (``("welcome",)``). A module
    that fails to import comes back as (module name, the exception).
    """
    widgets_package = importlib.import_module(package)
    found = []
    for info in sorted(pkgutil.iter_modules(widgets_package.__path__), key=lambda info: info.name):
        if info.name == "panel" or (only and info.name not in only):
            continue
        module_name = f"{package}.{info.name}"
        try:
            module = importlib.import_module(module_name)
        except Exception as error:  # a module being written by someone else must not stop the others
            found.append((module_name, error))
            continue
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if name.endswith("_panel") and function.__module__ == module_name:
                found.append((module_name, function))
    return found


def control_values(control, count):
    """Up to ``count`` values for ``control`` other than its current one, spread over its whole range.

    Sliders get evenly spaced values from min to max (on the log scale for a log
    slider), selections their options (as indexes), check boxes the other state.
    Returns (attribute to set, values); an empty list for a control that cannot be driven.
    """
    count = validate.positive_int("count", count)
    value = control.value
    if hasattr(control, "options") and hasattr(control, "index"):
        others = [i for i in range(len(control.options)) if i != control.index]
        return "index", _spread(others, count)
    if isinstance(value, bool):
        return "value", [not value]
    if hasattr(control, "base"):  # FloatLogSlider: min and max are exponents
        grid = control.base ** np.linspace(control.min, control.max, count + 1)
    elif hasattr(control, "min") and hasattr(control, "max") and not isinstance(value, tuple):
        grid = np.linspace(control.min, control.max, count + 1)
    else:
        return "value", []
    if isinstance(value, int):
        grid = np.unique(np.round(grid).astype(int))
    grid = [type(value)(v) for v in grid]
    others = [v for v in grid if not np.isclose(v, value)]
    return "value", others[:count]


def _spread(items, count):
    if len(items) <= count:
        return items
    return [items[int(i)] for i in np.linspace(0, len(items) - 1, count).round()]


def _summary(samples):
    if not samples:
        return {"median": None, "p95": None}
    return {"median": statistics.median(samples), "p95": float(np.percentile(samples, 95))}


def _change(panel, control, attribute, value, clicks):
    """Apply one change (and click); return the wall and CPU seconds with the panel's timing, or None if rejected."""
    before = len(panel.timings)
    start, cpu_start = time.perf_counter(), time.process_time()
    if control is not None:
        setattr(control, attribute, value)
    if clicks:
        panel.button.click()
        if getattr(panel, "training", None) is not None:
            return _first_live_update(panel, before, start, cpu_start)
    seconds = {"wall": time.perf_counter() - start, "cpu": time.process_time() - cpu_start}
    return {**seconds, **panel.timings[-1]} if len(panel.timings) > before else None


def _first_live_update(panel, before, start, cpu_start):
    """A live panel after a click: the time to its first update after the untrained state; then it pauses."""
    while len(panel.timings) < before + 2 and panel.training.running:
        time.sleep(0.001)
    seconds = {"wall": time.perf_counter() - start, "cpu": time.process_time() - cpu_start}
    panel.training.pause()
    panel.training.wait()
    return {**seconds, **panel.timings[before + 1]} if len(panel.timings) >= before + 2 else None


def drive(panel, *, values_per_control=5, repeats=2, max_clicks=4, budget_seconds=20.0):
    """Change every control of ``panel`` and time each update; returns the samples and the rejected changes.

    A cheap panel redraws on every change: each control sweeps ``values_per_control``
    values, ``repeats`` times, then goes back to its first value. A training panel
    (one with a button) is clicked after each change, at most ``max_clicks`` times.
    Each control of a cheap panel gets an equal share of ``budget_seconds``, so one
    slow panel cannot hold up the benchmark; a training panel always gets its
    ``max_clicks`` clicks, so that its median is over all of them.
    """
    values_per_control = validate.positive_int("values_per_control", values_per_control)
    repeats = validate.positive_int("repeats", repeats)
    max_clicks = validate.positive_int("max_clicks", max_clicks)
    budget_seconds = validate.positive("budget_seconds", budget_seconds)
    clicks = panel.button is not None
    plan = []
    for name, control in panel.controls.items():
        attribute, values = control_values(control, values_per_control)
        if values:
            plan.append((name, control, attribute, values))
    if clicks:  # one new value for each control in turn, each followed by a click
        changes = [(name, control, attribute, values[i % len(values)])
                   for i in range(max_clicks) for name, control, attribute, values in plan][:max_clicks]
        groups = [(changes or [(None, None, None, None)] * max_clicks, None)]  # a lone button: just click
    else:
        groups = [([(name, control, attribute, value) for value in values * repeats],
                   (control, attribute, getattr(control, attribute)))
                  for name, control, attribute, values in plan]
    share = budget_seconds / max(1, len(groups))
    samples, rejected = [], 0
    for changes, first in groups:
        start = time.perf_counter()
        for name, control, attribute, value in changes:
            if not clicks and time.perf_counter() - start > share:
                break
            sample = _change(panel, control, attribute, value, clicks)
            if sample is None:
                rejected += 1
            else:
                samples.append({"control": name, **sample})
        if first is not None:  # back to the default before the next control moves
            setattr(*first)
    return samples, rejected


def measure_panel(factory, **drive_options):
    """Build one panel with no arguments and drive it; returns its latency figures and its verdict."""
    start = time.perf_counter()
    panel = factory()
    build_seconds = time.perf_counter() - start
    samples, rejected = drive(panel, **drive_options)
    kind = "training" if panel.button is not None else "cheap"
    limit = TRAINING_LIMIT_SECONDS if kind == "training" else CHEAP_LIMIT_SECONDS
    wall = _summary([s["wall"] for s in samples])
    controls = {}
    for sample in samples:
        controls.setdefault(sample["control"] or "(button)", []).append(sample["wall"])
    return {
        "title": panel.title, "kind": kind, "build_seconds": build_seconds,
        "changes": len(samples), "rejected": rejected,
        "wall": wall,
        "cpu": _summary([s["cpu"] for s in samples]),
        "compute": _summary([s["compute"] for s in samples]),
        "draw": _summary([s["draw"] for s in samples]),
        "per_control_median": {name: statistics.median(walls) for name, walls in controls.items()},
        "limit_seconds": limit,
        "too_slow": wall["median"] is not None and wall["median"] > limit,
    }


def run(*, package="course_lib.widgets", only=(), log=print, **drive_options):
    """Measure every panel of ``package`` (or of its modules ``only``); a broken panel is reported, not fatal."""
    results = []
    for module_name, factory in panel_factories(package, only):
        if isinstance(factory, Exception):
            results.append({"module": module_name, "factory": None, "error": f"import failed: {factory!r}"})
            log(f"  {module_name}: import failed: {factory!r}")
            continue
        entry = {"module": module_name, "factory": factory.__name__}
        try:
            entry.update(measure_panel(factory, **drive_options))
        except Exception as error:  # report the broken panel and go on with the others
            entry["error"] = f"{type(error).__name__}: {error}"
            log(f"  {module_name}.{factory.__name__}: {entry['error']}")
        else:
            log(f"  {module_name}.{factory.__name__}: {entry['kind']}, median "
                f"{1000 * (entry['wall']['median'] or 0):.0f} ms over {entry['changes']} changes")
        results.append(entry)
    return results
