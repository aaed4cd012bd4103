"""Drawing a computational graph with matplotlib (no graphviz needed).

Inputs on the left, the output on the right, one box per node showing its
name, its operation, its data and its gradient; an arrow from every parent to
the node computed from it. :class:`GraphDrawing` keeps the artists so that a
widget can step through the forward and backward pass by changing texts and
colours only; :func:`draw_graph` draws a finished graph in one call. Where
the boxes go and what they say comes from :mod:`gdcore.autodiff.graph`.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch
from matplotlib.path import Path

from ..autodiff.graph import BOX_H, BOX_W, expression, layout, node_names, number_text
from ..autodiff.topo import topological_order

__all__ = ["GraphDrawing", "draw_graph"]

COLOURS = {"idle": "#EEEEEE", "done": "#DCEBF7", "current": "#F6C28B", "final": "#CDEBD9"}


class GraphDrawing:
    """The boxes and arrows of a graph on ``ax``; :meth:`show` recolours and relabels them."""

    def __init__(self, ax, output, fontsize: float = 9):
        self.ax = ax
        self.order = topological_order(output)
        self.names = node_names(self.order)
        self.pos = layout(self.order)
        self.boxes, self.texts, self.arrows = {}, {}, {}
        for node in self.order:
            x, y = self.pos[node]
            box = FancyBboxPatch((x - BOX_W / 2, y - BOX_H / 2), BOX_W, BOX_H,
                                 boxstyle="round,pad=0.02,rounding_size=0.12",
                                 fc=COLOURS["idle"], ec="#333333", lw=1.2, zorder=2)
            ax.add_artist(box)  # not add_patch: the limits are set below, no autoscaling to pay for
            self.boxes[node] = box
            self.texts[node] = ax.text(x, y, "", ha="center", va="center", fontsize=fontsize,
                                       family="monospace", zorder=3)
        ys = [p[1] for p in self.pos.values()]
        low, high = min(ys) - BOX_H / 2, max(ys) + BOX_H / 2  # the boxes' vertical extent
        for node in self.order:
            seen = {}
            for parent in node.parents:
                k = seen[parent] = seen.get(parent, -1) + 1  # x * x: two arrows, bent apart
                start, end = self._edge_ends(parent, node)
                lane = self._detour(start, end)
                if lane is None:
                    arrow = FancyArrowPatch(start, end, connectionstyle=f"arc3,rad={0.25 * k}",
                                            arrowstyle="-|>", mutation_scale=12, color="#555555",
                                            lw=1.2, zorder=1)
                else:  # a long edge that would cross a box: around, along a free lane
                    low, high = min(low, lane), max(high, lane)
                    path = Path([start, (start[0] + 0.35, lane), (end[0] - 0.35, lane), end])
                    arrow = FancyArrowPatch(path=path, arrowstyle="-|>", mutation_scale=12,
                                            color="#555555", lw=1.2, zorder=1)
                ax.add_artist(arrow)
                self.arrows[(parent, node, k)] = arrow
        xs = [p[0] for p in self.pos.values()]
        ax.set_xlim(min(xs) - BOX_W / 2 - 0.2, max(xs) + BOX_W / 2 + 0.2)
        ax.set_ylim(low - 0.2, high + 0.2)
        ax.set_aspect("equal")
        ax.axis("off")

    @staticmethod
    def _shape(order, names) -> list:
        index = {node: i for i, node in enumerate(order)}
        return [(names[node], node.op, tuple(index[p] for p in node.parents)) for node in order]

    def rebind(self, output) -> bool:
        """Show the graph of ``output`` in these boxes and arrows if it has the same shape.

        The same expression at other inputs has the same nodes, names and
        edges, so its layout is this one: the boxes, texts and arrows are kept
        and only :meth:`show` changes them. Returns False (and changes
        nothing) if the graph has another shape.
        """
        order = topological_order(output)
        names = node_names(order)
        if self._shape(order, names) != self._shape(self.order, self.names):
            return False
        new = dict(zip(self.order, order))
        self.boxes = {new[node]: box for node, box in self.boxes.items()}
        self.texts = {new[node]: text for node, text in self.texts.items()}
        self.pos = {new[node]: xy for node, xy in self.pos.items()}
        self.arrows = {(new[parent], new[node], k): arrow for (parent, node, k), arrow in self.arrows.items()}
        self.order, self.names = order, names
        return True

    def remove(self) -> None:
        """Take the drawing's boxes, texts and arrows off the axes (cheaper than ``ax.clear()``)."""
        for artist in [*self.boxes.values(), *self.texts.values(), *self.arrows.values()]:
            artist.remove()

    def _edge_ends(self, parent, node):
        (x0, y0), (x1, y1) = self.pos[parent], self.pos[node]
        return (x0 + BOX_W / 2, y0), (x1 - BOX_W / 2, y1)

    def _detour(self, start, end):
        """None if the straight edge misses every box, else the height of a lane that does."""
        (x0, y0), (x1, y1) = start, end
        between = [(x, y) for x, y in self.pos.values() if x0 < x < x1]
        if all(abs(y0 + (y1 - y0) * (x - x0) / (x1 - x0) - y) > BOX_H / 2 + 0.1 for x, y in between):
            return None
        ys = [y for _, y in between]
        if y0 >= np.mean([y for _, y in self.pos.values()]):
            return max(ys) + BOX_H / 2 + 0.3
        return min(ys) - BOX_H / 2 - 0.3

    @property
    def size(self) -> tuple[float, float]:
        """A figure size (inches) that fits the graph."""
        x0, x1 = self.ax.get_xlim()
        y0, y1 = self.ax.get_ylim()
        return 0.75 * (x1 - x0) + 0.3, 0.75 * (y1 - y0) + 0.6

    def _title(self, node) -> str:
        name = self.names[node]
        if not node.parents:
            return name if node.label or name == "const" else f"{name} (const)"
        return f"{name} = {expression(node, self.names)}"

    def show(self, computed=None, grads=None, final=(), current=None) -> None:
        """Show data of the nodes in ``computed`` (all if None) and the gradients in ``grads``.

        ``grads`` maps nodes to gradients (None: every node's ``.grad``); those
        in ``final`` are complete (green), the others partial; ``current`` is
        highlighted in orange with the arrows it uses.
        """
        for node in self.order:
            known = computed is None or node in computed
            data = number_text(node.data) if known else "?"
            if grads is None:
                grad = number_text(node.grad) if np.ndim(node.grad) == 0 else f"norm {np.linalg.norm(node.grad):.4g}"
                colour = COLOURS["done"]
            elif node in grads:
                grad = number_text(grads[node])
                colour = COLOURS["final"] if node in final else COLOURS["done"]
            else:
                grad = "?" if known else ""
                colour = COLOURS["done"] if known else COLOURS["idle"]
            if node is current:
                colour = COLOURS["current"]
            self.texts[node].set_text(f"{self._title(node)}\ndata {data}\ngrad {grad}")
            self.boxes[node].set_facecolor(colour)
        for (parent, node, _), arrow in self.arrows.items():
            hot = current is not None and node is current  # the arrows into the current node
            arrow.set_color("#D55E00" if hot else "#555555")
            arrow.set_linewidth(2.2 if hot else 1.2)


def draw_graph(output, ax=None, *, title: str | None = None, show_grads: bool = True):
    """Draw the graph that computed ``output`` with every node's data and ``.grad``; returns the axes."""
    if ax is None:
        probe_fig, probe_ax = plt.subplots()
        drawing = GraphDrawing(probe_ax, output)
        plt.close(probe_fig)
        fig, ax = plt.subplots(figsize=drawing.size)
    drawing = GraphDrawing(ax, output)
    drawing.show(grads=None if show_grads else {})
    if title:
        ax.set_title(title)
    return ax
