"""Grade the exercises of chapter notebooks: run them, then read every check's result.

    python tools/grade.py                          # chapters/ (the book's own: a self-test)
    make grade                                     # build/student/chapters (the student edition)
    python tools/grade.py build/student/chapters   # the same, or any folder of notebooks
    python tools/grade.py chapters/01_calculus.ipynb --timeout 60

Each notebook runs top to bottom in a fresh kernel (in its own folder), a
failing cell does not stop it, and a notebook that runs longer than its time
limit is interrupted and reported. Then one more cell asks ``gdcore.checks``
for the result of every check that ran (``results_json()``): the grader reads
results, it never parses printed text. Every exercise of the notebook's
chapter (``NN_*.ipynb`` is chapter NN) gets one row: chapter, exercise,
points, passed (yes / no / not attempted) and the check's feedback sentence.
An exercise whose check never ran is "not attempted", with one sentence that
says which cell failed.

The table is printed, written as JSON (``build/grade/report.json``), and
appended to the GitHub job summary when ``$GITHUB_STEP_SUMMARY`` is set; the
executed notebooks go to ``build/grade/executed/``. The exit status is 0 only
when every exercise passed.

Private checks: ``--extra DIR`` (or ``$GRADE_EXTRA``, or ``grading/extra/`` if
it exists) is a folder of Python scripts. After a notebook's own cells, each
script whose name starts with the chapter's number (``01_*.py`` for chapter 1;
a script without a number runs for every chapter) runs in the notebook's
kernel, in the namespace of the student's code, and registers and calls checks
with the same decorator as the book's::

    from gdcore.checks._core import exercise, failed, passed

    @exercise("1.2-private", "central difference on a grid", points=2)
    def check_on_grid(central_difference):
        ...

    check_on_grid(central_difference)   # the student's function

Their results are graded like the book's. A script that raises is reported
as a failed row of its own.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import re
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

DEFAULT_TIMEOUT = 300  # seconds per notebook
GRACE = 30  # seconds a kernel gets to obey the interrupt at the time limit before it is shut down
MARKER = "@@gdcore-grade-results@@"
STATUSES = ("passed", "failed", "not attempted")


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

    @property
    def passed(self) -> bool:
        return self.status == "passed"


@dataclass
class NotebookReport:
    path: str
    chapter: str
    seconds: float = 0.0
    cpu_seconds: float | None = None  # the kernel's CPU time (None where it could not be measured)
    problem: str = ""  # time limit, dead kernel, ...: one sentence
    rows: list[Row] = field(default_factory=list)


def chapter_number(path: Path) -> int | None:
    match = re.match(r"(\d+)_", path.name)
    return int(match.group(1)) if match else None


def exercise_chapter(exercise_id: str) -> int | None:
    match = re.match(r"(\d+)\.", exercise_id)
    return int(match.group(1)) if match else None


def natural_key(exercise_id: str):
    return [(0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", exercise_id) if part]


# --------------------------------------------------------------------------- running a notebook


def extra_scripts(folder: Path | None, chapter: int | None) -> list[Path]:
    """The private check scripts that apply to a chapter."""
    if folder is None or not folder.is_dir():
        return []
    scripts = []
    for script in sorted(folder.glob("*.py")):
        number = chapter_number(script)
        if number is None or number == chapter:
            scripts.append(script.resolve())
    return scripts


def results_cell_source(scripts: list[Path]) -> str:
    """The cell the grader appends: run the private checks, then print every result as JSON."""
    return f"""\
import json as _grade_json
_grade_extra_errors = {{}}
for _grade_script in {[str(s) for s in scripts]!r}:
    try:
        with open(_grade_script, encoding="utf-8") as _grade_file:
            exec(compile(_grade_file.read(), _grade_script, "exec"), globals())
    except BaseException as _grade_error:
        _grade_extra_errors[_grade_script] = f"{{type(_grade_error).__name__}}: {{_grade_error}}"
try:
    from gdcore import checks as _grade_checks
    _grade_report = {{
        "exercises": {{k: {{"title": e.title, "points": e.points, "check": e.check.__name__}}
                      for k, e in _grade_checks.EXERCISES.items()}},
        "results": _grade_json.loads(_grade_checks.results_json()),
    }}
except Exception as _grade_error:
    _grade_report = {{"error": f"{{type(_grade_error).__name__}}: {{_grade_error}}"}}
_grade_report["extra_errors"] = _grade_extra_errors
try:  # the kernel's own CPU time: what the notebook costs, whatever else the machine is doing
    import resource as _grade_resource
    _grade_usage = _grade_resource.getrusage(_grade_resource.RUSAGE_SELF)
    _grade_report["cpu_seconds"] = round(_grade_usage.ru_utime + _grade_usage.ru_stime, 1)
except Exception:
    pass
print({MARKER!r} + _grade_json.dumps(_grade_report))
"""


@dataclass
class Execution:
    nb: object
    seconds: float
    report: dict | None  # what the results cell printed
    stopped_at: int | None = None  # index of the cell running when the time limit hit
    died_at: int | None = None  # index of the cell running when the kernel died
    results_error: str = ""
    current: int = 0  # index of the cell running now


async def execute(run: Execution, path: Path, timeout: float, scripts: list[Path]) -> None:
    """Run ``run.nb`` (read from ``path``) in a fresh kernel, cell by cell, within ``timeout`` seconds in all."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import DeadKernelError
    from nbclient.util import ensure_async

    nb = run.nb
    client = NotebookClient(nb, kernel_name="python3", allow_errors=True, interrupt_on_timeout=True,
                            record_timing=False, resources={"metadata": {"path": str(path.parent)}})
    start = time.monotonic()
    deadline = start + timeout
    index = 0
    try:
        async with client.async_setup_kernel():
            await client.async_wait_for_reply(await ensure_async(client.kc.kernel_info()))
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
                if time.monotonic() >= deadline:
                    run.stopped_at = index
                    break
            results = nbformat.v4.new_code_cell(results_cell_source(scripts))
            client.timeout = 60
            index = run.current = len(nb.cells)
            nb.cells.append(results)
            await client.async_execute_cell(results, index)
            nb.cells.pop()
            text = "".join(o.get("text", "") for o in results.outputs if o.get("output_type") == "stream")
            found = [line for line in text.splitlines() if line.startswith(MARKER)]
            if found:
                run.report = json.loads(found[-1][len(MARKER):])
            else:
                errors = [f"{o.ename}: {o.evalue}" for o in results.outputs if o.get("output_type") == "error"]
                run.results_error = errors[0] if errors else "the results cell printed nothing"
    except DeadKernelError:  # the kernel died, or was shut down at the time limit (it ignored the interrupt)
        if time.monotonic() >= deadline:
            run.stopped_at = min(index, len(nb.cells) - 1)
        else:
            run.died_at = index
        if nb.cells and index == len(nb.cells) - 1 and "_grade_report" in nb.cells[-1].source:
            nb.cells.pop()
    finally:
        run.seconds = time.monotonic() - start


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
        return (f"Not attempted: the kernel died in cell {run.died_at + 1} (out of memory?), "
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
    stub = f'raise NotImplementedError("Exercise {exercise_id}'
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and stub in cell.source and (_error(cell) or ("",))[0] == "NotImplementedError":
            return index
    return None


def grade_execution(path: Path, run: Execution, timeout: float, registry: dict) -> NotebookReport:
    """One row per exercise of the notebook's chapter (and per private check that ran)."""
    chapter = chapter_number(path)
    report = NotebookReport(str(path), path.stem, round(run.seconds, 1), (run.report or {}).get("cpu_seconds"))
    if run.stopped_at is not None:
        report.problem = f"stopped at its time limit of {timeout:g} s in cell {run.stopped_at + 1}"
    elif run.died_at is not None:
        report.problem = f"the kernel died in cell {run.died_at + 1}"
    elif run.report is None or "error" in run.report:
        detail = run.results_error or (run.report or {}).get("error", "")
        report.problem = f"the grader could not read the results ({detail})"
    kernel = run.report or {}
    exercises = dict(registry)
    exercises.update(kernel.get("exercises", {}))
    results = kernel.get("results", {})
    ids = {k for k in exercises if chapter is None or exercise_chapter(k) == chapter}
    ids |= {k for k in results if chapter is None or exercise_chapter(k) in (chapter, None)}
    if chapter is None:
        ids = set(results)
    check_cells = {i for i, c in enumerate(run.nb.cells) if c.cell_type == "code" for k in ids
                   if exercises.get(k, {}).get("check") and re.search(rf"\b{re.escape(exercises[k]['check'])}\s*\(", c.source)}
    for k in sorted(ids, key=natural_key):
        info = exercises.get(k, {})
        stub = still_a_stub(run.nb, k)
        if k in results and stub is not None:
            # the check ran, but on a value from elsewhere in the notebook: the exercise is still to do
            row = Row(report.path, report.chapter, k, results[k]["title"], results[k]["points"], 0.0, "not attempted",
                      f"Not attempted: cell {stub + 1} still raises NotImplementedError; replace it with your "
                      f"answer (the check ran on a value defined elsewhere in the notebook).")
        elif k in results:
            r = results[k]
            status = "passed" if r["passed"] else ("failed" if r.get("attempted", True) else "not attempted")
            row = Row(report.path, report.chapter, k, r["title"], r["points"], r["score"], status, r["message"])
        else:
            row = Row(report.path, report.chapter, k, info.get("title", ""), info.get("points", 0.0), 0.0,
                      "not attempted", why_not_run(run.nb, info.get("check", ""), run, timeout, check_cells))
        report.rows.append(row)
    for script, error in kernel.get("extra_errors", {}).items():
        report.rows.append(Row(report.path, report.chapter, f"extra: {Path(script).name}", "private checks", 0.0, 0.0,
                               "failed", f"The private check script raised {_first_line(error)}"))
    return report


def book_registry() -> dict:
    """Every exercise gdcore knows in this process (so a notebook that dies early still lists its exercises)."""
    try:
        from gdcore import checks
    except Exception:  # the grader also works where gdcore is only installed in the kernel
        return {}
    return {k: {"title": e.title, "points": e.points, "check": e.check.__name__} for k, e in checks.EXERCISES.items()}


# --------------------------------------------------------------------------- the report


def _points(row: Row) -> str:
    return f"{row.score:g}/{row.points:g}"


def _passed(row: Row) -> str:
    return {"passed": "yes", "failed": "no"}.get(row.status, row.status)


def table(reports: list[NotebookReport]) -> str:
    rows = [row for r in reports for row in r.rows]
    header = ("chapter", "exercise", "points", "passed", "feedback")
    cells = [header] + [(r.chapter, r.exercise, _points(r), _passed(r), r.feedback) for r in rows]
    widths = [max(len(c[i]) for c in cells) for i in range(4)]
    lines = ["  ".join(c[i].ljust(widths[i]) for i in range(4)) + "  " + c[4] for c in cells]
    lines.insert(1, "  ".join("-" * w for w in widths) + "  " + "-" * len("feedback"))
    return "\n".join(line.rstrip() for line in lines)


def totals(reports: list[NotebookReport]) -> dict:
    rows = [row for r in reports for row in r.rows]
    counts = {s: sum(row.status == s for row in rows) for s in STATUSES}
    return {"score": sum(r.score for r in rows), "points": sum(r.points for r in rows),
            "exercises": len(rows), **{s.replace(" ", "_"): n for s, n in counts.items()},
            "problems": [f"{Path(r.path).name}: {r.problem}" for r in reports if r.problem]}


def summary_line(t: dict) -> str:
    return (f"Score {t['score']:g}/{t['points']:g}: {t['passed']} passed, {t['failed']} failed, "
            f"{t['not_attempted']} not attempted, of {t['exercises']} exercises.")


def markdown(reports: list[NotebookReport], t: dict) -> str:
    def esc(text: str) -> str:
        return str(text).replace("|", "\\|").replace("\n", " ")

    icon = {"passed": "✅ yes", "failed": "❌ no", "not attempted": "⬜ not attempted"}
    lines = ["## Exercises", "", summary_line(t), ""]
    lines += [f"- ⚠️ {esc(p)}" for p in t["problems"]]
    lines += ["", "| chapter | exercise | points | passed | feedback |", "| --- | --- | --- | --- | --- |"]
    for r in reports:
        for row in r.rows:
            lines.append(f"| {esc(row.chapter)} | {esc(row.exercise)} {esc(row.title)} | {_points(row)} | "
                         f"{icon[row.status]} | {esc(row.feedback)} |")
    return "\n".join(lines) + "\n"


def write_reports(reports: list[NotebookReport], t: dict, json_path: Path) -> None:
    json_path.parent.mkdir(parents=True, exist_ok=True)
    document = {"totals": t, "notebooks": [{k: v for k, v in asdict(r).items() if k != "rows"} for r in reports],
                "exercises": [asdict(row) | {"passed": row.passed} for r in reports for row in r.rows]}
    json_path.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        with open(summary, "a", encoding="utf-8") as handle:
            handle.write(markdown(reports, t))


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


async def grade_all(notebooks: list[Path], timeout: float, jobs: int, extra: Path | None, executed: Path | None,
                    registry: dict, previous: dict[str, float] | None = None) -> list[NotebookReport]:
    import nbformat

    gate = asyncio.Semaphore(jobs)

    async def one(path: Path) -> NotebookReport:
        async with gate:
            scripts = extra_scripts(extra, chapter_number(path))
            run = Execution(nbformat.read(path, as_version=4), 0.0, None)
            try:
                await asyncio.wait_for(execute(run, path, timeout, scripts), timeout + GRACE)
            except asyncio.TimeoutError:  # the kernel ignored the interrupt: it has been shut down
                run.stopped_at = min(run.current, len(run.nb.cells) - 1)
                if len(run.nb.cells) and "_grade_report" in run.nb.cells[-1].source:
                    run.nb.cells.pop()
            if executed is not None:
                executed.mkdir(parents=True, exist_ok=True)
                nbformat.write(run.nb, executed / path.name)
            report = grade_execution(path, run, timeout, registry)
            cpu = f" ({report.cpu_seconds:g} s of CPU in its kernel)" if report.cpu_seconds is not None else ""
            print(f"graded {path.name} in {run.seconds:.0f} s{cpu}", file=sys.stderr, flush=True)
            return report

    tasks = {p: asyncio.ensure_future(one(p)) for p in longest_first(notebooks, previous or {})}
    return [await tasks[p] for p in notebooks]


def previous_seconds(report: Path) -> dict[str, float]:
    """How long each notebook took last time (from the last report), to start the slowest first."""
    try:
        return {Path(n["path"]).name: float(n["seconds"]) for n in json.loads(report.read_text())["notebooks"]}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def longest_first(notebooks: list[Path], previous: dict[str, float]) -> list[Path]:
    """Slowest first (by last time, else by file size), so that two workers finish together."""
    return sorted(notebooks, key=lambda p: (-previous.get(p.name, 0.0), -p.stat().st_size))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Grade the exercises of chapter notebooks.")
    parser.add_argument("paths", nargs="*", type=Path, help="notebooks or folders (default: chapters)")
    parser.add_argument("--timeout", type=float, default=float(os.environ.get("GRADE_TIMEOUT", DEFAULT_TIMEOUT)),
                        help=f"seconds per notebook (default {DEFAULT_TIMEOUT}, or $GRADE_TIMEOUT)")
    parser.add_argument("--jobs", type=int, default=int(os.environ.get("GRADE_JOBS", 0)) or os.cpu_count() or 1,
                        help="notebooks run at the same time (default: the number of cores)")
    parser.add_argument("--extra", type=Path, default=os.environ.get("GRADE_EXTRA") or None,
                        help="a folder of private check scripts (default $GRADE_EXTRA, else grading/extra if it exists)")
    parser.add_argument("--report", type=Path, default=Path("build/grade/report.json"), help="the JSON report")
    parser.add_argument("--executed", type=Path, default=Path("build/grade/executed"),
                        help="where the executed notebooks go")
    args = parser.parse_args(argv)
    paths = args.paths or [Path("chapters")]
    extra = args.extra if args.extra is not None else (Path("grading/extra") if Path("grading/extra").is_dir() else None)
    if extra is not None and not extra.is_dir():
        print(f"grade: the private checks folder {extra} does not exist", file=sys.stderr)
        return 2
    try:
        notebooks = notebooks_in(paths)
    except FileNotFoundError as error:
        print(f"grade: {error}", file=sys.stderr)
        return 2
    if not notebooks:
        print(f"grade: no notebooks in {', '.join(map(str, paths))}", file=sys.stderr)
        return 2
    reports = asyncio.run(grade_all(notebooks, args.timeout, max(1, args.jobs), extra, args.executed,
                                    book_registry(), previous_seconds(args.report)))
    t = totals(reports)
    print(table(reports))
    print()
    for problem in t["problems"]:
        print(f"problem: {problem}")
    print(summary_line(t))
    write_reports(reports, t, args.report)
    ok = t["passed"] == t["exercises"] and not t["problems"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
