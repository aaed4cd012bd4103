"""Chapter 1's explorer: a secant line turning into the tangent as h shrinks.

Left panel: the curve, the point x, the secant through the sampled points
and the tangent at x. Right panel: the error of the difference quotient
against h on log-log axes, with the current h marked, so the reader sees
truncation error fall and round-off error rise.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from .. import derivatives
from ..plotting import PALETTE
from ._live import Blitter, Explorer, few_log_ticks, new_figure

#: The functions the explorer offers: name -> (f, f').
FUNCTIONS = {
    "x²": (lambda x: x**2, lambda x: 2 * x),
    "sin(x)": (np.sin, np.cos),
    "exp(x)": (np.exp, np.exp),
    "x³ − 3x": (lambda x: x**3 - 3 * x, lambda x: 3 * x**2 - 3),
}

H_GRID = np.logspace(-12, 0.5, 120)  # the steps drawn in the error panel
TOLERANCE = 0.01  # the live verdict says whether the error is below this
ERROR_CEILING = 1e3  # above every error the explorer's functions reach on its sliders


def _sample_points(x: float, h: float, method: str) -> tuple[float, float]:
    """The two points a difference quotient looks at (for drawing the secant)."""
    return {"forward": (x, x + h), "backward": (x - h, x), "central": (x - h, x + h)}[method]


class _SecantDrawing:
    """The two panels and their artists; shared by the explorer and the snapshot."""

    def __init__(self, ax_curve, ax_error=None):
        self.ax_curve, self.ax_error = ax_curve, ax_error
        (self.curve,) = ax_curve.plot([], [], color=PALETTE[0], label="f(x)")
        (self.tangent,) = ax_curve.plot([], [], "--", color=PALETTE[2], label="tangent")
        (self.secant,) = ax_curve.plot([], [], color=PALETTE[1], label="secant")
        (self.points,) = ax_curve.plot([], [], "o", color=PALETTE[1], markersize=6)
        (self.point,) = ax_curve.plot([], [], "o", color="black", markersize=5)
        ax_curve.set_xlabel("x")
        ax_curve.set_ylabel("f(x)")
        ax_curve.legend(loc="upper center", fontsize=9)
        if ax_error is not None:
            (self.error_curve,) = ax_error.loglog([], [], color=PALETTE[0])
            (self.error_marker,) = ax_error.loglog([], [], "o", color=PALETTE[1], markersize=7)
            ax_error.axhline(TOLERANCE, color="gray", lw=1, ls=":")
            few_log_ticks(ax_error.xaxis, ax_error.yaxis)
            ax_error.set_xlabel("step h")
            ax_error.set_ylabel("|slope − f′(x)|")
            ax_error.set_title("error of the difference quotient")

    def draw(self, name: str, x: float, h: float, method: str) -> tuple[float, float]:
        """Move every artist; return (secant slope, tangent slope)."""
        f, df = FUNCTIONS[name]
        a, b = _sample_points(x, h, method)
        slope = derivatives.derivative(f, x, h=h, method=method)
        exact = float(df(x))
        window = max(2.0, 1.5 * h)
        # Whole-number limits change only every few slider steps, so the explorer
        # can reuse its drawing of the axes and ticks in between.
        xs = np.linspace(np.floor(x - window), np.ceil(x + window), 200)
        self.curve.set_data(xs, f(xs))
        self.tangent.set_data(xs, f(x) + exact * (xs - x))
        self.secant.set_data(xs, f(a) + slope * (xs - a))
        self.points.set_data([a, b], [f(a), f(b)])
        self.point.set_data([x], [f(x)])
        ys = f(xs)
        pad = 0.15 * (ys.max() - ys.min() + 1e-9)
        self.ax_curve.set_xlim(xs[0], xs[-1])
        self.ax_curve.set_ylim(ys.min() - pad, ys.max() + pad)
        self.ax_curve.set_title(f"{name}: secant slope {slope:.4f}, tangent slope {exact:.4f}")
        if self.ax_error is not None:
            errors = np.abs(derivatives.derivative(f, x, h=H_GRID, method=method) - exact)
            shown = np.maximum(errors, 1e-17)  # an exact zero cannot sit on a log axis
            self.error_curve.set_data(H_GRID, shown)
            self.error_marker.set_data([h], [max(abs(slope - exact), 1e-17)])
            self.ax_error.set_xlim(H_GRID[0], H_GRID[-1])
            self.ax_error.set_ylim(1e-17, ERROR_CEILING)
        return slope, exact


class SecantExplorer(Explorer):
    """Move x and h (and choose f and the difference quotient); watch secant become tangent."""

    def __init__(self, function: str = "sin(x)", x: float = 1.0, h: float = 1.0, method: str = "forward"):
        self.controls = {
            "name": widgets.Dropdown(options=list(FUNCTIONS), value=function, description="f"),
            "x": widgets.FloatSlider(value=x, min=-4.0, max=4.0, step=0.1, description="x",
                                     continuous_update=True),
            "h": widgets.FloatLogSlider(value=h, base=10, min=-3, max=0.5, step=0.05, description="h",
                                        readout_format=".4f", continuous_update=True),
            "method": widgets.ToggleButtons(options=list(derivatives.METHODS), value=method,
                                            description="quotient"),
        }
        self.fig = new_figure(figsize=(9.0, 3.6))
        ax_curve, ax_error = self.fig.subplots(1, 2)
        d = self.drawing = _SecantDrawing(ax_curve, ax_error)
        self.blitter = Blitter(
            self.fig, [d.curve, d.tangent, d.secant, d.points, d.point, ax_curve.title, d.error_curve,
                       d.error_marker],
            key=lambda: (ax_curve.get_xlim(), ax_curve.get_ylim()))
        self._build_ui()

    def _draw(self, name, x, h, method) -> str:
        slope, exact = self.drawing.draw(name, x, h, method)
        error = abs(slope - exact)
        mark = "within" if error <= TOLERANCE else "above"
        return (f"h = {h:.4f}: secant slope {slope:.5f}, f′(x) = {exact:.5f}, "
                f"error {error:.5f} (<b>{mark}</b> {TOLERANCE})")


def secant_snapshot(function: str = "sin(x)", x: float = 1.0, hs=(1.0, 0.3, 0.03),
                    method: str = "forward", error_panel: bool = False):
    """The static stand-in for the explorer: one panel per step h; returns the figure.

    With ``error_panel=True`` a last panel shows what the explorer's right panel
    shows: the error against h over the slider's range, with the steps of the
    other panels marked and the tolerance line of the live verdict.
    """
    import matplotlib.pyplot as plt

    n = len(hs) + bool(error_panel)
    fig, axes = plt.subplots(1, n, figsize=(3.4 * n, 3.2))
    axes = np.atleast_1d(axes)
    for ax, h in zip(axes, hs):
        slope, exact = _SecantDrawing(ax).draw(function, x, h, method)
        ax.set_title(f"h = {h:g}: secant {slope:.3f}\ntangent {exact:.3f}", fontsize=10)
        ax.get_legend().remove()
        if ax is not axes[0]:
            ax.sharey(axes[0])
            ax.set_ylabel("")
    axes[0].legend(loc="lower right", fontsize=8)
    if error_panel:
        ax = axes[-1]
        f, df = FUNCTIONS[function]
        steps = np.logspace(-3, 0.5, 141)  # the explorer's h slider
        errors = np.abs(derivatives.derivative(f, x, h=steps, method=method) - float(df(x)))
        ax.loglog(steps, errors, color=PALETTE[0], label="error")
        ax.loglog(hs, np.abs(derivatives.derivative(f, x, h=np.asarray(hs, dtype=float), method=method)
                             - float(df(x))), "o", color=PALETTE[1], label="the steps shown")
        ax.axhline(TOLERANCE, color="gray", lw=1, ls=":", label=f"tolerance {TOLERANCE:g}")
        ax.grid(True, which="both", alpha=0.3)
        ax.set_xlabel("step h")
        ax.set_ylabel("|slope − f′(x)|")
        ax.set_title("error of the difference quotient", fontsize=10)
        ax.legend(loc="lower right", fontsize=8)
    fig.suptitle(f"{method} secant of {function} at x = {x:g} as h shrinks")
    return fig
