"""Figures for the book: one style, and the plots several chapters draw.

Every figure has an opaque white background and dark text, so it stays
readable on the website's dark theme as well as the light one.
"""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np

#: A colour-blind-safe palette (Okabe & Ito), used in this order.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"]

BOOK_STYLE = {
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
    "savefig.transparent": False,
    "text.color": "#111111",
    "axes.labelcolor": "#111111",
    "xtick.color": "#111111",
    "ytick.color": "#111111",
    "axes.edgecolor": "#333333",
    "figure.dpi": 80,
    "figure.figsize": (7.0, 4.0),
    "figure.constrained_layout.use": True,
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "legend.framealpha": 0.9,
    "axes.prop_cycle": mpl.cycler(color=PALETTE),
    "lines.linewidth": 2.0,
}


def use_book_style() -> None:
    """Apply the book's figure style (call once, in a chapter's set-up cell)."""
    mpl.rcParams.update(BOOK_STYLE)


def small_multiples(n: int, ncols: int | None = None, *, panel_size=(3.4, 3.0),
                    sharex=False, sharey=False, suptitle: str | None = None):
    """A grid of ``n`` panels (the static stand-in for a slider); returns ``fig, axes``."""
    ncols = min(n, ncols or 3)
    nrows = -(-n // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(panel_size[0] * ncols, panel_size[1] * nrows),
                             sharex=sharex, sharey=sharey, squeeze=False)
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    if suptitle:
        fig.suptitle(suptitle)
    return fig, axes.flat[:n]


def plot_function(ax, f, xlim, *, num: int = 400, label: str | None = None, **style):
    """Draw ``y = f(x)`` over ``xlim``; returns the Line2D."""
    x = np.linspace(*xlim, num)
    (line,) = ax.plot(x, f(x), label=label, **style)
    return line


def loss_curve(ax, losses, *, label: str | None = None, log: bool = True, xlabel: str = "step",
               ylabel: str = "loss", title: str | None = None, **style):
    """A loss curve (log scale by default), with labelled axes; returns the Line2D."""
    (line,) = ax.plot(np.arange(len(losses)), losses, label=label, **style)
    if log:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    return line
