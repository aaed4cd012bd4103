r"""The named 2-D landscapes, their presets, and what the gradient at a point says.

:func:`landscape` is the one registry of the book's test landscapes: those
of :func:`gdcore.objectives.landscapes` (chapters 2 and 3) and chapter 5's
race courses, the ill-conditioned bowl (condition number 50) and the same
bowl with noisy gradients (:class:`NoisyGradient`). Each is built once per
process. :data:`POINT_PRESETS` and :data:`DESCENT_PRESETS` are the points,
starts and learning rates with which chapter 2's and chapter 3's explorers
open a landscape; :func:`classify` and :func:`directional_slopes` are the
numbers chapter 2's explorer shows.
"""

from __future__ import annotations

import numpy as np

from .. import objectives
from .._validation import check_choice, check_positive, describe

__all__ = ["NoisyGradient", "landscape", "LANDSCAPE_NAMES", "POINT_PRESETS", "DESCENT_PRESETS", "FLAT",
           "classify", "directional_slopes"]


class NoisyGradient:
    r"""An objective whose gradient arrives with Gaussian noise: :math:`\nabla L(\theta) + s_g\,\xi`.

    The loss is the true one; only ``grad`` is noisy, as in stochastic
    gradient descent, where a mini-batch gives an unbiased but noisy estimate
    of the full gradient. :math:`\xi \sim \mathcal N(0, I)` comes from a
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
        self.name = name or f"{objective.name} with noisy gradients (s_g = {self.noise:g})"
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


def _ill_conditioned_bowl() -> objectives.Quadratic:
    return objectives.Quadratic.from_eigenvalues([1.0, 50.0], angle=30.0,
                                                 name="ill-conditioned bowl (condition number 50)")


def _race_courses() -> dict:
    return {
        "ill-conditioned bowl": _ill_conditioned_bowl(),
        "noisy bowl": NoisyGradient(_ill_conditioned_bowl(), noise=0.5, seed=0,
                                    name="ill-conditioned bowl, noisy gradients (s_g = 0.5)"),
    }


_CACHE: dict = {}

#: Every landscape :func:`landscape` knows, by name.
LANDSCAPE_NAMES = ("bowl", "elongated bowl", "line fit", "Rosenbrock", "Himmelblau", "Beale", "saddle",
                   "ill-conditioned bowl", "noisy bowl")


def landscape(name: str):
    """The named landscape (one of :data:`LANDSCAPE_NAMES`), built once per process."""
    check_choice(name, "landscape", LANDSCAPE_NAMES)
    if not _CACHE:
        _CACHE.update(objectives.landscapes())
        _CACHE.update(_race_courses())
    return _CACHE[name]


#: Chapter 2's explorer: the point it shows first on each landscape.
POINT_PRESETS = {
    "line fit": (0.5, 3.0),
    "bowl": (-2.0, 1.5),
    "elongated bowl": (-2.0, 1.5),
    "Himmelblau": (1.0, 1.0),
    "Rosenbrock": (-1.0, 2.0),
    "saddle": (0.8, 0.4),
}

#: Chapter 3's explorer: per landscape, a start point and a learning rate that show something.
DESCENT_PRESETS = {
    "bowl": ((-2.5, 2.0), 0.1),
    "elongated bowl": ((-2.5, 2.0), 0.05),
    "line fit": ((-0.5, 4.5), 0.05),
    "Rosenbrock": ((-1.5, 2.5), 0.001),
    "Himmelblau": ((0.0, 0.0), 0.01),
    "Beale": ((1.0, 1.5), 0.01),
    "saddle": ((1.2, 0.01), 0.1),
}

#: Below this gradient norm chapter 2's explorer calls a point "nearly flat" and says what kind it is.
FLAT = 2.0


def directional_slopes(objective, point, angles_deg, h: float = 1e-5):
    """Finite-difference slopes of ``objective`` at ``point`` in the directions ``angles_deg``."""
    t = np.deg2rad(np.asarray(angles_deg, dtype=float))
    u = np.stack([np.cos(t), np.sin(t)], axis=-1)
    p = np.asarray(point, dtype=float)
    return (objective(p + h * u) - objective(p - h * u)) / (2 * h)


def classify(objective, point) -> str:
    """'minimum', 'maximum' or 'saddle point', from the signs of the Hessian's eigenvalues."""
    low, high = np.linalg.eigvalsh(objective.hessian(np.asarray(point, dtype=float)))
    if low > 0:
        return "minimum"
    if high < 0:
        return "maximum"
    return "saddle point"
