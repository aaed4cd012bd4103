"""Chapter 4's explorer: batch, stochastic and mini-batch descent on the airfoil data.

One panel: the training loss (as a percentage above the least-squares
optimum, on a log scale) against epochs, for three runs with the same
learning rate: full-batch gradient descent, stochastic gradient descent
(one sample per update) and mini-batch descent with the chosen batch size.
A vertical line marks the budget of epochs; the verdict says whether the
mini-batch run is within :data:`TARGET` of the optimum when the budget is
spent (exercise 4.4).

The runs are :mod:`gdcore.experiments.batches`' (linear regression on the
standardized airfoil training set, from all-zero parameters, shuffled with
seed 0); they are cached, so moving the budget slider only redraws, and
redrawing is blitted (the axes are drawn once). The full-batch and
stochastic runs of every learning rate are computed when the explorer is
built (about a second), so a new learning rate or batch size computes only
the mini-batch run.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
from matplotlib.ticker import FixedLocator, LogLocator, NullLocator

from .. import data
from ..experiments.batches import (BATCH_SIZES, LRS, MAX_EPOCHS, TARGET, airfoil_problem, describe_excess,
                                  excess_curve)
from ..plotting import PALETTE
from ._landscape import FastExplorer
from ._live import Blitter, Explorer, new_figure

_FLOOR = 1e-2  # the lowest excess (in %) the log axis shows


class _BatchDrawing:
    """The panel and its artists; shared by the explorer and the snapshot."""

    def __init__(self, ax, legend: bool = True):
        self.ax = ax
        (self.full,) = ax.plot([], [], color=PALETTE[0], label="batch (full)")
        (self.stochastic,) = ax.plot([], [], color=PALETTE[1], lw=1.2, label="stochastic (B = 1)")
        (self.mini,) = ax.plot([], [], color=PALETTE[2], label="mini-batch (your B)")
        (self.end,) = ax.plot([], [], "o", color=PALETTE[2], markersize=7)
        self.budget = ax.axvline(1.0, color="gray", lw=1, ls="--")
        ax.axhline(100 * TARGET, color="black", lw=1, ls=":", label=f"target: {100 * TARGET:g}% above optimum")
        ax.set_yscale("log")
        ax.set_xlim(0, MAX_EPOCHS)
        ax.set_ylim(_FLOOR, 1e5)
        ax.xaxis.set_major_locator(FixedLocator(np.arange(MAX_EPOCHS + 1)))
        ax.yaxis.set_major_locator(LogLocator(numticks=5))  # few ticks: text is what costs
        ax.yaxis.set_minor_locator(NullLocator())
        ax.set_xlabel("epochs (samples seen / n)")
        ax.set_ylabel("training MSE above optimum (%)")
        # below the axes, so that no curve is ever drawn over it (the legend is static when blitting)
        self.legend = (ax.figure.legend(*ax.get_legend_handles_labels(), loc="outside lower center", ncol=4,
                                        fontsize=8) if legend else None)

    def draw(self, batch_size: int, lr: float, epochs: int) -> float:
        """Move every artist; return the mini-batch run's excess (%) after ``epochs`` (inf if diverged)."""
        for line, size in ((self.full, None), (self.stochastic, 1), (self.mini, batch_size)):
            x, excess, _ = excess_curve(size, lr)
            line.set_data(x, np.clip(excess, _FLOOR, 1e6))
        x, excess, history = excess_curve(batch_size, lr)
        reached = x <= epochs + 1e-12
        final = excess[reached][-1] if x[reached][-1] >= epochs - 1e-12 else np.inf
        self.end.set_data([epochs], [np.clip(final, _FLOOR, 1e5)] if np.isfinite(final) else [np.nan])
        self.budget.set_xdata([epochs, epochs])
        return float(final)


class BatchExplorer(FastExplorer, Explorer):
    """Choose a batch size, a learning rate and a budget of epochs; compare the three variants.

    Rendering is blitted: axes, ticks and the target line are drawn once, a
    frame redraws only the curves and the budget marker.
    """

    def __init__(self, batch_size: int = 32, lr: float = 0.01, epochs: int = 2):
        self.controls = {
            "batch_size": widgets.SelectionSlider(options=list(BATCH_SIZES), value=batch_size,
                                                  description="batch size", continuous_update=False),
            "lr": widgets.SelectionSlider(options=list(LRS), value=lr, description="learning rate",
                                          continuous_update=False),
            "epochs": widgets.IntSlider(value=epochs, min=1, max=MAX_EPOCHS, description="epochs",
                                        continuous_update=False),
        }
        self.fig = new_figure(figsize=(7.5, 4.2))
        d = self.drawing = _BatchDrawing(self.fig.subplots())
        d.ax.set_title("Full batch, one sample and your mini-batch, at one learning rate")
        self.blitter = Blitter(self.fig, [d.full, d.stochastic, d.mini, d.end, d.budget])
        # The full-batch and stochastic runs do not depend on the batch size: computed now for
        # every learning rate, they leave a new learning rate only the mini-batch run to compute.
        for rate in LRS:
            excess_curve(None, rate)
            excess_curve(1, rate)
        self._build_ui()

    def _draw(self, batch_size, lr, epochs) -> str:
        final = self.drawing.draw(batch_size, lr, epochs)
        p = airfoil_problem()
        samples = epochs * p.n_train
        if not np.isfinite(final):
            return (f"B = {batch_size}, lr = {lr:g}: the mini-batch run <b>diverged</b> before "
                    f"{epochs} epoch(s); take a smaller learning rate.")
        mark = "within" if final <= 100 * TARGET else "not within"
        return (f"B = {batch_size}, lr = {lr:g}: after {epochs} epoch(s) ({samples:,} samples, "
                f"{epochs * data.n_batches(p.n_train, batch_size):,} updates) the training MSE is "
                f"{describe_excess(final)}: <b>{mark}</b> the {100 * TARGET:g}% target.")


def batch_snapshot(settings=((32, 0.005), (32, 0.05), (32, 0.5)), epochs: int = 2):
    """The static stand-in for the explorer: one panel per ``(batch_size, lr)``; returns the figure."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(settings), figsize=(3.6 * len(settings), 3.4), sharey=True,
                             layout="constrained")
    axes = np.atleast_1d(axes)
    for i, (ax, (batch_size, lr)) in enumerate(zip(axes, settings)):
        drawing = _BatchDrawing(ax, legend=False)
        final = drawing.draw(batch_size, lr, epochs)
        words = f"{final:,.{0 if final >= 100 else 2}f}% above optimum" if np.isfinite(final) else "diverged"
        ax.set_title(f"B = {batch_size}, lr = {lr:g}; mini-batch after\n{epochs} epochs: {words}", fontsize=10)
        off_chart = [name for name, size in (("batch", None), ("stochastic", 1), (f"mini-batch (B = {batch_size})",
                                                                                    batch_size))
                     if excess_curve(size, lr)[2].diverged]
        for k, name in enumerate(off_chart):  # a diverged run's curve leaves the chart: say so in the panel
            ax.text(0.03, 0.04 + 0.09 * k, f"{name}: diverged (off the chart)", transform=ax.transAxes,
                    va="bottom", fontsize=8, bbox=dict(facecolor="white", edgecolor="none", alpha=0.8))
        if i:
            ax.set_ylabel("")
    handles, labels = axes[0].get_legend_handles_labels()
    labels = ["mini-batch (B as titled)" if label.startswith("mini-batch") else label for label in labels]
    fig.legend(handles, labels, loc="outside lower center", ncol=4, fontsize=9)
    fig.suptitle("Training loss above the least-squares optimum, three ways to batch")
    return fig
