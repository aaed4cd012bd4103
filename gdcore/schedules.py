r"""Learning-rate schedules: how ``opt.lr`` changes while training runs.

Like ``torch.optim.lr_scheduler``, a scheduler wraps an optimizer and
remembers its starting learning rate :math:`\alpha_0` (``base_lr``, stored
on the optimizer as ``initial_lr`` by the first scheduler that wraps it, as
in PyTorch, so that schedulers chained with ``SequentialLR`` agree); each
call of ``sched.step(metric=None)`` advances its counter :math:`t`
(``last_epoch``) by one and sets ``opt.lr`` to :math:`\alpha_t`::

    opt = SGD(lr=0.1)
    sched = StepLR(opt, step_size=10, gamma=0.5)
    for epoch in range(epochs):
        ...                      # updates with opt.step(params, grad)
        sched.step()             # ReduceLROnPlateau: sched.step(validation_loss)

Whether :math:`t` counts updates or epochs is the caller's choice:
``descent.descend`` steps the scheduler after every update, ``descent.fit``
after every epoch. Creating a scheduler sets ``opt.lr`` to the schedule's
value at :math:`t = 0` (as PyTorch does), so ``ConstantLR`` and
``LinearLR`` start at their reduced rate.

Every schedule but the plateau one is a closed-form function of :math:`t`,
:meth:`LRScheduler.lr_at`, which is what a plot of the schedule calls.
"""

from __future__ import annotations

import math
from typing import Callable

from ._hyperparameters import Hyperparameters
from ._validation import (as_real, check_callable, check_choice, check_in_range, check_int,
                          check_positive, describe)
from .optimizers import Optimizer

__all__ = ["LRScheduler", "ConstantLR", "LinearLR", "StepLR", "MultiStepLR", "ExponentialLR",
           "InverseTimeLR", "CosineAnnealingLR", "LambdaLR", "SequentialLR", "ReduceLROnPlateau"]


def _as_list(values, name: str = "milestones") -> list:
    """A list or tuple of ``values`` (of milestones or schedulers), else a TypeError."""
    try:
        if isinstance(values, (str, bytes)):
            raise TypeError
        return list(values)
    except TypeError:
        raise TypeError(f"{name} must be a list, like [30, 80]; got {describe(values)}.") from None


def _check_optimizer(optimizer) -> Optimizer:
    if not (hasattr(optimizer, "lr") and hasattr(optimizer, "step")):
        raise TypeError("a scheduler wraps an optimizer (an object with `lr` and `step`), like "
                        f"`StepLR(SGD(lr=0.1), step_size=10)`; got {describe(optimizer)}.")
    return optimizer


class LRScheduler(Hyperparameters):
    r"""Base class: ``step()`` sets ``optimizer.lr`` to :math:`\alpha_t = ` ``lr_at(t)``.

    A subclass stores its settings (checked) under the names of its
    ``__init__`` arguments, then calls ``super().__init__(optimizer)``.
    Every learning rate it produces is checked before the optimizer gets it:
    a finite number, 0 or more.
    """

    _repr_skip = ("optimizer",)

    def __init__(self, optimizer):
        self.optimizer = _check_optimizer(optimizer)
        if getattr(optimizer, "initial_lr", None) is None:  # several schedulers may share one optimizer
            optimizer.initial_lr = check_positive(optimizer.lr, "optimizer.lr")
        self.base_lr = optimizer.initial_lr
        self.last_epoch = 0
        self.optimizer.lr = self._checked_lr_at(0)

    def _checked_lr_at(self, t: int) -> float:
        """``lr_at(t)``, refused unless it is a finite number >= 0 (a negative rate climbs uphill)."""
        return check_positive(self.lr_at(t), f"the learning rate {type(self).__name__} gives at step {t}",
                              allow_zero=True)

    def lr_at(self, t: int) -> float:
        """The learning rate after ``t`` calls of ``step()``."""
        raise NotImplementedError

    def step(self, metric=None) -> None:
        """Advance one step (an update or an epoch) and set ``optimizer.lr``."""
        self.optimizer.lr = self._checked_lr_at(self.last_epoch + 1)
        self.last_epoch += 1

    def get_last_lr(self) -> float:
        return self.optimizer.lr


class ConstantLR(LRScheduler):
    r""":math:`\alpha_t = \alpha_0 \cdot` ``factor`` for :math:`t <` ``total_iters``, then :math:`\alpha_0`."""

    def __init__(self, optimizer, factor: float = 1 / 3, total_iters: int = 5):
        self.factor = check_in_range(factor, "factor", 0.0, 1.0, include_high=True)
        self.total_iters = check_int(total_iters, "total_iters", minimum=0)
        super().__init__(optimizer)

    def lr_at(self, t):
        return self.base_lr * (self.factor if t < self.total_iters else 1.0)


class LinearLR(LRScheduler):
    r"""Linear warm-up (or decay) of the factor from ``start_factor`` to ``end_factor``.

    .. math::
        \alpha_t = \alpha_0 \left(s + (e - s)\, \frac{\min(t, T)}{T}\right)
    """

    def __init__(self, optimizer, start_factor: float = 1 / 3, end_factor: float = 1.0, total_iters: int = 5):
        self.start_factor = check_in_range(start_factor, "start_factor", 0.0, 1.0, include_high=True)
        if self.start_factor == 0:
            raise ValueError("start_factor must be > 0 (a learning rate of 0 would not move); got 0.")
        self.end_factor = check_in_range(end_factor, "end_factor", 0.0, 1.0, include_high=True)
        self.total_iters = check_int(total_iters, "total_iters", minimum=1, maximum=10**15)
        super().__init__(optimizer)

    def lr_at(self, t):
        s, e, T = self.start_factor, self.end_factor, self.total_iters
        return self.base_lr * (s + (e - s) * min(t, T) / T)


class StepLR(LRScheduler):
    r"""Multiply by ``gamma`` every ``step_size`` steps: :math:`\alpha_t = \alpha_0\, \gamma^{\lfloor t / k \rfloor}`."""

    def __init__(self, optimizer, step_size: int, gamma: float = 0.1):
        self.step_size = check_int(step_size, "step_size", minimum=1)
        self.gamma = check_positive(gamma, "gamma")
        super().__init__(optimizer)

    def lr_at(self, t):
        return self.base_lr * self.gamma ** (t // self.step_size)


class MultiStepLR(LRScheduler):
    r"""Multiply by ``gamma`` at each milestone: :math:`\alpha_t = \alpha_0\, \gamma^{\#\{m \le t\}}`."""

    def __init__(self, optimizer, milestones, gamma: float = 0.1):
        self.milestones = sorted(check_int(m, "each milestone", minimum=1) for m in _as_list(milestones))
        self.gamma = check_positive(gamma, "gamma")
        super().__init__(optimizer)

    def lr_at(self, t):
        return self.base_lr * self.gamma ** sum(m <= t for m in self.milestones)


class ExponentialLR(LRScheduler):
    r"""Multiply by ``gamma`` every step: :math:`\alpha_t = \alpha_0\, \gamma^t`."""

    def __init__(self, optimizer, gamma: float):
        self.gamma = check_positive(gamma, "gamma")
        super().__init__(optimizer)

    def lr_at(self, t):
        return self.base_lr * self.gamma**t


class InverseTimeLR(LRScheduler):
    r"""Inverse-time ("1/t") decay: :math:`\alpha_t = \alpha_0 / (1 + \gamma\, t)`.

    PyTorch has no class for it; there it is
    ``LambdaLR(opt, lambda t: 1 / (1 + gamma * t))``.
    """

    def __init__(self, optimizer, gamma: float = 1.0):
        self.gamma = check_positive(gamma, "gamma", allow_zero=True)
        super().__init__(optimizer)

    def lr_at(self, t):
        return self.base_lr / (1 + self.gamma * t)


class CosineAnnealingLR(LRScheduler):
    r"""Half a cosine from :math:`\alpha_0` down to ``eta_min`` over ``T_max`` steps.

    .. math::
        \alpha_t = \eta_{\min} + \tfrac12 (\alpha_0 - \eta_{\min})\left(1 + \cos\frac{\pi t}{T_{\max}}\right)

    Loshchilov and Hutter (2017). Past ``T_max`` the cosine climbs again, as
    PyTorch's closed form does; choose ``T_max`` as the length of the run.
    """

    def __init__(self, optimizer, T_max: int, eta_min: float = 0.0):
        self.T_max = check_int(T_max, "T_max", minimum=1, maximum=10**15)
        self.eta_min = check_positive(eta_min, "eta_min", allow_zero=True)
        super().__init__(optimizer)

    def lr_at(self, t):
        return self.eta_min + 0.5 * (self.base_lr - self.eta_min) * (1 + math.cos(math.pi * t / self.T_max))


class LambdaLR(LRScheduler):
    r"""Any factor you like: :math:`\alpha_t = \alpha_0 \cdot` ``lr_lambda(t)``."""

    def __init__(self, optimizer, lr_lambda: Callable[[int], float]):
        self.lr_lambda = check_callable(lr_lambda, "lr_lambda")
        super().__init__(optimizer)

    def lr_at(self, t):
        return self.base_lr * as_real(self.lr_lambda(t), f"lr_lambda({t})")


class SequentialLR(LRScheduler):
    r"""One schedule after another: ``schedulers[i]`` runs from ``milestones[i-1]`` on.

    The clock of each schedule restarts at 0 at its milestone, so
    ``SequentialLR(opt, [LinearLR(opt, 0.1, total_iters=5), CosineAnnealingLR(opt, 95)], [5])``
    is a 5-step linear warm-up followed by a cosine over the remaining 95.
    """

    def __init__(self, optimizer, schedulers, milestones):
        self.schedulers = _as_list(schedulers, "schedulers")
        self.milestones = [check_int(m, "each milestone", minimum=1) for m in _as_list(milestones)]
        if len(self.milestones) != len(self.schedulers) - 1 or self.milestones != sorted(self.milestones):
            raise ValueError(f"SequentialLR needs one increasing milestone fewer than schedulers; got "
                             f"{len(self.schedulers)} schedulers and milestones {self.milestones}.")
        for s in self.schedulers:
            if not isinstance(s, LRScheduler):
                raise TypeError(f"schedulers must be schedulers like LinearLR(opt, ...); got {describe(s)}.")
            if s.optimizer is not optimizer:
                raise ValueError("every scheduler in SequentialLR must wrap the same optimizer.")
            if isinstance(s, ReduceLROnPlateau):
                raise TypeError("ReduceLROnPlateau has no closed form and cannot be part of SequentialLR.")
        super().__init__(optimizer)

    def lr_at(self, t):
        start = 0
        for scheduler, milestone in zip(self.schedulers, self.milestones + [math.inf]):
            if t < milestone:
                return scheduler.lr_at(t - start)
            start = milestone


class ReduceLROnPlateau(LRScheduler):
    r"""Multiply by ``factor`` when the metric has not improved for ``patience`` steps.

    ``step(metric)`` takes the quantity to watch (validation loss, usually).
    It counts as better when it is below ``best * (1 - threshold)`` (mode
    ``"min"``, ``threshold_mode="rel"``) or ``best - threshold`` (``"abs"``);
    mode ``"max"`` watches for increases (accuracy). After more than
    ``patience`` steps without improvement, :math:`\alpha \leftarrow
    \max(\alpha \cdot \text{factor}, \text{min\_lr})`, then the scheduler
    waits ``cooldown`` steps before counting again. As in PyTorch.
    """

    def __init__(self, optimizer, mode: str = "min", factor: float = 0.1, patience: int = 10,
                 threshold: float = 1e-4, threshold_mode: str = "rel", cooldown: int = 0,
                 min_lr: float = 0.0, eps: float = 1e-8):
        self.mode = check_choice(mode, "mode", ("min", "max"))
        self.factor = check_in_range(factor, "factor", 0.0, 1.0)
        if self.factor == 0:
            raise ValueError("factor must be in (0, 1): the learning rate is multiplied by it; got 0.")
        self.patience = check_int(patience, "patience", minimum=0)
        self.threshold = check_positive(threshold, "threshold", allow_zero=True)
        self.threshold_mode = check_choice(threshold_mode, "threshold_mode", ("rel", "abs"))
        self.cooldown = check_int(cooldown, "cooldown", minimum=0)
        self.min_lr = check_positive(min_lr, "min_lr", allow_zero=True)
        self.eps = check_positive(eps, "eps", allow_zero=True)
        self.best = math.inf if mode == "min" else -math.inf
        self.num_bad_epochs = 0
        self.cooldown_counter = 0
        super().__init__(optimizer)

    def lr_at(self, t):
        return self.optimizer.lr  # depends on the metrics seen, not on t alone

    def _is_better(self, metric: float) -> bool:
        best, th = self.best, self.threshold
        if self.mode == "min":
            return metric < (best * (1 - th) if self.threshold_mode == "rel" else best - th)
        return metric > (best * (1 + th) if self.threshold_mode == "rel" else best + th)

    def step(self, metric=None) -> None:
        if metric is None:
            raise TypeError("ReduceLROnPlateau.step needs the metric it watches, e.g. "
                            "`scheduler.step(validation_loss)`.")
        metric = as_real(metric, "metric", finite=True)
        self.last_epoch += 1
        if self._is_better(metric):
            self.best, self.num_bad_epochs = metric, 0
        else:
            self.num_bad_epochs += 1
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0
        if self.num_bad_epochs > self.patience:
            new_lr = max(self.optimizer.lr * self.factor, self.min_lr)
            if self.optimizer.lr - new_lr > self.eps:
                self.optimizer.lr = new_lr
            self.cooldown_counter = self.cooldown
            self.num_bad_epochs = 0
