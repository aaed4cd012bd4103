r"""Chapter 5's race of optimizers on hard landscapes.

:func:`race` runs several optimizers from one start on one landscape with
:func:`gdcore.descent.descend` and returns their runs;
:func:`steps_to_tolerance` reads off when each one got (and stayed) close to
the minimum. :class:`RaceExplorer` is the live version (choose racers,
learning rates, momentum, betas, landscape and start; a button sets the
heavy-ball optimum on the quadratic) and :func:`race_snapshot` draws the
same figure for the website.

The landscapes (:data:`LANDSCAPES`): an ill-conditioned quadratic bowl
(condition number 50), Rosenbrock's valley, a saddle, and the same bowl with
noisy gradients (:class:`NoisyGradient`), the stochastic case.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import ipywidgets as widgets
import numpy as np
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.ticker import LogLocator, MaxNLocator, NullLocator

from .. import objectives, optimizers, plotting
from .._validation import as_finite_array, check_choice, check_int, check_positive, describe
from ..descent import descend
from ..plotting import PALETTE
from ._landscape import FastExplorer
from ._live import Blitter, Explorer, new_figure

__all__ = ["NoisyGradient", "RACERS", "LANDSCAPES", "make_optimizer", "heavy_ball_settings", "race",
           "steps_to_tolerance", "RaceExplorer", "race_snapshot", "momentum_snapshot", "plot_runs"]


class NoisyGradient:
    r"""An objective whose gradient arrives with Gaussian noise: :math:`\nabla L(\theta) + s_g\,\xi`.

    The loss is the true one; only ``grad`` is noisy, as in stochastic
    gradient descent, where a mini-batch gives an unbiased but noisy estimate
    of the full gradient. :math:`s_g` is ``noise``, :math:`\xi \sim \mathcal N(0, I)` comes from a
    Generator seeded with ``seed``; :meth:`reset` restarts the noise stream,
    so that every racer sees the same sequence of noise draws.
    """

    def __init__(self, objective, noise: float = 0.5, seed: int = 0, name: str | None = None):
        if not callable(getattr(objective, "grad", None)):
            raise TypeError(f"objective must have a .grad method; got {describe(objective)}.")
        self.objective = objective
        self.noise = check_positive(noise, "noise", allow_zero=True)
        self.seed = seed
        self.dim, self.minima = objective.dim, objective.minima
        self.xlim, self.ylim = objective.xlim, objective.ylim
        self.labels = getattr(objective, "labels", (r"$\theta_1$", r"$\theta_2$"))
        self.name = name or f"{objective.name} with noisy gradients (s = {self.noise:g})"
        self.reset()

    def reset(self) -> None:
        self.rng = np.random.default_rng(self.seed)

    @property
    def min_value(self) -> float:
        return self.objective.min_value

    def __call__(self, theta):
        return self.objective(theta)

    def grad(self, theta):
        g = self.objective.grad(theta)
        return g + self.noise * self.rng.standard_normal(np.shape(g))


#: The racers, by name: each builds its optimizer from (lr, momentum, betas).
RACERS: dict[str, Callable] = {
    "GD": lambda lr, momentum, betas: optimizers.SGD(lr=lr),
    "momentum": lambda lr, momentum, betas: optimizers.SGD(lr=lr, momentum=momentum),
    "Nesterov": lambda lr, momentum, betas: optimizers.SGD(lr=lr, momentum=momentum,
                                                           nesterov=momentum > 0),  # β = 0: plain GD
    "AdaGrad": lambda lr, momentum, betas: optimizers.AdaGrad(lr=lr),
    "RMSprop": lambda lr, momentum, betas: optimizers.RMSprop(lr=lr),
    "AdaDelta": lambda lr, momentum, betas: optimizers.AdaDelta(lr=lr),
    "Adam": lambda lr, momentum, betas: optimizers.Adam(lr=lr, betas=betas),
}

#: The racers whose learning rate is the explorer's "adaptive lr" (a step size per coordinate).
ADAPTIVE = ("AdaGrad", "RMSprop", "AdaDelta", "Adam")

COLORS = dict(zip(RACERS, [PALETTE[6], PALETTE[0], PALETTE[5], PALETTE[2], PALETTE[3], PALETTE[4],
                           PALETTE[1]]))


def make_optimizer(name: str, lr: float, momentum: float = 0.9, betas=(0.9, 0.999)):
    """The optimizer of racer ``name`` (one of :data:`RACERS`)."""
    check_choice(name, "racer", tuple(RACERS))
    return RACERS[name](lr, momentum, betas)


@dataclass
class Landscape:
    """A race course: the objective, where to start, the tolerance, the budget and tuned lrs.

    ``tuned`` holds, per racer, the learning rate from the grid
    :math:`10^{-4}, 10^{-3.75}, \\dots, 10^{0.75}` with which it reached the
    tolerance, and stayed there, in the fewest steps (momentum 0.9 and
    Adam's default betas), found by :func:`tune_lr` (RMSprop and AdaDelta
    never keep the bowl's tolerance; they get lr 0.01 and 1; GD on the bowl
    gets its theoretical best, 2/(λ_max + λ_min) = 0.0392). ``lr`` and
    ``adaptive_lr`` are the explorer's starting values for the plain and the
    adaptive racers. ``window`` > 1 averages the loss over that many steps
    before comparing it with ``tol`` (for noisy gradients).
    """

    make: Callable
    start: tuple[float, float]
    tol: float
    steps: int
    lr: float
    adaptive_lr: float
    tuned: dict[str, float] = field(default_factory=dict)
    window: int = 1


_BOWL = dict(eigenvalues=[1.0, 50.0], angle=30.0, name="ill-conditioned bowl (condition number 50)")

#: The race courses, by name.
LANDSCAPES: dict[str, Landscape] = {
    "ill-conditioned bowl": Landscape(
        lambda: objectives.Quadratic.from_eigenvalues(**_BOWL), start=(-2.5, -1.0), tol=1e-8, steps=1000,
        lr=0.0392, adaptive_lr=0.3,
        tuned={"GD": 0.0392, "momentum": 0.0178, "Nesterov": 0.0178, "AdaGrad": 1.0, "RMSprop": 0.01,
               "AdaDelta": 1.0, "Adam": 0.178}),
    "Rosenbrock": Landscape(
        objectives.Rosenbrock, start=(-1.2, 1.0), tol=1e-8, steps=3000, lr=0.002, adaptive_lr=0.1,
        tuned={"GD": 0.00178, "momentum": 0.00316, "Nesterov": 0.001, "AdaGrad": 1.78, "RMSprop": 0.00178,
               "AdaDelta": 0.1, "Adam": 0.0562}),
    "saddle": Landscape(
        objectives.Saddle, start=(1.2, 0.001), tol=1e-8, steps=1000, lr=0.1, adaptive_lr=0.05,
        tuned={"GD": 0.562, "momentum": 0.178, "Nesterov": 0.562, "AdaGrad": 1.0, "RMSprop": 0.0316,
               "AdaDelta": 1.0, "Adam": 0.0316}),
    "noisy bowl": Landscape(
        lambda: NoisyGradient(objectives.Quadratic.from_eigenvalues(**_BOWL), noise=0.5, seed=0,
                              name="ill-conditioned bowl, noisy gradients (s = 0.5)"),
        start=(-2.5, -1.0), tol=1e-2, steps=1000, lr=0.01, adaptive_lr=0.1, window=20,
        tuned={"GD": 0.0178, "momentum": 0.00178, "Nesterov": 0.00178, "AdaGrad": 0.316, "RMSprop": 0.01,
               "AdaDelta": 3.16, "Adam": 0.0178}),
}

_OBJECTIVES: dict[str, object] = {}

#: Grey contour lines: the coloured paths stand out, and the PNGs stay small.
CONTOUR_GREYS = LinearSegmentedColormap.from_list("contour_greys", ["0.25", "0.7"])


def landscape_objective(name: str):
    """The objective of race course ``name`` (built once per process)."""
    check_choice(name, "landscape", tuple(LANDSCAPES))
    if name not in _OBJECTIVES:
        _OBJECTIVES[name] = LANDSCAPES[name].make()
    return _OBJECTIVES[name]


def heavy_ball_settings(quadratic) -> tuple[float, float]:
    r"""The heavy-ball optimum on a quadratic with curvatures :math:`\lambda_{\min} \le \lambda_{\max}` (Polyak 1964).

    .. math::
        \alpha^* = \frac{4}{(\sqrt{\lambda_{\max}} + \sqrt{\lambda_{\min}})^2}, \qquad
        \beta^* = \left(\frac{\sqrt\kappa - 1}{\sqrt\kappa + 1}\right)^2, \qquad \kappa = \lambda_{\max} / \lambda_{\min},

    with which the error shrinks like :math:`\left(\frac{\sqrt\kappa - 1}{\sqrt\kappa + 1}\right)^t`
    (times a factor growing like :math:`t`). Returns ``(lr, momentum)``.
    """
    L, mu = float(quadratic.L), float(quadratic.mu)
    kappa = L / mu
    lr = 4.0 / (np.sqrt(L) + np.sqrt(mu)) ** 2
    momentum = ((np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1)) ** 2
    return float(lr), float(momentum)


def steps_to_tolerance(run, tol: float, min_value: float = 0.0, window: int = 1):
    """The first step after which the loss gap stays ``<= tol`` to the end of the run, or ``None``.

    The gap is ``loss - min_value``, averaged over the last ``window`` steps
    when ``window > 1``. "Stays" matters: a run that touches the tolerance
    and bounces away (a too large learning rate) has not arrived.
    """
    tol = check_positive(tol, "tol")
    window = check_int(window, "window")
    if run.diverged:
        return None
    gap = np.asarray(run.losses, dtype=float) - min_value
    if window > 1:
        if len(gap) < window:
            return None
        gap = np.convolve(gap, np.ones(window) / window, mode="valid")
    above = np.flatnonzero(~(gap <= tol))
    if len(above) == 0:
        return window - 1
    if above[-1] == len(gap) - 1:
        return None
    return int(above[-1]) + window


def race(landscape: str, racers=tuple(RACERS), lrs=None, momentum: float = 0.9, betas=(0.9, 0.999),
         start=None, steps: int | None = None) -> dict:
    """Run every racer on race course ``landscape``; returns ``{racer: Run}``.

    ``lrs``: a dict of learning rates by racer (default: the course's tuned
    ones); ``momentum`` is used by "momentum" and "Nesterov", ``betas`` by
    "Adam"; ``start`` and ``steps`` default to the course's.
    """
    course = LANDSCAPES[check_choice(landscape, "landscape", tuple(LANDSCAPES))]
    for name in racers:
        check_choice(name, "racer", tuple(RACERS))
    lrs = {**course.tuned, **(lrs or {})}
    start = course.start if start is None else tuple(as_finite_array(start, "start", ndim=1))
    steps = course.steps if steps is None else steps
    runs = {}
    for name in racers:
        runs[name] = _run(landscape, name, lrs[name], momentum, betas, start, steps)
    return runs


def _run(landscape, name, lr, momentum, betas, start, steps):
    objective = landscape_objective(landscape)
    if hasattr(objective, "reset"):
        objective.reset()  # the same noise for every racer
    optimizer = make_optimizer(name, lr, momentum, betas)
    return descend(objective, start, optimizer, steps=steps, tol=0.0)


def tune_lr(landscape: str, racer: str, grid=None, momentum: float = 0.9) -> float:
    """The learning rate from ``grid`` with which ``racer`` reaches and keeps the tolerance soonest.

    This is how :data:`LANDSCAPES`' ``tuned`` values were found (it takes a
    few seconds per racer, so the results are stored).
    """
    course = LANDSCAPES[landscape]
    objective = landscape_objective(landscape)
    grid = np.round(10 ** np.arange(-4, 0.76, 0.25), 6) if grid is None else grid
    best = (np.inf, None)
    for lr in grid:
        run = _run(landscape, racer, float(lr), momentum, (0.9, 0.999), course.start, course.steps)
        n = steps_to_tolerance(run, course.tol, objective.min_value, course.window)
        if n is not None and n < best[0]:
            best = (n, float(lr))
    return best[1]


def describe_result(run, n) -> str:
    if run.diverged:
        return f"diverged at step {run.steps}"
    return f"{n} steps" if n is not None else "not within budget"


# -- drawing ---------------------------------------------------------------------------------------

class _RaceDrawing:
    """Contours with one path per racer, and the loss-gap curves: shared by explorer and snapshot."""

    def __init__(self, ax_map, ax_loss=None):
        self.ax_map, self.ax_loss = ax_map, ax_loss
        self.landscape = None
        self._contours: list = []
        self.paths, self.ends, self.curves = {}, {}, {}
        for name in RACERS:
            color = COLORS[name]
            (self.paths[name],) = ax_map.plot([], [], "-", color=color, lw=1.4, zorder=5, label=name)
            (self.ends[name],) = ax_map.plot([], [], "o", color=color, markersize=5, zorder=6)
            if ax_loss is not None:
                (self.curves[name],) = ax_loss.plot([], [], color=color, lw=1.4, label=name)
        (self.start,) = ax_map.plot([], [], "o", markersize=9, markerfacecolor="none", markeredgecolor="black",
                                    markeredgewidth=1.5, zorder=7)
        if ax_loss is not None:
            ax_loss.set_yscale("log")
            ax_loss.yaxis.set_major_locator(LogLocator(numticks=5))
            ax_loss.yaxis.set_minor_locator(NullLocator())
            ax_loss.xaxis.set_major_locator(MaxNLocator(4))
            ax_loss.set_xlabel("step")
            ax_loss.set_ylabel("loss − minimum loss")
            self.tol_line = ax_loss.axhline(1.0, color="gray", ls=":", lw=1)

    def _show_landscape(self, landscape: str) -> None:
        if landscape == self.landscape:
            return
        for artist in self._contours:
            artist.remove()
        objective = landscape_objective(landscape)
        before = set(self.ax_map.collections) | set(self.ax_map.lines)
        lines = plotting.contour(self.ax_map, objective, num=100, levels=9, title="", filled=False,
                                 cmap=CONTOUR_GREYS)
        lines.set_antialiased(False)  # crisp 1-pixel lines compress far better in a PNG
        for axis in (self.ax_map.xaxis, self.ax_map.yaxis):  # few ticks: text is what costs
            axis.set_major_locator(MaxNLocator(4))
        self._contours = [a for a in list(self.ax_map.collections) + list(self.ax_map.lines) if a not in before]
        self.landscape = landscape

    def draw(self, landscape: str, runs: dict) -> dict:
        """Show ``runs`` (``{racer: Run}``) on ``landscape``; returns ``{racer: steps to tolerance}``."""
        self._show_landscape(landscape)
        course = LANDSCAPES[landscape]
        objective = landscape_objective(landscape)
        results = {}
        for name in RACERS:
            run = runs.get(name)
            path, end = self.paths[name], self.ends[name]
            if run is None:
                path.set_data([], [])
                end.set_data([], [])
                path.set_label(f"_{name}")
                if self.ax_loss is not None:
                    self.curves[name].set_data([], [])
                continue
            n = steps_to_tolerance(run, course.tol, objective.min_value, course.window)
            results[name] = n
            pts = plotting.clip_path(run.xs, objective.xlim, objective.ylim)
            path.set_data(pts[:, 0], pts[:, 1])
            end.set_data(pts[-1:, 0], pts[-1:, 1])
            path.set_label(f"{name}: {describe_result(run, n)}")
            if self.ax_loss is not None:
                gap = np.maximum(run.losses - objective.min_value, 1e-16)
                steps = np.arange(len(gap))
                if course.window > 1 and len(gap) >= course.window:  # what the tolerance is checked on
                    gap = np.convolve(gap, np.ones(course.window) / course.window, mode="valid")
                    steps = steps[course.window - 1:]
                self.curves[name].set_data(steps, np.where(np.isfinite(gap), gap, np.nan))
        first = next(iter(runs.values()), None)
        if first is not None:
            self.start.set_data([first.xs[0, 0]], [first.xs[0, 1]])
        if self.ax_loss is not None:
            steps = max((run.steps for run in runs.values()), default=1)
            self.ax_loss.set_xlim(0, max(steps, 1))
            self.ax_loss.set_ylim(1e-12 if course.window == 1 else 1e-4, 1e2)
            self.tol_line.set_ydata([course.tol, course.tol])
            averaged = f" ({course.window}-step average)" if course.window > 1 else ""
            self.ax_loss.set_title(f"loss{averaged}; dotted: tolerance", fontsize=8)
        return results


class RaceExplorer(FastExplorer, Explorer):
    """Choose racers, learning rates, momentum, Adam's betas, landscape and start; watch the race.

    ``lr`` is the learning rate of GD, momentum and Nesterov; ``adaptive_lr``
    that of AdaGrad, RMSprop and Adam (AdaDelta keeps its own lr = 1). The
    button "best settings" sets the heavy-ball optimum of the bowl (the
    momentum racer's ``lr`` and ``momentum``). Runs are cached, so moving one
    slider recomputes only the racers it affects.
    """

    def __init__(self, name: str = "ill-conditioned bowl", racers=("GD", "momentum", "Adam"),
                 lr: float | None = None, adaptive_lr: float | None = None, momentum: float = 0.9,
                 beta1: float = 0.9, beta2: float = 0.999, start=None, steps: int = 300):
        course = LANDSCAPES[check_choice(name, "landscape", tuple(LANDSCAPES))]
        objective = landscape_objective(name)
        start = course.start if start is None else start
        self._cache: dict = {}
        self.controls = {
            "name": widgets.Dropdown(options=list(LANDSCAPES), value=name, description="landscape"),
            "racers": widgets.SelectMultiple(options=list(RACERS), value=tuple(racers), rows=7,
                                             description="racers"),
            "lr": widgets.FloatLogSlider(value=course.lr if lr is None else lr, base=10, min=-4, max=0,
                                         step=0.01, description="lr", readout_format=".4f"),
            "adaptive_lr": widgets.FloatLogSlider(value=course.adaptive_lr if adaptive_lr is None else adaptive_lr,
                                                  base=10, min=-3, max=0.5, step=0.01,
                                                  description="adaptive lr", readout_format=".4f"),
            "momentum": widgets.FloatSlider(value=momentum, min=0.0, max=0.99, step=0.01, description="momentum"),
            "beta1": widgets.FloatSlider(value=beta1, min=0.0, max=0.99, step=0.01, description="Adam β₁"),
            "beta2": widgets.SelectionSlider(options=[0.9, 0.99, 0.999, 0.9999], value=beta2,
                                             description="Adam β₂"),
            "x0": widgets.FloatSlider(value=start[0], min=objective.xlim[0], max=objective.xlim[1], step=0.01,
                                      description="start θ₁"),
            "y0": widgets.FloatSlider(value=start[1], min=objective.ylim[0], max=objective.ylim[1], step=0.001,
                                      description="start θ₂", readout_format=".3f"),
            "steps": widgets.IntSlider(value=steps, min=10, max=1000, step=10, description="steps"),
        }
        self.best_button = widgets.Button(description="best settings",
                                          tooltip="heavy-ball optimum: lr = 4/(√λmax+√λmin)², momentum = ((√κ−1)/(√κ+1))²")
        self.best_button.on_click(self.set_best_settings)
        self.fig = new_figure(figsize=(9.0, 3.8))
        ax_map, ax_loss = self.fig.subplots(1, 2)
        self.drawing = d = _RaceDrawing(ax_map, ax_loss)
        dynamic = [*d.paths.values(), *d.ends.values(), *d.curves.values(), d.start, ax_map.title]
        self.blitter = Blitter(self.fig, dynamic)
        self._static = None  # the settings the cached background was drawn for
        self._build_ui()
        self.widget.children = (self.widget.children[0], self.best_button) + self.widget.children[1:]
        self._switch_landscape(name, move=False)

    def _switch_landscape(self, name: str, move: bool = True) -> None:
        """A new course: move the start sliders into its window and take its learning rates."""
        course, objective = LANDSCAPES[name], landscape_objective(name)
        if move:
            self._set_slider("x0", *objective.xlim, course.start[0])
            self._set_slider("y0", *objective.ylim, course.start[1])
            self._set_quietly("lr", course.lr)
            self._set_quietly("adaptive_lr", course.adaptive_lr)
        self.best_button.disabled = not isinstance(objective, objectives.Quadratic)

    def set_best_settings(self, _button=None) -> None:
        """Jump to the heavy-ball optimum (quadratic landscapes only) and race GD against it."""
        objective = landscape_objective(self.controls["name"].value)
        if not isinstance(objective, objectives.Quadratic):
            return
        lr, momentum = heavy_ball_settings(objective)
        racers = tuple(dict.fromkeys(self.controls["racers"].value + ("momentum",)))
        self.update(lr=lr, momentum=round(momentum, 2), racers=racers)

    def _runs(self, name, racers, lr, adaptive_lr, momentum, beta1, beta2, x0, y0, steps) -> dict:
        runs = {}
        for racer in racers:
            rate = 1.0 if racer == "AdaDelta" else adaptive_lr if racer in ADAPTIVE else lr
            key = (name, racer, rate, momentum if racer in ("momentum", "Nesterov") else None,
                   (beta1, beta2) if racer == "Adam" else None, x0, y0, steps)
            if key not in self._cache:
                if len(self._cache) > 256:
                    self._cache.clear()
                self._cache[key] = _run(name, racer, rate, momentum, (beta1, beta2), (x0, y0), steps)
            runs[racer] = self._cache[key]
        return runs

    def _draw(self, name, racers, lr, adaptive_lr, momentum, beta1, beta2, x0, y0, steps) -> str:
        if self._static != (name, steps):
            self.blitter.invalidate()
            self._static = (name, steps)
        runs = self._runs(name, racers, lr, adaptive_lr, momentum, beta1, beta2, x0, y0, steps)
        results = self.drawing.draw(name, runs)
        self.drawing.ax_loss.set_xlim(0, steps)
        self.last_runs, self.last_results = runs, results
        self.drawing.ax_map.set_title(landscape_objective(name).name, fontsize=10)
        if not runs:
            return "Choose at least one racer (ctrl/cmd-click to select several)."
        tol = LANDSCAPES[name].tol
        lines = [f'<span style="color:{COLORS[racer]}">&#9632;</span> {racer}: '
                 f"{describe_result(runs[racer], results[racer])}" for racer in runs]
        done = {racer: n for racer, n in results.items() if n is not None}
        if not done:
            verdict = f"No racer got within {tol:g} of the minimum loss (and stayed) in {steps} steps."
        else:
            winner = min(done, key=done.get)
            verdict = (f"Winner: <b>{winner}</b>, within {tol:g} of the minimum loss (and staying there) "
                       f"after <b>{done[winner]}</b> steps.")
        return verdict + "<br>" + " &nbsp; ".join(lines)


def plot_runs(objective, runs: dict, tol: float = 1e-8, title: str | None = None, window: int = 1):
    """Paths on the contour plot (left) and loss-gap curves (right) of ``runs`` (``{label: Run}``).

    The legend gives each run's steps to tolerance (:func:`steps_to_tolerance`).
    Returns ``fig, results`` with ``results[label]`` those steps (``None``: not reached).
    """
    import matplotlib.pyplot as plt

    fig, (ax_map, ax_loss) = plt.subplots(1, 2, figsize=(9.0, 3.5))
    lines = plotting.contour(ax_map, objective, num=120, levels=9, title=title or objective.name,
                             filled=False, cmap=CONTOUR_GREYS)
    lines.set_antialiased(False)
    results = {}
    for i, (label, run) in enumerate(runs.items()):
        color = PALETTE[(i + 1) % len(PALETTE)] if i else PALETTE[6]
        n = steps_to_tolerance(run, tol, objective.min_value, window)
        results[label] = n
        pts = plotting.clip_path(run.xs, objective.xlim, objective.ylim)
        ax_map.plot(pts[:, 0], pts[:, 1], "-", color=color, lw=1.2, zorder=5, label=label)
        gap = np.maximum(np.asarray(run.losses) - objective.min_value, 1e-16)
        ax_loss.semilogy(np.where(np.isfinite(gap), gap, np.nan), color=color,
                         label=f"{label}: {describe_result(run, n)}")
    ax_map.plot(*runs[next(iter(runs))].xs[0], "o", markersize=9, markerfacecolor="none",
                markeredgecolor="black", markeredgewidth=1.5, zorder=6)
    ax_loss.axhline(tol, color="gray", ls=":", lw=1)
    ax_loss.set_xlabel("step")
    ax_loss.set_ylabel("loss − minimum loss")
    ax_loss.set_title(f"loss curves (dotted: tolerance {tol:g})")
    ax_loss.legend(fontsize=9)
    return fig, results


def race_snapshot(runs: dict | None = None, landscapes=("ill-conditioned bowl", "Rosenbrock", "saddle", "noisy bowl"),
                  racers=("GD", "momentum", "Nesterov", "AdaGrad", "RMSprop", "Adam"), loss_curves: bool = True):
    """The static race: per landscape a contour panel with every racer's path and (below) their loss curves.

    ``runs[landscape][racer]`` are runs from :func:`race` (computed with the
    tuned learning rates when not given). Returns ``fig, results`` with
    ``results[landscape][racer]`` the steps to tolerance (``None``: not reached).
    """
    import matplotlib.pyplot as plt

    runs = runs or {}
    rows = 2 if loss_curves else 1
    fig, axes = plt.subplots(rows, len(landscapes), figsize=(3.1 * len(landscapes), 3.15 * rows + 0.4),
                             squeeze=False)
    results = {}
    for column, landscape in enumerate(landscapes):
        ax_map = axes[0, column]
        ax_loss = axes[1, column] if loss_curves else None
        these = runs.get(landscape) or race(landscape, racers)
        drawing = _RaceDrawing(ax_map, ax_loss)
        results[landscape] = drawing.draw(landscape, {name: these[name] for name in racers})
        ax_map.set_title(landscape_objective(landscape).name.replace(" (", "\n(").replace(", ", ",\n"), fontsize=9)
        if ax_loss is not None and column:
            ax_loss.set_ylabel("")
    handles = [drawing.paths[name] for name in racers]
    fig.legend(handles, racers, loc="outside lower center", ncols=len(racers), fontsize=9)
    return fig, results


def momentum_snapshot(momenta=(0.0, 0.3, 0.9), lr: float = 0.0392, steps: int = 300):
    """The explorer's static stand-in: the momentum racer on the bowl for a few momenta, then the
    heavy-ball optimum ("best settings"). Returns ``fig, results`` (steps to tolerance per panel)."""
    import matplotlib.pyplot as plt

    landscape = "ill-conditioned bowl"
    course, objective = LANDSCAPES[landscape], landscape_objective(landscape)
    best_lr, best_momentum = heavy_ball_settings(objective)
    settings = [(lr, m) for m in momenta] + [(best_lr, best_momentum)]
    fig, axes = plt.subplots(1, len(settings), figsize=(2.9 * len(settings), 3.3), sharey=True)
    results = {}
    for i, (ax, (rate, m)) in enumerate(zip(axes, settings)):
        run = _run(landscape, "momentum", rate, m, (0.9, 0.999), course.start, steps)
        n = _RaceDrawing(ax).draw(landscape, {"momentum": run})["momentum"]
        label = "best settings" if i == len(momenta) else f"momentum {m:g}"
        results[label] = n
        ax.set_title(f"{label}: lr {rate:.4g}, β {m:.2f}\n{describe_result(run, n)}", fontsize=9)
        if i:
            ax.set_ylabel("")
    fig.suptitle(f"heavy-ball momentum on the {objective.name}, {steps}-step budget")
    return fig, results
