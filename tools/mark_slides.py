"""Mark the slides of chapter sources that lack them, by the rule ``tests/test_slides.py`` checks.

A lecture gets the idea, the formula, the panel and the take-away: the title and every
``##`` section open a slide (``## Setup`` is skipped, exercises are subslides), every ``###``
a subslide; the setup cell and the hidden solutions are skipped; a panel cell left unmarked
becomes a subslide and any other unmarked cell a fragment, so that no slide grows taller than
the screen (the slideshow walk waits out its step timeout at every click that only scrolls).
Marks already on a cell are kept unless the rule fixes them (headings, setup, solutions), so
hand-chosen fragments and notes survive.

    python tools/mark_slides.py            # every chapter source
    python tools/mark_slides.py 03 11      # chapters whose name starts so
"""

import json
import re
import sys
from pathlib import Path

SOURCES = Path(__file__).resolve().parent.parent / "notebooks" / "src"
SLIDESHOW = re.compile(r'\s*slideshow=\{[^}]*\}')
PANEL_CALL = re.compile(r"\b\w+_panel\(")


def heading(body):
    """The first Markdown heading of a markdown cell's lines ("# ## Setup" → "## Setup"), or ''."""
    lines = [line[2:] if line.startswith("# ") else line[1:] for line in body if line.strip() not in ("", "#")]
    lines = [line for line in lines if not line.startswith("<a id=")]
    return lines[0] if lines and lines[0].startswith("#") else ""


def required_type(marker, body):
    """The slide type the rule gives this cell, or None where the rule leaves the choice open."""
    if "[markdown]" in marker:
        title = heading(body)
        if title.startswith("# "):
            return "slide"
        if title.startswith("## "):
            return "skip" if title == "## Setup" else "subslide" if title.startswith("## Exercise") else "slide"
        if title.startswith("### "):
            return "subslide"
        return None
    code = "\n".join(body)
    if "notebook.setup(" in code or '"source_hidden": true' in marker:
        return "skip"
    return None


def mark(text):
    """``text`` (a jupytext percent script) with the rule's slide marks on its ``# %%`` lines."""
    lines = text.splitlines(keepends=True)
    starts = [i for i, line in enumerate(lines) if line.startswith("# %%")]
    for number, start in enumerate(starts):
        end = starts[number + 1] if number + 1 < len(starts) else len(lines)
        marker, body = lines[start].rstrip("\n"), [line.rstrip("\n") for line in lines[start + 1:end]]
        wanted = required_type(marker, body)
        has_mark = SLIDESHOW.search(marker) is not None
        if wanted is None and not has_mark:
            code = "\n".join(body)
            wanted = "subslide" if PANEL_CALL.search(code) and '"panel"' in marker else "fragment"
        if wanted is None:
            continue
        marker = SLIDESHOW.sub("", marker) + " slideshow=" + json.dumps({"slide_type": wanted})
        lines[start] = marker + "\n"
    return "".join(lines)


def main(prefixes):
    for source in sorted(SOURCES.glob("[0-9][0-9]_*.py")):
        if prefixes and not source.name.startswith(tuple(prefixes)):
            continue
        text = source.read_text(encoding="utf-8")
        marked = mark(text)
        if marked != text:
            source.write_text(marked, encoding="utf-8")
            print(f"marked {source.name}")


if __name__ == "__main__":
    main(sys.argv[1:])
