"""The instructors' tables in ``docs/teaching.md`` and ``docs/teaching.zh-CN.md``, measured from the stored notebooks.

Which chapter fits which lecture (reading time, run time, slides, panels) and where the
panels are. ``make execute`` rewrites them after storing fresh outputs, and
``tests/test_teaching.py`` checks that the guide says what the stored chapters hold, so a
new chapter or a slower cell cannot leave the guide behind. The Chinese guide's tables hold the
same figures, with Chinese words and the Chinese chapters' titles (``tools/guide_tables.py``).

    python tools/chapter_table.py           # rewrite the tables in both guides (and the sizing tables' titles)
"""

import datetime
import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tools.guide_tables import GUIDES, ZH_PANELS, replaced, rewrite, say, title  # noqa: E402
from tools.export_html import (WIDGET_VIEW, chapter_title, chapters, is_live, is_panel,  # noqa: E402
                               reachable, widget_state)

GUIDE, GUIDE_ZH = GUIDES["en"], GUIDES["zh"]
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


def chapter_row(path, notebook=None):
    """One chapter's measured figures (``notebook``: the chapter at ``path``, when it is read already)."""
    notebook = nbformat.read(path, as_version=4) if notebook is None else notebook
    cells = notebook.cells
    words = sum(len(cell.source.split()) for cell in cells if cell.cell_type == "markdown")
    code = [cell for cell in cells if cell.cell_type == "code"]
    longest = max(code, key=cell_seconds)
    types = [slide_type(cell) for cell in cells]
    shown = panels(notebook)
    reading = max(1, round(words / WORDS_PER_MINUTE))
    return {"stem": path.stem, "title": chapter_title(notebook), "reading": reading,
            "run_all": sum(map(cell_seconds, code)),
            "longest": cell_seconds(longest), "longest_what": what_it_runs(longest),
            "slides": types.count("slide"), "subslides": types.count("subslide"),
            "steps": types.count("slide") + types.count("subslide") + types.count("fragment") - 1,
            "panels": shown, "lecture": 2 * reading + MINUTES_PER_PANEL * len(shown)}


def panel_name(call, live, language="en"):
    name = PANEL_CALL.search(call).group(1).removesuffix("_panel").replace("_", " ")
    name = ZH_PANELS.get(name, name) if language == "zh" else name
    return f"**{name}**" if live else name


def header(words, language):
    return "| " + " | ".join(map(say(language), words)) + " |"


def lectures_table(rows, language="en"):
    t = say(language)
    lines = [header(["chapter", "reading", "run all", "longest cell", "slides + subslides", "steps",
                     "panels (kernel-free ones in **bold**)", "lecture (estimate)"], language),
             "|---|---:|---:|---|---|---:|---|---:|"]
    for row in rows:
        names = t(", ").join(panel_name(call, live, language) for call, live, _ in row["panels"])
        what = t("setup") if row["longest_what"] == "setup" else row["longest_what"]
        cells = [title(row["stem"], row["title"], language), t("{} min").format(row["reading"]),
                 t("{} s").format(f"{row['run_all']:.0f}"), t("{} s ({})").format(f"{row['longest']:.0f}", what),
                 f"{row['slides']} + {row['subslides']}", row["steps"], names, t("{} min").format(row["lecture"])]
        lines.append("| " + " | ".join(map(str, cells)) + " |")
    return "\n".join(lines)


def panels_table(rows, language="en"):
    t = say(language)
    lines = [header(["chapter", "panel cell (the code that shows it)", "without a kernel"], language), "|---|---|---|"]
    for row in rows:
        for call, live, trains in row["panels"]:
            answer = t("answers its controls" if live else "its stored figure; run its cell")
            lines.append(f"| {row['title'][:2]} | `{call}`{t(' (trains live)') if trains else ''} | {answer} |")
    return "\n".join(lines)


def tables(notebooks=None, language="en", rows=None):
    """The two tables, by name, from the stored chapters, in ``language`` ("en" or "zh": the same figures)."""
    rows = rows or [chapter_row(path) for path in notebooks or chapters()]
    return {"lectures": lectures_table(rows, language), "panels": panels_table(rows, language)}


def with_tables(text, made, guide=GUIDE):
    """``text`` (of ``guide``) with each marked table replaced by its fresh version."""
    return replaced(text, made, "tools/chapter_table.py", guide.name)


def main():
    rows = [chapter_row(path) for path in chapters()]
    rewrite("tools/chapter_table.py", lambda language: tables(language=language, rows=rows))
    # the Chinese sizing tables name the chapters by the Chinese notebooks' titles too: rewritten from the saved
    # measurements (nothing is measured), so that a chapter executed anew cannot leave them behind
    from tools import sizing
    if sizing.saved():
        rewrite("tools/sizing.py", lambda language: sizing.tables(language=language), "sizing tables")
    return 0


if __name__ == "__main__":
    sys.exit(main())
