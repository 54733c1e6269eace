"""The course as static HTML from the stored outputs, readable offline: ``make site`` and ``make slides``.

    python tools/export_html.py site [--out build/site]      # a page per chapter and an index
    python tools/export_html.py slides [--out build/slides]  # a reveal.js deck per chapter
    python tools/export_html.py site 03 05                   # only the chapters whose name starts so

Both editions are built: the English pages from ``notebooks/*.ipynb`` in the output folder, the
Chinese ones from ``notebooks/zh/*.ipynb`` in its ``zh/`` folder (sharing one ``_static``). Every
page, deck and index links the same page of the other edition (``中文`` / ``English``).

Nothing is executed: the pages show the outputs stored in the notebooks. The pages
open from ``file://`` with the network off. Every script is copied into the build's
``_static`` folder from the npm packages of ``web/package.json`` (``make install`` runs
``npm ci``): the ipywidgets HTML manager, anywidget's front-end (loaded by require.js from the
build's copy, not from its CDN), MathJax 3 and reveal.js. Why nbconvert and not Jupyter Book:
see ``docs/site.md``.

A panel that works without a kernel (``offline=True``: its chart carries a table of its
states) stays live in the page, from its saved widget state. Any other panel shows the picture
of its first state, stored with its output, and a line saying how to run it; its widgets are
left out of the page's saved state. Solutions (cells with ``source_hidden``) are collapsed.
"""

import argparse
import base64
import dataclasses
import html
import json
import re
import shutil
import sys
import time
from pathlib import Path

import bs4
import jinja2
import markupsafe
import nbformat
from nbconvert import HTMLExporter, SlidesExporter

from course_lib.widgets.panel import PANEL_CLASS, PNG_SCALE

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
WEB = ROOT / "web"
TEMPLATES = WEB / "templates"
NODE_MODULES = WEB / "node_modules"
STATIC = "_static"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
MODEL_PREFIX = "IPY_MODEL_"
CHAPTER_LINK = re.compile(r"\]\((\d\d_\w+)\.ipynb(#[^)\s]*)?\)")
KERNEL_NOTE = ('<p class="course-kernel-note">This panel computes in Python: the picture shows its '
               "first state, described above. To use it, open the chapter in JupyterLab "
               "(<code>make lab</code>) and run the setup cell and this cell. Without Python on this "
               "computer: the index's chapter table marks the panels that work in these pages.</p>")
#: The one line that opens the course's chapters in JupyterLab, on every system (README's quick start).
RUN_LINE = "python -m course_lib lab"
NOTEBOOKS_FOLDER = "notebooks"
SEARCH_INDEX = "search-index.js"
LESSONS_HEADING = "In this chapter you will"
#: What introduces the list of what a chapter teaches, in either edition.
LESSONS_HEADINGS = (LESSONS_HEADING, "在本章中你将", "本章你将")
KERNEL_NOTE_ZH = ('<p class="course-kernel-note">这个面板要用 Python 计算：图中是它的初始状态，上文有说明。'
                  "要使用它，请在 JupyterLab 中打开本章（<code>make lab</code>），运行设置单元格和这个单元格。"
                  "这台电脑上没有 Python 的话：目录页的章节表标出了哪些面板在这些网页中可以直接使用。</p>")


@dataclasses.dataclass(frozen=True)
class Edition:
    """One language of the course: where its notebooks are, where its pages go, what its pages say."""

    name: str  #: "en" or "zh"
    lang: str  #: the pages' ``<html lang>``
    folder: str  #: the edition's folder in a build ("" for the English pages at its top)
    notebooks: Path  #: its stored chapters
    label: str  #: the edition's name, in its language: the text of a switch link to it
    kernel_note: str  #: what follows a panel shown as its picture
    solution: str  #: the summary of a collapsed solution

    def static(self):
        """The path of the build's ``_static`` folder from a page of this edition."""
        return "../" * bool(self.folder) + STATIC

    def href(self, name, other):
        """The link from a page of this edition to the page ``name`` of the edition ``other``."""
        return "../" * bool(self.folder) + (f"{other.folder}/" if other.folder else "") + name


ENGLISH = Edition("en", "en", "", NOTEBOOKS, "English", KERNEL_NOTE, "Solution (参考答案)")
CHINESE = Edition("zh", "zh-CN", "zh", NOTEBOOKS / "zh", "中文", KERNEL_NOTE_ZH, "参考答案")
EDITIONS = (ENGLISH, CHINESE)
#: The note on a Chinese page built from the English notebook, while ``notebooks/zh/`` lacks the chapter.
UNTRANSLATED_ZH = "本章的中文版（notebooks/zh/{name}）还没有生成，这里先显示英文版。"

#: What the pages load, as {path under _static: path under web/node_modules}.
PAGE_ASSETS = {
    "require.js": "requirejs/require.js",
    "anywidget.js": "anywidget/dist/index.js",
    "html-manager/embed-amd.js": "@jupyter-widgets/html-manager/dist/embed-amd.js",
    "mathjax/tex-svg-full.js": "mathjax/es5/tex-svg-full.js",
}
#: The widget manager's icon fonts: only the WOFF2 files, which every browser that runs the pages reads.
PAGE_ASSET_GLOBS = {"html-manager": "@jupyter-widgets/html-manager/dist/*.woff2"}
DECK_ASSETS = {
    "reveal/dist/reveal.js": "reveal.js/dist/reveal.js",
    "reveal/dist/reveal.css": "reveal.js/dist/reveal.css",
    "reveal/dist/theme/white.css": "reveal.js/dist/theme/white.css",
    "reveal/dist/plugin/notes.js": "reveal.js/dist/plugin/notes.js",
}


def chapters(prefixes=()):
    """The stored chapter notebooks, in order, limited to names starting with one of ``prefixes``."""
    return [path for path in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
            if path.name.startswith(tuple(prefixes) or "")]


def chapter_title(notebook):
    """The chapter's title: its first Markdown heading, without the ``#``."""
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("#"):
                    return line.lstrip("#").strip()
    raise ValueError("a chapter starts with a Markdown heading, its title")


def widget_state(notebook):
    """The saved widget models of a notebook (a dict or a ``NotebookNode``), by id (empty when none were saved)."""
    return notebook["metadata"].get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})


def references(value):
    """The ids of the models that a model's state ``value`` refers to (children, layout, a chart's library)."""
    if isinstance(value, str):
        return {value.removeprefix(MODEL_PREFIX)} if value.startswith(MODEL_PREFIX) else set()
    if isinstance(value, dict):
        value = list(value.values())
    return set().union(*map(references, value)) if isinstance(value, list) else set()


def reachable(state, roots):
    """``roots`` and every model they refer to, directly or not."""
    seen, stack = set(), list(roots)
    while stack:
        model_id = stack.pop()
        if model_id in seen or model_id not in state:
            continue
        seen.add(model_id)
        stack.extend(references(state[model_id]["state"]))
    return seen


def is_panel(state, view_id):
    """Whether the widget ``view_id`` is a course panel (not, say, a progress bar)."""
    return PANEL_CLASS in state.get(view_id, {}).get("state", {}).get("_dom_classes", [])


def is_live(state, view_id):
    """Whether the panel ``view_id`` shows answers its controls without a kernel: its chart holds a
    table of its states, linked to its controls (``Panel(offline=True)``)."""
    return any(state[m]["state"].get("table") and state[m]["state"].get("linked")
               for m in reachable(state, [view_id]))


def keep_live_panels(notebook, note=KERNEL_NOTE):
    """Keep the live panels; show every other panel as its stored picture, with a line on how to run it (``note``).

    Returns how many panels stay live and how many become pictures. Widgets that are no panel
    (a progress bar) keep their saved state, which is all they show. The saved widget state keeps
    only the models the remaining views need, links included, so that a page without live
    widgets loads no widget code.
    """
    state = widget_state(notebook)
    views, live, pictures = [], 0, 0
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        outputs = []
        for output in cell.outputs:
            outputs.append(output)
            view = output.get("data", {}).get(WIDGET_VIEW)
            if view is None:
                continue
            if not is_panel(state, view["model_id"]) or is_live(state, view["model_id"]):
                views.append(view["model_id"])
                live += is_panel(state, view["model_id"])
            else:
                del output["data"][WIDGET_VIEW]
                pictures += 1
                if "image/png" in output["data"]:
                    output.setdefault("metadata", {})["image/png"] = picture_size(output["data"]["image/png"])
                outputs.append(nbformat.v4.new_output("display_data", data={"text/html": picture_note(output, note)}))
        cell.outputs = outputs
    kept = reachable(state, views)
    links = [m for m, model in state.items() if model["model_name"] in ("LinkModel", "DirectionalLinkModel")
             and references(model["state"]) <= kept]
    kept |= reachable(state, links)
    if kept:
        notebook.metadata.widgets[WIDGET_STATE]["state"] = {m: state[m] for m in state if m in kept}
    else:
        notebook.metadata.pop("widgets", None)
    return live, pictures


def picture_note(output, note=KERNEL_NOTE):
    """What follows a panel shown as its picture: its title and first caption (what the picture shows, in
    words and numbers, for a reader who cannot run it) and ``note`` (``KERNEL_NOTE`` on an English page)."""
    described = output["data"].get("text/plain", "")
    described = described.rsplit("\n", 1)[0] if "\n" in described else described  # without "(an interactive panel…)"
    return f'<p class="course-picture-caption">{html.escape(described)}</p>' + note


def picture_size(encoded):
    """The size at which to show a panel's stored picture (base64 PNG): its chart's own size, ``PNG_SCALE`` times smaller
    than its pixels, so that it is sharp on a high-DPI screen and a projector."""
    png = base64.b64decode(encoded)
    if png[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("a panel's picture is not a PNG image")
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    return {"width": round(width / PNG_SCALE), "height": round(height / PNG_SCALE)}


def link_chapters(notebook, suffix):
    """Point the links between chapters (``03_learning_rate.ipynb``) at their pages (``suffix``)."""
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            cell.source = CHAPTER_LINK.sub(lambda m: f"]({m.group(1)}{suffix}{m.group(2) or ''})", cell.source)


def mark_slides(notebook):
    """A chapter without slide metadata gets a slide per heading; solutions are skipped.

    A chapter whose cells carry ``slideshow.slide_type`` is left as its author marked it.
    """
    if any("slideshow" in cell.metadata for cell in notebook.cells):
        return
    for cell in notebook.cells:
        if cell.metadata.get("jupyter", {}).get("source_hidden"):
            cell.metadata.slideshow = {"slide_type": "skip"}
        elif cell.cell_type == "markdown" and cell.source.lstrip().startswith("#"):
            cell.metadata.slideshow = {"slide_type": "slide"}


def prepared(notebook, suffix, edition=ENGLISH):
    """The stored chapter ``notebook`` (changed in place) ready for export in ``edition``: live panels, chapter
    links to ``suffix`` pages."""
    keep_live_panels(notebook, edition.kernel_note)
    link_chapters(notebook, suffix)
    notebook.metadata.title = chapter_title(notebook)
    return notebook


def edition_notebook(path, edition):
    """The stored chapter ``path`` (an English notebook) in ``edition``: (its notebook, whether it is translated).

    A chapter that ``notebooks/zh/`` lacks (not generated yet) is shown from the English notebook,
    with a line saying so, so that every link between the editions leads to a page.
    """
    source = edition.notebooks / path.name
    translated = source.is_file()
    return nbformat.read(source if translated else path, as_version=4), translated


def set_lang(body, edition):
    """``body`` with its ``<html lang>`` the edition's (nbconvert accepts only two-letter codes)."""
    opening = '<html lang="en">'
    if edition is ENGLISH:
        return body
    if opening not in body:
        raise ValueError("an exported page starts with <html lang=\"en\">")
    return body.replace(opening, f'<html lang="{edition.lang}">', 1)


def switch(edition, name):
    """The link of a page of ``edition`` to the page ``name`` of the other edition: {href, label, lang}."""
    other = CHINESE if edition is ENGLISH else ENGLISH
    return {"href": edition.href(name, other), "label": other.label, "lang": other.lang}


def copy_assets(out, assets, globs=None):
    """Copy the npm packages' files the pages load into ``out/_static``."""
    if not NODE_MODULES.is_dir():
        sys.exit(f"{NODE_MODULES} is missing: run `make install` (it needs Node.js and npm, "
                 "which install the pages' scripts from web/package-lock.json)")
    static = out / STATIC
    for target, source in assets.items():
        (static / target).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(NODE_MODULES / source, static / target)
    for target, pattern in (globs or {}).items():
        (static / target).mkdir(parents=True, exist_ok=True)
        for source in NODE_MODULES.glob(pattern):
            shutil.copyfile(source, static / target / source.name)
    shutil.copyfile(WEB / "course.css", static / "course.css")


def exporter(cls, template):
    made = cls(template_name=template, extra_template_basedirs=[str(TEMPLATES)],
               extra_template_paths=[str(TEMPLATES)])
    if cls is SlidesExporter:
        made.reveal_url_prefix = f"{STATIC}/reveal"
        made.reveal_theme = "white"  # reveal.js embeds its fonts; some other themes load Google Fonts
        # a panel (controls and two charts) is about 1100 px wide; prompts take room and say nothing in a lecture
        made.reveal_width, made.reveal_height = "1280", "800"
        made.exclude_input_prompt = made.exclude_output_prompt = True
    return made


def fresh(out):
    """Make ``out`` ready for a build: remove the pages and scripts an earlier build left, nothing else."""
    out.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(out / STATIC, ignore_errors=True)
    for edition in EDITIONS:
        for page in (out / edition.folder).glob("*.html"):
            page.unlink()


def build_site(out, prefixes=()):
    """Both editions: a page per chapter, linked in order, and an index of the chapters, the English ones in
    ``out`` and the Chinese ones in ``out/zh``; returns the pages' paths (the English index and pages first).

    Each page links its chapter's notebook (copied into the build), says the one line that runs it
    and links the same chapter in the other edition; each index is the chapter table with a search
    box over every section of every page of its edition.
    """
    fresh(out)
    copy_assets(out, PAGE_ASSETS, PAGE_ASSET_GLOBS)
    html_exporter = exporter(HTMLExporter, "course")
    paths = chapters(prefixes)
    written, measured = [], {}
    for edition in EDITIONS:
        written += build_edition_site(out, edition, paths, html_exporter, measured)
    return written


def build_edition_site(out, edition, paths, html_exporter, measured):
    """The pages, search index and index of one ``edition`` (see ``build_site``); returns the index's and pages' paths.

    ``measured`` holds each chapter's reading and run time, measured on the English chapter (the
    figures of the instructors' guide) and shown by both indexes.
    """
    folder = out / edition.folder
    (folder / NOTEBOOKS_FOLDER).mkdir(parents=True, exist_ok=True)
    notebooks = [edition_notebook(path, edition) for path in paths]
    titles = [chapter_title(notebook) for notebook, _ in notebooks]
    rows = [index_row(path, notebook, edition, measured) for path, (notebook, _) in zip(paths, notebooks)]
    pages, sections = [], []
    for index, (path, (notebook, translated)) in enumerate(zip(paths, notebooks)):
        neighbour = {}
        for key, other in (("previous", index - 1), ("next", index + 1)):
            if 0 <= other < len(paths):
                neighbour[key] = {"href": paths[other].stem + ".html", "title": titles[other]}
        shutil.copyfile(edition.notebooks / path.name if translated else path, folder / NOTEBOOKS_FOLDER / path.name)
        opened = (f"{edition.folder}/" if edition.folder and translated else "") + path.name
        resources = {"course": {"static": edition.static(), "notebook": f"{NOTEBOOKS_FOLDER}/{path.name}",
                                "notebook_name": path.name, "open": opened, "run_line": RUN_LINE,
                                "lang": edition.lang, "solution": edition.solution,
                                "switch": switch(edition, path.stem + ".html"),
                                "untranslated": not translated and UNTRANSLATED_ZH.format(name=path.name),
                                **neighbour}}
        body, _ = html_exporter.from_notebook_node(prepared(notebook, ".html", edition), resources=resources)
        body = set_lang(body, edition)
        page = folder / (path.stem + ".html")
        page.write_text(body, encoding="utf-8")
        pages.append(page)
        sections += page_sections(body, page.name, titles[index])
    (folder / SEARCH_INDEX).write_text(search_script(sections), encoding="utf-8")
    index_page = folder / "index.html"
    index_page.write_text(render_index(rows, edition), encoding="utf-8")
    return [index_page, *pages]


def lessons(notebook):
    """What the chapter teaches: the items listed under "In this chapter you will" (or its Chinese,
    ``LESSONS_HEADINGS``) in its first cell."""
    lines = notebook.cells[0].source.splitlines()
    start = next((number for number, line in enumerate(lines) if any(h in line for h in LESSONS_HEADINGS)), None)
    if start is None:
        raise ValueError(f"a chapter's first cell lists what it teaches under **{LESSONS_HEADING}**")
    items = []
    for line in lines[start + 1:]:
        if line.startswith("- "):
            items.append(line[2:].strip())
        elif line.startswith("  ") and items:
            wrapped_chinese = not items[-1][-1:].isascii() and not line.strip()[:1].isascii()  # no space between
            items[-1] += ("" if wrapped_chinese else " ") + line.strip()
        elif line.strip():
            break
    return [item.rstrip(";.；。") for item in items]


def inline_markdown(text):
    """``text``'s inline Markdown as safe HTML: `code` and **bold**, everything else escaped."""
    escaped = str(markupsafe.escape(text))
    escaped = re.sub(r"`([^`]+)`", r"<code>\1</code>", escaped)
    return markupsafe.Markup(re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", escaped))


def index_row(path, notebook, edition, measured):
    """A chapter's row in ``edition``'s index, from its ``notebook`` in that edition (before ``prepared``).

    The reading and run time are ``tools/chapter_table.py``'s for the English chapter, as the
    instructors' guide shows them (words are counted between spaces: Chinese text has none).
    """
    sys.path.insert(0, str(ROOT))
    from tools import chapter_table

    if path.name not in measured:
        english = notebook if edition is ENGLISH else nbformat.read(path, as_version=4)
        row = chapter_table.chapter_row(path, english)
        measured[path.name] = {"title": row["title"], "reading": row["reading"], "run_all": round(row["run_all"])}
    figures = measured[path.name]
    title = chapter_title(notebook)
    if edition is ENGLISH:
        english, _, chinese = title.partition("(")
        title, aside = english.strip(), chinese.rstrip(")").strip()
    else:  # the English title without its number and its Chinese, unless the page is the English text
        english = figures["title"].partition("(")[0].strip()
        aside = "" if english in title else english[3:]
    names = {}
    if edition is CHINESE:  # the panels' Chinese names, as the Chinese instructors' guide gives them
        try:
            from tools.guide_tables import ZH_PANELS as names
        except ImportError:
            pass
    panels = []
    for call, live, _ in chapter_table.panels(notebook):
        name = chapter_table.PANEL_CALL.search(call).group(1).removesuffix("_panel").replace("_", " ")
        panels.append({"name": names.get(name, name), "here": live})
    return {"href": path.stem + ".html", "title": title, "aside": aside,
            "lessons": [inline_markdown(item) for item in lessons(notebook)],
            "reading": figures["reading"], "run_all": figures["run_all"], "panels": panels}


def render_index(rows, edition=ENGLISH):
    """An edition's index page: the chapter table (title, what it teaches, time, panels) and the search box.

    The figures are ``tools/chapter_table.py``'s, as the instructors' guide shows them.
    """
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True)
    return environment.get_template("site_index.html.j2").render(
        chapters=rows, static=edition.static(), search_index=SEARCH_INDEX, run_line=RUN_LINE, lang=edition.lang,
        switch=switch(edition, "index.html"))


HEADINGS = ("h1", "h2", "h3")


def page_sections(body, href, chapter):
    """The sections of a written page, for the search: {href (with its heading's anchor), chapter, heading, text}.

    A section is a heading of a Markdown cell and the text of the Markdown cells that follow it,
    up to the next heading's text (400 strings at most). One walk through the page in document order.
    """
    soup = bs4.BeautifulSoup(body, "html.parser")
    sections, reading = [], []  # reading: (heading, its words) of the sections still collecting text

    def walk(node, markdown, headings):
        for child in node.children:
            if isinstance(child, bs4.element.Tag):
                inside_markdown = markdown or "jp-MarkdownCell" in (child.get("class") or ())
                if child.name in HEADINGS and markdown:
                    words = []
                    anchor = child.get("id")
                    sections.append({"href": f"{href}#{anchor}" if anchor else href, "chapter": chapter,
                                     "heading": child.get_text(" ", strip=True).removesuffix("¶").strip(),
                                     "words": words})
                    reading.append((child, words))
                walk(child, inside_markdown, headings + (child,) if child.name in HEADINGS else headings)
            elif isinstance(child, bs4.element.NavigableString):
                parent = child.parent
                for heading, words in list(reading):
                    if parent.name in HEADINGS and parent is not heading:
                        reading.remove((heading, words))
                        continue
                    if heading not in headings and parent.name not in ("script", "style") and markdown:
                        words.append(child.strip().removesuffix("¶"))
                    if len(words) > 400:
                        reading.remove((heading, words))

    walk(soup, False, ())
    for section in sections:
        section["text"] = " ".join(word for word in section.pop("words") if word)
    return sections


def search_script(sections):
    """The search index as a script (a page opened from ``file://`` may not fetch a JSON file)."""
    return "window.COURSE_SEARCH = " + json.dumps(sections, ensure_ascii=False, separators=(",", ":")) + ";\n"


def build_slides(out, prefixes=()):
    """A reveal.js deck per chapter in each edition (the Chinese ones in ``out/zh``); returns the decks' paths,
    the English ones first."""
    fresh(out)
    copy_assets(out, {**PAGE_ASSETS, **DECK_ASSETS}, PAGE_ASSET_GLOBS)
    slides_exporter = exporter(SlidesExporter, "course_slides")
    decks = []
    for edition in EDITIONS:
        (out / edition.folder).mkdir(exist_ok=True)
        slides_exporter.reveal_url_prefix = f"{edition.static()}/reveal"
        for path in chapters(prefixes):
            notebook, translated = edition_notebook(path, edition)
            notebook = prepared(notebook, ".slides.html", edition)
            mark_slides(notebook)
            name = path.stem + ".slides.html"
            resources = {"course": {"static": edition.static(), "lang": edition.lang, "solution": edition.solution,
                                    "switch": switch(edition, name),
                                    "untranslated": not translated and UNTRANSLATED_ZH.format(name=path.name)}}
            body, _ = slides_exporter.from_notebook_node(notebook, resources=resources)
            deck = out / edition.folder / name
            deck.write_text(set_lang(body, edition), encoding="utf-8")
            decks.append(deck)
    return decks


def size(folder):
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["site", "slides"])
    parser.add_argument("prefixes", nargs="*", metavar="CHAPTER", help="only these chapters (03, 05, ...)")
    parser.add_argument("--out", type=Path, help="the folder to write (default: build/site or build/slides)")
    args = parser.parse_args(argv)
    out = (args.out or ROOT / "build" / args.what).resolve()
    start = time.perf_counter()
    written = (build_site if args.what == "site" else build_slides)(out, args.prefixes)
    print(f"{len(written)} pages in {out} ({size(out) / 1e6:.1f} MB) in {time.perf_counter() - start:.1f} s; "
          f"open {written[0].as_uri()}")


if __name__ == "__main__":
    main()
