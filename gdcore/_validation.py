"""Input checks shared by every gdcore module.

Each helper either returns a clean value or raises an error whose message
names the argument, says what was expected and what arrived instead:
a ``TypeError`` for the wrong kind of thing (text, ``None``, a complex
number, a bool where a number belongs), a ``ValueError`` for the right kind
with a wrong value (NaN, infinity, a negative learning rate, a wrong shape).
"""

from __future__ import annotations

import math
import numbers
from typing import Callable

import numpy as np


def describe(value) -> str:
    """A short description of ``value`` for error messages."""
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    if isinstance(value, (list, tuple)):
        return f"a {type(value).__name__} of length {len(value)}"
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{text} (a {type(value).__name__})"


# -- single numbers -------------------------------------------------------------------------

def is_real(value) -> bool:
    """True for a real number: a Python or numpy int or float (or a 0-d array of one); never a bool."""
    if type(value) is float:  # the common case, checked first
        return True
    if isinstance(value, (bool, np.bool_)):
        return False
    if isinstance(value, numbers.Real):
        return True
    return isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "iuf"


def as_real(value, name: str, *, finite: bool = False) -> float:
    """``value`` as a float if it is a real number (see :func:`is_real`), else a TypeError.

    With ``finite=True`` NaN and infinities are a ValueError. An int too large
    for a float (``10**400``) is a ValueError too.
    """
    if type(value) is float:
        result = value
    elif not is_real(value):
        raise TypeError(f"{name} must be a real number; got {describe(value)}.")
    else:
        try:
            result = float(value)
        except OverflowError:
            raise ValueError(f"{name} is too large for a float (at most about 1.8e308); "
                             f"got {describe(value)}.") from None
    if finite and not math.isfinite(result):
        raise ValueError(f"{name} must be a finite number; got {result!r}.")
    return result


def check_positive(value, name: str, *, allow_zero: bool = False) -> float:
    """A finite real number > 0 (or >= 0 with ``allow_zero``), as float."""
    value = as_real(value, name)
    bound = "non-negative" if allow_zero else "positive"
    if not math.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
        raise ValueError(f"{name} must be a finite {bound} number; got {value!r}.")
    return value


def check_in_range(value, name: str, low: float, high: float, *, include_high: bool = False) -> float:
    """A real number in [low, high) (or [low, high]), as float."""
    value = as_real(value, name)
    ok = low <= value <= high if include_high else low <= value < high
    if not ok:
        right = "]" if include_high else ")"
        raise ValueError(f"{name} must lie in [{low}, {high}{right}; got {value!r}.")
    return value


def check_int(value, name: str, *, minimum: int = 1, maximum: int | None = None) -> int:
    """An integer >= ``minimum`` (and <= ``maximum``, for sizes that must fit in memory)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer; got {describe(value)}.")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}; got {value}.")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be at most {maximum:,}; got {describe(value)}.")
    return int(value)


def check_flag(value, name: str) -> bool:
    """``True`` or ``False`` (a numpy bool too); not a truthy string or number."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False; got {describe(value)}.")
    return bool(value)


def check_callable(f, name: str = "f") -> Callable:
    if not callable(f):
        raise TypeError(f"{name} must be a function, like `lambda x: x**2`; got {describe(f)}.")
    return f


def check_choice(value, name: str, choices) -> str:
    if not isinstance(value, str) or value not in choices:
        options = ", ".join(repr(c) for c in choices)
        raise ValueError(f"{name} must be one of {options}; got {describe(value)}.")
    return value


# -- arrays ----------------------------------------------------------------------------------

def as_finite_array(x, name: str = "x", *, ndim: int | None = None, allow_empty: bool = False,
                    allow_infinite: bool = False) -> np.ndarray:
    """``x`` as a float64 array, refusing text, complex numbers, NaN, infinities and (optionally) empties.

    A single bool is refused too (``True`` is not a number here); arrays of bools count as 0 and 1.
    ``allow_infinite`` lets ``inf`` and ``-inf`` through (never NaN).
    """
    if type(x) is np.ndarray and x.dtype == np.float64 and x.size and np.isfinite(x).all():
        if ndim is None or x.ndim == ndim:  # the common case, checked first: already clean
            return x
    if x is None or isinstance(x, (bool, np.bool_)):
        raise TypeError(f"{name} must be numbers (a float or an array of floats); got {describe(x)}.")
    try:
        raw = x if isinstance(x, np.ndarray) else np.asarray(x)
    except (TypeError, ValueError, OverflowError):  # ragged nested lists
        raise ValueError(f"{name} must be numbers in a regular shape (a float or an array of floats); "
                         f"got {describe(x)}.") from None
    if raw.dtype.kind not in "biufO":
        what = {"c": "complex numbers", "U": "text", "S": "bytes"}.get(raw.dtype.kind, f"dtype {raw.dtype}")
        raise TypeError(f"{name} must be numbers (a float or an array of real floats); got {what}: "
                        f"{describe(x)}.")
    try:
        arr = raw.astype(float, copy=False)
    except OverflowError:
        raise ValueError(f"{name} holds an int too large for a float (at most about 1.8e308).") from None
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be numbers (a float or an array of floats); got {describe(x)}.") from None
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-dimensional; got shape {arr.shape}.")
    if arr.size == 0 and not allow_empty:
        raise ValueError(f"{name} is empty; expected at least one value.")
    if allow_infinite:
        if np.isnan(arr).any():
            raise ValueError(f"{name} must not contain NaN; it contains {int(np.isnan(arr).sum())}.")
    elif not np.isfinite(arr).all():
        bad = int(np.size(arr) - np.count_nonzero(np.isfinite(arr)))
        raise ValueError(f"{name} must be finite; it contains {bad} NaN or infinite value(s).")
    return arr


def as_finite_matrix(X, name: str = "X") -> np.ndarray:
    """``X`` as a finite float64 matrix ``(n_samples, n_features)`` with at least one row and column."""
    arr = as_finite_array(X, name, allow_empty=True)
    if arr.ndim != 2:
        hint = (" For a single feature use X.reshape(-1, 1); for a single sample, X.reshape(1, -1)."
                if arr.ndim == 1 else "")
        raise ValueError(f"{name} must be 2-D, (n_samples, n_features); got shape {arr.shape}.{hint}")
    if arr.size == 0:
        raise ValueError(f"{name} is empty (shape {arr.shape}); expected at least one sample and one feature.")
    return arr


def check_X_y(X, y, *, name_X: str = "X", name_y: str = "y") -> tuple[np.ndarray, np.ndarray]:
    """``X`` as a finite 2-D float array, ``y`` as a finite 1-D array of the same length."""
    X = as_finite_array(X, name_X)
    if X.ndim != 2:
        raise ValueError(f"{name_X} must be 2-dimensional, of shape (n_samples, n_features); "
                         f"got shape {X.shape}. For one feature use X.reshape(-1, 1).")
    y = as_finite_array(y, name_y)
    if y.ndim != 1:
        raise ValueError(f"{name_y} must be 1-dimensional, of shape (n_samples,); got shape {y.shape}.")
    if len(X) != len(y):
        raise ValueError(f"{name_X} and {name_y} must have the same number of samples; "
                         f"{name_X} has {len(X)} rows but {name_y} has {len(y)} values.")
    return X, y


def as_generator(seed_or_rng, name: str = "seed") -> np.random.Generator:
    """A ``numpy.random.Generator`` from an int seed, ``None`` (fresh entropy) or a Generator."""
    if isinstance(seed_or_rng, np.random.Generator):
        return seed_or_rng
    if seed_or_rng is None:
        return np.random.default_rng()
    if isinstance(seed_or_rng, (bool, np.bool_)) or not isinstance(seed_or_rng, numbers.Integral):
        raise TypeError(f"{name} must be a numpy Generator or a non-negative int seed; "
                        f"got {describe(seed_or_rng)}.")
    check_int(seed_or_rng, name, minimum=0)
    return np.random.default_rng(seed_or_rng)
