"""Write the student edition of the book into build/student/.

    python -m tools.student                          # every chapter in chapters/
    python -m tools.student --chapters DIR --out DIR

The book's notebooks are the one source of truth: every exercise's solution
sits between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` lines inside a
code cell (nbgrader's markers). The student edition is the same notebook with

* every marked block replaced by ``# YOUR CODE HERE`` and a
  ``raise NotImplementedError("Exercise N.k: title")`` at the block's
  indentation (a solution may sit inside a function body);
* the outputs and execution counts cleared of every solution cell and of
  every later cell that uses a name a solution cell defines (the check
  cells, and anything computed from an answer);
* every solution explanation (a ``{admonition} Solution`` or
  ``{dropdown} Solution`` block in markdown) removed, with the attachments
  only it used;
* the saved widget state reduced to the widgets that kept outputs still show;
* everything else (prose, figures, widgets, check calls) unchanged.

Beside the chapters it writes a README for students, requirements.txt, a copy
of gdcore and of the grader, and a GitHub Actions workflow that grades every
push (the texts are the files in ``tools/templates/``). A final scan proves that no line of any solution survives anywhere in
the chapters (sources, outputs, attachments, metadata); if one does, the
build fails and says where.
"""

from __future__ import annotations

import argparse
import ast
import copy
import json
import re
import shutil
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from string import Template

if __name__ == "__main__" and not __package__:  # `python tools/student.py`: run it as `python -m tools.student`
    from _script import run_as_module

    run_as_module("tools.student")

import nbformat

from .conventions import (BEGIN, END, EXERCISE_HEADING, STUB_COMMENT, STUB_RAISE, WIDGET_STATE, WIDGET_VIEW,
                          stub_lines, stub_message)
from .grade import DEFAULT_TIMEOUT

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = Path(__file__).resolve().parent / "templates"
# The opening line of a MyST directive fence: ```{admonition} Solution, :::{dropdown} Solution ...
FENCE_LINE = re.compile(r"^\s*(`{3,}|:{3,})")  # any fence line, opening or closing
FENCE_OPEN = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|:{3,})\{(?P<name>[\w-]+)\}\s*(?P<title>.*)$")
SOLUTION_DIRECTIVES = {"admonition", "dropdown"}
# A solution line shorter than this is too generic to be evidence of a leak ("else:", "return x").
MIN_LEAK_CHARS = 8
# ... and a line this long is evidence even inside another line (a traceback, a repr).
MIN_EMBEDDED_CHARS = 24
# What running and grading notebooks needs, besides gdcore's dependencies and what chapters import.
RUNTIME_REQUIREMENTS = {"ipykernel", "ipywidgets", "jupyterlab", "nbclient", "nbformat"}


class AuthoringError(ValueError):
    """A chapter breaks the exercise conventions of AUTHORING.md (unbalanced markers, ...)."""


# --------------------------------------------------------------------------- solution code


def solution_blocks(source: str) -> list[tuple[int, int, str]]:
    """The marked blocks of a code cell: ``(begin_line, end_line, indent)``, inclusive, 0-based."""
    blocks, begin, indent = [], None, ""
    for number, line in enumerate(source.splitlines()):
        marker = line.strip()
        if marker == BEGIN:
            if begin is not None:
                raise AuthoringError(f"line {number + 1}: {BEGIN} inside another solution block")
            begin, indent = number, line[: len(line) - len(line.lstrip())]
        elif marker == END:
            if begin is None:
                raise AuthoringError(f"line {number + 1}: {END} without a {BEGIN} before it")
            blocks.append((begin, number, indent))
            begin = None
    if begin is not None:
        raise AuthoringError(f"line {begin + 1}: {BEGIN} is never closed by {END}")
    return blocks


def solution_lines(source: str) -> list[str]:
    """The lines between the markers (the answer itself)."""
    lines = source.splitlines()
    return [line for begin, end, _ in solution_blocks(source) for line in lines[begin + 1 : end]]


def stub_source(source: str, message: str) -> str:
    """``source`` with every marked block replaced by the stub, at the block's indentation."""
    lines = source.splitlines()
    for begin, end, indent in reversed(solution_blocks(source)):
        lines[begin : end + 1] = stub_lines(message, indent)
    return "\n".join(lines)


def paste_solution(student_source: str, book_source: str) -> str:
    """Undo :func:`stub_source`: put the book's marked blocks back in place of the stubs (in order)."""
    book = book_source.splitlines()
    blocks = [book[begin : end + 1] for begin, end, _ in solution_blocks(book_source)]
    lines, out = student_source.splitlines(), []
    i = 0
    while i < len(lines):
        if lines[i].strip() == STUB_COMMENT and i + 1 < len(lines) and STUB_RAISE in lines[i + 1] and blocks:
            out.extend(blocks.pop(0))
            i += 2
        else:
            out.append(lines[i])
            i += 1
    return "\n".join(out)


# --------------------------------------------------------------------------- solution prose


def solution_dropdowns(markdown: str) -> list[tuple[int, int]]:
    """The solution directives of a markdown cell: ``(first_line, last_line)``, inclusive, 0-based.

    A directive is a MyST fence (``` or :::) opening ``{admonition} Solution...``
    or ``{dropdown} Solution...``; it ends at the first line made only of the
    same fence character, at least as long (CommonMark's rule), so code fenced
    inside it with fewer backticks stays inside.
    """
    lines, found, number = markdown.splitlines(), [], 0
    while number < len(lines):
        match = FENCE_OPEN.match(lines[number])
        if match and match["name"] in SOLUTION_DIRECTIVES and match["title"].lower().startswith("solution"):
            fence = match["fence"]
            closing = re.compile(rf"^\s*{re.escape(fence[0])}{{{len(fence)},}}\s*$")
            last = next((k for k in range(number + 1, len(lines)) if closing.match(lines[k])), None)
            if last is None:
                raise AuthoringError(f"the solution block opened on line {number + 1} is never closed by {fence}")
            inner = re.compile(rf"^\s*{re.escape(fence[0])}{{{len(fence)},}}\s*\S")
            nested = next((k for k in range(number + 1, last) if inner.match(lines[k])), None)
            if nested is not None:  # the block would end at that fence's closing line, the rest left outside
                raise AuthoringError(f"line {nested + 1} opens a fence inside the solution block opened on line "
                                     f"{number + 1} with as many {fence[0]!r} as the block's own: give the block "
                                     f"more ({fence[0] * (len(fence) + 1)})")
            after = next((k for k in range(last + 1, len(lines)) if FENCE_LINE.match(lines[k])
                          and lines[k].strip()[0] == fence[0]), None)
            if after is not None and lines[after].strip() == fence[0] * len(lines[after].strip()):
                # a bare fence next: most likely the block ended at the opening of code fenced inside it
                raise AuthoringError(f"line {after + 1} is a bare {fence[0] * 3} fence after the solution block of "
                                     f"lines {number + 1}-{last + 1}: if it belongs to code inside the solution, give "
                                     f"the solution more ({fence[0] * (len(fence) + 1)}); code after a solution "
                                     "names its language (```python)")
            found.append((number, last))
            number = last + 1
        else:
            number += 1
    return found


def remove_solution_dropdowns(markdown: str) -> str:
    lines = markdown.splitlines()
    for first, last in reversed(solution_dropdowns(markdown)):
        del lines[first : last + 1]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines))
    return text.strip("\n")


def dropdown_lines(markdown: str) -> list[str]:
    lines = markdown.splitlines()
    return [line for first, last in solution_dropdowns(markdown) for line in lines[first : last + 1]]


# --------------------------------------------------------------------------- names (what depends on an answer)


def _python(source: str) -> str:
    """Cell source as plain Python (IPython magics turned into calls), for :mod:`ast`."""
    from IPython.core.inputtransformer2 import TransformerManager

    return TransformerManager().transform_cell(source)


def _targets(node: ast.AST) -> set[str]:
    """The names an assignment target binds (``a``, ``a, b``, ``*rest``; not ``a.x`` or ``a[0]``)."""
    if isinstance(node, ast.Name):
        return {node.id}
    if isinstance(node, (ast.Tuple, ast.List)):
        return set().union(*(_targets(e) for e in node.elts))
    if isinstance(node, ast.Starred):
        return _targets(node.value)
    return set()


def defined_names(source: str, imports: bool = False) -> set[str]:
    """Names a cell binds at module level to values it computes (functions, classes, assignments, loop variables).

    Imports are left out unless ``imports``: importing a module gives nothing of an answer away.
    """
    try:
        tree = ast.parse(_python(source))
    except SyntaxError:  # not valid Python: fall back to the obvious definitions
        return {a or b for a, b in re.findall(r"^\s*(?:def|class)\s+(\w+)|^(\w+)\s*=", source, re.MULTILINE)}
    names: set[str] = set()

    def visit(statements):
        for node in statements:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(node.name)
                continue  # names bound inside a function or class are not the cell's
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    names.update(_targets(target))
            elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
                names.update(_targets(node.target))
            elif isinstance(node, (ast.Import, ast.ImportFrom)) and imports:
                names.update((a.asname or a.name).split(".")[0] for a in node.names)
            elif isinstance(node, (ast.For, ast.AsyncFor)):
                names.update(_targets(node.target))
            elif isinstance(node, (ast.With, ast.AsyncWith)):
                names.update(n for item in node.items if item.optional_vars for n in _targets(item.optional_vars))
            names.update(n.target.id for n in ast.walk(node) if isinstance(n, ast.NamedExpr))
            for child in ("body", "orelse", "finalbody"):
                visit(getattr(node, child, []))
            for handler in getattr(node, "handlers", []):
                visit(handler.body)

    visit(tree.body)
    return names


def used_names(source: str, reads_only: bool = False) -> set[str]:
    """Every identifier a cell mentions (a superset of what it reads: clearing too much is safe), or with
    ``reads_only`` only those it reads (loads), anywhere in it."""
    try:
        return {n.id for n in ast.walk(ast.parse(_python(source))) if isinstance(n, ast.Name)
                and (not reads_only or isinstance(n.ctx, ast.Load))}
    except SyntaxError:
        return set(re.findall(r"[A-Za-z_]\w*", source))


# --------------------------------------------------------------------------- the notebook


@dataclass
class Edition:
    """A chapter's student edition, and what was done to make it."""

    notebook: nbformat.NotebookNode
    stubs: dict[str, str] = field(default_factory=dict)  # cell id -> exercise id
    cleared: list[str] = field(default_factory=list)  # ids of cells whose outputs were cleared
    hidden_removed: list[str] = field(default_factory=list)  # ids of hidden cells removed: they read an answer
    dropdowns_removed: int = 0
    cells_removed: int = 0


def _headings(markdown: str) -> list[str]:
    """The markdown headings of a cell, in order, leaving out lines inside fenced blocks (a ``#`` comment)."""
    headings, fence = [], None
    for line in markdown.splitlines():
        match = FENCE_LINE.match(line)
        if match:
            mark = match.group(1)
            if fence is None:
                fence = mark
            elif mark[0] == fence[0] and len(mark) >= len(fence) and not line.strip()[len(mark):].strip():
                fence = None
            continue
        if fence is None and re.match(r"#{1,6}\s", line):
            headings.append(line)
    return headings


def _cell_label(index: int, cell) -> str:
    return f"cell {index + 1} ({cell.get('id', 'no id')})"


def _clear(cell) -> None:
    cell.outputs = []
    cell.execution_count = None
    cell.metadata.pop("execution", None)


def _referenced_attachments(markdown: str) -> set[str]:
    return set(re.findall(r"attachment:([^\s)\"'>]+)", markdown))


def student_notebook(book: nbformat.NotebookNode, name: str = "notebook") -> Edition:
    """The student edition of one chapter notebook (``book`` is not modified)."""
    nb = copy.deepcopy(book)
    edition = Edition(nb)
    exercise_id, exercise_title = None, ""
    after_stub = False  # after a solution, before the next heading: an output there may show the answer
    tainted: set[str] = set()  # names whose values come from an answer
    dropped: dict[str, str] = {}  # name -> the label of the removed cell that defined it
    cells = []
    for index, cell in enumerate(nb.cells):
        where = f"{name}, {_cell_label(index, cell)}"
        source = cell.source
        if cell.cell_type == "markdown":
            headings = EXERCISE_HEADING.findall(source)
            if headings:
                exercise_id, exercise_title = headings[-1]
            if _headings(source):
                after_stub = False
            try:
                dropdowns = solution_dropdowns(source)
            except AuthoringError as error:
                raise AuthoringError(f"{where}: {error}") from None
            if dropdowns:
                edition.dropdowns_removed += len(dropdowns)
                cell.source = remove_solution_dropdowns(source)
                if "attachments" in cell:
                    keep = _referenced_attachments(cell.source)
                    cell.attachments = {k: v for k, v in cell.attachments.items() if k in keep}
                    if not cell.attachments:
                        del cell["attachments"]
                if not cell.source.strip():
                    edition.cells_removed += 1
                    continue
            cells.append(cell)
            continue
        if cell.cell_type != "code":
            cells.append(cell)
            continue
        needs = (used_names(source, reads_only=True) - defined_names(source, imports=True)) & set(dropped)
        if needs:
            name_ = sorted(needs)[0]
            raise AuthoringError(f"{where} uses {name_}, defined by {dropped[name_]}, which the student edition "
                                 "removes (a hidden cell that reads an answer): compute it in this cell instead")
        tags = cell.metadata.get("tags", [])
        reads_an_answer = bool(tainted & used_names(source))
        if "remove-cell" in tags and reads_an_answer:
            # a cell hidden from the website that reads a student's answer (to print the numbers a solution
            # quotes): in the student edition it would print the answer, or fail on an answer the check accepts
            dropped.update(dict.fromkeys(defined_names(source, imports=True), _cell_label(index, cell)))
            edition.cells_removed += 1
            edition.hidden_removed.append(cell.get("id", str(index)))
            continue
        try:
            blocks = solution_blocks(source)
        except AuthoringError as error:
            raise AuthoringError(f"{where}: {error}") from None
        if blocks:
            if exercise_id is None:
                raise AuthoringError(f"{where}: a solution cell must follow an '### Exercise N.k: title' heading")
            cell.source = stub_source(source, stub_message(exercise_id, exercise_title))
            shown = [t for t in tags if t != "hide-input"]  # the stub shows
            if shown:
                cell.metadata["tags"] = shown
            else:
                cell.metadata.pop("tags", None)
            cell.metadata.get("jupyter", {}).pop("source_hidden", None)
            if cell.metadata.get("jupyter") == {}:
                del cell.metadata["jupyter"]
            edition.stubs[cell.get("id", str(index))] = exercise_id
            after_stub = True
        computed_from_an_answer = blocks or reads_an_answer or re.search(r"\bchecks\.check_\w+\s*\(", source)
        if computed_from_an_answer:
            tainted |= defined_names(source)
        # Cleared: a solution, what is computed from an answer, and what may show an answer: an output after
        # a solution in its exercise's section, or of a hidden cell after the first exercise (the numbers a
        # solution quotes). The student's own run shows them again.
        hidden_after_an_exercise = exercise_id is not None and {"hide-cell", "remove-cell"} & set(tags)
        if computed_from_an_answer or after_stub or hidden_after_an_exercise:
            _clear(cell)
            edition.cleared.append(cell.get("id", str(index)))
        for kept in defined_names(source, imports=True):
            dropped.pop(kept, None)
        cells.append(cell)
    nb.cells = cells
    strip_widget_state(nb)
    return edition


def _widget_refs(value) -> set[str]:
    if isinstance(value, str):
        return {value[len("IPY_MODEL_"):]} if value.startswith("IPY_MODEL_") else set()
    if isinstance(value, dict):
        return set().union(*(_widget_refs(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(_widget_refs(v) for v in value)) if value else set()
    return set()


def strip_widget_state(nb: nbformat.NotebookNode) -> None:
    """Keep only the saved widget models that the remaining outputs display (and what they use).

    The state saved by ``make refresh`` holds every widget the kernel made,
    with its values, images and captured outputs; a widget created by a
    cleared cell could show an answer, so its models go.
    """
    state = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state")
    if state is None:
        return
    shown = set()
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            view = output.get("data", {}).get(WIDGET_VIEW)
            if view:
                shown.add(view.get("model_id"))
    keep, todo = set(), [m for m in shown if m in state]
    while todo:
        model = todo.pop()
        if model in keep:
            continue
        keep.add(model)
        todo.extend(r for r in _widget_refs(state[model]) if r in state and r not in keep)
    if keep:
        nb.metadata["widgets"][WIDGET_STATE]["state"] = {k: v for k, v in state.items() if k in keep}
    else:
        del nb.metadata["widgets"][WIDGET_STATE]
        if not nb.metadata["widgets"]:
            del nb.metadata["widgets"]


# --------------------------------------------------------------------------- leaks


def _output_lines(cell) -> list[str]:
    texts = []
    for output in cell.get("outputs", []):
        texts.append(output.get("text", ""))
        texts += [v for k, v in output.get("data", {}).items() if k.startswith("text/") and isinstance(v, str)]
    return [line for text in texts for line in text.splitlines()]


def public_lines(book: nbformat.NotebookNode) -> set[str]:
    """Stripped lines the book shows outside its solutions (they are no secret).

    That is every source line outside the solutions, and every output line of
    the cells before the first solution cell (they ran before any answer
    existed, e.g. a listing of gdcore's own code).
    """
    lines = set()
    before_answers = True
    for cell in book.cells:
        source_lines = cell.source.splitlines()
        hidden: set[int] = set()
        if cell.cell_type == "code":
            for begin, end, _ in solution_blocks(cell.source):
                hidden.update(range(begin, end + 1))
            before_answers = before_answers and not hidden
            if before_answers:
                lines.update(line.strip() for line in _output_lines(cell))
        elif cell.cell_type == "markdown":
            for first, last in solution_dropdowns(cell.source):
                hidden.update(range(first, last + 1))
        lines.update(line.strip() for k, line in enumerate(source_lines) if k not in hidden)
    return lines


def secret_lines(book: nbformat.NotebookNode) -> set[str]:
    """The solution lines of a chapter that would give an answer away if they appeared in its edition."""
    secret = set()
    for cell in book.cells:
        if cell.cell_type == "code":
            secret.update(line.strip() for line in solution_lines(cell.source))
        elif cell.cell_type == "markdown":
            secret.update(line.strip() for line in dropdown_lines(cell.source))
    public = public_lines(book)
    return {s for s in secret if len(s) >= MIN_LEAK_CHARS and s not in public and not s.startswith("```")
            and not s.startswith(":::") and not s.startswith(":class:")}


def _strings(value, path="") -> list[tuple[str, str]]:
    """Every string in a JSON document, with where it is."""
    if isinstance(value, str):
        return [(path, value)]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in _strings(v, f"{path}/{k}")]
    if isinstance(value, list):
        return [s for i, v in enumerate(value) for s in _strings(v, f"{path}/{i}")]
    return []


def find_leaks(book: nbformat.NotebookNode, student: nbformat.NotebookNode) -> list[str]:
    """Where a solution line of ``book`` appears in ``student`` (sources, outputs, attachments, metadata).

    A solution line counts when a line of any string in the notebook equals
    it, or, for a long line, when a string contains it anywhere.
    """
    secret = secret_lines(book)
    long = [line for line in secret if len(line) >= MIN_EMBEDDED_CHARS]
    leaks = []
    for where, text in _strings(json.loads(nbformat.writes(student))):
        lines = {line.strip() for line in text.splitlines()}
        leaks += [f"{where}: {line!r}" for line in sorted(secret & lines)]
        leaks += [f"{where}: {line!r}" for line in long if line not in lines and line in text]
    return leaks


# --------------------------------------------------------------------------- the edition folder


def _requirement_name(line: str) -> str:
    return re.split(r"[\s\[<>=!~;@]", line.strip(), maxsplit=1)[0].lower().replace("_", "-")


def imported_modules(notebooks: list[nbformat.NotebookNode]) -> set[str]:
    """Top-level modules the chapters import (``sympy``, ``numpy``, ...)."""
    modules = set()
    for nb in notebooks:
        for cell in nb.cells:
            if cell.cell_type == "code":
                modules.update(m.lower() for m in re.findall(r"^\s*(?:from|import)\s+(\w+)", cell.source, re.M))
    return modules


def student_requirements(book_requirements: str, needed: set[str]) -> str:
    """The book's pinned requirements that the coursework needs (``needed`` names), then gdcore itself.

    The book's website and test tools (jupyter-book, nbval, browsers, ...) stay out.
    """
    keep = [line.strip() for line in book_requirements.splitlines()
            if line.strip() and not line.strip().startswith(("#", "-")) and _requirement_name(line) in needed]
    return ("# What the coursework needs: `pip install -r requirements.txt` (from this folder).\n"
            + "\n".join(keep) + "\n# gdcore, the book's library (with the exercise checks), from this folder.\n-e .\n")


def needed_requirements(book_pyproject: Path, notebooks: list[nbformat.NotebookNode]) -> set[str]:
    project = tomllib.loads(book_pyproject.read_text(encoding="utf-8"))["project"]
    return RUNTIME_REQUIREMENTS | {_requirement_name(d) for d in project.get("dependencies", [])} | imported_modules(notebooks)


def template(name: str, **values) -> str:
    """A file of ``tools/templates/`` with its ``$placeholders`` filled in."""
    return Template((TEMPLATES / name).read_text(encoding="utf-8")).substitute(values)


def student_pyproject(book_pyproject: Path) -> str:
    """A pyproject.toml that installs the copy of gdcore in the student edition."""
    project = tomllib.loads(book_pyproject.read_text(encoding="utf-8"))["project"]
    return template("student-pyproject.toml", version=json.dumps(project.get("version", "0")),
                    requires_python=json.dumps(project.get("requires-python", ">=3.10")),
                    dependencies=", ".join(json.dumps(d) for d in project.get("dependencies", [])))


#: What the student edition's copy of the grader needs (``python -m tools.grade`` in the edition).
GRADER_FILES = ("__init__.py", "_script.py", "conventions.py", "grade.py", "kernel_side.py", "remote.py", "sandbox.py")


def copy_grader(folder: Path) -> None:
    folder.mkdir(parents=True)
    for name in GRADER_FILES:
        shutil.copy2(Path(__file__).resolve().parent / name, folder / name)


def write_edition(chapters: Path, out: Path, timeout: int | None = None) -> list[str]:
    """Write the student edition of every notebook in ``chapters`` into ``out``; return a summary."""
    notebooks = sorted(chapters.glob("*.ipynb"))
    books = [nbformat.read(path, as_version=4) for path in notebooks]
    if out.exists():
        shutil.rmtree(out)
    (out / "chapters").mkdir(parents=True)
    summary = []
    for path, book in zip(notebooks, books):
        edition = student_notebook(book, name=path.name)
        leaks = find_leaks(book, edition.notebook)
        if leaks:
            raise AuthoringError(f"{path.name}: solution text survived in the student edition:\n  "
                                 + "\n  ".join(leaks[:10]))
        nbformat.validate(edition.notebook)
        nbformat.write(edition.notebook, out / "chapters" / path.name)
        summary.append(f"{path.name}: {len(set(edition.stubs.values()))} exercises stubbed "
                       f"({len(edition.stubs)} cells), {len(edition.cleared)} outputs cleared, "
                       f"{edition.dropdowns_removed} solutions removed")
    for extra in sorted(chapters.iterdir()):  # images and other files the chapters use
        if extra.suffix != ".ipynb" and not extra.name.startswith((".", "__")):
            copy_into = out / "chapters" / extra.name
            (shutil.copytree if extra.is_dir() else shutil.copy2)(extra, copy_into)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")
    shutil.copytree(ROOT / "gdcore", out / "gdcore", ignore=ignore)
    copy_grader(out / "tools")
    (out / "pyproject.toml").write_text(student_pyproject(ROOT / "pyproject.toml"), encoding="utf-8")
    (out / "requirements.txt").write_text(
        student_requirements((ROOT / "requirements.txt").read_text(encoding="utf-8"),
                             needed_requirements(ROOT / "pyproject.toml", books)), encoding="utf-8")
    (out / ".github" / "workflows").mkdir(parents=True)
    (out / ".github" / "workflows" / "grade.yml").write_text(template("student-grade-workflow.yml"), encoding="utf-8")
    (out / ".gitignore").write_text(template("student-gitignore"), encoding="utf-8")
    names = ", ".join(f"`{p.name}`" for p in notebooks) or "none yet"
    (out / "README.md").write_text(template("student-README.md", chapters=names, timeout=timeout or DEFAULT_TIMEOUT),
                                   encoding="utf-8")
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chapters", type=Path, default=ROOT / "chapters", help="the book's notebooks")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "student", help="where to write the edition")
    args = parser.parse_args(argv)
    try:
        summary = write_edition(args.chapters, args.out)
    except AuthoringError as error:
        print(f"student edition not written: {error}", file=sys.stderr)
        return 1
    for line in summary:
        print(line)
    print(f"The student edition is in {args.out}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
