r"""Forward mode: dual numbers.

A dual number :math:`a + b\,\varepsilon` carries a value :math:`a` and a
derivative :math:`b`, with the rule :math:`\varepsilon^2 = 0`. Taylor's
formula then makes every smooth function carry derivatives along:

.. math::
    f(a + b\,\varepsilon) = f(a) + f'(a)\, b\,\varepsilon .

So evaluating a program on ``Dual(x, 1.0)`` instead of ``x`` returns
``Dual(f(x), f'(x))``: the chain rule is applied one operation at a time, in
the same order as the program runs. Each operation below computes its value
and, right next to it, the derivative of the result.

For :math:`f: \mathbb{R}^n \to \mathbb{R}` one pass gives one directional
derivative; the whole gradient takes :math:`n` passes
(:func:`forward_gradient`).
"""

from __future__ import annotations

import math

import numpy as np

from .._validation import as_finite_array, check_callable, describe, is_real
from . import _scalars
from ._scalars import as_number

__all__ = ["Dual", "forward_derivative", "forward_gradient"]


class Dual:
    """A number ``value + derivative * eps`` with ``eps**2 == 0``."""

    __array_ufunc__ = None  # numpy scalars and arrays defer to our operators
    __slots__ = ("value", "derivative")

    def __init__(self, value, derivative=0.0):
        self.value = as_number(value, "Dual value")
        self.derivative = as_number(derivative, "Dual derivative")

    def __repr__(self) -> str:
        return f"Dual(value={self.value:.6g}, derivative={self.derivative:.6g})"

    @staticmethod
    def _lift(other, symbol, left):
        if isinstance(other, Dual):
            return other
        if is_real(other):
            return Dual(other, 0.0)  # a constant: derivative 0
        raise _scalars.operand_error(symbol, left, other, "Dual")

    # -- arithmetic: (a + a'e) op (b + b'e) ------------------------------------ #
    def __add__(self, other):
        other = self._lift(other, "+", self)
        return Dual(self.value + other.value, self.derivative + other.derivative)

    def __radd__(self, other):
        return self._lift(other, "+", other) + self

    def __neg__(self):
        return Dual(-self.value, -self.derivative)

    def __sub__(self, other):
        other = self._lift(other, "-", self)
        return Dual(self.value - other.value, self.derivative - other.derivative)

    def __rsub__(self, other):
        return self._lift(other, "-", other) - self

    def __mul__(self, other):
        other = self._lift(other, "*", self)
        return Dual(self.value * other.value,
                    self.derivative * other.value + self.value * other.derivative)

    def __rmul__(self, other):
        return self._lift(other, "*", other) * self

    def __truediv__(self, other):
        other = self._lift(other, "/", self)
        if other.value == 0:
            raise ZeroDivisionError("division of a Dual by a number whose value is 0.")
        return Dual(self.value / other.value,
                    (self.derivative * other.value - self.value * other.derivative) / other.value**2)

    def __rtruediv__(self, other):
        return self._lift(other, "/", other) / self

    def __pow__(self, p):
        if not is_real(p):
            raise TypeError(f"the exponent of a Dual must be a constant number; got {describe(p)}. "
                            "For x ** y with y varying, write (y * x.log()).exp().")
        value = _scalars.power(self.value, p)
        local = p * _scalars.power(self.value, p - 1, derivative_of=p) if p != 0 else 0.0
        return Dual(value, local * self.derivative)

    def __rpow__(self, base):
        raise TypeError("a Dual exponent is not supported; for c ** x write (x * math.log(c)).exp().")

    # -- elementary functions: f(a + a'e) = f(a) + f'(a) a' e ------------------ #
    def exp(self):
        e = _scalars.exp(self.value)
        return Dual(e, e * self.derivative)

    def log(self):
        return Dual(_scalars.log(self.value), self.derivative / self.value)

    def tanh(self):
        t = math.tanh(self.value)
        return Dual(t, (1 - t * t) * self.derivative)

    def relu(self):
        return Dual(max(self.value, 0.0), self.derivative if self.value > 0 else 0.0)

    def sigmoid(self):
        s = _scalars.sigmoid(self.value)
        return Dual(s, s * (1 - s) * self.derivative)

    def sin(self):
        return Dual(math.sin(self.value), math.cos(self.value) * self.derivative)

    def cos(self):
        return Dual(math.cos(self.value), -math.sin(self.value) * self.derivative)


def forward_derivative(f, x) -> float:
    """f'(x) of a function of one number, by one forward pass with ``Dual(x, 1)``."""
    check_callable(f)
    out = f(Dual(as_number(x, "x"), 1.0))
    if not isinstance(out, Dual):
        raise TypeError(f"f must return a Dual when given a Dual (use only Dual operations); got {describe(out)}.")
    return out.derivative


def forward_gradient(f, x) -> np.ndarray:
    r"""The gradient of ``f: R^n -> R`` by forward mode: ``n`` passes.

    ``f`` receives a list of ``n`` Duals. Pass ``i`` seeds input ``i`` with
    derivative 1 and all others with 0, so the output's derivative is
    :math:`\partial f / \partial x_i`.
    """
    check_callable(f)
    x = as_finite_array(x, "x").ravel()
    grad = np.empty(x.size)
    for i in range(x.size):
        out = f([Dual(v, 1.0 if j == i else 0.0) for j, v in enumerate(x)])
        if not isinstance(out, Dual):
            raise TypeError(f"f must return a Dual when given Duals; got {describe(out)}.")
        grad[i] = out.derivative
    return grad
