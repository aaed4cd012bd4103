r"""Chapter 5's race of optimizers on hard landscapes.

:func:`race` runs several optimizers (:data:`RACERS`) from one start on one
race course (:data:`COURSES`) with :func:`gdcore.descent.descend` and
returns their runs; :func:`steps_to_tolerance` reads off when each one got
(and stayed) close to the minimum; :func:`tune_lr` finds the learning rates
stored with the courses; :func:`heavy_ball_settings` is the heavy-ball
optimum on a quadratic, and :func:`momentum_sweep` the steps the momentum
racer needs on the bowl for many momenta at once (exercise 5.3).

The courses: an ill-conditioned quadratic bowl (condition number 50),
Rosenbrock's valley, a saddle, and the same bowl with noisy gradients (the
stochastic case); their objectives come from
:func:`gdcore.experiments.landscapes.landscape`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from .. import optimizers
from .._validation import as_finite_array, check_choice, check_int, check_positive
from ..descent import descend
from .landscapes import landscape

__all__ = ["RACERS", "ADAPTIVE", "COURSES", "BOWL", "BOWL_LR", "Course", "make_optimizer", "heavy_ball_settings",
           "steps_to_tolerance", "race", "run_racer", "tune_lr", "describe_result", "momentum_sweep"]

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


def make_optimizer(name: str, lr: float, momentum: float = 0.9, betas=(0.9, 0.999)):
    """The optimizer of racer ``name`` (one of :data:`RACERS`)."""
    check_choice(name, "racer", tuple(RACERS))
    return RACERS[name](lr, momentum, betas)


#: The race's ill-conditioned bowl, and plain gradient descent's best learning rate on it,
#: :math:`2/(\lambda_{\max} + \lambda_{\min}) = 2/51`.
BOWL = "ill-conditioned bowl"
BOWL_LR = landscape(BOWL).best_lr


@dataclass
class Course:
    """A race course: the landscape's name, where to start, the tolerance, the budget and tuned lrs.

    ``tuned`` holds, per racer, the learning rate from the grid
    :math:`10^{-4}, 10^{-3.75}, \\dots, 10^{0.75}` with which it reached the
    tolerance, and stayed there, in the fewest steps (momentum 0.9 and
    Adam's default betas), found by :func:`tune_lr` (RMSprop and AdaDelta
    never keep the bowl's tolerance; they get lr 0.01 and 1; GD on the bowl
    gets its theoretical best, :data:`BOWL_LR`). ``lr`` and ``adaptive_lr``
    are the explorer's starting values for the plain and the adaptive
    racers. ``window`` > 1 averages the loss over that many steps before
    comparing it with ``tol`` (for noisy gradients).
    """

    start: tuple[float, float]
    tol: float
    steps: int
    lr: float
    adaptive_lr: float
    tuned: dict[str, float] = field(default_factory=dict)
    window: int = 1


#: The race courses, by landscape name.
COURSES: dict[str, Course] = {
    BOWL: Course(
        start=(-2.5, -1.0), tol=1e-8, steps=1000, lr=BOWL_LR, adaptive_lr=0.3,
        tuned={"GD": BOWL_LR, "momentum": 0.0178, "Nesterov": 0.0178, "AdaGrad": 1.0, "RMSprop": 0.01,
               "AdaDelta": 1.0, "Adam": 0.178}),
    "Rosenbrock": Course(
        start=(-1.2, 1.0), tol=1e-8, steps=3000, lr=0.002, adaptive_lr=0.1,
        tuned={"GD": 0.00178, "momentum": 0.00316, "Nesterov": 0.001, "AdaGrad": 1.78, "RMSprop": 0.00178,
               "AdaDelta": 0.1, "Adam": 0.0562}),
    "saddle": Course(
        start=(1.2, 0.001), tol=1e-8, steps=1000, lr=0.1, adaptive_lr=0.05,
        tuned={"GD": 0.562, "momentum": 0.178, "Nesterov": 0.562, "AdaGrad": 1.0, "RMSprop": 0.0316,
               "AdaDelta": 1.0, "Adam": 0.0316}),
    "noisy bowl": Course(
        start=(-2.5, -1.0), tol=1e-2, steps=1000, lr=0.01, adaptive_lr=0.1, window=20,
        tuned={"GD": 0.0178, "momentum": 0.00178, "Nesterov": 0.00178, "AdaGrad": 0.316, "RMSprop": 0.01,
               "AdaDelta": 3.16, "Adam": 0.0178}),
}


def heavy_ball_settings(quadratic) -> tuple[float, float]:
    r"""The heavy-ball optimum on a quadratic with curvatures :math:`\lambda_{\min} \le \lambda_{\max}` (Polyak 1964).

    .. math::
        \alpha^* = \frac{4}{(\sqrt{\lambda_{\max}} + \sqrt{\lambda_{\min}})^2}, \qquad
        \beta^* = \left(\frac{\sqrt\kappa - 1}{\sqrt\kappa + 1}\right)^2, \qquad
        \kappa = \lambda_{\max} / \lambda_{\min},

    with which the error shrinks like :math:`\left(\frac{\sqrt\kappa - 1}{\sqrt\kappa + 1}\right)^t`
    (times a factor growing like :math:`t`). Returns ``(lr, momentum)``.
    """
    lam_max, lam_min = quadratic.lambda_max, quadratic.lambda_min
    kappa = lam_max / lam_min
    lr = 4.0 / (np.sqrt(lam_max) + np.sqrt(lam_min)) ** 2
    momentum = ((np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1)) ** 2
    return float(lr), float(momentum)


def _arrival(losses, tol: float, min_value: float, window: int):
    """The first step after which the (averaged) gap ``losses - min_value`` stays ``<= tol``, or None."""
    gap = np.asarray(losses, dtype=float) - min_value
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
    return _arrival(run.losses, tol, min_value, window)


def run_racer(course: str, racer: str, lr: float, momentum: float = 0.9, betas=(0.9, 0.999), start=None,
              steps: int | None = None):
    """One racer's run on race course ``course`` (start and budget default to the course's)."""
    spec = COURSES[check_choice(course, "course", tuple(COURSES))]
    objective = landscape(course)
    if hasattr(objective, "reset"):
        objective.reset()  # the same noise for every racer
    optimizer = make_optimizer(racer, lr, momentum, betas)
    start = spec.start if start is None else start
    return descend(objective, start, optimizer, steps=spec.steps if steps is None else steps, tol=0.0)


def race(course: str, racers=tuple(RACERS), lrs=None, momentum: float = 0.9, betas=(0.9, 0.999),
         start=None, steps: int | None = None) -> dict:
    """Run every racer on race course ``course``; returns ``{racer: Run}``.

    ``lrs``: a dict of learning rates by racer (default: the course's tuned
    ones); ``momentum`` is used by "momentum" and "Nesterov", ``betas`` by
    "Adam"; ``start`` and ``steps`` default to the course's.
    """
    spec = COURSES[check_choice(course, "course", tuple(COURSES))]
    for name in racers:
        check_choice(name, "racer", tuple(RACERS))
    lrs = {**spec.tuned, **(lrs or {})}
    start = spec.start if start is None else tuple(as_finite_array(start, "start", ndim=1))
    return {name: run_racer(course, name, lrs[name], momentum, betas, start, steps) for name in racers}


def course_steps(course: str, run):
    """:func:`steps_to_tolerance` of ``run`` with the course's tolerance, minimum and window."""
    spec = COURSES[check_choice(course, "course", tuple(COURSES))]
    return steps_to_tolerance(run, spec.tol, landscape(course).min_value, spec.window)


def tune_lr(course: str, racer: str, grid=None, momentum: float = 0.9) -> float:
    """The learning rate from ``grid`` with which ``racer`` reaches and keeps the tolerance soonest.

    This is how :data:`COURSES`' ``tuned`` values were found (it takes a
    few seconds per racer, so the results are stored).
    """
    grid = np.round(10 ** np.arange(-4, 0.76, 0.25), 6) if grid is None else grid
    best = (np.inf, None)
    for lr in grid:
        n = course_steps(course, run_racer(course, racer, float(lr), momentum))
        if n is not None and n < best[0]:
            best = (n, float(lr))
    return best[1]


def describe_result(run, n) -> str:
    """A run's outcome for a legend or a verdict: ``"253 steps"``, ``"diverged at step 12"``, ..."""
    if run.diverged:
        return f"diverged at step {run.steps}"
    return f"{n} steps" if n is not None else "not within budget"


def momentum_sweep(momenta, lr: float = BOWL_LR) -> np.ndarray:
    """Steps to tolerance of the momentum racer on the bowl for each of ``momenta`` (``-1``: not reached).

    The same runs as :func:`race` on the bowl's course (one ``optimizers.SGD``
    per momentum, from the course's start, for its budget) and the same rule
    as :func:`course_steps`; the runs advance side by side, so that a grid
    of a hundred momenta takes a fraction of a second. Cached.
    """
    return np.array(_momentum_sweep(tuple(float(m) for m in np.ravel(momenta)), float(lr)))


@functools.lru_cache(maxsize=16)
def _momentum_sweep(momenta: tuple, lr: float) -> tuple:
    spec, bowl = COURSES[BOWL], landscape(BOWL)
    racers = [make_optimizer("momentum", lr, momentum) for momentum in momenta]
    thetas = np.tile(np.asarray(spec.start, dtype=float), (len(racers), 1))
    losses = [bowl(thetas)]
    for _ in range(spec.steps):
        grads = bowl.grad(thetas)
        thetas = np.stack([opt.step(theta, g) for opt, theta, g in zip(racers, thetas, grads)])
        losses.append(bowl(thetas))
    losses = np.array(losses)
    steps = [_arrival(losses[:, i], spec.tol, bowl.min_value, spec.window) for i in range(len(racers))]
    return tuple(-1 if n is None else n for n in steps)
