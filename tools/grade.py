"""Grade the exercises of chapter notebooks, with the checks in the grader's own process.

    python -m tools.grade                          # chapters/ (the book's own: a self-test)
    make grade                                     # build/student/chapters (the student edition)
    python -m tools.grade build/student/chapters   # the same, or any folder of notebooks
    python -m tools.grade chapters/01_calculus.ipynb --timeout 60
    python -m tools.grade --class submissions/     # one subfolder per student: a gradebook
    python -m tools.grade --figures ...            # the executed notebooks with their figures drawn
    python tools/grade.py ...                      # still works (runs python -m tools.grade)

Each notebook runs top to bottom in a fresh kernel, in a fresh folder that
holds only a copy of it and a copy of gdcore, with limits on time, memory and
processes (``tools/sandbox.py``); a failing cell does not stop it. The
student's kernel is untrusted: the grader records nothing it says about
results. After each cell the grader asks the kernel which checks the cell
called and with what (``gdcore.checks._core.CALLS``), and runs its own copy
of each check, in this process, on those answers: a number as plain data, a
function through a proxy that calls it in the kernel and reads its result
back as plain data (``tools/remote.py``). So a pass earned before a crash is
kept, and nothing the student's code does to its kernel (patching gdcore,
numpy, builtins, print) changes a verdict or a point. What the grader runs it
reads before any kernel starts; what a kernel can still do to the machine,
as the grading user, is in docs/coursework.md ("What is trusted").

A notebook's chapter is found from its content (its ``### Exercise N.k``
headings and stubs, else its check calls, else its ``NN_`` name), and every
exercise of that chapter gets one row: chapter, exercise, points, passed
(yes / no / not attempted) and the check's feedback. An exercise whose check
never ran is "not attempted", with one sentence that says which cell failed.
A file that cannot be read as a notebook is a row of its own, never a stop.

The table is printed, written as JSON (``build/grade/report.json``), and
appended to the GitHub job summary when ``$GITHUB_STEP_SUMMARY`` is set; the
executed notebooks go to ``build/grade/executed/`` (a figure in them is its
one-line text and an explorer has no frame: no check reads either, so the
kernels draw none unless ``--figures`` is given). With ``--class`` each
subfolder is one student's submission: the gradebook goes to
``build/grade/gradebook.csv`` and ``.json``, each student's report and
executed notebooks to ``build/grade/students/<student>/``. The exit status
is 0 only when every exercise passed; 3 when the grader's own files or the
private checks changed during the run (then no report is written).

Private checks: ``--extra DIR`` (or ``$GRADE_EXTRA``, or ``grading/extra/`` if
it exists) is a folder of Python scripts. After a notebook's cells, each
script whose name starts with the chapter's number (``01_*.py`` for chapter 1;
a script without a number runs for every chapter) runs in the grader's
process; a name the script does not define (the student's ``double``) is
looked up in the student's kernel, through the same proxies::

    from gdcore.checks._core import exercise, failed, passed

    @exercise("1.2-private", "central difference on a grid", points=2)
    def check_on_grid(central_difference):
        ...

    check_on_grid(central_difference)   # the student's function

A script may also only define checks: a call the notebook made to a check
with that id is then graded with the script's check. A script that raises is
reported as a failed row of its own.
"""

from __future__ import annotations

if __name__ == "__main__" and not __package__:  # `python tools/grade.py`: run it as `python -m tools.grade`
    from _script import run_as_module

    run_as_module("tools.grade")

import argparse
import asyncio
import atexit
import builtins
import csv
import html
import json
import math
import os
import re
import sys
import time
import warnings
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .conventions import EXERCISE_HEADING, chapter_number, exercise_chapter, natural_key, stub_prefix

DEFAULT_TIMEOUT = 300  # seconds per notebook
GRACE = 30  # seconds a kernel gets to obey the interrupt at the time limit before it is shut down
STARTUP = 60  # seconds a kernel may take to start (nbclient's own limit), before the time limit begins
STATUSES = ("passed", "failed", "not attempted")
KERNEL_SIDE = Path(__file__).resolve().parent / "kernel_side.py"


# --------------------------------------------------------------------------- what was found


@dataclass
class Row:
    notebook: str
    chapter: str
    exercise: str
    title: str
    points: float
    score: float
    status: str  # one of STATUSES
    feedback: str
    student: str = ""  # the submission's folder in a --class run

    @property
    def passed(self) -> bool:
        return self.status == "passed"


@dataclass
class NotebookReport:
    path: str
    chapter: str
    seconds: float = 0.0
    cpu_seconds: float | None = None  # the kernel's CPU time (None where it could not be measured)
    problem: str = ""  # time limit, dead kernel, unreadable file, ...: one sentence
    rows: list[Row] = field(default_factory=list)
    student: str = ""
    chapter_number: int | None = None  # found from the content


@dataclass
class Submission:
    """A file to grade: its bytes read once, before any kernel runs (a kernel cannot swap them)."""

    path: Path
    student: str = ""
    data: bytes = b""
    nb: object = None
    problem: str = ""  # why it is not a notebook the grader can run
    chapter: int | None = None


# --------------------------------------------------------------------------- reading submissions


def load(path: Path, student: str = "") -> Submission:
    """Read and validate a notebook; a problem is a sentence, never an exception."""
    import nbformat

    sub = Submission(path, student)
    if student and path.is_symlink():  # it could point at a classmate's notebook, or at the instructor's files
        sub.problem = "is a symbolic link, not a file of the submission"
        return sub
    try:
        sub.data = path.read_bytes()
    except OSError as error:
        sub.problem = f"could not be read ({error.strerror or error})"
        return sub
    if not sub.data.strip():
        sub.problem = "is empty"
        return sub
    try:
        text = sub.data.decode("utf-8")
    except UnicodeDecodeError:
        sub.problem = "is not a notebook (not UTF-8 text; an image or other binary file?)"
        return sub
    try:
        raw = json.loads(text)
    except ValueError as error:
        sub.problem = f"is not a notebook (not valid JSON: {getattr(error, 'msg', error)} at line {getattr(error, 'lineno', '?')})"
        return sub
    if not isinstance(raw, dict) or not ("cells" in raw or "worksheets" in raw):
        sub.problem = "is JSON but not a notebook (no cells)"
        return sub
    major = raw.get("nbformat")
    if major not in (3, 4):
        sub.problem = f"has notebook format {major!r}; the grader reads format 4 (save it again in JupyterLab)"
        return sub
    try:
        nb = nbformat.reads(text, as_version=4)
        nbformat.validate(nb)
    except Exception as error:  # nbformat raises many kinds; each is a sentence here
        first = (str(error).strip().splitlines() or [type(error).__name__])[0][:160]
        sub.problem = f"is not a valid notebook ({first})"
        return sub
    sub.nb = nb
    return sub


def notebook_chapter(nb, name: str, registry: dict) -> int | None:
    """The chapter a notebook holds, from its content: exercise headings and stubs, then check calls, then its name."""
    found = Counter()
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            found.update(exercise_chapter(i) for i, _ in EXERCISE_HEADING.findall(cell.source))
        elif cell.cell_type == "code":
            found.update(int(n) for n in re.findall(r'NotImplementedError\("Exercise (\d+)\.\d+', cell.source))
    found.pop(None, None)
    if not found:
        checks = {info["check"]: exercise_chapter(k) for k, info in registry.items() if info.get("check")}
        for cell in nb.cells:
            if cell.cell_type == "code":
                found.update(checks[n] for n in re.findall(r"\b(check_\w+)\s*\(", cell.source) if n in checks)
        found.pop(None, None)
    if found:
        return found.most_common(1)[0][0]
    return chapter_number(name)


# --------------------------------------------------------------------------- running a notebook


@dataclass(frozen=True)
class PrivateScript:
    """A private check script as it was when the run began: its text is read once, before any kernel runs."""

    path: Path
    source: str


def read_private_scripts(folder: Path | None) -> list[PrivateScript]:
    """Every private check script in ``folder``, read now. The grader runs these texts, never the files
    again: a kernel that rewrites a script and puts it back cannot change a verdict of this run."""
    if folder is None or not folder.is_dir():
        return []
    return [PrivateScript(path.resolve(), path.read_text(encoding="utf-8")) for path in sorted(folder.glob("*.py"))]


def extra_scripts(scripts: list[PrivateScript], chapter: int | None) -> list[PrivateScript]:
    """The private check scripts that apply to a chapter (``01_*.py`` to chapter 1; one without a number to all)."""
    return [s for s in scripts if chapter_number(s.path.name) in (None, chapter)]


NUMPY_LAZY = ("ma", "fft", "linalg", "polynomial", "random", "strings", "char", "rec")


def import_own_code() -> None:
    """Import, before any kernel runs, every module the grader and its checks can reach (gdcore but its
    views, which no check imports; tools.remote and tools.sandbox), and read gdcore's data sets (a check
    may fit a model to one): nothing of gdcore's or the grader's own is read from disk while students'
    code runs."""
    import importlib
    import pkgutil

    import gdcore
    from gdcore import data

    from . import remote, sandbox  # noqa: F401

    for part in NUMPY_LAZY:  # numpy loads these on first use (np.median imports numpy.ma)
        importlib.import_module(f"numpy.{part}")

    def walk(package) -> None:
        for info in pkgutil.iter_modules(package.__path__, package.__name__ + "."):
            if info.name not in ("gdcore.plotting", "gdcore.widgets"):
                module = importlib.import_module(info.name)
                if info.ispkg:
                    walk(module)

    walk(gdcore)
    for name in dir(data):
        if name.startswith("load_"):
            getattr(data, name)()  # kept in memory by gdcore.data from now on


def pinned_kernel_manager(kernel_name: str = "python3") -> type:
    """A kernel manager class whose kernel spec is the one read now, with its provisioner found now.

    Without it every kernel start reads the spec from Jupyter's data folders again, and a spec that
    names a provisioner not yet loaded makes jupyter_client look for one on the grader's import path:
    a kernel that can write there would run code in the grader. Raises LookupError (a usage error)
    when the spec is missing or names a provisioner that is not installed."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
    from jupyter_client.manager import AsyncKernelManager
    from jupyter_client.provisioning import KernelProvisionerFactory

    try:
        spec = KernelSpecManager().get_kernel_spec(kernel_name)
    except NoSuchKernel as error:
        raise LookupError(f"no Jupyter kernel named {kernel_name!r} is installed ({error})") from None
    factory = KernelProvisionerFactory.instance()
    if not factory.is_provisioner_available(spec):
        name = spec.metadata.get("kernel_provisioner", {}).get("provisioner_name")
        raise LookupError(f"the {kernel_name!r} kernel spec names the provisioner {name!r}, which is not installed")

    class PinnedKernelManager(AsyncKernelManager):
        @property
        def kernel_spec(self):
            return spec

    return PinnedKernelManager


@dataclass(frozen=True)
class Prepared:
    """What every notebook of a run gets, made once, before any kernel runs."""

    template: object  # tools.sandbox.Template: the sandbox's gdcore and matplotlib's font list
    kernel_side: str  # the source of tools/kernel_side.py
    kernel_manager: type  # pinned_kernel_manager()


@dataclass
class Trusted:
    """A verdict of the grader's own check: the result and the cell whose call it graded."""

    result: object  # gdcore.checks._core.CheckResult
    cell: int


@dataclass
class Execution:
    nb: object
    seconds: float
    report: dict | None = None  # {"cpu_seconds": ...} as the kernel said (information only)
    stopped_at: int | None = None  # index of the cell running when the time limit hit
    died_at: int | None = None  # index of the cell running when the kernel died
    results_error: str = ""
    current: int = 0  # index of the cell running now
    trusted: dict = field(default_factory=dict)  # exercise id -> Trusted
    extra_errors: dict = field(default_factory=dict)  # private script -> "Error: message"
    private: dict = field(default_factory=dict)  # exercise id -> {"title", "points", "check"} of private checks
    died_in_check: str = ""  # the exercise whose check was running when the kernel died
    definitions: dict = field(default_factory=dict)  # exercise id -> Exercise, the private scripts' checks
    unknown: dict = field(default_factory=dict)  # exercise id the notebook called a check of, unknown to the grader -> cell


def book_exercises():
    from gdcore import checks

    return checks.EXERCISES


def run_check(exercise, args, kwargs):
    """The grader's own check on the student's answers (in a worker thread, in a private scope, with
    numpy's floating-point warnings off: an answer such as 1e308 overflows in a check, which then fails,
    and a warning would only print a line of the check's source, read from disk, into the grader's output)."""
    import numpy as np

    from gdcore.checks._core import private_scope

    with private_scope(), np.errstate(all="ignore"):
        return exercise.check(*args, **kwargs)


class StudentNames(dict):
    """The globals of a private script: a name it does not define is the student's, fetched from the kernel."""

    def __init__(self, kernel, script: PrivateScript):
        super().__init__(__name__="__grade_private__", __file__=str(script.path), __builtins__=builtins)
        self.kernel = kernel

    def __missing__(self, name):
        if name.startswith("__") or hasattr(builtins, name):
            raise KeyError(name)
        reply = self.kernel.ask(f"__import__('_gdgrade').lookup({name!r})")
        if isinstance(reply, dict) and "$error" in reply:
            raise KeyError(name)
        return self.kernel.decode_answer(reply)


class _NoStudentNames(dict):
    """The globals of a private script read before the notebook runs: only its own definitions count."""

    def __missing__(self, name):
        raise KeyError(name)


def catalogue(exercises: dict) -> dict:
    """Title, points and check name of each exercise, by id (the private checks as the reports list them)."""
    return {k: {"title": e.title, "points": e.points, "check": e.check.__name__} for k, e in exercises.items()}


def private_definitions(scripts: list[PrivateScript]) -> dict:
    """The checks the private scripts define (run up to their first use of a student's name), by exercise id.

    With them the grader grades the notebook's own calls of a private check
    right after the cell that made them, like the book's (so a kernel that
    dies later does not take the pass with it).
    """
    from gdcore.checks._core import private_scope

    with private_scope() as (exercises, _):
        for script in scripts:
            try:
                code = compile(script.source, str(script.path), "exec")
                exec(code, _NoStudentNames(__name__="__grade_private__", __file__=str(script.path),
                                           __builtins__=builtins))
            except Exception:  # reported by the full run at the end
                pass
    return dict(exercises)


@dataclass
class PrivateOutcome:
    """What the private scripts gave one notebook: verdicts, calls of unknown checks, scripts that raised,
    and the catalogue of their checks (``Execution``'s fields of the same names)."""

    trusted: dict = field(default_factory=dict)
    unknown: dict = field(default_factory=dict)
    extra_errors: dict = field(default_factory=dict)
    private: dict = field(default_factory=dict)


def run_private(kernel, scripts: list[PrivateScript], deferred: list, cells: int) -> PrivateOutcome:
    """Run the private scripts in this process, then grade the notebook's calls of their checks.

    It runs in a worker thread and returns what it found rather than writing it into the notebook's
    ``Execution``: a thread outlives the time limit that gave up on it, and must not change a report
    that is being written."""
    import numpy as np

    from gdcore.checks._core import private_scope

    out = PrivateOutcome()
    with private_scope() as (exercises, results), np.errstate(all="ignore"):
        for script in scripts:
            try:
                code = compile(script.source, str(script.path), "exec")
                exec(code, StudentNames(kernel, script))  # noqa: S102 (the instructor's own script)
            except BaseException as error:  # noqa: B036
                if isinstance(error, KeyboardInterrupt):
                    raise
                out.extra_errors[str(script.path)] = f"{type(error).__name__}: {error}"
        for exercise_id, args, kwargs, cell in deferred:
            exercise = exercises.get(exercise_id)
            if exercise is None:
                out.unknown[exercise_id] = cell
                continue
            if exercise_id in results:  # the script called this check itself, with its own data: that verdict counts
                continue
            decoded, named, refused = _decode_call(kernel, exercise_id, exercise, args, kwargs)
            out.trusted[exercise_id] = Trusted(refused or exercise.check(*decoded, **named), cell)
        for exercise_id, result in results.items():
            out.trusted[exercise_id] = Trusted(result, cells)
        out.private = catalogue(exercises)
    return out


def _decode_call(kernel, exercise_id: str, exercise, args, kwargs):
    """A check call's arguments as plain data, ``(args, kwargs, None)``; or ``(None, None, failed result)``
    saying why the grader refused them."""
    from gdcore.checks._core import CheckResult

    from .remote import AnswerError

    try:
        return [kernel.decode_answer(a) for a in args], {k: kernel.decode_answer(v) for k, v in kwargs}, None
    except AnswerError as error:
        return None, None, CheckResult(exercise_id, exercise.title, False, error.feedback, exercise.points)


# The form of a check id that may be reported as "Not graded" when the grader knows no check of that id
# (an id comes from the kernel, and a report shows it): "1.2", "1.2-private".
CHECK_ID = re.compile(r"\d{1,3}\.\d{1,3}(-[A-Za-z0-9_.-]{1,40})?")
MAX_CALLS = 200  # check calls one cell may report


def _valid_calls(reply) -> list:
    """The kernel's list of check calls (its last ``MAX_CALLS``), kept only where it has the expected plain shape."""
    if type(reply) is not list:
        return []
    calls = []
    for item in reply[-MAX_CALLS:]:  # a later call of a check replaces an earlier one: keep the last ones
        if (type(item) is list and len(item) == 3 and type(item[0]) is str and len(item[0]) <= 80
                and type(item[1]) is list and type(item[2]) is list
                and all(type(p) is list and len(p) == 2 and type(p[0]) is str for p in item[2])):
            calls.append(item)
    return calls


NEW_CALLS = "__import__('_gdgrade').new_calls()"  # the kernel's answer: the check calls made since it last said


async def grade_calls(kernel, run: Execution, cell: int, deferred: list, reply: dict | None = None) -> None:
    """Run the grader's own check for every check call the cell made.

    The calls come with the cell's own execute reply (``reply``: the request
    asked for ``NEW_CALLS`` as a user expression, which the kernel evaluates
    right after the cell, when the cell ran without an error); otherwise the
    grader asks for them in a request of its own.
    """
    from .remote import AnswerError, KernelGone, expression_value

    try:  # an idle kernel answers in milliseconds; a busy machine may take long, so wait (and never interrupt)
        try:
            answer = expression_value(reply, "calls")
        except AnswerError:  # not in the reply (the cell raised, or the helper broke): ask
            answer = await kernel.ask_async(NEW_CALLS, timeout=300, interrupt=False)
        calls = _valid_calls(answer)
    except (AnswerError, TimeoutError):  # the student's code broke the helper (or the kernel hangs): no answers
        return
    exercises = {**run.definitions, **book_exercises()}
    for exercise_id, args, kwargs in calls:
        exercise = exercises.get(exercise_id)
        if exercise is None:
            deferred.append((exercise_id, args, kwargs, cell))
            continue
        decoded, named, refused = _decode_call(kernel, exercise_id, exercise, args, kwargs)
        if refused is not None:
            run.trusted[exercise_id] = Trusted(refused, cell)
            continue
        result = await asyncio.to_thread(run_check, exercise, decoded, named)
        if kernel.dead:
            run.died_in_check = exercise_id
            raise KernelGone("the kernel died while a check ran the student's function")
        run.trusted[exercise_id] = Trusted(result, cell)


SHELL_POLL_SLICE = 0.25  # seconds: the longest a reply can sit unread on the shell socket


def wait_for_replies_in_slices(channel) -> None:
    """Make ``channel.get_msg(timeout)`` wait in slices of ``SHELL_POLL_SLICE`` s rather than one long poll.

    nbclient waits for a cell's execute reply in one poll of the shell socket
    lasting the whole cell time limit. When a cell shows an ``Output`` widget,
    nbclient itself sends the widget's state to the kernel on that same socket
    during that poll, and the send can swallow the poll's wake-up
    (nbclient issue #312): the reply then sits unread until the limit, and a
    correct notebook is graded as stopped at its time limit. Each new poll
    looks at the socket afresh, so a short slice bounds that delay without
    changing any limit.
    """
    from queue import Empty

    get = channel.get_msg

    async def get_msg(timeout: float | None = None):
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            left = SHELL_POLL_SLICE if deadline is None else max(0.0, deadline - time.monotonic())
            try:
                return await get(timeout=min(SHELL_POLL_SLICE, left))
            except Empty:
                if deadline is not None and time.monotonic() >= deadline:
                    raise

    channel.get_msg = get_msg


async def execute(run: Execution, sub: Submission, timeout: float, scripts: list[PrivateScript], limits,
                  prepared: Prepared, call_timeout: float, figures: bool = False) -> None:
    """Run ``run.nb`` in a fresh kernel and sandbox, cell by cell, within ``timeout`` seconds in all."""
    from nbclient import NotebookClient
    from nbclient.exceptions import DeadKernelError

    from .remote import Kernel, KernelGone
    from .sandbox import Sandbox

    nb = run.nb
    run.definitions = await asyncio.to_thread(private_definitions, scripts)
    run.private = catalogue(run.definitions)
    sandbox = Sandbox(sub.path.name if sub.path.suffix == ".ipynb" else "notebook.ipynb", sub.data, prepared.template,
                      limits)
    replies: dict[int, dict] = {}  # cell index -> its execute reply, which carries the calls the cell made

    def executed(cell, cell_index, execute_reply):
        replies[cell_index] = execute_reply

    # shut down "immediate": the kernel is killed at once (its process group and token too, in sandbox.end),
    # rather than asked to exit and waited for; nothing it would do on a graceful exit is graded
    client = NotebookClient(nb, kernel_name="python3", kernel_manager_class=prepared.kernel_manager,
                            allow_errors=True, interrupt_on_timeout=True,
                            record_timing=False, shutdown_kernel="immediate", on_cell_executed=executed,
                            resources={"metadata": {"path": str(sandbox.work)}})
    start = time.monotonic()
    deadline = start + timeout
    index = 0
    deferred: list = []
    kernel = None
    try:
        async with client.async_setup_kernel(**sandbox.kernel_kwargs()):
            sandbox.pgid = getattr(client.km.provisioner, "pgid", None)
            kernel = Kernel(client, asyncio.get_running_loop(), timeout=call_timeout)
            request = client.kc.execute

            def execute_cell(code, *args, **kwargs):  # a cell's request also asks for the calls it made
                kwargs.setdefault("user_expressions", {"calls": NEW_CALLS})
                return request(code, *args, **kwargs)

            client.kc.execute = execute_cell
            wait_for_replies_in_slices(client.kc.shell_channel)
            await kernel.ask_async(
                "(lambda s, t: (t.modules.__setitem__('_gdgrade', s), exec(compile(" + repr(prepared.kernel_side)
                + ", 'kernel_side.py', 'exec'), s.__dict__), '[]')[-1])(__import__('types').ModuleType('_gdgrade'),"
                " __import__('sys'))", timeout=60)
            if not figures:  # no check reads a figure or an explorer's frame: drawing them is only time
                await kernel.ask_async("__import__('_gdgrade').without_figures()", timeout=60, interrupt=False)
            deadline = time.monotonic() + timeout  # the time limit counts from a ready kernel: the cells' time
            for index, cell in enumerate(nb.cells):
                if cell.cell_type != "code":
                    continue
                run.current = index
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    run.stopped_at = index
                    break
                client.timeout = max(1, math.ceil(remaining))
                await client.async_execute_cell(cell, index, execution_count=client.code_cells_executed + 1)
                await grade_calls(kernel, run, index, deferred, replies.pop(index, None))
                if time.monotonic() >= deadline:
                    run.stopped_at = index
                    break
            run.current = len(nb.cells)
            if scripts or deferred:
                private = await asyncio.to_thread(run_private, kernel, scripts, deferred, len(nb.cells))
                run.trusted.update(private.trusted)
                run.unknown.update(private.unknown)
                run.extra_errors.update(private.extra_errors)
                run.private = private.private
            run.unknown.update({d[0]: d[3] for d in deferred if d[0] not in run.trusted and not scripts})
            try:
                usage = await kernel.ask_async("__import__('json').dumps((lambda u: round(u.ru_utime + u.ru_stime, 1))"
                                               "(__import__('resource').getrusage(0)))", timeout=10)
                if type(usage) is float:
                    run.report = {"cpu_seconds": usage}
            except Exception:  # information only
                pass
    except (DeadKernelError, KernelGone):  # the kernel died, or was shut down at the time limit
        if time.monotonic() >= deadline:
            run.stopped_at = min(index, len(nb.cells) - 1)
        else:
            run.died_at = index
    finally:
        run.seconds = time.monotonic() - start
        atexit.unregister(client._cleanup_kernel)  # nbclient's hook for a kernel that failed to start
        sandbox.end()


# --------------------------------------------------------------------------- reading the results


def _first_line(text: str, limit: int = 160) -> str:
    line = (str(text).strip().splitlines() or [""])[0]
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _error(cell) -> tuple[str, str] | None:
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            return output.get("ename", "Error"), _first_line(output.get("evalue", ""))
    return None


def _raised(number: int, error: tuple[str, str]) -> str:
    name, value = error
    return f"cell {number} raised {name}" + (f" ({value})" if value else "")


def why_not_run(nb, check: str, run: Execution, timeout: float, check_cells_before: set[int]) -> str:
    """One sentence: why the check ``check`` recorded no result."""
    if not check:
        return "Not attempted: its check never ran."
    cells = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and re.search(rf"\b{re.escape(check)}\s*\(", c.source)]
    if not cells:
        return f"Not attempted: no cell calls {check}() (was the check cell deleted?)."
    index = cells[-1]
    if run.stopped_at is not None and index >= run.stopped_at:
        return (f"Not attempted: the notebook was stopped at its time limit of {timeout:g} s in cell "
                f"{run.stopped_at + 1}, before the check in cell {index + 1} ran.")
    if run.died_at is not None and index >= run.died_at:
        return (f"Not attempted: the kernel died in cell {run.died_at + 1} (out of memory, a crash or an exit), "
                f"before the check in cell {index + 1} ran.")
    error = _error(nb.cells[index])
    if error is None:
        return f"Not attempted: cell {index + 1} ran without calling {check}()."
    # the nearest earlier failing cell since the previous check cell is the likely cause
    earlier = max((i for i in check_cells_before if i < index), default=-1)
    cause = next((i for i in range(index - 1, earlier, -1) if _error(nb.cells[i])), None)
    if cause is not None:
        return f"Not attempted: {_raised(cause + 1, _error(nb.cells[cause]))}, so the check in {_raised(index + 1, error)}."
    return f"Not attempted: the check in {_raised(index + 1, error)}."


def still_a_stub(nb, exercise_id: str) -> int | None:
    """The index of the cell where exercise ``exercise_id``'s stub raised NotImplementedError, if it did."""
    stub = stub_prefix(exercise_id)
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and stub in cell.source and (_error(cell) or ("",))[0] == "NotImplementedError":
            return index
    return None


def grade_execution(path: Path, run: Execution, timeout: float, registry: dict, chapter: int | None = None,
                    student: str = "") -> NotebookReport:
    """One row per exercise of the notebook's chapter (and per private check that ran), from the grader's own verdicts."""
    if chapter is None:
        chapter = notebook_chapter(run.nb, path.name, registry)
    report = NotebookReport(str(path), path.stem, round(run.seconds, 1), (run.report or {}).get("cpu_seconds"),
                            student=student, chapter_number=chapter)
    if run.stopped_at is not None:
        report.problem = f"stopped at its time limit of {timeout:g} s in cell {run.stopped_at + 1}"
    elif run.died_at is not None:
        where = f" while the check of exercise {run.died_in_check} ran your function" if run.died_in_check else ""
        report.problem = f"the kernel died in cell {run.died_at + 1}{where}"
    exercises = dict(registry)
    exercises.update(run.private)
    results = {k: t.result for k, t in run.trusted.items()}
    ids = {k for k in exercises if exercise_chapter(k) == chapter} if chapter is not None else set()
    ids |= {k for k in results if chapter is None or exercise_chapter(k) in (chapter, None)}
    check_cells = {i for i, c in enumerate(run.nb.cells) if c.cell_type == "code" for k in ids
                   if exercises.get(k, {}).get("check") and re.search(rf"\b{re.escape(exercises[k]['check'])}\s*\(", c.source)}
    for k in sorted(ids, key=natural_key):
        info = exercises.get(k, {})
        stub = still_a_stub(run.nb, k)
        r = results.get(k)
        if r is not None and stub is not None:
            # the check ran, but on a value from elsewhere in the notebook: the exercise is still to do
            row = Row(report.path, report.chapter, k, r.title, r.points, 0.0, "not attempted",
                      f"Not attempted: cell {stub + 1} still raises NotImplementedError; replace it with your "
                      f"answer (the check ran on a value defined elsewhere in the notebook).", student)
        elif r is not None:
            status = "passed" if r.passed else ("failed" if r.attempted else "not attempted")
            row = Row(report.path, report.chapter, k, r.title, r.points, r.score, status, r.message, student)
        elif k in run.private and (run.died_at is not None or run.stopped_at is not None) \
                and not any(re.search(rf"\b{re.escape(info.get('check', ''))}\s*\(", c.source) for c in run.nb.cells):
            row = Row(report.path, report.chapter, k, info.get("title", ""), info.get("points", 0.0), 0.0,
                      "not attempted", f"Not attempted: {report.problem}, before the private checks ran.", student)
        else:
            row = Row(report.path, report.chapter, k, info.get("title", ""), info.get("points", 0.0), 0.0,
                      "not attempted", why_not_run(run.nb, info.get("check", ""), run, timeout, check_cells), student)
        report.rows.append(row)
    for k, cell in sorted(run.unknown.items(), key=lambda item: natural_key(item[0])):
        if k not in ids and CHECK_ID.fullmatch(k) and (chapter is None or exercise_chapter(k) in (chapter, None)):
            report.rows.append(Row(report.path, report.chapter, k, "", 0.0, 0.0, "failed",
                                   f"Not graded: cell {cell + 1} calls a check of exercise {k}, which the grader does not "
                                   "have (a check defined in the notebook is not trusted; give the grader its own copy "
                                   "with --extra).", student))
    for script, error in run.extra_errors.items():
        report.rows.append(Row(report.path, report.chapter, f"extra: {Path(script).name}", "private checks", 0.0, 0.0,
                               "failed", f"The private check script raised {_first_line(error)}", student))
    return report


def unreadable_report(sub: Submission) -> NotebookReport:
    """The report of a file the grader could not run: one failed row that says why."""
    report = NotebookReport(str(sub.path), sub.path.stem, problem=f"{sub.path.name} {sub.problem}", student=sub.student)
    report.rows.append(Row(report.path, report.chapter, "file", "the submitted file", 0.0, 0.0, "failed",
                           f"Not graded: {sub.path.name} {sub.problem}.", sub.student))
    return report


def book_registry() -> dict:
    """Every exercise the grader's gdcore knows (the grader's own copy: the checks it trusts)."""
    return {k: {"title": e.title, "points": e.points, "check": e.check.__name__} for k, e in book_exercises().items()}


# --------------------------------------------------------------------------- the report


def _points(row: Row) -> str:
    return f"{row.score:g}/{row.points:g}"


def _passed(row: Row) -> str:
    return {"passed": "yes", "failed": "no"}.get(row.status, row.status)


# Control characters (newlines, terminal escapes, bidirectional overrides): a student's text, such as the
# message of an exception their code raised, is one line wherever the grader shows it.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]+")


def one_line(text) -> str:
    return _CONTROL.sub(" ", str(text))


def spreadsheet_text(text) -> str:
    """A text cell of the gradebook as a spreadsheet shows it: one line, never a formula."""
    text = one_line(text)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def table(reports: list[NotebookReport]) -> str:
    rows = [row for r in reports for row in r.rows]
    students = any(row.student for row in rows)
    header = (("student",) if students else ()) + ("chapter", "exercise", "points", "passed", "feedback")
    cells = [header] + [tuple(map(one_line, ((r.student,) if students else ())
                                  + (r.chapter, r.exercise, _points(r), _passed(r), r.feedback)))
                        for r in rows]
    n = len(header) - 1
    widths = [max(len(c[i]) for c in cells) for i in range(n)]
    lines = ["  ".join(c[i].ljust(widths[i]) for i in range(n)) + "  " + c[n] for c in cells]
    lines.insert(1, "  ".join("-" * w for w in widths) + "  " + "-" * len("feedback"))
    return "\n".join(line.rstrip() for line in lines)


def totals(reports: list[NotebookReport]) -> dict:
    rows = [row for r in reports for row in r.rows]
    counts = {s: sum(row.status == s for row in rows) for s in STATUSES}
    return {"score": sum(r.score for r in rows), "points": sum(r.points for r in rows),
            "exercises": len(rows), **{s.replace(" ", "_"): n for s, n in counts.items()},
            "problems": [f"{(r.student + '/') if r.student else ''}{Path(r.path).name}: {r.problem}"
                         for r in reports if r.problem]}


def summary_line(t: dict) -> str:
    return (f"Score {t['score']:g}/{t['points']:g}: {t['passed']} passed, {t['failed']} failed, "
            f"{t['not_attempted']} not attempted, of {t['exercises']} exercises.")


def markdown(reports: list[NotebookReport], t: dict) -> str:
    def esc(text: str) -> str:  # one line in a table cell: no HTML, no link, no picture (brackets escaped)
        return re.sub(r"([\\\[\]|])", r"\\\1", html.escape(one_line(text), quote=False))

    icon = {"passed": "✅ yes", "failed": "❌ no", "not attempted": "⬜ not attempted"}
    lines = ["## Exercises", "", summary_line(t), ""]
    lines += [f"- ⚠️ {esc(p)}" for p in t["problems"]]
    lines += ["", "| chapter | exercise | points | passed | feedback |", "| --- | --- | --- | --- | --- |"]
    for r in reports:
        for row in r.rows:
            lines.append(f"| {esc(row.chapter)} | {esc(row.exercise)} {esc(row.title)} | {_points(row)} | "
                         f"{icon[row.status]} | {esc(row.feedback)} |")
    return "\n".join(lines) + "\n"


def report_document(reports: list[NotebookReport], t: dict) -> dict:
    return {"totals": t, "notebooks": [{k: v for k, v in asdict(r).items() if k != "rows"} for r in reports],
            "exercises": [asdict(row) | {"passed": row.passed} for r in reports for row in r.rows]}


def write_json(path: Path, document) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def write_reports(reports: list[NotebookReport], t: dict, json_path: Path) -> None:
    write_json(json_path, report_document(reports, t))
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        with open(summary, "a", encoding="utf-8") as handle:
            handle.write(markdown(reports, t))


# --------------------------------------------------------------------------- a class


GRADEBOOK_FIELDS = ("student", "chapter", "exercise", "points", "max_points", "status", "feedback")


def missing_reports(student: str, reports: list[NotebookReport], chapters: list[int], registry: dict) -> list[NotebookReport]:
    """One report per expected chapter that no notebook of the student holds."""
    held = {r.chapter_number for r in reports}
    out = []
    for chapter in chapters:
        if chapter in held:
            continue
        report = NotebookReport(f"(chapter {chapter})", f"chapter {chapter}", student=student, chapter_number=chapter,
                                problem=f"no notebook holds the exercises of chapter {chapter}")
        for k in sorted((k for k in registry if exercise_chapter(k) == chapter), key=natural_key):
            report.rows.append(Row(report.path, report.chapter, k, registry[k]["title"], registry[k]["points"], 0.0,
                                   "not attempted", f"Missing: no notebook of this submission holds the exercises "
                                   f"of chapter {chapter}.", student))
        out.append(report)
    return out


def gradebook(reports: list[NotebookReport]) -> list[dict]:
    """One line per student and exercise: the best notebook of each chapter counts."""
    best: dict[tuple[str, int | None], NotebookReport] = {}
    for r in reports:
        key = (r.student, r.chapter_number)
        score = sum(row.score for row in r.rows)
        if key not in best or score > sum(row.score for row in best[key].rows):
            best[key] = r
    lines = []
    for r in reports:
        chosen = best[(r.student, r.chapter_number)] is r
        for row in r.rows:
            if chosen or row.exercise == "file":
                lines.append({"student": r.student, "chapter": r.chapter_number if r.chapter_number is not None else "",
                              "exercise": row.exercise, "points": row.score, "max_points": row.points,
                              "status": row.status, "feedback": row.feedback})
    return sorted(lines, key=lambda x: (x["student"], str(x["chapter"]), natural_key(x["exercise"])))


def write_class(reports: list[NotebookReport], out: Path) -> dict:
    lines = gradebook(reports)
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "gradebook.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=GRADEBOOK_FIELDS)
        writer.writeheader()
        writer.writerows({k: spreadsheet_text(v) if isinstance(v, str) else v for k, v in line.items()}
                         for line in lines)
    students = sorted({r.student for r in reports})
    per_student = {}
    for student in students:
        mine = [r for r in reports if r.student == student]
        t = totals(mine)
        per_student[student] = {"score": sum(x["points"] for x in lines if x["student"] == student),
                                "points": sum(x["max_points"] for x in lines if x["student"] == student),
                                "problems": t["problems"]}
        write_json(out / "students" / student / "report.json", report_document(mine, t))
    write_json(out / "gradebook.json", {"students": per_student, "exercises": lines})
    return per_student


# --------------------------------------------------------------------------- main


def notebooks_in(paths: list[Path]) -> list[Path]:
    found = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.glob("*.ipynb") if not p.name.startswith("."))
        elif path.suffix == ".ipynb" and path.exists():
            found.append(path)
        else:
            raise FileNotFoundError(f"{path} is neither a notebook nor a folder of notebooks"
                                    + (" (run `make student` first)" if "student" in str(path) else ""))
    return found


def class_submissions(folder: Path) -> list[tuple[str, list[Path]]]:
    """Each subfolder of ``folder`` is one student; their notebooks are every ``*.ipynb`` inside it."""
    students = []
    for sub in sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")):
        files = sorted(p for p in sub.rglob("*") if p.suffix.lower() == ".ipynb" and (p.is_file() or p.is_symlink())
                       and not any(part.startswith(".") for part in p.relative_to(sub).parts))
        students.append((sub.name, files))
    return students


@dataclass
class Options:
    timeout: float = DEFAULT_TIMEOUT
    jobs: int = 1
    extra: list[PrivateScript] = field(default_factory=list)  # read once, at the start (read_private_scripts)
    executed: Path | None = None
    limits: object = None
    call_timeout: float = 60.0
    figures: bool = False  # draw the notebooks' figures (only the executed copies show them)
    kernel_manager: type | None = None  # pinned_kernel_manager(), made before any kernel runs


async def grade_all(subs: list[Submission], opts: Options, registry: dict,
                    previous: dict[str, float] | None = None) -> list[NotebookReport]:
    import nbformat

    from gdcore import __file__ as gdcore_init

    from .sandbox import Template

    # what every sandbox gets (gdcore compiled, matplotlib's font list), made once and kept in memory;
    # the kernel side and the kernel spec read once: no kernel can change what the next one gets
    prepared = Prepared(await asyncio.to_thread(Template, Path(gdcore_init).resolve().parent),
                        KERNEL_SIDE.read_text(encoding="utf-8"), opts.kernel_manager or pinned_kernel_manager())
    gate = asyncio.Semaphore(opts.jobs)

    async def one(sub: Submission) -> NotebookReport:
        if sub.nb is None:
            return unreadable_report(sub)
        async with gate:
            scripts = extra_scripts(opts.extra, sub.chapter)
            run = Execution(sub.nb, 0.0)
            try:
                await asyncio.wait_for(execute(run, sub, opts.timeout, scripts, opts.limits, prepared,
                                               opts.call_timeout, opts.figures), STARTUP + opts.timeout + GRACE)
            except asyncio.TimeoutError:  # the kernel ignored the interrupt: it has been shut down
                run.stopped_at = min(run.current, len(run.nb.cells) - 1)
            except Exception as error:  # anything else about one notebook is its problem, never the run's
                run.died_at = run.current
                failure = f"the grader could not run it ({type(error).__name__}: {_first_line(error, 120)})"
            else:
                failure = ""
            report = grade_execution(sub.path, run, opts.timeout, registry, sub.chapter, sub.student)
            report.problem = failure or report.problem
            if opts.executed is not None:
                folder = opts.executed / sub.student / "executed" if sub.student else opts.executed
                folder.mkdir(parents=True, exist_ok=True)
                try:
                    nbformat.write(run.nb, folder / sub.path.name)
                except Exception as error:  # the kernel's outputs are the student's: they may not serialize
                    report.problem = report.problem or f"its executed copy could not be written ({type(error).__name__})"
            cpu = f" ({report.cpu_seconds:g} s of CPU in its kernel)" if report.cpu_seconds is not None else ""
            who = f"{sub.student}/" if sub.student else ""
            print(f"graded {one_line(who + sub.path.name)} in {run.seconds:.0f} s{cpu}", file=sys.stderr, flush=True)
            return report

    order = longest_first(subs, previous or {})
    tasks = {id(s): asyncio.ensure_future(one(s)) for s in order}
    return [await tasks[id(s)] for s in subs]


def previous_seconds(report: Path) -> dict[str, float]:
    """How long each notebook took last time (from the last report), to start the slowest first."""
    try:
        return {Path(n["path"]).name: float(n["seconds"]) for n in json.loads(report.read_text())["notebooks"]}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def longest_first(subs: list[Submission], previous: dict[str, float]) -> list[Submission]:
    """Slowest first, so that the workers finish together: by last time, else by the length of the code.

    The code a notebook runs predicts its time better than its file's size, which
    is mostly saved pictures (a chapter with many figures and little computation).
    """
    def code(s: Submission) -> int:  # s.nb: read and validated by load(), or None
        return sum(len(c.source) for c in s.nb.cells if c.cell_type == "code") if s.nb is not None else 0

    return sorted(subs, key=lambda s: (-previous.get(s.path.name, 0.0), -code(s), -len(s.data)))


def chapter_list(text: str) -> list[int]:
    """``--chapters``: chapter numbers separated by commas (``1,2``)."""
    numbers = [part.strip() for part in text.split(",") if part.strip()]
    if not numbers or not all(n.isdigit() for n in numbers):
        raise argparse.ArgumentTypeError(f"expected chapter numbers separated by commas, like 1,2; got {text!r}")
    return [int(n) for n in numbers]


def show_warning_without_source(message, category, filename, lineno, file=None, line=None) -> None:
    """Python's warning printer reads the warning's source line from disk: this one does not (the grader
    reads nothing of its own once students' code runs)."""
    print(f"{filename}:{lineno}: {category.__name__}: {one_line(message)}", file=file or sys.stderr)


def main(argv: list[str] | None = None) -> int:
    from .sandbox import DEFAULT_MEMORY_MB, Fingerprint, Limits

    parser = argparse.ArgumentParser(description="Grade the exercises of chapter notebooks.")
    parser.add_argument("paths", nargs="*", type=Path, help="notebooks or folders (default: chapters)")
    parser.add_argument("--class", dest="klass", type=Path, default=None, metavar="DIR",
                        help="grade a class: each subfolder of DIR is one student's submission")
    parser.add_argument("--chapters", type=chapter_list, default=os.environ.get("GRADE_CHAPTERS") or None,
                        help="with --class: the chapters each student should hand in, e.g. 1,2 "
                             "(default: every chapter found in the class)")
    parser.add_argument("--timeout", type=float, default=float(os.environ.get("GRADE_TIMEOUT", DEFAULT_TIMEOUT)),
                        help=f"seconds per notebook (default {DEFAULT_TIMEOUT}, or $GRADE_TIMEOUT)")
    parser.add_argument("--jobs", type=int, default=int(os.environ.get("GRADE_JOBS", 0)) or os.cpu_count() or 1,
                        help="notebooks run at the same time (default: the number of cores)")
    parser.add_argument("--memory", type=int, default=int(os.environ.get("GRADE_MEMORY_MB", DEFAULT_MEMORY_MB)),
                        help=f"address space of a kernel in MiB (default {DEFAULT_MEMORY_MB}, or $GRADE_MEMORY_MB)")
    parser.add_argument("--call-timeout", type=float, default=60.0,
                        help="seconds one call of a student's function from a check may take (default 60)")
    parser.add_argument("--extra", type=Path, default=os.environ.get("GRADE_EXTRA") or None,
                        help="a folder of private check scripts (default $GRADE_EXTRA, else grading/extra if it exists)")
    parser.add_argument("--figures", action="store_true",
                        help="draw the figures and explorer frames in the executed notebooks (slower; by "
                             "default a figure is shown as its one-line text and an explorer draws no frame, "
                             "as no check reads either)")
    parser.add_argument("--report", type=Path, default=Path("build/grade/report.json"), help="the JSON report")
    parser.add_argument("--executed", type=Path, default=None,
                        help="where the executed notebooks go (default: executed/ beside the report)")
    args = parser.parse_args(argv)
    extra = args.extra if args.extra is not None else (Path("grading/extra") if Path("grading/extra").is_dir() else None)
    if extra is not None and not extra.is_dir():
        print(f"grade: the private checks folder {extra} does not exist", file=sys.stderr)
        return 2
    out = args.report.parent
    executed = args.executed if args.executed is not None else out / "executed"
    registry = book_registry()
    if args.klass is not None:
        if args.paths:
            print("grade: give either --class DIR or notebooks, not both", file=sys.stderr)
            return 2
        if not args.klass.is_dir():
            print(f"grade: the class folder {args.klass} does not exist", file=sys.stderr)
            return 2
        subs = [load(p, student) for student, files in class_submissions(args.klass) for p in files]
        students = [student for student, _ in class_submissions(args.klass)]
        if not students:
            print(f"grade: no student folders in {args.klass}", file=sys.stderr)
            return 2
        executed = args.executed if args.executed is not None else out / "students"
    else:
        try:
            notebooks = notebooks_in(args.paths or [Path("chapters")])
        except FileNotFoundError as error:
            print(f"grade: {error}", file=sys.stderr)
            return 2
        if not notebooks:
            print(f"grade: no notebooks in {', '.join(map(str, args.paths or [Path('chapters')]))}", file=sys.stderr)
            return 2
        subs = [load(p) for p in notebooks]
        students = []
    for sub in subs:
        if sub.nb is not None:
            sub.chapter = notebook_chapter(sub.nb, sub.path.name, registry)
    import gdcore

    # Before any kernel runs: the grader's code in memory, the private checks' texts read, and the
    # fingerprint of both on disk taken (a change still there at the end stops the run: exit 3).
    import_own_code()
    warnings.showwarning = show_warning_without_source
    try:
        kernel_manager = pinned_kernel_manager()
    except LookupError as error:
        print(f"grade: {error}", file=sys.stderr)
        return 2
    fingerprint = Fingerprint([Path(__file__).resolve().parent, Path(gdcore.__file__).resolve().parent, extra])
    opts = Options(args.timeout, max(1, args.jobs), read_private_scripts(extra), executed,
                   Limits(memory_mb=args.memory, cpu_seconds=int(args.timeout) + GRACE + 60), args.call_timeout,
                   args.figures, kernel_manager)
    reports = asyncio.run(grade_all(subs, opts, registry, previous_seconds(args.report)))
    if args.klass is not None:
        wanted = (args.chapters if args.chapters
                  else sorted({r.chapter_number for r in reports if r.chapter_number is not None}))
        catalog = dict(registry)  # and the private checks' exercises, as the class's reports show them
        for r in reports:
            for row in r.rows:
                if row.exercise != "file" and exercise_chapter(row.exercise) == r.chapter_number:
                    catalog.setdefault(row.exercise, {"title": row.title, "points": row.points, "check": ""})
        for student in students:
            mine = [r for r in reports if r.student == student]
            reports += missing_reports(student, mine, wanted, catalog)
        reports.sort(key=lambda r: (r.student, r.chapter_number if r.chapter_number is not None else 10**6, r.path))
    changed = fingerprint.changed()
    if changed:
        print("grade: the grader's own files or the private checks changed while the notebooks ran; no result is "
              "written. Changed: " + ", ".join(changed[:10]), file=sys.stderr)
        return 3
    t = totals(reports)
    print(table(reports))
    print()
    for problem in t["problems"]:
        print(f"problem: {one_line(problem)}")
    print(summary_line(t))
    write_reports(reports, t, args.report)
    if args.klass is not None:
        per_student = write_class(reports, out)
        for student, s in per_student.items():
            print(f"{one_line(student)}: {s['score']:g}/{s['points']:g}")
        print(f"Gradebook: {out / 'gradebook.csv'}")
    ok = t["passed"] == t["exercises"] and not t["problems"]
    return 0 if ok else 1


# Optional extras of jsonschema that the grader never uses: nbformat validates notebooks with fastjsonschema,
# and its schemas check no string formats. Where they are installed (some releases of jupyter-events, which
# nbgrader needs, bring rfc3987-syntax, which builds its grammars when imported), `import jsonschema` would
# import them at every start of the grader.
UNUSED_IMPORTS = ("rfc3987_syntax", "isoduration")


def skip_unused_imports() -> None:
    """Make the unused extras look absent, in this process only (the command line; not when imported)."""
    for name in UNUSED_IMPORTS:
        if name not in sys.modules:
            sys.modules[name] = None  # `import name` raises ImportError, which jsonschema expects of an extra


if __name__ == "__main__":
    skip_unused_imports()
    sys.exit(main())
