"""Figures for the book: one style, and the plots several chapters draw.

Contour and surface plots of landscapes with descent paths live here;
computational graphs are drawn by :mod:`gdcore.plotting.graph`
(:func:`draw_graph`).

Every figure has an opaque white background and dark text, so it stays
readable on the website's dark theme as well as the light one.
"""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np

from .graph import GraphDrawing, draw_graph  # noqa: F401

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


# -- landscapes: contour and surface plots of an objective, with descent paths ----------

def landscape_grid(objective, *, num: int = 200, xlim=None, ylim=None):
    """``X, Y, Z`` on a ``num`` x ``num`` grid over the objective's window (or the one given)."""
    xlim = xlim or objective.xlim
    ylim = ylim or objective.ylim
    X, Y = np.meshgrid(np.linspace(*xlim, num), np.linspace(*ylim, num))
    Z = objective(np.stack([X, Y], axis=-1))
    return X, Y, Z


def contour_levels(Z, n: int = 20, *, spacing: str = "log"):
    """``n`` contour levels for the values ``Z``.

    ``"log"`` spaces them geometrically above the lowest value, so that the
    bottom of a valley gets as many lines as its walls (the right choice for
    landscapes whose values span orders of magnitude); ``"linear"`` spaces
    them evenly.
    """
    low, high = float(np.min(Z)), float(np.quantile(Z, 0.9))
    if spacing == "linear":
        return np.linspace(low, high, n + 1)[1:]
    span = max(high - low, 1e-12)
    return low + np.geomspace(span * 1e-3, span, n)


def contour(ax, objective, *, num: int = 200, levels=12, spacing: str = "log", filled: bool = True,
            xlim=None, ylim=None, mark_minima: bool = True, cmap: str = "viridis",
            xlabel: str | None = None, ylabel: str | None = None, title: str | None = None):
    """Contour plot of a 2-D ``objective`` over its window, with its minima marked as stars.

    Returns the line ``ContourSet``. Axis labels default to :math:`\\theta_1, \\theta_2`
    (or the objective's own ``labels``).
    """
    X, Y, Z = landscape_grid(objective, num=num, xlim=xlim, ylim=ylim)
    if np.ndim(levels) == 0:
        levels = contour_levels(Z, int(levels), spacing=spacing)
    if filled:
        ax.contourf(X, Y, Z, levels=np.concatenate([[np.min(Z)], levels, [np.max(Z)]]),
                    cmap=cmap, alpha=0.35)
    lines = ax.contour(X, Y, Z, levels=levels, cmap=cmap, linewidths=0.8)
    if mark_minima:
        ax.plot(objective.minima[:, 0], objective.minima[:, 1], "*", color="black", markersize=11,
                label="minimum" if len(objective.minima) == 1 else "minima", zorder=4)
    default_x, default_y = getattr(objective, "labels", (r"$\theta_1$", r"$\theta_2$"))
    ax.set_xlabel(xlabel or default_x)
    ax.set_ylabel(ylabel or default_y)
    ax.set_xlim(*(xlim or objective.xlim))
    ax.set_ylim(*(ylim or objective.ylim))
    ax.grid(False)
    ax.set_title(objective.name if title is None else title)
    return lines


def clip_path(xs, xlim, ylim, margin: float = 10.0) -> np.ndarray:
    """The points ``xs`` (shape ``(n, 2)``), without non-finite ones, clamped to a box
    ``margin`` window-widths around the window, so a diverging path still draws quickly."""
    xs = np.asarray(xs, dtype=float).reshape(-1, 2)
    xs = xs[np.all(np.isfinite(xs), axis=1)]
    (x0, x1), (y0, y1) = xlim, ylim
    wx, wy = margin * (x1 - x0), margin * (y1 - y0)
    return np.column_stack([np.clip(xs[:, 0], x0 - wx, x1 + wx), np.clip(xs[:, 1], y0 - wy, y1 + wy)])


def plot_path(ax, xs, *, label: str | None = None, color: str | None = None, marker: str = "o",
              markersize: float = 3.0, start: bool = True, **style):
    """Draw a descent path ``xs`` (shape ``(n, 2)``) on a contour plot; returns the Line2D.

    With ``start=True`` the start point is ringed, so the direction of travel is clear.
    """
    pts = clip_path(xs, ax.get_xlim(), ax.get_ylim())
    (line,) = ax.plot(pts[:, 0], pts[:, 1], marker=marker, markersize=markersize, color=color,
                      label=label, lw=style.pop("lw", 1.4), zorder=5, **style)
    if start and len(pts):
        ax.plot(pts[:1, 0], pts[:1, 1], "o", markersize=8, markerfacecolor="none",
                markeredgecolor=line.get_color(), markeredgewidth=1.5, zorder=5)
    return line


def surface(ax, objective, *, num: int = 40, path=None, cmap: str = "viridis", log: bool = False,
            xlim=None, ylim=None, title: str | None = None, zlabel: str = "loss"):
    """A 3-D surface of a 2-D ``objective`` (``ax`` from ``projection="3d"``), optionally with a path.

    With ``log=True`` the height is :math:`\\log_{10}(1 + f - f_{\\min})`, which keeps a
    steep landscape's valleys visible.
    """
    X, Y, Z = landscape_grid(objective, num=num, xlim=xlim, ylim=ylim)
    pts = None
    floor = float(np.min(Z))
    if path is not None:
        pts = clip_path(path, xlim or objective.xlim, ylim or objective.ylim, margin=0.0)
        floor = min(floor, float(np.min(objective(pts)))) if len(pts) else floor

    def height(values):
        return np.log10(1.0 + values - floor) if log else values

    ax.plot_surface(X, Y, height(Z), cmap=cmap, alpha=0.8, linewidth=0, antialiased=True)
    if pts is not None:
        ax.plot(pts[:, 0], pts[:, 1], height(objective(pts)), "o-", color="#D55E00", markersize=3,
                lw=1.5, zorder=10)
    default_x, default_y = getattr(objective, "labels", (r"$\theta_1$", r"$\theta_2$"))
    ax.set_xlabel(default_x)
    ax.set_ylabel(default_y)
    ax.set_zlabel(f"log10(1 + {zlabel} − min)" if log else zlabel)
    ax.set_title(objective.name if title is None else title)
    return ax
