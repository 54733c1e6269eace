"""What a student sees: the panels' look, checked on screenshots a person can look at too.

The other browser tests check that panels work; these check that they look as if they do, where
a student or an instructor meets them:

- in JupyterLab at 1,280 x 800 with the file browser open, in the light and the dark theme:
  chapter 06 opened without running anything (its polynomial panel answers its controls without
  a kernel, its Playground says in its kernel note that it needs one) and chapter 00's panel run
  with a kernel;
- on a page of the offline site and on a slide of the offline deck (``make site``,
  ``make slides``; chapter 05 only, to keep the build short).

Each view is saved as a screenshot under ``test-artifacts/look/`` (kept by CI) and checked
mechanically (``LOOK_JS``): no ipywidgets "disconnected" icon on a panel, no control label cut
short (its ``scrollWidth`` beyond its ``clientWidth``), every chart inside its cell's width,
every text of a panel (labels, captions, the kernel note) at a contrast of at least 4.5 : 1 with
the background it is drawn on (from the computed styles), every slider with a track to drag (120 px),
and no test marker (``NBVAL``) in the
code a student reads.
"""

import json
import re

import pytest

from tests.browser.jupyterlab import ROOT, NotebookPage, PanelView, RENDER_TIMEOUT
from tests.browser.lab import CHROMIUM, SKIP_REASON
from tools import export_html

pytestmark = [pytest.mark.browser, pytest.mark.skipif(not CHROMIUM.exists(), reason=SKIP_REASON)]

SHOTS = ROOT / "test-artifacts" / "look"
#: A projector, or a 13-inch laptop: the size the issue asks every panel to fit.
VIEWPORT = {"width": 1280, "height": 800}
THEMES = {"light": "JupyterLab Light", "dark": "JupyterLab Dark"}
MIN_CONTRAST = 4.5
#: A slider's track a reader can drag with some precision (JupyterLab gives it about 160 px).
MIN_TRACK_PX = 120
#: Chapter 06 opened without a kernel: its polynomial panel works without one, its Playground trains in
#: the kernel and must say so in its kernel note.
KERNEL_FREE_CHAPTER = "06_overfitting_regularization.ipynb"
KERNEL_CHAPTER = "00_welcome.ipynb"
LOAD_TIMEOUT = 90

#: Every problem a reader would see in ``panel`` (a ``.course-panel`` element), as readable lines.
LOOK_JS = """(panel) => {
    const problems = [];
    const channel = (value) => {
        value /= 255;
        return value <= 0.03928 ? value / 12.92 : Math.pow((value + 0.055) / 1.055, 2.4);
    };
    const rgba = (text) => {
        const parts = text.match(/[\\d.]+/g).map(Number);
        return {r: parts[0], g: parts[1], b: parts[2], a: parts.length > 3 ? parts[3] : 1};
    };
    const luminance = (c) => 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
    // The colour behind an element: the first ancestor's opaque background (the page's, else white).
    const background = (element) => {
        for (let node = element; node && node.nodeType === 1; node = node.parentElement) {
            const colour = rgba(getComputedStyle(node).backgroundColor);
            if (colour.a > 0.5) return colour;
        }
        return {r: 255, g: 255, b: 255, a: 1};
    };
    const visible = (element) => element.getClientRects().length > 0
        && getComputedStyle(element).visibility !== 'hidden';
    const short = (element) => (element.innerText || element.textContent || '').trim().slice(0, 40);

    for (const element of [panel, ...panel.querySelectorAll('*')]) {
        if (!element.classList.contains('jupyter-widgets-disconnected')) continue;
        const icon = getComputedStyle(element, '::before').content;
        if (icon && icon !== 'none' && icon !== 'normal') problems.push(`disconnected icon on <${element.className}>`);
    }
    for (const label of panel.querySelectorAll('.widget-label, .widget-label-basic')) {
        if (visible(label) && label.scrollWidth > label.clientWidth + 1)
            problems.push(`label cut short: "${short(label)}" (${label.scrollWidth} px in ${label.clientWidth})`);
    }
    for (const track of panel.querySelectorAll('.widget-hslider .slider-container')) {
        const width = track.getBoundingClientRect().width;
        if (visible(track) && width < %(min_track)s) problems.push(`slider track only ${Math.round(width)} px wide`);
    }
    const cell = panel.closest('.jp-OutputArea-output, .jp-OutputArea, .output_area') || panel.parentElement;
    const right = cell.getBoundingClientRect().right;
    for (const canvas of panel.querySelectorAll('canvas')) {
        const edge = canvas.getBoundingClientRect().right;
        if (edge > right + 1) problems.push(`chart reaches ${Math.round(edge - right)} px past its cell`);
    }
    for (const element of [panel, ...panel.querySelectorAll('*')]) {
        const text = Array.from(element.childNodes).filter((node) => node.nodeType === 3)
            .map((node) => node.textContent).join('').trim();
        if (!text || !visible(element)) continue;
        const style = getComputedStyle(element);
        const colour = rgba(style.color);
        const behind = background(element);
        const opacity = Number(style.opacity);
        const blended = {r: colour.r * colour.a + behind.r * (1 - colour.a),
                         g: colour.g * colour.a + behind.g * (1 - colour.a),
                         b: colour.b * colour.a + behind.b * (1 - colour.a)};
        const [light, dark] = [luminance(blended), luminance(behind)].sort((x, y) => y - x);
        const ratio = (light + 0.05) / (dark + 0.05) * Math.min(1, opacity);
        if (ratio < %(min_contrast)s)
            problems.push(`contrast ${ratio.toFixed(2)} : 1 for "${text.slice(0, 40)}" (${style.color} on rgb(${behind.r}, ${behind.g}, ${behind.b}))`);
    }
    return problems;
}""" % {"min_contrast": MIN_CONTRAST, "min_track": MIN_TRACK_PX}
#: The text of every code cell on the page (JupyterLab's editors, or the site's highlighted code).
CODE_JS = """() => Array.from(document.querySelectorAll('.jp-CodeCell .jp-InputArea-editor, .jp-CodeCell .highlight'),
                              (element) => element.innerText)"""
TEST_MARKER = re.compile(r"NBVAL", re.IGNORECASE)


#: The menu's words in the Chinese interface (the zh-CN language pack's jupyterlab.json).
CHINESE_MENU = {"Settings": "设置", "Theme": "主题", "JupyterLab Light": "JupyterLab 亮色",
                "JupyterLab Dark": "JupyterLab 暗色"}


def menu_label(english):
    """A menu item's label, in JupyterLab's English interface or its Chinese one."""
    return re.compile(f"^({re.escape(english)}|{re.escape(CHINESE_MENU[english])})$")


def choose_theme(page, theme):
    """Settings > Theme > ``theme`` from JupyterLab's menu bar, as a person does; wait until the page has it.

    The chapter stays open: its charts follow the theme without being run again.
    """
    page.locator(".lm-MenuBar-itemLabel", has_text=menu_label("Settings")).click()
    page.locator(".lm-Menu-itemLabel", has_text=menu_label("Theme")).hover()
    page.locator(".lm-Menu-itemLabel", has_text=menu_label(THEMES[theme])).click()
    light = "true" if theme == "light" else "false"
    page.wait_for_function(f"document.body.dataset.jpThemeLight === '{light}'", timeout=LOAD_TIMEOUT * 1000)
    page.wait_for_timeout(1000)  # the charts are drawn again in the new theme


def both_themes(notebook, name):
    """The problems of the open chapter's panels in the light theme, then in the dark one (then light again)."""
    problems = []
    try:
        for theme in THEMES:
            if theme != "light":
                choose_theme(notebook.page, theme)
            found, _ = panel_problems(notebook.page, f"{name}-{theme}")
            problems += [f"{theme}: {problem}" for problem in found]
    finally:
        choose_theme(notebook.page, "light")  # the theme is a user setting: the next tests expect light
    return problems


def shot(page, name):
    """A screenshot of what the reader sees now, kept under ``test-artifacts/look/``; its path for messages."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path.relative_to(ROOT)


def panel_problems(page, name, selector=".course-panel"):
    """Every panel (``selector``) on ``page`` drawn and checked: the problems found, each named with its panel's number.

    Each panel's screenshot is saved as ``name``-panel``index``; returns (problems, the last one's path).
    """
    page.wait_for_function(f"document.querySelectorAll({json.dumps(selector + ' canvas')}).length > 0",
                           timeout=LOAD_TIMEOUT * 1000)
    panels = page.locator(selector)
    problems = []
    for index in range(panels.count()):
        panel = panels.nth(index)
        assert PanelView(panel).wait_for_first_output(RENDER_TIMEOUT)["image"], f"panel {index} drew no chart"
        panel.scroll_into_view_if_needed()
        page.wait_for_timeout(500)  # a chart narrower than its first drawing is drawn again (150 ms after a resize)
        path = shot(page, f"{name}-panel{index}")
        problems += [f"panel {index} ({path}): {problem}" for problem in panel.evaluate(LOOK_JS)]
    problems += [f"test marker in code: {code[:60]!r}" for code in page.evaluate(CODE_JS) if TEST_MARKER.search(code)]
    return problems, path


def open_in_lab(browser, lab, name):
    """``name`` open in JupyterLab at ``VIEWPORT``, with the file browser open beside it."""
    notebook = NotebookPage(browser, lab, name)
    notebook.page.set_viewport_size(VIEWPORT)
    notebook.open()
    if not notebook.page.locator("#filebrowser").is_visible():
        notebook.page.locator(".jp-SideBar.jp-mod-left [data-id='filebrowser']").click()
    notebook.page.wait_for_selector("#filebrowser", state="visible")
    return notebook


def test_panels_opened_without_a_kernel_look_finished(browser, lab):
    notebook = open_in_lab(browser, lab, KERNEL_FREE_CHAPTER)
    try:
        note = notebook.page.locator(".course-panel .course-kernel-note")
        note.first.wait_for(timeout=RENDER_TIMEOUT * 1000)  # the Playground's, once no kernel has answered
        assert "Run this cell" in note.first.inner_text()
        problems = both_themes(notebook, "lab-no-kernel")
        assert not problems, problems
    finally:
        notebook.close()


def test_a_panel_run_with_its_kernel_looks_finished(browser, lab):
    notebook = open_in_lab(browser, lab, KERNEL_CHAPTER)
    try:
        cells = json.loads((ROOT / "notebooks" / KERNEL_CHAPTER).read_text(encoding="utf-8"))["cells"]
        setup = next(i for i, cell in enumerate(cells) if cell["cell_type"] == "code")
        panel = next(i for i, cell in enumerate(cells) if "panel" in cell["metadata"].get("tags", []))
        for index in (setup, panel):
            assert notebook.run_cell(index)["status"] == "ok"
        problems = both_themes(notebook, "lab-kernel")
        assert not problems, problems
    finally:
        notebook.close()


@pytest.fixture(scope="module")
def chapter_five(tmp_path_factory):
    """Chapter 05's site page and deck, built from the stored chapter: {"site": page, "slides": deck}."""
    if not export_html.NODE_MODULES.is_dir():
        pytest.skip(f"{export_html.NODE_MODULES} is missing: run `make install` (it needs Node.js and npm)")
    out = tmp_path_factory.mktemp("look")
    site = export_html.build_site(out / "site", ["05"])
    slides = export_html.build_slides(out / "slides", ["05"])
    return {"site": site[1], "slides": slides[0]}


def test_a_site_page_looks_finished(browser, chapter_five):
    page = browser.new_page(viewport=VIEWPORT)
    try:
        page.goto(chapter_five["site"].as_uri(), wait_until="load", timeout=LOAD_TIMEOUT * 1000)
        problems, path = panel_problems(page, "site-05")
        assert not problems, f"{problems} (screenshot: {path})"
    finally:
        page.close()


def test_a_deck_slide_looks_finished(browser, chapter_five):
    page = browser.new_page(viewport=VIEWPORT)
    try:
        page.goto(chapter_five["slides"].as_uri(), wait_until="load", timeout=LOAD_TIMEOUT * 1000)
        page.wait_for_function("window.Reveal && Reveal.isReady()", timeout=LOAD_TIMEOUT * 1000)
        # the deck's widgets are drawn after Reveal is ready: wait for the panel before looking for its slide
        page.wait_for_selector(".course-panel", state="attached", timeout=LOAD_TIMEOUT * 1000)
        slide = page.evaluate("""() => {
            const panel = document.querySelector('.course-panel');
            const section = panel.closest('section');
            return Reveal.getIndices(section);
        }""")
        page.evaluate("([h, v]) => Reveal.slide(h, v)", [slide["h"], slide.get("v") or 0])
        page.wait_for_timeout(1000)  # the slide's transition
        problems, path = panel_problems(page, "deck-05", "section.present .course-panel")
        box = page.locator("section.present .course-panel").first.bounding_box()
        if box["y"] < 0 or box["y"] + box["height"] > VIEWPORT["height"]:  # what a projector shows of it
            problems.append(f"the panel spans {box['y']:.0f} to {box['y'] + box['height']:.0f} px of a "
                            f"{VIEWPORT['height']} px slide")
        assert not problems, f"{problems} (screenshot: {path})"
    finally:
        page.close()
