"""The slides each chapter source marks (``slideshow`` metadata on its ``# %%`` lines).

A lecture gets the idea, the formula, the panel and the take-away: every section is a slide,
every panel is on screen, the setup cell and the solutions are not. How the slides present in
JupyterLab is tested in ``tests/browser/test_slideshow.py``; docs/teaching.md lists the types.
The offline decks (``make slides``) come in both languages: the English ones at the top of the
build, the Chinese ones in ``zh/``, each linking the same deck in the other language.
"""

import html
import re

import jupytext
import pytest

from tests.helpers import ROOT

SOURCES = sorted((ROOT / "notebooks" / "src").glob("[0-9][0-9]_*.py"))
TYPES = {"slide", "subslide", "fragment", "notes", "skip", None}
PANEL_CALL = re.compile(r"\b\w+_panel\(")


def slide_type(cell):
    return cell.metadata.get("slideshow", {}).get("slide_type")


def heading(cell):
    """The cell's first Markdown heading line without its anchors ('## Setup'), or ''."""
    lines = [line for line in cell.source.splitlines() if line.strip() and not line.startswith("<a id=")]
    return lines[0] if lines and lines[0].startswith("#") else ""


@pytest.fixture(params=SOURCES, ids=[source.stem for source in SOURCES])
def cells(request):
    return jupytext.read(request.param).cells


def test_every_slide_type_is_one_jupyter_knows(cells):
    assert {slide_type(cell) for cell in cells} <= TYPES


def test_every_cell_has_a_slide_mark(cells):
    """An unmarked cell joins the slide above it; a few of them make a slide taller than the screen."""
    unmarked = [cell.source.splitlines()[0] if cell.source else "(empty)" for cell in cells if slide_type(cell) is None]
    assert not unmarked, f"cells without a slide mark (run python tools/mark_slides.py): {unmarked}"


def test_the_title_opens_the_deck_and_sections_are_slides(cells):
    assert slide_type(cells[0]) == "slide" and heading(cells[0]).startswith("# ")
    for cell in cells:
        title = heading(cell)
        if title.startswith("## "):
            expected = ("skip" if title == "## Setup" else
                        "subslide" if title.startswith("## Exercise") else "slide")
            assert slide_type(cell) == expected, f"{title!r} is {slide_type(cell)}, not {expected}"
        elif title.startswith("### "):
            assert slide_type(cell) == "subslide", f"{title!r} is {slide_type(cell)}, not subslide"
    assert heading(cells[-1]).startswith("## Summary") and slide_type(cells[-1]) == "slide"


def test_setup_and_solutions_are_skipped_and_every_panel_is_shown(cells):
    code = [cell for cell in cells if cell.cell_type == "code"]
    assert slide_type(next(cell for cell in code if "notebook.setup(" in cell.source)) == "skip"
    solutions = [cell for cell in code if cell.metadata.get("jupyter", {}).get("source_hidden")]
    assert solutions and all(slide_type(cell) == "skip" for cell in solutions)
    panels = [cell for cell in code if PANEL_CALL.search(cell.source) and "panel" in cell.metadata.get("tags", [])]
    assert panels, "a chapter shows at least one panel"
    hidden = [cell.source.splitlines()[1] for cell in panels if slide_type(cell) in {"skip", "notes"}]
    assert not hidden, f"panels left out of the slides: {hidden}"


def test_the_build_carries_the_slides_into_the_notebook():
    from tools.execute_notebooks import build

    source = SOURCES[0]
    built = build(source)
    assert [slide_type(cell) for cell in built.cells] == [slide_type(cell) for cell in jupytext.read(source).cells]
    assert slide_type(built.cells[0]) == "slide"


def test_mark_slides_marks_every_cell_and_keeps_hand_chosen_marks():
    from tools.mark_slides import mark

    script = "\n".join([
        "# %% [markdown]", "# # 99 A chapter", "",
        "# %% [markdown]", "# ## Setup", "",
        "# %%", "notebook.setup()", "",
        "# %%", "x = 1", "",
        '# %% slideshow={"slide_type": "notes"}', "y = 2", "",
        '# %% tags=["panel"]', "line_fit_panel()", "",
        "# %% [markdown]", "# ### A subsection", ""])
    marked = jupytext.reads(mark(script), fmt="py:percent").cells
    assert [slide_type(cell) for cell in marked] == ["slide", "skip", "skip", "fragment", "notes", "subslide",
                                                     "subslide"]
    assert mark(mark(script)) == mark(script)


# The offline decks of both editions (tools/export_html.py slides), built once for this module.

SWITCH = re.compile(r'<a class="course-lang" href="([^"]+)" hreflang="([^"]+)" lang="([^"]+)">([^<]+)</a>')


@pytest.fixture(scope="module")
def decks(tmp_path_factory):
    """The decks of every chapter in both languages: (the build's folder, the decks' paths)."""
    from tools import export_html

    if not export_html.NODE_MODULES.is_dir():
        pytest.skip(f"{export_html.NODE_MODULES} is missing: run `make install` (it needs Node.js and npm)")
    out = tmp_path_factory.mktemp("slides")
    return out, export_html.build_slides(out)


def test_every_chapter_has_a_deck_in_both_languages_linking_its_counterpart(decks):
    from tools import export_html

    out, written = decks
    names = [path.stem + ".slides.html" for path in export_html.chapters()]
    assert [path.relative_to(out).as_posix() for path in written] == names + [f"zh/{name}" for name in names]
    for name in names:
        english, chinese = out / name, out / "zh" / name
        for deck, other, lang, label in ((english, chinese, "en", "中文"), (chinese, english, "zh-CN", "English")):
            body = deck.read_text(encoding="utf-8")
            assert f'<html lang="{lang}">' in body, deck
            links = SWITCH.findall(body)
            assert len(links) == 1, f"{deck.relative_to(out)}: one link to the other language"
            href, hreflang, link_lang, text = links[0]
            assert text == label and hreflang == link_lang != lang
            assert (deck.parent / href).resolve() == other.resolve() and other.is_file()
        body = chinese.read_text(encoding="utf-8")
        notebook, _ = export_html.edition_notebook(ROOT / "notebooks" / (name.split(".")[0] + ".ipynb"),
                                                   export_html.CHINESE)
        assert f"<title>{html.escape(export_html.chapter_title(notebook), quote=False)} slides</title>" in body
        scripts = re.findall(r'<script[^>]* src="([^"]+)"', body) + re.findall(r'<link[^>]* href="([^"]+)"', body)
        assert scripts and all(src.startswith("../_static/") for src in scripts), scripts
        assert all((chinese.parent / src).is_file() for src in scripts), "a Chinese deck loads the build's one _static"
