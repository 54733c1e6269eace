"""Every chapter is built from its source, executed cleanly, and follows the chapter template.

nbval checks that re-running a chapter gives the stored outputs; these tests check what
nbval cannot: that the stored notebook is the current source, executed in order without
an error, and that it has what every chapter must have.
"""

import re

import jupytext
import nbformat
import pytest

from tests import prose_numbers
from tests.helpers import ROOT
from tools.chapter_table import cell_seconds

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


TEST_MARKER = re.compile(r"#\s*NBVAL_\w+")


def test_no_test_marker_in_the_code_a_student_reads(chapter):
    """nbval reads its markers from cell tags (``nbval-ignore-output``); a ``# NBVAL_...`` comment is
    printed in the code a student reads and on the slides."""
    source, _ = chapter
    marked = [c.source.splitlines()[0] for c in code_cells(source) if TEST_MARKER.search(c.source)]
    assert not marked, f"move these test markers into the cell's tags (# %% tags=[\"nbval-ignore-output\"]): {marked}"


def test_every_cell_ran_in_order_without_error(chapter):
    _, stored = chapter
    counts = [cell.execution_count for cell in code_cells(stored)]
    assert None not in counts and counts == sorted(counts)
    errors = [o for cell in code_cells(stored) for o in cell.outputs if o.output_type == "error"]
    assert not errors, errors[0].get("evalue") if errors else ""


#: A cell that ran longer than this when ``make execute`` stored it (on an idle machine) must show
#: progress while it runs (issue #29): a student who sees nothing for that long thinks it hangs.
LONG_CELL_SECONDS = 10

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def shows_progress(cell):
    """Whether the cell shows something before it ends: a widget (a progress bar, a panel) or its
    printed lines in several messages, which the kernel sends as they are printed."""
    streams = [output for output in cell.outputs if output.output_type == "stream"]
    return any(WIDGET_VIEW in output.get("data", {}) for output in cell.outputs) or len(streams) >= 2


def long_cells_without_progress(notebook):
    """(seconds, first line) of every cell but the setup cell that ran long and showed nothing on the way."""
    return [(round(cell_seconds(cell)), cell.source.splitlines()[0]) for cell in code_cells(notebook)[1:]
            if cell_seconds(cell) > LONG_CELL_SECONDS and not shows_progress(cell)]


def test_every_long_cell_shows_progress_while_it_runs(chapter):
    _, stored = chapter
    silent = long_cells_without_progress(stored)
    assert not silent, (f"these cells ran over {LONG_CELL_SECONDS} s without showing anything before they ended "
                        f"(give them a progress bar, or print as they go): {silent}")


def test_the_progress_check_catches_a_silent_long_cell():
    cell = nbformat.v4.new_code_cell("model.fit(x, y, epochs=500, verbose=0)\nprint('done')")
    cell.metadata["execution"] = {"iopub.execute_input": "2026-01-01T00:00:00Z",
                                  "shell.execute_reply": "2026-01-01T00:00:30Z"}
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="done\n")]
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("setup()"), cell])
    assert long_cells_without_progress(notebook) == [(30, "model.fit(x, y, epochs=500, verbose=0)")]
    cell.outputs.insert(0, nbformat.v4.new_output("display_data", data={WIDGET_VIEW: {"model_id": "a"},
                                                                          "text/plain": "0/500"}))
    assert long_cells_without_progress(notebook) == []


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


#: A path of the machine that executed a chapter: its home, the repository, the virtual environment.
MACHINE_PATH = re.compile(r"(?:/(?:home|root|Users|work|tmp|opt)/\S*|[A-Za-z]:\\\\?\S*|\S*site-packages\S*)")


def machine_paths(notebook, root=ROOT):
    """The outputs of ``notebook`` that print a path of the machine that executed it."""
    found = []
    for number, cell in enumerate(code_cells(notebook), start=1):
        for output in cell.outputs:
            text = str(output.get("text", "")) + str(output.get("evalue", "")) + str(output.get("traceback", "")) + \
                "".join(str(output.get("data", {}).get(kind, "")) for kind in ("text/plain", "text/html"))
            text = text.replace(str(root), "/<repository>")
            for path in MACHINE_PATH.findall(text) + (["/<repository>"] if "/<repository>" in text else []):
                found.append(f"code cell {number}: {path[:80]}")
    return found


def test_no_stored_output_holds_a_path_of_the_machine(chapter):
    """A stored output shows every reader the executing machine's folders (and differs on theirs)."""
    _, stored = chapter
    found = machine_paths(stored)
    assert not found, f"outputs that print a path of the machine that executed the chapter: {found}"


def test_the_path_check_catches_a_planted_warning():
    cell = nbformat.v4.new_code_cell("model.fit(...)", outputs=[nbformat.v4.new_output(
        "stream", name="stderr", text=f"{ROOT}/.venv/lib/python3.11/site-packages/keras/src/nn.py:1402: UserWarning")])
    notebook = nbformat.v4.new_notebook(cells=[cell])
    assert machine_paths(notebook) and "site-packages" in machine_paths(notebook)[0]
    cell.outputs[0].text = "UserWarning: `categorical_crossentropy` received `from_logits=True`"
    assert machine_paths(notebook) == []


SEEDS = ROOT.parent / "shared" / "seeds"


@pytest.mark.parametrize("source", SOURCES, ids=chapter_ids())
def test_every_number_in_the_prose_is_bound_to_its_output_or_declared(source):
    """A figure the prose states is printed beside it (so nbval keeps it true) or declared with its origin.

    See ``tests/prose_numbers.py`` for what counts as a number and how a declaration in
    ``notebooks/src/NN_topic.numbers.yml`` is checked.
    """
    name = source.stem
    stored = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
    declarations = prose_numbers.read_declarations(ROOT / "notebooks" / "src" / f"{name}.numbers.yml")
    wrong = [problem for number, declaration in declarations.items()
             for problem in [prose_numbers.declaration_problem(number, declaration, ROOT, SEEDS)] if problem]
    assert not wrong, f"{name}.numbers.yml: " + "; ".join(wrong)
    stray = prose_numbers.unbound_numbers(stored, declarations)
    assert not stray, (f"numbers in {name}'s prose that no output of their section prints: print the figure the "
                       f"sentence discusses, or declare where it comes from in {name}.numbers.yml: " + "; ".join(stray))


def test_the_number_check_catches_a_planted_wrong_number():
    """The check fails on a threshold that another section prints, and on an unprinted word magnitude."""
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("## 1. Training"),
        nbformat.v4.new_code_cell("print(f'accuracy {0.8512:.2f}')", outputs=[
            nbformat.v4.new_output("stream", name="stdout", text="accuracy 0.85\n")]),
        nbformat.v4.new_markdown_cell("## 2. The check"),
        nbformat.v4.new_code_cell("checks.milestone('accuracy', acc, at_least=0.8)"),
        nbformat.v4.new_markdown_cell("The check needs a test accuracy of 0.85, which takes tens of milliseconds."),
    ])
    stray = prose_numbers.unbound_numbers(notebook, {})
    assert stray == ["## 2. The check: '0.85'", "## 2. The check: 'tens of milliseconds' (a magnitude in words)"]
    notebook.cells[-1].source = "The check needs a test accuracy of 0.8, which takes tens of milliseconds."
    assert prose_numbers.unbound_numbers(notebook, {"tens of milliseconds": "given: planted"}) == []
    assert prose_numbers.declaration_problem("0.511", "formula: -log(0.6)", ROOT, SEEDS) is None
    assert "gives 0.51" in prose_numbers.declaration_problem("0.512", "formula: -log(0.6)", ROOT, SEEDS)
    assert "declare it as" in prose_numbers.declaration_problem("4", "because", ROOT, SEEDS)
