r"""Data: the real data sets the book ships, synthetic ones, splitting and batching.

Conventions follow scikit-learn: inputs ``X`` have shape
``(n_samples, n_features)``, targets ``y`` have shape ``(n_samples,)``.
Everything random takes a ``numpy.random.Generator`` or an int seed.

The real data sets live next to this module in ``gdcore/data/`` (see its
README for sources, licences and attribution; all are CC BY 4.0):

* :func:`load_airfoil`: NASA airfoil self-noise, regression, 1,503 x 5;
* :func:`load_breast_cancer`: Breast Cancer Wisconsin (diagnostic), binary
  classification, 569 x 30;
* :func:`load_digits`: 8x8 handwritten digits, 10 classes, 1,797 x 64.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import numpy as np

from ._validation import (as_finite_array, as_generator, as_real, check_flag, check_in_range, check_int,
                          check_positive, check_X_y, describe)

DATA_DIR = Path(__file__).resolve().parent / "data"

__all__ = [
    "Dataset", "load_airfoil", "load_breast_cancer", "load_digits",
    "check_X_y", "as_generator", "train_test_split", "batches", "n_batches",
    "make_linear_regression", "make_two_blobs",
]


@dataclass(frozen=True)
class Dataset:
    """A data set: inputs ``X`` (n_samples, n_features), target ``y`` (n_samples,) and what they mean."""

    X: np.ndarray
    y: np.ndarray
    feature_names: tuple[str, ...]
    target_name: str
    description: str
    citation: str = ""
    target_names: tuple[str, ...] = field(default=())

    @property
    def n_samples(self) -> int:
        return self.X.shape[0]

    @property
    def n_features(self) -> int:
        return self.X.shape[1]

    def __repr__(self) -> str:
        return (f"Dataset({self.description.split('.')[0]}: {self.n_samples} samples x "
                f"{self.n_features} features, target {self.target_name!r})")


# --------------------------------------------------------------------------- #
# The shipped real data
# --------------------------------------------------------------------------- #

@functools.cache
def _read_tsv(filename: str) -> tuple[tuple[str, ...], np.ndarray]:
    """The header and the rows (as strings, read-only) of a packaged tab-separated file, read once
    per process (the grader reads them all before any student's code runs)."""
    path = DATA_DIR / filename
    if not path.exists():
        raise FileNotFoundError(f"the data file {filename} is missing from gdcore/data/; "
                                "reinstall gdcore (it ships its data sets).")
    with open(path, encoding="utf-8") as handle:
        header = tuple(handle.readline().rstrip("\n").split("\t"))
    rows = np.loadtxt(path, delimiter="\t", skiprows=1, dtype=str, ndmin=2)
    rows.flags.writeable = False
    return header, rows


def load_airfoil() -> Dataset:
    """NASA airfoil self-noise: predict the sound pressure level (dB) from 5 inputs.

    1,503 wind-tunnel measurements of NACA 0012 airfoil sections. The inputs
    span six orders of magnitude (frequency in the thousands of Hz, thickness
    around 0.01 m), which is why they are standardized before descent.
    """
    header, rows = _read_tsv("airfoil_self_noise.tsv")
    values = rows.astype(float)
    return Dataset(
        X=values[:, :-1], y=values[:, -1],
        feature_names=tuple(header[:-1]), target_name=header[-1],
        description=("NASA airfoil self-noise. Scaled sound pressure level (dB) of NACA 0012 "
                     "airfoil sections in a wind tunnel, from frequency, angle of attack, chord "
                     "length, free-stream velocity and suction-side displacement thickness."),
        citation=("T. Brooks, D. Pope, M. Marcolini, \"Airfoil Self-Noise\", UCI Machine Learning "
                  "Repository, 1989/2014, doi:10.24432/C5VW2C. Licence: CC BY 4.0."),
    )


def load_breast_cancer() -> Dataset:
    """Breast Cancer Wisconsin (diagnostic): is a breast mass malignant (1) or benign (0)?

    569 fine-needle aspirates, 30 features of the cell nuclei (mean, standard
    error and worst value of ten measurements), with scales from about 0.003
    to about 570.
    """
    header, rows = _read_tsv("breast_cancer_wisconsin.tsv")
    diagnosis = rows[:, -1]
    unknown = sorted(set(diagnosis) - {"M", "B"})
    if unknown:
        raise ValueError(f"breast_cancer_wisconsin.tsv has unexpected diagnoses {unknown}; expected 'M' or 'B'.")
    return Dataset(
        X=rows[:, :-1].astype(float), y=(diagnosis == "M").astype(float),
        feature_names=tuple(header[:-1]), target_name="malignant",
        description=("Breast Cancer Wisconsin (diagnostic). Whether a breast mass is malignant "
                     "(y = 1) or benign (y = 0), from 30 features of its cell nuclei."),
        citation=("W. Wolberg, O. Mangasarian, N. Street, W. Street, \"Breast Cancer Wisconsin "
                  "(Diagnostic)\", UCI Machine Learning Repository, 1993, doi:10.24432/C5DW2B. "
                  "Licence: CC BY 4.0."),
        target_names=("benign", "malignant"),
    )


def load_digits() -> Dataset:
    """8x8 handwritten digits: which digit (0..9) is in an 8x8 image?

    1,797 images, 64 pixel intensities each (integers 0..16, row by row, as
    float64), labels are integers 0..9.
    """
    header, rows = _read_tsv("optdigits_8x8.tsv")
    values = rows.astype(float)
    return Dataset(
        X=values[:, :-1], y=values[:, -1].astype(np.int64),
        feature_names=tuple(header[:-1]), target_name=header[-1],
        description=("Optical recognition of handwritten digits, 8x8. Pixel intensities 0..16 "
                     "of 1,797 images of the digits 0 to 9."),
        citation=("E. Alpaydin, C. Kaynak, \"Optical Recognition of Handwritten Digits\", UCI "
                  "Machine Learning Repository, 1998, doi:10.24432/C50P49. Licence: CC BY 4.0."),
        target_names=tuple(str(d) for d in range(10)),
    )


# --------------------------------------------------------------------------- #
# Splitting and batching (``check_X_y`` and ``as_generator`` are the input checks of
# gdcore._validation, offered here too: every function below starts with them)
# --------------------------------------------------------------------------- #

def train_test_split(X, y, test_fraction: float = 0.2, seed=0):
    """Shuffle the samples and split them: ``X_train, X_test, y_train, y_test``.

    ``round(test_fraction * n)`` samples (at least one) go to the test set,
    the rest (at least one) to the training set.
    """
    X, y = check_X_y(X, y)
    test_fraction = check_in_range(test_fraction, "test_fraction", 0.0, 1.0)
    if test_fraction == 0:
        raise ValueError("test_fraction must be greater than 0, e.g. 0.2.")
    n = len(X)
    if n < 2:
        raise ValueError(f"splitting needs at least 2 samples; got {n}.")
    n_test = min(max(1, round(test_fraction * n)), n - 1)
    order = as_generator(seed).permutation(n)
    test, train = order[:n_test], order[n_test:]
    return X[train], X[test], y[train], y[test]


def _check_batch_size(batch_size, n: int) -> int:
    if batch_size is None:
        return n
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    if batch_size > n:
        raise ValueError(f"batch_size must be at most the number of samples, {n}; got {batch_size}. "
                         "Use batch_size=None for the full batch.")
    return batch_size


def n_batches(n_samples: int, batch_size: int | None) -> int:
    """How many batches (updates) one epoch over ``n_samples`` has: :math:`\\lceil n / B \\rceil`."""
    n_samples = check_int(n_samples, "n_samples", minimum=1)
    batch_size = _check_batch_size(batch_size, n_samples)
    return -(-n_samples // batch_size)


def batches(X, y, batch_size: int | None = 32, shuffle: bool = True, rng=None,
            ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Yield ``(X_batch, y_batch)`` pairs that together cover every sample once (one epoch).

    * ``batch_size=None``: one batch, the full data set (batch gradient descent);
    * ``batch_size=1``: one sample at a time (stochastic gradient descent);
    * otherwise batches of ``batch_size`` samples; the last batch is shorter
      when ``batch_size`` does not divide the number of samples (it is kept).

    With ``shuffle=True`` the order is a fresh random permutation drawn from
    ``rng`` (a Generator or an int seed; required), sampling *without*
    replacement; with ``shuffle=False`` the samples come in their stored order.
    """
    X, y = check_X_y(X, y)
    n = len(X)
    batch_size = _check_batch_size(batch_size, n)
    if check_flag(shuffle, "shuffle"):
        if rng is None:
            raise ValueError("shuffle=True needs rng: a numpy Generator or an int seed.")
        order = as_generator(rng, "rng").permutation(n)
    else:
        order = np.arange(n)
    for start in range(0, n, batch_size):
        index = order[start:start + batch_size]
        yield X[index], y[index]


# --------------------------------------------------------------------------- #
# Synthetic data
# --------------------------------------------------------------------------- #

def make_linear_regression(n_samples: int = 200, n_features: int = 1, noise: float = 0.5,
                           weights=None, bias: float = 0.0, seed=0):
    r"""Samples of :math:`y = X w + b` plus Gaussian noise of standard deviation ``noise``, :math:`X \sim N(0, I)`.

    Returns ``X, y, true_params`` where ``true_params = [w..., b]`` (the
    layout of :class:`gdcore.models.LinearRegression`). Without ``weights``
    they are drawn from ``N(0, 1)``.
    """
    n_samples = check_int(n_samples, "n_samples", maximum=10**7)
    n_features = check_int(n_features, "n_features", maximum=10**4)
    noise = check_positive(noise, "noise", allow_zero=True)
    bias = as_real(bias, "bias", finite=True)
    rng = as_generator(seed)
    if weights is None:
        weights = rng.normal(size=n_features)
    weights = as_finite_array(weights, "weights", ndim=1)
    if weights.shape != (n_features,):
        raise ValueError(f"weights must have n_features = {n_features} values; got {describe(weights)}.")
    X = rng.normal(size=(n_samples, n_features))
    with np.errstate(over="ignore", invalid="ignore"):
        y = X @ weights + bias + noise * rng.normal(size=n_samples)
    if not np.all(np.isfinite(y)):
        raise ValueError("the targets overflow float64: weights, bias or noise are too large "
                         f"(largest |weight| {np.max(np.abs(weights)):.3g}, bias {bias:.3g}, noise {noise:.3g}).")
    return X, y, np.append(weights, bias)


def make_two_blobs(n_samples: int = 200, distance: float = 3.0, spread: float = 1.0, seed=0):
    r"""Two Gaussian clouds in the plane, labelled 0 and 1 (a logistic regression example).

    Class 0 is centred at :math:`-\tfrac{d}{2} u`, class 1 at :math:`+\tfrac{d}{2} u`,
    for a unit vector :math:`u` in a random direction; each cloud has standard
    deviation ``spread`` in every direction.
    Half the samples (rounded down) are class 0; the samples are shuffled.
    Returns ``X`` of shape ``(n_samples, 2)`` and ``y`` of 0.0 and 1.0.
    """
    n_samples = check_int(n_samples, "n_samples", minimum=2, maximum=10**7)
    distance = check_positive(distance, "distance", allow_zero=True)
    spread = check_positive(spread, "spread")
    rng = as_generator(seed)
    angle = rng.uniform(0, 2 * np.pi)
    direction = np.array([np.cos(angle), np.sin(angle)])
    y = np.zeros(n_samples)
    y[n_samples // 2:] = 1.0
    centres = np.outer(y - 0.5, direction) * distance
    X = centres + spread * rng.normal(size=(n_samples, 2))
    order = rng.permutation(n_samples)
    return X[order], y[order]
