"""Every chapter is built from its source, executed cleanly, and follows the chapter template.

nbval checks that re-running a chapter gives the stored outputs; these tests check what
nbval cannot: that the stored notebook is the current source, executed in order without
an error, and that it has what every chapter must have.
"""

import re

import jupytext
import nbformat
import pytest

from tests.helpers import ROOT

SOURCES = sorted((ROOT / "notebooks" / "src").glob("[0-9][0-9]_*.py"))


def chapter_ids():
    return [source.stem for source in SOURCES]


@pytest.fixture(params=SOURCES, ids=chapter_ids())
def chapter(request):
    source = request.param
    stored = ROOT / "notebooks" / f"{source.stem}.ipynb"
    assert stored.exists(), f"{stored.name} is missing: run `make execute CHAPTERS={source.stem[:2]}`"
    return jupytext.read(source), nbformat.read(stored, as_version=4)


def code_cells(notebook):
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


def tags(cell):
    return cell.metadata.get("tags", [])


def test_stored_notebook_is_the_current_source(chapter):
    source, stored = chapter
    assert ([(c.cell_type, c.source, tags(c)) for c in source.cells]
            == [(c.cell_type, c.source, tags(c)) for c in stored.cells]), \
        "the .ipynb is out of date with notebooks/src: run `make execute`"


PANEL_CALL = re.compile(r"\b\w+_panel\(")


def test_every_panel_cell_is_tagged_panel(chapter):
    """The browser tests, slides and site find a chapter's panels by the tag (see docs/CONTRIBUTING.md)."""
    source, _ = chapter
    untagged = [c.source for c in code_cells(source) if PANEL_CALL.search(c.source) and "panel" not in tags(c)]
    stray = [c.source for c in code_cells(source) if "panel" in tags(c) and not PANEL_CALL.search(c.source)]
    assert not untagged, f"tag these panel cells: `# %% tags=[\"panel\"]`: {untagged}"
    assert not stray, f"these cells are tagged panel but call no panel factory: {stray}"


def test_every_cell_ran_in_order_without_error(chapter):
    _, stored = chapter
    counts = [cell.execution_count for cell in code_cells(stored)]
    assert None not in counts and counts == sorted(counts)
    errors = [o for cell in code_cells(stored) for o in cell.outputs if o.output_type == "error"]
    assert not errors, errors[0].get("evalue") if errors else ""


def assert_setup_comes_first(first_cell):
    """Nothing but ``course_lib.notebook`` is imported before ``notebook.setup()``.

    ``setup()`` quiets TensorFlow's C++ log only if it runs before TensorFlow is imported,
    by the chapter or by a ``course_lib`` module that imports it.
    """
    before = first_cell.split("notebook.setup()")[0]
    imports = [line for line in before.splitlines() if re.match(r"\s*(import|from)\s", line)]
    assert imports == ["from course_lib import notebook"], \
        f"the first cell imports {imports} before notebook.setup(); import only course_lib.notebook first"


#: Sentences about how the stored notebook was built or run, which a student's run does not share.
BUILD_PHRASES = ("course machine", "course's machines", "notebook was built", "chapter was built",
                 "our shared", "executed on", "in our runs")


def test_prose_says_nothing_about_how_the_notebook_was_built(chapter):
    source, _ = chapter
    prose = "\n".join(c.source for c in source.cells if c.cell_type == "markdown").lower()
    found = [phrase for phrase in BUILD_PHRASES if phrase in prose]
    assert not found, f"student prose talks about the build: {found}"


def test_links_to_chapters_point_to_existing_notebooks(chapter):
    source, _ = chapter
    prose = "\n".join(c.source for c in source.cells if c.cell_type == "markdown")
    for target in re.findall(r"\]\(([0-9][0-9]_[^)#]*\.ipynb)", prose):
        assert (ROOT / "notebooks" / "src" / target.replace(".ipynb", ".py")).exists(), target


def test_readme_lists_every_chapter():
    """README's chapter table is the one listing written by hand: a new chapter must add its row."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| (\d\d) \| \[[^]]+\]\(notebooks/(\d\d_\w+)\.ipynb\)", readme, re.MULTILINE))
    missing = [source.stem for source in SOURCES if (source.stem[:2], source.stem) not in listed]
    assert not missing, f"README.md's chapter table has no row for {missing}: add one (see docs/CONTRIBUTING.md)"


def test_setup_order_is_enforced():
    assert_setup_comes_first("from course_lib import notebook\n\nnotebook.setup()\nimport keras\n")
    with pytest.raises(AssertionError, match="import keras"):
        assert_setup_comes_first("import keras\nfrom course_lib import notebook\nnotebook.setup()\n")


def test_chapter_follows_the_template(chapter):
    source, _ = chapter
    title = source.cells[0].source.splitlines()[0]
    assert title.startswith("# ") and re.search(r"[\u4e00-\u9fff]", title), "H1 title with its Chinese name"
    assert "notebook.setup()" in code_cells(source)[0].source
    assert_setup_comes_first(code_cells(source)[0].source)
    text = "\n".join(cell.source for cell in source.cells)
    assert "_panel(" in text, "an interactive panel"
    starters = [c for c in code_cells(source) if re.search(r"= \.\.\.(, \.\.\.)*\s+# your", c.source)]
    solutions = [c for c in code_cells(source) if c.metadata.get("jupyter", {}).get("source_hidden")]
    assert len(starters) >= 2 and len(solutions) >= len(starters), "two exercises with hidden solutions"
    assert all(c.metadata["jupyter"].get("outputs_hidden") for c in solutions), \
        "a solution's output shows its answer: hide it too (outputs_hidden)"
    assert any(cell.source.startswith("## Summary") for cell in source.cells if cell.cell_type == "markdown")


#: A measured-looking number in prose: two or more decimals, thousands in groups, or a percentage.
PROSE_NUMBER = re.compile(r"(?<![\w.])(\d+\.\d{2,}|\d{1,3}(?:[ ,]\d{3})+|\d+(?:\.\d+)?\s?%)(?![\w.])")
SEEDS = ROOT.parent / "shared" / "seeds"
#: Numbers the prose may give without an output, each with the reason.
PROSE_NUMBERS_NOT_MEASURED = {("03_learning_rate", "0.75"): "a slider value the reader is asked to try"}


def _spellings(number):
    """The ways an output or the source may print a prose number: '244 522' is also 244522 and 244,522."""
    plain = number.replace(" ", "").replace(",", "").rstrip("%").strip()
    return {number, plain, f"{int(plain):,}" if plain.isdigit() else plain, f"{int(plain):_}" if plain.isdigit() else plain}


def _rounds_to(number, text):
    """Whether ``text`` holds a number that rounds to ``number`` (the source prints 16.709985…, prose 16.71)."""
    decimals = len(number.split(".")[1]) if "." in number else 0
    return any(f"{float(found):.{decimals}f}" == number for found in re.findall(r"\d+\.\d+", text))


def test_every_measured_number_in_the_prose_is_an_output_or_the_sources():
    """A figure the prose quotes is printed by the chapter (so nbval keeps it true) or is the source's.

    Formulas ($…$) are left out; code and outputs both count, since a number set in code
    (a learning rate) and a number printed (an accuracy) are both on the page.
    """
    if not SEEDS.is_dir():
        pytest.skip(f"the source texts are not at {SEEDS}")
    seeds = "\n".join(path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt")))
    stray = []
    for source in SOURCES:
        stored = nbformat.read(ROOT / "notebooks" / f"{source.stem}.ipynb", as_version=4)
        page = "\n".join(cell.source for cell in code_cells(stored)) + "\n".join(
            str(output.get("text", "")) + str(output.get("data", {}).get("text/plain", "")) +
            str(output.get("data", {}).get("text/html", ""))
            for cell in code_cells(stored) for output in cell.outputs)
        for cell in stored.cells:
            if cell.cell_type != "markdown":
                continue
            prose = re.sub(r"\$\$.*?\$\$|\$[^$\n]*\$", "", cell.source, flags=re.S)
            for number in PROSE_NUMBER.findall(prose):
                spellings = _spellings(number)
                if (any(s in page or s in seeds for s in spellings) or _rounds_to(number, seeds)
                        or (source.stem, number) in PROSE_NUMBERS_NOT_MEASURED):
                    continue
                stray.append(f"{source.stem}: {number!r}")
    assert not stray, ("numbers in the prose that no output prints and the source does not have; print them "
                       "through a check or say where they come from: " + ", ".join(stray))
