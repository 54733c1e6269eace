"""How the site and the decks are prepared from the stored chapters (tools/export_html.py), without a browser.

The browser test (tests/browser/test_site.py) opens what is built; these check the choices
made before: which panels stay live, what saved widget state a page keeps, the slides of a
chapter without slide metadata, the links between chapters, the bilingual titles; and, on a
build of the whole site, the two editions (English pages at the top, Chinese ones in ``zh/``):
every page links the same chapter in the other language, ``<html lang>``, the two indexes and
their searches.
"""

import base64
import dataclasses
import html
import json
import re
import shutil

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
    index, page, *_ = export_html.build_site(tmp_path, ["00"])
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


# The two editions, on one build of the whole site (both editions, all chapters).

ENGLISH, CHINESE = export_html.ENGLISH, export_html.CHINESE
SWITCH = re.compile(r'<a class="course-lang" href="([^"]+)" hreflang="([^"]+)" lang="([^"]+)">([^<]+)</a>')
#: Each edition's switch link: the label that names the other edition, and the other edition's lang.
LABELS = {ENGLISH: ("中文", "zh-CN"), CHINESE: ("English", "en")}
CJK = re.compile(r"[\u4e00-\u9fff]")


def needs_node_modules():
    if not export_html.NODE_MODULES.is_dir():
        pytest.skip(f"{export_html.NODE_MODULES} is missing: run `make install` (it needs Node.js and npm)")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The whole site, built once for this module: its folder."""
    needs_node_modules()
    out = tmp_path_factory.mktemp("site")
    export_html.build_site(out)
    return out


def html_lang(body):
    return re.search(r"<html lang=\"([^\"]*)\"", body).group(1)


def switch_problems(folder, names):
    """What is wrong with the language switches of the pages ``names`` (one per chapter, or the index) in
    both editions of the build ``folder``: a page missing, a wrong ``lang``, no switch link, or a link that
    does not lead to the same page of the other edition. Empty when all is well."""
    problems = []
    for edition in export_html.EDITIONS:
        label, other_lang = LABELS[edition]
        for name in names:
            page = folder / edition.folder / name
            if not page.is_file():
                problems.append(f"{page.relative_to(folder)} is missing")
                continue
            body = page.read_text(encoding="utf-8")
            if html_lang(body) != edition.lang:
                problems.append(f"{page.relative_to(folder)}: lang {html_lang(body)!r}, not {edition.lang!r}")
            links = SWITCH.findall(body)
            if not links:
                problems.append(f"{page.relative_to(folder)}: no link to the other language")
            for href, hreflang, lang, text in links:
                target = (page.parent / href).resolve()
                other = folder / (CHINESE if edition is ENGLISH else ENGLISH).folder / name
                if (text, hreflang, lang) != (label, other_lang, other_lang) or target != other.resolve():
                    problems.append(f"{page.relative_to(folder)}: the switch {text!r} leads to {href}")
                elif not target.is_file():
                    problems.append(f"{page.relative_to(folder)}: the switch leads to a missing {href}")
    return problems


def test_every_chapter_has_a_page_in_both_languages_linking_its_counterpart(site):
    pages = [f"{chapter.stem}.html" for chapter in CHAPTERS]
    assert not switch_problems(site, ["index.html", *pages])
    for chapter in CHAPTERS:
        notebook, _ = export_html.edition_notebook(chapter, CHINESE)
        body = (site / "zh" / f"{chapter.stem}.html").read_text(encoding="utf-8")
        assert f"<title>{html.escape(export_html.chapter_title(notebook), quote=False)}</title>" in body
        assert '<a class="course-nav-index" href="index.html">全部章节</a>' in body
        assert f'href="notebooks/{chapter.name}"' in body and (site / "zh" / "notebooks" / chapter.name).is_file()
        assert '"../_static/' in body and '"_static/' not in body, "a Chinese page loads the build's one _static"


def test_the_switch_check_finds_a_missing_or_wrong_link(site, tmp_path):
    """A planted defect: the check above must see a page whose switch link is gone or leads elsewhere."""
    copy = tmp_path / "site"
    for edition in export_html.EDITIONS:
        (copy / edition.folder).mkdir(parents=True, exist_ok=True)
        for name in ("00_welcome.html", "01_tensors_autodiff.html"):
            shutil.copyfile(site / edition.folder / name, copy / edition.folder / name)
    names = ["00_welcome.html", "01_tensors_autodiff.html"]
    assert switch_problems(copy, names) == []
    english = copy / "00_welcome.html"
    english.write_text(SWITCH.sub("", english.read_text(encoding="utf-8")), encoding="utf-8")
    chinese = copy / "zh" / "01_tensors_autodiff.html"
    chinese.write_text(chinese.read_text(encoding="utf-8").replace('href="../01_tensors_autodiff.html"',
                                                                   'href="../00_welcome.html"'), encoding="utf-8")
    (copy / "zh" / "00_welcome.html").unlink()
    assert set(switch_problems(copy, names)) == {
        "00_welcome.html: no link to the other language", "zh/00_welcome.html is missing",
        "zh/01_tensors_autodiff.html: the switch 'English' leads to ../00_welcome.html"}


def index_rows(body):
    """The index's chapter table: [(href, title, the row's HTML)]."""
    return [(href, html.unescape(title), row) for row, href, title in
            re.findall(r'(<tr>\s*<td><a href="([^"]+)">([^<]+)</a>.*?</tr>)', body, re.S)]


def test_both_indexes_list_every_chapter_with_its_table(site):
    english = index_rows((site / "index.html").read_text(encoding="utf-8"))
    chinese = index_rows((site / "zh" / "index.html").read_text(encoding="utf-8"))
    assert [href for href, _, _ in english] == [href for href, _, _ in chinese] == [f"{c.stem}.html" for c in CHAPTERS]
    for chapter, (_, title, row), (_, zh_title, zh_row) in zip(CHAPTERS, english, chinese):
        assert title == export_html.chapter_title(stored(chapter)).partition(" (")[0]
        assert zh_title == export_html.chapter_title(export_html.edition_notebook(chapter, CHINESE)[0])
        assert re.search(r"\d+ min to read, \d+ s to run", row) and re.search(r"阅读 \d+ 分钟，运行 \d+ 秒", zh_row)
        assert zh_row.count("<li>") == len(export_html.lessons(export_html.edition_notebook(chapter, CHINESE)[0])) >= 3
        assert zh_row.count("此处可用") == row.count("works here"), chapter.stem
    assert re.search(r"<td>(line fit|直线拟合) <span class=\"course-here\">此处可用</span></td>", chinese[0][2])
    assert sum(bool(CJK.search(title)) for _, title, _ in chinese) >= len(CHAPTERS) - 2, "Chinese titles"


def search_sections(folder):
    script = (folder / export_html.SEARCH_INDEX).read_text(encoding="utf-8")
    return json.loads(script.removeprefix("window.COURSE_SEARCH = ").rstrip(";\n"))


@pytest.mark.parametrize("edition", export_html.EDITIONS, ids=lambda edition: edition.name)
def test_each_indexs_search_covers_the_pages_of_its_edition(site, edition):
    folder = site / edition.folder
    sections = search_sections(folder)
    pages = {section["href"].partition("#")[0] for section in sections}
    assert pages == {f"{chapter.stem}.html" for chapter in CHAPTERS}
    titles = {export_html.chapter_title(export_html.edition_notebook(chapter, edition)[0]) for chapter in CHAPTERS}
    assert {section["chapter"] for section in sections} == titles
    index = (folder / "index.html").read_text(encoding="utf-8")
    assert f'<script src="{export_html.SEARCH_INDEX}"></script>' in index
    assert "http" not in re.sub(r"<!--.*?-->", "", index)
    text = " ".join(section["text"] for section in sections)
    assert len(CJK.findall(text)) > (len(text) / 4 if edition is CHINESE else 0)


def test_chinese_pages_fall_back_on_the_cjk_fonts_of_the_system():
    css = (ROOT / "web" / "course.css").read_text(encoding="utf-8")
    assert "html:lang(zh)" in css
    assert '"Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif' in css
    assert "@font-face" not in css and "url(" not in css


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda path: path.stem)
def test_every_chinese_chapter_says_what_it_teaches(chapter):
    notebook, translated = export_html.edition_notebook(chapter, CHINESE)
    taught = export_html.lessons(notebook)
    assert len(taught) >= 3 and all(len(item) > 5 for item in taught), taught
    assert not translated or any(CJK.search(item) for item in taught)


def test_a_chapter_not_yet_in_chinese_gets_a_chinese_page_from_the_english_one(tmp_path, monkeypatch):
    needs_node_modules()
    empty = dataclasses.replace(CHINESE, notebooks=tmp_path / "no-zh")
    monkeypatch.setattr(export_html, "CHINESE", empty)
    monkeypatch.setattr(export_html, "EDITIONS", (ENGLISH, empty))
    written = export_html.build_site(tmp_path / "site", ["00"])
    assert [path.relative_to(tmp_path / "site").as_posix() for path in written] == \
        ["index.html", "00_welcome.html", "zh/index.html", "zh/00_welcome.html"]
    body = written[-1].read_text(encoding="utf-8")
    assert html_lang(body) == "zh-CN" and "notebooks/zh/00_welcome.ipynb" in body and "course-untranslated" in body
    assert SWITCH.search(body).group(1) == "../00_welcome.html"
