r"""Chapter 9's last section, "beyond one machine": data-parallel and asynchronous SGD, simulated.

Nothing here is a distributed system. Every function runs in one process
with numpy and computes exactly the numbers that :math:`k` workers would
compute, so that the chapter can measure what distribution does to
gradient descent:

* **Synchronous data parallelism** (PyTorch's ``DistributedDataParallel``,
  Horovod): every worker computes the gradient of its own shard of the
  batch, an *all-reduce* averages the :math:`k` gradients, and every
  worker makes the same step. :func:`worker_gradients` and
  :func:`allreduce_mean` are those two halves; :func:`data_parallel_sgd`
  trains with them, with the *linear scaling rule* (learning rate times
  :math:`k`) and its gradual warm-up (:func:`warmup_lr`), as in Goyal et
  al. (2017).
* **Asynchronous SGD** (a parameter server, Hogwild!): a worker's gradient
  arrives after others have already moved the parameters, so the update is
  made with a *stale* gradient,
  :math:`\theta_{t+1} = \theta_t - \alpha\, g(\theta_{t-\tau})`.
  :func:`stale_sgd` runs that with a fixed delay :math:`\tau` (:math:`k`
  workers taking turns give :math:`\tau = k - 1`) for many learning rates at
  once; :func:`stale_bound` is the exact stability limit on a quadratic;
  :func:`async_sgd_mean`, :func:`expected_async_iterates` and
  :func:`heavy_ball_iterates` show that random (geometric) staleness acts
  on average like momentum :math:`1 - 1/k` (Mitliagkas et al., 2016).

The asynchronous experiments run on chapter 4's airfoil least-squares
problem (:func:`airfoil_quadratic`), whose Hessian is known exactly; the
synchronous ones on any :mod:`gdcore.models` model (the chapter uses a
small MLP on the digits).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from .._validation import (as_finite_array, as_generator, check_flag, check_in_range, check_int, check_positive,
                           describe)
from ..descent import is_diverging, quiet_overflow
from ..models import Model
from . import batches

__all__ = ["stale_bound", "worker_gradients", "allreduce_mean", "warmup_lr", "data_parallel_sgd",
           "DataParallelRun", "QuadraticProblem", "airfoil_quadratic", "stale_sgd", "largest_stable_lr",
           "converged", "async_sgd_mean", "expected_async_iterates", "heavy_ball_iterates"]


# --------------------------------------------------------------------------- #
# The exact bound
# --------------------------------------------------------------------------- #

def stale_bound(delay) -> float:
    r"""The largest :math:`\alpha\lambda` for which gradient descent with gradients ``delay`` steps old converges.

    On one direction of curvature :math:`\lambda` of a quadratic, the error
    :math:`e_t = \theta_t - \theta^*` follows
    :math:`e_{t+1} = e_t - \alpha\lambda\, e_{t-\tau}`. It tends to 0 from every
    start if and only if

    .. math::
        0 < \alpha\lambda < 2 \sin\frac{\pi}{2(2\tau + 1)},

    which is 2 for :math:`\tau = 0` (chapter 3's :math:`\alpha < 2/\lambda_{\max}`),
    1 for :math:`\tau = 1`, and about :math:`\pi/(2\tau + 1)` for large :math:`\tau`.
    (A root :math:`q` of :math:`q^{\tau+1} - q^\tau + \alpha\lambda = 0` reaches the
    unit circle, :math:`q = e^{i\psi}`, first at :math:`\psi = \pi/(2\tau+1)`;
    Levin and May (1976) show that no larger :math:`\alpha\lambda` is stable.)
    The book writes the delay :math:`\tau` (``delay``): :math:`d` is the number of parameters.
    """
    tau = check_int(delay, "delay", minimum=0, maximum=10**6)
    return 2.0 * math.sin(math.pi / (2 * (2 * tau + 1)))


# --------------------------------------------------------------------------- #
# Synchronous data parallelism
# --------------------------------------------------------------------------- #

def _check_model(model) -> Model:
    if not isinstance(model, Model):
        raise TypeError(f"model must be a gdcore model (e.g. mlp.MLP([64, 32, 10])); got {describe(model)}.")
    return model


def worker_gradients(model, params, X_batch, y_batch, workers: int) -> np.ndarray:
    r"""The gradient each of ``workers`` workers computes on its shard of the batch, shape ``(workers, n_params)``.

    The batch is cut into ``workers`` consecutive shards of (nearly) equal
    size, as ``DistributedSampler`` gives each process its own samples;
    worker :math:`j` computes :math:`g_{S_j} = \nabla \frac{1}{|S_j|}\sum_{i\in S_j} \ell_i`.
    """
    model = _check_model(model)
    X_batch, y_batch = model.check_data(X_batch, y_batch)
    workers = check_int(workers, "workers", minimum=1, maximum=len(X_batch))
    params = model.check_params(params)
    shards = np.array_split(np.arange(len(X_batch)), workers)
    return np.stack([model._grad(params, X_batch[s], y_batch[s]) for s in shards])


def allreduce_mean(worker_grads) -> np.ndarray:
    r"""The all-reduce of data-parallel training: the mean of the workers' gradients, :math:`\frac1k \sum_j g_{S_j}`.

    After it every worker holds the same vector (a ring all-reduce gets there
    by passing pieces round a ring; the result is this mean).
    """
    grads = as_finite_array(worker_grads, "worker_grads", ndim=2)
    return grads.mean(axis=0)


def warmup_lr(step, base_lr, workers, warmup_steps) -> float:
    r"""The linear scaling rule with gradual warm-up (Goyal et al., 2017): the learning rate of update ``step``.

    With :math:`k` workers the batch is :math:`k` times larger and the target
    learning rate is :math:`k\alpha`; during the first ``warmup_steps``
    updates the rate climbs linearly from :math:`\alpha` to :math:`k\alpha`:

    .. math::
        \alpha_t = \alpha \left(1 + (k - 1) \min\!\left(1, \frac{t}{T_w}\right)\right),
        \qquad t = 0, 1, 2, \dots

    (``warmup_steps=0``: :math:`k\alpha` from the first update.)
    """
    return _warmup_lr(check_int(step, "step", minimum=0, maximum=10**9), check_positive(base_lr, "base_lr"),
                      check_int(workers, "workers", minimum=1, maximum=10**6),
                      check_int(warmup_steps, "warmup_steps", minimum=0, maximum=10**9))


def _warmup_lr(t: int, base_lr: float, k: int, warmup_steps: int) -> float:
    ramp = 1.0 if warmup_steps == 0 else min(1.0, t / warmup_steps)
    return base_lr * (1 + (k - 1) * ramp)


@dataclass(frozen=True)
class DataParallelRun:
    """One data-parallel training run: the training loss at the start and after every epoch."""

    epoch_losses: np.ndarray
    lrs: np.ndarray
    params: np.ndarray
    diverged: bool

    @property
    def loss(self) -> float:
        """The final training loss (``inf`` if the run diverged)."""
        return math.inf if self.diverged else float(self.epoch_losses[-1])


def data_parallel_sgd(model, X, y, base_lr, workers: int = 1, batch_size: int = 32, epochs: int = 10,
                      seed=0, warmup_epochs: float = 0, scale_lr: bool = True, params=None) -> DataParallelRun:
    r"""Synchronous data-parallel SGD with ``workers`` workers, each with ``batch_size`` samples per step.

    Every update: a batch of ``workers * batch_size`` samples is drawn (a
    fresh shuffle every epoch; the last, short batch of an epoch is
    dropped, like ``drop_last=True``), each worker computes the gradient of
    its shard (:func:`worker_gradients`), the all-reduce averages them
    (:func:`allreduce_mean`) and every worker makes the same SGD step with
    :func:`warmup_lr` (``scale_lr=False``: ``base_lr`` throughout, no
    scaling and no warm-up). ``warmup_epochs`` is converted to updates.
    ``seed`` draws the initial parameters (unless ``params`` is given) and
    the shuffles. A run whose loss explodes stops and says ``diverged``.
    """
    model = _check_model(model)
    X, y = model.check_data(X, y)
    base_lr = check_positive(base_lr, "base_lr")
    k = check_int(workers, "workers", minimum=1)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    epochs = check_int(epochs, "epochs", minimum=1, maximum=10**6)
    warmup_epochs = check_positive(warmup_epochs, "warmup_epochs", allow_zero=True)
    scale_lr = check_flag(scale_lr, "scale_lr")
    global_batch = k * batch_size
    n = len(X)
    if global_batch > n:
        raise ValueError(f"workers * batch_size = {global_batch} is more than the {n} training samples.")
    rng = as_generator(seed)
    params = model.init_params(rng) if params is None else model.check_params(params).copy()
    steps_per_epoch = n // global_batch
    shards = np.array_split(np.arange(global_batch), k)
    warmup_steps = round(warmup_epochs * steps_per_epoch)
    losses, lrs, diverged, t = [float(model._loss(params, X, y))], [], False, 0
    with quiet_overflow():
        for _epoch in range(epochs):
            order = rng.permutation(n)
            for b in range(steps_per_epoch):
                batch = order[b * global_batch:(b + 1) * global_batch]
                X_batch, y_batch = X[batch], y[batch]
                g = np.mean([model._grad(params, X_batch[s], y_batch[s]) for s in shards], axis=0)  # all-reduce
                lr = _warmup_lr(t, base_lr, k, warmup_steps) if scale_lr else base_lr
                params = params - lr * g
                lrs.append(lr)
                t += 1
            loss = float(model._loss(params, X, y))
            losses.append(loss)
            if not math.isfinite(loss) or not np.isfinite(params).all() or is_diverging(loss, losses[0]):
                diverged = True
                break
    return DataParallelRun(np.array(losses), np.array(lrs), params, diverged)


# --------------------------------------------------------------------------- #
# Asynchronous SGD on a quadratic
# --------------------------------------------------------------------------- #

@dataclass(frozen=True)
class QuadraticProblem:
    r"""A least-squares problem :math:`L(\theta) = \frac1n \lVert A\theta - y\rVert^2` with its exact Hessian.

    ``A`` holds the features with a column of ones (the bias last), so
    :math:`H = \frac2n A^\top A` and :math:`\nabla L(\theta) = H\theta - c`
    with :math:`c = \frac2n A^\top y`.
    """

    A: np.ndarray
    y: np.ndarray
    theta_star: np.ndarray
    loss_star: float

    @functools.cached_property
    def H(self) -> np.ndarray:
        return 2.0 * self.A.T @ self.A / len(self.y)

    @functools.cached_property
    def c(self) -> np.ndarray:
        return 2.0 * self.A.T @ self.y / len(self.y)

    @functools.cached_property
    def curvatures(self) -> np.ndarray:
        """The eigenvalues of H, smallest first."""
        return np.linalg.eigvalsh(self.H)

    @property
    def lam_max(self) -> float:
        return float(self.curvatures[-1])

    @property
    def dim(self) -> int:
        return self.A.shape[1]

    def loss(self, theta) -> np.ndarray:
        """The loss of one point ``(dim,)`` or of many ``(..., dim)``."""
        r = np.asarray(theta) @ self.A.T - self.y
        return np.mean(r * r, axis=-1)

    def excess(self, theta) -> np.ndarray:
        r"""How far above the optimum, relative: :math:`L(\theta)/L^* - 1` (``inf`` where not finite)."""
        with quiet_overflow():
            e = self.loss(theta) / self.loss_star - 1
        return np.where(np.isfinite(e), e, np.inf)

    def grad(self, theta) -> np.ndarray:
        """The full-batch gradient at one point or at many (rows)."""
        return np.asarray(theta) @ self.H - self.c


@functools.lru_cache(maxsize=1)
def airfoil_quadratic() -> QuadraticProblem:
    """Chapter 4's airfoil regression (standardized features, bias last) as a :class:`QuadraticProblem`."""
    p = batches.airfoil_problem()
    A = np.column_stack([p.X_train, np.ones(p.n_train)])
    return QuadraticProblem(A, p.y_train, p.best_params, float(p.best_loss))


def _check_problem(problem) -> QuadraticProblem:
    if not isinstance(problem, QuadraticProblem):
        raise TypeError(f"problem must be a QuadraticProblem (e.g. airfoil_quadratic()); got {describe(problem)}.")
    return problem


def stale_sgd(problem, lrs, delay: int, steps: int, batch_size: int | None = None, seed=0) -> np.ndarray:
    r"""Gradient descent with gradients ``delay`` steps old, one run per learning rate in ``lrs``; the final points.

    .. math::
        \theta_{t+1} = \theta_t - \alpha\, g(\theta_{t-\tau}), \qquad
        \theta_t = \theta_0 = 0 \text{ for } t < 0,

    where :math:`g` is the full-batch gradient (``batch_size=None``) or the
    gradient of a mini-batch of ``batch_size`` samples (one pass over a
    fresh shuffle per epoch, drawn from ``seed``; the same batches for
    every learning rate). All runs start at zero and are made side by side
    (``lrs`` may hold hundreds). Returns the points :math:`\theta_T`, shape
    ``(len(lrs), dim)``; a run that blew up holds ``inf`` or ``nan``.
    """
    problem = _check_problem(problem)
    lrs = as_finite_array(lrs, "lrs", ndim=1)
    if np.any(lrs <= 0):
        raise ValueError(f"every learning rate in lrs must be positive; got the smallest {lrs.min()!r}.")
    tau = check_int(delay, "delay", minimum=0, maximum=10**6)
    steps = check_int(steps, "steps", minimum=1, maximum=10**6)
    n = len(problem.y)
    if batch_size is not None:
        batch_size = check_int(batch_size, "batch_size", minimum=1, maximum=n)
    rng = as_generator(seed)
    theta = np.zeros((len(lrs), problem.dim))
    ring = [theta] * (tau + 1)  # the last tau + 1 points; ring[t % (tau + 1)] is theta_{t-delay} (theta_0 before the start)
    alpha = lrs[:, None]
    order, position = None, n
    with quiet_overflow():
        for t in range(steps):
            stale = ring[t % (tau + 1)]
            if batch_size is None:
                g = stale @ problem.H - problem.c
            else:
                if position + batch_size > n:  # a new epoch: a fresh shuffle (short last batch dropped)
                    order, position = rng.permutation(n), 0
                rows = order[position:position + batch_size]
                position += batch_size
                A_B = problem.A[rows]
                g = 2.0 * ((stale @ A_B.T - problem.y[rows]) @ A_B) / batch_size
            theta = theta - alpha * g  # a run that blows up turns inf, then nan: converged() says so
            ring[t % (tau + 1)] = theta
    return theta


def largest_stable_lr(problem, delay: int, steps: int | None = None, batch_size: int | None = None, seed=0,
                      lrs=None) -> float:
    r"""The largest learning rate of the grid ``lrs`` whose stale run (:func:`stale_sgd`) converges, measured.

    A run counts as converging when it stays finite and ends, after
    ``steps`` updates (default :math:`500(\tau + 1)`), with a smaller excess
    loss :math:`L(\theta_T) - L^*` than it started with; the answer is the
    largest rate below the first one of the grid that fails. Close to the
    limit an unstable run grows by a factor of only about
    :math:`1 + 0.5\,\Delta/(\tau+1)` per step when the rate is the fraction
    :math:`\Delta` too large, hence the default number of steps. The
    default grid has 400 rates evenly spaced on a log scale from
    :math:`10^{-3}` to 1: neighbours differ by the factor :math:`1000^{1/399}`,
    about 1.7%.
    """
    problem = _check_problem(problem)
    tau = check_int(delay, "delay", minimum=0, maximum=10**6)
    steps = 500 * (tau + 1) if steps is None else steps
    lrs = np.geomspace(1e-3, 1.0, 400) if lrs is None else np.sort(as_finite_array(lrs, "lrs", ndim=1))
    final = stale_sgd(problem, lrs, tau, steps, batch_size, seed)
    ok = converged(problem, final)
    if not ok[0]:
        return 0.0
    first_bad = np.flatnonzero(~ok)
    return float(lrs[-1] if len(first_bad) == 0 else lrs[first_bad[0] - 1])


def converged(problem, points) -> np.ndarray:
    """For each row of ``points`` (final points of runs from zero): finite, and below the excess loss of the start?

    That is the test "did not diverge". For full-batch runs with a stable rate it means convergence; runs with
    mini-batches and a constant rate pass it while still ending above the optimum.
    """
    problem = _check_problem(problem)
    try:
        points = np.atleast_2d(np.asarray(points, dtype=float))
    except (TypeError, ValueError, OverflowError):
        raise TypeError(f"points must be an array of shape (runs, {problem.dim}); got {describe(points)}.") from None
    if points.ndim != 2 or points.shape[1] != problem.dim:
        raise ValueError(f"points must have shape (runs, {problem.dim}); got shape {points.shape}.")
    finite = np.isfinite(points).all(axis=1)
    start = problem.excess(np.zeros(problem.dim))
    return finite & (problem.excess(np.where(finite[:, None], points, 0.0)) < start)


def _geometric_weights(workers: int, steps: int) -> np.ndarray:
    """P(staleness = l) for l = 0 .. steps - 1 with k workers: (1/k)(1 - 1/k)^l."""
    p = 1.0 / workers
    return p * (1 - p) ** np.arange(steps)


def async_sgd_mean(problem, lr, workers: int, steps: int, runs: int = 1000, seed=0) -> np.ndarray:
    r"""The average over ``runs`` simulated asynchronous runs of the iterates :math:`\theta_0, \dots, \theta_T`.

    ``workers`` workers with exponentially distributed compute times take
    turns at random: while one computes its gradient, each update comes
    from it with probability :math:`1/k`, so its gradient arrives
    :math:`\tau` updates late with the geometric probability
    :math:`P(\tau = l) = \frac1k (1 - \frac1k)^l` (mean :math:`k - 1`). Each
    run draws its own staleness :math:`\tau_t` for every update and makes
    :math:`\theta_{t+1} = \theta_t - \alpha \nabla L(\theta_{t - \tau_t})`
    (full-batch gradients; before the start, :math:`\theta_0 = 0`).
    Returns the mean iterates over the runs, shape ``(steps + 1, dim)``.
    """
    problem = _check_problem(problem)
    lr = check_positive(lr, "lr")
    k = check_int(workers, "workers", minimum=1, maximum=10**6)
    steps = check_int(steps, "steps", minimum=1, maximum=10**5)
    runs = check_int(runs, "runs", minimum=1, maximum=10**6)
    rng = as_generator(seed)
    path = np.zeros((steps + 1, runs, problem.dim))
    every = np.arange(runs)
    with quiet_overflow():
        for t in range(steps):
            tau = np.minimum(rng.geometric(1.0 / k, size=runs) - 1, t)  # numpy counts trials, from 1
            path[t + 1] = path[t] - lr * problem.grad(path[t - tau, every])
        return path.mean(axis=1)


def expected_async_iterates(problem, lr, workers: int, steps: int) -> np.ndarray:
    r"""The exact mean of the asynchronous iterates of :func:`async_sgd_mean` (no sampling).

    The gradient is affine and each staleness is independent of the past,
    so the mean obeys

    .. math::
        \bar\theta_{t+1} = \bar\theta_t - \alpha \sum_{l=0}^{t-1} P(\tau = l)\,
            \nabla L(\bar\theta_{t-l}) - \alpha\, P(\tau \ge t)\, \nabla L(\theta_0).
    """
    problem = _check_problem(problem)
    lr = check_positive(lr, "lr")
    k = check_int(workers, "workers", minimum=1, maximum=10**6)
    steps = check_int(steps, "steps", minimum=1, maximum=10**5)
    weights = _geometric_weights(k, steps)
    path = np.zeros((steps + 1, problem.dim))
    grads = np.zeros((steps + 1, problem.dim))
    grads[0] = problem.grad(path[0])
    with quiet_overflow():
        for t in range(steps):
            recent = weights[:t] @ grads[t:0:-1] if t else 0.0  # l = 0 .. t-1 <-> grads[t], ..., grads[1]
            tail = (1 - 1 / k) ** t
            path[t + 1] = path[t] - lr * (recent + tail * grads[0])
            grads[t + 1] = problem.grad(path[t + 1])
    return path


def heavy_ball_iterates(problem, lr, momentum, steps: int, buffer=None) -> np.ndarray:
    r"""Heavy-ball momentum in PyTorch's form from :math:`\theta_0 = 0`; the iterates, shape ``(steps + 1, dim)``.

    .. math::
        m_t = \beta\, m_{t-1} + \nabla L(\theta_t), \qquad \theta_{t+1} = \theta_t - \alpha\, m_t,

    with the buffer :math:`m_{-1}` = ``buffer`` (default zeros).
    """
    problem = _check_problem(problem)
    lr = check_positive(lr, "lr")
    beta = check_in_range(momentum, "momentum", 0.0, 1.0)
    steps = check_int(steps, "steps", minimum=1, maximum=10**6)
    m = np.zeros(problem.dim) if buffer is None else as_finite_array(buffer, "buffer", ndim=1)
    if m.shape != (problem.dim,):
        raise ValueError(f"buffer must have shape ({problem.dim},); got {m.shape}.")
    path = np.zeros((steps + 1, problem.dim))
    with quiet_overflow():
        for t in range(steps):
            m = beta * m + problem.grad(path[t])
            path[t + 1] = path[t] - lr * m
    return path
