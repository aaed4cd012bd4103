"""Checks for chapter 8, automatic differentiation."""

from __future__ import annotations

import math

from ..activations import sigmoid
from ..autodiff import Value, topological_order
from ..experiments.graphs import build
from ._core import exercise, failed, fmt, passed

__all__ = ["check_softplus", "check_reused_gradient", "check_graph_steps", "check_backward"]


@exercise("8.1", "the local derivative of a new operation")
def check_softplus(softplus):
    """``softplus(v)`` should return ONE new Value, log(1 + e^v), with local derivative sigmoid(v)."""
    for x in (-3.0, 0.0, 0.5, 4.0):
        v = Value(x, "v")
        out = softplus(v)
        if not isinstance(out, Value):
            return failed(f"softplus(Value({fmt(x)})) returned {out!r}; it should return a Value.")
        expected = math.log1p(math.exp(x))
        if abs(out.data - expected) > 1e-9 * max(1.0, abs(expected)):
            return failed(f"softplus({fmt(x)}) has data {fmt(out.data)}, expected log(1 + e^{fmt(x)}) = "
                          f"{fmt(expected)}.")
        if out.parents != (v,):
            size = len(topological_order(out)) - 1
            return failed(f"softplus(v) is built from {size} nodes; the exercise asks for one new node "
                          "with v as its only parent and its own local derivative: "
                          "Value(..., parents=(v,), local_grads=(...,), op='softplus').")
        out.backward()
        if abs(v.grad - sigmoid(x)) > 1e-9:
            hint = ("That is 1/(1 + e^x): the derivative of log(u) is 1/u, times du/dx = e^x."
                    if abs(v.grad - 1 / (1 + math.exp(x))) < 1e-9 else
                    "d/dx log(1 + e^x) = e^x / (1 + e^x), which is sigmoid(x).")
            return failed(f"at v = {fmt(x)} the gradient is {fmt(v.grad)}, expected {fmt(sigmoid(x))}. {hint}")
    return passed("softplus has the right value and the local derivative sigmoid(v) at every test point; "
                  "backward() needed nothing else to differentiate it.")


@exercise("8.2", "the gradient of a reused variable")
def check_reused_gradient(grad_x):
    """df/dx for a = x*y, b = a + x, f = a*b at x = 3, y = 0.5 (x and a are each used twice)."""
    got = float(grad_x)
    x, y = 3.0, 0.5
    a, b = x * y, x * y + x
    expected = (b + a) * y + a * 1  # df/da = b + a (a is used twice), df/db = a
    if abs(got - expected) < 1e-9:
        return passed(f"df/dx = {fmt(expected)}: df/da = b + a = {fmt(b + a)} (a feeds f directly and through b), "
                      f"times y, plus df/db = a = {fmt(a)} through x's direct path into b.")
    wrong = {
        (b + a) * y: "that is only the path through a = x*y; x also enters b = a + x directly, adding df/db = a.",
        a: "that is only x's direct path into b; x also enters a = x*y, adding (df/da) * y.",
        b * y + a: "a is used twice (in f = a*b directly and inside b), so df/da = b + a, not b.",
        a * y + a: "a is used twice (in f = a*b directly and inside b), so df/da = b + a, not a.",
    }
    for value, hint in wrong.items():
        if abs(got - value) < 1e-9:
            return failed(f"grad_x = {fmt(got)}, expected {fmt(expected)}: {hint}")
    return failed(f"grad_x = {fmt(got)}, expected {fmt(expected)}. Add one term per path from x to f: "
                  "df/dx = (df/da)(da/dx) + (df/db)(db/dx) with df/da = b + a.")


#: The widget exercise: expression and inputs.
GRAPH_EXERCISE = {"expression": "tanh(x*y + x)", "x": 1.0, "y": -0.5}


@exercise("8.3", "stepping through the backward pass (widget)")
def check_graph_steps(n_contributions, x_grad):
    """How many backward steps add into x.grad, and its final value, for GRAPH_EXERCISE."""
    output = build(**GRAPH_EXERCISE)
    output.backward()
    x = next(node for node in topological_order(output) if node.label == "x")
    uses = sum(parent is x for node in topological_order(output) for parent in node.parents)
    if int(n_contributions) != n_contributions or int(n_contributions) != uses:
        return failed(f"n_contributions = {n_contributions!r}, but x is a parent of {uses} nodes "
                      f"(count the arrows leaving x), and each adds one term to x.grad.")
    if abs(float(x_grad) - x.grad) > 5e-4:
        first = 1 - math.tanh(0.5) ** 2
        hint = (" That is only one of the two terms: x.grad is their sum."
                if min(abs(float(x_grad) - first), abs(float(x_grad) + 0.5 * first)) < 5e-4 else "")
        return failed(f"x_grad = {fmt(x_grad)}, expected {fmt(x.grad)} (to 3 decimals).{hint}")
    return passed(f"x.grad collects {uses} terms, {fmt(1 - math.tanh(0.5) ** 2)} through b = a + x and "
                  f"{fmt(-0.5 * (1 - math.tanh(0.5) ** 2))} through a = x*y: {fmt(x.grad)} in all.")


def _graphs():
    """Small graphs with reused nodes, for checking a backward pass."""
    x, y = Value(0.7, "x"), Value(-1.2, "y")
    a = x * y
    yield (a * (a + x)).tanh() + x.exp(), (x, y)
    z = Value(0.4, "z")
    b = z.sin()
    yield b * b * b + (b - z) / (2 + z * z), (z,)


@exercise("8.4", "your own backward pass")
def check_backward(backward):
    """``backward(output)`` should return {node: d output / d node} without touching ``.grad``."""
    for output, inputs in _graphs():
        grads = backward(output)
        if not isinstance(grads, dict):
            return failed(f"backward(output) returned {type(grads).__name__}; it should return a dict "
                          "{node: gradient}.")
        if any(node.grad != 0 for node in topological_order(output)):
            return failed("backward(output) changed .grad; keep this pass's gradients in the dict only.")
        output.backward()
        for v in inputs:
            got = grads.get(v)
            if got is None:
                return failed(f"the dict has no gradient for input {v.label}.")
            if abs(got - v.grad) > 1e-9 * max(1.0, abs(v.grad)):
                return failed(f"d output / d {v.label} = {fmt(got)}, expected {fmt(v.grad)}. A node used "
                              "several times needs += (one term per use), and every node must be "
                              "visited after all nodes computed from it: reversed(topological_order(output)).")
    return passed("your backward pass matches Value.backward() on graphs with reused nodes.")
