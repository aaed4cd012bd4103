"""The nbgrader course (``make nbgrader``, tools/nbgrader_course.py), run through real nbgrader.

nbgrader's ``generate_assignment`` runs on every chapter, and no release
leaks a solution line; then ``autograde`` grades three submissions of
chapter 1: untouched (0), solved with the book's answers (full marks) and
one wrong answer (less than full). nbgrader runs in a subprocess (its own
logging and configuration), through its Python API.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from tools import nbgrader_course, student
from tools.conventions import BEGIN, END

if os.environ.get("CI") != "true":  # CI must run these: there a missing nbgrader is a failure, not a skip
    pytest.importorskip("nbgrader", reason="nbgrader is in requirements.txt: run `make install`")

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.long_file  # runs the grader's kernels: scheduled first (conftest.py)
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
FIRST = ROOT / "chapters" / "01_calculus.ipynb"

RUN = """
import json, sys
from pathlib import Path
from traitlets.config import Config
from nbgrader.apps import NbGraderAPI
from nbgrader.api import Gradebook

course = Path(sys.argv[1])
config = Config()
config.CourseDirectory.root = str(course)
config.CourseDirectory.course_id = "gradient-descent"
api = NbGraderAPI(config=config)
out = {"generated": {}, "scores": {}}
for assignment in json.loads(sys.argv[2]):
    result = api.generate_assignment(assignment)
    out["generated"][assignment] = bool(result["success"]) or result.get("error") or result.get("log", "")[-2000:]
if len(sys.argv) > 3:
    for student in json.loads(sys.argv[3]):
        result = api.autograde("01_calculus", student, force=True, create=True)
        assert result["success"], result.get("log", "")[-3000:]
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        for student in json.loads(sys.argv[3]):
            submission = gradebook.find_submission("01_calculus", student)
            out["scores"][student] = [submission.score, submission.max_score]
print(json.dumps(out))
"""


def nbgrader(course: Path, assignments: list[str], students: list[str] | None = None) -> dict:
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    args = [sys.executable, "-c", RUN, str(course), json.dumps(assignments)] + ([json.dumps(students)] if students else [])
    done = subprocess.run(args, capture_output=True, text=True, cwd=course, env=env, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def answers_of(book: nbformat.NotebookNode) -> list[str]:
    """The book's solution cells without the marker lines, in order."""
    return ["\n".join(line for line in c.source.splitlines() if line.strip() not in (BEGIN, END))
            for c in book.cells if c.cell_type == "code" and BEGIN in c.source]


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    folder = tmp_path_factory.mktemp("nbgrader") / "course"
    nbgrader_course.write_course(ROOT / "chapters", folder)
    generated = nbgrader(folder, [p.stem for p in CHAPTERS])
    release = folder / "release" / FIRST.stem / FIRST.name
    answers = answers_of(nbformat.read(FIRST, as_version=4))
    for who, edit in {"untouched": None, "solved": lambda i, a: a,
                      "wrong": lambda i, a: a.replace("2 * x * np.cos(x**2)", "np.cos(x**2)") if i == 0 else a}.items():
        nb = nbformat.read(release, as_version=4)
        solution_cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")]
        assert len(solution_cells) == len(answers)
        if edit is not None:
            for i, (cell, answer) in enumerate(zip(solution_cells, answers)):
                cell.source = edit(i, answer)
        target = folder / "submitted" / who / FIRST.stem
        target.mkdir(parents=True)
        nbformat.write(nb, target / FIRST.name)
    graded = nbgrader(folder, [], ["untouched", "solved", "wrong"])
    return folder, generated, graded


def test_every_chapter_generates(course):
    folder, generated, _ = course
    assert generated["generated"] == {p.stem: True for p in CHAPTERS}
    for path in CHAPTERS:
        assert (folder / "release" / path.stem / path.name).exists()


def test_cells_carry_nbgrader_metadata_from_the_registry():
    from gdcore import checks

    nb = nbgrader_course.course_notebook(nbformat.read(FIRST, as_version=4),
                                         {k: {"title": e.title, "points": e.points, "check": e.check.__name__}
                                          for k, e in checks.EXERCISES.items()})
    meta = [c.metadata["nbgrader"] for c in nb.cells if "nbgrader" in c.metadata]
    tests = {m["grade_id"]: m["points"] for m in meta if m["grade"]}
    assert tests == {f"ex1_{k}": e.points for k, e in
                     ((e.id.split(".")[1], e) for e in checks.exercises_of_chapter(1))}
    assert [m["grade_id"] for m in meta if m["solution"]] == [f"ex1_{e.id.split('.')[1]}_answer"
                                                               for e in checks.exercises_of_chapter(1)]
    test_cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "ex1_1")
    assert "assert result.passed, result.message" in test_cell.source and test_cell.metadata["nbgrader"]["locked"]


def test_no_release_leaks_a_solution_line(course):
    folder, _, _ = course
    for path in CHAPTERS:
        release = nbformat.read(folder / "release" / path.stem / path.name, as_version=4)
        assert not student.find_leaks(nbformat.read(path, as_version=4), release), path.name
        assert "widgets" not in release.metadata


def test_autograde_gives_zero_full_and_less_than_full(course):
    _, _, graded = course
    from gdcore import checks

    scores = graded["scores"]
    total = sum(e.points for e in checks.exercises_of_chapter(1))
    assert scores["untouched"] == [0, total]
    assert scores["solved"] == [total, total]
    assert scores["wrong"] == [total - 1, total]  # one exercise answered wrongly
