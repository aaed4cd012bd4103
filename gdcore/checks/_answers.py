"""Reading a student's answer: a wrongly typed answer fails with one sentence about the type expected.

A check decorated with :func:`graded` (under ``@exercise``) reads the answer
with :func:`number`, :func:`positive`, :func:`vector`, :func:`function` or
:func:`returned`. When the answer has the wrong type (a string, None, a
list where a number is expected), these raise :class:`WrongType`, and the
check fails with that sentence, instead of "Your code raised TypeError ..."
from inside the check, which would blame the student's code for the check's
own error.
"""

from __future__ import annotations

import functools
import numbers

import numpy as np

from ._core import failed, fmt


class WrongType(Exception):
    """An answer of the wrong type; the message is the whole feedback sentence."""


def graded(check):
    """Let ``check`` raise :class:`WrongType` to fail with its sentence."""

    @functools.wraps(check)
    def run(*args, **kwargs):
        try:
            return check(*args, **kwargs)
        except WrongType as problem:
            return failed(str(problem))

    return run


def describe(value, quotes_hint: bool = True) -> str:
    """What arrived, in words a student recognises."""
    if isinstance(value, str):
        return f"the string {value!r}" + (" (write the number without quotes)" if quotes_hint else "")
    if value is None:
        return "None (did a function or cell forget to return or assign its value?)"
    return f"{value!r}, of type {type(value).__name__}"


def number(value, what: str, example: str) -> float:
    """``value`` as a float, or :class:`WrongType` saying a number was expected."""
    is_numpy_real = np.ndim(value) == 0 and np.asarray(value).dtype.kind in "iuf"
    if isinstance(value, bool) or not (isinstance(value, numbers.Real) or is_numpy_real):
        raise WrongType(f"{what} should be one number, like {example}, but it is {describe(value)}.")
    return float(value)


def positive(value, what: str, example: str) -> float:
    """``value`` as a positive finite float, or :class:`WrongType`."""
    x = number(value, what, example)
    if not np.isfinite(x) or x <= 0:
        raise WrongType(f"{what} should be a positive number, like {example}, but it is {fmt(x)}.")
    return x


def vector(value, what: str, length: int, example: str) -> np.ndarray:
    """``value`` as a finite float vector of ``length`` numbers, or :class:`WrongType`."""
    wrong = f"{what} should be {length} numbers, like {example}, but it is {describe(value, False)}."
    if isinstance(value, (str, bytes)) or value is None:
        raise WrongType(wrong)
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise WrongType(wrong) from None
    if arr.shape != (length,):
        raise WrongType(f"{what} should be {length} numbers, like {example}, but it has shape {arr.shape}.")
    if not np.all(np.isfinite(arr)):
        raise WrongType(f"{what} should be {length} finite numbers, like {example}, but it is {describe(value, False)}.")
    return arr


def function(value, what: str, signature: str):
    """``value`` if it is callable, else :class:`WrongType`."""
    if not callable(value):
        raise WrongType(f"{what} should be a function, defined with `def {signature}:`, "
                        f"but it is {describe(value)}.")
    return value


def returned(value, call: str) -> float:
    """A number the student's function returned, as a float."""
    try:
        return number(value, call, "0.5")
    except WrongType:
        raise WrongType(f"{call} should return one number, but it returned {describe(value, False)}.") from None


def returned_vector(value, call: str, length: int) -> np.ndarray:
    """A vector the student's function returned, as a float array of ``length`` numbers."""
    arr = None
    if not isinstance(value, (str, bytes)) and value is not None:
        try:
            arr = np.asarray(value, dtype=float)
        except (TypeError, ValueError):
            arr = None
    if arr is None:
        raise WrongType(f"{call} should return a numpy array of {length} numbers, "
                        f"but it returned {describe(value, False)}.")
    if arr.shape != (length,):
        raise WrongType(f"{call} should return a numpy array of {length} numbers (shape ({length},)), "
                        f"but it returned one of shape {arr.shape}.")
    return arr


def distinct(a, b, least: int = 4) -> tuple[str, str]:
    """``a`` and ``b`` (numbers or vectors) with just enough digits to tell them apart."""
    a, b = np.ravel(np.asarray(a, dtype=float)), np.ravel(np.asarray(b, dtype=float))
    for digits in range(least, 18):
        shown = ["(" + ", ".join(fmt(c, digits) for c in v) + ")" for v in (a, b)]
        if shown[0] != shown[1] or np.array_equal(a, b):
            break
    if a.size == 1:
        shown = [s[1:-1] for s in shown]
    return shown[0], shown[1]


def bound(x: float) -> str:
    """The power of ten just above ``x`` (> 0), to print round-off as a bound: ``"1e-10"``."""
    return f"1e{int(np.floor(np.log10(x))) + 1}" if x > 0 else "1e-300"
