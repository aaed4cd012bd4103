r"""Feature scaling: fit the statistics on the training set, apply them to any split.

Two scalers with scikit-learn's names and behaviour, so that what a reader
learns here carries over:

* :class:`MinMaxScaler` maps each feature onto ``feature_range = (a, b)``,

  .. math:: x' = a + (x - x_{\min})\,\frac{b - a}{x_{\max} - x_{\min}};

* :class:`StandardScaler` turns each feature into z-scores,

  .. math:: x'_j = \frac{x_j - \bar x_j}{s_j}
      \quad (s_j \text{ the population standard deviation, ddof } = 0).

Both follow the same protocol: ``fit(X_train)`` learns the per-feature
statistics (and returns the scaler, so calls chain), ``transform(X)`` applies
them to any split, ``inverse_transform(Z)`` maps back to the original units.
A constant feature (zero range, zero variance) gets a scale of 1 instead of a
division by zero, exactly as in scikit-learn. ``X`` is always 2-D,
``(n_samples, n_features)``.
"""

from __future__ import annotations

import numpy as np

from ._hyperparameters import Hyperparameters
from ._validation import as_finite_matrix, as_real, check_flag, describe

__all__ = ["MinMaxScaler", "NotFittedError", "StandardScaler"]


class NotFittedError(ValueError, AttributeError):
    """A scaler was used before ``fit`` (a ValueError, as in scikit-learn)."""


def _safe_scale(scale: np.ndarray, constant: np.ndarray) -> np.ndarray:
    """Replace the scale of constant features by 1, so nothing is divided by zero."""
    scale = scale.copy()
    scale[constant | (scale == 0)] = 1.0
    return scale


class _Scaler(Hyperparameters):
    """Shared plumbing: the fitted check and the feature-count check; ``repr`` shows changed settings."""

    _fitted_attribute = "n_features_in_"
    _repr_defaults = False  # as scikit-learn: only the settings that differ from the defaults

    def fit_transform(self, X) -> np.ndarray:
        """``fit(X)`` then ``transform(X)``: only ever call it on the training set."""
        return self.fit(X).transform(X)

    def _check_fitted(self, method: str) -> None:
        if not hasattr(self, self._fitted_attribute):
            raise NotFittedError(
                f"This {type(self).__name__} is not fitted yet: call fit(X_train) before {method}()."
            )

    def _check_input(self, X, method: str, name: str = "X") -> np.ndarray:
        self._check_fitted(method)
        arr = as_finite_matrix(X, name)
        if arr.shape[1] != self.n_features_in_:
            raise ValueError(f"{name} has {arr.shape[1]} features, but this {type(self).__name__} "
                             f"was fitted on {self.n_features_in_} features.")
        return arr

    @staticmethod
    def _finite(Z: np.ndarray, method: str) -> np.ndarray:
        """The result of ``method``, refused if it overflowed (inputs far outside the training range)."""
        if not np.all(np.isfinite(Z)):
            raise ValueError(f"{method} overflowed: the input lies so far outside the training data "
                             "that the scaled values exceed the largest float (about 1.8e308).")
        return Z

    @staticmethod
    def _check_fitted_statistics(name: str, values: np.ndarray) -> None:
        """Refuse statistics that overflowed (values near the largest float)."""
        if not np.all(np.isfinite(values)):
            raise ValueError(f"X is too large to scale: its {name} overflows float64 (values near 1e308). "
                             "Divide X by a large power of 10 first.")


class MinMaxScaler(_Scaler):
    r"""Scale each feature linearly onto ``feature_range = (a, b)``.

    Fitted attributes (as in scikit-learn): ``data_min_``, ``data_max_``,
    ``data_range_`` (:math:`x_{\max} - x_{\min}`), ``scale_``
    (:math:`(b - a) / (x_{\max} - x_{\min})`, with a zero range counted as 1)
    and ``min_`` (:math:`a - x_{\min} \cdot` ``scale_``), so that
    ``transform(X) == X * scale_ + min_``. A constant feature maps to ``a``.

    With ``clip=True``, transformed values of new data outside the training
    range are clipped into ``feature_range``.

    >>> MinMaxScaler().fit_transform([[1.0], [3.0], [5.0]]).ravel().tolist()
    [0.0, 0.5, 1.0]
    """

    def __init__(self, feature_range=(0, 1), clip: bool = False):
        self.feature_range = self._check_range(feature_range)
        self.clip = check_flag(clip, "clip")

    @staticmethod
    def _check_range(feature_range) -> tuple:
        try:
            low, high = feature_range
        except (TypeError, ValueError):
            raise TypeError("feature_range must be a pair (min, max), like (0, 1) or (-1, 1); "
                            f"got {describe(feature_range)}.") from None
        low, high = as_real(low, "feature_range[0]", finite=True), as_real(high, "feature_range[1]", finite=True)
        if not low < high:
            raise ValueError("The minimum of feature_range must be smaller than its maximum; "
                             f"got {tuple(feature_range)!r}.")
        return tuple(feature_range)

    def fit(self, X) -> "MinMaxScaler":
        """Learn each feature's minimum and maximum from ``X`` (the training set)."""
        X = as_finite_matrix(X)
        low, high = self._check_range(self.feature_range)
        self.n_features_in_ = X.shape[1]
        self.n_samples_seen_ = X.shape[0]
        self.data_min_ = X.min(axis=0)
        self.data_max_ = X.max(axis=0)
        with np.errstate(over="ignore", invalid="ignore"):
            self.data_range_ = self.data_max_ - self.data_min_
        self._check_fitted_statistics("range", self.data_range_)
        constant = self.data_range_ < 10 * np.finfo(float).eps  # as scikit-learn
        self.scale_ = (high - low) / _safe_scale(self.data_range_, constant)
        self.min_ = low - self.data_min_ * self.scale_
        return self

    def transform(self, X) -> np.ndarray:
        """Apply the fitted map ``X * scale_ + min_`` to any split."""
        X = self._check_input(X, "transform")
        with np.errstate(over="ignore", invalid="ignore"):
            Z = self._finite(X * self.scale_ + self.min_, "transform")
        if self.clip:
            Z = np.clip(Z, *self.feature_range)
        return Z

    def inverse_transform(self, Z) -> np.ndarray:
        """Back to the original units: ``(Z - min_) / scale_``."""
        Z = self._check_input(Z, "inverse_transform", name="Z")
        with np.errstate(over="ignore", invalid="ignore"):
            return self._finite((Z - self.min_) / self.scale_, "inverse_transform")


class StandardScaler(_Scaler):
    r"""Standardize each feature: subtract its mean, divide by its standard deviation.

    Fitted attributes (as in scikit-learn): ``mean_`` (:math:`\bar x_j`), ``var_``
    (:math:`s_j^2`, the population variance), ``scale_`` (:math:`s_j`,
    with a constant feature's 0 replaced by 1) and ``n_samples_seen_``, so
    that ``transform(X) == (X - mean_) / scale_``. A constant feature maps to 0.

    >>> StandardScaler().fit_transform([[1.0], [3.0], [5.0]]).ravel().round(4).tolist()
    [-1.2247, 0.0, 1.2247]
    """

    def fit(self, X) -> "StandardScaler":
        """Learn each feature's mean and standard deviation from ``X`` (the training set)."""
        X = as_finite_matrix(X)
        n = X.shape[0]
        with np.errstate(over="ignore", invalid="ignore"):
            mean, var = X.mean(axis=0), X.var(axis=0)
        self._check_fitted_statistics("mean", mean)
        self._check_fitted_statistics("variance", var)
        self.n_features_in_ = X.shape[1]
        self.n_samples_seen_ = n
        self.mean_ = mean
        self.var_ = var
        # As scikit-learn: a variance at the round-off level of the mean counts as zero.
        eps = np.finfo(float).eps
        constant = self.var_ <= n * eps * self.var_ + (n * self.mean_ * eps) ** 2
        self.scale_ = _safe_scale(np.sqrt(self.var_), constant)
        return self

    def transform(self, X) -> np.ndarray:
        """Apply ``(X - mean_) / scale_`` (fitted on the training set) to any split."""
        X = self._check_input(X, "transform")
        with np.errstate(over="ignore", invalid="ignore"):
            return self._finite((X - self.mean_) / self.scale_, "transform")

    def inverse_transform(self, Z) -> np.ndarray:
        """Back to the original units: ``Z * scale_ + mean_``."""
        Z = self._check_input(Z, "inverse_transform", name="Z")
        with np.errstate(over="ignore", invalid="ignore"):
            return self._finite(Z * self.scale_ + self.mean_, "inverse_transform")
