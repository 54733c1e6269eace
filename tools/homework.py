"""A chapter's exercises as an nbgrader assignment: released without solutions, graded by the course's own checks.

Each exercise of a chapter is a stub cell (``answer = ...  # your code here`` and the call of
its check) followed by its hidden solution cell (``# Solution...``, the same check call at
the end). For nbgrader that pair becomes two cells:

- the **answer** cell (nbgrader "autograded answer"): the stub as the student knows it, then
  the solution between ``### BEGIN SOLUTION`` and ``### END SOLUTION``. nbgrader's
  ``generate_assignment`` removes that region (the code stub is empty: ``nbgrader_config.py``
  below), so the released cell is exactly the chapter's stub;
- the **check** cell (nbgrader "autograder tests", read-only, one point): the chapter's own
  check call, whose verdict must be true. It prints the same ✓, ✗ or hint as in the chapter
  (no second implementation), and a lazy answer the check refuses scores nothing.

Whatever the solution cell runs after its check (a printout using the student's function) stays
in a plain cell after the check. Every other cell of the chapter is kept as it is, so an
exercise that uses what an earlier section built finds it.

    python tools/homework.py COURSE_DIR 05        # COURSE_DIR/source/ch05/05_losses.ipynb, nbgrader_config.py

then, with nbgrader (``make homework`` installs it in build/grading-venv): ``nbgrader
generate_assignment ch05``, hand out ``release/ch05``, collect into ``submitted/STUDENT/ch05``,
``nbgrader autograde ch05``, ``nbgrader export`` (docs/teaching.md, "Homework").
"""

import argparse
import copy
import json
import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tools.export_html import chapters  # noqa: E402

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
CHECK_CALL = re.compile(r"^(\w+\.check_\w+)\(")  # exercises.check_..., or a second exercises module
#: The kernel that grades: the course's own environment (TensorFlow and course_lib), whatever
#: environment nbgrader itself runs in.
KERNEL_NAME = "python3"

NBGRADER_CONFIG = '''\
# nbgrader's settings for the course (written by tools/homework.py).
c = get_config()  # noqa: F821 - nbgrader's config loader defines it
c.CourseDirectory.root = {root!r}
# The released answer cell is the chapter's own stub: the solution region leaves nothing behind.
c.ClearSolutions.code_stub = {{"python": ""}}
# A chapter's training cells take up to a few minutes on a small machine.
c.Execute.timeout = 1800
'''


def is_solution(cell):
    return cell.cell_type == "code" and cell.source.startswith("# Solution")


def exercises(notebook):
    """(stub index, solution index) of every exercise, in order; a solution without its stub raises."""
    found = []
    for index, cell in enumerate(notebook.cells):
        if not is_solution(cell):
            continue
        stub = notebook.cells[index - 1] if index else None
        if stub is None or stub.cell_type != "code" or "..." not in stub.source:
            raise ValueError(f"cell {index} is a solution without its stub cell (with ...) right before it")
        found.append((index - 1, index))
    if not found:
        raise ValueError("the chapter has no exercise (no code cell starting with '# Solution')")
    return found


def split_solution(source):
    """The solution's lines before its check call, the check call, and what follows it."""
    lines = source.rstrip().splitlines()
    checks = [number for number, line in enumerate(lines) if CHECK_CALL.match(line)]
    if not checks:
        raise ValueError(f"the solution calls no check (MODULE.check_...): {lines[0]!r}")
    at = checks[0]
    return "\n".join(lines[:at]).rstrip(), lines[at], "\n".join(lines[at + 1:]).strip()


def nbgrader_metadata(grade_id, *, solution, grade, points=None):
    metadata = {"grade": grade, "grade_id": grade_id, "locked": grade, "schema_version": 3,
                "solution": solution, "task": False}
    if points is not None:
        metadata["points"] = points
    return metadata


def source_notebook(notebook):
    """The chapter as nbgrader's source version: each exercise an answer cell and a one-point check cell."""
    notebook = copy.deepcopy(notebook)
    pairs = exercises(notebook)
    cells = []
    previous = 0
    for number, (stub_index, solution_index) in enumerate(pairs, start=1):
        cells += notebook.cells[previous:stub_index]
        stub, solution = notebook.cells[stub_index], notebook.cells[solution_index]
        solved, check, after = split_solution(solution.source)
        name = CHECK_CALL.match(check).group(1)
        kept = [line for line in stub.source.rstrip().splitlines() if not CHECK_CALL.match(line)]
        answer = nbformat.v4.new_code_cell("\n".join(kept).rstrip() + f"\n{BEGIN}\n{solved}\n{END}",
                                           metadata={**stub.metadata})
        answer.metadata["nbgrader"] = nbgrader_metadata(f"exercise-{number}-answer", solution=True, grade=False)
        graded = nbformat.v4.new_code_cell(
            f"verdict = {check}\nassert verdict, \"exercise {number} is not solved yet: {name} says why above\"",
            metadata={"nbgrader": nbgrader_metadata(f"exercise-{number}", solution=False, grade=True, points=1)})
        cells += [answer, graded]
        if after:
            cells.append(nbformat.v4.new_code_cell(after))
        previous = solution_index + 1
    cells += notebook.cells[previous:]
    for cell in cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
            cell.metadata.pop("execution", None)
    notebook.cells = cells
    notebook.metadata["kernelspec"] = {"name": KERNEL_NAME, "display_name": "Python 3 (ipykernel)",
                                       "language": "python"}
    return notebook


def assignment_name(chapter_path):
    return "ch" + chapter_path.name[:2]


def write_course(course_dir, chapter_prefix, python=sys.executable):
    """Write the assignment's source notebook, nbgrader_config.py and the grading kernel; return the source path."""
    found = chapters([chapter_prefix])
    if len(found) != 1:
        raise ValueError(f"chapter {chapter_prefix!r} names {len(found)} chapters; give its number, e.g. '05'")
    chapter = found[0]
    course_dir = Path(course_dir).resolve()
    target = course_dir / "source" / assignment_name(chapter) / chapter.name
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(source_notebook(nbformat.read(chapter, as_version=4)), target)
    (course_dir / "nbgrader_config.py").write_text(NBGRADER_CONFIG.format(root=str(course_dir)), encoding="utf-8")
    kernel = course_dir / "jupyter" / "kernels" / KERNEL_NAME
    kernel.mkdir(parents=True, exist_ok=True)
    (kernel / "kernel.json").write_text(json.dumps({
        "argv": [python, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (the course)", "language": "python"}, indent=1), encoding="utf-8")
    return target


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("course_dir", help="nbgrader's course folder (created if missing)")
    parser.add_argument("chapter", help="the chapter's number, e.g. 05")
    arguments = parser.parse_args(argv)
    target = write_course(arguments.course_dir, arguments.chapter)
    course = Path(arguments.course_dir).resolve()
    print(f"wrote {target}\nnow, in {course}, with JUPYTER_PATH={course / 'jupyter'} (the course's kernel):\n"
          f"  nbgrader generate_assignment {target.parent.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
