"""Grading a class at a time (``python -m tools.grade --class DIR``, ``make grade CLASS=DIR``).

One run over three students of the fixture chapter: a renamed solved notebook
with a ``gdcore/`` folder of its own beside it, a folder of malformed files
with one wrong notebook, and a student with nothing gradable. No malformed
file stops the run; every student gets rows, a report and a gradebook line.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from tools import grade, student

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.long_file  # runs the grader's kernels: scheduled first (conftest.py)
FIXTURES = ROOT / "tests" / "fixtures"
FIXTURE = FIXTURES / "chapters" / "99_fixture.ipynb"

MALFORMED = {
    "empty.ipynb": b"",
    "truncated.ipynb": b'{"cells": [{"cell_type": "code", "sou',
    "braces.ipynb": b"{}",
    "picture.ipynb": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    "script.ipynb": b"print('a Python script, not a notebook')\n",
    "v2.ipynb": json.dumps({"nbformat": 2, "nbformat_minor": 0, "metadata": {}, "worksheets": []}).encode(),
    "v5.ipynb": json.dumps({"nbformat": 5, "nbformat_minor": 0, "metadata": {}, "cells": []}).encode(),
    "number_source.ipynb": json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "code", "id": "a", "metadata": {}, "outputs": [], "execution_count": None, "source": 3}]}).encode(),
}


def solved(answers: dict[str, str]) -> nbformat.NotebookNode:
    book = nbformat.read(FIXTURE, as_version=4)
    edition = student.student_notebook(book, FIXTURE.name)
    for cell in edition.notebook.cells:
        exercise = edition.stubs.get(cell.get("id"))
        if exercise in answers:
            cell.source = answers[exercise]
    return edition.notebook


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    base = tmp_path_factory.mktemp("class")
    klass = base / "submissions"
    alice, bob, carol = (klass / name for name in ("alice", "bob", "carol"))
    (alice / "work" / "gdcore").mkdir(parents=True)
    # a gdcore of her own beside the notebook: if the kernel imported it, every check would pass
    (alice / "work" / "gdcore" / "__init__.py").write_text("raise SystemExit('the fake gdcore was imported')\n")
    nbformat.write(solved({"99.1": "def double(x):\n    return 2 * x", "99.2": "answer = 0.25"}),
                   alice / "work" / "homework.ipynb")  # renamed: the content says chapter 99
    bob.mkdir()
    for name, data in MALFORMED.items():
        (bob / name).write_bytes(data)
    nbformat.write(solved({"99.1": "def double(x):\n    return x + 2", "99.2": "answer = 0.25"}), bob / "99_fixture.ipynb")
    carol.mkdir()
    (carol / "notes.ipynb").write_bytes(b"not json")
    (carol / "copied.ipynb").symlink_to(alice / "work" / "homework.ipynb")  # a classmate's work, linked
    out = base / "out"
    env = {k: v for k, v in os.environ.items() if k != "GRADE_EXTRA"}
    done = subprocess.run([sys.executable, "-m", "tools.grade", "--class", str(klass), "--jobs", "2",
                           "--extra", str(FIXTURES / "extra"), "--report", str(out / "report.json")],
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=600)
    with open(out / "gradebook.csv", newline="", encoding="utf-8") as handle:
        book = list(csv.DictReader(handle))
    return done, book, out


def lines(book, who: str) -> dict:
    return {row["exercise"]: row for row in book if row["student"] == who}


def test_every_student_gets_a_gradebook_line_per_exercise(graded):
    done, book, out = graded
    assert done.returncode == 1, done.stderr
    assert list(book[0]) == list(grade.GRADEBOOK_FIELDS)
    alice = lines(book, "alice")
    assert {k: (float(r["points"]), float(r["max_points"])) for k, r in alice.items()} == {
        "99.1": (1, 1), "99.1-private": (1, 1), "99.2": (2, 2)}
    assert {r["chapter"] for r in alice.values()} == {"99"}
    summary = json.loads((out / "gradebook.json").read_text())["students"]
    assert (summary["alice"]["score"], summary["alice"]["points"]) == (4, 4)
    assert summary["bob"]["score"] == 2 and summary["carol"]["score"] == 0
    assert "alice: 4/4" in done.stdout


def test_a_renamed_notebook_is_matched_by_its_content_and_a_gdcore_beside_it_is_ignored(graded):
    _, book, out = graded
    report = json.loads((out / "students" / "alice" / "report.json").read_text())
    assert {r["exercise"] for r in report["exercises"]} == {"99.1", "99.1-private", "99.2"}
    assert all(r["student"] == "alice" for r in report["exercises"])
    assert (out / "students" / "alice" / "executed" / "homework.ipynb").exists()


def test_malformed_files_are_rows_never_a_stop(graded):
    done, book, out = graded
    bob = [row for row in book if row["student"] == "bob"]
    files = [row["feedback"] for row in bob if row["exercise"] == "file"]
    assert len(files) == len(MALFORMED)
    text = "\n".join(files)
    for expected in ("empty.ipynb is empty", "truncated.ipynb is not a notebook (not valid JSON",
                     "braces.ipynb is JSON but not a notebook", "picture.ipynb is not a notebook (not UTF-8",
                     "script.ipynb is not a notebook (not valid JSON", "v2.ipynb has notebook format 2",
                     "v5.ipynb has notebook format 5", "number_source.ipynb is not a valid notebook"):
        assert expected in text, text
    graded_rows = {row["exercise"]: row for row in bob if row["exercise"] != "file"}
    assert graded_rows["99.1"]["status"] == "failed" and graded_rows["99.2"]["status"] == "passed"
    report = json.loads((out / "students" / "bob" / "report.json").read_text())
    assert len(report["notebooks"]) == len(MALFORMED) + 1


def test_a_missing_chapter_is_reported_as_missing(graded):
    _, book, _ = graded
    carol = lines(book, "carol")
    assert carol["99.1"]["status"] == "not attempted"
    assert carol["99.1"]["feedback"].startswith("Missing: no notebook of this submission holds the exercises of chapter 99")
    assert float(carol["99.2"]["max_points"]) == 2
    files = [row["feedback"] for row in book if row["student"] == "carol" and row["exercise"] == "file"]
    assert any("notes.ipynb is not a notebook" in f for f in files)
    assert any("copied.ipynb is a symbolic link" in f for f in files)


def test_a_missing_class_folder_is_a_usage_error(tmp_path, capsys):
    assert grade.main(["--class", str(tmp_path / "nowhere")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_chapters_that_are_not_numbers_are_a_usage_error_before_any_kernel(tmp_path, capsys):
    with pytest.raises(SystemExit) as stopped:
        grade.main(["--class", str(tmp_path), "--chapters", "1,two"])
    assert stopped.value.code == 2
    assert "expected chapter numbers separated by commas, like 1,2; got '1,two'" in capsys.readouterr().err
    assert grade.chapter_list(" 2, 1 ,") == [2, 1]


def test_a_kernel_that_cannot_start_is_that_notebooks_problem(tmp_path):
    (tmp_path / "chapters").mkdir()
    nbformat.write(solved({}), tmp_path / "chapters" / "99_fixture.ipynb")
    env = {k: v for k, v in os.environ.items() if k != "GRADE_EXTRA"}
    done = subprocess.run([sys.executable, "-m", "tools.grade", str(tmp_path / "chapters"), "--memory", "60",
                           "--extra", str(FIXTURES / "extra"), "--report", str(tmp_path / "report.json")],
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["notebooks"][0]["problem"].startswith("the grader could not run it")
    assert {r["status"] for r in report["exercises"]} == {"not attempted"}


@pytest.mark.parametrize("figures", [False, True])
def test_figures_are_drawn_only_when_asked_for(tmp_path, figures):
    # A figure after the book's set-up (which registers its HiDPI PNG): by default the grader's
    # kernel shows its one-line text (no check reads a figure); --figures draws it. An explorer
    # likewise computes its verdict but draws its frame only with --figures.
    nb = solved({"99.1": "def double(x):\n    return 2 * x", "99.2": "answer = 0.25"})
    nb.cells.append(nbformat.v4.new_code_cell(
        "from gdcore import widgets\nexplorer = widgets.SecantExplorer(h=0.5)\n"
        "print(f'frame drawn: {len(explorer.image.value) > 0}; {explorer.verdict.value[:8]}')"))
    nb.cells.append(nbformat.v4.new_code_cell(
        "import gdcore, matplotlib.pyplot as plt\ngdcore.plotting.use_book_style()\nplt.plot([1, 2])\nplt.show()"))
    (tmp_path / "chapters").mkdir()
    nbformat.write(nb, tmp_path / "chapters" / "99_fixture.ipynb")
    # the grader's own shell has frames off: --figures draws them all the same
    env = {k: v for k, v in os.environ.items() if k != "GRADE_EXTRA"} | {"GDCORE_EXPLORER_FRAMES": "0"}
    done = subprocess.run([sys.executable, "-m", "tools.grade", str(tmp_path / "chapters"),
                           "--extra", str(FIXTURES / "extra"), "--report", str(tmp_path / "out" / "report.json")]
                          + ["--figures"] * figures,
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    executed = nbformat.read(tmp_path / "out" / "executed" / "99_fixture.ipynb", as_version=4)
    data = [output["data"] for output in executed.cells[-1].outputs if "data" in output]
    assert len(data) == 1 and data[0]["text/plain"].startswith("<Figure size")
    assert ("image/png" in data[0]) is figures
    assert executed.cells[-2].outputs[0]["text"] == f"frame drawn: {figures}; h = 0.50\n"


def test_the_longest_code_starts_first_when_no_time_is_known():
    # A notebook's saved pictures make its file long, not its run: with no earlier report the
    # grader starts the notebook with the most code first (then by the time in the report).
    pictures = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("plot()", outputs=[
        nbformat.v4.new_output("display_data", data={"image/png": "A" * 100_000})])])
    compute = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("train()\n" * 50)])
    subs = [grade.Submission(Path(name), data=nbformat.writes(nb).encode(), nb=nb)
            for name, nb in (("pictures.ipynb", pictures), ("compute.ipynb", compute))]
    subs.append(grade.Submission(Path("broken.ipynb"), data=b"{}"))
    assert [s.path.name for s in grade.longest_first(subs, {})] == ["compute.ipynb", "pictures.ipynb", "broken.ipynb"]
    assert grade.longest_first(subs, {"pictures.ipynb": 30.0})[0].path.name == "pictures.ipynb"
