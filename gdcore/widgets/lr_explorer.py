"""Chapter 3's explorer: gradient descent with a learning rate you choose.

Left panel: the landscape's contours and the path of gradient descent from
the start point. Right panel: the loss (minus its minimum) against the step,
on a log scale. The verdict says how many steps were taken and why the run
stopped: converged, budget spent, or diverged.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
from matplotlib.ticker import LogLocator, NullLocator

from ..descent import descend
from ..experiments.landscapes import DESCENT_PRESETS as PRESETS, landscape
from ..plotting import PALETTE, clip_path
from ._landscape import FastExplorer, LandscapePanel
from ._live import Blitter, Explorer, new_figure, nice_ceiling

#: Tolerance on the gradient norm used by the explorer (and its snapshot).
TOL = 1e-6

#: The loss panel's fixed vertical range (fixed, so a frame need not redraw the axes).
LOSS_RANGE = (1e-14, 1e10)


class _PathDrawing:
    """The landscape with a path, and the loss curve: shared by the explorer and the snapshot."""

    def __init__(self, ax_map, ax_loss=None, color=PALETTE[1], levels: int = 18):
        self.map = LandscapePanel(ax_map, levels=levels)
        self.ax_map, self.ax_loss = ax_map, ax_loss
        (self.path,) = ax_map.plot([], [], "o-", color=color, markersize=2.5, lw=1.3, zorder=5)
        (self.start,) = ax_map.plot([], [], "o", markersize=8, markerfacecolor="none",
                                    markeredgecolor=color, markeredgewidth=1.5, zorder=6)
        (self.end,) = ax_map.plot([], [], "s", color=color, markersize=6, zorder=6)
        if ax_loss is not None:
            (self.curve,) = ax_loss.plot([], [], color=color)
            ax_loss.set_yscale("log")
            ax_loss.set_ylim(*LOSS_RANGE)
            ax_loss.yaxis.set_major_locator(LogLocator(numticks=6))
            ax_loss.yaxis.set_minor_locator(NullLocator())
            ax_loss.set_xlabel("step")
            ax_loss.set_ylabel("loss − minimum loss")
            ax_loss.set_title("loss curve")

    def draw(self, name: str, lr: float, x0: float, y0: float, steps: int):
        """Run gradient descent and move every artist; returns the objective and the Run."""
        objective = landscape(name)
        self.map.show(objective)
        run = descend(objective, [x0, y0], lr, steps=steps, tol=TOL)
        pts = clip_path(run.xs, objective.xlim, objective.ylim)
        self.path.set_data(pts[:, 0], pts[:, 1])
        self.start.set_data(pts[:1, 0], pts[:1, 1])
        self.end.set_data(pts[-1:, 0], pts[-1:, 1])
        if self.ax_loss is not None:
            gap = np.maximum(run.losses - objective.min_value, 1e-16)
            gap = np.clip(np.where(np.isfinite(gap), gap, np.inf), LOSS_RANGE[0] / 10, LOSS_RANGE[1] * 10)
            self.curve.set_data(np.arange(len(gap)), gap)
            self.ax_loss.set_xlim(0, nice_ceiling(steps))
        return objective, run


def describe_run(run) -> str:
    """The run's outcome in a few words (panel titles, the verdict)."""
    if run.stop_reason == "converged":
        return f"converged in {run.steps} steps"
    if run.stop_reason == "diverged":
        return f"diverged at step {run.steps}"
    if run.stop_reason == "no_improvement":
        return f"stalled after {run.steps} steps"
    if run.losses[-1] >= run.losses[0]:
        return f"{run.steps} steps, the loss grew: unstable"
    return f"{run.steps} steps, not converged yet"


class LearningRateExplorer(FastExplorer, Explorer):
    """Choose a landscape, a learning rate, a start point and a step budget; watch the descent."""

    def __init__(self, name: str = "line fit", lr: float | None = None, start=None, steps: int = 100):
        preset_start, preset_lr = PRESETS[name]
        start = preset_start if start is None else start
        objective = landscape(name)
        self.controls = {
            "name": widgets.Dropdown(options=list(PRESETS), value=name, description="landscape"),
            "lr": widgets.FloatLogSlider(value=preset_lr if lr is None else lr, base=10, min=-4, max=0.3,
                                         step=0.005, description="lr", readout_format=".4f"),
            "steps": widgets.IntSlider(value=steps, min=1, max=500, description="steps"),
            "x0": widgets.FloatSlider(value=start[0], min=objective.xlim[0], max=objective.xlim[1],
                                      step=0.01, description="start θ₁"),
            "y0": widgets.FloatSlider(value=start[1], min=objective.ylim[0], max=objective.ylim[1],
                                      step=0.01, description="start θ₂"),
        }
        self.best_button = widgets.Button(description="best lr 2/(λmax+λmin)",
                                          tooltip="set the learning rate to 2/(λ_max + λ_min) (quadratic landscapes)")
        self.best_button.on_click(self._set_best_lr)
        self.fig = new_figure(figsize=(9.0, 3.9))
        ax_map, ax_loss = self.fig.subplots(1, 2)
        self.drawing = _PathDrawing(ax_map, ax_loss)
        d = self.drawing
        # one background per landscape and loss-axis range (0..nice_ceiling(steps))
        self.blitter = Blitter(self.fig, [d.path, d.start, d.end, d.curve],
                               key=lambda: (self.controls["name"].value, ax_loss.get_xlim()))
        self._build_ui()
        self.widget.children = (self.widget.children[0], self.best_button) + self.widget.children[1:]
        self._draw_every_landscape()

    def _switch_landscape(self, name: str) -> None:
        """A new landscape: move the start sliders into its window, and take its preset."""
        objective = landscape(name)
        (x0, y0), lr = PRESETS[name]
        self._set_slider("x0", *objective.xlim, x0)
        self._set_slider("y0", *objective.ylim, y0)
        self._set_quietly("lr", lr)
        self.best_button.disabled = not hasattr(objective, "best_lr")

    def _set_best_lr(self, _button=None) -> None:
        objective = landscape(self.controls["name"].value)
        if hasattr(objective, "best_lr"):
            self.update(lr=objective.best_lr)

    def _draw(self, name, lr, steps, x0, y0) -> str:
        objective, run = self.drawing.draw(name, lr, x0, y0, steps)
        self.last_run = run
        detail = run.reason()
        if run.stop_reason != "diverged":
            detail += f"; final loss {run.loss:.4g}"
        return f"lr = {lr:.4g}, start ({x0:.2f}, {y0:.2f}): <b>{describe_run(run)}</b>. {detail}."


def lr_snapshot(name: str = "line fit", lrs=(0.01, 0.1, 0.2, 0.25), start=None, steps: int = 100):
    """The static stand-in for the explorer: one path per learning rate, then all loss curves.

    Returns ``fig, runs``.
    """
    import matplotlib.pyplot as plt

    start = PRESETS[name][0] if start is None else start
    n = len(lrs)
    ncols, nrows = 2, -(-(n + 1) // 2)  # two panels a row: readable at page width and on a phone
    fig, grid = plt.subplots(nrows, ncols, figsize=(3.4 * ncols, 3.3 * nrows), squeeze=False)
    axes = grid.flat
    for ax in axes[n + 1:]:
        ax.set_visible(False)
    runs = []
    for i, (ax, lr) in enumerate(zip(axes, lrs)):
        drawing = _PathDrawing(ax, color=PALETTE[(i + 1) % len(PALETTE)], levels=10)
        objective, run = drawing.draw(name, lr, start[0], start[1], steps)
        ax.set_title(f"lr = {lr:g}\n{describe_run(run)}", fontsize=10)
        if i % ncols:
            ax.set_ylabel("")
        runs.append(run)
    ax_loss = axes[n]
    for i, (lr, run) in enumerate(zip(lrs, runs)):
        gap = np.maximum(run.losses - objective.min_value, 1e-16)
        ax_loss.semilogy(np.where(np.isfinite(gap), gap, np.nan), color=PALETTE[(i + 1) % len(PALETTE)],
                         label=f"lr = {lr:g}")
    ax_loss.set_ylim(*LOSS_RANGE)
    ax_loss.set_xlabel("step")
    ax_loss.set_ylabel("loss − minimum loss")
    ax_loss.set_title("loss curves", fontsize=10)
    ax_loss.legend(fontsize=8, loc="upper right")
    fig.suptitle(f"gradient descent on the {objective.name},\n{steps}-step budget, four learning rates")
    return fig, runs
