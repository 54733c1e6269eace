"""How the site and the decks are prepared from the stored chapters (tools/export_html.py), without a browser.

The browser test (tests/browser/test_site.py) opens what is built; these check the choices
made before: which panels stay live, what saved widget state a page keeps, the slides of a
chapter without slide metadata, the links between chapters, the bilingual titles.
"""

import base64
import html
import json
import re

import bs4
import nbformat
import pytest

from tests.helpers import ROOT
from tools import export_html

CHAPTERS = export_html.chapters()


def stored(path):
    return nbformat.read(path, as_version=4)


def views(notebook):
    return [output["data"][export_html.WIDGET_VIEW]["model_id"] for cell in notebook.cells
            if cell.cell_type == "code" for output in cell.outputs
            if export_html.WIDGET_VIEW in output.get("data", {})]


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda path: path.stem)
def test_a_page_keeps_its_live_panels_and_shows_the_others_as_pictures(chapter):
    notebook = stored(chapter)
    state = export_html.widget_state(notebook)
    panels = [view for view in views(notebook) if export_html.is_panel(state, view)]
    live = [view for view in panels if export_html.is_live(state, view)]

    assert export_html.keep_live_panels(notebook) == (len(live), len(panels) - len(live))

    kept_views = views(notebook)
    assert [view for view in kept_views if view in panels] == live
    kept = export_html.widget_state(notebook)
    if not kept_views:
        assert kept == {}
    for model_id, model in kept.items():  # nothing is kept that refers to a model left out
        assert export_html.references(model["state"]) <= set(kept), model_id
    if live:
        assert any(model["model_name"] == "LinkModel" for model in kept.values()), "the controls' links"
    for cell in notebook.cells:
        for index, output in enumerate(cell.get("outputs", [])):
            if output.get("data", {}).get("text/html", "").endswith(export_html.KERNEL_NOTE):
                assert "image/png" in cell.outputs[index - 1]["data"], "the note follows the panel's picture"
                title = cell.outputs[index - 1]["data"]["text/plain"].split(":")[0]
                assert f'<p class="course-picture-caption">{html.escape(title)}: ' in output["data"]["text/html"]
    notes = sum(output.get("data", {}).get("text/html", "").endswith(export_html.KERNEL_NOTE)
                for cell in notebook.cells for output in cell.get("outputs", []))
    assert notes == len(panels) - len(live)


def test_the_kernel_free_panels_are_those_the_panels_doc_lists():
    live = {chapter.stem[:2] for chapter in CHAPTERS if export_html.keep_live_panels(stored(chapter))[0]}
    assert live == {"00", "03", "04", "05", "06", "07", "09", "10"}  # 07: the race on its tabulated states


def test_a_page_without_live_widgets_loads_no_widget_state():
    notebook = stored(next(path for path in CHAPTERS if path.name.startswith("01_")))
    assert export_html.keep_live_panels(notebook) == (0, 1)
    assert "widgets" not in notebook.metadata


def notebook_of(*cells):
    return nbformat.v4.new_notebook(cells=list(cells))


def test_a_chapter_without_slide_metadata_gets_a_slide_per_heading_and_skips_its_solutions():
    solution = nbformat.v4.new_code_cell("answer = 3", metadata={"jupyter": {"source_hidden": True}})
    notebook = notebook_of(nbformat.v4.new_markdown_cell("# Title (标题)"), nbformat.v4.new_code_cell("x = 1"),
                           nbformat.v4.new_markdown_cell("## Idea\ntext"), nbformat.v4.new_markdown_cell("more"),
                           solution)
    export_html.mark_slides(notebook)
    assert [cell.metadata.get("slideshow", {}).get("slide_type") for cell in notebook.cells] == \
        ["slide", None, "slide", None, "skip"]


def test_slide_metadata_written_by_the_author_is_kept():
    notebook = notebook_of(nbformat.v4.new_markdown_cell("# Title", metadata={"slideshow": {"slide_type": "slide"}}),
                           nbformat.v4.new_markdown_cell("## Aside", metadata={}))
    export_html.mark_slides(notebook)
    assert "slideshow" not in notebook.cells[1].metadata


def test_links_between_chapters_point_at_their_pages():
    notebook = notebook_of(nbformat.v4.new_markdown_cell(
        "Next: [chapter 03](03_learning_rate.ipynb), see [the decay](03_learning_rate.ipynb#decay) "
        "and [the docs](https://www.tensorflow.org/a.ipynb)."))
    export_html.link_chapters(notebook, ".slides.html")
    assert notebook.cells[0].source == (
        "Next: [chapter 03](03_learning_rate.slides.html), see [the decay](03_learning_rate.slides.html#decay) "
        "and [the docs](https://www.tensorflow.org/a.ipynb).")


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda path: path.stem)
def test_every_chapter_title_is_bilingual(chapter):
    title = export_html.chapter_title(stored(chapter))
    assert re.fullmatch(r"\d\d [^()]+ \([^()]*[\u4e00-\u9fff][^()]*\)", title), title


def test_the_site_guide_names_the_npm_versions_the_lock_installs():
    """docs/site.md's table of scripts names each npm package with its version: the one web/package-lock.json pins."""
    import json

    guide = (ROOT / "docs" / "site.md").read_text(encoding="utf-8")
    packages = json.loads((ROOT / "web" / "package-lock.json").read_text(encoding="utf-8"))["packages"]
    named = re.findall(r"\| `(@?[\w./-]+)` (\d+\.\d+\.\d+)", guide)
    assert len(named) >= 5
    for package, version in named:
        assert packages[f"node_modules/{package}"]["version"] == version, package


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda path: path.stem)
def test_every_chapter_says_what_it_teaches(chapter):
    taught = export_html.lessons(stored(chapter))
    assert len(taught) >= 3 and all(len(item) > 15 for item in taught), taught


def test_the_index_is_the_chapter_table_with_an_offline_search(tmp_path):
    if not export_html.NODE_MODULES.is_dir():
        pytest.skip(f"{export_html.NODE_MODULES} is missing: run `make install` (it needs Node.js and npm)")
    index, page = export_html.build_site(tmp_path, ["00"])
    text = index.read_text(encoding="utf-8")
    row = re.search(r"<tr>\s*<td><a href=\"00_welcome.html\">.*?</tr>", text, re.S).group(0)
    assert "<li>check that TensorFlow, Keras and the datasets are ready on your machine</li>" in row
    assert re.search(r"\d+ min to read, \d+ s to run", row)
    assert "line fit" in row and "works here" in row
    script = (tmp_path / export_html.SEARCH_INDEX).read_text(encoding="utf-8")
    sections = json.loads(script.removeprefix("window.COURSE_SEARCH = ").rstrip(";\n"))
    assert {"00_welcome.html#How-to-use-a-chapter"} <= {section["href"] for section in sections}
    assert all(section["text"] and "¶" not in section["heading"] for section in sections)
    assert f'src="{export_html.SEARCH_INDEX}"' in text and "http" not in re.sub(r"<!--.*?-->", "", text)
    body = page.read_text(encoding="utf-8")
    link = bs4.BeautifulSoup(body, "html.parser").find("a", class_="course-download")
    assert link["href"] == "notebooks/00_welcome.ipynb" and link.has_attr("download")
    assert export_html.RUN_LINE in body
    assert (tmp_path / "notebooks" / "00_welcome.ipynb").read_bytes() == (ROOT / "notebooks" / "00_welcome.ipynb").read_bytes()


def test_a_panels_picture_is_shown_at_its_charts_own_size():
    from course_lib.widgets.chart import Chart

    chart = Chart(spec={"$schema": "x", "width": 200, "height": 100, "mark": "point"})
    one, two = chart.to_png(), chart.to_png(scale=2)
    size = export_html.picture_size(base64.b64encode(two).decode("ascii"))
    assert size == {"width": int.from_bytes(one[16:20], "big"), "height": int.from_bytes(one[20:24], "big")}
    with pytest.raises(ValueError, match="not a PNG"):
        export_html.picture_size(base64.b64encode(b"GIF89a" + bytes(30)).decode())
