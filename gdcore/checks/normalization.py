"""Checks for chapter 7, data normalization."""

from __future__ import annotations

import numbers

import numpy as np

from ..preprocessing import MinMaxScaler, StandardScaler
from ..experiments.scaling import exact_steps_to_tolerance, scaling_problem
from ._core import exercise, failed, fmt, passed

__all__ = ["check_standardize", "check_leak_free", "check_thickness_unit", "check_missing_values_leak"]


def _splits(seed: int = 7):
    """A small training and test set: three features on very different scales and a constant one."""
    rng = np.random.default_rng(seed)
    def sample(n):
        return np.column_stack([rng.normal(3000.0, 900.0, n), rng.normal(0.01, 0.004, n),
                                rng.uniform(-5.0, 20.0, n), np.full(n, 2.5)])
    return sample(40), sample(12)


def _pair(result, name: str, shapes) -> tuple[np.ndarray, np.ndarray]:
    """The student's ``(Z_train, Z_test)`` as two float arrays of the right shapes."""
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise TypeError(f"{name} should return a pair (Z_train, Z_test); it returned {type(result).__name__}")
    arrays = tuple(np.asarray(z, dtype=float) for z in result)
    for label, z, shape in zip(("Z_train", "Z_test"), arrays, shapes):
        if z.shape != shape:
            raise ValueError(f"{label} has shape {z.shape}; expected {shape}, the shape of the input")
    return arrays


def _answer_pair(function, name: str, X_train, X_test):
    """``(Z_train, Z_test)`` from the student's function, or ``(None, sentence)`` if the result has the wrong type or shape."""
    result = function(X_train, X_test)
    try:
        return _pair(result, name, (X_train.shape, X_test.shape)), None
    except (TypeError, ValueError) as error:
        return None, f"{error}."


def _largest_difference(name: str, got, expected) -> str:
    """Where ``got`` and ``expected`` differ most, with enough digits to see the difference."""
    with np.errstate(invalid="ignore"):
        gap = np.where(np.isnan(got) != np.isnan(expected), np.inf, np.nan_to_num(np.abs(got - expected)))
    i, j = np.unravel_index(int(np.argmax(gap)), gap.shape)
    g, e = float(got[i, j]), float(expected[i, j])
    for digits in range(4, 13):
        if fmt(g, digits) != fmt(e, digits):
            break
    return f"{name}[{i}, {j}] is {fmt(g, digits)}, expected {fmt(e, digits)}"


def _close(a, b) -> bool:
    return a.shape == b.shape and bool(np.all(np.isfinite(a))) and np.allclose(a, b, rtol=1e-7, atol=1e-9)


def _not_a_function(name: str, signature: str, value) -> str:
    return f"{name} should be a function, {signature}; got {value!r}."


@exercise("7.1", "standardize with training statistics")
def check_standardize(standardize):
    """``standardize(X_train, X_test)`` should return both splits as z-scores of the training statistics."""
    if not callable(standardize):
        return failed(_not_a_function("standardize", "standardize(X_train, X_test)", standardize))
    X_train, X_test = _splits()
    originals = X_train.copy(), X_test.copy()
    pair, problem = _answer_pair(standardize, "standardize", X_train, X_test)
    if problem:
        return failed(problem)
    Z_train, Z_test = pair
    if not (np.array_equal(X_train, originals[0]) and np.array_equal(X_test, originals[1])):
        return failed("standardize changed X_train or X_test in place; compute new arrays instead "
                      "(X - mean) / std, so the original data stay as they were.")
    scaler = StandardScaler().fit(X_train)
    expected = scaler.transform(X_train), scaler.transform(X_test)
    if _close(Z_train, expected[0]) and _close(Z_test, expected[1]):
        return passed("Both splits are scaled with the training mean and standard deviation; the "
                      "constant feature became 0, and the test set's means are not exactly 0 "
                      f"(e.g. {fmt(Z_test[:, 0].mean(), 3)}), as they should not be.")
    if not (np.all(np.isfinite(Z_train)) and np.all(np.isfinite(Z_test))):
        return failed("The result contains NaN or inf: the last feature is constant (standard "
                      "deviation 0). Divide it by 1 instead, as StandardScaler does: "
                      "std = np.where(std == 0, 1, std).")
    own = StandardScaler().fit(X_test).transform(X_test)
    together = StandardScaler().fit(np.vstack([X_train, X_test]))
    ddof1 = (X_train - X_train.mean(axis=0)) / np.where(X_train.std(axis=0, ddof=1) == 0, 1,
                                                       X_train.std(axis=0, ddof=1))
    if _close(Z_train, expected[0]) and _close(Z_test, own):
        hint = ("Z_train is right, but the test set was standardized with its own mean and standard "
                "deviation. Use the training statistics for every split.")
    elif _close(Z_test, together.transform(X_test)):
        hint = ("These are z-scores of the statistics of all the data together: the test set leaked "
                "into the mean and standard deviation. Compute them from X_train only.")
    elif _close(Z_train, ddof1):
        hint = ("That is the sample standard deviation (ddof=1); StandardScaler, like numpy's "
                "default X.std(axis=0), uses the population one (ddof=0).")
    elif _close(Z_train, X_train - X_train.mean(axis=0)):
        hint = "The features were centred but not divided by their standard deviation."
    elif _close(Z_train, X_train / np.where(X_train.std(axis=0) == 0, 1, X_train.std(axis=0))):
        hint = "The features were divided by their standard deviation but not centred (subtract the mean first)."
    elif _close(Z_train, (X_train - X_train.mean()) / X_train.std()):
        hint = "Compute one mean and one standard deviation per feature (per column): use axis=0."
    else:
        hint = "Compute mu = X_train.mean(axis=0) and sigma = X_train.std(axis=0), then (X - mu) / sigma."
    wrong = expected[0] if not _close(Z_train, expected[0]) else expected[1]
    got, name = (Z_train, "Z_train") if wrong is expected[0] else (Z_test, "Z_test")
    return failed(f"{_largest_difference(name, got, wrong)}. {hint}")


@exercise("7.2", "find the leak")
def check_leak_free(prepare):
    """``prepare(X_train, X_test)`` should min-max scale both splits to [-1, 1] with a scaler fitted on X_train only."""
    if not callable(prepare):
        return failed(_not_a_function("prepare", "prepare(X_train, X_test)", prepare))
    X_train, X_test = _splits(seed=11)
    pair, problem = _answer_pair(prepare, "prepare", X_train, X_test)
    if problem:
        return failed(problem)
    Z_train, Z_test = pair
    scaler = MinMaxScaler(feature_range=(-1, 1)).fit(X_train)
    expected = scaler.transform(X_train), scaler.transform(X_test)
    # The test of leakage itself: change only the test set; a leak-free Z_train does not move.
    X_other = X_test.copy()
    X_other[0, :3] = X_other[0, :3] * 10.0 + 1000.0
    pair, problem = _answer_pair(prepare, "prepare", X_train, X_other)
    if problem:
        return failed(problem)
    Z_train_other = pair[0]
    if not np.allclose(Z_train_other, Z_train, rtol=0, atol=1e-12):
        moved = float(np.max(np.abs(Z_train_other - Z_train)))
        return failed(f"When only the test set changed, the scaled training set changed too (by up "
                      f"to {fmt(moved, 3)}): test data still leak into the scaler. Fit it on X_train alone, "
                      "then transform both splits with it.")
    if _close(Z_train, expected[0]) and _close(Z_test, expected[1]):
        inside = bool(np.all((Z_test >= -1) & (Z_test <= 1)))
        note = ("" if inside else f" Some test values fall outside [-1, 1] (down to {fmt(Z_test.min(), 3)}, "
                f"up to {fmt(Z_test.max(), 3)}): new data can, and the scaler must not hide it.")
        return passed("The scaler is fitted on the training set only, and changing the test set no "
                      "longer changes anything the model trains on." + note)
    if _close(Z_train, expected[0]) and _close(Z_test, MinMaxScaler((-1, 1)).fit_transform(X_test)):
        hint = ("A second scaler was fitted on the test set. Transform the test set with the scaler "
                "fitted on X_train (transform, not fit_transform).")
    elif _close(Z_train, MinMaxScaler().fit(X_train).transform(X_train)):
        hint = "That is the range [0, 1]; keep the pipeline's feature_range=(-1, 1)."
    else:
        hint = "Fit MinMaxScaler(feature_range=(-1, 1)) on X_train, then transform X_train and X_test with it."
    wrong, got, name = ((expected[0], Z_train, "Z_train") if not _close(Z_train, expected[0])
                        else (expected[1], Z_test, "Z_test"))
    return failed(f"{_largest_difference(name, got, wrong)}. {hint}")


@exercise("7.3", "the best unit for the thickness")
def check_thickness_unit(factor):
    """With no scaling, ``factor`` (the thickness unit) should make the condition number at most twice the best possible."""
    if isinstance(factor, bool) or not isinstance(factor, numbers.Real) or not np.isfinite(factor) or factor <= 0:
        return failed(f"factor should be a positive number, like 1000 (millimetres); got {factor!r}.")
    with np.errstate(all="ignore"):  # an absurd unit (1e308) overflows the features: a failed check, no warning
        bowl = scaling_problem("none", float(factor))
    best = scaling_problem("standard")
    kappa, steps = bowl.condition_number, exact_steps_to_tolerance(bowl)
    best_steps = exact_steps_to_tolerance(best)
    verdict = (f"Thickness × {fmt(factor, 3)} gives condition number {fmt(kappa, 3)} and "
               f"{steps:,} steps")
    if kappa <= 2 * best.condition_number:
        return passed(f"{verdict}, close to the best possible ({fmt(best.condition_number, 3)}, "
                      f"{best_steps} steps). In this unit the thickness spreads about as much as the "
                      "frequency: that is what standardization does for every feature automatically.")
    direction = "larger" if bowl.A[1, 1] < bowl.A[0, 0] else "smaller"
    return failed(f"{verdict}; the best unit gets {fmt(best.condition_number, 3)} and {best_steps} steps. "
                  f"Try a {direction} factor: the two features should have about the same spread "
                  "(compare their standard deviations).")


def _with_missing(seed: int = 5):
    """Exercise 7.4's splits: those of 7.1 with some values missing (NaN) in both."""
    X_train, X_test = _splits(seed)
    rng = np.random.default_rng(seed)
    for X in (X_train, X_test):
        rows = rng.choice(len(X), size=max(2, len(X) // 5), replace=False)
        X[rows, rng.integers(0, 3, size=len(rows))] = np.nan
    return X_train, X_test


def _impute_then_scale(X_train, X_test, fill_from):
    fill = np.nanmean(fill_from, axis=0)
    filled = [np.where(np.isnan(X), fill, X) for X in (X_train, X_test)]
    scaler = StandardScaler().fit(filled[0])
    return scaler.transform(filled[0]), scaler.transform(filled[1])


#: The two steps of exercise 7.4's pipeline.
MISSING_STEPS = ("fill", "scale")


@exercise("7.4", "a leak in the filling", points=2)
def check_missing_values_leak(leaky_step, prepare_missing):
    """``leaky_step``: "fill"; ``prepare_missing``: fill with training means, then standardize with training statistics."""
    if not isinstance(leaky_step, str):
        return failed(f"leaky_step should be one of the strings {MISSING_STEPS}; got {leaky_step!r}.")
    if leaky_step.strip().lower() not in MISSING_STEPS:
        return failed(f"leaky_step should be one of {MISSING_STEPS}; got {leaky_step!r}.")
    if leaky_step.strip().lower() != "fill":
        return failed("The scaler is fitted on the filled X_train only, so scaling alone does not leak. Run the "
                      "perturbation test on each step: which one computes something from X_test?")
    if not callable(prepare_missing):
        return failed(f"prepare_missing should be a function prepare_missing(X_train, X_test); got {prepare_missing!r}.")
    X_train, X_test = _with_missing()
    pair, problem = _answer_pair(prepare_missing, "prepare_missing", X_train.copy(), X_test.copy())
    if problem:
        return failed(problem)
    Z_train, Z_test = pair
    if np.isnan(Z_train).any() or np.isnan(Z_test).any():
        return failed("The result still contains NaN: fill every missing value (np.where(np.isnan(X), fill, X)) "
                      "before scaling.")
    X_other = X_test.copy()
    X_other[1:, :3] = X_other[1:, :3] * 3.0 + 100.0  # change the test set's known values only
    pair, problem = _answer_pair(prepare_missing, "prepare_missing", X_train.copy(), X_other)
    if problem:
        return failed(problem)
    if not np.allclose(pair[0], Z_train, rtol=0, atol=1e-12):
        return failed("When only the test set changed, the prepared training set changed too: the fill values "
                      "still come from the test rows. Compute them with np.nanmean(X_train, axis=0) alone.")
    expected = _impute_then_scale(X_train, X_test, X_train)
    if _close(Z_train, expected[0]) and _close(Z_test, expected[1]):
        return passed("Both steps now learn from the training set only: the fill values are the training "
                      "means, and the scaler is fitted on the filled training set. This is the order of a "
                      "scikit-learn Pipeline([SimpleImputer(), StandardScaler()]) fitted on X_train.")
    own_fill = np.where(np.isnan(X_test), np.nanmean(X_test, axis=0), X_test)
    train_scaler = StandardScaler().fit(np.where(np.isnan(X_train), np.nanmean(X_train, axis=0), X_train))
    if _close(Z_train, expected[0]) and _close(Z_test, train_scaler.transform(own_fill)):
        hint = "The test set was filled with its own column means; fill it with the training means too."
    elif _close(Z_train, _impute_then_scale(np.nan_to_num(X_train), X_test, np.nan_to_num(X_train))[0]):
        hint = "Missing values were filled with 0; fill them with the training column means (np.nanmean)."
    else:
        X_tr = (X_train - np.nanmean(X_train, axis=0)) / np.where(np.nanstd(X_train, axis=0) == 0, 1,
                                                                   np.nanstd(X_train, axis=0))
        if _close(Z_train, np.nan_to_num(X_tr)):
            hint = ("That scales first and fills afterwards; fill first, then fit the scaler on the filled "
                    "training set (the order of the colleague's pipeline).")
        else:
            hint = "Fill with np.nanmean(X_train, axis=0), then fit StandardScaler on the filled X_train."
    wrong, got, name = ((expected[0], Z_train, "Z_train") if not _close(Z_train, expected[0])
                        else (expected[1], Z_test, "Z_test"))
    return failed(f"{_largest_difference(name, got, wrong)}. {hint}")
