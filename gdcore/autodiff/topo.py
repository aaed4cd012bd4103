"""The order of the backward pass: a topological order of the graph.

Every node of a computational graph (a :class:`Value` or a :class:`Tensor`)
knows its ``parents``, the nodes it was computed from. The backward pass may
process a node only after every node computed *from* it, so it walks the
graph in reverse topological order: parents before children, reversed.

The order is built with an explicit stack instead of recursion, so a chain
of a million operations needs no deep Python call stack.
"""

from __future__ import annotations

from .._validation import describe

__all__ = ["topological_order"]


def topological_order(output) -> list:
    """Every node ``output`` depends on (itself included), each after all its parents."""
    if not isinstance(getattr(output, "parents", None), tuple):
        raise TypeError("topological_order needs a node of a computational graph (a Value or a Tensor); "
                        f"got {describe(output)}.")
    order, expanded = [], set()
    stack = [(output, False)]
    while stack:
        node, parents_done = stack.pop()
        if parents_done:
            order.append(node)  # every parent was appended before this entry came up
        elif node not in expanded:
            expanded.add(node)
            stack.append((node, True))  # comes back after all the parents pushed next
            stack.extend((parent, False) for parent in node.parents if parent not in expanded)
    return order
