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

import numbers

import numpy as np

from ._validation import describe

__all__ = ["MinMaxScaler", "NotFittedError", "StandardScaler"]


class NotFittedError(ValueError, AttributeError):
    """A scaler was used before ``fit`` (a ValueError, as in scikit-learn)."""


def _as_2d_finite(X, name: str = "X") -> np.ndarray:
    """``X`` as a float64 matrix with at least one row and column, all finite."""
    try:
        arr = np.array(X, dtype=float)  # a copy: a scaler never changes its input
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a 2-D array of numbers, (n_samples, n_features); "
                        f"got {describe(X)}.") from None
    if arr.ndim != 2:
        hint = (" For a single feature use X.reshape(-1, 1); for a single sample, X.reshape(1, -1)."
                if arr.ndim == 1 else "")
        raise ValueError(f"{name} must be 2-D, (n_samples, n_features); got shape {arr.shape}.{hint}")
    if arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ValueError(f"{name} is empty (shape {arr.shape}); expected at least one sample "
                         "and one feature.")
    if not np.all(np.isfinite(arr)):
        bad = int(arr.size - np.count_nonzero(np.isfinite(arr)))
        raise ValueError(f"{name} must be finite; it contains {bad} NaN or infinite value(s). "
                         "Remove or fill them before scaling.")
    return arr


def _safe_scale(scale: np.ndarray, constant: np.ndarray) -> np.ndarray:
    """Replace the scale of constant features by 1, so nothing is divided by zero."""
    scale = scale.copy()
    scale[constant | (scale == 0)] = 1.0
    return scale


class _Scaler:
    """Shared plumbing: the fitted check and the feature-count check."""

    _fitted_attribute = "n_features_in_"

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
        arr = _as_2d_finite(X, name)
        if arr.shape[1] != self.n_features_in_:
            raise ValueError(f"{name} has {arr.shape[1]} features, but this {type(self).__name__} "
                             f"was fitted on {self.n_features_in_} features.")
        return arr

    def __repr__(self) -> str:
        settings = ", ".join(f"{k}={v!r}" for k, v in self._settings().items())
        return f"{type(self).__name__}({settings})"

    def _settings(self) -> dict:
        """The settings that differ from the defaults (what ``repr`` shows)."""
        return {}


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
        self.clip = bool(clip)

    @staticmethod
    def _check_range(feature_range) -> tuple:
        try:
            low, high = feature_range
        except (TypeError, ValueError):
            raise TypeError("feature_range must be a pair (min, max), like (0, 1) or (-1, 1); "
                            f"got {describe(feature_range)}.") from None
        for value in (low, high):
            if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value):
                raise TypeError(f"feature_range must hold two finite numbers; got {feature_range!r}.")
        if not low < high:
            raise ValueError("The minimum of feature_range must be smaller than its maximum; "
                             f"got {tuple(feature_range)!r}.")
        return tuple(feature_range)

    def fit(self, X) -> "MinMaxScaler":
        """Learn each feature's minimum and maximum from ``X`` (the training set)."""
        X = _as_2d_finite(X)
        low, high = self._check_range(self.feature_range)
        self.n_features_in_ = X.shape[1]
        self.n_samples_seen_ = X.shape[0]
        self.data_min_ = X.min(axis=0)
        self.data_max_ = X.max(axis=0)
        self.data_range_ = self.data_max_ - self.data_min_
        constant = self.data_range_ < 10 * np.finfo(float).eps  # as scikit-learn
        self.scale_ = (high - low) / _safe_scale(self.data_range_, constant)
        self.min_ = low - self.data_min_ * self.scale_
        return self

    def transform(self, X) -> np.ndarray:
        """Apply the fitted map ``X * scale_ + min_`` to any split."""
        X = self._check_input(X, "transform")
        Z = X * self.scale_ + self.min_
        if self.clip:
            Z = np.clip(Z, *self.feature_range)
        return Z

    def inverse_transform(self, Z) -> np.ndarray:
        """Back to the original units: ``(Z - min_) / scale_``."""
        Z = self._check_input(Z, "inverse_transform", name="Z")
        return (Z - self.min_) / self.scale_

    def _settings(self):
        defaults = {"feature_range": (0, 1), "clip": False}  # shown only when changed
        current = {"feature_range": self.feature_range, "clip": self.clip}
        return {k: v for k, v in current.items() if v != defaults[k]}


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
        X = _as_2d_finite(X)
        n = X.shape[0]
        self.n_features_in_ = X.shape[1]
        self.n_samples_seen_ = n
        self.mean_ = X.mean(axis=0)
        self.var_ = X.var(axis=0)
        # As scikit-learn: a variance at the round-off level of the mean counts as zero.
        eps = np.finfo(float).eps
        constant = self.var_ <= n * eps * self.var_ + (n * self.mean_ * eps) ** 2
        self.scale_ = _safe_scale(np.sqrt(self.var_), constant)
        return self

    def transform(self, X) -> np.ndarray:
        """Apply ``(X - mean_) / scale_`` (fitted on the training set) to any split."""
        X = self._check_input(X, "transform")
        return (X - self.mean_) / self.scale_

    def inverse_transform(self, Z) -> np.ndarray:
        """Back to the original units: ``Z * scale_ + mean_``."""
        Z = self._check_input(Z, "inverse_transform", name="Z")
        return Z * self.scale_ + self.mean_
