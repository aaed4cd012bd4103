"""Chapter 8's explorer: the forward and backward pass, one node at a time.

Pick an expression of two inputs x and y and their values; the step slider
walks through the forward pass (each node computes its data from its
parents) and then the backward pass (each node, from the output back, adds
``local derivative * its grad`` into its parents' grads). The node of the
current step is orange; a node turns green once the backward pass has gone
through it (its gradient complete and passed on); a blue gradient has not been
passed on yet and may still be partial.
"""

from __future__ import annotations

import html
import textwrap

import ipywidgets as widgets

from ..autodiff import trace
from ..experiments.graphs import EXPRESSIONS, build
from ..plotting.graph import GraphDrawing
from ._live import Blitter, Explorer, new_figure


def show_step(drawing: GraphDrawing, steps, k: int) -> str:
    """Show the state after ``k`` steps (0: only the inputs are set); return the step in words."""
    if k <= 0:  # the inputs (and constants) are known before the forward pass starts
        drawing.show(computed={node for node in drawing.order if not node.parents}, grads={})
        return (f"step 0 of {len(steps)}: only the inputs are set; move the step slider to run "
                "the forward pass.")
    k = min(k, len(steps))
    step = steps[k - 1]
    drawing.show(computed=step.computed, grads=step.grads, final=step.final, current=step.node)
    text = f"step {k} of {len(steps)}, {step.text}"
    if k == len(steps):  # the end: every input's gradient is final
        inputs = sorted((node for node in drawing.order if not node.parents and node.label), key=drawing.names.get)
        text += ". Done: " + ", ".join(f"{drawing.names[v]}.grad = {step.grads.get(v, 0.0):.4g}" for v in inputs)
    return text


class GraphStepper(Explorer):
    """Step through the forward and backward pass of a small expression, node by node."""

    def __init__(self, expression: str = "tanh(x*y + x)", x: float = 1.0, y: float = -0.5, step: int = 0):
        self.controls = {
            "expression": widgets.Dropdown(options=list(EXPRESSIONS), value=expression, description="f"),
            "x": widgets.FloatSlider(value=x, min=-2.0, max=2.0, step=0.25, description="x"),
            "y": widgets.FloatSlider(value=y, min=-2.0, max=2.0, step=0.25, description="y"),
            "step": widgets.IntSlider(value=step, min=0, max=40, description="step"),
        }
        self.fig = new_figure(figsize=(9.0, 3.4))
        self.ax = self.fig.add_subplot()
        self._key, self.drawing = None, None
        # A step changes only the boxes' texts and colours and which arrows are highlighted:
        # the arrows are kept in a background per highlighting (the graph's few nodes), and
        # only the boxes and their texts are drawn on it.
        self.blitter = Blitter(self.fig, [], key=lambda: (
            id(self.drawing), tuple(arrow.get_linewidth() for arrow in self.drawing.arrows.values())))
        self._build_ui()

    def _set_step_range(self, n_steps: int) -> int:
        with self._quietly("step") as control:
            control.max = n_steps
        return control.value

    def _draw(self, expression, x, y, step) -> str:
        key = (expression, x, y)
        if key != self._key:  # a new graph (stepping only relabels the boxes)
            self._key = key
            output = build(expression, x, y)
            self.steps = trace(output)
            if self.drawing is None or not self.drawing.rebind(output):  # new inputs keep the layout
                if self.drawing is not None:
                    self.drawing.remove()
                self.drawing = GraphDrawing(self.ax, output)
                self.blitter.dynamic = [*self.drawing.boxes.values(), *self.drawing.texts.values()]
                self.blitter.invalidate()
            step = self._set_step_range(len(self.steps))
        text = show_step(self.drawing, self.steps, step)
        return f"<code>{html.escape(text)}</code>"


def graph_stepper_snapshot(expression: str = "tanh(x*y + x)", x: float = 1.0, y: float = -0.5,
                           steps=(5, 6, 7, 8), ncols: int = 1):
    """The static stand-in for the explorer: one panel per step; returns the figure."""
    import matplotlib.pyplot as plt

    output = build(expression, x, y)
    trail = trace(output)
    nrows = -(-len(steps) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(6.7 * ncols, 2.7 * nrows), squeeze=False)
    for ax in axes.flat[len(steps):]:
        ax.set_visible(False)
    for ax, k in zip(axes.flat, steps):
        text = show_step(GraphDrawing(ax, output, fontsize=9), trail, k)
        ax.set_title("\n".join(textwrap.wrap(text, 70)), fontsize=10, loc="left")
    fig.suptitle(f"f = {expression} at x = {x:g}, y = {y:g}:\nforward, then backward, node by node")
    return fig
