"""The course as static HTML from the stored outputs, readable offline: ``make site`` and ``make slides``.

    python tools/export_html.py site [--out build/site]      # a page per chapter and an index
    python tools/export_html.py slides [--out build/slides]  # a reveal.js deck per chapter
    python tools/export_html.py site 03 05                   # only the chapters whose name starts so

Nothing is executed: the pages show the outputs stored in ``notebooks/*.ipynb``. The pages
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


def keep_live_panels(notebook):
    """Keep the live panels; show every other panel as its stored picture, with a line on how to run it.

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
                outputs.append(nbformat.v4.new_output("display_data", data={"text/html": picture_note(output)}))
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


def picture_note(output):
    """What follows a panel shown as its picture: its title and first caption (what the picture shows, in
    words and numbers, for a reader who cannot run it) and ``KERNEL_NOTE``."""
    described = output["data"].get("text/plain", "")
    described = described.rsplit("\n", 1)[0] if "\n" in described else described  # without "(an interactive panel…)"
    return f'<p class="course-picture-caption">{html.escape(described)}</p>' + KERNEL_NOTE


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


def prepared(path, suffix):
    """The stored chapter at ``path`` ready for export: live panels, chapter links to ``suffix`` pages."""
    notebook = nbformat.read(path, as_version=4)
    keep_live_panels(notebook)
    link_chapters(notebook, suffix)
    notebook.metadata.title = chapter_title(notebook)
    return notebook


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
    for page in out.glob("*.html"):
        page.unlink()


def build_site(out, prefixes=()):
    """A page per chapter, linked in order, and an index of the chapters; returns the pages' paths.

    Each page links its chapter's notebook (copied into the build) and says the one line that
    runs it; the index is the chapter table with a search box over every section of every page.
    """
    fresh(out)
    copy_assets(out, PAGE_ASSETS, PAGE_ASSET_GLOBS)
    (out / NOTEBOOKS_FOLDER).mkdir(exist_ok=True)
    html_exporter = exporter(HTMLExporter, "course")
    paths = chapters(prefixes)
    titles = [chapter_title(nbformat.read(path, as_version=4)) for path in paths]
    pages, sections = [], []
    for index, path in enumerate(paths):
        neighbour = {}
        for key, other in (("previous", index - 1), ("next", index + 1)):
            if 0 <= other < len(paths):
                neighbour[key] = {"href": paths[other].stem + ".html", "title": titles[other]}
        shutil.copyfile(path, out / NOTEBOOKS_FOLDER / path.name)
        resources = {"course": {"static": STATIC, "notebook": f"{NOTEBOOKS_FOLDER}/{path.name}",
                                "notebook_name": path.name, "run_line": RUN_LINE, **neighbour}}
        body, _ = html_exporter.from_notebook_node(prepared(path, ".html"), resources=resources)
        page = out / (path.stem + ".html")
        page.write_text(body, encoding="utf-8")
        pages.append(page)
        sections += page_sections(body, page.name, titles[index])
    (out / SEARCH_INDEX).write_text(search_script(sections), encoding="utf-8")
    index_page = out / "index.html"
    index_page.write_text(render_index(paths), encoding="utf-8")
    return [index_page, *pages]


def lessons(notebook):
    """What the chapter teaches: the items listed under "In this chapter you will" in its first cell."""
    lines = notebook.cells[0].source.splitlines()
    start = next((number for number, line in enumerate(lines) if LESSONS_HEADING in line), None)
    if start is None:
        raise ValueError(f"a chapter's first cell lists what it teaches under **{LESSONS_HEADING}**")
    items = []
    for line in lines[start + 1:]:
        if line.startswith("- "):
            items.append(line[2:].strip())
        elif line.startswith("  ") and items:
            items[-1] += " " + line.strip()
        elif line.strip():
            break
    return [item.rstrip(";.") for item in items]


def inline_markdown(text):
    """``text``'s inline Markdown as safe HTML: `code` and **bold**, everything else escaped."""
    escaped = str(markupsafe.escape(text))
    escaped = re.sub(r"`([^`]+)`", r"<code>\1</code>", escaped)
    return markupsafe.Markup(re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", escaped))


def render_index(paths):
    """The index page: the chapter table (title, what it teaches, time, panels) and the search box.

    The figures are ``tools/chapter_table.py``'s, as the instructors' guide shows them.
    """
    sys.path.insert(0, str(ROOT))
    from tools import chapter_table

    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True)
    rows = []
    for path in paths:
        row = chapter_table.chapter_row(path)
        english, _, chinese = row["title"].partition("(")
        rows.append({"href": path.stem + ".html", "english": english.strip(), "chinese": chinese.rstrip(")").strip(),
                     "lessons": [inline_markdown(item) for item in lessons(nbformat.read(path, as_version=4))],
                     "reading": row["reading"], "run_all": round(row["run_all"]),
                     "panels": [{"name": chapter_table.PANEL_CALL.search(call).group(1).removesuffix("_panel").replace("_", " "),
                                 "here": live} for call, live, _ in row["panels"]]})
    return environment.get_template("site_index.html.j2").render(chapters=rows, static=STATIC,
                                                                 search_index=SEARCH_INDEX, run_line=RUN_LINE)


def page_sections(body, href, chapter):
    """The sections of a written page, for the search: {href (with its heading's anchor), chapter, heading, text}."""
    soup = bs4.BeautifulSoup(body, "html.parser")
    sections = []
    for heading in soup.find_all(["h1", "h2", "h3"]):
        if heading.find_parent(class_="jp-MarkdownCell") is None:
            continue
        words = []
        for sibling in heading.find_all_next(string=True):
            parent = sibling.parent
            if parent.name in ("h1", "h2", "h3") and parent is not heading:
                break
            inside = parent is heading or heading in parent.parents
            if not inside and parent.name not in ("script", "style") and parent.find_parent(class_="jp-MarkdownCell"):
                words.append(sibling.strip().removesuffix("¶"))
            if len(words) > 400:
                break
        anchor = heading.get("id")
        sections.append({"href": f"{href}#{anchor}" if anchor else href, "chapter": chapter,
                         "heading": heading.get_text(" ", strip=True).removesuffix("¶").strip(),
                         "text": " ".join(word for word in words if word)})
    return sections


def search_script(sections):
    """The search index as a script (a page opened from ``file://`` may not fetch a JSON file)."""
    return "window.COURSE_SEARCH = " + json.dumps(sections, ensure_ascii=False, separators=(",", ":")) + ";\n"


def build_slides(out, prefixes=()):
    """A reveal.js deck per chapter; returns the decks' paths."""
    fresh(out)
    copy_assets(out, {**PAGE_ASSETS, **DECK_ASSETS}, PAGE_ASSET_GLOBS)
    slides_exporter = exporter(SlidesExporter, "course_slides")
    decks = []
    for path in chapters(prefixes):
        notebook = prepared(path, ".slides.html")
        mark_slides(notebook)
        body, _ = slides_exporter.from_notebook_node(notebook, resources={"course": {"static": STATIC}})
        deck = out / (path.stem + ".slides.html")
        deck.write_text(body, encoding="utf-8")
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
