"""Chapter 6's explorer: what an initialization does to a deep stack of layers.

The experiment (the network, the batch of digits, the statistics per layer
and the verdict) is :mod:`gdcore.experiments.stacks`; this module draws it.
Left panel: the histogram of every hidden layer's activations (darker is
deeper). Right panel: the standard deviation of the activations, and of the
back-propagated gradients :math:`\\partial L / \\partial z`, against depth, on
a log scale. A flat line there is what a good initialization looks like.
In the explorer the axes are steady (they change rarely as the controls
move, and new axes cost a redraw of their half): large activation values are
counted in a power of ten written at the axis's right end, and the
deviations' axis is one of a few bands (``BANDS``).
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
from matplotlib import colormaps
from matplotlib.collections import LineCollection
from matplotlib.ticker import FixedLocator, FuncFormatter, LogLocator, MaxNLocator, NullLocator

from ..experiments.stacks import ACTIVATIONS, MAX_DEPTH, SCHEMES, WIDTHS, stack_statistics, verdict
from ..plotting import PALETTE
from ._live import Blitter, Explorer, new_figure, nice_ceiling, power_of_ten

__all__ = ["ActivationExplorer", "activation_snapshot"]

BINS = 40
LIGHTEST = 0.75  # layer 1's colour in viridis (deeper layers are darker)


def _decades(lo: float, hi: float) -> tuple[float, float]:
    """Log-axis limits: whole powers of ten around [lo, hi], at least 10⁻² to 10¹."""
    low = 10.0 ** (np.floor(np.log10(min(lo, 0.01))))
    high = 10.0 ** (np.ceil(np.log10(max(hi, 10.0))))
    return low, high


#: The explorer's standard-deviation axes: 10^-e .. 10^e, the first that holds the data (ticks
#: every e/2 decades). Few and steady, so that a move rarely changes the axes (a redraw).
BANDS = (2, 4, 6, 10, 16, 24, 32, 64)


def _band(lo: float, hi: float) -> int:
    """The exponent ``e`` of the smallest band 10^-e .. 10^e around [lo, hi]."""
    return next((e for e in BANDS if 10.0 ** -e <= lo and hi <= 10.0 ** e), BANDS[-1])


def _unit_power(high: float) -> int:
    """The power of ten the histogram axis counts in, for an axis from 0 to ``high`` (1, 2 or 5 × 10^k).

    None up to 10 (the axis reads 0 to at most 10); beyond, the axis reads 0 to 2, 5 or 10
    in units of a power of ten.
    """
    if high <= 10.0 * (1 + 1e-12):
        return 0
    power = int(np.floor(np.log10(high) + 1e-12))
    return power - 1 if high < 1.5 * 10.0 ** power else power


def _percentile_99(values: np.ndarray) -> float:
    """The value below which 99% of ``values`` lie (an order statistic: a partial sort, no interpolation)."""
    rank = int(np.ceil(0.99 * values.size)) - 1
    return float(np.partition(values, rank)[rank])


class _StackDrawing:
    """The two panels; shared by the explorer and the static snapshot."""

    def __init__(self, ax_hist, ax_std=None, *, steady_axes: bool = False):
        # steady_axes (the explorer): axes that change rarely as the controls move, since
        # new axes cost a redraw of their half. The depth axis spans 1..MAX_DEPTH, the
        # deviations a band of BANDS, and the histograms' values are read in units of a
        # power of ten shown beside the axis ("×10⁸", a text drawn with the lines), so the
        # axis runs from 0 to at most 10 whatever the scale. Otherwise (the chapter's
        # static figure) the axes fit the data.
        self.ax_hist, self.ax_std = ax_hist, ax_std
        self.steady_axes = steady_axes
        self.cmap = colormaps["viridis"]
        # One collection of lines, one per layer: one artist to draw instead of twenty.
        self.hists = ax_hist.add_collection(LineCollection([], linewidths=1.4))
        ax_hist.set_xlabel("activation value")
        # The title is a plain text at a fixed place above the axes (an axes title moves
        # itself only inside a full draw, so it could not be redrawn alone).
        self.title = ax_hist.text(0.5, 1.02, " ", transform=ax_hist.transAxes, ha="center",
                                  va="bottom", fontsize=11)
        ax_hist.set_ylabel("fraction of values")
        # no label at the right end: it would reach past the panel (the explorer lays it out once)
        ax_hist.xaxis.set_major_locator(MaxNLocator(5, prune="upper"))
        ax_hist.yaxis.set_major_locator(MaxNLocator(4))
        # Plain texts instead of legends: a legend costs as much to draw as a dozen labels.
        # Deeper layers are darker: layer 1 is viridis green, the last layer dark purple.
        ax_hist.text(0.97, 0.95, "layer 1", color=self.cmap(LIGHTEST), transform=ax_hist.transAxes,
                     ha="right", va="top", fontsize=9, fontweight="bold")
        ax_hist.text(0.97, 0.86, "last layer", color=self.cmap(0.0), transform=ax_hist.transAxes,
                     ha="right", va="top", fontsize=9, fontweight="bold")
        # The unit of the values (steady axes), where the pruned last tick label would be.
        self.unit = ax_hist.text(1.0, -0.14, "", transform=ax_hist.transAxes, ha="right", va="top")
        if ax_std is not None:
            (self.act_line,) = ax_std.semilogy([], [], "o-", color=PALETTE[0], ms=4,
                                               label="activations a")
            (self.grad_line,) = ax_std.semilogy([], [], "s--", color=PALETTE[1], ms=4,
                                                label="gradients ∂ℓ/∂z")
            ax_std.set_xlabel("hidden layer l")
            ax_std.set_ylabel("standard deviation")
            ax_std.text(0.25, 1.02, "● activations a", color=PALETTE[0], transform=ax_std.transAxes,
                        ha="center", va="bottom", fontsize=9)
            ax_std.text(0.75, 1.02, "■ gradients ∂ℓ/∂z (dashed)", color=PALETTE[1],
                        transform=ax_std.transAxes, ha="center", va="bottom", fontsize=9)
            ax_std.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=5))
            ax_std.yaxis.set_major_locator(LogLocator(numticks=6))
            ax_std.yaxis.set_major_formatter(FuncFormatter(power_of_ten))
            ax_std.yaxis.set_minor_locator(NullLocator())

    def draw(self, depth, width, activation, scheme, seed=0) -> dict:
        stats = stack_statistics(depth, width, activation, scheme, seed)
        acts = stats["activations"]
        # ReLU: the exact zeros (about half the values) are left out of the histograms,
        # and the axis reaches the largest 99th percentile of the positive values, rounded
        # up to 1, 2 or 5 times a power of ten (limits that change rarely keep redraws cheap).
        shown = [a.ravel() for a in acts]
        if activation == "relu":
            shown = [v[v > 0] for v in shown]
            low = 0.0
            high = max((_percentile_99(v) for v in shown if v.size), default=0.0)
            high = nice_ceiling(high) if high > 0 else 1.0
        else:
            low, high = -1.0, 1.0
        edges = np.linspace(low, high, BINS + 1)
        centres = (edges[:-1] + edges[1:]) / 2
        # bins and range (not the edges): numpy's fast path for equal bins, the same counts
        fractions = [np.histogram(v, bins=BINS, range=(low, high))[0] / max(v.size, 1) for v in shown]
        power = _unit_power(high) if self.steady_axes else 0
        unit = 10.0 ** power  # the axis shows value / unit
        self.unit.set_text("×" + power_of_ten(unit) if power else "")
        low, high, centres = round(low / unit, 9), round(high / unit, 9), centres / unit
        self.hists.set_segments([np.column_stack([centres, f]) for f in fractions])
        self.hists.set_colors(self.cmap(LIGHTEST * (1 - np.arange(depth) / max(depth - 1, 1))))
        top = max(float(f.max()) for f in fractions)
        self.ax_hist.set_xlim(low, high)
        self.ax_hist.set_ylim(0, min(nice_ceiling(1.05 * top), 1.0) if top > 0 else 1.0)
        self.ax_hist.set_xlabel("activation value (zeros not shown)" if activation == "relu"
                                else "activation value")
        if self.ax_std is not None:
            layers = np.arange(1, depth + 1)
            act, grad = stats["activation_std"], stats["delta_std"]
            self.act_line.set_data(layers, np.maximum(act, 1e-30))
            self.grad_line.set_data(layers, np.maximum(grad, 1e-30))
            both = np.concatenate([act, grad])
            both = both[(both > 0) & np.isfinite(both)]
            lo, hi = (both.min(), both.max()) if both.size else (1e-3, 1.0)
            if self.steady_axes:
                e = _band(lo / 2, hi * 2)
                self.ax_std.set_xlim(0.5, MAX_DEPTH + 0.5)
                self.ax_std.set_ylim(10.0 ** -e, 10.0 ** e)
                self.ax_std.yaxis.set_major_locator(FixedLocator(10.0 ** np.arange(-e, e + 1, e // 2)))
            else:
                self.ax_std.set_xlim(0.5, depth + 0.5)
                self.ax_std.set_ylim(*_decades(lo / 2, hi * 2))
        return stats


class ActivationExplorer(Explorer):
    """Choose depth, width, activation and initialization; watch the signal through the layers."""

    def __init__(self, depth: int = 10, width: int = 128, activation: str = "relu",
                 scheme: str = "N(0, 1)"):
        self.controls = {
            "depth": widgets.IntSlider(value=depth, min=2, max=MAX_DEPTH, description="depth",
                                       continuous_update=False),
            "width": widgets.SelectionSlider(options=list(WIDTHS), value=width, description="width",
                                             continuous_update=False),
            "activation": widgets.ToggleButtons(options=list(ACTIVATIONS), value=activation,
                                                description="activation"),
            "scheme": widgets.Dropdown(options=list(SCHEMES), value=scheme, description="init"),
        }
        self.fig = new_figure(figsize=(9.0, 3.6))
        # Two opaque halves, so that a move that changes one panel's axes redraws only that half.
        left, right = self.fig.subfigures(1, 2, facecolor=self.fig.get_facecolor())
        ax_hist, ax_std = left.subplots(), right.subplots()
        self.drawing = _StackDrawing(ax_hist, ax_std, steady_axes=True)
        d = self.drawing
        # No title (the verdict under the figure names the setting, the chapter the panels), and
        # the axis labels at fixed places, clear of the widest tick labels ("10⁻³⁰"): a half drawn
        # again for new axis limits then neither draws a title nor measures the tick labels to
        # place its labels, which never move.
        for ax, left_of_axis in ((ax_hist, -0.17), (ax_std, -0.2)):
            ax.xaxis.set_label_coords(0.5, -0.14)
            ax.yaxis.set_label_coords(left_of_axis, 0.5)
        # Axes, ticks, labels and the title cost most of a frame and depend only on the
        # axis limits, which _StackDrawing rounds to few distinct values: keep their
        # pixels per set of limits and redraw only the lines.
        self.blitter = Blitter(self.fig, [d.hists, d.act_line, d.grad_line, d.unit], parts=(left, right), key=lambda: (
            (ax_hist.get_xlim(), ax_hist.get_ylim(), ax_hist.get_xlabel()), (ax_std.get_xlim(), ax_std.get_ylim())))
        self._build_ui()

    def _draw(self, depth, width, activation, scheme) -> str:
        stats = self.drawing.draw(depth, width, activation, scheme)
        word, sentence = verdict(stats, activation)
        return f"<b>{word}</b> ({activation}, {scheme}): {sentence}."


def activation_snapshot(schemes=("N(0, 1)", "xavier_normal", "kaiming_normal"), activation: str = "relu",
                        depth: int = 10, width: int = 128):
    """The static stand-in for the explorer: one row of two panels per scheme; returns the figure."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(len(schemes), 2, figsize=(9.0, 2.8 * len(schemes)), squeeze=False)
    for (ax_hist, ax_std), scheme in zip(axes, schemes):
        drawing = _StackDrawing(ax_hist, ax_std)
        stats = drawing.draw(depth, width, activation, scheme)
        word, _ = verdict(stats, activation)
        drawing.title.set_text(f"{activation}, {scheme}: {word}")
    fig.suptitle(f"{depth} {activation} layers of width {width} at initialization")
    return fig
