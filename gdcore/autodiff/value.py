r"""Reverse mode on scalars: the :class:`Value` engine.

Every arithmetic operation on Values returns a new Value that remembers
its ``parents`` and the *local derivatives* of the result with respect to
each parent, computed right next to the result itself. Together the Values
form a computational graph. ``backward()`` then applies the chain rule from
the output back to the inputs:

.. math::
    \bar v \;=\; \frac{\partial L}{\partial v}
           \;=\; \sum_{c \,\in\, \text{children}(v)} \bar c\, \frac{\partial c}{\partial v},

visiting each node after all its children (reverse topological order), so
that a value used several times collects one term per use.

Semantics, as in PyTorch: every Value tracks its gradient; ``.grad``
*accumulates* across ``backward()`` calls (each call adds the derivatives of
its output) until ``zero_grad()`` resets it.
"""

from __future__ import annotations

import math

import numpy as np

from .._validation import as_finite_array, check_callable, describe, is_real
from . import _scalars
from ._scalars import as_number
from .topo import topological_order

__all__ = ["Value", "reverse_gradient"]


class Value:
    """A scalar in a computational graph: ``.data``, ``.grad``, ``backward()``, ``zero_grad()``.

    ``Value(2.0, "x")`` makes an input (a leaf). An operation makes a node
    ``Value(data, parents=(a, b), local_grads=(dc_da, dc_db), op="*")``; that
    is also how you add a new operation of your own.
    """

    __array_ufunc__ = None  # numpy scalars defer to our reflected operators

    def __init__(self, data, label: str = "", *, parents=(), local_grads=(), op: str = ""):
        self.data = as_number(data, "Value data")
        self.grad = 0.0
        self.label = str(label)
        self.op = str(op)
        self.parents = tuple(parents)
        self.local_grads = tuple(as_number(g, "a local derivative") for g in local_grads)
        for parent in self.parents:
            if not isinstance(parent, Value):
                raise TypeError(f"parents must be Values; got {describe(parent)}.")
        if len(self.local_grads) != len(self.parents):
            raise ValueError(f"a node needs one local derivative per parent; got {len(self.parents)} "
                             f"parent(s) and {len(self.local_grads)} local derivative(s).")

    def __repr__(self) -> str:
        name = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data:.6g}, grad={self.grad:.6g}{name})"

    @staticmethod
    def _lift(other, symbol, left):
        if isinstance(other, Value):
            return other
        if is_real(other):
            return Value(other)  # a constant leaf
        raise _scalars.operand_error(symbol, left, other, "Value")

    # -- arithmetic ---------------------------------------------------------------- #
    def __add__(self, other):
        other = self._lift(other, "+", self)
        return Value(self.data + other.data, parents=(self, other), local_grads=(1.0, 1.0), op="+")

    def __radd__(self, other):
        return self._lift(other, "+", other) + self

    def __mul__(self, other):
        other = self._lift(other, "*", self)
        return Value(self.data * other.data, parents=(self, other),
                     local_grads=(other.data, self.data), op="*")

    def __rmul__(self, other):
        return self._lift(other, "*", other) * self

    def __neg__(self):
        return Value(-self.data, parents=(self,), local_grads=(-1.0,), op="neg")

    def __sub__(self, other):
        other = self._lift(other, "-", self)
        return Value(self.data - other.data, parents=(self, other), local_grads=(1.0, -1.0), op="-")

    def __rsub__(self, other):
        return self._lift(other, "-", other) - self

    def __truediv__(self, other):
        other = self._lift(other, "/", self)
        if other.data == 0:
            raise ZeroDivisionError("division of a Value by a Value whose data is 0.")
        quotient, d_a, d_b = _scalars.divide(self.data, other.data)
        return Value(quotient, parents=(self, other), local_grads=(d_a, d_b), op="/")

    def __rtruediv__(self, other):
        return self._lift(other, "/", other) / self

    def __pow__(self, p):
        if not is_real(p):
            raise TypeError(f"the exponent of a Value must be a constant number; got {describe(p)}. "
                            "For x ** y with y varying, write (y * x.log()).exp().")
        value = _scalars.power(self.data, p)
        local = p * _scalars.power(self.data, p - 1, derivative_of=p) if p != 0 else 0.0
        return Value(value, parents=(self,), local_grads=(local,), op=f"**{p:g}")

    def __rpow__(self, base):
        raise TypeError("a Value exponent is not supported; for c ** x write (x * math.log(c)).exp().")

    # -- elementary functions: value and local derivative side by side --------------- #
    def exp(self):
        e = _scalars.exp(self.data)
        return Value(e, parents=(self,), local_grads=(e,), op="exp")

    def log(self):
        return Value(_scalars.log(self.data), parents=(self,), local_grads=(1 / self.data,), op="log")

    def tanh(self):
        t = math.tanh(self.data)
        return Value(t, parents=(self,), local_grads=(1 - t * t,), op="tanh")

    def relu(self):
        on = self.data > 0
        return Value(self.data if on else 0.0, parents=(self,), local_grads=(1.0 if on else 0.0,), op="relu")

    def sigmoid(self):
        s = _scalars.sigmoid(self.data)
        return Value(s, parents=(self,), local_grads=(s * (1 - s),), op="sigmoid")

    def sin(self):
        return Value(math.sin(self.data), parents=(self,), local_grads=(math.cos(self.data),), op="sin")

    def cos(self):
        return Value(math.cos(self.data), parents=(self,), local_grads=(-math.sin(self.data),), op="cos")

    # -- the backward pass -------------------------------------------------------------- #
    def backward(self) -> None:
        r"""Add :math:`\partial\,\text{self} / \partial v` to ``v.grad`` for every node ``v`` of the graph.

        The derivatives of this pass are collected in a dictionary first and
        then *added* to each ``.grad``: calling ``backward()`` twice doubles
        every gradient (call ``zero_grad()`` in between to start afresh).
        """
        order = topological_order(self)
        grads = dict.fromkeys(order, 0.0)
        grads[self] = 1.0  # d self / d self
        for node in reversed(order):  # every child before its parents
            for parent, local in zip(node.parents, node.local_grads):
                grads[parent] += local * grads[node]  # chain rule, one term per use
        for node in order:
            node.grad += grads[node]

    def zero_grad(self) -> None:
        """Set ``.grad`` to 0 on this Value and on every Value it was computed from."""
        for node in topological_order(self):
            node.grad = 0.0


def reverse_gradient(f, x) -> np.ndarray:
    """The gradient of ``f: R^n -> R`` by reverse mode: one forward and one backward pass.

    ``f`` receives a list of ``n`` Values and must return a Value.
    """
    check_callable(f)
    inputs = [Value(v, f"x{i}") for i, v in enumerate(as_finite_array(x, "x").ravel())]
    out = f(inputs)
    if not isinstance(out, Value):
        raise TypeError(f"f must return a Value when given Values; got {describe(out)}.")
    out.backward()
    return np.array([v.grad for v in inputs])
