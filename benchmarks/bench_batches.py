"""Chapter 4: the cost of an epoch against the batch size, vectorized and not, and the batch explorer.

* One epoch of mini-batch descent (B = 32) on the standardized airfoil
  training set (1,202 samples, 5 features) with ``descent.fit``; target
  under 5 ms. Next to it the same epoch with the gradient summed sample by
  sample in plain Python, as one would write it without numpy.
* Milliseconds per epoch and microseconds per update for batch sizes from
  1 (stochastic) to the full batch: the same arithmetic per epoch, very
  different numbers of Python-level steps.
* ``BatchExplorer.update``: warm (runs cached, only the budget moves) and
  cold (a learning rate not seen before: three runs of 5 epochs first).
"""

import time

import numpy as np
from timing import median_ms

from gdcore import data, descent, models, optimizers, widgets
from gdcore.experiments import batches


def naive_epoch(params, X, y, lr, batch_size, rng):
    """One epoch of mini-batch SGD on the mean squared error, one sample at a time in pure Python."""
    w, b = [float(v) for v in params[:-1]], float(params[-1])
    rows, targets = X.tolist(), y.tolist()
    order = rng.permutation(len(rows)).tolist()
    for start in range(0, len(order), batch_size):
        batch = order[start:start + batch_size]
        grad_w, grad_b = [0.0] * len(w), 0.0
        for i in batch:
            x = rows[i]
            residual = sum(wj * xj for wj, xj in zip(w, x)) + b - targets[i]
            for j, xj in enumerate(x):
                grad_w[j] += 2 * residual * xj / len(batch)
            grad_b += 2 * residual / len(batch)
        w = [wj - lr * gj for wj, gj in zip(w, grad_w)]
        b -= lr * grad_b
    return np.array(w + [b])


def per_sample_numpy_epoch(model, params, X, y, lr, batch_size, rng):
    """One epoch of mini-batch SGD with numpy, but the gradient of each sample computed separately."""
    order = rng.permutation(len(X))
    for start in range(0, len(order), batch_size):
        batch = order[start:start + batch_size]
        grad = np.zeros_like(params)
        for i in batch:
            grad += model._grad(params, X[i:i + 1], y[i:i + 1])
        params = params - lr * grad / len(batch)
    return params


def _timed(fn, *args) -> float:
    start = time.perf_counter()
    fn(*args)
    return (time.perf_counter() - start) * 1000


def compare_epochs(model, X, y, label):
    """Time one B = 32 epoch three ways; check they make the same updates."""
    start = np.zeros(model.n_params)

    def vectorized():
        return descent.fit(model, X, y, optimizers.SGD(lr=0.01), epochs=1, batch_size=32, seed=0, params=start)

    expected = vectorized().params
    for loop in (naive_epoch, lambda *a: per_sample_numpy_epoch(model, *a)):
        assert np.allclose(loop(start, X, y, 0.01, 32, np.random.default_rng(0)), expected, rtol=1e-9, atol=1e-9)
    fast = median_ms(vectorized, repeat=30)
    python = median_ms(lambda: naive_epoch(start, X, y, 0.01, 32, np.random.default_rng(0)), repeat=7)
    rows = median_ms(lambda: per_sample_numpy_epoch(model, start, X, y, 0.01, 32, np.random.default_rng(0)),
                     repeat=7)
    print(f"one epoch, B = 32, {label}: {len(y)} samples x {X.shape[1]} features "
          f"({data.n_batches(len(y), 32)} updates)")
    print(f"  descent.fit (numpy, vectorized over the batch): {fast:8.2f} ms")
    print(f"  per-sample loop, pure Python:                   {python:8.2f} ms ({python / fast:4.0f}x slower)")
    print(f"  per-sample loop, numpy on one row at a time:    {rows:8.2f} ms ({rows / fast:4.0f}x slower)")


def main() -> None:
    p = batches.airfoil_problem()
    X, y, model = p.X_train, p.y_train, p.model
    start = np.zeros(model.n_params)

    def fit_epoch(batch_size):
        return descent.fit(model, X, y, optimizers.SGD(lr=0.01), epochs=1, batch_size=batch_size,
                           seed=0, params=start)

    compare_epochs(model, X, y, "airfoil (target for fit: < 5 ms)")
    X_wide, y_wide, _ = data.make_linear_regression(len(y), 64, seed=0)
    compare_epochs(models.LinearRegression(64), X_wide, y_wide, "synthetic, as wide as the digits")

    print("\nms per epoch against batch size (descent.fit, numpy; median and best of 15, since a shared")
    print("machine's load inflates the median of the longer runs more):")
    print(f"  {'B':>6} {'updates':>8} {'median ms':>10} {'best ms':>8} {'best us/update':>15}")
    for batch_size in (1, 4, 16, 32, 64, 256, None):
        updates = data.n_batches(len(y), batch_size)
        times = []
        median = median_ms(lambda: times.append(_timed(fit_epoch, batch_size)), repeat=15)
        best = min(times)
        label = "full" if batch_size is None else batch_size
        print(f"  {label:>6} {updates:8d} {median:10.2f} {best:8.2f} {1000 * best / updates:15.1f}")

    explorer = widgets.BatchExplorer(batch_size=32, lr=0.05, epochs=2)
    budgets = iter([1, 2, 3, 4, 5] * 20)
    warm = median_ms(lambda: explorer.update(epochs=next(budgets)), repeat=20)
    batches.excess_curve.cache_clear()
    rates = iter(batches.LRS * 3)
    cold = median_ms(lambda: explorer.update(lr=next(rates)), repeat=len(batches.LRS), warmup=0)
    print(f"\nBatchExplorer.update (chapter 4): {warm:6.1f} ms median when the runs are cached "
          f"(budget slider), {cold:6.1f} ms for a learning rate not seen before")


if __name__ == "__main__":
    main()
