"""Checks for chapter 4, batch, stochastic and mini-batch gradient descent."""

from __future__ import annotations

import numbers

import numpy as np

from .. import models
from ..experiments import batches
from ._core import exercise, failed, fmt, passed

__all__ = ["check_minibatch_iterator", "check_updates_per_epoch", "check_mse_gradient", "check_batch_budget"]


def _toy(n: int):
    """Ten-ish samples whose rows say who they are: X[i] = (i, 100 + i), y[i] = i."""
    i = np.arange(float(n))
    return np.column_stack([i, 100 + i]), i


def _epoch(my_batches, n: int, batch_size: int, seed: int):
    """The batches of one epoch as (list of X batches, list of y batches), checked for shape."""
    X, y = _toy(n)
    X_batches, y_batches = [], []
    for item in my_batches(X, y, batch_size, np.random.default_rng(seed)):
        try:
            X_batch, y_batch = item
        except (TypeError, ValueError):
            raise TypeError(f"each item should be a pair (X_batch, y_batch); got {item!r:.60}") from None
        X_batch, y_batch = np.asarray(X_batch), np.asarray(y_batch)
        if X_batch.ndim != 2 or X_batch.shape[1] != 2 or y_batch.ndim != 1:
            raise TypeError(f"X_batch should have shape (batch, 2) and y_batch shape (batch,); got "
                            f"{X_batch.shape} and {y_batch.shape}")
        X_batches.append(X_batch)
        y_batches.append(y_batch)
    return X_batches, y_batches


@exercise("4.1", "the mini-batch iterator")
def check_minibatch_iterator(my_batches):
    """``my_batches(X, y, batch_size, rng)`` should yield shuffled (X_batch, y_batch) pairs covering each sample once."""
    X_batches, y_batches = _epoch(my_batches, 10, 4, seed=0)
    sizes = [len(b) for b in y_batches]
    if any(len(xb) != len(yb) for xb, yb in zip(X_batches, y_batches)):
        return failed("An X batch and its y batch have different lengths; cut both with the same indices.")
    seen = np.concatenate(y_batches) if y_batches else np.array([])
    if sizes == [4, 4]:
        return failed("With 10 samples and batch_size=4 you yielded batches of sizes [4, 4]: the last, short "
                      "batch of 2 is missing. Keep it, so that every sample is used once per epoch.")
    if any(not np.array_equal(xb[:, 0], yb) for xb, yb in zip(X_batches, y_batches)):
        return failed("Some rows of X_batch are paired with the wrong labels in y_batch. Shuffle the indices "
                      "once (rng.permutation(n)) and cut X and y with the same index array.")
    if len(seen) != 10 or sorted(seen.tolist()) != list(range(10)):
        repeated = len(set(seen.tolist())) < len(seen)
        hint = (" Some samples appear twice: that is sampling with replacement (rng.integers or "
                "rng.choice(..., replace=True)); use a permutation." if repeated else "")
        return failed(f"One epoch should use each of the 10 samples exactly once; yours used "
                      f"{sorted(int(v) for v in seen)}.{hint}")
    if sizes != [4, 4, 2]:
        return failed(f"With 10 samples and batch_size=4 the batch sizes should be [4, 4, 2]; got {sizes}.")
    orders = [np.concatenate(_epoch(my_batches, 10, 4, seed)[1]) for seed in (0, 1, 2)]
    if all(np.array_equal(order, np.arange(10)) for order in orders):
        return failed("The samples come out in their stored order 0, 1, ..., 9: shuffle them with "
                      "rng.permutation(n) at the start of the epoch.")
    again = np.concatenate(_epoch(my_batches, 10, 4, 0)[1])
    if not np.array_equal(again, orders[0]):
        return failed("Two calls with generators of the same seed gave different orders: draw the "
                      "permutation from the rng argument, not from np.random's global state.")
    for n, batch_size, expected in [(10, 1, [1] * 10), (10, 10, [10]), (7, 3, [3, 3, 1])]:
        got = [len(b) for b in _epoch(my_batches, n, batch_size, 3)[1]]
        if got != expected:
            return failed(f"With {n} samples and batch_size={batch_size} the sizes should be {expected}; got {got}.")
    return passed("Every sample once per epoch, in a fresh random order drawn from rng, rows kept with "
                  "their labels, and the short last batch kept.")


@exercise("4.2", "updates per epoch")
def check_updates_per_epoch(updates_per_epoch):
    """``updates_per_epoch(n_samples, batch_size)`` should be ceil(n / B), and 1 for batch_size=None."""
    cases = [(1202, 32, 38), (1202, 1, 1202), (100, 10, 10), (10, 3, 4), (5, 5, 1), (1202, None, 1)]
    for n, batch_size, expected in cases:
        got = updates_per_epoch(n, batch_size)
        if isinstance(got, bool) or not isinstance(got, numbers.Integral):
            if isinstance(got, numbers.Real) and float(got) == expected:
                return failed(f"updates_per_epoch({n}, {batch_size}) returned {got!r}, a float: the number of "
                              "updates is a whole number; return an int.")
            return failed(f"updates_per_epoch({n}, {batch_size}) returned {got!r}; expected the integer {expected}.")
        if got != expected:
            if batch_size is not None and got == n // batch_size:
                hint = (f"That is {n} // {batch_size}, which drops the short last batch of "
                        f"{n % batch_size} samples; round up instead: -(-n // batch_size).")
            elif batch_size is None:
                hint = "batch_size=None means the full batch: one update per epoch."
            else:
                hint = "One update per batch, and the last batch may be short: ceil(n / batch_size)."
            return failed(f"updates_per_epoch({n}, {batch_size}) returned {got}, expected {expected}. {hint}")
    return passed("ceil(n / B) updates per epoch, the short last batch counted, and 1 for the full batch: "
                  "for the airfoil training set that is 1,202 stochastic, 38 mini-batch (B = 32) and 1 full-batch update.")


@exercise("4.3", "a vectorized gradient")
def check_mse_gradient(mse_gradient):
    """``mse_gradient(params, X, y)`` should be the gradient of the mean squared error of a linear model."""
    rng = np.random.default_rng(4)
    X, y = rng.normal(size=(50, 3)), rng.normal(size=50)
    params = rng.normal(size=4)
    expected = models.LinearRegression(3).grad(params, X, y)
    got = np.asarray(mse_gradient(params.copy(), X.copy(), y.copy()), dtype=float)
    if got.shape != expected.shape:
        hint = (" The bias needs its entry too: the last one, the mean of 2 (ŷ − y)."
                if got.shape == (3,) else "")
        return failed(f"The gradient should have the shape of params, (4,); got shape {got.shape}.{hint}")
    if np.allclose(got, expected, rtol=1e-9, atol=1e-12):
        return passed("Matches the hand-written gradient [2/n Xᵀ(ŷ − y), 2/n Σ(ŷ − y)], computed for all "
                      "samples at once.")
    if np.allclose(got, expected / 2):
        hint = "That is half the gradient: the derivative of r² is 2r."
    elif np.allclose(got, expected * len(X)):
        hint = "That is n times the gradient: the loss is the mean over samples, so divide the sum by n."
    elif np.allclose(got, -expected):
        hint = "The sign is flipped: the residual is ŷ − y (prediction minus target)."
    else:
        hint = "Compute the residuals r = X @ w + b − y once, then 2/n X.T @ r and 2/n r.sum()."
    return failed(f"For a random test case your gradient is {np.round(got, 4).tolist()}, expected "
                  f"{np.round(expected, 4).tolist()}. {hint}")


@exercise("4.4", "a budget of samples (widget)")
def check_batch_budget(batch_size, lr):
    """Within 2 epochs, a batch size of at most 8 and a learning rate reaching 2% of the optimum."""
    if isinstance(batch_size, bool) or not isinstance(batch_size, numbers.Integral) or not 1 <= batch_size <= 8:
        return failed(f"batch_size should be a whole number from 1 to 8 (the memory limit); got {batch_size!r}.")
    if isinstance(lr, bool) or not isinstance(lr, numbers.Real) or not np.isfinite(lr) or lr <= 0:
        return failed(f"lr should be a positive number such as 0.01; got {lr!r}.")
    p = batches.airfoil_problem()
    history = batches.budget_run(int(batch_size), float(lr), epochs=2)
    if history.diverged:
        return failed(f"With B = {batch_size} and lr = {fmt(lr, 3)} the run diverged: take a smaller learning rate.")
    excess = 100 * (history.loss / p.best_loss - 1)
    target = 100 * batches.TARGET
    words = batches.describe_excess(excess)
    if excess <= target:
        return passed(f"B = {batch_size}, lr = {fmt(lr, 3)}: after 2 epochs the training MSE is "
                      f"{fmt(history.loss, 5)}, {words} ({fmt(p.best_loss, 5)}), within {fmt(target)}%.")
    neighbours = {}
    for factor in (0.5, 2.0):
        run = batches.budget_run(int(batch_size), float(lr) * factor, epochs=2)
        neighbours[factor] = np.inf if run.diverged else 100 * (run.loss / p.best_loss - 1)
    if neighbours[0.5] < min(excess, neighbours[2.0]):
        hint = (f"Halving the learning rate gives {batches.describe_excess(neighbours[0.5])}: the "
                "steps are so large that the mini-batch noise keeps the loss away from the optimum. "
                "Take a smaller learning rate.")
    else:
        hint = (f"Doubling the learning rate gives {batches.describe_excess(neighbours[2.0])}: the "
                "steps are too small to arrive within 2 epochs. Take a larger learning rate.")
    return failed(f"B = {batch_size}, lr = {fmt(lr, 3)}: after 2 epochs the training MSE is {words}, "
                  f"not within {fmt(target)}%. {hint}")
