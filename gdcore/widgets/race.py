r"""Chapter 5's race of optimizers, drawn: the live explorer and its static stand-ins.

The race itself (racers, courses, tuned learning rates, steps to tolerance)
is :mod:`gdcore.experiments.race`; this module draws it.
:class:`RaceExplorer` is the live version (choose racers, learning rates,
momentum, betas, landscape and start; a button sets the heavy-ball optimum
on the quadratic), :func:`race_snapshot` draws the same figure for the
website, :func:`momentum_snapshot` the momentum racer for a few momenta and
:func:`plot_runs` any runs on a landscape.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.ticker import LogLocator, MaxNLocator, NullLocator

from .. import objectives, plotting
from .._validation import check_choice
from ..experiments.landscapes import landscape
from ..experiments.race import (ADAPTIVE, BOWL, BOWL_LR, COURSES, RACERS, course_steps, describe_result,
                                heavy_ball_settings, race, run_racer, steps_to_tolerance)
from ..plotting import PALETTE
from ._landscape import FastExplorer
from ._live import Blitter, Explorer, new_figure

__all__ = ["COLORS", "RaceExplorer", "race_snapshot", "momentum_snapshot", "plot_runs"]

#: Each racer's colour, in every figure of the race.
COLORS = dict(zip(RACERS, [PALETTE[6], PALETTE[0], PALETTE[5], PALETTE[2], PALETTE[3], PALETTE[4],
                           PALETTE[1]]))

#: Grey contour lines: the coloured paths stand out, and the PNGs stay small.
CONTOUR_GREYS = LinearSegmentedColormap.from_list("contour_greys", ["0.25", "0.7"])


class _RaceDrawing:
    """Contours with one path per racer, and the loss-gap curves: shared by explorer and snapshot."""

    def __init__(self, ax_map, ax_loss=None):
        self.ax_map, self.ax_loss = ax_map, ax_loss
        self.course = None
        self._contours: dict = {}  # course name -> its contour artists
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

    def _show_course(self, course: str) -> None:
        """Show the course's contours, drawn once per course, then hidden or shown."""
        if course == self.course:
            return
        for artist in self._contours.get(self.course, []):
            artist.set_visible(False)
        objective = landscape(course)
        labels = getattr(objective, "labels", (r"$\theta_1$", r"$\theta_2$"))
        self.ax_map.set(xlim=objective.xlim, ylim=objective.ylim, xlabel=labels[0], ylabel=labels[1])
        self.course = course
        if course in self._contours:
            for artist in self._contours[course]:
                artist.set_visible(True)
            return
        before = set(self.ax_map.collections) | set(self.ax_map.lines)
        lines = plotting.contour(self.ax_map, objective, num=100, levels=9, title="", filled=False,
                                 cmap=CONTOUR_GREYS)
        lines.set_antialiased(False)  # crisp 1-pixel lines compress far better in a PNG
        for axis in (self.ax_map.xaxis, self.ax_map.yaxis):  # few ticks: text is what costs
            axis.set_major_locator(MaxNLocator(4))
        self._contours[course] = [a for a in list(self.ax_map.collections) + list(self.ax_map.lines)
                                  if a not in before]

    def draw(self, name: str, runs: dict) -> dict:
        """Show ``runs`` (``{racer: Run}``) on race course ``name``; returns ``{racer: steps to tolerance}``."""
        self._show_course(name)
        course, objective = COURSES[name], landscape(name)
        results = {}
        for racer in RACERS:
            run = runs.get(racer)
            path, end = self.paths[racer], self.ends[racer]
            if run is None:
                path.set_data([], [])
                end.set_data([], [])
                path.set_label(f"_{racer}")
                if self.ax_loss is not None:
                    self.curves[racer].set_data([], [])
                continue
            n = course_steps(name, run)
            results[racer] = n
            pts = plotting.clip_path(run.xs, objective.xlim, objective.ylim)
            path.set_data(pts[:, 0], pts[:, 1])
            end.set_data(pts[-1:, 0], pts[-1:, 1])
            path.set_label(f"{racer}: {describe_result(run, n)}")
            if self.ax_loss is not None:
                gap = np.maximum(run.losses - objective.min_value, 1e-16)
                steps = np.arange(len(gap))
                if course.window > 1 and len(gap) >= course.window:  # what the tolerance is checked on
                    gap = np.convolve(gap, np.ones(course.window) / course.window, mode="valid")
                    steps = steps[course.window - 1:]
                self.curves[racer].set_data(steps, np.where(np.isfinite(gap), gap, np.nan))
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
        course = COURSES[check_choice(name, "landscape", tuple(COURSES))]
        objective = landscape(name)
        start = course.start if start is None else start
        self._cache: dict = {}
        self.controls = {
            "name": widgets.Dropdown(options=list(COURSES), value=name, description="landscape"),
            "racers": widgets.SelectMultiple(options=list(RACERS), value=tuple(racers), rows=7,
                                             description="racers"),
            "lr": widgets.FloatLogSlider(value=course.lr if lr is None else lr, base=10, min=-4, max=0,
                                         step=0.001, description="lr", readout_format=".4f"),
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
                                          tooltip="heavy-ball optimum: α* = 4/(√λmax+√λmin)², β* = ((√κ−1)/(√κ+1))²")
        self.best_button.on_click(self.set_best_settings)
        self.fig = new_figure(figsize=(9.0, 3.8))
        ax_map, ax_loss = self.fig.subplots(1, 2)
        self.drawing = d = _RaceDrawing(ax_map, ax_loss)
        dynamic = [*d.paths.values(), *d.ends.values(), *d.curves.values(), d.start, ax_map.title]
        self.blitter = Blitter(self.fig, dynamic, key=lambda: (self.controls["name"].value, ax_loss.get_xlim()))
        self._build_ui()
        self.widget.children = (self.widget.children[0], self.best_button) + self.widget.children[1:]
        self._switch_landscape(name, move=False)
        self._draw_every_landscape()

    def _switch_landscape(self, name: str, move: bool = True) -> None:
        """A new course: move the start sliders into its window and take its learning rates."""
        course, objective = COURSES[name], landscape(name)
        if move:
            self._set_slider("x0", *objective.xlim, course.start[0])
            self._set_slider("y0", *objective.ylim, course.start[1])
            self._set_quietly("lr", course.lr)
            self._set_quietly("adaptive_lr", course.adaptive_lr)
        self.best_button.disabled = not isinstance(objective, objectives.Quadratic)

    def set_best_settings(self, _button=None) -> None:
        """Jump to the heavy-ball optimum (quadratic landscapes only) and race GD against it."""
        objective = landscape(self.controls["name"].value)
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
                self._cache[key] = run_racer(name, racer, rate, momentum, (beta1, beta2), (x0, y0), steps)
            runs[racer] = self._cache[key]
        return runs

    def _draw(self, name, racers, lr, adaptive_lr, momentum, beta1, beta2, x0, y0, steps) -> str:
        runs = self._runs(name, racers, lr, adaptive_lr, momentum, beta1, beta2, x0, y0, steps)
        results = self.drawing.draw(name, runs)
        self.drawing.ax_loss.set_xlim(0, steps)
        self.last_runs, self.last_results = runs, results
        self.drawing.ax_map.set_title(landscape(name).name, fontsize=10)
        if not runs:
            return "Choose at least one racer (ctrl/cmd-click to select several)."
        tol = COURSES[name].tol
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

    The legend gives each run's steps to tolerance (:func:`gdcore.experiments.race.steps_to_tolerance`).
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


def race_snapshot(runs: dict | None = None, landscapes=(BOWL, "Rosenbrock", "saddle", "noisy bowl"),
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
    for column, name in enumerate(landscapes):
        ax_map = axes[0, column]
        ax_loss = axes[1, column] if loss_curves else None
        these = runs.get(name) or race(name, racers)
        drawing = _RaceDrawing(ax_map, ax_loss)
        results[name] = drawing.draw(name, {racer: these[racer] for racer in racers})
        ax_map.set_title(landscape(name).name.replace(" (", "\n(").replace(", ", ",\n"), fontsize=9)
        if ax_loss is not None and column:
            ax_loss.set_ylabel("")
    handles = [drawing.paths[name] for name in racers]
    fig.legend(handles, racers, loc="outside lower center", ncols=len(racers), fontsize=9)
    return fig, results


def momentum_snapshot(momenta=(0.0, 0.3, 0.9), lr: float = BOWL_LR, steps: int = 300):
    """The explorer's static stand-in: the momentum racer on the bowl for a few momenta (at ``lr``,
    by default plain gradient descent's best, 2/(λ_max + λ_min)), then the heavy-ball optimum
    ("best settings"). Returns ``fig, results`` (steps to tolerance per panel)."""
    import matplotlib.pyplot as plt

    objective = landscape(BOWL)
    best_lr, best_momentum = heavy_ball_settings(objective)
    settings = [(lr, m) for m in momenta] + [(best_lr, best_momentum)]
    fig, axes = plt.subplots(1, len(settings), figsize=(2.9 * len(settings), 3.3), sharey=True)
    results = {}
    for i, (ax, (rate, m)) in enumerate(zip(axes, settings)):
        run = run_racer(BOWL, "momentum", rate, m, steps=steps)
        n = _RaceDrawing(ax).draw(BOWL, {"momentum": run})["momentum"]
        label = "best settings" if i == len(momenta) else f"momentum {m:g}"
        results[label] = n
        ax.set_title(f"{label}: α = {rate:.4g}, β = {m:.2f}\n{describe_result(run, n)}", fontsize=9)
        if i:
            ax.set_ylabel("")
    fig.suptitle(f"heavy-ball momentum on the {objective.name}, {steps}-step budget")
    return fig, results
