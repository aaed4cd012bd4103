"""Checks for chapter 8, automatic differentiation."""

from __future__ import annotations

import math
import numbers

import numpy as np

from ..activations import sigmoid
from ..autodiff import Tensor, Value, topological_order
from ..experiments.graphs import build
from ._core import exercise, failed, fmt, passed

__all__ = ["check_softplus", "check_reused_gradient", "check_graph_steps", "check_backward",
           "check_softmax_vjp"]


def _softplus(x: float) -> float:
    """log(1 + e^x) = max(x, 0) + log(1 + e^-|x|), without overflow for any x."""
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))


def _is_number(value) -> bool:
    return not isinstance(value, bool) and (isinstance(value, numbers.Real) or
                                            (np.ndim(value) == 0 and np.asarray(value).dtype.kind in "iuf"))


def _digits(got: float, other: float) -> str:
    """``got`` with enough significant digits (4 to 12) to differ from ``other`` when printed."""
    for digits in range(4, 13):
        if fmt(got, digits) != fmt(other, digits):
            return fmt(got, digits)
    return fmt(got, 12)


def _not_a_function(name: str, signature: str, value) -> str:
    return f"{name} should be a function, {signature}; got {value!r}."


@exercise("8.1", "the local derivative of a new operation")
def check_softplus(softplus):
    """``softplus(v)`` should return ONE new Value, log(1 + e^v), with local derivative sigmoid(v)."""
    if not callable(softplus):
        return failed(_not_a_function("softplus", "softplus(v) returning a Value", softplus))
    for x in (-3.0, 0.0, 0.5, 4.0, 30.0, -30.0, 800.0, -800.0, 1e4, -1e4):
        v = Value(x, "v")
        try:
            out = softplus(v)
        except OverflowError:
            return failed(f"softplus(Value({fmt(x)})) raised OverflowError: e^{fmt(abs(x))} is larger than the "
                          "largest float (about 1.8e308, so e^v overflows from v = 710). Compute log(1 + e^v) as "
                          "max(v, 0) + log1p(exp(-|v|)), and the sigmoid from exp(-|v|) too: neither overflows.")
        if not isinstance(out, Value):
            return failed(f"softplus(Value({fmt(x)})) returned {out!r}; it should return a Value.")
        expected = _softplus(x)
        if not _is_number(out.data) or not math.isfinite(out.data):
            return failed(f"softplus({fmt(x)}) has data {out.data!r}; it should be a finite number, "
                          f"log(1 + e^{fmt(x)}). For large |v| use max(v, 0) + log1p(exp(-|v|)).")
        if abs(out.data - expected) > 1e-9 * max(1.0, abs(expected)):
            return failed(f"softplus({fmt(x)}) has data {_digits(out.data, expected)}, expected log(1 + e^{fmt(x)}) = "
                          f"{_digits(expected, out.data)}.")
        if out.parents != (v,):
            size = len(topological_order(out)) - 1
            return failed(f"softplus(v) is built from {size} nodes; the exercise asks for one new node "
                          "with v as its only parent and its own local derivative: "
                          "Value(..., parents=(v,), local_grads=(...,), op='softplus').")
        out.backward()
        if not _is_number(v.grad) or not math.isfinite(v.grad):
            return failed(f"at v = {fmt(x)} the gradient is {v.grad!r}; the local derivative should be a finite "
                          "number, sigmoid(v).")
        if abs(v.grad - sigmoid(x)) > 1e-9:
            hint = ("That is 1/(1 + e^x): the derivative of log(u) is 1/u, times du/dx = e^x."
                    if abs(v.grad - sigmoid(-x)) < 1e-9 else
                    "d/dx log(1 + e^x) = e^x / (1 + e^x), which is sigmoid(x).")
            return failed(f"at v = {fmt(x)} the gradient is {_digits(v.grad, sigmoid(x))}, expected "
                          f"{_digits(sigmoid(x), v.grad)}. {hint}")
    return passed("softplus has the right value and the local derivative sigmoid(v) at every test point, "
                  "v = ±800 and ±10,000 included; backward() needed nothing else to differentiate it.")


@exercise("8.2", "the gradient of a reused variable")
def check_reused_gradient(grad_x):
    """df/dx for a = x*y, b = a + x, f = a*b at x = 3, y = 0.5 (x and a are each used twice)."""
    if not _is_number(grad_x):
        return failed(f"grad_x should be a number like 1.25 (df/dx worked out by hand); got {grad_x!r}.")
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
            return failed(f"grad_x = {_digits(got, expected)} is not df/dx: {hint}")
    return failed(f"grad_x = {_digits(got, expected)} is not df/dx. Add one term per path from x to f: "
                  "df/dx = (df/da)(da/dx) + (df/db)(db/dx), where a is itself used twice.")


#: The widget exercise: expression and inputs.
GRAPH_EXERCISE = {"expression": "tanh(x*y + x)", "x": 1.0, "y": -0.5}


@exercise("8.3", "stepping through the backward pass (widget)")
def check_graph_steps(n_contributions, x_grad):
    """How many backward steps add into x.grad, and its final value, for GRAPH_EXERCISE."""
    output = build(**GRAPH_EXERCISE)
    output.backward()
    x = next(node for node in topological_order(output) if node.label == "x")
    uses = sum(parent is x for node in topological_order(output) for parent in node.parents)
    if not _is_number(n_contributions) or not float(n_contributions).is_integer():
        return failed(f"n_contributions should be a whole number (a count of backward steps); got {n_contributions!r}.")
    if not _is_number(x_grad):
        return failed(f"x_grad should be a number like 0.125 (x.grad to 3 decimals); got {x_grad!r}.")
    if int(n_contributions) != uses:
        return failed(f"n_contributions = {n_contributions} is not the number of backward steps that add to "
                      "x.grad: count the arrows leaving x in the graph; each use of x adds one term.")
    if abs(float(x_grad) - x.grad) > 5e-4:
        first = 1 - math.tanh(0.5) ** 2
        hint = (" That is only one of the two terms: x.grad is their sum."
                if min(abs(float(x_grad) - first), abs(float(x_grad) + 0.5 * first)) < 5e-4 else
                " Read x.grad after the last backward step, to 3 decimals.")
        return failed(f"x_grad = {_digits(float(x_grad), x.grad)} is not the final x.grad.{hint}")
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
    if not callable(backward):
        return failed(_not_a_function("backward", "backward(output) returning a dict", backward))
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
            if not _is_number(got):
                return failed(f"the gradient of input {v.label} is {got!r}; it should be a number.")
            if abs(got - v.grad) > 1e-9 * max(1.0, abs(v.grad)):
                return failed(f"d output / d {v.label} = {_digits(got, v.grad)}, expected {_digits(v.grad, got)}. A node used "
                              "several times needs += (one term per use), and every node must be "
                              "visited after all nodes computed from it: reversed(topological_order(output)).")
    return passed("your backward pass matches Value.backward() on graphs with reused nodes.")


def _softmax(Z: np.ndarray) -> np.ndarray:
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def softmax_node(z: Tensor, vjp) -> Tensor:
    """Row-wise softmax of ``z`` as ONE Tensor node whose backward pass is ``vjp(y, g)``."""
    y = _softmax(z.data)
    return Tensor._node(y, (z,), lambda g: (vjp(y, g),), "softmax")


@exercise("8.5", "the backward rule of softmax", points=2)
def check_softmax_vjp(softmax_vjp):
    """``softmax_vjp(y, g)``: the gradient w.r.t. z of a row-wise softmax y = softmax(z), given g = dL/dy."""
    if not callable(softmax_vjp):
        return failed(f"softmax_vjp should be a function softmax_vjp(y, g); got {softmax_vjp!r}.")
    rng = np.random.default_rng(8)
    Z = rng.normal(size=(4, 3))   # 4 rows of 3 classes: a wrong axis or a missing keepdims shows
    W = rng.normal(size=(4, 3))
    y = _softmax(Z)
    g = rng.normal(size=(4, 3))
    try:
        got = softmax_vjp(y.copy(), g.copy())
    except ValueError as error:
        return failed(f"softmax_vjp(y, g) raised ValueError ({error}) for y and g of shape (4, 3). If a sum over "
                      "each row lost its axis, keep it with keepdims=True so that it broadcasts against g.")
    try:
        if got is None:
            raise TypeError
        got = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return failed(f"softmax_vjp(y, g) should return an array of g's shape (4, 3); got {got!r}.")
    if got.shape != g.shape:
        return failed(f"softmax_vjp(y, g) returned shape {got.shape}; the gradient with respect to z has the shape "
                      f"of z, {g.shape}.")
    expected = y * (g - (g * y).sum(axis=1, keepdims=True))
    if not np.allclose(got, expected, rtol=1e-9, atol=1e-12):
        mistakes = [
            (g * y * (1 - y), "That keeps only the diagonal of the Jacobian, dy_i/dz_i = y_i(1 - y_i). Every "
                              "output of a row depends on every input of it: dy_i/dz_j = y_i(δ_ij - y_j)."),
            (g * y, "The product rule is missing a term: dy_i/dz_j = y_i(δ_ij - y_j), so subtract y_i times the "
                    "sum over j of g_j y_j."),
            (y * (g - (g * y).sum(axis=0, keepdims=True)), "The sum runs over the wrong axis: softmax works "
                                                            "row by row, so sum over the classes, axis=1."),
            (g - (g * y).sum(axis=1, keepdims=True), "Multiply the bracket by y: z̄_i = y_i (g_i - Σ_j g_j y_j)."),
            (y * (g - g.sum(axis=1, keepdims=True)), "Weight the sum by y: Σ_j g_j y_j, not Σ_j g_j."),
        ]
        hint = next((message for value, message in mistakes if np.allclose(got, value, rtol=1e-9, atol=1e-12)),
                    "Derive dy_i/dz_j = y_i(δ_ij - y_j) from y_i = e^{z_i} / Σ_k e^{z_k}, then multiply g "
                    "by it without building the matrix.")
        return failed(f"Your rule does not give the gradient with respect to z (compared with the exact rule on a "
                      f"batch of 4 rows of 3 classes). {hint}")
    # The gradient check itself: the node in a loss, against central differences.
    def loss_of(Zv):
        return float(np.sum(W * np.log(_softmax(Zv))))
    z = Tensor(Z)
    (softmax_node(z, softmax_vjp).log() * W).sum().backward()
    h, numerical = 1e-6, np.zeros_like(Z)
    for index in np.ndindex(Z.shape):
        step = np.zeros_like(Z)
        step[index] = h
        numerical[index] = (loss_of(Z + step) - loss_of(Z - step)) / (2 * h)
    error = np.linalg.norm(z.grad - numerical) / np.linalg.norm(z.grad + numerical)
    if not error < 1e-6:  # pragma: no cover - the rule matched the formula above
        return failed(f"The gradient check failed (relative error {fmt(error, 2)}).")
    return passed("Your softmax node passes the gradient check against central differences (relative error "
                  "below 1e-6). Its backward pass costs O(k) per row, where the Jacobian would have k² entries: "
                  "a vector-Jacobian product never builds the Jacobian.")
