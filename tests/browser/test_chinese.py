"""The Chinese edition in a real JupyterLab whose interface is set to Chinese (issue #31).

A Chinese-speaking student opens ``notebooks/zh/03_learning_rate.ipynb`` from a clone (``make lab``,
Settings > Language > 中文): the menus are Chinese, the chapter's text is Chinese, the saved panels
answer their sliders without a kernel with Chinese titles, labels and captions, and a panel run with
the kernel (started in the ``zh`` folder, where the library speaks Chinese) answers in Chinese too.
No tofu: every Chinese character is drawn with a real glyph (the CJK font .ci/run installs). Its
panels pass the look checks of tests/browser/test_look.py in the light and the dark theme (labels
not cut, charts inside their cells, contrast). Screenshots are kept under ``test-artifacts/look/``.
"""

import json
import shutil

import pytest

from tests.browser.jupyterlab import ROOT, NotebookPage, PanelView, RENDER_TIMEOUT, UPDATE_TIMEOUT, move_control
from tests.browser.lab import CHINESE_INTERFACE, CHROMIUM, SKIP_REASON, serve
from tests.browser.test_look import VIEWPORT, both_themes, shot
from tools import translate

pytestmark = [pytest.mark.browser, pytest.mark.skipif(not CHROMIUM.exists(), reason=SKIP_REASON)]

CHAPTER = "03_learning_rate.ipynb"
#: Whether the page draws a Chinese character with a glyph of its own: a character without a font is
#: drawn as the same empty box as a code point that has no glyph anywhere (U+0378).
TOFU_JS = """(text) => {
    const canvas = document.createElement('canvas');
    canvas.width = 64; canvas.height = 64;
    const context = canvas.getContext('2d');
    const draw = (character) => {
        context.clearRect(0, 0, 64, 64);
        context.font = '40px ' + getComputedStyle(document.body).fontFamily;
        context.fillText(character, 8, 48);
        return Array.from(context.getImageData(0, 0, 64, 64).data).join(',');
    };
    const missing = draw('\\u0378');
    return Array.from(new Set(text.replace(/[^\\u4e00-\\u9fff]/g, ''))).filter((c) => draw(c) === missing);
}"""


@pytest.fixture(scope="module")
def chinese_lab(tmp_path_factory):
    """JupyterLab with its interface in Chinese, serving a trusted copy of the Chinese chapters from a ``zh`` folder."""
    home = tmp_path_factory.mktemp("jupyterlab-zh")
    served = home / "zh"
    served.mkdir()
    for notebook in (ROOT / "notebooks" / "zh").glob("*.ipynb"):
        shutil.copy2(notebook, served)
    try:
        with serve(served, home, CHINESE_INTERFACE) as running:
            yield running
    except RuntimeError as error:
        pytest.fail(str(error))


def panel_texts(panel):
    """What a student reads on a panel: title, control labels, caption, kernel note."""
    return panel.evaluate("""(panel) => Array.from(panel.querySelectorAll(
        '.widget-html-content, .widget-label, .course-panel-caption, .course-kernel-note, .widget-button'),
        (element) => element.innerText.trim()).filter((text) => text)""")


def english_left(texts):
    return [text for text in texts if translate.in_english(text)]


def test_chapter_three_reads_in_chinese_and_its_panels_answer_in_chinese(browser, chinese_lab):
    notebook = NotebookPage(browser, chinese_lab, CHAPTER)
    notebook.page.set_viewport_size(VIEWPORT)
    try:
        notebook.open()
        page = notebook.page
        menus = page.locator(".lm-MenuBar-itemLabel").all_inner_texts()
        assert "设置" in menus and "Settings" not in menus, f"the interface is not in Chinese: {menus}"
        heading = page.locator(".jp-MarkdownCell h1").first.inner_text()
        assert translate.CHINESE.search(heading), heading

        # without a kernel: the saved regimes panel answers its slider, in Chinese
        page.wait_for_function("document.querySelectorAll('.course-panel canvas').length > 0",
                               timeout=RENDER_TIMEOUT * 1000)
        cells = json.loads((ROOT / "notebooks" / "zh" / CHAPTER).read_text(encoding="utf-8"))["cells"]
        panels = page.locator(".course-panel")
        offline = next(index for index in range(panels.count())
                       if PanelView(panels.nth(index)).controls(without_kernel=True))
        view = PanelView(panels.nth(offline))
        before = view.wait_for_first_output(RENDER_TIMEOUT)
        assert english_left(panel_texts(view.locator)) == [], panel_texts(view.locator)
        moved = move_control(view.controls(without_kernel=True)[0])
        after = view.wait_for_output(lambda output: output["caption"] != before["caption"], UPDATE_TIMEOUT)
        assert after["caption"] != before["caption"], f"the caption did not change after {moved}"
        assert translate.CHINESE.search(after["caption"]) and not translate.in_english(after["caption"]), after
        view.locator.scroll_into_view_if_needed()
        path = shot(page, "zh-03-panel-without-kernel")
        tofu = page.evaluate(TOFU_JS, " ".join(panel_texts(view.locator)) + heading)
        assert tofu == [], f"drawn as empty boxes: {tofu} ({path})"

        # with the kernel: the setup cell and the decay panel's cell, run as a student does
        setup = next(i for i, cell in enumerate(cells) if cell["cell_type"] == "code")
        decay = next(i for i, cell in enumerate(cells)
                     if cell["cell_type"] == "code" and "exponential_decay_panel(" in "".join(cell["source"]))
        for index in (setup, decay):
            assert notebook.run_cell(index)["status"] == "ok"
        panel = notebook.cell(decay).locator(".course-panel").first
        panel.wait_for(timeout=RENDER_TIMEOUT * 1000)
        view = PanelView(panel)
        view.wait_for_first_output(RENDER_TIMEOUT)
        moved = move_control(view.controls()[0])
        shown = view.wait_for_output(lambda output: bool(output["caption"]), UPDATE_TIMEOUT)
        texts = panel_texts(panel)
        assert english_left(texts) == [], texts
        assert translate.CHINESE.search(shown["caption"]), shown
        panel.scroll_into_view_if_needed()
        shot(page, "zh-03-panel-with-kernel")
        assert not notebook.kernel.errors, notebook.kernel.errors
        # the Chinese labels fit and read in both themes, as the English ones (tests/browser/test_look.py)
        problems = both_themes(notebook, "zh-03")
        assert not problems, problems
    finally:
        notebook.close()
