r"""Chapter 7's explorer: how feature scaling turns a needle-thin valley round.

The experiment (the airfoil least-squares landscape over two weights, after
a scaling, and the exact steps gradient descent needs) is
:mod:`gdcore.experiments.scaling`; this module draws it. The controls choose
the scaling of the inputs (none, min-max, standard) and a unit factor for
the thickness (1 is metres, 1000 millimetres). Left: the loss contours and
gradient descent from :math:`w = 0` at the best fixed step
:math:`\alpha = 2/(\lambda_{\max} + \lambda_{\min})`, just below the
stability limit :math:`2/\lambda_{\max}`. Right: the excess loss against the
step, down to the tolerance (within 0.1 % of the best loss). The verdict
gives the condition number and the steps gradient descent needs.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
from matplotlib.ticker import MaxNLocator, ScalarFormatter

from .._validation import check_choice, check_positive
from ..descent import descend
from ..experiments.scaling import (SCALINGS, TOLERANCE, exact_steps_to_tolerance, excess_loss, scaling_problem,
                                   steps_text)
from ..plotting import PALETTE
from ._live import Blitter, Explorer, few_log_ticks, new_figure

__all__ = ["ScalingExplorer", "scaling_snapshot"]

PATH_STEPS = 40  # the gradient descent steps drawn on the contours
LEVELS = (1.0, 0.5, 0.2, 0.05, 0.01)  # contour levels, as fractions of the starting excess loss
MOST_STEPS = 1e14  # the step axis's end: beyond twice the steps of every setting (tests check it)


def _number_html(x: float) -> str:
    """``x`` with three significant digits, powers of ten written as 10<sup>k</sup>."""
    text = f"{x:.3g}"
    if "e" not in text:
        return text
    mantissa, exponent = text.split("e")
    return f"{mantissa} × 10<sup>{int(exponent)}</sup>"


class _ScalingDrawing:
    """Contours and path (and, optionally, the excess-loss curve); shared with the snapshot."""

    def __init__(self, ax, ax_loss=None):
        self.ax, self.ax_loss = ax, ax_loss
        self.contours = [ax.plot([], [], color=PALETTE[0], lw=1.0, alpha=0.4 + 0.6 * k / len(LEVELS))[0]
                         for k in range(len(LEVELS))]
        (self.path,) = ax.plot([], [], "o-", color=PALETTE[1], markersize=3, lw=1.2, label="gradient descent")
        (self.start,) = ax.plot([], [], "o", markersize=8, markerfacecolor="none",
                                markeredgecolor=PALETTE[1], markeredgewidth=1.5)
        (self.best,) = ax.plot([], [], "*", color="black", markersize=11, label="minimum")
        ax.set_aspect("equal", adjustable="box")
        ax.grid(False)
        for axis in (ax.xaxis, ax.yaxis):
            axis.set_major_locator(MaxNLocator(4))
        if ax_loss is not None:
            (self.curve,) = ax_loss.loglog([], [], color=PALETTE[1])
            (self.marker,) = ax_loss.loglog([], [], "o", color="black", markersize=6)
            # Fixed axes: every setting's curve on the same scale (and one background for all).
            ax_loss.set_xlim(1, MOST_STEPS)
            ax_loss.set_ylim(TOLERANCE / 10, 2.0)
            ax_loss.axhline(TOLERANCE, color="gray", lw=1, ls=":")
            few_log_ticks(ax_loss.xaxis, ax_loss.yaxis)
            ax_loss.set_xlabel("gradient descent step")
            ax_loss.set_ylabel("(L − L*) / L*")

    def draw(self, scaling: str, factor: float):
        """Move every artist; return (bowl, steps to tolerance)."""
        bowl = scaling_problem(scaling, factor)
        lr, w_best, start = bowl.best_lr, bowl.minima[0], np.zeros(2)
        lam, Q = np.linalg.eigh(bowl.A)
        initial = float(bowl(start))
        angles = np.linspace(0, 2 * np.pi, 121)
        circle = np.stack([np.cos(angles), np.sin(angles)])
        for line, fraction in zip(self.contours, LEVELS):
            radii = np.sqrt(2 * fraction * initial / lam)  # the ellipse {½ eᵀHe = level}
            ellipse = w_best[:, None] + Q @ (radii[:, None] * circle)
            line.set_data(ellipse[0], ellipse[1])
        run = descend(bowl, start, lr, steps=PATH_STEPS, tol=0)
        self.path.set_data(run.xs[:, 0], run.xs[:, 1])
        self.start.set_data([0.0], [0.0])
        self.best.set_data([w_best[0]], [w_best[1]])
        center = w_best / 2
        half = 0.65 * max(np.max(np.abs(w_best)), 1e-12)
        self.ax.set_xlim(center[0] - half, center[0] + half)
        self.ax.set_ylim(center[1] - half, center[1] + half)
        self.ax.set_xlabel(bowl.labels[0])
        self.ax.set_ylabel(bowl.labels[1])
        steps = exact_steps_to_tolerance(bowl, lr)
        if self.ax_loss is not None:
            ts = np.unique(np.round(np.geomspace(1, max(2 * steps, 10), 150)))
            excess = excess_loss(bowl, lr, start, ts) / bowl.best_loss
            self.curve.set_data(ts, excess)
            # The dot marks the step count on the tolerance line, where the curve crosses it (the
            # excess loss at that step can be far below, off the axis, when a step gains much).
            self.marker.set_data([steps], [TOLERANCE])
        return bowl, steps


class ScalingExplorer(Explorer):
    """Choose the scaling and the thickness unit; watch the valley and the descent."""

    def __init__(self, scaling: str = "none", factor: float = 1.0):
        self.controls = {
            "scaling": widgets.ToggleButtons(options=list(SCALINGS), value=check_choice(scaling, "scaling", SCALINGS),
                                             description="scaling"),
            "factor": widgets.FloatLogSlider(value=check_positive(factor, "factor"), base=10, min=-1, max=7,
                                             step=0.25, description="thickness ×", readout_format=".3g",
                                             continuous_update=True),
        }
        self.fig = new_figure(figsize=(8.6, 3.8))
        # Two opaque halves: a new unit moves the valley's axes but never the step axis,
        # so only the left half's background is drawn again.
        left, right = self.fig.subfigures(1, 2, facecolor=self.fig.get_facecolor())
        ax, ax_loss = left.subplots(), right.subplots()
        d = self.drawing = _ScalingDrawing(ax, ax_loss)
        for axis in (ax.xaxis, ax.yaxis):
            # At most four digits a tick label (then a power of ten at the axis's end): a new
            # unit changes the weights by powers of ten, and "−0.0008" would push the axis's
            # label off the panel, whose layout is made once.
            short = ScalarFormatter()
            short.set_powerlimits((-2, 2))
            axis.set_major_formatter(short)
        # The axis labels at fixed places, clear of those tick labels: a redraw then need not
        # measure the tick labels to place them, and they never move.
        ax.xaxis.set_label_coords(0.5, -0.13)
        ax.yaxis.set_label_coords(-0.24, 0.5)
        # No titles: the line under the figure gives the numbers (condition number, steps), and
        # a title is a third of the cost of redrawing the valley's half.
        # Axes and ticks depend only on the axis limits and labels (with standard or min-max
        # scaling not on the thickness unit at all): one cached background per set of them.
        self.blitter = Blitter(self.fig, [*d.contours, d.path, d.start, d.best, d.curve, d.marker],
                               parts=(left, right),
                               key=lambda: ((ax.get_xlim(), ax.get_ylim(), ax.get_xlabel(), ax.get_ylabel()),
                                            (ax_loss.get_xlim(), ax_loss.get_ylim())))
        self._build_ui()

    def _draw(self, scaling, factor) -> str:
        bowl, steps = self.drawing.draw(scaling, factor)
        return (f"{scaling} scaling, thickness × {_number_html(factor)}: condition number "
                f"κ = {_number_html(bowl.condition_number)}, "
                f"step α = 2/(λ<sub>max</sub> + λ<sub>min</sub>) = {_number_html(bowl.best_lr)} "
                f"(stability limit 2/λ<sub>max</sub> = {_number_html(bowl.stability_limit)}); gradient descent needs "
                f"<b>{steps_text(steps, 'html')} steps</b> to come within 0.1 % of the best loss.")


def scaling_snapshot(settings=(("none", 1.0), ("min-max", 1.0), ("standard", 1.0))):
    """The static stand-in for the explorer: one contour panel per (scaling, factor); returns the figure."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(settings), figsize=(3.5 * len(settings), 3.6), squeeze=False)
    for ax, (scaling, factor) in zip(axes[0], settings):
        bowl, steps = _ScalingDrawing(ax).draw(scaling, factor)
        ax.set_title(f"{scaling}, thickness × {factor:g}\nκ = {bowl.condition_number:.3g}, "
                     f"{steps_text(steps, 'tex')} steps", fontsize=10)
    axes[0][-1].legend(loc="upper left", fontsize=8)
    fig.suptitle("Least-squares loss of the airfoil data over two weights, with gradient descent")
    return fig
