"""Chapter 2's explorer: the gradient at a point of a loss landscape.

Left panel: the landscape's contours, the chosen point, the gradient's
direction (steepest ascent, solid), its opposite (steepest descent, dashed)
and the contour line's tangent through the point (dotted), which is at a
right angle to both. Right panel: the slope in every direction, the
directional derivative :math:`D_u L = \\nabla L \\cdot u`, against the angle
of :math:`u`, with finite-difference slopes as dots: largest in the
gradient's direction, zero along the contour. The verdict gives the numbers:
value, gradient, its length, and the tangent plane.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from ..experiments.landscapes import FLAT, POINT_PRESETS as PRESETS, classify, directional_slopes, landscape
from ..plotting import PALETTE
from ._landscape import FastExplorer, LandscapePanel
from ._live import Blitter, Explorer, new_figure, nice_ceiling

ANGLES = np.linspace(0.0, 360.0, 361)  # degrees, for the directional-slope curve
SAMPLE_ANGLES = np.arange(0.0, 360.0, 30.0)  # where finite differences are drawn as dots


def nice_limit(value: float) -> float:
    """The slope panel's axis limit: a round number (1, 2 or 5 times a power of ten) above ``value``.

    The axis only changes (and is only redrawn) when the gradient's length
    crosses one of these steps.
    """
    return nice_ceiling(max(1.1 * float(value), 1e-3))


class _GradientDrawing:
    """Contours with the point, arrows and tangent, plus the slope-by-direction panel."""

    def __init__(self, ax_map, ax_slope=None, levels: int = 18):
        self.map = LandscapePanel(ax_map, levels=levels)
        self.ax_map, self.ax_slope = ax_map, ax_slope
        (self.tangent,) = ax_map.plot([], [], ":", color="black", lw=2.0, label="contour tangent", zorder=6)
        (self.ascent,) = ax_map.plot([], [], "-", color=PALETTE[1], lw=2.5, label="gradient (ascent)", zorder=6)
        (self.descent,) = ax_map.plot([], [], "--", color=PALETTE[0], lw=2.5, label="−gradient (descent)",
                                      zorder=6)
        (self.heads,) = ax_map.plot([], [], "o", color="black", markersize=4, zorder=7)
        (self.point,) = ax_map.plot([], [], "o", color="white", markeredgecolor="black", markersize=8, zorder=8)
        if ax_slope is not None:
            ax_slope.axhline(0.0, color="gray", lw=1)
            (self.slope_curve,) = ax_slope.plot([], [], color=PALETTE[0], label="∇L · u (formula)")
            (self.slope_dots,) = ax_slope.plot([], [], "o", color=PALETTE[1], markersize=5,
                                               label="finite differences")
            (self.slope_max,) = ax_slope.plot([], [], "*", color="black", markersize=12,
                                              label="steepest ascent")
            ax_slope.set_xlim(0, 360)
            ax_slope.set_xticks(range(0, 361, 90))
            ax_slope.set_xlabel("direction of u (degrees from the θ₁ axis)")
            ax_slope.set_ylabel("slope of L along u")

    def draw(self, name: str, x: float, y: float):
        """Move every artist; returns ``(objective, value, gradient)``."""
        objective = landscape(name)
        self.map.show(objective)
        p = np.array([x, y])
        value, g = objective(p), objective.grad(p)
        norm = float(np.hypot(*g))
        size = 0.15 * min(objective.xlim[1] - objective.xlim[0], objective.ylim[1] - objective.ylim[0])
        u = g / norm if norm > 0 else np.zeros(2)
        along = np.array([-u[1], u[0]])  # the contour direction, at a right angle to the gradient
        self.ascent.set_data([x, x + size * u[0]], [y, y + size * u[1]])
        self.descent.set_data([x, x - size * u[0]], [y, y - size * u[1]])
        self.heads.set_data([x + size * u[0], x - size * u[0]], [y + size * u[1], y - size * u[1]])
        self.tangent.set_data([x - size * along[0], x + size * along[0]], [y - size * along[1], y + size * along[1]])
        self.point.set_data([x], [y])
        if self.ax_slope is not None:
            t = np.deg2rad(ANGLES)
            self.slope_curve.set_data(ANGLES, g[0] * np.cos(t) + g[1] * np.sin(t))
            self.slope_dots.set_data(SAMPLE_ANGLES, directional_slopes(objective, p, SAMPLE_ANGLES))
            self.slope_max.set_data([np.degrees(np.arctan2(g[1], g[0])) % 360], [norm])
            top = nice_limit(norm)
            if self.ax_slope.get_ylim() != (-top, top):
                self.ax_slope.set_ylim(-top, top)
        return objective, value, g


def _term(c: float) -> str:
    return f"− {-c:.4g}" if c < 0 else f"+ {c:.4g}"


def verdict(objective, x: float, y: float, value: float, g) -> str:
    """The numbers at the point, in one or two sentences (HTML)."""
    norm = float(np.hypot(*g))
    angle = np.degrees(np.arctan2(g[1], g[0])) % 360
    text = (f"at θ = ({x:.2f}, {y:.2f}): L = {value:.4g}, ∇L = ({g[0]:.4g}, {g[1]:.4g}), "
            f"|∇L| = {norm:.4g}, steepest ascent at {angle:.0f}°. Tangent plane: "
            f"L ≈ {value:.4g} {_term(g[0])}·Δθ₁ {_term(g[1])}·Δθ₂ (Δθ = the step from θ).")
    if norm < FLAT:
        kind = classify(objective, [x, y])
        text += f" <b>Nearly flat (|∇L| &lt; {FLAT:g}): close to a {kind}.</b>"
    return text


class GradientExplorer(FastExplorer, Explorer):
    """Pick a point on a landscape; see the gradient, steepest ascent and descent, and the contour tangent."""

    def __init__(self, name: str = "line fit", point=None):
        x, y = PRESETS[name] if point is None else point
        objective = landscape(name)
        self.controls = {
            "name": widgets.Dropdown(options=list(PRESETS), value=name, description="landscape"),
            "x": widgets.FloatSlider(value=x, min=objective.xlim[0], max=objective.xlim[1], step=0.01,
                                     description="θ₁"),
            "y": widgets.FloatSlider(value=y, min=objective.ylim[0], max=objective.ylim[1], step=0.01,
                                     description="θ₂"),
        }
        self.fig = new_figure(figsize=(9.0, 3.9))
        ax_map, ax_slope = self.fig.subplots(1, 2)
        ax_map.set_aspect("equal", adjustable="box")
        self.drawing = d = _GradientDrawing(ax_map, ax_slope)
        self.fig.legend(handles=[d.ascent, d.descent, d.tangent, d.slope_curve, d.slope_dots, d.slope_max],
                        loc="outside lower center", ncols=6, fontsize=7)  # below the panels, clear of the data
        self.blitter = Blitter(self.fig, [d.tangent, d.ascent, d.descent, d.heads, d.point, d.slope_curve,
                                          d.slope_dots, d.slope_max],
                               key=lambda: (self.controls["name"].value, ax_slope.get_ylim()))
        self._build_ui()
        self._draw_every_landscape()

    def _switch_landscape(self, name: str) -> None:
        objective = landscape(name)
        self._set_slider("x", *objective.xlim, PRESETS[name][0])
        self._set_slider("y", *objective.ylim, PRESETS[name][1])

    def _draw(self, name, x, y) -> str:
        objective, value, g = self.drawing.draw(name, x, y)
        return verdict(objective, x, y, value, g)


def gradient_snapshot(name: str = "line fit", points=((0.5, 3.0), (4.0, 0.0), (2.0, -2.0))):
    """The static stand-in for the explorer: one contour panel per point, numbers in the titles.

    Returns the figure.
    """
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(points), figsize=(2.9 * len(points), 3.7))
    for i, (ax, (x, y)) in enumerate(zip(np.atleast_1d(axes), points)):
        ax.set_aspect("equal", adjustable="box")
        drawing = _GradientDrawing(ax, levels=10)
        objective, value, g = drawing.draw(name, x, y)
        ax.set_title(f"at ({x:g}, {y:g}): L = {value:.3g}\n∇L = ({g[0]:.3g}, {g[1]:.3g})", fontsize=10)
        if i:
            ax.set_ylabel("")
    fig.legend(handles=[drawing.ascent, drawing.descent, drawing.tangent], loc="outside lower center",
               ncols=3, fontsize=9)
    fig.suptitle(f"the gradient on the {objective.name}: steepest ascent, steepest descent, contour tangent")
    return fig
