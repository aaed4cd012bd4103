"""Plain-number helpers shared by :class:`Dual` and :class:`Value`.

They check that an operand is a real number and compute the elementary
functions whose inputs have a restricted domain (``log``, fractional powers)
or that overflow (``exp``) with an error that says what happened, instead of
Python's terse ``math domain error``.
"""

from __future__ import annotations

import math
import numbers

from .._validation import describe


def is_number(x) -> bool:
    """True for a real number (int, float, numpy scalar), False for bools and everything else."""
    return isinstance(x, numbers.Real) and not isinstance(x, bool)


def as_number(x, what: str) -> float:
    """``x`` as a float, or a TypeError naming ``what`` was expected to be a number."""
    if type(x) is float:  # the common case, checked first: every operation's result
        return x
    if not is_number(x):
        raise TypeError(f"{what} must be a real number (int or float); got {describe(x)}.")
    return float(x)


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
    if x < 0 and not float(p).is_integer():
        raise ValueError(f"a negative base to a fractional power is not a real number: ({x:.6g}) ** {p:.6g}.")
    if x == 0 and p < 0:
        if derivative_of is not None:
            raise ZeroDivisionError(f"the derivative of x ** {derivative_of:g} is infinite at x = 0.")
        raise ZeroDivisionError(f"0 ** {p:.6g} is infinite.")
    return x**p


def sigmoid(x: float) -> float:
    """The logistic function 1 / (1 + e^-x), without overflow for any x."""
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)
