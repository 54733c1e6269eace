"""The instructors' guide (docs/teaching.md) says what the stored chapters hold."""

import nbformat
import pytest

from tests.helpers import ROOT
from tools import chapter_table


def test_the_guide_tables_match_the_stored_chapters():
    text = chapter_table.GUIDE.read_text(encoding="utf-8")
    assert chapter_table.with_tables(text, chapter_table.tables()) == text, \
        "docs/teaching.md is out of date: run python tools/chapter_table.py"


def test_every_chapter_and_every_panel_is_in_the_guide():
    text = chapter_table.GUIDE.read_text(encoding="utf-8")
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        assert notebook.cells[0].source.splitlines()[0].lstrip("# ") in text
        for call, _, _ in chapter_table.panels(notebook):
            assert f"`{call}`" in text


def test_a_slower_cell_makes_the_guide_out_of_date(tmp_path):
    stored = ROOT / "notebooks" / "00_welcome.ipynb"
    notebook = nbformat.read(stored, as_version=4)
    setup = next(cell for cell in notebook.cells if cell.cell_type == "code" and "notebook.setup(" in cell.source)
    setup.metadata.execution["shell.execute_reply"] = "2099-01-01T00:00:00.000000Z"
    slower = tmp_path / stored.name
    nbformat.write(notebook, slower)
    row = chapter_table.chapter_row(slower)
    assert row["longest_what"] == "setup" and row["longest"] > 10**8
    text = chapter_table.GUIDE.read_text(encoding="utf-8")
    assert chapter_table.with_tables(text, chapter_table.tables([slower])) != text


def test_a_guide_without_the_markers_is_refused():
    with pytest.raises(ValueError, match="lectures table"):
        chapter_table.with_tables("# Teaching\n", chapter_table.tables())
