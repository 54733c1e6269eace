"""Every panel of every chapter, used in a real JupyterLab in a real browser.

The unit tests prove a panel's maths; this proves that a person in JupyterLab sees the panel and
can use it. Each panel cell (a code cell tagged ``panel``, see docs/CONTRIBUTING.md) is tested on
its own: the test opens its chapter in JupyterLab (a fresh kernel), runs the chapter's setup cell
(its first code cell) and then only that panel cell, each selected and run with Ctrl+Enter as a
person would, and checks that

- both cells ran and the kernel reported no error, so the panel needs no other cell above it,
  such as a long training cell (the lecture issue's "any panel in seconds");
- the two cells ran within about 10 s plus the panel's own work (``SETUP_SECONDS`` +
  ``OWN_WORK_SECONDS``, doubled, and scaled by the machine's load; the seconds measured are
  printed and recorded as properties of the test in pytest's reports);
- the cell's panels are on the page (not "Loading widget..." or an error), with the figure shown
  and a caption that states numbers and no error;
- moving the panel's first control (keyboard on a slider, another option in a dropdown or of
  toggle buttons, a click on a checkbox, an edited number in a text box; then the panel's
  button, if it has one) changes both the figure and the caption (every caption states the
  numbers its figure shows, so they change together);
- every other control moves too, and the panel stays free of errors afterwards.

The chapters run top to bottom in nbval only. Each problem is reported with a screenshot saved
under ``test-artifacts/browser/``.
"""

import json
import os
import re
import time

import pytest

from tests.browser.lab import CHROMIUM, NOTEBOOKS, SKIP_REASON
from tests.browser.jupyterlab import (RENDER_TIMEOUT, UPDATE_TIMEOUT, WIDGET_VIEW, ControlDidNotMove,
                                      NotebookPage, PanelView, PlaywrightTimeout, move_control,
                                      offline_panel_cells)

pytestmark = [pytest.mark.browser, pytest.mark.skipif(not CHROMIUM.exists(), reason=SKIP_REASON)]

PANEL_TAG = "panel"
#: Seconds to wait for a cheap panel to start redrawing after its other controls moved.
SETTLE_TIMEOUT = 15
#: Seconds within which Pause stops a training panel's run (after its current step), on an idle machine.
PAUSE_SECONDS = 15
#: Seconds on an idle machine: the setup cell imports TensorFlow (about 10 s); a panel's own work
#: (loading a dataset, training a small model) takes a few seconds more. The test allows twice
#: their sum, times the machine's slowdown (``slowdown``): a panel that waited for a chapter's
#: long training (minutes) fails, a busy machine does not.
SETUP_SECONDS = 10
OWN_WORK_SECONDS = 20
MARGIN = 2


def slowdown():
    """How much slower than idle this machine runs now: runnable processes per core (1-minute load), at least 1."""
    return max(1.0, os.getloadavg()[0] / (os.cpu_count() or 1))


def stored(notebook_path):
    return json.loads(notebook_path.read_text(encoding="utf-8"))


def code_cells(notebook_path):
    """(index, cell) of every code cell of a stored notebook, indices counting all cells."""
    cells = stored(notebook_path)["cells"]
    return [(index, cell) for index, cell in enumerate(cells) if cell["cell_type"] == "code"]


def panel_cells(notebook_path):
    """{cell index: number of panels} of the cells tagged ``panel``; the number read from the stored outputs.

    The stored outputs are those of a real run (nbval checks them): a panel cell shows as
    many panels as it displays widget views there.
    """
    return {index: sum(WIDGET_VIEW in output.get("data", {}) for output in cell.get("outputs", []))
            for index, cell in code_cells(notebook_path)
            if PANEL_TAG in cell.get("metadata", {}).get("tags", [])}


def every_panel_cell():
    """(chapter notebook, panel cell index) of every panel cell of every chapter, in course order."""
    return [pytest.param(path, index, id=f"{path.stem}-cell{index}")
            for path in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")) for index in panel_cells(path)]


@pytest.mark.parametrize(("chapter", "index"), every_panel_cell())
def test_panel_runs_alone_after_setup_and_responds(chapter, index, browser, lab, record_property):
    count = panel_cells(chapter)[index]
    assert count, f"{chapter.name} cell {index} is tagged {PANEL_TAG!r} but its stored outputs show no widget"
    setup_index = code_cells(chapter)[0][0]
    notebook = NotebookPage(browser, lab, chapter.name)
    problems = []
    try:
        notebook.open()
        problems += page_problems(notebook, chapter)
        setup = notebook.run_cell(setup_index)
        panel = notebook.run_cell(index)
        factor = slowdown()
        bound = MARGIN * (SETUP_SECONDS + OWN_WORK_SECONDS) * factor
        for name, value in (("setup_seconds", setup["seconds"]), ("panel_cell_seconds", panel["seconds"]),
                            ("bound_seconds", bound)):
            record_property(name, round(value, 2))
        print(f"{chapter.stem} cell {index}: setup cell {setup['seconds']:.1f} s + panel cell "
              f"{panel['seconds']:.1f} s (bound {bound:.0f} s at a slowdown of {factor:.1f})")
        problems += run_problems(notebook, {"setup cell": setup, f"panel cell {index}": panel})
        if setup["seconds"] + panel["seconds"] > bound:
            problems.append(f"setup cell {setup['seconds']:.1f} s + panel cell {panel['seconds']:.1f} s exceed "
                            f"{bound:.0f} s ({MARGIN} × ({SETUP_SECONDS} + {OWN_WORK_SECONDS}) s × a slowdown of "
                            f"{factor:.1f}): the panel is not ready in seconds")
        if all(run["status"] == "ok" for run in (setup, panel)):
            problems += panel_problems(notebook, index, count)
    except PlaywrightTimeout as timeout:
        problems.append(f"{timeout.message.splitlines()[0]}; screenshot: {notebook.screenshot('timeout')}")
    finally:
        notebook.close()
        lab.shut_down_kernels()
    assert not problems, f"{chapter.name} cell {index} in JupyterLab:\n- " + "\n- ".join(problems)


def page_problems(notebook, chapter):
    """Cells missing from the page (each cell is found by its index in the stored notebook)."""
    expected = len(stored(chapter)["cells"])
    shown = notebook.cell_count()
    return [] if shown == expected else [f"the page shows {shown} cells, the notebook has {expected}"]


def run_problems(notebook, runs):
    """What went wrong running cells: a cell that failed or got no answer, errors the kernel reported."""
    problems = []
    for name, run in runs.items():
        if run["status"] != "ok":
            shot = notebook.screenshot("run")
            problems.append(f"the {name} ended with {run['status']!r} after {run['seconds']:.1f} s; screenshot: {shot}")
    if notebook.kernel.errors:
        shot = notebook.screenshot("run-error")
        problems.append(f"the kernel reported errors running the cells: {notebook.kernel.errors}; screenshot: {shot}")
    return problems


def panel_problems(notebook, index, count):
    """What is wrong with the panels of cell ``index``: missing, not rendered, or not responding."""
    cell = notebook.cell(index)
    panels = cell.locator(".course-panel")
    if not wait_until(lambda: panels.count() >= count, RENDER_TIMEOUT):
        shown = cell.locator(".jp-OutputArea").inner_text().strip()
        shot = notebook.screenshot(f"cell{index}-not-rendered", cell)
        return [f"cell {index}: {panels.count()} of {count} panels rendered; the output shows "
                f"{shown[:300]!r}; screenshot: {shot}"]
    problems = []
    for number in range(count):
        view = PanelView(panels.nth(number))
        label = f"cell {index} panel {view.title()!r}"
        try:
            problems += [f"{label}: {problem}; screenshot: {notebook.screenshot(f'cell{index}-{number}', view.locator)}"
                         for problem in exercise_panel(notebook, view)]
        except (PlaywrightTimeout, ControlDidNotMove) as error:
            shot = notebook.screenshot(f"cell{index}-{number}", view.locator)
            problems.append(f"{label}: {type(error).__name__}: {error}; screenshot: {shot}")
    return problems


def exercise_panel(notebook, view):
    """Move the panel's controls as a reader would; return what went wrong (empty when nothing).

    A training panel is paused once its figure has changed (its run would go on for many
    epochs): Pause must stop the run (Train is enabled again), and at the end Reset must
    bring back the untrained state.
    """
    view.locator.scroll_into_view_if_needed()
    errors_before = len(notebook.kernel.errors)
    before = view.wait_for_first_output(RENDER_TIMEOUT)
    problems = rendering_problems(before)
    controls = view.controls()
    if not controls:
        problems.append("no control (slider, dropdown, toggle buttons, checkbox, text box) found")
    if problems:
        return problems
    button = view.button()
    live = view.live_buttons()
    first = move_control(controls[0])
    if button is not None:
        button.click()
    after = wait_for_change(view, live, lambda now: changed(now, before) == {"figure", "caption"}, problems)
    stayed = {"figure", "caption"} - changed(after, before)
    if stayed:
        what = f"moving {first}" + (f" and pressing {button.inner_text().strip()!r}" if button else "")
        still = " and the ".join(sorted(stayed)) + (" as they were" if len(stayed) == 2 else " as it was")
        problems.append(f"{what} left the {still} after {UPDATE_TIMEOUT} s "
                        f"(caption before {before['caption']!r}, after {after['caption']!r})")
    else:
        moved = [move_control(control) for control in controls[1:]]
        final = after
        if moved:
            if button is not None:
                button.click()
            final = wait_for_change(view, live, lambda now: changed(now, after), problems,
                                    UPDATE_TIMEOUT if button else SETTLE_TIMEOUT)
            notebook.wait_for_idle(UPDATE_TIMEOUT)  # the last redraw is done
        problems += [f"after moving {', '.join([first] + moved)}: {problem}"
                     for problem in rendering_problems(final)]
        if live is not None:
            problems += reset_problems(view, live[1], final)
    errors = notebook.kernel.since(errors_before)
    if errors:
        problems.append(f"the kernel reported errors while the controls moved: {errors}")
    return problems


def wait_for_change(view, live, done, problems, timeout=UPDATE_TIMEOUT):
    """The panel's output once ``done`` holds and it stands still; a live run is paused first.

    Pause must stop the run within ``PAUSE_SECONDS`` (it stops after the current step):
    Train is enabled again. Otherwise the problem is added to ``problems``.
    """
    if live is None:
        return view.wait_for_output(done, timeout)
    view.wait_for_output(done, timeout, settle=False)
    try:
        live[0].click(timeout=5_000)
    except PlaywrightTimeout:
        pass  # the run ended by itself before Pause was pressed: Train is enabled again, checked below
    bound = PAUSE_SECONDS * slowdown()
    if not wait_until(view.button().is_enabled, bound):
        problems.append(f"Pause did not stop the run: Train was still disabled {bound:.0f} s later")
    return view.wait_for_output(lambda _now: True, timeout)


def reset_problems(view, reset, trained):
    """Reset after training must show the untrained state: figure and caption change."""
    reset.click()
    untrained = view.wait_for_output(lambda now: changed(now, trained) == {"figure", "caption"}, UPDATE_TIMEOUT)
    stayed = {"figure", "caption"} - changed(untrained, trained)
    problems = rendering_problems(untrained)
    if stayed:
        problems.append(f"Reset left the {' and the '.join(sorted(stayed))} of the trained run "
                        f"(caption {trained['caption']!r})")
    return problems


def changed(now, before):
    """Which of the panel's figure and caption differ between two readings."""
    return {part for part, key in (("figure", "image"), ("caption", "caption")) if now[key] != before[key]}


def wait_until(condition, timeout):
    """Poll ``condition`` until it holds (True) or ``timeout`` seconds pass (False)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.25)
    return True


def rendering_problems(output, kernel=True):
    """What the reader would miss in a panel's output: the figure, a caption with numbers, no error.

    With its ``kernel``, a panel must not say that its cell needs running.
    """
    problems = []
    if kernel and output.get("note"):
        problems.append(f"it says {output['note']!r} though its kernel runs")
    if output["image"] is None or not output["decoded"] or output["width"] < 50:
        problems.append(f"the figure is not shown (decoded: {output['decoded']}, width {output['width']:.0f} px)")
    caption = output["caption"]
    if not caption:
        problems.append("the caption is empty")
    elif "⚠" in caption:
        problems.append(f"the caption shows an error: {caption!r}")
    elif not re.search(r"\d", caption):
        problems.append(f"the caption states no number: {caption!r}")
    return problems


def chapters_with_offline_panels():
    """The chapter notebooks whose stored widget state holds panels that work without a kernel."""
    return [path for path in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")) if offline_panel_cells(stored(path))]


@pytest.mark.parametrize("chapter", chapters_with_offline_panels(), ids=lambda path: path.stem)
def test_offline_panels_respond_without_a_kernel(chapter, browser, lab):
    """A chapter opened from disk with no cell run: its offline panels render from the saved state,
    and once the kernel is shut down every control still changes the figure (but those marked as
    needing the kernel, such as the softmax panel's text box of logits); the chapter's other
    panels say under their caption that they need their cell run.

    JupyterLab starts a kernel when it opens a notebook and asks it for its widgets before it
    renders the saved ones; the kernel is shut down only after that, as a reader's kernel may die.
    """
    expected = offline_panel_cells(stored(chapter))
    notebook = NotebookPage(browser, lab, chapter.name)
    problems = []
    try:
        notebook.open()
        rendered = {}
        for index, count in expected.items():
            cell = notebook.cell(index)
            panels = cell.locator(".course-panel")
            if wait_until(lambda: panels.count() >= count, RENDER_TIMEOUT):
                rendered[index] = panels
            else:
                shot = notebook.screenshot(f"cell{index}-offline-not-rendered", cell)
                problems.append(f"cell {index}: {panels.count()} of {count} panels rendered from the "
                                f"saved state; screenshot: {shot}")
        lab.shut_down_kernels()
        for index, panels in rendered.items():
            for number in range(expected[index]):
                view = PanelView(panels.nth(number))
                problems += [f"cell {index} panel {view.title()!r} without a kernel: {problem}"
                             for problem in move_every_control(view)]
        for index, count in panel_cells(chapter).items():  # the others say that they need their cell run
            notes = notebook.cell(index).locator(".course-panel .course-kernel-note")
            if index not in expected and not wait_until(lambda: notes.count() >= count, RENDER_TIMEOUT):
                shot = notebook.screenshot(f"cell{index}-no-kernel-note", notebook.cell(index))
                problems.append(f"cell {index}: {notes.count()} of {count} panels that need the kernel say "
                                f"so without one; screenshot: {shot}")
    except PlaywrightTimeout as timeout:
        problems.append(f"{timeout.message.splitlines()[0]}; screenshot: {notebook.screenshot('offline-timeout')}")
    finally:
        notebook.close()
    assert not problems, f"{chapter.name} in JupyterLab without a kernel:\n- " + "\n- ".join(problems)


def move_every_control(view):
    """Move each control that works without a kernel in turn; each move must change the figure's pixels and the caption."""
    view.locator.scroll_into_view_if_needed()
    before = view.wait_for_first_output(RENDER_TIMEOUT)
    problems = rendering_problems(before, kernel=False)
    for control in view.controls(without_kernel=True):
        moved = move_control(control)
        after = view.wait_for_output(lambda now: changed(now, before) == {"figure", "caption"}, SETTLE_TIMEOUT)
        if changed(after, before) != {"figure", "caption"}:
            problems.append(f"moving {moved} changed {sorted(changed(after, before)) or 'nothing'} "
                            f"(caption {before['caption']!r} → {after['caption']!r})")
        problems += [f"after moving {moved}: {problem}" for problem in rendering_problems(after, kernel=False)]
        before = after
    return problems
