"""Chapter 8's small expressions of two inputs, built as graphs of :class:`~gdcore.autodiff.Value`.

:data:`EXPRESSIONS` are the expressions chapter 8's graph stepper offers;
:func:`build` builds one at a point (its forward pass done, its backward
pass not yet), which :func:`gdcore.autodiff.trace` turns into the steps
the stepper walks through and exercise 8.3 checks.
"""

from __future__ import annotations

from ..autodiff import Value
from .._validation import check_choice

__all__ = ["EXPRESSIONS", "build"]

#: The expressions the explorer offers: name -> f(x, y) built from Values.
EXPRESSIONS = {
    "tanh(x*y + x)": lambda x, y: (x * y + x).tanh(),
    "(x + y) * (x - y)": lambda x, y: (x + y) * (x - y),
    "sigmoid(x*y) * x": lambda x, y: (x * y).sigmoid() * x,
    "log(1 + exp(x*y))": lambda x, y: ((x * y).exp() + 1).log(),
    "sin(x) * cos(y) + x**2": lambda x, y: x.sin() * y.cos() + x**2,
}


def build(expression: str, x: float, y: float) -> Value:
    """The output Value of ``expression`` at (x, y), its graph built but not yet differentiated."""
    check_choice(expression, "expression", tuple(EXPRESSIONS))
    return EXPRESSIONS[expression](Value(x, "x"), Value(y, "y"))
