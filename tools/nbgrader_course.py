"""Write an nbgrader course folder from the book: ``make nbgrader`` (``python -m tools.nbgrader_course``).

    build/nbgrader/nbgrader_config.py
    build/nbgrader/source/01_calculus/01_calculus.ipynb     one assignment per chapter
    ...

Many institutions run nbgrader on their JupyterHub. Each chapter becomes an
assignment whose notebook carries nbgrader's cell metadata, taken from the
exercise registry (``gdcore.checks.EXERCISES``):

* a solution cell (the book's ``### BEGIN SOLUTION`` / ``### END SOLUTION``
  markers, which are nbgrader's own) is an nbgrader solution cell,
  ``grade_id`` ``ex1_2_answer``; ``nbgrader generate_assignment`` replaces the
  block with nbgrader's stub;
* a check cell (``checks.check_central_difference(central_difference)``)
  becomes an autograded, locked test cell, ``grade_id`` ``ex1_2``, with the
  exercise's points; it prints the check's verdict and raises
  ``AssertionError`` with the check's feedback when it fails, so nbgrader
  gives 0 points and shows the feedback;
* the solution explanations (``{admonition} Solution`` dropdowns) are left
  out of the source, and so out of the release; so is the saved widget state
  (a widget may have captured an answer).

Then, in the course folder: ``nbgrader generate_assignment 01_calculus``,
``nbgrader release_assignment``, ``nbgrader autograde 01_calculus`` as usual.
nbgrader runs the checks in the student's kernel, as nbgrader always does:
see docs/coursework.md for what that means for trust.
"""

from __future__ import annotations

if __name__ == "__main__" and not __package__:  # `python tools/nbgrader_course.py`
    from _script import run_as_module

    run_as_module("tools.nbgrader_course")

import argparse
import ast
import copy
import re
import shutil
import sys
from pathlib import Path

import nbformat

from .conventions import BEGIN, EXERCISE_HEADING
from .student import AuthoringError, remove_solution_dropdowns, solution_dropdowns

ROOT = Path(__file__).resolve().parent.parent
CONFIG = '''\
# nbgrader's configuration for the course written by `make nbgrader` (tools/nbgrader_course.py).
c = get_config()  # noqa: F821
c.CourseDirectory.course_id = "gradient-descent"
c.CourseDirectory.root = __file__.rsplit("/", 1)[0] if "/" in __file__ else "."
'''


def grade_id(exercise_id: str, suffix: str = "") -> str:
    return "ex" + re.sub(r"\W", "_", exercise_id) + suffix


def _nbgrader(grade: bool, solution: bool, locked: bool, gid: str, points: float | None = None) -> dict:
    meta = {"grade": grade, "solution": solution, "locked": locked, "grade_id": gid, "schema_version": 3}
    if points is not None:
        meta["points"] = points
    return meta


def check_call(source: str, checks: dict[str, str]) -> tuple[str, str] | None:
    """``(exercise id, call text)`` when the cell is a single call of a registered check, else None."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    if len(tree.body) != 1 or not isinstance(tree.body[0], ast.Expr) or not isinstance(tree.body[0].value, ast.Call):
        return None
    func = tree.body[0].value.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    if name not in checks:
        return None
    return checks[name], ast.get_source_segment(source, tree.body[0].value)


def test_cell_source(call: str) -> str:
    return (f"result = {call}\n"
            "print(result)\n"
            "assert result.passed, result.message  # nbgrader: a failed check gives 0 points, with its feedback")


def course_notebook(book: nbformat.NotebookNode, exercises: dict, name: str = "notebook") -> nbformat.NotebookNode:
    """The chapter as an nbgrader source notebook (``book`` is not modified)."""
    nb = copy.deepcopy(book)
    checks = {e["check"]: k for k, e in exercises.items()}
    current = None
    cells = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            headings = EXERCISE_HEADING.findall(cell.source)
            if headings:
                current = headings[-1][0]
            try:
                if solution_dropdowns(cell.source):
                    cell.source = remove_solution_dropdowns(cell.source)
                    cell.pop("attachments", None)
                    if not cell.source.strip():
                        continue
            except AuthoringError as error:
                raise AuthoringError(f"{name}, cell {index + 1}: {error}") from None
        elif cell.cell_type == "code":
            found = check_call(cell.source, checks)
            if BEGIN in cell.source:
                if current is None:
                    raise AuthoringError(f"{name}, cell {index + 1}: a solution cell must follow an exercise heading")
                cell.metadata["nbgrader"] = _nbgrader(False, True, False, grade_id(current, "_answer"))
                tags = [t for t in cell.metadata.get("tags", []) if t != "hide-input"]
                cell.metadata["tags"] = tags
                if not tags:
                    del cell.metadata["tags"]
                cell.outputs, cell.execution_count = [], None
            elif found is not None:
                exercise_id, call = found
                cell.source = test_cell_source(call)
                cell.metadata["nbgrader"] = _nbgrader(True, False, True, grade_id(exercise_id),
                                                      float(exercises[exercise_id]["points"]))
                cell.outputs, cell.execution_count = [], None
        cells.append(cell)
    nb.cells = cells
    nb.metadata.pop("widgets", None)
    return nb


def write_course(chapters: Path, out: Path) -> list[str]:
    from gdcore import checks

    exercises = {k: {"title": e.title, "points": e.points, "check": e.check.__name__} for k, e in checks.EXERCISES.items()}
    if out.exists():
        shutil.rmtree(out)
    (out / "source").mkdir(parents=True)
    (out / "nbgrader_config.py").write_text(CONFIG, encoding="utf-8")
    summary = []
    for path in sorted(chapters.glob("*.ipynb")):
        nb = course_notebook(nbformat.read(path, as_version=4), exercises, path.name)
        graded = [c.metadata["nbgrader"] for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]
        folder = out / "source" / path.stem
        folder.mkdir()
        nbformat.validate(nb)
        nbformat.write(nb, folder / path.name)
        for extra in sorted(chapters.iterdir()):  # images and other files the chapters use
            if extra.suffix != ".ipynb" and not extra.name.startswith((".", "__")):
                (shutil.copytree if extra.is_dir() else shutil.copy2)(extra, folder / extra.name)
        summary.append(f"{path.stem}: {len(graded)} autograded checks, {sum(g['points'] for g in graded):g} points")
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chapters", type=Path, default=ROOT / "chapters", help="the book's notebooks")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "nbgrader", help="the course folder")
    args = parser.parse_args(argv)
    try:
        summary = write_course(args.chapters, args.out)
    except AuthoringError as error:
        print(f"nbgrader course not written: {error}", file=sys.stderr)
        return 1
    for line in summary:
        print(line)
    print(f"The nbgrader course is in {args.out}: cd there and run `nbgrader generate_assignment <chapter>`.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
