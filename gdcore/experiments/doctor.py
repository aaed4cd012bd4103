r"""Chapter 9's loss-curve doctor: train a small digits network at one setting, read its curves.

A setting is a learning rate :math:`\alpha`, a schedule (constant, warm-up +
cosine, or step decay) and a batch size :math:`B`. :func:`doctor_run` trains
the doctor's network at that setting with the book's own loop,
:func:`gdcore.descent.fit` (SGD with momentum :math:`\beta = 0.9`, a fixed
budget of :data:`EPOCHS` epochs, validation loss after every epoch), and
:func:`diagnose` reads the two loss curves the way a practitioner does:
"too high: diverges", "too high: loss spikes", "overfitting: validation
rises", "too low: still falling" or "healthy". :func:`range_test` is the
learning-rate range test (Smith, 2017) of the same network and batch size:
the training loss while the learning rate grows by the same factor after
every update, from :data:`RANGE_LRS`\ ``[0]`` to :data:`RANGE_LRS`\ ``[1]``.

**How it relates to the chapter's network.** The chapter trains a
64-128-128-10 MLP on about 1,100 training digits; one run takes a large
fraction of a second, far too slow for a slider. The doctor keeps
everything but the size: the same digits (128 training and 300 validation
images drawn at random from chapter 6's training split, seed 0,
standardized with the training images' statistics only, as chapter 7
insists), the same kind of network (ReLU, He initialization), the same loop
and the same kinds of schedule, but chapter 6's 64-32-10 network (2,410
parameters) and 15 epochs. A new setting then trains in a few tens of
milliseconds (``benchmarks/bench_widgets.py``). Its curves take the shapes
the chapter's network's take, but not the same numbers: a small training
set overfits sooner, which makes the overfitting regime easy to see. Runs
are cached (:func:`doctor_run`, :func:`range_test`), so a setting seen
before costs nothing.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from .. import data, descent, optimizers, preprocessing, schedules
from .workflow import RangeTest
from . import workflow
from .._validation import check_choice, check_int, check_positive
from ..mlp import MLP

__all__ = ["DoctorProblem", "doctor_problem", "make_scheduler", "doctor_run", "Diagnosis", "diagnose",
           "RangeTest", "range_test", "VERDICTS", "LRS", "BATCH_SIZES", "SCHEDULES", "EPOCHS", "WARMUP_EPOCHS",
           "STEP_MILESTONES", "MOMENTUM", "RISE", "SLOW_LOSS", "RANGE_LRS", "RANGE_UPDATES", "RANGE_SMOOTHING", "SEED",
           "N_TRAIN", "N_VAL", "HIDDEN"]

#: The doctor's data and network: training and validation images, hidden units.
N_TRAIN, N_VAL, HIDDEN = 128, 300, 32
#: The budget of every run (epochs), and the seed of the split, the initialization and the shuffling.
EPOCHS = 15
SEED = 0
#: SGD's momentum coefficient β (the common choice 0.9, as in chapter 5).
MOMENTUM = 0.9
#: The learning rates the explorer offers: 10^-3, 10^-2.75, ..., 10^0.5 to three digits
#: (0.001, 0.00178, 0.00316, 0.00562, 0.01, ..., 3.16; each about 1.78 times the last).
LRS = tuple(float(f"{10 ** (-3 + 0.25 * k):.3g}") for k in range(15))
#: The batch sizes the explorer offers: the common advice's 32, 64 and 128 (128 is the whole training
#: set here: batch gradient descent).
BATCH_SIZES = (32, 64, 128)
#: The schedules, applied per epoch: constant; linear warm-up over WARMUP_EPOCHS then cosine decay
#: to zero; step decay by a factor of 10 at each of STEP_MILESTONES.
SCHEDULES = ("constant", "warm-up + cosine", "step")
WARMUP_EPOCHS = 2
STEP_MILESTONES = (8, 12)
#: The verdict "overfitting" means the last validation loss is more than RISE (15%) above its lowest.
RISE = 0.15
#: The verdict "too low" means the training loss is still falling and still above SLOW_LOSS at the end
#: (a "spike" is a jump of the training loss above SLOW_LOSS, to more than twice the epoch before).
SLOW_LOSS = 0.3
#: The range test: learning rates from 10^-3 to 10^1, growing by the same factor (about 1.27) every update.
RANGE_LRS = (1e-3, 10.0)
RANGE_UPDATES = 40
#: The range test's smoothing: the weight of the past in its moving average (shorter than the chapter's
#: 0.9, because the doctor's test has 40 updates, not 100).
RANGE_SMOOTHING = 0.8


@dataclass(frozen=True)
class DoctorProblem:
    """The doctor's data (standardized with training statistics) and network."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    model: MLP


@functools.lru_cache(maxsize=1)
def doctor_problem() -> DoctorProblem:
    """128 training and 300 validation digits from chapter 6's training split (seed 0), and the 64-32-10 MLP."""
    digits = data.load_digits()
    # chapter 6's split (the test quarter is never touched); its training part comes shuffled
    X, _, y, _ = data.train_test_split(digits.X, digits.y, test_fraction=0.25, seed=SEED)
    X_train, y_train = X[:N_TRAIN], y[:N_TRAIN]
    X_val, y_val = X[N_TRAIN:N_TRAIN + N_VAL], y[N_TRAIN:N_TRAIN + N_VAL]
    scaler = preprocessing.StandardScaler().fit(X_train)
    model = MLP([X.shape[1], HIDDEN, 10], activation="relu", init="kaiming_normal")
    return DoctorProblem(scaler.transform(X_train), y_train, scaler.transform(X_val), y_val, model)


def _warmup_cosine(epoch: int, epochs: int = EPOCHS, warmup: int = WARMUP_EPOCHS) -> float:
    r"""The warm-up + cosine factor of epoch :math:`e` = ``epoch`` (0, 1, ...), with :math:`T` = ``epochs``
    and :math:`T_w` = ``warmup``: :math:`(e+1)/T_w` for :math:`e < T_w`, then
    :math:`\tfrac12\,(1 + \cos(\pi\,(e - T_w)/(T - T_w)))`."""
    if epoch < warmup:
        return (epoch + 1) / warmup
    return 0.5 * (1 + math.cos(math.pi * min(epoch - warmup, epochs - warmup) / (epochs - warmup)))


def make_scheduler(schedule: str, optimizer, epochs: int = EPOCHS):
    """The scheduler of ``schedule`` (one of :data:`SCHEDULES`) on ``optimizer``; ``None`` for constant.

    ``fit`` steps it after every epoch, so epoch ``e`` (0, 1, ...) trains with
    ``lr`` times the schedule's factor of ``e``; the cosine reaches zero after
    ``epochs``.
    """
    schedule = check_choice(schedule, "schedule", SCHEDULES)
    epochs = check_int(epochs, "epochs", minimum=WARMUP_EPOCHS + 1)
    if schedule == "constant":
        return None
    if schedule == "warm-up + cosine":
        return schedules.LambdaLR(optimizer, functools.partial(_warmup_cosine, epochs=epochs))
    return schedules.MultiStepLR(optimizer, milestones=list(STEP_MILESTONES), gamma=0.1)


def _check_setting(lr, schedule, batch_size) -> tuple[float, str, int]:
    lr = check_positive(lr, "lr")
    schedule = check_choice(schedule, "schedule", SCHEDULES)
    batch_size = check_int(batch_size, "batch_size", minimum=1, maximum=N_TRAIN)
    return lr, schedule, batch_size


def doctor_run(lr: float, schedule: str = "constant", batch_size: int = 32, seed: int = SEED,
               epochs: int = EPOCHS) -> descent.History:
    """``fit`` of the doctor's network at one setting (cached): SGD with momentum 0.9, 15 epochs.

    ``seed`` draws the initialization and the shuffling (the explorer shows
    seed 0); ``epochs`` is the budget (the explorer's is :data:`EPOCHS`). The
    history's ``epoch_losses`` and ``val_losses`` are the two curves the
    doctor reads; ``lrs`` the learning rate of every update.
    """
    return _doctor_run(*_check_setting(lr, schedule, batch_size), check_int(seed, "seed", minimum=0),
                       check_int(epochs, "epochs", minimum=WARMUP_EPOCHS + 1))


@functools.lru_cache(maxsize=1024)
def _doctor_run(lr: float, schedule: str, batch_size: int, seed: int, epochs: int = EPOCHS) -> descent.History:
    p = doctor_problem()
    optimizer = optimizers.SGD(lr=lr, momentum=MOMENTUM)
    return descent.fit(p.model, p.X_train, p.y_train, optimizer, epochs=epochs, batch_size=batch_size,
                       seed=seed, validation=(p.X_val, p.y_val),
                       scheduler=make_scheduler(schedule, optimizer, epochs))


@dataclass(frozen=True)
class Diagnosis:
    """What the doctor reads from a run's curves.

    * ``verdict``: ``"too high: diverges"``, ``"too high: loss spikes"``,
      ``"overfitting: validation rises"``, ``"too low: still falling"`` or
      ``"healthy"`` (one of :data:`VERDICTS`);
    * ``best_epoch``, ``best_val``: where the validation loss was lowest, and its value;
    * ``final_train``, ``final_val``: the losses after the last epoch (``inf`` if the run diverged);
    * ``rise``: how far the last validation loss is above its lowest, as a fraction (0.25 = 25%);
    * ``spike``: the highest training loss an epoch jumped up to (0 if none did).
    """

    verdict: str
    best_epoch: int
    best_val: float
    final_train: float
    final_val: float
    rise: float
    spike: float = 0.0

    def rise_in_words(self) -> str:
        """``"19% above"`` its lowest, or ``"125 times"`` it when the rise is large."""
        return f"{100 * self.rise:.0f}% above" if self.rise < 1 else f"{1 + self.rise:.3g} times"

    @property
    def rises(self) -> bool:
        """Does the validation curve rise: a run that overfits, spikes or diverges?"""
        return self.verdict in ("too high: diverges", "too high: loss spikes", "overfitting: validation rises")

    def explain(self) -> str:
        """The diagnosis in one sentence (what the explorer's verdict line says)."""
        if self.verdict == "too high: diverges":
            return ("the training loss blew up instead of falling: the learning rate is too high "
                    "(the range test's curve shoots up there too).")
        if self.verdict == "too high: loss spikes":
            return (f"the training loss jumps back up on the way (to {self.spike:.2f}, more than twice the "
                    f"epoch before): the learning rate is too high; the validation loss ends "
                    f"{self.rise_in_words()} its lowest.")
        if self.verdict == "too low: still falling":
            return (f"after {EPOCHS} epochs the training loss is still {self.final_train:.2f} and falling: "
                    f"the steps are too small for the budget.")
        best = (f"validation loss lowest at epoch {self.best_epoch} ({self.best_val:.3f}), "
                f"{self.rise_in_words()} that at the end")
        if self.verdict == "overfitting: validation rises":
            return f"{best}: the network memorizes the training images; stop early or lower the rate."
        return (f"training loss {self.final_train:.3f}, validation loss lowest at epoch {self.best_epoch} "
                f"({self.best_val:.3f}) and within {100 * RISE:.0f}% of it at the end.")


VERDICTS = ("too high: diverges", "too high: loss spikes", "overfitting: validation rises",
            "too low: still falling", "healthy")


def diagnose(history: descent.History) -> Diagnosis:
    """Read a run's training and validation curves (see :class:`Diagnosis` for the verdicts).

    In this order: the run *diverges* if ``fit`` stopped it or its training
    loss ends above where it started; its loss *spikes* if the training loss
    of an epoch is more than twice that of the epoch before and above
    :data:`SLOW_LOSS` (it jumps back up to a level it had left); it *overfits* if its last validation
    loss is more than :data:`RISE` above the lowest; the rate is *too low* if
    the training loss is still falling and above :data:`SLOW_LOSS` at the
    end; otherwise the run is *healthy*.
    """
    train, val = np.asarray(history.epoch_losses), np.asarray(history.val_losses)
    if len(val) != len(train):
        raise ValueError("diagnose needs a run with a validation set: fit(..., validation=(X_val, y_val)).")
    best = int(np.argmin(val))
    if history.diverged or not np.isfinite(train[-1]) or train[-1] >= train[0]:
        return Diagnosis("too high: diverges", best, float(val[best]), math.inf, math.inf, math.inf)
    rise = float(val[-1] / val[best] - 1)
    jumps = (train[1:] > 2 * train[:-1]) & (train[1:] > SLOW_LOSS)
    spike = float(train[1:][jumps].max()) if jumps.any() else 0.0
    if jumps.any():
        verdict = "too high: loss spikes"
    elif rise > RISE:
        verdict = "overfitting: validation rises"
    elif train[-1] > SLOW_LOSS and train[-1] < train[-2]:
        verdict = "too low: still falling"
    else:
        verdict = "healthy"
    return Diagnosis(verdict, best, float(val[best]), float(train[-1]), float(val[-1]), rise, spike)


@functools.lru_cache(maxsize=64)
def _range_test(batch_size: int, seed: int) -> RangeTest:
    p = doctor_problem()
    return workflow.range_test(p.model, p.X_train, p.y_train, "sgd", *RANGE_LRS, steps=RANGE_UPDATES,
                               batch_size=batch_size, seed=seed, smoothing=RANGE_SMOOTHING)


def range_test(batch_size: int = 32, seed: int = SEED) -> RangeTest:
    """The learning-rate range test (Smith, 2017) of the doctor's network with batches of ``batch_size``.

    The chapter's own range test, :func:`gdcore.experiments.workflow.range_test`,
    run on the doctor's network: from the doctor's initialization (``seed``
    draws it and the batches, as in :func:`doctor_run`; the explorer shows
    seed 0), one SGD-with-momentum update per mini-batch, the learning rate
    multiplied by the same factor after every update, from 10^-3 to 10^1 over
    :data:`RANGE_UPDATES` updates; the batch loss measured before each update
    and smoothed (:data:`RANGE_SMOOTHING`). ``lr_at_min`` is the rate where the
    smoothed loss is lowest. Cached per batch size and seed.
    """
    return _range_test(check_int(batch_size, "batch_size", minimum=1, maximum=N_TRAIN),
                       check_int(seed, "seed", minimum=0))
