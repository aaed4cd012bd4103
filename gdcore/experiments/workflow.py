r"""Chapter 9's experiment: one complete training workflow on the 8x8 digits.

Everything the chapter measures is computed here, from the core:

* :func:`digits_splits`: a train / validation / test split of the digits,
  standardized with a :class:`~gdcore.preprocessing.StandardScaler` fitted on
  the training set only (chapter 7);
* :class:`TensorMLP`: chapter 6's :class:`~gdcore.models.MLP` whose gradient
  comes from the reader's own Tensor engine (:mod:`gdcore.autodiff`,
  chapter 8) instead of hand-written backpropagation;
* :func:`make_model`: the chapter's 64-128-128-10 ReLU network;
* :func:`train`: one training run with every option of the workflow
  (optimizer, learning rate, warm-up and cosine schedule, weight decay,
  gradient clipping, early stopping), through :func:`gdcore.descent.fit`;
* :func:`range_test` and :func:`lr_range_test`: the learning-rate range test (Smith's idea, 2017,
  in the variant of fastai's ``lr_find``, Howard and Gugger 2020), of any model and of the chapter's;
* :func:`over_seeds`: the same run over several seeds.

Nothing here draws; the chapter plots what these functions return.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .._validation import check_X_y, check_choice, check_in_range, check_int, check_positive, describe
from ..autodiff import mlp_loss_and_grad
from ..data import as_generator, batches, load_digits, n_batches, train_test_split
from ..descent import History, fit, quiet_overflow
from ..mlp import MLP
from ..optimizers import SGD, AdamW, DivergedError
from ..preprocessing import StandardScaler
from ..schedules import CosineAnnealingLR, LinearLR, SequentialLR

__all__ = ["SIZES", "EPOCHS", "BATCH_SIZE", "OPTIMIZERS", "Splits", "digits_splits", "TensorMLP", "make_model",
           "make_optimizer", "make_scheduler", "Result", "train", "RangeTest", "range_test", "lr_range_test", "over_seeds",
           "mean_and_spread", "with_shuffled_labels", "MYSTERY", "mystery_runs"]

#: The chapter's network: 64 pixels in, two hidden ReLU layers of 128 units, 10 classes out.
SIZES = (64, 128, 128, 10)
#: The training budget of every run in the chapter, and the mini-batch size.
EPOCHS = 20
BATCH_SIZE = 64
#: The two optimizers the chapter compares, by name.
OPTIMIZERS = ("sgd", "adamw")


@dataclass(frozen=True)
class Splits:
    """Standardized train / validation / test arrays, and the scaler fitted on the training set."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    scaler: StandardScaler

    @property
    def validation(self) -> tuple[np.ndarray, np.ndarray]:
        return self.X_val, self.y_val

    def sizes(self) -> tuple[int, int, int]:
        """The number of samples in the training, validation and test sets."""
        return len(self.y_train), len(self.y_val), len(self.y_test)


def digits_splits(val_fraction: float = 0.2, test_fraction: float = 0.2, seed=0) -> Splits:
    """The digits split into train / validation / test, standardized with training statistics only.

    The test set (``test_fraction`` of all samples) is split off first and
    not looked at again until the end; ``val_fraction`` (of all samples)
    of the rest becomes the validation set. The scaler is fitted on the
    training set alone and applied to all three (chapter 7: fitting it on
    all the data would leak the test set into training).
    """
    val_fraction = check_in_range(val_fraction, "val_fraction", 0.0, 1.0)
    test_fraction = check_in_range(test_fraction, "test_fraction", 0.0, 1.0)
    if val_fraction == 0 or test_fraction == 0 or val_fraction + test_fraction >= 1:
        raise ValueError("val_fraction and test_fraction must be > 0 and leave samples for training "
                         f"(sum < 1); got {val_fraction} and {test_fraction}.")
    rng = as_generator(seed)
    digits = load_digits()
    X_rest, X_test, y_rest, y_test = train_test_split(digits.X, digits.y, test_fraction, seed=rng)
    X_train, X_val, y_train, y_val = train_test_split(X_rest, y_rest, val_fraction / (1 - test_fraction), seed=rng)
    scaler = StandardScaler().fit(X_train)
    return Splits(scaler.transform(X_train), y_train, scaler.transform(X_val), y_val,
                  scaler.transform(X_test), y_test, scaler)


def with_shuffled_labels(splits: Splits, seed=0) -> Splits:
    """The same splits with the training labels shuffled: a bug (images and labels out of step) to diagnose."""
    if not isinstance(splits, Splits):
        raise TypeError(f"splits must be the Splits of digits_splits(); got {describe(splits)}.")
    y_train = as_generator(seed).permutation(splits.y_train)
    return Splits(splits.X_train, y_train, splits.X_val, splits.y_val, splits.X_test, splits.y_test, splits.scaler)


class TensorMLP(MLP):
    """Chapter 6's MLP with its gradient from the Tensor engine of chapter 8.

    Only the gradient changes: :func:`gdcore.autodiff.mlp_loss_and_grad`
    writes the forward pass with Tensors and ``backward()`` derives the rest.
    Loss, predictions and the parameter layout are those of :class:`MLP`.
    """

    def _loss_and_grad(self, params, X, y):
        return mlp_loss_and_grad(self, params, X, y)

    def _grad(self, params, X, y):
        return self._loss_and_grad(params, X, y)[1]


def make_model(init="kaiming_normal", engine: str = "backprop", sizes=SIZES) -> MLP:
    """The chapter's ReLU network; ``engine="tensor"`` takes its gradient from :class:`TensorMLP`."""
    engine = check_choice(engine, "engine", ("backprop", "tensor"))
    return (TensorMLP if engine == "tensor" else MLP)(sizes, activation="relu", init=init)


def make_optimizer(optimizer: str, lr: float, weight_decay: float = 0.0, momentum: float = 0.9):
    """``"sgd"``: :class:`~gdcore.optimizers.SGD` with momentum; ``"adamw"``: :class:`~gdcore.optimizers.AdamW`."""
    optimizer = check_choice(optimizer, "optimizer", OPTIMIZERS)
    if optimizer == "sgd":
        return SGD(lr=lr, momentum=momentum, weight_decay=weight_decay)
    return AdamW(lr=lr, weight_decay=weight_decay)


def make_scheduler(optimizer, schedule: str, total_steps: int, warmup_steps: int = 0):
    r"""A learning-rate schedule counted in updates: ``"constant"`` (``None``) or ``"cosine"``.

    ``"cosine"`` is a linear warm-up from :math:`\alpha/10` to :math:`\alpha`
    over ``warmup_steps`` updates (none if 0), then half a cosine down to 0
    over the remaining updates (:class:`~gdcore.schedules.LinearLR`,
    :class:`~gdcore.schedules.CosineAnnealingLR`, :class:`~gdcore.schedules.SequentialLR`).
    """
    schedule = check_choice(schedule, "schedule", ("constant", "cosine"))
    total_steps = check_int(total_steps, "total_steps", minimum=1)
    warmup_steps = check_int(warmup_steps, "warmup_steps", minimum=0, maximum=total_steps - 1)
    if schedule == "constant":
        if warmup_steps:
            return LinearLR(optimizer, start_factor=0.1, total_iters=warmup_steps)
        return None
    cosine = CosineAnnealingLR(optimizer, T_max=total_steps - warmup_steps)
    if not warmup_steps:
        return cosine
    warmup = LinearLR(optimizer, start_factor=0.1, total_iters=warmup_steps)
    return SequentialLR(optimizer, [warmup, cosine], milestones=[warmup_steps])


@dataclass
class Result:
    """One training run: its :class:`~gdcore.descent.History` and its scores."""

    history: History
    val_accuracy: float
    test_accuracy: float

    @property
    def val_loss(self) -> float:
        """The validation loss of the returned parameters (the best epoch's with early stopping)."""
        h = self.history
        return float(h.val_losses[h.best_epoch if h.best_epoch is not None else -1])

    @property
    def diverged(self) -> bool:
        return self.history.diverged


def train(splits: Splits, optimizer: str = "adamw", lr: float = 1e-3, seed=0, *, epochs: int = EPOCHS,
          batch_size: int = BATCH_SIZE, weight_decay: float = 0.0, momentum: float = 0.9,
          schedule: str = "constant", warmup_epochs: float = 0, clip: float | None = None,
          patience: int | None = None, init="kaiming_normal", engine: str = "backprop") -> Result:
    """One run of the workflow on ``splits``; returns its :class:`Result`.

    ``seed`` draws the initial weights and the mini-batch order (the split is
    fixed by ``splits``). ``warmup_epochs`` of linear warm-up and the
    ``schedule`` are counted in updates; ``clip`` is the largest gradient
    norm (:func:`gdcore.optimizers.clip_grad_norm`); ``patience`` turns on
    early stopping on the validation loss. The test accuracy is computed
    for the record; the chapter looks at it only once, at the end.
    """
    if not isinstance(splits, Splits):
        raise TypeError(f"splits must be the Splits of digits_splits(); got {describe(splits)}.")
    model = make_model(init, engine)
    opt = make_optimizer(optimizer, lr, weight_decay, momentum)
    per_epoch = n_batches(len(splits.y_train), batch_size)
    epochs = check_int(epochs, "epochs", minimum=1)
    warmup_epochs = check_positive(warmup_epochs, "warmup_epochs", allow_zero=True)
    scheduler = make_scheduler(opt, schedule, epochs * per_epoch, round(warmup_epochs * per_epoch))
    history = fit(model, splits.X_train, splits.y_train, opt, epochs=epochs, batch_size=batch_size, seed=seed,
                  validation=splits.validation, scheduler=scheduler, scheduler_interval="step",
                  clip_grad_norm=clip, patience=patience)
    if history.diverged:
        return Result(history, math.nan, math.nan)
    return Result(history, model.accuracy(history.params, splits.X_val, splits.y_val),
                  model.accuracy(history.params, splits.X_test, splits.y_test))


def over_seeds(run, seeds=range(5)) -> list:
    """``[run(seed) for seed in seeds]``: the same experiment with other random draws."""
    seeds = list(seeds)
    if len(seeds) < 1:
        raise ValueError("seeds must hold at least one seed.")
    return [run(seed) for seed in seeds]


def mean_and_spread(values) -> tuple[float, float]:
    """The mean and the sample standard deviation :math:`s` (``ddof=1``) of a measurement over seeds."""
    values = np.asarray(values, dtype=float)
    if values.ndim != 1 or len(values) < 2:
        raise ValueError(f"a spread needs at least two values (one per seed); got {values.size}.")
    return float(values.mean()), float(values.std(ddof=1))


@dataclass
class RangeTest:
    """A learning-rate range test: the loss of each mini-batch as the learning rate grows."""

    lrs: np.ndarray
    losses: np.ndarray
    smoothed: np.ndarray

    @property
    def lr_at_min(self) -> float:
        """The learning rate at which the smoothed loss is lowest."""
        return float(self.lrs[np.nanargmin(self.smoothed)])

    @property
    def suggested_lr(self) -> float:
        """A tenth of :attr:`lr_at_min` (fastai's rule): on the falling part of the curve, before the blow-up."""
        return self.lr_at_min / 10


def range_test(model, X, y, optimizer: str = "adamw", lr_min: float = 1e-5, lr_max: float = 10.0,
               steps: int = 100, batch_size: int = BATCH_SIZE, seed=0, smoothing: float = 0.9) -> RangeTest:
    r"""The range test of ``model`` on ``(X, y)``: one short run whose learning rate grows geometrically.

    The idea is Smith's (2017), who raises the rate linearly over a few epochs
    to find the bounds of a cyclical schedule; this is the variant of fastai's
    ``lr_find`` (Howard and Gugger 2020): a geometric sweep, one mini-batch
    per rate, and a tenth of the smoothed minimum as the suggestion.

    ``seed`` draws the initial weights (``model.init_params``), then the
    mini-batches. Update :math:`k = 0, \dots, \text{steps} - 1` uses
    :math:`\alpha_k = \alpha_{\min} (\alpha_{\max}/\alpha_{\min})^{k/(\text{steps}-1)}`
    (the rate multiplied by the same factor after every mini-batch, as
    fastai's ``lr_find``) on a fresh mini-batch, and records the mini-batch
    loss before it. The loss first barely moves, then falls, then blows up;
    ``smoothed`` is its bias-corrected exponential moving average (weight
    ``smoothing`` on the past). The test stops once the smoothed loss exceeds
    four times its lowest value. :func:`lr_range_test` runs it on the
    chapter's network; the loss-curve doctor (:mod:`.doctor`) on its small one.
    """
    X = check_X_y(X, y)[0]  # checked; the labels stay as given
    lr_min, lr_max = check_positive(lr_min, "lr_min"), check_positive(lr_max, "lr_max")
    if lr_max <= lr_min:
        raise ValueError(f"lr_max must be larger than lr_min; got lr_min={lr_min}, lr_max={lr_max}.")
    steps = check_int(steps, "steps", minimum=2)
    smoothing = check_in_range(smoothing, "smoothing", 0.0, 1.0)
    rng = as_generator(seed)
    params = model.init_params(rng)
    opt = make_optimizer(optimizer, lr_min)
    lrs = lr_min * (lr_max / lr_min) ** (np.arange(steps) / (steps - 1))
    losses, smoothed, average, best = [], [], 0.0, math.inf

    def batch_stream():
        while True:
            yield from batches(X, y, batch_size, rng=rng)

    with quiet_overflow():
        for k, (lr, (X_batch, y_batch)) in enumerate(zip(lrs, batch_stream())):
            loss, grad = model._loss_and_grad(params, X_batch, y_batch)
            if not math.isfinite(loss):
                break
            average = smoothing * average + (1 - smoothing) * loss
            value = average / (1 - smoothing ** (k + 1))
            losses.append(float(loss))
            smoothed.append(value)
            best = min(best, value)
            if value > 4 * best or not np.isfinite(grad).all():
                break
            opt.lr = float(lr)
            try:
                params = opt.step(params, grad)
            except DivergedError:
                break
    n = len(losses)
    return RangeTest(lrs[:n], np.array(losses), np.array(smoothed))


def lr_range_test(splits: Splits, optimizer: str = "adamw", lr_min: float = 1e-5, lr_max: float = 10.0,
                  steps: int = 100, batch_size: int = BATCH_SIZE, seed=0, smoothing: float = 0.9,
                  init="kaiming_normal") -> RangeTest:
    """:func:`range_test` of the chapter's network (:func:`make_model` with ``init``) on the training split."""
    if not isinstance(splits, Splits):
        raise TypeError(f"splits must be the Splits of digits_splits(); got {describe(splits)}.")
    return range_test(make_model(init), splits.X_train, splits.y_train, optimizer, lr_min, lr_max, steps,
                      batch_size, seed, smoothing)


#: Exercise 9.3's three runs: what each colleague did (the exercise asks which is which).
MYSTERY = {
    "A": dict(optimizer="adamw", lr=1e-3, shuffled_labels=True),
    "B": dict(optimizer="sgd", lr=1e-4, shuffled_labels=False),
    "C": dict(optimizer="adamw", lr=0.1, shuffled_labels=False),
}


def mystery_runs(splits: Splits, epochs: int = 5, seed=0) -> dict:
    """The :class:`~gdcore.descent.History` of each run of :data:`MYSTERY`, for exercise 9.3."""
    runs = {}
    for letter, run in MYSTERY.items():
        data = with_shuffled_labels(splits, seed) if run["shuffled_labels"] else splits
        runs[letter] = train(data, run["optimizer"], run["lr"], seed, epochs=epochs).history
    return runs
