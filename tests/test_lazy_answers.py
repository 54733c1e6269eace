"""Every exercise refuses the answers of a student who skips the work, with a message that helps.

Two attacks: the lazy answers written for each check (``tests/lazy_answers/<topic>.py``), and
every number (and printed row of numbers) a student can see in the chapter (its prose, code
and outputs, the hidden solutions left out), submitted to each check of the chapter that takes
a value.
"""

import contextlib
import importlib
import io
import re

import nbformat
import numpy as np
import pytest

from tests.helpers import ROOT

TOPICS = sorted(path.stem for path in (ROOT / "course_lib" / "exercises").glob("[a-z]*.py"))
CHAPTERS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def public_checks(topic):
    module = importlib.import_module(f"course_lib.exercises.{topic}")
    return module, sorted(name for name in vars(module) if name.startswith("check_") and callable(getattr(module, name)))


def lazy_answers(topic):
    try:
        return importlib.import_module(f"tests.lazy_answers.{topic}").LAZY
    except ModuleNotFoundError:
        return {}


def run(submit):
    """The verdict ``submit()`` returns and what it printed."""
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        verdict = submit()
    return verdict, printed.getvalue()


@pytest.mark.parametrize("topic", TOPICS)
def test_every_check_has_lazy_answers(topic):
    _, names = public_checks(topic)
    lazy = lazy_answers(topic)
    missing = [name for name in names if not lazy.get(name)]
    assert not missing, f"tests/lazy_answers/{topic}.py has no lazy answer for {missing}"
    stray = sorted(set(lazy) - set(names))
    assert not stray, f"tests/lazy_answers/{topic}.py names checks that do not exist: {stray}"


CASES = [(topic, name, why, submit) for topic in TOPICS for name, answers in sorted(lazy_answers(topic).items())
         for why, submit in answers]


@pytest.mark.parametrize("topic, name, why, submit", CASES,
                         ids=[f"{topic}.{name}: {why}" for topic, name, why, _ in CASES])
def test_a_lazy_answer_fails_with_a_reason(topic, name, why, submit):
    verdict, printed = run(submit)
    assert not verdict, f"{topic}.{name} accepted a lazy answer ({why}): {printed}"
    assert "✗" in printed and "Traceback" not in printed, f"{topic}.{name}: no ✗ line for {why}: {printed!r}"


def exercise_topic(notebook):
    """The exercises module a chapter imports (``from course_lib.exercises import losses as exercises``)."""
    setup = next(cell.source for cell in notebook.cells if cell.cell_type == "code")
    found = re.search(r"from course_lib\.exercises import (\w+) as exercises", setup)
    return found.group(1) if found else None


#: What differs from run to run (durations, speeds, addresses): the texts nbval's sanitizer replaces.
#: A duration that happens to equal an answer (chapter 07's 0.86 s, its β) gives nothing away.
RUN_DEPENDENT = re.compile("|".join(line.split(":", 1)[1].strip() for line in (
    ROOT / "tests" / "nbval_sanitize.cfg").read_text(encoding="utf-8").splitlines() if line.startswith("regex:")))
NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")
ROW = re.compile(r"\[\s*-?\d[^\[\]]*\]")


def visible_answers(notebook):
    """Every number and every bracketed row of numbers a student sees in the chapter (solutions hidden)."""
    texts = []
    for cell in notebook.cells:
        if cell.metadata.get("jupyter", {}).get("source_hidden"):
            continue
        texts.append(cell.source)
        for output in cell.get("outputs", []):
            texts.append(str(output.get("text", "")) + str(output.get("data", {}).get("text/plain", "")))
    text = RUN_DEPENDENT.sub(" ", "\n".join(texts))
    numbers = {float(found) for found in NUMBER.findall(text)}
    rows = set()
    for found in ROW.findall(text):
        values = NUMBER.findall(found)
        if len(values) > 1:
            rows.add(tuple(float(value) for value in values))
    return sorted(numbers) + [np.array(row) for row in sorted(rows)]


def takes_a_value(check):
    """Whether ``check`` takes one value (not a function, not several values)."""
    verdict, printed = run(lambda: check(0.123456789))
    return "give the function itself" not in printed


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[chapter.stem for chapter in CHAPTERS])
def test_no_answer_visible_in_the_chapter_passes_its_checks(chapter):
    notebook = nbformat.read(chapter, as_version=4)
    topic = exercise_topic(notebook)
    assert topic, f"{chapter.stem} imports no exercises module"
    module, names = public_checks(topic)
    answers = visible_answers(notebook)
    passed = []
    for name in names:
        check = getattr(module, name)
        try:
            if not takes_a_value(check):
                continue
        except TypeError:  # a check of several values
            continue
        for answer in answers:
            verdict, _ = run(lambda: check(answer))
            if verdict:
                passed.append(f"{name}({answer!r})")
    assert not passed, f"{chapter.stem}: answers the student can copy from the page pass: {passed[:10]}"


def test_a_number_on_the_page_is_an_answer_a_duration_is_not():
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("The smallest β is 0.86."),
        nbformat.v4.new_code_cell("run()", outputs=[nbformat.v4.new_output("stream", text="RMSProp | 0.91 s | 4.28 ms\n")]),
        nbformat.v4.new_code_cell("solution()", metadata={"jupyter": {"source_hidden": True}},
                                  outputs=[nbformat.v4.new_output("stream", text="0.5\n")]),
    ])
    answers = visible_answers(notebook)
    assert 0.86 in answers and 0.91 not in answers and 4.28 not in answers and 0.5 not in answers
