"""Chapter 4's experiment: batch, stochastic and mini-batch descent on the airfoil data.

Every run is linear regression on the standardized airfoil training set
(:func:`airfoil_problem`), from all-zero parameters, shuffled with seed 0,
with plain SGD (:func:`budget_run`); :func:`excess_curve` is its training
loss above the least-squares optimum along the way (in %), cached, which is
what chapter 4's explorer draws and exercise 4.4 checks against
:data:`TARGET`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from .. import data, descent, models, optimizers, preprocessing

__all__ = ["AirfoilProblem", "airfoil_problem", "budget_run", "excess_curve", "describe_excess",
           "LRS", "BATCH_SIZES", "MAX_EPOCHS", "TARGET", "SEED"]

#: The learning rates and batch sizes the explorer's sliders offer.
LRS = (0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5)
BATCH_SIZES = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512)
#: The most epochs a run makes (the budget slider's range).
MAX_EPOCHS = 5
#: The target of exercise 4.4: a training MSE at most 2% above the optimum.
TARGET = 0.02
SEED = 0


@dataclass(frozen=True)
class AirfoilProblem:
    """The chapter's regression problem: standardized airfoil data and its exact optimum."""

    X_train: np.ndarray
    X_test: np.ndarray
    y_train: np.ndarray
    y_test: np.ndarray
    model: models.LinearRegression
    best_params: np.ndarray
    best_loss: float

    @property
    def n_train(self) -> int:
        return len(self.y_train)


@functools.lru_cache(maxsize=1)
def airfoil_problem() -> AirfoilProblem:
    """The airfoil data split 80/20 (seed 0), standardized with training statistics, and solved exactly."""
    ds = data.load_airfoil()
    X_train, X_test, y_train, y_test = data.train_test_split(ds.X, ds.y, test_fraction=0.2, seed=0)
    scaler = preprocessing.StandardScaler().fit(X_train)
    X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
    model = models.LinearRegression(X_train.shape[1])
    best = model.solve(X_train, y_train)
    return AirfoilProblem(X_train, X_test, y_train, y_test, model, best,
                          model.loss(best, X_train, y_train))


def budget_run(batch_size, lr, epochs: int, record_path: bool = False) -> descent.History:
    """``fit`` on the airfoil problem from zeros with plain SGD: (seed 0): the runs the explorer shows."""
    p = airfoil_problem()
    return descent.fit(p.model, p.X_train, p.y_train, optimizers.SGD(lr=lr), epochs=epochs,
                       batch_size=batch_size, seed=SEED, params=np.zeros(p.model.n_params),
                       record_path=record_path)


@functools.lru_cache(maxsize=128)
def excess_curve(batch_size, lr: float, epochs: int = MAX_EPOCHS, points: int = 120):
    """``(epochs_seen, excess %, history)`` of a run: the training loss above the optimum along the way.

    The loss is evaluated at about ``points`` evenly spaced updates (every
    update when there are fewer) and at the end of every epoch, so a curve
    costs about the same to draw for any batch size.
    """
    p = airfoil_problem()
    history = budget_run(batch_size, lr, epochs, record_path=True)
    made = len(history.path) - 1  # updates made (a diverged run's last attempt is not one)
    epoch_ends = np.arange(0, made + 1, history.updates_per_epoch)
    spread = np.linspace(0, made, min(points, made + 1)).round().astype(int)
    updates = np.union1d(spread, epoch_ends)
    seen = np.append(0, history.samples_seen[:made])[updates]
    losses = history.path_losses(p.model, p.X_train, p.y_train, updates)
    excess = 100 * (losses / p.best_loss - 1)
    return seen / p.n_train, excess, history


def describe_excess(excess: float) -> str:
    """An excess loss in words: ``"1.30% above the optimum"`` or ``"154 times the optimum"``."""
    if not np.isfinite(excess):
        return "diverged"
    if excess < 100:
        return f"{excess:.2f}% above the optimum"
    ratio = 1 + excess / 100
    return f"{ratio:.3g} times the optimum" if ratio < 1000 else f"{ratio:,.0f} times the optimum"
