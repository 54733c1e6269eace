"""Presenting every chapter in JupyterLab with jupyterlab-slideshow, as an instructor would.

For each chapter the test opens the stored notebook (trusted, nothing run: the saved widget
state draws the panels), starts the presentation with the notebook's "Toggle Deck" button and
walks through every slide, subslide and fragment with the on-screen remote (down while there
is something below, else forward), as Space does. It checks that

- the walk ends (the remote offers no direction), within as many steps as the chapter has cells;
- no step raises an error in the page (an uncaught exception or a console error);
- every cell marked as a slide, subslide or fragment came on screen, and no skipped cell did;
- every panel of the chapter came on screen, rendered (a figure and a caption with numbers),
  with a screenshot of the slide under ``test-artifacts/slideshow/``;
- a panel that works without a kernel, moved in presentation mode, changes its figure's pixels
  and its caption.

The slides are those the chapter's source marks (``notebooks/src``, ``slideshow`` metadata on
the ``# %%`` lines), which the build carries into the stored notebook (``tests/test_slides.py``).
"""

import json
import urllib.request

import pytest

from tests.browser.jupyterlab import (ARTIFACTS, RENDER_TIMEOUT, ROOT, WIDGET_VIEW, NotebookPage,
                                      PanelView, PlaywrightTimeout, move_control, offline_panel_cells)
from tests.browser.lab import CHROMIUM, NOTEBOOKS, SKIP_REASON
from tests.browser.test_panels import PANEL_TAG, changed, rendering_problems, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.skipif(not CHROMIUM.exists(), reason=SKIP_REASON)]

SHOTS = ARTIFACTS.parent / "slideshow"
SHOWN = {"slide", "subslide", "fragment"}
HIDDEN = {"skip", "notes"}
DECK_SETTINGS = "jupyterlab-slideshow:plugin"
#: Seconds: a step of the deck is a CSS change, a moved offline panel redraws in one frame.
STEP_TIMEOUT = 10
DECK_START_TIMEOUT = 30
#: Which cells are shown now (index, in notebook order; a fragment still to come is on screen,
#: transparent), and where the remote can go.
DECK_STATE_JS = """() => {
    const cells = [...document.querySelectorAll('.jp-Notebook .jp-Cell')];
    const shown = cells.flatMap((cell, index) => cell.classList.contains('jp-deck-mod-onscreen')
        && cell.classList.contains('jp-deck-mod-visible') ? [index] : []);
    const can = (direction) => {
        const button = document.querySelector(`.jp-Deck-Remote .jp-deck-mod-direction-${direction}`);
        return !!button && !button.classList.contains('jp-mod-disabled');
    };
    return {presenting: document.body.dataset.jpDeckMode === 'presenting', shown,
            down: can('down'), forward: can('forward')};
}"""
#: Press the remote's buttons in the page (down while it can, else forward, as Space does) until
#: a cell of ``stopAt`` comes on screen or the deck ends; return every state on the way. A step
#: is over when the shown cells changed and the remote has settled (its buttons follow a moment
#: later). Walking in the page spares a round trip to Python per step.
DECK_WALK_JS = """async ([stopAt, maxSteps, timeout]) => {
    const state = STATE;
    const pause = (ms) => new Promise((done) => setTimeout(done, ms));
    const visited = [];
    let now = state();
    const direction = async () => {  // the remote may still be updating: the end is an end for two seconds
        for (const until = performance.now() + 2000; performance.now() < until; await pause(50)) {
            now = state();
            if (now.down || now.forward) return now.down ? 'down' : 'forward';
        }
        return null;
    };
    while (visited.length < maxSteps) {
        const going = await direction();
        if (going === null) return {visited, ended: true};
        const before = JSON.stringify(now.shown);
        document.querySelector(`.jp-Deck-Remote .jp-deck-mod-direction-${going}`).click();
        const deadline = performance.now() + timeout;
        while (JSON.stringify(state().shown) === before && performance.now() < deadline) await pause(20);
        await pause(150);  // the deck's fade-in (0.1 s); a click before it is over can be lost
        let settled = JSON.stringify(state());
        for (let same = 0; same < 3; ) {
            await pause(40);
            const again = JSON.stringify(state());
            same = again === settled ? same + 1 : 0;
            settled = again;
        }
        now = JSON.parse(settled);
        visited.push(now);
        if (now.shown.some((index) => stopAt.includes(index))) break;
    }
    return {visited, ended: false};
}""".replace("STATE", DECK_STATE_JS)


def chapters():
    return sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def slide_types(chapter):
    """The stored notebook of ``chapter`` and each cell's slide type (None where it has none)."""
    notebook = json.loads(chapter.read_text(encoding="utf-8"))
    return notebook, [cell["metadata"].get("slideshow", {}).get("slide_type") for cell in notebook["cells"]]


def put(lab, path, payload):
    """PUT ``payload`` (JSON) to the server's REST API at ``path``."""
    request = urllib.request.Request(f"{lab.url}{path}", data=json.dumps(payload).encode("utf-8"),
                                     method="PUT", headers={"Authorization": f"token {lab.token}",
                                                            "Content-Type": "application/json"})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(request, timeout=60):
        pass


def upload(lab, name, notebook):
    """Save ``notebook`` on the server as ``name``, trusted (as JupyterLab saves a notebook it trusts)."""
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            cell["metadata"]["trusted"] = True
    put(lab, f"/api/contents/{name}", {"type": "notebook", "format": "json", "content": notebook})


def not_presenting(lab):
    """Open notebooks in the ordinary view: the deck keeps its on/off state in the user's settings."""
    put(lab, f"/lab/api/settings/{DECK_SETTINGS}", {"raw": json.dumps({"active": False})})


def panel_cells(notebook):
    """Indices of the cells that display a panel: tagged as panel cells, and their outputs hold widgets."""
    return [index for index, cell in enumerate(notebook["cells"])
            if cell["cell_type"] == "code" and PANEL_TAG in cell["metadata"].get("tags", [])
            and any(WIDGET_VIEW in output.get("data", {}) for output in cell["outputs"])]


class Deck:
    """The presentation of one open notebook: its state, and the remote's buttons."""

    def __init__(self, notebook):
        self.page = notebook.page

    def start(self):
        self.page.locator(".jp-NotebookPanel-toolbar [data-command='deck:toggle'] button, "
                          ".jp-NotebookPanel-toolbar [data-command='deck:toggle']").first.click()
        self.page.wait_for_function("() => document.body.dataset.jpDeckMode === 'presenting'",
                                    timeout=DECK_START_TIMEOUT * 1000)

    def state(self):
        return self.page.evaluate(DECK_STATE_JS)

    def walk(self, stop_at, max_steps):
        """Go on until a cell of ``stop_at`` comes on screen or the deck ends: (states on the way, ended)."""
        walked = self.page.evaluate(DECK_WALK_JS, [sorted(stop_at), max_steps, STEP_TIMEOUT * 1000])
        return walked["visited"], walked["ended"]


def screenshot(notebook, label):
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{notebook.name.removesuffix('.ipynb')}-{label}.png"
    notebook.page.screenshot(path=str(path))
    return path.relative_to(ROOT)


@pytest.mark.parametrize("chapter", chapters(), ids=lambda path: path.stem)
def test_every_slide_presents(chapter, browser, lab):
    stored, types = slide_types(chapter)
    name = f"deck-{chapter.name}"
    upload(lab, name, stored)
    not_presenting(lab)
    panels = panel_cells(stored)
    offline = offline_panel_cells(stored)
    notebook = NotebookPage(browser, lab, name)
    page_errors = []
    notebook.page.on("pageerror", lambda error: page_errors.append(f"uncaught: {error}"))
    notebook.page.on("console", lambda message: message.type == "error"
                     and page_errors.append(f"console: {message.text[:300]}"))
    problems, seen, moved = [], set(), False
    try:
        notebook.open()
        for index in panels:  # the saved panels are drawn before the deck starts
            if not wait_until(lambda: notebook.cell(index).locator(".course-panel").count() > 0, RENDER_TIMEOUT):
                problems.append(f"cell {index}: the saved panel did not render; "
                                f"screenshot: {notebook.screenshot(f'deck-cell{index}')}")
        deck = Deck(notebook)
        deck.start()
        states, steps, ended = [deck.state()], 0, False
        while True:
            for state in states:
                errors_before = len(page_errors)
                shown = set(state["shown"]) - seen
                seen |= set(state["shown"])
                problems += panel_slide_problems(notebook, steps, sorted(shown & set(panels)), offline, moved)
                moved |= bool(shown & set(offline))
                problems += [f"step {steps}: {error}" for error in page_errors[errors_before:]]
                steps += 1
            if ended or steps > len(types):
                break
            states, ended = deck.walk(set(panels) - seen, len(types) + 1 - steps)
        if not ended:
            problems.append(f"the deck did not end after {steps} steps ({len(types)} cells)")
        print(f"{chapter.stem}: {steps - 1} steps, {types.count('slide')} slides, {types.count('subslide')} subslides")
        problems += coverage_problems(types, seen)
        if offline and not moved:
            problems.append(f"the panels of cells {sorted(offline)} work without a kernel but none came on screen")
    except PlaywrightTimeout as timeout:
        problems.append(f"{timeout.message.splitlines()[0]}; screenshot: {screenshot(notebook, 'timeout')}")
    finally:
        notebook.close()
        lab.shut_down_kernels()
        not_presenting(lab)  # the next notebook any test opens starts in the ordinary view
    assert not problems, f"{chapter.name} presented with jupyterlab-slideshow:\n- " + "\n- ".join(problems)


def panel_slide_problems(notebook, step, indices, offline, moved):
    """Check the panels of cells ``indices``, just shown at ``step``: a screenshot each, rendered.

    The first panel that works without a kernel (``offline``) is also moved, unless one was (``moved``).
    """
    problems = []
    if indices:
        notebook.page.wait_for_timeout(150)  # the deck's fade-in (0.1 s) is over before the screenshot
    for index in indices:
        shot = screenshot(notebook, f"step{step:02d}-cell{index}")
        view = PanelView(notebook.cell(index).locator(".course-panel").first)
        output = view.wait_for_first_output(RENDER_TIMEOUT)
        problems += [f"step {step}, cell {index}: {problem}; screenshot: {shot}"
                     for problem in rendering_problems(output, kernel=False)]  # no cell is run
        if index in offline and not moved:
            problems += [f"step {step}, cell {index} in presentation mode: {problem}; screenshot: {shot}"
                         for problem in move_first_control(view, output)]
            moved = True
    return problems


def move_first_control(view, before):
    """Move the panel's first control that works without a kernel; the figure and the caption must both change."""
    controls = view.controls(without_kernel=True)
    if not controls:
        return ["no control found"]
    account = move_control(controls[0])
    after = view.wait_for_output(lambda now: changed(now, before) == {"figure", "caption"}, STEP_TIMEOUT)
    if changed(after, before) != {"figure", "caption"}:
        return [f"moving {account} changed {sorted(changed(after, before)) or 'nothing'}"]
    return []


def coverage_problems(types, seen):
    """Cells marked to be shown that never came on screen, and hidden ones that did."""
    problems = []
    missing = [index for index, kind in enumerate(types) if kind in SHOWN and index not in seen]
    if missing:
        problems.append(f"cells {missing} are marked as slides, subslides or fragments but never came on screen")
    leaked = [index for index, kind in enumerate(types) if kind in HIDDEN and index in seen]
    if leaked:
        problems.append(f"cells {leaked} are marked skip or notes but came on screen")
    return problems
