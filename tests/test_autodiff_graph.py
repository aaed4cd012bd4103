"""The graph drawing, the step trace and chapter 8's GraphStepper widget."""

import math

import matplotlib.pyplot as plt
import pytest

from gdcore import widgets
from gdcore.autodiff import Value, trace
from gdcore.plotting import GraphDrawing, draw_graph


def test_trace_steps_forward_then_backward_with_partial_gradients():
    x, y = Value(1.0, "x"), Value(-0.5, "y")
    f = (x * y + x).tanh()
    steps = trace(f)
    assert [s.phase for s in steps] == ["forward"] * 5 + ["backward"] * 3
    assert steps[2].text.startswith("forward: a = x * y = -0.5")
    d = 1 - math.tanh(0.5) ** 2
    assert steps[6].grads[x] == pytest.approx(d)           # through b = a + x first
    assert steps[7].grads[x] == pytest.approx(d - 0.5 * d)  # then through a = x * y
    assert steps[7].final == frozenset(steps[7].computed)
    assert x.grad == 0.0  # tracing does not touch .grad


def test_draw_graph_shows_data_and_grad_of_every_node():
    x = Value(2.0, "x")
    f = x * x + 1
    f.backward()
    ax = draw_graph(f, title="x * x + 1")
    texts = [t.get_text() for t in ax.texts]
    assert any("x\ndata 2\ngrad 4" == t for t in texts)
    assert len(ax.patches) == 4 + 3 + 1  # boxes x, a, 1, f; arrows x->a twice (bent), a->f, 1->f
    plt.close(ax.figure)


def test_layout_puts_parents_left_of_children():
    x = Value(1.0, "x")
    f = (x.exp() * x).sin() + x
    fig, ax = plt.subplots()
    drawing = GraphDrawing(ax, f)
    for node in drawing.order:
        for parent in node.parents:
            assert drawing.pos[parent][0] < drawing.pos[node][0]
    plt.close(fig)


def test_stepper_walks_the_steps_and_adapts_to_the_expression():
    explorer = widgets.GraphStepper(expression="tanh(x*y + x)", x=1.0, y=-0.5)
    assert "step 0 of 8" in explorer.verdict.value
    first = bytes(explorer.image.value)
    explorer.update(step=7)
    assert "backward through b = a + x" in explorer.verdict.value
    assert "x.grad += 1 * 0.7864" in explorer.verdict.value
    assert bytes(explorer.image.value) != first
    explorer.update(step=8)
    assert "Done: x.grad = 0.3932, y.grad = 0.7864" in explorer.verdict.value
    explorer.controls["expression"].value = "sin(x) * cos(y) + x**2"  # as a student would
    assert explorer.controls["step"].max == 12
    assert "step 8 of 12" in explorer.verdict.value  # the step is kept, its range adapts
    drawing = explorer.drawing  # the old graph's boxes and arrows are gone
    assert len(explorer.ax.patches) == len(drawing.boxes) + len(drawing.arrows)
    assert len(explorer.ax.texts) == len(drawing.texts)


def test_snapshot_has_one_panel_per_step():
    fig = widgets.graph_stepper_snapshot(steps=(0, 5, 8))
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(visible) == 3
    assert visible[2].get_title(loc="left").startswith("step 8 of 8")
    plt.close(fig)


def test_tensor_graphs_draw_shapes_and_automatic_names_avoid_labels():
    import numpy as np

    from gdcore.autodiff import Tensor, cross_entropy

    W, b = Tensor(np.ones((3, 2)), "W"), Tensor([0.5, -0.5], "b")
    loss = cross_entropy(np.ones((4, 3)) @ W + b, [0, 1, 0, 1])
    loss.backward()
    ax = draw_graph(loss)
    texts = [t.get_text() for t in ax.texts]
    assert "c = a + b\ndata shape (4, 2)" in "\n".join(texts)  # "b" is taken by the label
    assert any(t.startswith("W\ndata shape (3, 2)\ngrad norm") for t in texts)
    plt.close(ax.figure)


def test_inputs_show_their_values_before_the_forward_pass():
    explorer = widgets.GraphStepper(expression="tanh(x*y + x)", x=1.0, y=-0.5, step=0)
    before = bytes(explorer.image.value)
    explorer.update(x=1.5)
    assert bytes(explorer.image.value) != before  # the x box shows the new value at step 0
    assert "only the inputs are set" in explorer.verdict.value


def test_new_inputs_keep_the_boxes_and_draw_what_a_fresh_stepper_draws():
    explorer = widgets.GraphStepper(expression="tanh(x*y + x)", x=1.0, y=-0.5, step=6)
    boxes = list(explorer.drawing.boxes.values())
    explorer.update(x=1.5)
    assert list(explorer.drawing.boxes.values()) == boxes  # the same artists, rebound to the new graph
    fresh = widgets.GraphStepper(expression="tanh(x*y + x)", x=1.5, y=-0.5, step=6)
    assert explorer.verdict.value == fresh.verdict.value
    assert bytes(explorer.image.value) == bytes(fresh.image.value)
