r"""The descent loops, and the record each one leaves of its run.

:func:`descend` minimizes an objective of a few parameters (a landscape from
:mod:`gdcore.objectives`) from a start point, step by step,

.. math::
    \theta_{k+1} = \theta_k - \alpha \nabla L(\theta_k)

(or whatever update the optimizer makes), and stops for one of four reasons:

* ``"converged"``: the gradient norm fell to ``tol`` or below;
* ``"no_improvement"``: the loss has not beaten its best value for
  ``patience`` steps in a row;
* ``"max_steps"``: the step budget ``steps`` is spent;
* ``"diverged"``: the loss blew up (see :func:`is_diverging`).

Divergence is reported in words, in the record, never as a numpy overflow
warning: every loop here evaluates the loss inside :func:`quiet_overflow`
and checks it with :func:`is_diverging`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ._validation import as_finite_array, check_callable, check_int, check_positive, describe
from .optimizers import SGD, Optimizer

STOP_REASONS = ("max_steps", "converged", "no_improvement", "diverged")

#: A loss counts as exploding once it exceeds this many times its starting size.
DIVERGENCE_FACTOR = 1e6


# -- divergence: shared by every loop in this module ------------------------------------

def quiet_overflow():
    """A context in which overflow gives ``inf``/``nan`` silently (we report it in words)."""
    return np.errstate(over="ignore", invalid="ignore", divide="ignore")


def divergence_threshold(initial_loss: float) -> float:
    r"""The size a loss must exceed to count as exploding: :math:`10^6 \max(|L_0|, 1)`.

    Relative to the starting loss, so that a loss measured in large units is
    not mistaken for divergence; at least :math:`10^6`, so that a start
    that happens to be at loss 0 does not make every later step "diverge".
    A run that is converging never comes near it: its loss stays below
    :math:`L_0` most of the time, while a diverging one grows geometrically
    and passes the threshold a few steps after it starts to grow.
    """
    return DIVERGENCE_FACTOR * max(abs(float(initial_loss)), 1.0)


def is_diverging(loss: float, initial_loss: float) -> bool:
    """Whether ``loss`` is non-finite (overflow, NaN) or beyond :func:`divergence_threshold`."""
    return not np.isfinite(loss) or abs(loss) > divergence_threshold(initial_loss)


# -- the record of a run ------------------------------------------------------------------

@dataclass
class Run:
    """What :func:`descend` leaves behind.

    ``xs[k]`` is the point after ``k`` updates (``xs[0]`` is the start), with
    loss ``losses[k]`` and gradient norm ``grad_norms[k]``; there are
    ``steps + 1`` of each. ``lrs[k]`` is the learning rate of update ``k + 1``.
    """

    xs: np.ndarray
    losses: np.ndarray
    grad_norms: np.ndarray
    stop_reason: str
    lrs: np.ndarray = field(default_factory=lambda: np.empty(0))
    tol: float = 0.0
    patience: int | None = None

    @property
    def steps(self) -> int:
        """The number of updates made."""
        return len(self.xs) - 1

    @property
    def x(self) -> np.ndarray:
        """The last point."""
        return self.xs[-1]

    @property
    def loss(self) -> float:
        """The loss at the last point."""
        return float(self.losses[-1])

    @property
    def converged(self) -> bool:
        return self.stop_reason == "converged"

    @property
    def diverged(self) -> bool:
        return self.stop_reason == "diverged"

    def reason(self) -> str:
        """Why the run stopped, in words."""
        n = self.steps
        if self.stop_reason == "converged":
            return f"converged: gradient norm {self.grad_norms[-1]:.3g} <= tol = {self.tol:g} after {n} steps"
        if self.stop_reason == "no_improvement":
            return f"stopped: no improvement on the best loss for {self.patience} steps (after {n} steps)"
        if self.stop_reason == "diverged":
            size = "not a finite number" if not np.isfinite(self.losses[-1]) else f"{self.losses[-1]:.3g}"
            return (f"diverged: at step {n} the loss was {size}, beyond "
                    f"{DIVERGENCE_FACTOR:.0e} times the starting loss")
        return f"stopped: the budget of {n} steps is spent (gradient norm still {self.grad_norms[-1]:.3g})"

    def __repr__(self) -> str:
        return f"Run({self.steps} steps, final loss {self.loss:.4g}; {self.reason()})"


# -- the loop for landscapes ---------------------------------------------------------------

def descend(objective, x0, optimizer_or_lr, steps: int = 1000, tol: float = 1e-6,
            patience: int | None = None, scheduler=None) -> Run:
    r"""Minimize ``objective`` from ``x0``; returns the :class:`Run`.

    * ``optimizer_or_lr``: an optimizer from :mod:`gdcore.optimizers`, or a
      learning rate, which means plain gradient descent ``optimizers.SGD(lr)``.
      The optimizer is :meth:`~gdcore.optimizers.Optimizer.reset` first, so a
      run never inherits the state of a previous one.
    * ``steps``: the most updates to make (the budget).
    * ``tol``: stop as converged once :math:`\|\nabla L(\theta_k)\| \le` ``tol``
      (``tol=0`` turns this rule off).
    * ``patience``: stop once the loss has not gone below its best value so
      far for ``patience`` consecutive steps (``None``, the default, turns this off).
    * ``scheduler``: a learning-rate schedule wrapping the optimizer; its
      ``step()`` is called after every update.

    The rules are checked at every visited point in this order: diverged,
    converged, no improvement, budget spent.

    >>> from gdcore.objectives import Quadratic
    >>> run = descend(Quadratic([[2.0, 0.0], [0.0, 2.0]]), [1.0, 1.0], 0.25)
    >>> run.stop_reason, run.steps
    ('converged', 22)
    """
    check_callable(objective, "objective")
    if not callable(getattr(objective, "grad", None)):
        raise TypeError(f"objective must have a .grad method (an objective from gdcore.objectives); "
                        f"got {describe(objective)}.")
    x = as_finite_array(x0, "x0", ndim=1)
    dim = getattr(objective, "dim", x.size)
    if x.shape != (dim,):
        raise ValueError(f"x0 must be a point of shape ({dim},) for {getattr(objective, 'name', 'this objective')}; "
                         f"got shape {x.shape}.")
    optimizer = _as_optimizer(optimizer_or_lr)
    steps = check_int(steps, "steps", minimum=1)
    tol = check_positive(tol, "tol", allow_zero=True)
    if patience is not None:
        patience = check_int(patience, "patience", minimum=1)
    if scheduler is not None and not callable(getattr(scheduler, "step", None)):
        raise TypeError(f"scheduler must have a .step() method; got {describe(scheduler)}.")

    optimizer.reset()
    xs, losses, grad_norms, lrs = [], [], [], []
    best, since_best = np.inf, 0
    with quiet_overflow():
        while True:
            loss = float(objective(x))
            g = np.asarray(objective.grad(x), dtype=float)
            g_norm = float(np.sqrt(g @ g))
            xs.append(x)
            losses.append(loss)
            grad_norms.append(g_norm)
            k = len(xs) - 1
            if is_diverging(loss, losses[0]) or not np.isfinite(g_norm):
                reason = "diverged"
                break
            if g_norm <= tol:
                reason = "converged"
                break
            if loss < best:
                best, since_best = loss, 0
            else:
                since_best += 1
                if patience is not None and since_best >= patience:
                    reason = "no_improvement"
                    break
            if k == steps:
                reason = "max_steps"
                break
            lrs.append(optimizer.lr)
            x = optimizer.step(x, g)
            if scheduler is not None:
                scheduler.step()
    return Run(np.array(xs), np.array(losses), np.array(grad_norms), reason,
               lrs=np.array(lrs, dtype=float), tol=tol, patience=patience)


def _as_optimizer(optimizer_or_lr) -> Optimizer:
    if isinstance(optimizer_or_lr, Optimizer):
        return optimizer_or_lr
    if callable(getattr(optimizer_or_lr, "step", None)) and hasattr(optimizer_or_lr, "lr"):
        return optimizer_or_lr  # an optimizer written elsewhere, with the same interface
    try:
        return SGD(lr=check_positive(optimizer_or_lr, "lr"))
    except TypeError:
        raise TypeError("optimizer_or_lr must be an optimizer (e.g. optimizers.SGD(lr=0.1)) or a "
                        f"learning rate (a positive number); got {describe(optimizer_or_lr)}.") from None
