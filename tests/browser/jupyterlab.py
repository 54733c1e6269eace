"""Using a chapter in JupyterLab the way a person does: open it, run cells, find the panels, move them.

``NotebookPage`` drives one open notebook; ``PanelView`` one ``course-panel`` in it (see
``course_lib/widgets/panel.py``: controls, then a chart's ``<canvas>`` or an ``<img>``, and a
``course-panel-caption``).
``KernelMessages`` listens to the page's kernel connection and keeps every error the kernel
reports, including the tracebacks of widget callbacks, which JupyterLab shows in no cell.
"""

import json
import re
import time
from pathlib import Path

from jupyter_server.services.kernels.connection.base import deserialize_msg_from_ws_v1
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from course_lib.widgets.panel import NEEDS_KERNEL_CLASS
from tools.export_html import WIDGET_STATE, WIDGET_VIEW, is_live, widget_state  # noqa: F401 (shared names)

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "browser"
#: Seconds. Running cells (one, or Run All) is allowed as long as nbval allows a cell (see the Makefile); a panel gets a
#: minute to appear and two to redraw (a training panel retrains; this machine may be busy).
KERNEL_START_TIMEOUT = 180
RUN_TIMEOUT = 1800
RENDER_TIMEOUT = 60
UPDATE_TIMEOUT = 120

#: The status bar says the kernel is idle: "Idle", or "空闲" in JupyterLab's Chinese interface.
KERNEL_IDLE_JS = "() => /\\| (?:Idle\\b|空闲)/.test(document.querySelector('#jp-main-statusbar')?.innerText || '')"
#: What a panel shows: a digest of the figure's pixels, whether the browser could decode and
#: lay the figure out, and the caption text. A chart panel draws on a <canvas> (its pixels are
#: read back); a figure panel shows a PNG in an <img> (its src is a blob URL, new on every
#: redraw, so the bytes are compared, not the URL).
PANEL_OUTPUT_JS = """async (panel) => {
    const digestOf = async (bytes) => {
        const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
        return Array.from(hash, b => b.toString(16).padStart(2, '0')).join('');
    };
    const canvas = panel.querySelector('.course-chart canvas');
    const image = panel.querySelector('img.widget-image');
    const caption = panel.querySelector('.course-panel-caption');
    const note = panel.querySelector('.course-kernel-note');
    let digest = null, width = 0, decoded = false;
    if (canvas) {
        const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        digest = canvas.width > 0 ? await digestOf(pixels) : null;
        width = canvas.getBoundingClientRect().width;
        decoded = canvas.width > 0;
    } else if (image && image.src) {
        try {
            digest = await digestOf(await (await fetch(image.src)).arrayBuffer());
        } catch (error) {
            digest = null;  // the blob was replaced while being read: read again
        }
        width = image.getBoundingClientRect().width;
        decoded = image.naturalWidth > 0;
    }
    return {image: digest, width, decoded, caption: caption ? caption.innerText.trim() : null,
            note: note ? note.innerText.trim() : null};
}"""
CONTROL_SELECTOR = ".widget-slider, .widget-dropdown, .widget-toggle-buttons, .widget-checkbox, .widget-text"
NUMBER = re.compile(r"-?\d+(\.\d+)?")


def seconds_to_ms(seconds):
    return int(seconds * 1000)


class KernelMessages:
    """What the kernel tells the page: how each cell's execution ended, and every error.

    Errors are failed cells and tracebacks printed on stderr (an exception in a widget callback
    ends up there, and JupyterLab shows it in no cell).
    """

    def __init__(self, page):
        self.errors = []
        self.replies = []
        page.on("websocket", self._watch)

    def _watch(self, websocket):
        if "/api/kernels/" in websocket.url:
            websocket.on("framereceived", self._on_frame)

    def _on_frame(self, payload):
        msg_type, content = decode_kernel_frame(payload)
        if msg_type == "execute_reply":
            self.replies.append(content.get("status"))
        elif msg_type == "error":
            self.errors.append(f"{content.get('ename')}: {content.get('evalue')}")
        elif (msg_type == "stream" and content.get("name") == "stderr"
              and "Traceback" in content.get("text", "")):
            self.errors.append(content["text"].strip()[-1500:])

    def since(self, mark):
        """The errors received after ``mark`` (a previous ``len(self.errors)``)."""
        return self.errors[mark:]


def decode_kernel_frame(payload):
    """The message type and content of one websocket frame from the kernel (either protocol)."""
    if isinstance(payload, str):
        message = json.loads(payload)
        return message.get("header", {}).get("msg_type"), message.get("content", {})
    _channel, parts = deserialize_msg_from_ws_v1(payload)
    return json.loads(parts[0]).get("msg_type"), json.loads(parts[3])


class NotebookPage:
    """One notebook open in JupyterLab in its own browser page."""

    def __init__(self, browser, lab, name):
        self.lab = lab
        self.name = name
        self.page = browser.new_page(viewport={"width": 1400, "height": 1000})
        self.kernel = KernelMessages(self.page)

    def open(self):
        """Open the notebook and wait until its kernel is started and idle."""
        self.page.goto(self.lab.notebook_url(self.name))
        self.page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=seconds_to_ms(KERNEL_START_TIMEOUT))
        self.wait_for_idle(KERNEL_START_TIMEOUT)

    def wait_for_idle(self, timeout):
        """Wait until the status bar says the kernel is Idle (keys sent before then are lost)."""
        self.page.wait_for_function(KERNEL_IDLE_JS, timeout=seconds_to_ms(timeout), polling=250)

    def run_all_cells(self, code_cells):
        """Run > Run All Cells from the menu bar; return how the executions of ``code_cells`` cells ended.

        Waits until the kernel has answered every cell, or has answered one with an error and
        gone idle (it may abort the rest), or ``RUN_TIMEOUT`` seconds have passed.
        """
        self.wait_for_idle(KERNEL_START_TIMEOUT)
        first = len(self.kernel.replies)
        self.page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
        self.page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()
        deadline = time.monotonic() + RUN_TIMEOUT
        while time.monotonic() < deadline:
            replies = self.kernel.replies[first:]
            if len(replies) >= code_cells:
                break
            if any(status != "ok" for status in replies) and self.kernel_is_idle():
                self.page.wait_for_timeout(2000)
                if self.kernel_is_idle():
                    break
            self.page.wait_for_timeout(1000)  # not time.sleep: Playwright delivers frames while it waits
        return self.kernel.replies[first:]

    def run_cell(self, index):
        """Select the cell at ``index`` and run it with Ctrl+Enter, as a person does; wait for the kernel.

        Returns ``{"status": "ok" | "error" | "aborted" | "no answer", "seconds": …}``: how the
        execution ended and the seconds from the key press to the kernel's answer (at most
        ``RUN_TIMEOUT``).
        """
        self.wait_for_idle(KERNEL_START_TIMEOUT)
        cell = self.cell(index)
        cell.scroll_into_view_if_needed()
        cell.locator(".jp-InputPrompt").first.click()  # selects the cell (command mode)
        first = len(self.kernel.replies)
        start = time.monotonic()
        self.page.keyboard.press("Control+Enter")
        while len(self.kernel.replies) == first and time.monotonic() - start < RUN_TIMEOUT:
            self.page.wait_for_timeout(100)  # not time.sleep: Playwright delivers frames while it waits
        seconds = time.monotonic() - start
        replies = self.kernel.replies[first:]
        return {"status": replies[0] if replies else "no answer", "seconds": seconds}

    def kernel_is_idle(self):
        return self.page.evaluate(KERNEL_IDLE_JS)

    def cell(self, index):
        """The cell at ``index``, counted as in the .ipynb file (every cell is on the page)."""
        return self.page.locator(".jp-Notebook .jp-Cell").nth(index)

    def cell_count(self):
        return self.page.locator(".jp-Notebook .jp-Cell").count()

    def screenshot(self, label, element=None):
        """Save a screenshot (scrolled to ``element`` if given) under test-artifacts/; return its path."""
        if element is not None:
            try:
                element.scroll_into_view_if_needed(timeout=5000)
            except PlaywrightTimeout:
                pass
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{self.name.removesuffix('.ipynb')}-{label}.png"
        self.page.screenshot(path=str(path))
        return path.relative_to(ROOT)

    def close(self):
        self.page.close()


class PanelView:
    """A ``course-panel`` on the page: read what it shows, move its controls, press its button."""

    def __init__(self, locator):
        self.locator = locator

    def title(self):
        """The panel's title, as shown above its controls."""
        return self.locator.locator(".widget-html-content b").first.inner_text().strip()

    def output(self, attempts=20):
        """The panel's figure digest, image layout and caption, as the reader sees them now.

        A figure replaced while it was being read is read again, up to ``attempts`` times.
        """
        for _ in range(attempts):
            current = self.locator.evaluate(PANEL_OUTPUT_JS)
            if current["image"] is not None:
                break
            time.sleep(0.1)
        return current

    def controls(self, without_kernel=False):
        """The panel's controls (sliders, dropdowns, toggle buttons, checkboxes, text boxes), in page order.

        ``without_kernel``: only those that work without a kernel (not marked as needing it).
        Each is located by a mark put on it now, not by its place among the others: a control shown
        only while another has a certain value (``course_lib.widgets.controls``) leaves the page when
        that one moves, and the controls after it would otherwise take each other's places.
        """
        selector = CONTROL_SELECTOR
        if without_kernel:
            selector = ", ".join(f"{part.strip()}:not(.{NEEDS_KERNEL_CLASS})" for part in CONTROL_SELECTOR.split(","))
        found = self.locator.locator(selector)
        marks = [found.nth(index).evaluate("(element, mark) => element.dataset.courseControl = mark",
                                           f"{id(self)}-{index}") for index in range(found.count())]
        return [self.locator.locator(f'[data-course-control="{mark}"]') for mark in marks]

    def button(self):
        """The panel's action button ("Train" and the like), or None for panels that redraw at once."""
        buttons = self.locator.locator(".widget-button")
        return buttons.first if buttons.count() else None

    def live_buttons(self):
        """A training panel's Pause and Reset buttons, or None for a panel that does not train live."""
        pause = self.locator.locator(".widget-button", has_text="Pause")
        reset = self.locator.locator(".widget-button", has_text="Reset")
        return (pause.first, reset.first) if pause.count() and reset.count() else None

    def wait_for_first_output(self, timeout):
        """The panel's output once its figure has arrived (or as it is after ``timeout`` seconds)."""
        deadline = time.monotonic() + timeout
        current = self.output()
        while current["image"] is None and time.monotonic() < deadline:
            time.sleep(0.25)
            current = self.output()
        return current

    def wait_for_output(self, done, timeout, settle=True):
        """Poll the output until ``done(output)`` holds and then stays still for half a second; return it.

        With ``settle=False`` return as soon as ``done`` holds (a live run keeps changing its
        output until it is paused). After ``timeout`` seconds, return the output as it is,
        whether ``done`` or not.
        """
        deadline = time.monotonic() + timeout
        current = self.output()
        while time.monotonic() < deadline:
            if current["image"] is not None and done(current):
                if not settle:
                    return current
                time.sleep(0.5)
                settled = self.output()
                if settled == current:
                    return current
                current = settled
                continue
            time.sleep(0.25)
            current = self.output()
        return current


def control_label(control):
    """The description shown beside a control."""
    labels = control.locator(".widget-label")
    return labels.first.inner_text().strip() if labels.count() else "(unlabelled)"


def move_control(control):
    """Move one control as a reader would: keyboard on a slider, another option, a click, a typed edit.

    A text box is edited by adding 1 to the first number in it ("128, 256" → "129, 256"), which
    keeps shapes, lists of logits and the like valid while changing what they say.

    Returns a short account ("w (slope): 0.5 → 0.6") or raises ``ControlDidNotMove``.
    """
    label = control_label(control)
    kind = control.get_attribute("class")
    if "widget-slider" in kind:
        handle = control.locator(".noUi-handle").first
        readout = control.locator(".widget-readout").first
        at_max = float(handle.get_attribute("aria-valuenow")) >= float(handle.get_attribute("aria-valuemax"))
        before = readout.inner_text().strip()
        handle.press("ArrowLeft" if at_max else "ArrowRight")
        after = readout.inner_text().strip()
        account = f"{label}: {before} → {after}"
        moved = after != before
    elif "widget-dropdown" in kind:
        select = control.locator("select")
        options = select.locator("option").all_inner_texts()
        index = select.evaluate("element => element.selectedIndex")
        select.select_option(index=(index + 1) % len(options))
        now = select.evaluate("element => element.selectedIndex")
        account = f"{label}: {options[index]} → {options[now]}"
        moved = now != index
    elif "widget-toggle-buttons" in kind:
        buttons = control.locator(".widget-toggle-button")
        index = buttons.evaluate_all("all => all.findIndex(b => !b.classList.contains('mod-active'))")
        choice = buttons.nth(index)
        choice.click()
        account = f"{label}: → {choice.inner_text().strip()}"
        moved = "mod-active" in (choice.get_attribute("class") or "")
    elif "widget-text" in kind:
        box = control.locator("input")
        before = box.input_value()
        after = NUMBER.sub(plus_one, before, count=1)
        box.fill(after)
        box.press("Enter")
        account = f"{label}: {before!r} → {after!r}"
        moved = after != before and box.input_value() == after
    else:
        box = control.locator("input[type=checkbox]")
        before = box.is_checked()
        box.click()
        account = f"{label}: {before} → {box.is_checked()}"
        moved = box.is_checked() != before
    if not moved:
        raise ControlDidNotMove(account)
    return account


def plus_one(match):
    """The number matched, plus one, written with as many decimals as it had."""
    decimals = len(match.group(1) or ".") - 1
    return f"{float(match.group(0)) + 1:.{decimals}f}"


class ControlDidNotMove(Exception):
    """A control kept its value when moved: the widget does not respond to the reader."""



def offline_panel_cells(notebook):
    """{cell index: number of panels} of the cells of a stored notebook (a dict) whose panels work offline.

    Such a panel holds a chart with a table of its states and linked controls: its saved
    widget state says so (``tools.export_html.is_live``, which the course site keeps live too).
    """
    state = widget_state(notebook)
    found = {}
    for index, cell in enumerate(notebook["cells"]):
        for output in cell.get("outputs", []):
            view = output.get("data", {}).get(WIDGET_VIEW)
            if view and is_live(state, view["model_id"]):
                found[index] = found.get(index, 0) + 1
    return found
