"""Plain-number helpers shared by :class:`Dual` and :class:`Value`.

They check that an operand is a real number and compute the elementary
functions whose inputs have a restricted domain (``log``, fractional powers)
or that overflow (``exp``) with an error that says what happened, instead of
Python's terse ``math domain error``.
"""

from __future__ import annotations

import math

from .. import activations
from .._validation import as_real, describe


def as_number(x, what: str) -> float:
    """``x`` as a finite float, or an error naming ``what`` was expected to be a real number."""
    if type(x) is float and math.isfinite(x):  # the common case, checked first: every operation's result
        return x
    return as_real(x, what, finite=True)


def operand_error(symbol: str, left, right, kind: str) -> TypeError:
    """The error for ``left <symbol> right`` with an operand that ``kind`` cannot combine with."""
    return TypeError(
        f"unsupported operand for {symbol}: {describe(left)} and {describe(right)}. "
        f"A {kind} combines with another {kind} or a plain number (int or float)."
    )


def exp(x: float) -> float:
    if x > 709.78:
        raise OverflowError(f"exp({x:.6g}) is larger than the largest float (about 1.8e308).")
    return math.exp(x)


def log(x: float) -> float:
    if x <= 0:
        raise ValueError(f"log needs a positive input; got {x:.6g}.")
    return math.log(x)


def power(x: float, p: float, derivative_of: float | None = None) -> float:
    """``x ** p`` for real results only; ``derivative_of=q`` words the errors for d/dx x**q."""
    p = as_number(p, "the exponent")
    if x < 0 and not float(p).is_integer():
        raise ValueError(f"a negative base to a fractional power is not a real number: ({x:.6g}) ** {p:.6g}.")
    if x == 0 and p < 0:
        if derivative_of is not None:
            raise ZeroDivisionError(f"the derivative of x ** {derivative_of:g} is infinite at x = 0.")
        raise ZeroDivisionError(f"0 ** {p:.6g} is infinite.")
    try:
        result = x**p
    except (OverflowError, ZeroDivisionError):
        result = math.inf
    if not math.isfinite(result):
        raise OverflowError(f"({x:.6g}) ** {p:.6g} is larger than the largest float (about 1.8e308).")
    return result


def divide(a: float, b: float) -> tuple[float, float, float]:
    """``a / b`` and its local derivatives ``1 / b`` and ``-a / b**2``, or an error if one overflows."""
    if b == 0:
        raise ZeroDivisionError("division by a number whose value is 0.")
    try:
        out = (a / b, 1 / b, -a / b**2)
    except (OverflowError, ZeroDivisionError):
        out = (math.inf,)
    if not all(math.isfinite(v) for v in out):
        raise OverflowError(f"{a:.6g} / {b:.6g} or its derivative is larger than the largest float "
                            "(about 1.8e308).")
    return out


def sigmoid(x: float) -> float:
    """The logistic function of one number (:func:`gdcore.activations.sigmoid`), as a float."""
    return float(activations.sigmoid(x))
