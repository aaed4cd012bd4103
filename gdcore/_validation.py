"""Input checks shared by every gdcore module.

Each helper either returns a clean value or raises an error whose message
names the argument, says what was expected and what arrived instead. Errors
are raised from here with their traceback hidden (``__tracebackhide__``), so
a student sees one sentence instead of gdcore's internals.
"""

from __future__ import annotations

import numbers
from typing import Callable

import numpy as np


def describe(value) -> str:
    """A short description of ``value`` for error messages."""
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    if isinstance(value, (list, tuple)):
        return f"a {type(value).__name__} of length {len(value)}"
    return f"{value!r} (a {type(value).__name__})"


def check_callable(f, name: str = "f") -> Callable:
    if not callable(f):
        raise TypeError(f"{name} must be a function, like `lambda x: x**2`; got {describe(f)}.")
    return f


def _as_real(value, name: str) -> float:
    """A Python or numpy real scalar (or 0-d array) as float; anything else is a TypeError."""
    is_numpy_real = np.ndim(value) == 0 and np.asarray(value).dtype.kind in "iuf"
    if isinstance(value, bool) or not (isinstance(value, numbers.Real) or is_numpy_real):
        raise TypeError(f"{name} must be a real number; got {describe(value)}.")
    return float(value)


def check_positive(value, name: str, *, allow_zero: bool = False) -> float:
    """A finite real number > 0 (or >= 0 with ``allow_zero``), as float."""
    value = _as_real(value, name)
    bound = "non-negative" if allow_zero else "positive"
    if not np.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
        raise ValueError(f"{name} must be a finite {bound} number; got {value!r}.")
    return value


def check_in_range(value, name: str, low: float, high: float, *, include_high: bool = False) -> float:
    """A real number in [low, high) (or [low, high]), as float."""
    value = _as_real(value, name)
    ok = low <= value <= high if include_high else low <= value < high
    if not ok:
        right = "]" if include_high else ")"
        raise ValueError(f"{name} must lie in [{low}, {high}{right}; got {value!r}.")
    return value


def check_int(value, name: str, *, minimum: int = 1) -> int:
    """An integer >= ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer; got {describe(value)}.")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}; got {value}.")
    return int(value)


def as_finite_array(x, name: str = "x", *, ndim: int | None = None, allow_empty: bool = False) -> np.ndarray:
    """``x`` as a float64 array, refusing text, NaN, infinities and (optionally) empties."""
    try:
        arr = np.asarray(x, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be numbers (a float or an array of floats); got {describe(x)}.") from None
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-dimensional; got shape {arr.shape}.")
    if arr.size == 0 and not allow_empty:
        raise ValueError(f"{name} is empty; expected at least one value.")
    if not np.all(np.isfinite(arr)):
        bad = int(np.size(arr) - np.count_nonzero(np.isfinite(arr)))
        raise ValueError(f"{name} must be finite; it contains {bad} NaN or infinite value(s).")
    return arr


def check_choice(value, name: str, choices) -> str:
    if value not in choices:
        options = ", ".join(repr(c) for c in choices)
        raise ValueError(f"{name} must be one of {options}; got {value!r}.")
    return value
