r"""Chapter 7's experiment: how feature scaling turns a needle-thin valley round.

The landscape is the least-squares loss of the airfoil data (training
split) with two inputs, frequency (Hz, in the thousands) and suction-side
displacement thickness (m, around 0.01), as a function of their two weights.
The intercept takes its best value for every pair of weights (that is the
same as centring both inputs and the target), so the picture is 2-D:

.. math::
    L(w) - L^* = \tfrac12 (w - w^*)^\top H (w - w^*), \qquad
    H = \tfrac{2}{n} X_c^\top X_c ,

a :class:`gdcore.objectives.Quadratic` (:func:`scaling_problem`), after one
of :data:`SCALINGS` and with the thickness in a unit of one's choice.
Gradient descent from :math:`w = 0` at the best fixed step
:math:`\alpha = 2/(\lambda_{\max} + \lambda_{\min})` needs
:func:`exact_steps_to_tolerance` steps to come within :data:`TOLERANCE`
(0.1 %) of the best loss, computed exactly from the eigenvalues (they can
run into the billions); :func:`excess_loss` is the loss along the way.
"""

from __future__ import annotations

import functools

import numpy as np

from .. import data, objectives, preprocessing
from .._validation import check_choice, check_positive

__all__ = ["SCALINGS", "TOLERANCE", "FEATURES", "SHORT", "scaling_problem", "excess_loss",
           "exact_steps_to_tolerance", "steps_text"]

#: The scalings the explorer offers.
SCALINGS = ("none", "min-max", "standard")

#: Gradient descent has converged once the loss is within this fraction of the best loss.
TOLERANCE = 1e-3

#: The two airfoil inputs of the picture, and their short names.
FEATURES = ("frequency_hz", "suction_side_displacement_thickness_m")
SHORT = ("frequency", "thickness")


@functools.lru_cache(maxsize=1)
def _training_data() -> tuple[np.ndarray, np.ndarray]:
    """The two inputs and the target of the airfoil training split (80 %, seed 0)."""
    airfoil = data.load_airfoil()
    columns = [airfoil.feature_names.index(name) for name in FEATURES]
    X_train, _, y_train, _ = data.train_test_split(airfoil.X[:, columns], airfoil.y, 0.2, seed=0)
    return X_train, y_train


def scaling_problem(scaling: str = "none", factor: float = 1.0, X=None, y=None) -> objectives.Quadratic:
    r"""The 2-D least-squares landscape after ``scaling``, with the second input times ``factor``.

    Returns a :class:`~gdcore.objectives.Quadratic` whose value is the excess
    loss :math:`L(w) - L^*` (the intercept at its best); its attribute
    ``best_loss`` is :math:`L^*`, the mean squared error of the best fit.
    Without ``X, y`` it uses the airfoil training split (frequency, thickness).
    """
    check_choice(scaling, "scaling", SCALINGS)
    factor = check_positive(factor, "factor")
    if X is None or y is None:
        X, y = _training_data()
    X = np.asarray(X, dtype=float) * np.array([1.0, factor])
    if scaling == "min-max":
        X = preprocessing.MinMaxScaler().fit_transform(X)
    elif scaling == "standard":
        X = preprocessing.StandardScaler().fit_transform(X)
    Xc, yc = X - X.mean(axis=0), y - y.mean()  # the best intercept, for every pair of weights
    n = len(yc)
    bowl = objectives.Quadratic(2.0 / n * Xc.T @ Xc, 2.0 / n * Xc.T @ yc,
                                name=f"{scaling} scaling, thickness × {factor:g}")
    w_best = bowl.minima[0]
    bowl.best_loss = float(np.mean((Xc @ w_best - yc) ** 2))
    bowl.labels = (f"weight of {SHORT[0]}", f"weight of {SHORT[1]}")
    return bowl


def excess_loss(bowl, lr: float, start, t) -> np.ndarray:
    r"""Excess loss after ``t`` gradient descent steps (``t`` real, vectorized), exactly.

    In the eigenbasis of :math:`H` every coordinate of the error shrinks by
    :math:`|1 - \alpha\lambda_i|` per step, so
    :math:`L_t - L^* = \sum_i \tfrac12 \lambda_i c_i^2 |1 - \alpha\lambda_i|^{2t}`.
    """
    lam, Q = np.linalg.eigh(bowl.A)
    c = Q.T @ (np.asarray(start, dtype=float) - bowl.minima[0])
    # log|1 - a| for 0 < a < 2, accurately even when a is within 1e-12 of 0 or 2
    a = lr * lam
    log_rate = np.log1p(-np.minimum(a, 2.0 - a))
    t = np.asarray(t, dtype=float)
    return np.sum(0.5 * lam * c**2 * np.exp(2.0 * np.multiply.outer(t, log_rate)), axis=-1)


def exact_steps_to_tolerance(bowl, lr: float | None = None, start=(0.0, 0.0),
                             tolerance: float = TOLERANCE) -> int:
    """The number of gradient descent steps from ``start`` until the loss is within
    ``tolerance`` (a fraction) of the best loss; exact, however many billions it is.

    ``lr`` defaults to the best fixed step ``bowl.best_lr``; it must be below
    the stability limit ``2 / λ_max`` (beyond it the loss never gets there).
    (Chapter 5's :func:`gdcore.experiments.race.steps_to_tolerance` reads
    the same kind of count off a finished run instead.)
    """
    lr = bowl.best_lr if lr is None else check_positive(lr, "lr")
    if lr >= bowl.stability_limit:
        raise ValueError(f"lr = {lr:.4g} is not below the stability limit 2/L = {bowl.stability_limit:.4g}: "
                         "gradient descent does not converge.")
    target = tolerance * bowl.best_loss
    if excess_loss(bowl, lr, start, 0) <= target:
        return 0
    low, high = 0, 1
    while excess_loss(bowl, lr, start, high) > target:  # each term shrinks, so the excess loss does
        low, high = high, high * 2
    while high - low > 1:
        middle = (low + high) // 2
        if excess_loss(bowl, lr, start, middle) > target:
            low = middle
        else:
            high = middle
    return high


def steps_text(steps: int, style: str = "plain") -> str:
    """A step count for people: ``1,035``, or ``1.0 × 10^11`` as ``style`` writes powers
    (``"plain"``, ``"html"`` or ``"tex"``, matplotlib's mathtext)."""
    if steps < 1_000_000:
        return f"{steps:,}"
    exponent = int(np.floor(np.log10(steps)))
    mantissa = f"{steps / 10**exponent:.1f}"
    if style == "html":
        return f"{mantissa} × 10<sup>{exponent}</sup>"
    if style == "tex":
        return rf"${mantissa} \times 10^{{{exponent}}}$"
    return f"{mantissa} × 10^{exponent}"
