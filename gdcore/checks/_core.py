"""The machinery behind every exercise check.

An exercise's check is a function decorated with :func:`exercise`. Its body
looks at the student's answer and returns :func:`passed` or :func:`failed`
with one specific sentence: what the answer was, what was expected, and the
likely mistake. The decorator turns that into a :class:`CheckResult`, which

* shows as one line in the notebook (``PASSED`` / ``NOT YET``),
* is remembered in :data:`RESULTS` (the results of this process), and
* never lets a student's exception escape as a traceback: it becomes the
  sentence of a failed result.

Every call is also written down in :data:`CALLS`, with its arguments. The
grader (``tools/grade.py``) trusts nothing the student's kernel says about
results: it reads the answers from ``CALLS`` across the process boundary
and runs its own copy of the check on them (see docs/coursework.md).
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import json
from dataclasses import asdict, dataclass
from typing import Callable

import numpy as np

from .._validation import is_real


@dataclass(frozen=True)
class Exercise:
    """An exercise of the book: its id (``"1.2"``: chapter 1, exercise 2)."""

    id: str
    title: str
    points: float
    check: Callable

    @property
    def chapter(self) -> int:
        return int(self.id.split(".")[0])


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check: pass or fail, and one sentence of feedback."""

    exercise: str
    title: str
    passed: bool
    message: str
    points: float
    #: False when the student has not answered yet (the stub's ``NotImplementedError``).
    attempted: bool = True

    @property
    def score(self) -> float:
        return self.points if self.passed else 0.0

    def __bool__(self) -> bool:
        return self.passed

    def __repr__(self) -> str:
        verdict = "PASSED" if self.passed else "NOT YET"
        return f"Exercise {self.exercise} ({self.title}): {verdict}. {self.message}"

    def to_dict(self) -> dict:
        return asdict(self) | {"score": self.score}


@dataclass(frozen=True)
class Feedback:
    passed: bool
    message: str


def passed(message: str) -> Feedback:
    """The answer is right; ``message`` says what it got right."""
    return Feedback(True, message)


def failed(message: str) -> Feedback:
    """The answer is not right yet; ``message`` says what and why."""
    return Feedback(False, message)


#: Every exercise in the book, by id, in the order the chapters define them.
EXERCISES: dict[str, Exercise] = {}

#: The latest result of every check run in this Python process, by exercise id.
RESULTS: dict[str, CheckResult] = {}

#: Every call of a check in this process, in order: ``(exercise id, args, kwargs)``.
CALLS: list[tuple[str, tuple, dict]] = []

# Where exercises registered and results recorded go: the module's dicts, or those of a private scope.
_SCOPE: contextvars.ContextVar = contextvars.ContextVar("gdcore_checks_scope", default=None)


@contextlib.contextmanager
def private_scope():
    """Register exercises and record results in dicts of their own, ``(exercises, results)``.

    The grader runs an instructor's private check scripts once per submission,
    in threads side by side; each run registers its checks in its own scope.
    Calls made in a scope are not written to :data:`CALLS`.
    """
    scope: tuple[dict, dict] = ({}, {})
    token = _SCOPE.set(scope)
    try:
        yield scope
    finally:
        _SCOPE.reset(token)


def exercise(id: str, title: str, points: float = 1.0):
    """Register a check function as the check of exercise ``id``."""

    def decorate(check: Callable) -> Callable:
        scope = _SCOPE.get()
        registry = EXERCISES if scope is None else scope[0]
        if id in registry or id in EXERCISES:
            raise ValueError(f"exercise {id} is registered twice")

        @functools.wraps(check)
        def run(*args, **kwargs) -> CheckResult:
            current = _SCOPE.get()
            if current is None:
                CALLS.append((id, args, kwargs))
            attempted = True
            try:
                feedback = check(*args, **kwargs)
            except NotImplementedError:
                attempted = False
                feedback = failed("Not attempted yet: replace the `raise NotImplementedError` "
                                  "line with your answer and run the cell again.")
            except Exception as error:  # the student's code raised: say so in one sentence
                # (an answer the grader refused carries its own sentence, see tools/remote.py)
                feedback = failed(getattr(error, "feedback", None) or f"Your code raised {type(error).__name__}: {error}")
            result = CheckResult(id, title, feedback.passed, feedback.message, points, attempted)
            (RESULTS if current is None else current[1])[id] = result
            return result

        registry[id] = Exercise(id, title, points, run)
        return run

    return decorate


def exercises_of_chapter(chapter: int) -> list[Exercise]:
    return [e for e in EXERCISES.values() if e.chapter == chapter]


def results_json() -> str:
    """Every result of this process as JSON (for a look; the grader does not read it)."""
    return json.dumps({k: r.to_dict() for k, r in RESULTS.items()})


def fmt(x, digits: int = 4) -> str:
    """A number as feedback shows it: ``digits`` significant digits, no noise."""
    try:
        return f"{float(x):.{digits}g}"
    except (TypeError, ValueError):
        return repr(x)


def fmt_vec(v, digits: int = 4) -> str:
    """A vector as feedback shows it: ``(1.5, -0.25)``."""
    return "(" + ", ".join(fmt(c, digits) for c in np.ravel(v)) + ")"


def as_number(value, what: str) -> float:
    """A student's answer as a float, or a TypeError whose sentence says what it should be."""
    if not is_real(value):
        raise TypeError(f"{what} should be a number like 0.1, but it is {value!r}")
    return float(value)


def as_vector(value, what: str, shape) -> np.ndarray:
    """A student's answer as a float array of ``shape``, or a TypeError/ValueError that says why not."""
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{what} should be numbers (a numpy array of shape {shape}), but it is {value!r}") from None
    if arr.shape != tuple(shape):
        raise ValueError(f"{what} should have shape {tuple(shape)}, but it has shape {arr.shape}")
    return arr
