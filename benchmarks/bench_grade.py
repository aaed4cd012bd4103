"""How long grading takes: a class of 30 chapter-1 submissions, and the whole course for one student.

    .venv/bin/python benchmarks/run.py grade

Both run the grader as an instructor would (``python -m tools.grade --class``,
as many kernels as cores) and check the scores it gives: the class holds 10
solved, 10 untouched and 10 wrong submissions of chapter 1; the course is
the book's chapters as one student's submission. The targets (issue
21): the class in under 90 s and the course in under 60 s on 2 cores. The
wall time depends on what else the machine runs; the CPU time of the
grader and its kernels is printed beside it.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
CHAPTER = ROOT / "chapters" / "01_calculus.ipynb"


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _grade_class(folder: Path, out: Path) -> tuple[float, float, dict]:
    env = {k: v for k, v in os.environ.items() if k != "GRADE_EXTRA"}
    cpu, start = _children_cpu(), time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "tools.grade", "--class", str(folder), "--report",
                           str(out / "report.json")], cwd=ROOT, env=env, capture_output=True, text=True)
    wall, cpu = time.perf_counter() - start, _children_cpu() - cpu
    if done.returncode not in (0, 1):
        raise RuntimeError(done.stderr[-2000:])
    return wall, cpu, json.loads((out / "gradebook.json").read_text())["students"]


def _submissions(folder: Path) -> dict[str, float]:
    """30 students' chapter 1: solved, untouched, wrong; the score each should get."""
    if str(ROOT) not in sys.path:  # benchmarks/run.py runs from benchmarks/; the tools are a package at the root
        sys.path.insert(0, str(ROOT))
    from tools import student

    from gdcore import checks

    full = float(sum(e.points for e in checks.exercises_of_chapter(1)))  # the wrong answer loses 1.1's point
    book = nbformat.read(CHAPTER, as_version=4)
    expected = {}
    for n in range(30):
        kind = ("solved", "untouched", "wrong")[n % 3]
        edition = student.student_notebook(book, CHAPTER.name)
        books = {c.id: c for c in book.cells}
        for cell in edition.notebook.cells:
            if cell.id in edition.stubs and kind != "untouched":
                cell.source = student.paste_solution(cell.source, books[cell.id].source)
                if kind == "wrong":
                    cell.source = cell.source.replace("2 * x * np.cos(x**2)", "np.cos(x**2)")
        who = f"student{n:02d}_{kind}"
        (folder / who).mkdir(parents=True)
        nbformat.write(edition.notebook, folder / who / CHAPTER.name)
        expected[who] = {"solved": full, "untouched": 0.0, "wrong": full - 1}[kind]
    return expected


def main() -> None:
    base = Path(tempfile.mkdtemp(prefix="bench-grade-"))
    try:
        expected = _submissions(base / "class")
        wall, cpu, got = _grade_class(base / "class", base / "out")
        right = all(got[who]["score"] == score for who, score in expected.items())
        print(f"class of 30 chapter-1 submissions: {wall:.0f} s wall, {cpu:.0f} s CPU in all, on {os.cpu_count()} "
              f"cores (target: under 90 s on 2); every score right: {'yes' if right else 'NO'}")
        (base / "course" / "one").mkdir(parents=True)
        chapters = sorted((ROOT / "chapters").glob("*.ipynb"))
        for path in chapters:
            shutil.copy2(path, base / "course" / "one" / path.name)
        wall, cpu, got = _grade_class(base / "course", base / "out-course")
        print(f"the whole course for one student ({len(chapters)} chapters): {wall:.0f} s wall, {cpu:.0f} s CPU in all "
              f"(target: under 60 s on 2 cores); score {got['one']['score']:g}/{got['one']['points']:g}")
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
