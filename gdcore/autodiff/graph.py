"""The structure of a computational graph, for showing it (no drawing here).

:func:`node_names` gives every node a short name, :func:`expression` says
how a node was computed from its parents, :func:`layout` places the nodes
(inputs on the left, the output on the right) and :func:`trace` lists the
forward and backward pass node by node. The drawing with matplotlib is
:mod:`gdcore.plotting.graph` (:func:`~gdcore.plotting.draw_graph`), so that
automatic differentiation loads no plotting library.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .topo import topological_order

__all__ = ["Step", "expression", "layout", "node_names", "trace"]

BOX_W, BOX_H = 1.7, 0.95      # a node's box, in data units
COL_GAP, ROW_GAP = 2.5, 1.25  # distance between layers / between rows
OP_SYMBOLS = {"+": "+", "-": "-", "*": "*", "/": "/", "@": "@"}
_LETTERS = "abcdeghkmnpqrstuvw"  # automatic names (f is the output; x, y, z are inputs)


def node_names(order) -> dict:
    """A short name for every node: its label, a number for constants, else a, b, c, ... and f for the output."""
    taken = {node.label for node in order if node.label}
    names, letters = {}, iter(c for c in _LETTERS if c not in taken)
    for node in order:
        if node.label:
            names[node] = node.label
        elif not node.parents:
            names[node] = number_text(node.data) if np.ndim(node.data) == 0 else "const"
        elif node is order[-1]:
            names[node] = "f"
        else:
            names[node] = next(letters, f"v{len(names)}")
    return names


def number_text(v) -> str:
    return f"{float(v):.4g}" if np.ndim(v) == 0 else f"shape {np.shape(v)}"


def expression(node, names) -> str:
    """How ``node`` was computed from its parents, e.g. ``x * y`` or ``tanh(a)``."""
    p = [names[q] for q in node.parents]
    if node.op in OP_SYMBOLS and len(p) == 2:
        return f"{p[0]} {node.op} {p[1]}"
    if node.op == "neg":
        return f"-{p[0]}"
    if node.op.startswith("**"):
        return f"{p[0]}{node.op}"
    return f"{node.op}({', '.join(p)})"


def layout(order) -> dict:
    """(x, y) of every node: the output on the right, every node one layer left of its first use."""
    depth = dict.fromkeys(order, 0)  # the longest path from the node to the output
    for node in reversed(order):
        for p in node.parents:
            depth[p] = max(depth[p], depth[node] + 1)
    layer = {node: max(depth.values()) - depth[node] for node in order}
    children = {node: [] for node in order}
    for node in order:
        for p in node.parents:
            children[p].append(node)
    columns: dict[int, list] = {}
    for node in order:
        columns.setdefault(layer[node], []).append(node)
    y = {node: -i for nodes in columns.values() for i, node in enumerate(nodes)}
    for _ in range(3):  # a few sweeps: order each layer by the mean height of its neighbours
        for nodes in columns.values():
            nodes.sort(key=lambda n: -np.mean([y[m] for m in (n.parents or children[n] or (n,))]))
            for i, node in enumerate(nodes):
                y[node] = (len(nodes) - 1) / 2 - i
    return {node: (layer[node] * COL_GAP, y[node] * ROW_GAP) for node in order}


@dataclass
class Step:
    """One step of the forward or backward pass, as the widget shows it."""

    phase: str                      # "forward" or "backward"
    node: object                    # the node being computed or back-propagated through
    text: str                       # what happens, in words and numbers
    computed: frozenset             # nodes whose data is known after this step
    grads: dict = field(default_factory=dict)   # partial gradients known after this step
    final: frozenset = frozenset()  # nodes whose gradient is complete


def trace(output) -> list[Step]:
    """The forward pass node by node, then the backward pass node by node (from a built graph)."""
    order = topological_order(output)
    names = node_names(order)
    steps, computed = [], set()
    for node in order:
        computed.add(node)
        n = names[node]
        if not node.parents:
            text = f"forward: input {n} = {number_text(node.data)}"
        else:
            args = ", ".join(f"{names[p]} = {number_text(p.data)}" for p in node.parents)
            text = f"forward: {n} = {expression(node, names)} = {number_text(node.data)}   (with {args})"
        steps.append(Step("forward", node, text, frozenset(computed)))
    grads, final = {output: 1.0}, set()
    for node in reversed(order):
        if not node.parents:
            continue
        final.add(node)
        n = names[node]
        terms = []
        for parent, local in zip(node.parents, node.local_grads):
            grads[parent] = grads.get(parent, 0.0) + local * grads[node]
            terms.append(f"{names[parent]}.grad += {local:.4g} * {grads[node]:.4g}")
        seed = f"{n}.grad = 1 (d{n}/d{n}); " if node is output else ""
        steps.append(Step("backward", node, f"backward through {n} = {expression(node, names)}: {seed}"
                          + "; ".join(terms), frozenset(computed), dict(grads), frozenset(final)))
    if steps and steps[-1].phase == "backward":  # at the end every gradient is complete
        steps[-1].final = frozenset(order)
    return steps
