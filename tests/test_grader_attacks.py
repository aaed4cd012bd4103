"""A student who wants the marks without the work: none of these tricks changes a score.

Each notebook below is a small reproduction of one class of attack from a
security review of the grader (issue 21): the student edition of the
fixture chapter (or of chapter 1) with wrong answers and a cell that cheats.
They are graded in one run (two kernels at a time), beside a classmate's
solved notebook; the attack on the grader's own files runs at the same time
in a second run. Every answer here is wrong, so every score must be 0.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from gdcore import checks

from tools import student

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.long_file  # runs the grader's kernels: scheduled first (conftest.py)
FIXTURES = ROOT / "tests" / "fixtures"
FIXTURE = FIXTURES / "chapters" / "99_fixture.ipynb"
FIRST = ROOT / "chapters" / "01_calculus.ipynb"
SLEEPER = "gdgrade-attack-sleeper"  # in the command line of a detached process, to look for it afterwards

WRONG_99 = {"99.1": "def double(x):\n    return x + 2", "99.2": "answer = 0.3"}
RIGHT_99 = {"99.1": "def double(x):\n    return 2 * x", "99.2": "answer = 0.25"}


def edition(book: Path, answers: dict[str, str], before_first_check: str = "", at_end: str = ""):
    """The student edition of ``book`` with ``answers`` in place of the stubs and attack cells added."""
    ed = student.student_notebook(nbformat.read(book, as_version=4), book.name)
    nb = ed.notebook
    for cell in nb.cells:
        exercise = ed.stubs.get(cell.get("id"))
        if exercise in answers:
            cell.source = answers[exercise]
    if before_first_check:
        first = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code" and "check_" in c.source
                     and "@exercise" not in c.source)
        nb.cells.insert(first, nbformat.v4.new_code_cell(before_first_check))
    if at_end:
        nb.cells.append(nbformat.v4.new_code_cell(at_end))
    return nb


FORGE = """\
import builtins
import gdcore.checks._core as core
core.failed = core.passed                                   # every failure becomes a pass
core.RESULTS["99.1"] = core.CheckResult("99.1", "double a number", True, "faked", 100.0)
core.results_json = lambda: '{"99.1": {"passed": true, "score": 100}}'
core.EXERCISES["99.1"] = core.Exercise("99.1", "double a number", 100.0, core.EXERCISES["99.1"].check)
_print = builtins.print
builtins.print = lambda *a, **k: _print('@@gdcore-grade-results@@{"results": {}}')   # rewrite the results line
exec = lambda *a, **k: None                                 # private checks made to vanish
"""

LIARS = """\
class Liar(float):
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    __hash__ = float.__hash__

def double(x):
    return Liar(0.0)

answer = Liar(0.3)
"""

TAMPER_CH1 = """\
import numpy, pathlib, gdcore, gdcore.checks.calculus as calculus
numpy.allclose = lambda *a, **k: True                       # every comparison agrees
calculus.np.allclose = numpy.allclose
calculus._POINTS[:] = 0.0                                   # test points where a wrong answer is right
calculus.failed = calculus.passed
for e in gdcore.checks.EXERCISES.values():
    object.__setattr__(e, "points", 100.0)                 # "Score 100/103"
solutions = pathlib.Path(gdcore.__file__).resolve().parent.parent / "chapters" / "01_calculus.ipynb"
print("solutions next to the package:", solutions.exists())
class Liar(float):
    def __lt__(self, other): return True
    def __le__(self, other): return True
    def __gt__(self, other): return True
    def __ge__(self, other): return True
best_h = Liar(1.3)
h_secant = Liar(1.4)
"""

DAMAGE = """\
import os, pathlib, subprocess, sys, gdcore.checks._core as core
# rewrite the checks on disk, so that the next submission's wrong answers pass
path = pathlib.Path(core.__file__)
path.write_text(path.read_text().replace("return Feedback(False, message)", "return Feedback(True, message)"))
# overwrite a classmate's solved notebook with an untouched one
pathlib.Path({classmate!r}).write_bytes(pathlib.Path({untouched!r}).read_bytes())
# a detached process that rewrites the report after the grader has written it
code = "import time, pathlib; time.sleep(4); pathlib.Path({report!r}).write_text('{{\\"totals\\": {{\\"score\\": 12}}}}')"
subprocess.Popen([sys.executable, "-c", code, {sleeper!r}], start_new_session=True,
                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
"""

CRASHES = {
    "exit": "import os\nos._exit(0)",
    "segfault": "import ctypes\nctypes.string_at(0)",
}

MEMORY = "try:\n    block = bytearray(3 * 2**30)\n    print('3 GiB allocated')\nexcept MemoryError:\n    print('3 GiB refused')"


def grade(folder: Path, *args: str) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k != "GRADE_EXTRA"}
    return subprocess.Popen([sys.executable, "-m", "tools.grade", str(folder), "--jobs", "2", "--timeout", "120",
                             "--report", str(folder.parent / "report.json"), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env)


@pytest.fixture(scope="module")
def attacked(tmp_path_factory):
    base = tmp_path_factory.mktemp("attacks")
    folder, private = base / "class", base / "private"
    folder.mkdir()
    private.mkdir()
    for script in (FIXTURES / "extra").glob("*.py"):
        (private / script.name).write_bytes(script.read_bytes())
    untouched = base / "untouched.ipynb"
    nbformat.write(edition(FIXTURE, {}), untouched)
    nbformat.write(edition(FIXTURE, RIGHT_99), folder / "99_classmate.ipynb")
    nbformat.write(edition(FIXTURE, WRONG_99, FORGE), folder / "99_forge.ipynb")
    nbformat.write(edition(FIXTURE, {"99.1": "", "99.2": ""}, LIARS), folder / "99_liars.ipynb")
    damage = DAMAGE.format(classmate=str(folder / "99_classmate.ipynb"), untouched=str(untouched),
                           report=str(base / "report.json"), sleeper=SLEEPER)
    nbformat.write(edition(FIXTURE, WRONG_99, damage), folder / "99_damage.ipynb")
    for name, crash in CRASHES.items():  # 99.1 solved before the crash, 99.2 after it
        nb = edition(FIXTURE, RIGHT_99)
        at = next(i for i, c in enumerate(nb.cells) if c.source.startswith("check_answer("))
        nb.cells.insert(at - 1, nbformat.v4.new_code_cell(crash))
        nbformat.write(nb, folder / f"99_{name}.ipynb")
    nbformat.write(edition(FIXTURE, RIGHT_99, MEMORY), folder / "99_memory.ipynb")
    nbformat.write(edition(FIRST, {"1.1": "def dfdx(x):\n    return 0.0", "1.2": "def central_difference(f, x, h):\n"
                                   "    return 0.0", "1.3": "", "1.4": ""}, TAMPER_CH1), folder / "01_tamper.ipynb")
    # the grader's own files: a cell rewrites the private checks while the run goes on
    own = base / "own" / "class"
    own.mkdir(parents=True)
    own_private = base / "own" / "private"
    own_private.mkdir()
    (own_private / "99_checks.py").write_bytes((FIXTURES / "extra" / "99_checks.py").read_bytes())
    rewrite = f"import pathlib\np = pathlib.Path({str(own_private / '99_checks.py')!r})\np.write_text(p.read_text().replace('got == 42', 'True'))"
    nbformat.write(edition(FIXTURE, WRONG_99, rewrite), own / "99_rewrite.ipynb")

    # a cell rewrites a private check to pass everything and to put itself back when the grader runs it:
    # a grader that read the script again after the cells would pass the wrong answer and see no change
    restore = base / "restore" / "class"
    restore.mkdir(parents=True)
    restore_private = base / "restore" / "private"
    restore_private.mkdir()
    original = (FIXTURES / "extra" / "99_checks.py").read_text()
    (restore_private / "99_checks.py").write_text(original)
    evil = original.replace("got == 42", "True") + f"\nopen(__file__, 'w').write({original!r})\n"
    restorer = f"import pathlib\npathlib.Path({str(restore_private / '99_checks.py')!r}).write_text({evil!r})"
    nbformat.write(edition(FIXTURE, WRONG_99, restorer), restore / "99_restore.ipynb")

    own_run = grade(own, "--extra", str(own_private))
    restore_run = grade(restore, "--extra", str(restore_private))
    run = grade(folder, "--extra", str(private))
    stdout, stderr = run.communicate(timeout=600)
    own_out, own_err = own_run.communicate(timeout=600)
    _, restore_err = restore_run.communicate(timeout=600)
    print("".join(line + "\n" for line in stderr.splitlines() if line.startswith("graded")))
    written = (base / "report.json").read_text()
    time.sleep(6)  # the detached process would have rewritten the report by now
    return {"code": run.returncode, "stdout": stdout, "stderr": stderr, "report": json.loads(written),
            "report_after": (base / "report.json").read_text(), "written": written,
            "own": (own_run.returncode, own_err, (base / "own" / "report.json").exists()),
            "restore": (restore_run.returncode, restore_err, (base / "restore" / "report.json").exists(),
                        (restore_private / "99_checks.py").read_text() == evil),
            "executed": base / "executed"}


def rows(attacked, stem: str) -> dict:
    return {r["exercise"]: r for r in attacked["report"]["exercises"] if Path(r["notebook"]).stem == stem}


def score(attacked, stem: str) -> tuple[float, float]:
    got = rows(attacked, stem)
    return sum(r["score"] for r in got.values()), sum(r["points"] for r in got.values())


def test_writing_results_forging_print_and_inflating_points_score_nothing(attacked):
    got = rows(attacked, "99_forge")
    assert score(attacked, "99_forge") == (0, 4)  # 99.1 (1), 99.2 (2), the private 99.1 (1): the grader's points
    assert got["99.1"]["feedback"].startswith("double(21) returned 23, expected 42")
    assert got["99.1-private"]["status"] == "failed"  # the private check ran although exec was replaced


def test_a_float_that_lies_is_refused_with_feedback(attacked):
    got = rows(attacked, "99_liars")
    assert score(attacked, "99_liars") == (0, 4)
    assert "cannot accept your answer" in got["99.2"]["feedback"] and "Liar" in got["99.2"]["feedback"]
    assert "Liar" in got["99.1"]["feedback"]


def test_patching_numpy_the_checks_and_their_points_in_the_kernel_changes_nothing(attacked):
    got = rows(attacked, "01_tamper")
    chapter_1 = checks.exercises_of_chapter(1)
    assert set(got) == {e.id for e in chapter_1}
    assert score(attacked, "01_tamper") == (0, sum(e.points for e in chapter_1))
    assert "returned 0, expected" in got["1.1"]["feedback"]
    executed = nbformat.read(attacked["executed"] / "01_tamper.ipynb", as_version=4)
    assert "solutions next to the package: False" in nbformat.writes(executed)  # no chapters/ beside its gdcore


def test_damage_stays_in_the_sandbox_of_the_submission_that_did_it(attacked):
    assert score(attacked, "99_damage") == (0, 4)  # its own rewritten checks did not help it
    assert score(attacked, "99_classmate") == (4, 4)  # read before any kernel ran: the overwrite did not reach it
    assert attacked["code"] == 1  # not 3: the grader's own gdcore and tools were never touched
    assert attacked["report_after"] == attacked["written"]  # the detached process was killed with the kernel
    alive = subprocess.run(["pgrep", "-f", SLEEPER], capture_output=True, text=True).stdout.split()
    assert not alive


@pytest.mark.parametrize("name", sorted(CRASHES))
def test_a_dead_kernel_keeps_the_passes_earned_before_and_says_where(attacked, name):
    got = rows(attacked, f"99_{name}")
    assert got["99.1"]["status"] == "passed"
    assert got["99.2"]["status"] == "not attempted"
    assert "the kernel died in cell" in got["99.2"]["feedback"]
    notebook = next(n for n in attacked["report"]["notebooks"] if Path(n["path"]).stem == f"99_{name}")
    assert notebook["problem"].startswith("the kernel died in cell")


def test_memory_is_limited_and_the_notebook_goes_on(attacked):
    executed = nbformat.read(attacked["executed"] / "99_memory.ipynb", as_version=4)
    assert "3 GiB refused" in nbformat.writes(executed)
    assert score(attacked, "99_memory") == (4, 4)


def test_a_change_to_the_grader_or_its_private_checks_stops_the_run_before_any_result(attacked):
    code, stderr, wrote = attacked["own"]
    assert code == 3 and not wrote
    assert "changed while the notebooks ran" in stderr and "99_checks.py" in stderr


def test_a_private_check_rewritten_and_put_back_is_never_run(attacked):
    code, stderr, wrote, still_rewritten = attacked["restore"]
    assert still_rewritten  # the grader ran the text it read at the start, never the rewritten file
    assert code == 3 and not wrote  # and the change, still on disk at the end, stopped the run
    assert "changed while the notebooks ran" in stderr and "99_checks.py" in stderr


# The grader under an audit hook (sys.addaudithook): what it opens and imports from the first
# student cell until it compares its fingerprint at the end.
AUDIT = """
import json, sys
import nbclient.client
from tools import grade, sandbox

state = {"on": False, "events": []}

def hook(event, args):
    if state["on"] and event in ("open", "import"):
        state["events"].append([event, str(args[0])])

sys.addaudithook(hook)
cell = nbclient.client.NotebookClient.async_execute_cell

async def first_cell_starts_the_watch(self, *args, **kwargs):
    state["on"] = True
    return await cell(self, *args, **kwargs)

nbclient.client.NotebookClient.async_execute_cell = first_cell_starts_the_watch
changed = sandbox.Fingerprint.changed

def end_of_the_watch(self):
    state["on"] = False
    return changed(self)

sandbox.Fingerprint.changed = end_of_the_watch
code = grade.main(sys.argv[1:])
print(json.dumps({"code": code, "events": state["events"]}))
"""

# A private check that reads gdcore's data sets when it runs, as a check that fits a model may, and
# overflows on the way (a warning would be printed with its source line, read from disk).
READS_DATA = """
import numpy as np
from gdcore import data
from gdcore.checks._core import exercise, failed, passed


@exercise("99.3-private", "double, on the airfoil's first target")
def check_double_data(double):
    y = float(data.load_airfoil().y[0])
    huge = np.float64(1e308) * double(y)
    return passed("ok") if double(y) == 2 * y and np.isinf(huge) else failed("no")


check_double_data(double)
"""


def class_and_private(tmp_path: Path, script: str) -> tuple[Path, Path]:
    """An empty class folder and a private folder with the fixture's trusted checks and ``script``."""
    folder, private = tmp_path / "class", tmp_path / "private"
    folder.mkdir()
    private.mkdir()
    (private / "99_checks.py").write_bytes((FIXTURES / "extra" / "99_checks.py").read_bytes())
    (private / "99_script.py").write_text(script)
    return folder, private


def test_nothing_of_the_grader_is_read_from_disk_while_students_code_runs(tmp_path):
    import site

    folder, private = class_and_private(tmp_path, READS_DATA)
    for name in ("99_a.ipynb", "99_b.ipynb"):  # one kernel at a time: the second starts after the first's cells
        nbformat.write(edition(FIXTURE, RIGHT_99), folder / name)
    (folder / FIRST.name).write_bytes(FIRST.read_bytes())  # the book's checks of a real chapter (np.median, say)
    env = {k: v for k, v in os.environ.items() if k != "GRADE_EXTRA"}
    done = subprocess.run([sys.executable, "-c", AUDIT, str(folder), "--jobs", "1", "--extra", str(private),
                           "--report", str(tmp_path / "report.json"), "--executed", str(tmp_path / "executed")],
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["code"] == 0, done.stderr[-2000:]  # every check passed, the data check among them
    assert "Warning" not in done.stderr
    assert [e for e in result["events"] if e[0] == "import"] == []
    # the grader, gdcore, the private checks, the venv and its kernel specs, the standard library
    guarded = [str(ROOT), str(private), sys.prefix, sys.base_prefix, *site.getsitepackages()]
    read = [path for event, path in result["events"] if event == "open" and path.startswith(tuple(guarded))]
    assert read == []


# A private script that uses the student's function before it defines its check (so the grader cannot
# know that check before the notebook runs), then calls the check on data of its own.
SCRIPT_VERDICT = """
from gdcore.checks._core import exercise, failed, passed

got = double(21)


@exercise("99.3-private", "double, as the script calls it")
def check_doubled(value):
    return passed("ok") if value == 42 else failed(f"double(21) gave {value!r}")


check_doubled(got)
"""

FORGED_CALL = """\
import gdcore.checks._core as core
core.CALLS.append(("99.3-private", (42,), {}))  # a call of the script's check, with the right value
core.CALLS.append(("=HYPERLINK(1)", (), {}))     # an id that is no check id: never reaches the report
"""


def test_a_forged_call_does_not_override_a_private_scripts_own_verdict(tmp_path):
    folder, private = class_and_private(tmp_path, SCRIPT_VERDICT)
    nbformat.write(edition(FIXTURE, WRONG_99, FORGED_CALL), folder / "99_forged.ipynb")
    run = grade(folder, "--extra", str(private))
    _, stderr = run.communicate(timeout=300)
    report = json.loads((tmp_path / "report.json").read_text())
    got = {r["exercise"]: r for r in report["exercises"]}
    assert got["99.3-private"]["status"] == "failed" and "gave 23" in got["99.3-private"]["feedback"]
    assert set(got) == {"99.1", "99.2", "99.3-private"}, stderr[-2000:]
