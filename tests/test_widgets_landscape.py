"""Tests of chapter 2's GradientExplorer and chapter 3's LearningRateExplorer (no timings here)."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from gdcore import widgets
from gdcore.objectives import Himmelblau, LineFit
from gdcore.experiments.landscapes import classify, directional_slopes


def test_gradient_explorer_moves_the_arrows():
    explorer = widgets.GradientExplorer(name="line fit", point=(0.5, 3.0))
    first = bytes(explorer.image.value)
    assert first.startswith(b"\x89PNG")
    g = LineFit.example().grad([0.5, 3.0])
    assert f"∇L = ({g[0]:.4g}, {g[1]:.4g})" in explorer.verdict.value
    explorer.update(x=2.0)
    assert bytes(explorer.image.value) != first
    x, y = explorer.drawing.point.get_data()
    assert (x[0], y[0]) == (2.0, 3.0)
    # the ascent segment points along the gradient, the tangent at a right angle to it
    (ax0, ax1), (ay0, ay1) = explorer.drawing.ascent.get_data()
    (tx0, tx1), (ty0, ty1) = explorer.drawing.tangent.get_data()
    g = LineFit.example().grad([2.0, 3.0])
    assert (ax1 - ax0) * g[1] - (ay1 - ay0) * g[0] == pytest.approx(0.0, abs=1e-9)
    assert np.dot([tx1 - tx0, ty1 - ty0], g) == pytest.approx(0.0, abs=1e-9)


def test_gradient_explorer_switches_landscape_and_ranges():
    explorer = widgets.GradientExplorer()
    explorer.controls["name"].value = "Himmelblau"  # as a student would
    assert explorer.controls["x"].min == -5.0 and explorer.controls["y"].max == 5.0
    explorer.update(name="saddle", x=0.0, y=0.0)
    assert "saddle point" in explorer.verdict.value
    explorer.update(name="Himmelblau", x=0.08, y=2.88)  # y outside the saddle's window: ranges move first
    assert explorer.controls["y"].value == 2.88
    assert "Nearly flat" in explorer.verdict.value and "saddle point" in explorer.verdict.value


def test_directional_slopes_and_classification():
    h = Himmelblau()
    p = np.array([1.0, 1.0])
    g = h.grad(p)
    angles = np.array([0.0, 90.0, np.degrees(np.arctan2(g[1], g[0]))])
    np.testing.assert_allclose(directional_slopes(h, p, angles), [g[0], g[1], np.linalg.norm(g)], rtol=1e-7)
    assert classify(h, h.minima[0]) == "minimum"
    assert classify(h, h.saddles[0]) == "saddle point"
    assert classify(h, h.local_maximum) == "maximum"


def test_gradient_snapshot_panels():
    fig = widgets.gradient_snapshot(points=((0.5, 3.0), (4.0, 0.0)))
    axes = [ax for ax in fig.axes if ax.get_visible()]
    assert len(axes) == 2
    assert axes[0].get_xlabel() == "slope $w$" and "∇L" in axes[1].get_title()
    plt.close(fig)


def test_lr_explorer_reports_why_it_stopped():
    explorer = widgets.LearningRateExplorer(name="line fit", steps=500)
    limit = LineFit.example().stability_limit
    explorer.update(lr=0.9 * limit)
    assert "converged" in explorer.verdict.value
    assert explorer.last_run.stop_reason == "converged"
    explorer.update(lr=1.5 * limit)
    assert "diverged" in explorer.verdict.value
    explorer.update(lr=1.01 * limit, steps=100)
    assert "grew" in explorer.verdict.value and explorer.last_run.stop_reason == "max_steps"
    xs, _ = explorer.drawing.path.get_data()
    assert len(xs) == 101
    explorer.update(lr=1e-4, steps=20)
    assert "not converged yet" in explorer.verdict.value


def test_lr_explorer_switches_landscape_and_best_button():
    explorer = widgets.LearningRateExplorer()
    explorer.controls["name"].value = "Rosenbrock"
    assert explorer.controls["lr"].value == pytest.approx(0.001, rel=0.02)
    assert explorer.best_button.disabled
    explorer.update(name="elongated bowl")
    assert not explorer.best_button.disabled
    explorer.best_button.click()
    assert explorer.controls["lr"].value == pytest.approx(2 / 10.5, rel=0.02)


def test_diverging_path_draws_without_warnings():
    explorer = widgets.LearningRateExplorer(name="Rosenbrock", lr=1.0, steps=500)
    assert "diverged" in explorer.verdict.value
    xs, ys = explorer.drawing.path.get_data()
    assert np.all(np.isfinite(xs)) and np.all(np.isfinite(ys))


def test_lr_snapshot_small_multiples():
    fig, runs = widgets.lr_snapshot(name="line fit", lrs=(0.05, 0.3), steps=50)
    assert [r.stop_reason for r in runs] == ["max_steps", "diverged"]
    assert len([ax for ax in fig.axes if ax.get_visible()]) == 3
    assert "diverged" in fig.axes[1].get_title()
    plt.close(fig)


def test_nice_limit_steps():
    from gdcore.widgets.gradient_explorer import nice_limit

    assert [nice_limit(v) for v in [0.5, 0.95, 3.0, 4.6, 180.0, 1314.0]] == [1.0, 2.0, 5.0, 10.0, 200.0, 2000.0]
    assert nice_limit(0.0) == 1e-3


def test_gradient_explorer_slope_axis_follows_the_gradient():
    explorer = widgets.GradientExplorer(name="Himmelblau", point=(0.08, 2.88))  # |grad| about 0.42
    assert explorer.drawing.ax_slope.get_ylim() == (-0.5, 0.5)
    explorer.update(x=1.0, y=1.0)  # |grad| about 46
    low, high = explorer.drawing.ax_slope.get_ylim()
    assert high == 100.0 and low == -100.0


def test_nice_ceiling():
    from gdcore.widgets._live import nice_ceiling

    assert [nice_ceiling(v) for v in [1, 100, 101, 150, 200, 201, 499, 500, 0.03]] == [
        1.0, 100.0, 200.0, 200.0, 200.0, 500.0, 500.0, 500.0, 0.05]


@pytest.mark.parametrize("explorer_class", [widgets.GradientExplorer, widgets.LearningRateExplorer])
def test_every_landscape_keeps_its_labels_inside_the_figure(explorer_class):
    """The layout is frozen after the first landscape; the others' wider tick labels must still fit."""
    explorer = explorer_class()
    renderer = explorer.fig.canvas.get_renderer()
    figure_box = explorer.fig.bbox
    for name in explorer.controls["name"].options:
        explorer.update(name=name)
        explorer.fig.canvas.draw()  # places the axis labels for this landscape's ticks (the update only blits)
        for ax in explorer.fig.axes:
            for part in (ax.xaxis.label, ax.yaxis.label, ax.title):
                if not part.get_visible() or not part.get_text():
                    continue
                box = part.get_window_extent(renderer)
                assert box.x0 >= figure_box.x0 - 0.5 and box.x1 <= figure_box.x1 + 0.5, (name, part.get_text())
                assert box.y0 >= figure_box.y0 - 0.5 and box.y1 <= figure_box.y1 + 0.5, (name, part.get_text())
