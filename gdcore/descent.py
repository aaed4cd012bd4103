r"""The descent loops, and the record each one leaves of its run.

:func:`descend` minimizes an objective of a few parameters (a landscape from
:mod:`gdcore.objectives`) from a start point, step by step,

.. math::
    \theta_{t+1} = \theta_t - \alpha \nabla L(\theta_t)

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

import math
from dataclasses import dataclass, field

import numpy as np

from ._validation import as_finite_array, as_real, check_callable, check_int, check_positive, describe
from .objectives import Objective
from .optimizers import SGD, DivergedError, Optimizer, _norm, grad_norm

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
    and passes the threshold after about :math:`\ln 10^6 / \ln g` steps
    at a growth factor :math:`g` per step (10 steps at :math:`g = 4`, about
    350 at :math:`g = 1.04`).
    """
    return DIVERGENCE_FACTOR * max(abs(as_real(initial_loss, "initial_loss", finite=True)), 1.0)


def is_diverging(loss: float, initial_loss: float) -> bool:
    """Whether ``loss`` is non-finite (overflow, NaN) or beyond :func:`divergence_threshold`."""
    return _beyond(as_real(loss, "loss"), divergence_threshold(initial_loss))


def _beyond(loss: float, threshold: float) -> bool:
    """:func:`is_diverging` for a loop that has computed the threshold once, at its start."""
    return not math.isfinite(loss) or abs(loss) > threshold


def _has_unchecked_step(optimizer) -> bool:
    """Whether the loops may call ``optimizer._step``, the update without the checks of ``step``.

    True for a gdcore optimizer that keeps :meth:`~gdcore.optimizers.Optimizer.step`
    (whose ``_step`` still refuses a non-finite result, raising
    :class:`~gdcore.optimizers.DivergedError`); an optimizer written
    elsewhere, or one with its own ``step``, is always called through ``step``.
    """
    return isinstance(optimizer, Optimizer) and type(optimizer).step is Optimizer.step


def _is_clean(grad, params: np.ndarray) -> bool:
    """Whether ``grad`` is a float64 array of the shape of ``params`` (finiteness is checked apart)."""
    return type(grad) is np.ndarray and grad.dtype == np.float64 and grad.shape == params.shape


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
    * ``tol``: stop as converged once :math:`\|\nabla L(\theta_t)\| \le` ``tol``
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
    step = optimizer._step if _has_unchecked_step(optimizer) else optimizer.step
    evaluate = _objective_at(objective)
    xs, losses, grad_norms, lrs = [], [], [], []
    best, since_best, overflowed = np.inf, 0, False
    with quiet_overflow():
        while True:
            if overflowed:  # the last update overflowed: this point is not evaluated
                loss, g = math.inf, np.full_like(x, math.inf)
            else:
                loss, g = evaluate(x)
            if not xs:  # at x0: the start must be defined, and sets the divergence threshold of the run
                if not (math.isfinite(loss) and np.isfinite(g).all()):
                    raise ValueError(f"the loss and gradient at x0 must be finite numbers; got loss {loss!r} "
                                     f"and gradient {g.tolist()}. Start where the objective is defined.")
                threshold = divergence_threshold(loss)
            squared = g @ g
            g_norm = math.sqrt(squared) if math.isfinite(squared) else math.inf
            xs.append(x)
            losses.append(loss)
            grad_norms.append(g_norm)
            k = len(xs) - 1
            if _beyond(loss, threshold) or g_norm == math.inf:
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
            try:
                x = step(x, g)  # x and g are finite (checked above) and of one shape (_evaluate)
            except DivergedError as overflow:
                x, overflowed = overflow.params, True  # recorded next, where the run stops as diverged
            if scheduler is not None:
                scheduler.step()
    return Run(np.array(xs), np.array(losses), np.array(grad_norms), reason,
               lrs=np.array(lrs, dtype=float), tol=tol, patience=patience)


def _objective_at(objective):
    """The function ``x -> (loss, gradient)`` that :func:`descend` evaluates at its points.

    A gdcore objective that keeps the stock ``__call__`` and ``grad`` of
    :class:`~gdcore.objectives.Objective` is evaluated by its ``_loss_and_grad``,
    which does not check the point again (``descend`` checked ``x0``, and
    every later point is an optimizer's finite result of the same shape);
    any other objective through :func:`_evaluate`.
    """
    kind = type(objective)
    if isinstance(objective, Objective) and kind.__call__ is Objective.__call__ and kind.grad is Objective.grad:
        def evaluate(x):
            try:
                return objective._loss_and_grad(x)
            except OverflowError:  # a point so far out that the loss or gradient overflowed: diverged
                return math.inf, np.full_like(x, math.inf)
        return evaluate
    return lambda x: _evaluate(objective, x)


def _evaluate(objective, x: np.ndarray) -> tuple[float, np.ndarray]:
    """The loss (a real number) and the gradient (an array of the shape of ``x``) at ``x``.

    A point so far out that the objective overflows has loss and gradient inf.
    """
    try:
        loss = as_real(objective(x), "objective(x), the loss,")
        g = np.asarray(objective.grad(x), dtype=float)
    except OverflowError:  # a point so far out that the loss or gradient overflowed: diverged
        return math.inf, np.full_like(x, math.inf)
    except (TypeError, ValueError):
        g = None
        loss = as_real(objective(x), "objective(x), the loss,")
    if g is None or g.shape != x.shape:
        raise TypeError(f"objective.grad(x) must return numbers of the shape of x, {x.shape}; "
                        f"got {describe(objective.grad(x))}.")
    return loss, g


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


# -- the loop for models on data -------------------------------------------------------------

FIT_STOP_REASONS = ("max_epochs", "early_stopped", "diverged")

SCHEDULER_INTERVALS = ("epoch", "step")


@dataclass
class History:
    """What :func:`fit` leaves behind.

    * ``losses[k]``: the loss on the mini-batch of update ``k + 1``, measured
      just before that update (what a training log shows; noisy for small
      batches); ``samples_seen[k]`` counts the samples used up to and
      including that update.
    * ``epoch_losses[e]``: the loss on the whole training set after ``e``
      epochs (``epoch_losses[0]`` is at the start), and
      ``val_losses[e]`` the same on the validation set (empty without one).
    * ``params``: the fitted parameters; ``path`` (with ``record_path=True``)
      the parameters before the first and after every update, shape
      ``(n_updates + 1, n_params)``.
    * ``grad_norms[k]``: the norm of the mini-batch gradient of update
      ``k + 1``, before any clipping.
    * ``stop_reason``: ``"max_epochs"`` (all epochs done), ``"early_stopped"``
      (the validation loss had not improved for ``patience`` epochs) or
      ``"diverged"``.
    * ``best_epoch``: with early stopping (``patience``), the epoch of the
      lowest validation loss, whose parameters ``params`` are; else ``None``.
    """

    losses: np.ndarray
    samples_seen: np.ndarray
    epoch_losses: np.ndarray
    val_losses: np.ndarray
    params: np.ndarray
    stop_reason: str
    batch_size: int = 0
    n_samples: int = 0
    updates_per_epoch: int = 0
    lrs: np.ndarray = field(default_factory=lambda: np.empty(0))
    path: np.ndarray | None = None
    grad_norms: np.ndarray = field(default_factory=lambda: np.empty(0))
    best_epoch: int | None = None
    patience: int | None = None

    @property
    def n_updates(self) -> int:
        """The number of updates made."""
        return len(self.losses)

    @property
    def epochs(self) -> int:
        """The number of epochs completed."""
        return len(self.epoch_losses) - 1

    @property
    def loss(self) -> float:
        """The training loss after the last completed epoch."""
        return float(self.epoch_losses[-1])

    @property
    def val_loss(self) -> float | None:
        return float(self.val_losses[-1]) if len(self.val_losses) else None

    @property
    def diverged(self) -> bool:
        return self.stop_reason == "diverged"

    def path_losses(self, model, X, y, updates=None) -> np.ndarray:
        """The loss on ``(X, y)`` after each of the given numbers of ``updates`` (default: all).

        Needs a run with ``record_path=True``. ``updates`` are integers from
        0 (the start) to ``n_updates``; the matching numbers of samples seen
        are ``np.append(0, history.samples_seen)[updates]``.
        """
        if self.path is None:
            raise ValueError("this run kept no path: call fit(..., record_path=True).")
        X, y = model.check_data(X, y)
        updates = np.arange(len(self.path)) if updates is None else np.asarray(updates, dtype=int)
        if updates.size and (updates.min() < 0 or updates.max() >= len(self.path)):
            raise ValueError(f"updates must lie between 0 and {len(self.path) - 1}; "
                             f"got {updates.min()} to {updates.max()}.")
        with quiet_overflow():
            return np.array([model._loss(self.path[k], X, y) for k in updates], dtype=float)

    def reason(self) -> str:
        """Why the run stopped, in words."""
        if self.stop_reason == "diverged":
            last = self.losses[-1] if len(self.losses) else self.epoch_losses[-1]
            size = "not a finite number" if not np.isfinite(last) else f"{last:.3g}"
            return (f"diverged: at update {self.n_updates} (epoch {self.epochs + 1}) the loss was {size}, "
                    f"beyond {DIVERGENCE_FACTOR:.0e} times the starting loss; try a smaller learning rate")
        epochs = f"{self.epochs} epoch{'s' if self.epochs != 1 else ''}"
        updates = f"{self.updates_per_epoch} update{'s' if self.updates_per_epoch != 1 else ''}"
        if self.stop_reason == "early_stopped":
            return (f"stopped early: no lower validation loss for {self.patience} epochs after {epochs} "
                    f"of {updates} each; kept the parameters of epoch {self.best_epoch}")
        return f"finished: {epochs} of {updates} each"

    def __repr__(self) -> str:
        return (f"History({self.n_updates} updates of batch size {self.batch_size}, training loss "
                f"{self.loss:.4g}; {self.reason()})")


def fit(model, X, y, optimizer, epochs: int = 10, batch_size: int | None = 32, seed=0,
        validation=None, scheduler=None, *, params=None, shuffle=True,
        record_path: bool = False, clip_grad_norm: float | None = None, patience: int | None = None,
        scheduler_interval: str = "epoch") -> History:
    r"""Train ``model`` on ``(X, y)`` by (mini-)batch gradient descent; returns the :class:`History`.

    One epoch is one pass over the training set in batches
    :math:`B_1, B_2, \dots` (see :func:`gdcore.data.batches`), with one
    update per batch:

    .. math::
        \theta \leftarrow \theta - \alpha\, \nabla_\theta \frac{1}{|B|} \sum_{i \in B} \ell(\theta; x_i, y_i)

    (or whatever update the optimizer makes).

    * ``optimizer``: an optimizer from :mod:`gdcore.optimizers` (reset
      first) or a learning rate, meaning ``optimizers.SGD(lr)``.
    * ``batch_size``: ``None`` for the full batch (batch gradient descent),
      ``1`` for stochastic gradient descent, else a mini-batch size.
    * ``seed``: an int or a numpy Generator; it draws the shuffling order and,
      unless ``params`` (the starting point) is given, ``model.init_params``.
    * ``validation``: an optional pair ``(X_val, y_val)``, scored every epoch.
    * ``scheduler``: its ``step(epoch_loss)`` is called after every epoch,
      with the validation loss if there is a validation set, else the
      training loss; with ``scheduler_interval="step"``, its ``step()`` is
      called after every update instead (a warm-up counted in updates).
    * ``clip_grad_norm``: if given, every mini-batch gradient longer than
      this is scaled down to this norm before the update
      (:func:`gdcore.optimizers.clip_grad_norm`).
    * ``patience``: early stopping. Needs ``validation``; the run stops once
      the validation loss has not gone below its best value for ``patience``
      epochs in a row, and returns the parameters of the best epoch
      (``history.best_epoch``), like Keras' ``EarlyStopping(patience=...,
      restore_best_weights=True)``.
    * ``shuffle``: ``True`` draws a fresh order every epoch, ``"once"`` one
      order for all epochs, ``False`` keeps the stored order.

    A run whose loss explodes (see :func:`is_diverging`) stops at once with
    ``stop_reason="diverged"`` and says so in ``history.reason()``.
    """
    from .data import as_generator, batches, n_batches
    from .models import Model

    if not isinstance(model, Model):
        raise TypeError(f"model must be a gdcore model (e.g. models.LinearRegression(n_features)); "
                        f"got {describe(model)}.")
    X, y = model.check_data(X, y)
    optimizer = _as_optimizer(optimizer)
    epochs = check_int(epochs, "epochs", minimum=1, maximum=10**6)
    n = len(X)
    updates_per_epoch = n_batches(n, batch_size)  # also checks batch_size
    size = n if batch_size is None else batch_size
    if not (isinstance(shuffle, (bool, np.bool_)) or (isinstance(shuffle, str) and shuffle == "once")):
        raise ValueError(f"shuffle must be True, False or 'once'; got {shuffle!r}.")
    rng = as_generator(seed)
    if validation is not None:
        if not isinstance(validation, (tuple, list)) or len(validation) != 2:
            raise TypeError(f"validation must be a pair (X_val, y_val); got {describe(validation)}.")
        X_val, y_val = model.check_data(*validation)
    if scheduler is not None and not callable(getattr(scheduler, "step", None)):
        raise TypeError(f"scheduler must have a .step() method; got {describe(scheduler)}.")
    if clip_grad_norm is not None:
        clip_grad_norm = check_positive(clip_grad_norm, "clip_grad_norm")
    if patience is not None:
        patience = check_int(patience, "patience", minimum=1)
        if validation is None:
            raise ValueError("early stopping (patience) watches the validation loss: pass validation=(X_val, y_val).")
    if scheduler_interval not in SCHEDULER_INTERVALS:
        raise ValueError(f"scheduler_interval must be one of {SCHEDULER_INTERVALS}; got {scheduler_interval!r}.")
    params = model.init_params(rng) if params is None else model.check_params(params).copy()

    optimizer.reset()
    unchecked = _has_unchecked_step(optimizer)
    losses, seen, lrs, path, grad_norms = [], [], [], [params], []
    with quiet_overflow():
        epoch_losses = [float(model._loss(params, X, y))]
        val_losses = [float(model._loss(params, X_val, y_val))] if validation is not None else []
    if not math.isfinite(epoch_losses[0]):
        raise ValueError(f"the loss at the start is {epoch_losses[0]!r}, not a finite number: the values of X "
                         f"are too large for float64 (largest |X| = {np.max(np.abs(X)):.3g}); standardize X first.")
    threshold = divergence_threshold(epoch_losses[0])
    fixed_order = rng.permutation(n) if shuffle == "once" else None
    best_epoch, best_params = (0, params) if patience is not None else (None, None)
    reason, samples = "max_epochs", 0
    with quiet_overflow():
        for _epoch in range(epochs):
            if fixed_order is not None:
                epoch_batches = batches(X[fixed_order], y[fixed_order], batch_size, shuffle=False)
            else:
                epoch_batches = batches(X, y, batch_size, shuffle=bool(shuffle), rng=rng)
            for X_batch, y_batch in epoch_batches:
                loss, grad = model._loss_and_grad(params, X_batch, y_batch)
                loss = float(loss)
                losses.append(loss)
                samples += len(y_batch)
                seen.append(samples)
                if _beyond(loss, threshold):
                    reason = "diverged"
                    break
                lrs.append(optimizer.lr)
                finite = bool(np.isfinite(grad).all())
                clean = _is_clean(grad, params)  # then checked here, once: no second check below
                g_norm = (_norm(grad) if clean else grad_norm(grad)) if finite else math.inf
                grad_norms.append(g_norm)
                if clip_grad_norm is not None and g_norm > clip_grad_norm:
                    grad = grad * (clip_grad_norm / g_norm)
                try:
                    if not finite:
                        new = None
                    elif unchecked and clean:
                        new = optimizer._step(params, grad)  # raises DivergedError on a non-finite result
                    else:
                        new = optimizer.step(params, grad)
                        if not np.isfinite(new).all():
                            new = None
                except DivergedError:
                    new = None
                if new is None:
                    losses[-1] = np.inf  # the next loss would not be a number
                    reason = "diverged"
                    break
                params = new
                if record_path:
                    path.append(params)
                if scheduler is not None and scheduler_interval == "step":
                    scheduler.step()
            if reason == "diverged":
                break
            epoch_loss = float(model._loss(params, X, y))
            if _beyond(epoch_loss, threshold):
                losses.append(epoch_loss)
                reason = "diverged"
                break
            epoch_losses.append(epoch_loss)
            if validation is not None:
                val_losses.append(float(model._loss(params, X_val, y_val)))
            if scheduler is not None and scheduler_interval == "epoch":
                scheduler.step(val_losses[-1] if validation is not None else epoch_loss)
            if patience is not None:
                if val_losses[-1] < val_losses[best_epoch]:
                    best_epoch, best_params = len(val_losses) - 1, params
                elif len(val_losses) - 1 - best_epoch >= patience:
                    reason = "early_stopped"
                    break
    if patience is not None and reason != "diverged":
        params = best_params
    return History(np.array(losses), np.array(seen, dtype=np.int64), np.array(epoch_losses),
                   np.array(val_losses), params, reason, batch_size=size, n_samples=n,
                   updates_per_epoch=updates_per_epoch, lrs=np.array(lrs, dtype=float),
                   path=np.array(path) if record_path else None,
                   grad_norms=np.array(grad_norms, dtype=float), best_epoch=best_epoch, patience=patience)
