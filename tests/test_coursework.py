"""The coursework tools: the student edition (tools/student.py) and the grader (tools/grade.py).

(The grader's defences against a student who wants the marks without the
work are tested in tests/test_grader_attacks.py, the class runs in
tests/test_grade_class.py, nbgrader in tests/test_nbgrader.py.)

The transformations are tested on every chapter without running anything.
End to end, only chapter 1 and the small fixture chapter (tests/fixtures,
chapter 99) are executed, in two grader runs, to keep `make test` fast:

* run "todo": the untouched student editions, a wrong answer, a hanging
  notebook: exit status 1, and every row says what happened;
* run "done": the student editions with the book's solutions pasted back,
  the book's own chapter 1, and a private check: full marks, exit status 0.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from _ext import solution_markers
from gdcore import checks
from tools import conventions, grade, student

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.long_file  # runs the grader's kernels: scheduled first (conftest.py)

FIXTURES = ROOT / "tests" / "fixtures"
FIXTURE = FIXTURES / "chapters" / "99_fixture.ipynb"
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
ALL = CHAPTERS + [FIXTURE]
FIRST = next(iter(sorted((ROOT / "chapters").glob("01_*.ipynb"))), None)
WRONG_FEEDBACK = "double(21) returned 23, expected 42. Did you add 2 instead of multiplying by 2?"


def read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def edition_of(path: Path) -> student.Edition:
    return student.student_notebook(read(path), path.name)


def by_id(nb) -> dict:
    return {cell.id: cell for cell in nb.cells}


# --------------------------------------------------------------------------- pieces


def test_stub_keeps_the_indentation_and_names_the_exercise():
    source = "def f(x):\n    y = x\n    ### BEGIN SOLUTION\n    return y * 2\n    ### END SOLUTION\nprint(f)"
    assert student.stub_source(source, "Exercise 3.1: twice") == (
        "def f(x):\n    y = x\n    # YOUR CODE HERE\n"
        '    raise NotImplementedError("Exercise 3.1: twice")\nprint(f)')


@pytest.mark.parametrize("source, problem", [
    ("### BEGIN SOLUTION\nx = 1", "never closed"),
    ("x = 1\n### END SOLUTION", "without a"),
    ("### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION", "inside another"),
])
def test_unbalanced_markers_are_authoring_errors(source, problem):
    with pytest.raises(student.AuthoringError, match=problem):
        student.solution_blocks(source)


def test_a_solution_without_an_exercise_heading_is_an_authoring_error():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("### BEGIN SOLUTION\nx = 1\n### END SOLUTION")])
    with pytest.raises(student.AuthoringError, match="Exercise N.k"):
        student.student_notebook(nb)


def test_dropdown_ends_at_its_own_fence_not_at_the_inner_code_fence():
    text = ("Keep me.\n\n````{admonition} Solution\n:class: dropdown\n```python\nx = 1\n```\n````\n\n"
            "```{admonition} Hint\nKeep this hint.\n```")
    assert student.remove_solution_dropdowns(text) == "Keep me.\n\n```{admonition} Hint\nKeep this hint.\n```"


def test_names_an_answer_defines():
    source = "import numpy as np\ndef f(x):\n    inner = 1\n    return x\na, (b, *c) = 1, (2, 3)\nd[0] = e.x = 4\nfor k in range(3):\n    total = k"
    assert student.defined_names(source) == {"f", "a", "b", "c", "k", "total"}


def test_requirements_leave_out_the_book_tooling():
    book = "jupyter-book==1.0\nnumpy==2.0  # pinned\nsympy>=1.1\nmatplotlib==3.0\nnbclient==0.11\npytest==9\n-e .\n"
    needed = student.needed_requirements(ROOT / "pyproject.toml", [read(FIXTURE)]) | {"sympy"}
    text = student.student_requirements(book, needed)
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    assert lines == ["numpy==2.0  # pinned", "sympy>=1.1", "matplotlib==3.0", "nbclient==0.11", "-e ."]


# --------------------------------------------------------------------------- every chapter, without running it


@pytest.fixture(params=ALL, ids=[p.stem for p in ALL], scope="module")
def chapter(request):
    return request.param, read(request.param), edition_of(request.param)


def test_every_solution_is_a_stub_with_cleared_outputs(chapter):
    path, book, edition = chapter
    cells = by_id(edition.notebook)
    solution_cells = [c for c in book.cells if c.cell_type == "code" and student.BEGIN in c.source]
    assert solution_cells, f"{path.name} has no exercise"
    for cell in solution_cells:
        stub = cells[cell.id]
        assert student.BEGIN not in stub.source and student.END not in stub.source
        assert "# YOUR CODE HERE" in stub.source
        assert re.search(r'raise NotImplementedError\("Exercise \d+\.\d+: .+"\)', stub.source), stub.source
        assert stub.outputs == [] and stub.execution_count is None
        assert "hide-input" not in stub.metadata.get("tags", [])
        for begin, _, indent in student.solution_blocks(cell.source):
            assert f"{indent}# YOUR CODE HERE" in stub.source.splitlines()


def test_no_output_that_may_answer_an_exercise_is_kept(chapter):
    """Outputs after a solution in its exercise's section, and of hidden cells after the first exercise (they
    print the numbers the solutions quote), are cleared; the prompt's own outputs before the stub stay."""
    _, book, edition = chapter
    cells = by_id(edition.notebook)
    after_stub = seen = False
    for cell in book.cells:
        if cell.cell_type == "markdown":
            seen = seen or bool(student.EXERCISE_HEADING.search(cell.source))
            after_stub = after_stub and not student._headings(cell.source)
        elif cell.cell_type == "code" and cell.id in cells:
            if student.BEGIN in cell.source:
                after_stub = True
            hidden = {"hide-cell", "remove-cell"} & set(cell.metadata.get("tags", []))
            if after_stub or (seen and hidden):
                assert cells[cell.id].outputs == [], cell.id


def test_the_prompt_of_an_exercise_keeps_its_outputs():
    book = read(ROOT / "chapters" / "04_batch_sgd.ipynb")  # exercise 4.5: "s_g^2 (printed below)"
    printed = next(c for c in book.cells if c.cell_type == "code" and c.source.startswith('print(f"s_g^2'))
    assert by_id(edition_of(ROOT / "chapters" / "04_batch_sgd.ipynb").notebook)[printed.id].outputs == printed.outputs


def test_a_hidden_cell_removed_for_reading_an_answer_leaves_no_name_behind():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("### Exercise 9.9: x"),
                nbformat.v4.new_code_cell("### BEGIN SOLUTION\nanswer = 1\n### END SOLUTION"),
                nbformat.v4.new_code_cell("import math\nquoted = answer * 2", metadata={"tags": ["remove-cell"]}),
                nbformat.v4.new_code_cell("quoted = 3  # defined again: fine"),
                nbformat.v4.new_code_cell("print(quoted)"),
                nbformat.v4.new_code_cell("print(math.pi)")]
    with pytest.raises(student.AuthoringError, match="uses math, defined by cell 3"):
        student.student_notebook(nb)
    nb.cells.pop()
    edition = student.student_notebook(nb)
    assert edition.hidden_removed == [nb.cells[2].id] and len(edition.notebook.cells) == 4


def test_a_fence_inside_a_solution_as_long_as_its_own_is_an_authoring_error():
    nested = "```{admonition} Solution\n:class: dropdown\nUse this:\n```python\nx = 1\n```\nthe rest\n```"
    with pytest.raises(student.AuthoringError, match="line 4 opens a fence inside the solution block"):
        student.solution_dropdowns(nested)
    assert student.solution_dropdowns(nested.replace("```{", "````{")[:-3] + "````") == [(0, 7)]
    bare = nested.replace("```python", "```")  # the block ends at the code's opening: the fence after it is bare
    with pytest.raises(student.AuthoringError, match="line 6 is a bare ``` fence after the solution block"):
        student.solution_dropdowns(bare)
    after = nested.replace("```{", "````{")[:-3] + "````\n\n### Exercise 1.2\n```python\nx = 2\n```"
    assert student.solution_dropdowns(after) == [(0, 7)]  # code of the next exercise, in the same cell


def test_every_exercise_of_the_chapter_has_a_stub(chapter):
    path, _, edition = chapter
    number = conventions.chapter_number(path.name)
    registered = {e.id for e in checks.exercises_of_chapter(number)}
    if path != FIXTURE:
        assert set(edition.stubs.values()) == registered


def test_check_cells_and_cells_using_answers_lose_their_outputs(chapter):
    path, _, edition = chapter
    check_calls = [c for c in edition.notebook.cells if c.cell_type == "code" and re.search(r"\bcheck_\w+\(", c.source)
                   and "@exercise" not in c.source]
    assert check_calls, f"{path.name}: no check cell"
    for cell in check_calls:
        assert cell.id in edition.cleared and cell.outputs == [] and cell.execution_count is None
    if path == FIXTURE:  # a later cell computed from both answers
        assert [c.outputs for c in edition.notebook.cells if "Twice the answer" in c.source] == [[]]


def test_no_check_runs_on_leftover_values_in_the_untouched_edition(chapter):
    """If every answer name a check reads is already bound by earlier cells, the untouched edition passes it."""
    path, book, _ = chapter
    bound: set[str] = set()
    answers: tuple[str, set[str]] | None = None  # the last solution cell, and the names only it defines
    for cell in book.cells:
        if cell.cell_type != "code":
            continue
        if student.BEGIN in cell.source:
            stub = student.stub_source(cell.source, "Exercise")
            answers = (cell.id, student.defined_names(cell.source) - student.defined_names(stub))
            continue
        if answers and "check_" in cell.source:
            read = answers[1] & student.used_names(cell.source)
            assert not read or not read <= bound, (
                f"{path.name}: the check in cell {cell.id} reads {sorted(read)}, the answer of cell {answers[0]}, "
                "but earlier cells already define that name, so the check runs without an answer: "
                "give the answer a name of its own")
        bound |= student.defined_names(cell.source, imports=True)


def test_everything_else_is_kept(chapter):
    _, book, edition = chapter
    kept = by_id(edition.notebook)
    for cell in book.cells:
        dropdown = cell.cell_type == "markdown" and student.solution_dropdowns(cell.source)
        if dropdown or (cell.cell_type == "code" and student.BEGIN in cell.source):
            continue
        if cell.id in edition.hidden_removed:  # hidden on the website, and it reads an answer
            assert "remove-cell" in cell.metadata.get("tags", []) and cell.id not in kept
            continue
        assert kept[cell.id].source == cell.source
        if cell.cell_type == "code" and cell.id not in edition.cleared:
            assert kept[cell.id].outputs == cell.outputs


def test_no_solution_dropdown_is_left(chapter):
    _, _, edition = chapter
    for cell in edition.notebook.cells:
        if cell.cell_type == "markdown":
            assert not re.search(r"\{(admonition|dropdown)\}\s*Solution", cell.source, re.IGNORECASE)


def test_pasting_the_solutions_back_gives_the_book(chapter):
    _, book, edition = chapter
    cells = by_id(edition.notebook)
    for cell in book.cells:
        if cell.cell_type == "code" and student.BEGIN in cell.source:
            assert student.paste_solution(cells[cell.id].source, cell.source) == cell.source


def _secret_and_public_lines(book) -> tuple[set[str], set[str]]:
    """A chapter's solution lines and the lines it shows openly, found independently of tools/student.py."""
    secret, public = set(), set()
    answered = False  # outputs before the first solution cell are public (they cannot show an answer)
    for cell in book.cells:
        answered = answered or (cell.cell_type == "code" and student.BEGIN in cell.source)
        if not answered:
            for output in cell.get("outputs", []):
                text = output.get("text", "") + output.get("data", {}).get("text/plain", "")
                public.update(line.strip() for line in text.splitlines())
        inside, fence = False, None
        for line in cell.source.splitlines():
            bare = line.strip()
            if cell.cell_type == "code":
                if bare in (student.BEGIN, student.END):
                    inside = bare == student.BEGIN
                    continue
            elif fence is None and re.match(r"^(`{3,}|:{3,})\{(admonition|dropdown)\}\s*Solution", bare, re.I):
                fence, inside = re.match(r"^(`+|:+)", bare).group(1), True
                continue
            elif fence is not None and bare == fence:
                fence, inside = None, False
                continue
            (secret if inside else public).add(bare)
    return {s for s in secret if len(s) >= 8 and not s.startswith(("```", ":::", ":class:"))}, public


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


@pytest.fixture(scope="module")
def edition_folder(tmp_path_factory):
    out = tmp_path_factory.mktemp("edition") / "student"
    student.write_edition(ROOT / "chapters", out)
    return out


def test_no_solution_line_appears_anywhere_in_the_student_edition(edition_folder):
    texts = []
    for path in edition_folder.rglob("*"):
        if path.is_file() and not {"gdcore", "tools"} & set(path.relative_to(edition_folder).parts):  # the book's code
            raw = path.read_text(encoding="utf-8")
            texts += list(_strings(json.loads(raw))) if path.suffix == ".ipynb" else [raw]
    text = "\n".join(texts)
    whole_lines = {line.strip() for line in text.splitlines()}
    lines = {chapter: _secret_and_public_lines(read(chapter)) for chapter in CHAPTERS}
    public = set().union(*(p for _, p in lines.values()))  # e.g. `import math`, shown openly in another chapter
    for chapter, (secret, _) in lines.items():
        secret -= public
        assert secret, f"{chapter.name}: no solution lines found"
        leaked = [line for line in secret if line in whole_lines or (len(line) >= 24 and line in text)]
        assert not leaked, f"{chapter.name}: {leaked}"


def test_the_edition_has_what_a_student_needs(edition_folder):
    assert sorted(p.name for p in (edition_folder / "chapters").glob("*.ipynb")) == [p.name for p in CHAPTERS]
    readme = (edition_folder / "README.md").read_text()
    for needed in ("python -m tools.grade", "Submit", "public", "private checks"):
        assert needed in readme
    workflow = (edition_folder / ".github" / "workflows" / "grade.yml").read_text()
    assert "on:\n  push:" in workflow and "python -m tools.grade chapters" in workflow
    for name in student.GRADER_FILES:
        assert (edition_folder / "tools" / name).read_text() == (ROOT / "tools" / name).read_text()
    assert (edition_folder / "gdcore" / "checks" / "_core.py").exists()
    # the edition's grader runs there as `python -m tools.grade` (its workflow's command)
    done = subprocess.run([sys.executable, "-m", "tools.grade", "--help"], cwd=edition_folder,
                          capture_output=True, text=True)
    assert done.returncode == 0 and "--class" in done.stdout, done.stderr


def test_captured_answers_leave_the_widget_state():
    book, edition = read(FIXTURE), edition_of(FIXTURE)
    assert "the answer is 0.25" in nbformat.writes(book)  # the fixture's Output widget captured it
    text = nbformat.writes(edition.notebook)
    assert "the answer is 0.25" not in text and "Twice the answer: 0.5" not in text
    state = edition.notebook.metadata["widgets"][student.WIDGET_STATE]["state"]
    assert any(m["model_name"] == "FloatSliderModel" for m in state.values())  # the kept widget still shows
    assert not any(m["model_name"] == "OutputModel" for m in state.values())
    assert any("attachments" in c for c in book.cells)  # the fixture's solution has a picture
    assert not any("attachments" in c for c in edition.notebook.cells)


# --------------------------------------------------------------------------- the website


def test_markers_are_stripped_from_code_cells_only():
    text = nbformat.writes(read(FIXTURE))
    nb = nbformat.reads(solution_markers.strip_notebook(text), as_version=4)
    assert student.BEGIN not in nbformat.writes(nb) and "return 2 * x  # the doubling secret" in nb.cells[5].source
    assert solution_markers.strip_notebook("{}") == "{}"


def test_the_site_build_shows_no_markers(tmp_path):
    book = read(FIXTURE)
    book.cells = [c for c in book.cells if "attachments" not in c]
    nbformat.write(book, tmp_path / "chapter.ipynb")
    (tmp_path / "index.md").write_text("# Index\n\n```{toctree}\nchapter\n```\n")
    (tmp_path / "conf.py").write_text(  # as jupyter-book's `local_extensions` with path "." does
        f"import sys\nsys.path.append({str(ROOT)!r})\n"
        "extensions = ['myst_nb', '_ext.solution_markers']\nnb_execution_mode = 'off'\n"
        "myst_enable_extensions = ['colon_fence']\nexclude_patterns = ['_build']\n")
    done = subprocess.run([sys.executable, "-m", "sphinx", "-q", "-b", "html", str(tmp_path), str(tmp_path / "_build")],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    html = (tmp_path / "_build" / "chapter.html").read_text()
    assert "doubling secret" in html and "BEGIN SOLUTION" not in html and "END SOLUTION" not in html


# --------------------------------------------------------------------------- grading, end to end


def start_grader(folder: Path, *args: str, env_extra: dict | None = None) -> subprocess.Popen:
    """Start grading ``folder``, one kernel per notebook at once."""
    import os

    env = dict(os.environ, **(env_extra or {}))
    env.pop("GRADE_EXTRA", None)
    if "--extra" not in args:  # the grader's trusted copy of the fixture chapter's checks
        args = (*args, "--extra", str(FIXTURES / "extra"))
    return subprocess.Popen([sys.executable, str(ROOT / "tools" / "grade.py"), str(folder),  # the old command
                             "--jobs", str(len(list(folder.glob("*.ipynb")))),
                             "--report", str(folder.parent / "report.json"),
                             "--executed", str(folder.parent / "executed"), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=folder.parent, env=env)


def finish(grader: subprocess.Popen, folder: Path):
    stdout, stderr = grader.communicate(timeout=600)
    done = subprocess.CompletedProcess(grader.args, grader.returncode, stdout, stderr)
    return done, json.loads((folder.parent / "report.json").read_text())


def run_grader(folder: Path, *args: str, env_extra: dict | None = None):
    return finish(start_grader(folder, *args, env_extra=env_extra), folder)


def rows(report, notebook: str) -> dict:
    return {r["exercise"]: r for r in report["exercises"] if Path(r["notebook"]).stem == notebook}


def write_edition_of(path: Path, out: Path, name: str, edit=lambda source, book_source: source) -> None:
    """The student edition of ``path`` as ``out/name``, each stub cell's source passed through ``edit``."""
    book, edition = read(path), edition_of(path)
    books = by_id(book)
    for cell in edition.notebook.cells:
        if cell.id in edition.stubs:
            cell.source = edit(cell.source, books[cell.id].source)
    nbformat.write(edition.notebook, out / name)


@pytest.fixture(scope="module")
def todo(tmp_path_factory):
    """Untouched editions of chapter 1 and the fixture, a wrong answer, and a notebook that hangs."""
    folder = tmp_path_factory.mktemp("todo") / "chapters"
    folder.mkdir()
    if FIRST is not None:
        write_edition_of(FIRST, folder, FIRST.name)
    write_edition_of(FIXTURE, folder, "99_untouched.ipynb")

    def wrong(source, book_source):
        solved = student.paste_solution(source, book_source)
        return solved.replace("return 2 * x", "return x + 2")

    write_edition_of(FIXTURE, folder, "99_wrong.ipynb", wrong)
    hanging = tmp_path_factory.mktemp("hang") / "chapters"  # its own run: a short time limit, at the same time
    hanging.mkdir()
    hang = read(FIXTURE)
    hang.cells.insert(7, nbformat.v4.new_code_cell("import time\ntime.sleep(600)"))
    nbformat.write(hang, hanging / "99_hang.ipynb")
    summary = folder.parent / "summary.md"
    hang_run = start_grader(hanging, "--timeout", "10")
    done, report = run_grader(folder, env_extra={"GITHUB_STEP_SUMMARY": str(summary)})
    hang_done, hang_report = finish(hang_run, hanging)
    return done, report, summary.read_text(), (hang_done, hang_report)


@pytest.mark.skipif(FIRST is None, reason="chapter 1 is not written yet")
def test_untouched_student_edition_grades_to_zero_all_not_attempted(todo):
    done, report, _, _ = todo
    assert done.returncode == 1
    got = rows(report, FIRST.stem)
    assert set(got) == {e.id for e in checks.exercises_of_chapter(1)}
    for row in got.values():
        assert row["status"] == "not attempted" and row["score"] == 0 and not row["passed"]
        assert row["feedback"].startswith("Not attempted")
        assert "NotImplementedError" in row["feedback"]


def test_not_attempted_says_which_cell_failed_in_one_sentence(todo):
    done, report, _, _ = todo
    got = rows(report, "99_untouched")
    assert got["99.1"]["status"] == "not attempted"  # the stub inside double() reached the check
    assert got["99.2"]["feedback"] == (
        "Not attempted: cell 9 raised NotImplementedError (Exercise 99.2: read the slider (widget)), "
        "so the check in cell 10 raised NameError (name 'answer' is not defined).")
    assert "Traceback" not in done.stdout and "----> " not in done.stdout


def test_a_wrong_answer_fails_exactly_that_exercise_with_the_checks_feedback(todo):
    done, report, summary, _ = todo
    got = rows(report, "99_wrong")
    assert got["99.1"]["status"] == "failed" and got["99.1"]["feedback"] == WRONG_FEEDBACK
    assert got["99.2"]["status"] == "passed"
    assert re.search(rf"^99_wrong\s+99\.1\s+0/1\s+no\s+{re.escape(WRONG_FEEDBACK)}$", done.stdout, re.M), done.stdout
    assert re.search(r"^99_wrong\s+99\.2\s+2/2\s+yes\s+", done.stdout, re.M)
    assert f"| 99_wrong | 99.1 double a number | 0/1 | ❌ no | {WRONG_FEEDBACK} |" in summary


def test_a_hanging_notebook_is_stopped_and_reported(todo):
    done, report = todo[3]
    assert done.returncode == 1
    got = rows(report, "99_hang")
    assert got["99.1"]["status"] == "passed"  # graded before the hang
    assert got["99.2"]["status"] == "not attempted"
    assert got["99.2"]["feedback"].startswith("Not attempted: the notebook was stopped at its time limit of 10 s in cell 8")
    assert "99_hang.ipynb: stopped at its time limit of 10 s in cell 8" in done.stdout
    notebook = next(n for n in report["notebooks"] if n["chapter"] == "99_hang")
    assert notebook["seconds"] < 40


def test_the_report_is_json_with_totals(todo):
    _, report, _, _ = todo
    t = report["totals"]
    assert t["exercises"] == len(report["exercises"]) and t["score"] == sum(r["score"] for r in report["exercises"])
    assert {"notebook", "chapter", "exercise", "title", "points", "score", "status", "passed", "feedback"} <= set(
        report["exercises"][0])


@pytest.fixture(scope="module")
def done(tmp_path_factory):
    """The editions with the book's solutions pasted back, the book's chapter 1, and a private check."""
    folder = tmp_path_factory.mktemp("done") / "chapters"
    folder.mkdir()
    if FIRST is not None:
        write_edition_of(FIRST, folder, FIRST.name, student.paste_solution)
        (folder / f"{FIRST.stem}_book.ipynb").write_bytes(FIRST.read_bytes())
    write_edition_of(FIXTURE, folder, FIXTURE.name, student.paste_solution)
    return run_grader(folder, "--extra", str(FIXTURES / "extra"))


def test_solutions_pasted_back_and_the_book_itself_grade_full(done):
    finished, report = done
    assert finished.returncode == 0, finished.stdout + finished.stderr
    t = report["totals"]
    assert t["passed"] == t["exercises"] and t["score"] == t["points"] and not t["problems"]
    if FIRST is not None:
        expected = {e.id for e in checks.exercises_of_chapter(1)}
        assert set(rows(report, FIRST.stem)) == expected
        assert set(rows(report, f"{FIRST.stem}_book")) == expected
    assert rows(report, FIXTURE.stem)["99.1-private"]["feedback"] == "double(-4) = -8, as expected."


# --------------------------------------------------------------------------- why a check did not run, without a kernel


def _run_of(*sources, outputs=None):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    for index, output in (outputs or {}).items():
        nb.cells[index].outputs = [output]
    return grade.Execution(nb, 1.0)


def test_why_a_check_did_not_run():
    error = nbformat.v4.new_output("error", ename="ValueError", evalue="bad\nsecond line", traceback=[])
    missing = nbformat.v4.new_output("error", ename="NameError", evalue="name 'x' is not defined", traceback=[])
    run = _run_of("x = compute()", "check_x(x)", outputs={0: error, 1: missing})
    assert grade.why_not_run(run.nb, "check_x", run, 60, {1}) == (
        "Not attempted: cell 1 raised ValueError (bad), so the check in cell 2 raised NameError "
        "(name 'x' is not defined).")
    run = _run_of("check_x(x)", outputs={0: missing})
    assert grade.why_not_run(run.nb, "check_x", run, 60, {0}) == (
        "Not attempted: the check in cell 1 raised NameError (name 'x' is not defined).")
    run = _run_of("x = 1")
    assert grade.why_not_run(run.nb, "check_x", run, 60, set()) == (
        "Not attempted: no cell calls check_x() (was the check cell deleted?).")
    run = _run_of("x = 1", "# check_x(x)")
    assert "ran without calling check_x()" in grade.why_not_run(run.nb, "check_x", run, 60, set())


def test_a_private_script_that_raises_is_a_failed_row():
    run = _run_of("x = 1")
    run.extra_errors = {"/private/01_more.py": "NameError: name 'f' is not defined"}
    report = grade.grade_execution(Path("01_x.ipynb"), run, 60, {}, chapter=1)
    assert [(r.exercise, r.status, r.feedback) for r in report.rows] == [
        ("extra: 01_more.py", "failed", "The private check script raised NameError: name 'f' is not defined")]


def test_missing_notebooks_are_a_usage_error(tmp_path, capsys):
    assert grade.main([str(tmp_path / "nowhere")]) == 2
    assert "neither a notebook nor a folder" in capsys.readouterr().err
