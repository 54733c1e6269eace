"""The instructors' tables in ``docs/teaching.md``, measured from the stored notebooks.

Which chapter fits which lecture (reading time, run time, slides, panels) and where the
panels are. ``make execute`` rewrites them after storing fresh outputs, and
``tests/test_teaching.py`` checks that the guide says what the stored chapters hold, so a
new chapter or a slower cell cannot leave the guide behind.

    python tools/chapter_table.py           # rewrite the tables in docs/teaching.md
"""

import datetime
import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tools.guide_tables import replaced  # noqa: E402
from tools.export_html import (WIDGET_VIEW, chapter_title, chapters, is_live, is_panel,  # noqa: E402
                               reachable, widget_state)

GUIDE = ROOT / "docs" / "teaching.md"
#: Technical text with formulas, read aloud and explained: words a minute.
WORDS_PER_MINUTE = 130
#: A lecture spends about twice the reading time on the text and this long on each panel shown live.
MINUTES_PER_PANEL = 4
PANEL_CALL = re.compile(r"(\w+_panel)\(")


def cell_seconds(cell):
    """How long ``make execute`` took to run a code cell, from the timestamps it stored."""
    execution = cell.metadata.get("execution", {})
    start, end = execution.get("iopub.execute_input"), execution.get("shell.execute_reply")
    if not (start and end):
        return 0.0
    parse = datetime.datetime.fromisoformat
    return (parse(end.replace("Z", "+00:00")) - parse(start.replace("Z", "+00:00"))).total_seconds()


def slide_type(cell):
    return cell.metadata.get("slideshow", {}).get("slide_type")


def what_it_runs(cell):
    """A cell's first line of code, or "setup" for the setup cell."""
    code = cell.source
    if "notebook.setup(" in code:
        return "setup"
    lines = [line for line in code.splitlines() if line.strip()]
    line = lines[0].strip() if lines else ""
    return f"`{line[:45]}…`" if len(line) > 45 else f"`{line}`"


def panels(notebook):
    """The chapter's panels in order: (the call in its cell, kernel-free?, trains live?)."""
    state = widget_state(notebook)
    found = []
    for cell in notebook.cells:
        if "panel" not in cell.metadata.get("tags", []):
            continue
        call = next(line.split("  #")[0].strip() for line in cell.source.splitlines() if PANEL_CALL.search(line))
        views = [output["data"][WIDGET_VIEW]["model_id"] for output in cell.outputs
                 if WIDGET_VIEW in output.get("data", {})]
        view = next((v for v in views if is_panel(state, v)), None)
        live = view is not None and is_live(state, view)
        trains = view is not None and any(state[m]["state"].get("description") == "Pause"
                                          for m in reachable(state, [view]))
        found.append((call, live, trains))
    return found


def chapter_row(path):
    """One chapter's measured figures."""
    notebook = nbformat.read(path, as_version=4)
    cells = notebook.cells
    words = sum(len(cell.source.split()) for cell in cells if cell.cell_type == "markdown")
    code = [cell for cell in cells if cell.cell_type == "code"]
    longest = max(code, key=cell_seconds)
    types = [slide_type(cell) for cell in cells]
    shown = panels(notebook)
    reading = max(1, round(words / WORDS_PER_MINUTE))
    return {"title": chapter_title(notebook), "reading": reading, "run_all": sum(map(cell_seconds, code)),
            "longest": cell_seconds(longest), "longest_what": what_it_runs(longest),
            "slides": types.count("slide"), "subslides": types.count("subslide"),
            "steps": types.count("slide") + types.count("subslide") + types.count("fragment") - 1,
            "panels": shown, "lecture": 2 * reading + MINUTES_PER_PANEL * len(shown)}


def panel_name(call, live):
    name = PANEL_CALL.search(call).group(1).removesuffix("_panel").replace("_", " ")
    return f"**{name}**" if live else name


def lectures_table(rows):
    lines = ["| chapter | reading | run all | longest cell | slides + subslides | steps "
             "| panels (kernel-free ones in **bold**) | lecture (estimate) |",
             "|---|---:|---:|---|---|---:|---|---:|"]
    for row in rows:
        names = ", ".join(panel_name(call, live) for call, live, _ in row["panels"])
        lines.append(f"| {row['title']} | {row['reading']} min | {row['run_all']:.0f} s "
                     f"| {row['longest']:.0f} s ({row['longest_what']}) | {row['slides']} + {row['subslides']} "
                     f"| {row['steps']} | {names} | {row['lecture']} min |")
    return "\n".join(lines)


def panels_table(rows):
    lines = ["| chapter | panel cell (the code that shows it) | without a kernel |", "|---|---|---|"]
    for row in rows:
        for call, live, trains in row["panels"]:
            answer = "answers its controls" if live else "its stored figure; run its cell"
            lines.append(f"| {row['title'][:2]} | `{call}`{' (trains live)' if trains else ''} | {answer} |")
    return "\n".join(lines)


def tables(notebooks=None):
    """The two tables, by name, from the stored chapters."""
    rows = [chapter_row(path) for path in notebooks or chapters()]
    return {"lectures": lectures_table(rows), "panels": panels_table(rows)}


def with_tables(text, made):
    """``text`` with each marked table replaced by its fresh version."""
    return replaced(text, made, "tools/chapter_table.py", GUIDE.name)


def main():
    text = GUIDE.read_text(encoding="utf-8")
    fresh = with_tables(text, tables())
    if fresh != text:
        GUIDE.write_text(fresh, encoding="utf-8")
        print(f"rewrote the tables in {GUIDE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
