"""Checks for chapter 4, batch, stochastic and mini-batch gradient descent."""

from __future__ import annotations

import numbers

import numpy as np

from .. import descent, models, optimizers
from ..experiments import batches
from ._core import as_number, exercise, failed, fmt, passed

__all__ = ["check_minibatch_iterator", "check_updates_per_epoch", "check_mse_gradient", "check_batch_budget",
           "check_minibatch_noise"]


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


#: Exercise 4.4 grades the median of this many shuffling seeds (the explorer shows seed 0 only).
BUDGET_SEEDS = range(5)


def _budget_excess(batch_size: int, lr: float, epochs: int = 2) -> np.ndarray:
    """% above the optimum after ``epochs`` for each seed of :data:`BUDGET_SEEDS` (inf where a run diverged)."""
    p = batches.airfoil_problem()
    excess = []
    for seed in BUDGET_SEEDS:
        history = descent.fit(p.model, p.X_train, p.y_train, optimizers.SGD(lr=lr), epochs=epochs,
                              batch_size=batch_size, seed=seed, params=np.zeros(p.model.n_params))
        excess.append(np.inf if history.diverged else 100 * (history.loss / p.best_loss - 1))
    return np.array(excess)


def _percent(excess: float) -> str:
    """An excess loss as the explorer's axis shows it: ``"1.30% above the optimum"``."""
    return f"{excess:,.2f}% above the optimum" if np.isfinite(excess) else "diverged"


def _in_words(excess: np.ndarray) -> str:
    """The median and range of a few runs' excess, in words."""
    if not np.all(np.isfinite(excess)):
        return f"{int(np.sum(~np.isfinite(excess)))} of {len(excess)} runs diverged"
    return (f"a median of {_percent(float(np.median(excess)))} (range {excess.min():,.2f}% to "
            f"{excess.max():,.2f}% over {len(excess)} shuffling seeds)")


@exercise("4.4", "a budget of samples (widget)")
def check_batch_budget(budget_batch_size, budget_lr):
    """Within 2 epochs, a batch size of at most 8 and a learning rate whose median run (5 seeds) is within 2%.

    The answers have names of their own: the chapter's earlier cells already define ``batch_size`` and
    ``lr``, which the check would read in a student edition where only one of the two was set."""
    batch_size, lr = budget_batch_size, budget_lr
    if isinstance(batch_size, bool) or not isinstance(batch_size, numbers.Integral) or not 1 <= batch_size <= 8:
        return failed(f"budget_batch_size should be a whole number from 1 to 8 (the memory limit); "
                      f"got {batch_size!r}.")
    if isinstance(lr, bool) or not isinstance(lr, numbers.Real) or not np.isfinite(lr) or lr <= 0:
        return failed(f"budget_lr should be a positive number such as 0.01; got {lr!r}.")
    batch_size, lr = int(batch_size), float(lr)
    excess = _budget_excess(batch_size, lr)
    target = 100 * batches.TARGET
    setting = f"B = {batch_size}, lr = {fmt(lr, 3)}"
    if np.sum(~np.isfinite(excess)) > len(excess) // 2:
        return failed(f"With {setting} most runs diverged: take a smaller learning rate.")
    median = float(np.median(excess))
    if median <= target:
        optimum = fmt(batches.airfoil_problem().best_loss, 5)
        return passed(f"{setting}: after 2 epochs the training MSE is {_in_words(excess)}: the median run "
                      f"is within {fmt(target)}% of the optimum ({optimum}).")
    halved, doubled = (float(np.median(_budget_excess(batch_size, lr * f))) for f in (0.5, 2.0))
    if halved < min(median, doubled):
        hint = (f"Halving the learning rate gives a median of {_percent(halved)}: the "
                "steps are so large that the mini-batch noise keeps the loss away from the optimum. "
                "Take a smaller learning rate.")
    else:
        hint = (f"Doubling the learning rate gives a median of {_percent(doubled)}: the "
                "steps are too small to arrive within 2 epochs. Take a larger learning rate.")
    return failed(f"{setting}: after 2 epochs the training MSE is {_in_words(excess)}; the median run is "
                  f"not within {fmt(target)}%. {hint}")


@exercise("4.5", "predict the noise of a mini-batch gradient")
def check_minibatch_noise(predicted_rms):
    """``predicted_rms`` should be sqrt(s_g²/B · (n − B)/(n − 1)) for B = 100 at the airfoil optimum."""
    try:
        guess = as_number(predicted_rms, "predicted_rms")
    except TypeError as error:
        return failed(f"{error}.")
    p = batches.airfoil_problem()
    n, B = p.n_train, 100
    A = np.column_stack([p.X_train, np.ones(n)])
    per_sample = 2 * (A @ p.best_params - p.y_train)[:, None] * A  # the gradient of each sample's loss
    s2_g = np.mean(np.sum((per_sample - per_sample.mean(axis=0)) ** 2, axis=1))
    exact = np.sqrt(s2_g / B * (n - B) / (n - 1))
    if not np.isfinite(guess) or guess <= 0:
        return failed(f"predicted_rms should be a positive number; got {guess!r}.")
    if abs(guess - exact) <= 0.01 * exact:
        rng = np.random.default_rng(0)
        draws = np.array([per_sample[rng.choice(n, size=B, replace=False)].mean(axis=0) for _ in range(4000)])
        sampled = np.sqrt(np.mean(np.sum((draws - per_sample.mean(axis=0)) ** 2, axis=1)))
        return passed(f"You predicted {guess:.4g}; 4,000 random mini-batches of 100 give a root-mean-square "
                      f"error of {sampled:.4g}, as the formula says (it holds exactly in expectation).")
    likely = [
        (s2_g / B * (n - B) / (n - 1), "That is the variance, the mean squared error: take its square root."),
        (np.sqrt(s2_g / B), "That leaves out the finite-population correction (n − B)/(n − 1): batches drawn "
                            "without replacement from n samples are a little less noisy."),
        (np.sqrt(s2_g / B ** 2 * (n - B) / (n - 1)), "That divides the variance by B²: the variance of a mean "
                                                     "of B samples is s_g²/B (times the correction)."),
        (np.sqrt(s2_g) / B, "That divides the standard deviation by B: the noise falls like 1/√B, not 1/B."),
        (np.sqrt(s2_g), "That is the noise of a single sample (B = 1): divide the variance by the batch size."),
        (np.sqrt(s2_g * (n - B) / (n - 1)), "That forgets to divide the variance by the batch size."),
    ]
    for value, hint in likely:
        if abs(guess - value) <= 0.01 * value:
            return failed(f"You predicted {guess:.4g}, not within 1% of the expected error. {hint}")
    direction = "too large" if guess > exact else "too small"
    return failed(f"You predicted {guess:.4g}, {direction} by more than 1%. Start from the variance of a sample "
                  "mean without replacement, s_g²/B · (n − B)/(n − 1), then take the square root.")
