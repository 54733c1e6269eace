"""Homework graded by real nbgrader, with the course's own checks: chapter 05 released, submitted three ways, autograded.

``tools/homework.py`` turns the chapter into nbgrader's source version; nbgrader (in its own
environment, build/grading-venv: ``make homework``) releases it without the solutions; three
students hand it in: one with the chapter's solutions, one partly right (two exercises solved,
one wrong, one untouched), one with lazy answers that the checks refuse
(``tests/lazy_answers/losses.py``); ``nbgrader autograde`` runs each in the course's kernel,
and the gradebook must hold 4, 2 and 0 points, the check cells printing exactly what the
checks print in the chapter. It runs chapter 05 three times (a minute or two), so it runs in
``make test-classroom`` (``COURSE_CLASSROOM=1``).
"""

import contextlib
import io
import json
import os
import subprocess

import nbformat
import numpy as np
import pytest

from tests.helpers import ROOT
from tools import homework

needs_classroom = pytest.mark.skipif(os.environ.get("COURSE_CLASSROOM") != "1",
                                     reason="runs nbgrader on chapter 05 three times: make test-classroom")
CHAPTERS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))

GRADING_BIN = ROOT / "build" / "grading-venv" / "bin"
CHAPTER = "05"
ASSIGNMENT = "ch05"
NOTEBOOK = "05_losses.ipynb"
#: What each student writes in the answer cells (exercise number -> code); missing: left as released.
PARTLY = {1: "answer = -np.sum(np.array([0.1, 0.8, 0.1]) * np.log([0.2, 0.7, 0.1]))",
          # the sign flipped: one of the mistakes the check names
          2: "z = np.array([2.0, 1.0, 0.1])\nanswer = np.array([1.0, 0.0, 0.0]) - np.exp(z) / np.sum(np.exp(z))",
          3: "cost, profit = 4, 1"}
#: Lazy answers of tests/lazy_answers/losses.py, as a student would type them.
LAZY = {1: "answer = -np.log(0.7)",  # the one-hot label's CE printed in section 2
        2: "answer = 0.417",  # the loss of these logits printed in section 4, not the gradient
        3: "cost, profit = 1, 99",  # the source's prices
        4: "cross_entropy = keras.losses.categorical_crossentropy"}
EXPECTED_POINTS = {"correct": {1, 2, 3, 4}, "partly": {1, 3}, "lazy": set()}


def nbgrader(course, *arguments):
    environment = {**os.environ, "PATH": f"{GRADING_BIN}{os.pathsep}{os.environ['PATH']}",
                   "JUPYTER_PATH": str(course / "jupyter")}
    done = subprocess.run([str(GRADING_BIN / "nbgrader"), *arguments], cwd=course, env=environment,
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, f"nbgrader {' '.join(arguments)} failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}"
    return done


def answer_cells(notebook):
    """Exercise number -> its answer cell."""
    return {int(cell.metadata.nbgrader["grade_id"].split("-")[1]): cell for cell in notebook.cells
            if cell.metadata.get("nbgrader", {}).get("solution")}


def chapter_solutions():
    """Exercise number -> the chapter's own solution code, before its check call."""
    chapter = nbformat.read(ROOT / "notebooks" / NOTEBOOK, as_version=4)
    return {number: homework.split_solution(chapter.cells[solution].source)[0]
            for number, (_, solution) in enumerate(homework.exercises(chapter), start=1)}


def gradebook_scores(course):
    """Student -> {exercise number: points}, read from nbgrader's gradebook with nbgrader's own API."""
    script = f"""
import json
from nbgrader.api import Gradebook
with Gradebook("sqlite:///{course / 'gradebook.db'}") as gradebook:
    scores = {{}}
    for student in gradebook.students:
        submission = gradebook.find_submission_notebook({NOTEBOOK[:-6]!r}, {ASSIGNMENT!r}, student.id)
        scores[student.id] = {{grade.name: grade.score for grade in submission.grades}}
print(json.dumps(scores))
"""
    done = subprocess.run([str(GRADING_BIN / "python"), "-c", script], capture_output=True, text=True, check=True)
    return {student: {int(name.split("-")[1]): points for name, points in grades.items()}
            for student, grades in json.loads(done.stdout).items()}


def printed_by_check(check, code):
    """What the chapter's check prints for the answer ``code`` defines, run here in-process."""
    from course_lib.exercises import losses as exercises  # noqa: F401 - the names the answers use
    import keras  # noqa: F401
    names = {"np": np, "keras": keras, "exercises": exercises}
    exec(code, names)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        eval(check, names)
    return printed.getvalue()


@pytest.mark.parametrize("path", CHAPTERS, ids=[path.stem for path in CHAPTERS])
def test_every_chapter_can_be_given_as_homework(path):
    chapter = nbformat.read(path, as_version=4)
    source = homework.source_notebook(chapter)
    pairs = homework.exercises(chapter)
    answers = [cell for cell in source.cells if cell.metadata.get("nbgrader", {}).get("solution")]
    tests = [cell for cell in source.cells if cell.metadata.get("nbgrader", {}).get("grade")]
    assert len(answers) == len(tests) == len(pairs)
    for (stub, solution), answer, test in zip(pairs, answers, tests):
        before, markers, _ = answer.source.partition(homework.BEGIN)
        assert markers and answer.source.endswith(homework.END)
        assert "..." in before and not any(homework.CHECK_CALL.match(line) for line in before.splitlines())
        check = homework.split_solution(chapter.cells[solution].source)[1]
        assert test.source.startswith(f"verdict = {check}\nassert verdict")
        assert test.metadata.nbgrader["points"] == 1 and test.metadata.nbgrader["locked"]
    # no hidden solution cell is left outside the answer cells
    assert not [cell for cell in source.cells if homework.is_solution(cell)]


def test_a_chapter_without_exercises_is_refused():
    with pytest.raises(ValueError, match="no exercise"):
        homework.exercises(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")]))


@needs_classroom
def test_nbgrader_releases_without_solutions_and_grades_with_the_courses_checks(tmp_path):
    if not (GRADING_BIN / "nbgrader").exists():
        pytest.fail("nbgrader is not installed: make homework")
    course = tmp_path / "course"
    homework.write_course(course, CHAPTER)
    nbgrader(course, "generate_assignment", ASSIGNMENT)
    released = nbformat.read(course / "release" / ASSIGNMENT / NOTEBOOK, as_version=4)

    # the released answer cells are the chapter's stubs, and no line of a solution is left
    chapter = nbformat.read(ROOT / "notebooks" / NOTEBOOK, as_version=4)
    answers = answer_cells(released)
    solutions = chapter_solutions()
    assert sorted(answers) == sorted(solutions) == [1, 2, 3, 4]
    stub_lines = set()
    for number, (stub, _) in enumerate(homework.exercises(chapter), start=1):
        lines = [line for line in chapter.cells[stub].source.splitlines() if "exercises.check_" not in line]
        assert answers[number].source.strip() == "\n".join(lines).strip()
        stub_lines |= {line.strip() for line in lines}
    text = nbformat.writes(released)
    for solution in solutions.values():
        for line in solution.splitlines():
            if line.strip() and not line.lstrip().startswith("#") and line.strip() not in stub_lines:
                assert line.strip() not in text, f"the released assignment shows the solution line {line!r}"

    # three students hand it in
    submissions = {"correct": solutions, "partly": PARTLY, "lazy": LAZY}
    for student, code in submissions.items():
        handed_in = nbformat.read(course / "release" / ASSIGNMENT / NOTEBOOK, as_version=4)
        for number, cell in answer_cells(handed_in).items():
            if number in code:
                cell.source = code[number]
        folder = course / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        nbformat.write(handed_in, folder / NOTEBOOK)
    nbgrader(course, "autograde", ASSIGNMENT)

    scores = gradebook_scores(course)
    for student, solved in EXPECTED_POINTS.items():
        assert scores[student] == {number: float(number in solved) for number in (1, 2, 3, 4)}, student

    # the check cells print what the chapter's checks print: ✓ for a solution, the same ✗ and hint otherwise
    def check_output(student, number):
        graded = nbformat.read(course / "autograded" / student / ASSIGNMENT / NOTEBOOK, as_version=4)
        cell = next(cell for cell in graded.cells if cell.metadata.get("nbgrader", {}).get("grade_id") == f"exercise-{number}")
        return "".join(output.get("text", "") for output in cell.outputs if output["output_type"] == "stream"), cell

    for number in (1, 2, 3):
        printed, _ = check_output("correct", number)
        assert printed.startswith("✓ "), printed
    for student, code in (("partly", PARTLY), ("lazy", LAZY)):
        for number in sorted(code):
            printed, cell = check_output(student, number)
            check = cell.source.splitlines()[0].removeprefix("verdict = ")
            if number == 4:
                assert printed.startswith("✗ "), printed  # the function check trains: compared by its verdict only
                continue
            assert printed == printed_by_check(check, code[number]), (student, number)
            assert printed.startswith("✓ " if number in EXPECTED_POINTS[student] else "✗ "), printed
    printed, _ = check_output("partly", 4)
    assert printed.startswith("○ "), printed  # untouched: "not attempted yet" and the hint, as in the chapter
