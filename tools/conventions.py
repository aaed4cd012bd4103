"""The notebook conventions of the book, spelled once.

Used by the student edition, the grader and the nbgrader course writer
(``tools/``), by the website extensions (``_ext/``: the build has the
repository root on ``sys.path``, see ``_config.yml``) and by the tests. This
module imports only the standard library.
"""

from __future__ import annotations

import json
import re

#: A solution sits between these two lines inside a code cell (nbgrader's markers).
BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
MARKERS = (BEGIN, END)

#: The student edition replaces a solution with this comment and a ``raise`` of :func:`stub_lines`.
STUB_COMMENT = "# YOUR CODE HERE"
STUB_RAISE = "raise NotImplementedError("

#: The MIME types of saved ipywidgets state (notebook metadata) and of a widget's view (an output).
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"

#: Where a notebook names an exercise: "### Exercise 1.2: the central difference".
EXERCISE_HEADING = re.compile(r"^#{2,6}\s+Exercise\s+(\d+\.\d+)\s*[:.\u2014\u2013-]?\s*(.*?)\s*$", re.MULTILINE)


def stub_message(exercise_id: str, title: str = "") -> str:
    """The message of a stub's ``NotImplementedError``: ``"Exercise 1.2: the central difference"``."""
    title = title.replace("`", "").strip()
    return f"Exercise {exercise_id}: {title}" if title else f"Exercise {exercise_id}"


def stub_lines(message: str, indent: str = "") -> list[str]:
    """The two lines that stand in for a solution in the student edition."""
    return [f"{indent}{STUB_COMMENT}", f"{indent}{STUB_RAISE}{json.dumps(message, ensure_ascii=False)})"]


def stub_prefix(exercise_id: str) -> str:
    """How the stub of exercise ``exercise_id`` starts (to find it in a notebook's source)."""
    return f'{STUB_RAISE}"Exercise {exercise_id}'


def is_marker(line: str) -> bool:
    return line.strip() in MARKERS


def chapter_number(name: str) -> int | None:
    """The chapter of a notebook by its file name: ``01_calculus.ipynb`` is chapter 1."""
    match = re.match(r"(\d+)_", name.rsplit("/", 1)[-1])
    return int(match.group(1)) if match else None


def exercise_chapter(exercise_id: str) -> int | None:
    """The chapter of an exercise id: ``"1.2"`` and ``"1.2-private"`` are chapter 1's."""
    match = re.match(r"(\d+)\.", exercise_id)
    return int(match.group(1)) if match else None


def natural_key(exercise_id: str):
    """Sort key: ``1.2`` before ``1.10``, ``1.2-private`` right after ``1.2``."""
    return [(0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", exercise_id) if part]
