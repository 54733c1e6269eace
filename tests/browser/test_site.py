"""The course website and the lecture decks, read from ``file://`` with the network off.

``make site`` and ``make slides`` (``tools/export_html.py``) are built once per session into a
temporary folder. Every page and every deck is then opened in one headless Chromium whose
requests other than ``file:``, ``data:`` and ``blob:`` are aborted and recorded. Each must load
with no console error and no request leaving the machine, render its formulas (MathJax, from
the build), show its figures, and show every panel: the kernel-free ones live (their saved
widget state, drawn by the build's widget manager and anywidget), the others as their picture
with a line saying how to run them. The first live panel of each chapter must answer its first
control: the chart's pixels change. Site pages also collapse their solutions and link their
neighbours; decks must step through slides (and a slider's arrow keys must move the slider,
not the deck).
"""

import re
import shutil

import nbformat
import pytest

from tests.browser.jupyterlab import PanelView, move_control
from tests.browser.lab import CHROMIUM, SKIP_REASON
from tools import export_html

pytestmark = [pytest.mark.browser, pytest.mark.skipif(not CHROMIUM.exists(), reason=SKIP_REASON)]

CHAPTERS = export_html.chapters()
#: Seconds: a page parses about 7 MB of scripts (widget manager, MathJax, Vega) on a busy machine.
LOAD_TIMEOUT = 90
UPDATE_TIMEOUT = 30
LOCAL = ("file:", "data:", "blob:")
PAGE_JS = """async () => {
    if (window.MathJax && MathJax.startup) await MathJax.startup.promise;
    const markdown = Array.from(document.querySelectorAll('.jp-RenderedMarkdown'), e => e.innerText).join('\\n');
    return {
        formulas: document.querySelectorAll('mjx-container').length,
        formulaErrors: document.querySelectorAll('mjx-merror').length,
        rawDisplayMath: markdown.includes('$$'),
        images: Array.from(document.querySelectorAll('.jp-OutputArea-output img'), i => i.naturalWidth),
        kernelNotes: document.querySelectorAll('.course-kernel-note').length,
        solutions: Array.from(document.querySelectorAll('details.course-solution'), d => d.open),
    };
}"""


def expected(path, deck=False):
    """What the page (or the ``deck``) of the stored chapter at ``path`` must show.

    A deck leaves out the cells its slide metadata skips.
    """
    notebook = nbformat.read(path, as_version=4)
    if deck:
        export_html.mark_slides(notebook)
        notebook.cells = [cell for cell in notebook.cells
                          if cell.metadata.get("slideshow", {}).get("slide_type") != "skip"]
    live, pictures = export_html.keep_live_panels(notebook)
    markdown = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")
    figures = sum("image/png" in output.get("data", {}) and export_html.WIDGET_VIEW not in output["data"]
                  for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs)
    return {"live": live, "kernel": pictures, "figures": figures, "display_math": markdown.count("$$") // 2,
            "math": "$" in markdown,
            "solutions": sum(bool(cell.metadata.get("jupyter", {}).get("source_hidden"))
                             for cell in notebook.cells)}


@pytest.fixture(scope="session")
def exported(tmp_path_factory):
    """The site and the decks, built once from the stored chapters: {"site": folder, "slides": folder}."""
    if not export_html.NODE_MODULES.is_dir():
        if shutil.which("npm") is None:
            pytest.skip("Node.js and npm are not installed: make install needs them for the pages' scripts")
        pytest.fail(f"{export_html.NODE_MODULES} is missing: run `make install`")
    out = tmp_path_factory.mktemp("html")
    export_html.build_site(out / "site")
    export_html.build_slides(out / "slides")
    return {"site": out / "site", "slides": out / "slides"}


@pytest.fixture(scope="session")
def offline(browser):
    """A browser context in which every request that would leave the machine is aborted and kept."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.left = []

    def route(route):
        if route.request.url.startswith(LOCAL):
            route.continue_()
        else:
            context.left.append(route.request.url)
            route.abort()

    context.route("**/*", route)
    yield context
    context.close()


class Opened:
    """A page of ``context`` opened at ``path``, with the console errors and requests it made."""

    def __init__(self, context, path):
        self.context = context
        self.errors = []
        self.left_before = len(context.left)
        self.page = context.new_page()
        self.page.on("console", lambda message: message.type == "error" and self.errors.append(message.text))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.goto(path.as_uri(), wait_until="load", timeout=LOAD_TIMEOUT * 1000)

    def left(self):
        return self.context.left[self.left_before:]

    def wait_for_panels(self, count):
        """The ``count`` live panels of the page, once each has drawn its chart."""
        self.page.wait_for_function(f"document.querySelectorAll('.course-panel').length >= {count}",
                                    timeout=LOAD_TIMEOUT * 1000)
        panels = [PanelView(self.page.locator(".course-panel").nth(i)) for i in range(count)]
        for panel in panels:
            assert panel.wait_for_first_output(LOAD_TIMEOUT)["image"], "a live panel drew no chart"
        return panels

    def close(self):
        self.page.close()


def answers_its_control(panel):
    """Move the panel's first control that works without a kernel; return an account of what changed (or did not)."""
    before = panel.output()
    account = move_control(panel.controls(without_kernel=True)[0])
    after = panel.wait_for_output(lambda now: now["image"] != before["image"], UPDATE_TIMEOUT)
    assert after["image"] != before["image"], f"{account}: the chart did not change"
    assert after["caption"] != before["caption"], f"{account}: the caption did not change"
    return account


def check_page(opened, chapter, deck=False):
    want = expected(chapter, deck)
    panels = opened.wait_for_panels(want["live"])
    shown = opened.page.evaluate(PAGE_JS)
    assert len(opened.page.locator(".course-panel").all()) == want["live"]
    assert shown["kernelNotes"] == want["kernel"]
    if want["math"]:
        assert shown["formulas"] >= max(1, want["display_math"]), "formulas were not typeset"
    assert not shown["rawDisplayMath"] and not shown["formulaErrors"]
    assert len(shown["images"]) == want["figures"]
    assert all(width > 0 for width in shown["images"]), "a figure did not load"
    return panels, shown, want


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda path: path.stem)
def test_site_page_reads_offline(chapter, exported, offline):
    opened = Opened(offline, exported["site"] / f"{chapter.stem}.html")
    try:
        panels, shown, want = check_page(opened, chapter)
        assert shown["solutions"] == [False] * want["solutions"], "every solution starts collapsed"
        for rel in ("prev", "next"):
            for link in opened.page.locator(f"a[rel={rel}]").all():
                assert (exported["site"] / link.get_attribute("href")).is_file()
        assert opened.page.locator("a[rel=prev]").count() == 2 * (chapter != CHAPTERS[0])
        assert opened.page.locator("a[rel=next]").count() == 2 * (chapter != CHAPTERS[-1])
        if panels:
            answers_its_control(panels[0])
        assert not opened.errors, opened.errors
        assert not opened.left(), f"requests left the machine: {opened.left()}"
    finally:
        opened.close()


def test_site_index_is_the_chapter_table_with_a_search(exported, offline):
    opened = Opened(offline, exported["site"] / "index.html")
    try:
        page = opened.page
        links = page.locator("table.course-chapters tbody tr td:first-child a").all()
        assert [link.get_attribute("href") for link in links] == [f"{c.stem}.html" for c in CHAPTERS]
        for cell, chapter in zip(page.locator("table.course-chapters tbody tr td:first-child").all(), CHAPTERS):
            assert cell.inner_text() == export_html.chapter_title(nbformat.read(chapter, as_version=4))
            assert re.search(r"\([^()]*[\u4e00-\u9fff][^()]*\)$", cell.inner_text()), "a bilingual title"
        # the search, offline: every section found for a word links a page of the site, the word in it
        page.fill("#course-search-box", "softmax")
        found = page.locator("#course-search-results li a")
        found.first.wait_for(timeout=UPDATE_TIMEOUT * 1000)
        hrefs = [link.get_attribute("href") for link in found.all()]
        assert hrefs and all(re.match(r"\d\d_\w+\.html(#.+)?$", href) for href in hrefs), hrefs
        assert all("softmax" in text.lower() for text in page.locator("#course-search-results li").all_inner_texts())
        page.fill("#course-search-box", "softmax zzzqqq")
        assert page.locator("#course-search-results li a").count() == 0
        assert not opened.errors and not opened.left()
    finally:
        opened.close()


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda path: path.stem)
def test_deck_reads_offline(chapter, exported, offline):
    opened = Opened(offline, exported["slides"] / f"{chapter.stem}.slides.html")
    try:
        page = opened.page
        page.wait_for_function("window.Reveal && Reveal.isReady()", timeout=LOAD_TIMEOUT * 1000)
        panels, _, _ = check_page(opened, chapter, deck=True)
        assert page.evaluate("Reveal.getTotalSlides()") > 1
        page.evaluate("Reveal.next()")
        assert page.evaluate("Reveal.getIndices().h + Reveal.getIndices().v") >= 1
        if panels:
            indices = page.evaluate("""() => { const slide = document.querySelector('.course-panel').closest('section');
                                                const at = Reveal.getIndices(slide); Reveal.slide(at.h, at.v);
                                                return JSON.stringify(Reveal.getIndices()); }""")
            answers_its_control(panels[0])
            assert page.evaluate("JSON.stringify(Reveal.getIndices())") == indices, "the slider moved the deck"
        assert not opened.errors, opened.errors
        assert not opened.left(), f"requests left the machine: {opened.left()}"
    finally:
        opened.close()
