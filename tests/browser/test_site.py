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
not the deck). The Chinese edition (``zh/``) is held to the same, from its own notebooks, and
each of its pages must link the same page in English.
"""

import re
import shutil
from pathlib import Path
from urllib.parse import unquote, urlparse

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


def expected(path, deck=False, edition=export_html.ENGLISH):
    """What the page (or the ``deck``) of the stored chapter at ``path`` must show in ``edition``.

    A deck leaves out the cells its slide metadata skips.
    """
    notebook, _ = export_html.edition_notebook(path, edition)
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


def reads_like_a_chapter(opened, folder, panels):
    """The page's links to its neighbours lead to pages of ``folder``, its first live panel answers its first
    control, and nothing failed or left the machine."""
    for rel in ("prev", "next"):
        for link in opened.page.locator(f"a[rel={rel}]").all():
            assert (folder / link.get_attribute("href")).is_file()
    if panels:
        answers_its_control(panels[0])
    assert not opened.errors, opened.errors
    assert not opened.left(), f"requests left the machine: {opened.left()}"


def check_page(opened, chapter, deck=False, edition=export_html.ENGLISH):
    want = expected(chapter, deck, edition)
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
        assert opened.page.locator("a[rel=prev]").count() == 2 * (chapter != CHAPTERS[0])
        assert opened.page.locator("a[rel=next]").count() == 2 * (chapter != CHAPTERS[-1])
        reads_like_a_chapter(opened, exported["site"], panels)
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


def switches_to(opened, path):
    """Whether every language switch of the opened page leads to ``path``."""
    links = opened.page.locator("a.course-lang").all()
    here = Path(unquote(urlparse(opened.page.url).path)).parent
    return bool(links) and all((here / link.get_attribute("href")).resolve() == path.resolve() for link in links)


#: The Chinese pages opened in the browser: the pages are made by the same code from notebooks of the same code
#: (tests/test_export_html.py checks every Chinese page's build); these have kernel-free panels of every kind.
CHINESE_PAGES = [path for path in CHAPTERS if path.name[:2] in ("00", "03", "04", "07")]


@pytest.mark.parametrize("chapter", CHINESE_PAGES, ids=lambda path: path.stem)
def test_chinese_site_page_reads_offline(chapter, exported, offline):
    """The Chinese page: the same checks, its kernel-free panel answering a slider, a CJK font, the link to English."""
    opened = Opened(offline, exported["site"] / "zh" / f"{chapter.stem}.html")
    try:
        panels, shown, want = check_page(opened, chapter, edition=export_html.CHINESE)
        page = opened.page
        assert page.evaluate("document.documentElement.lang") == "zh-CN"
        assert shown["solutions"] == [False] * want["solutions"], "every solution starts collapsed"
        assert page.locator("details.course-solution summary").all_inner_texts() == ["参考答案"] * want["solutions"]
        assert "Noto Sans CJK SC" in page.evaluate(
            "getComputedStyle(document.querySelector('.jp-RenderedMarkdown')).fontFamily")
        assert page.locator("a.course-lang").first.inner_text() == "English"
        assert switches_to(opened, exported["site"] / f"{chapter.stem}.html")
        reads_like_a_chapter(opened, exported["site"] / "zh", panels)
    finally:
        opened.close()


def test_chinese_site_index_searches_the_chinese_pages(exported, offline):
    opened = Opened(offline, exported["site"] / "zh" / "index.html")
    try:
        page = opened.page
        assert page.evaluate("document.documentElement.lang") == "zh-CN"
        assert switches_to(opened, exported["site"] / "index.html")
        links = page.locator("table.course-chapters tbody tr td:first-child a").all()
        assert [link.get_attribute("href") for link in links] == [f"{c.stem}.html" for c in CHAPTERS]
        for link, chapter in zip(links, CHAPTERS):
            notebook, _ = export_html.edition_notebook(chapter, export_html.CHINESE)
            assert link.inner_text() == export_html.chapter_title(notebook)
        page.fill("#course-search-box", "学习率")
        found = page.locator("#course-search-results li a")
        found.first.wait_for(timeout=UPDATE_TIMEOUT * 1000)
        hrefs = [link.get_attribute("href") for link in found.all()]
        assert hrefs and all(re.match(r"\d\d_\w+\.html(#.+)?$", href) for href in hrefs), hrefs
        assert all((exported["site"] / "zh" / href.partition("#")[0]).is_file() for href in hrefs)
        assert all("学习率" in text for text in page.locator("#course-search-results li").all_inner_texts())
        page.fill("#course-search-box", "学习率 zzzqqq")
        assert page.locator("#course-search-results li a").count() == 0
        assert page.locator("#course-search-results li").inner_text() == "没有哪一节包含所有这些词。"
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


def test_chinese_deck_reads_offline_and_links_the_english_one(exported, offline):
    """One Chinese deck with a kernel-free panel (chapter 03): its panel answers on its slide, and its
    switch opens the English deck on the same slide."""
    chapter = next(path for path in CHAPTERS if path.name.startswith("03_"))
    opened = Opened(offline, exported["slides"] / "zh" / f"{chapter.stem}.slides.html")
    try:
        page = opened.page
        page.wait_for_function("window.Reveal && Reveal.isReady()", timeout=LOAD_TIMEOUT * 1000)
        panels, _, _ = check_page(opened, chapter, deck=True, edition=export_html.CHINESE)
        assert page.evaluate("document.documentElement.lang") == "zh-CN"
        assert switches_to(opened, exported["slides"] / f"{chapter.stem}.slides.html")
        page.evaluate("""() => { const slide = document.querySelector('.course-panel').closest('section');
                                 const at = Reveal.getIndices(slide); Reveal.slide(at.h, at.v); }""")
        answers_its_control(panels[0])
        hash_now = page.evaluate("window.location.hash")
        page.locator("a.course-lang").click()
        page.wait_for_function("window.Reveal && Reveal.isReady()", timeout=LOAD_TIMEOUT * 1000)
        assert page.url.endswith(f"/{chapter.stem}.slides.html{hash_now}") and "/zh/" not in page.url
        assert not opened.errors, opened.errors
        assert not opened.left(), f"requests left the machine: {opened.left()}"
    finally:
        opened.close()
