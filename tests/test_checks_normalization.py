"""Tests of chapter 7's exercise checks: right answers, typical mistakes, the stub."""

import numpy as np

from gdcore import checks
from gdcore.preprocessing import MinMaxScaler, StandardScaler


def _standardize_right(X_train, X_test):
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test)


def _by_hand(X_train, X_test, *, ddof=0, stats_from=None, guard=True):
    source = X_train if stats_from is None else stats_from(X_train, X_test)
    mu, sigma = source.mean(axis=0), source.std(axis=0, ddof=ddof)
    if guard:
        sigma = np.where(sigma == 0, 1.0, sigma)
    with np.errstate(divide="ignore", invalid="ignore"):
        return (X_train - mu) / sigma, (X_test - mu) / sigma


def _stub(*args):
    raise NotImplementedError("Exercise 7.x")


# ---- 7.1 ------------------------------------------------------------------------------------

def test_standardize_right_answers_pass():
    assert checks.check_standardize(_standardize_right).passed
    assert checks.check_standardize(_by_hand).passed


def test_standardize_test_set_with_its_own_statistics():
    def own(X_train, X_test):
        return (StandardScaler().fit_transform(X_train), StandardScaler().fit_transform(X_test))
    r = checks.check_standardize(own)
    assert not r.passed and "its own mean" in r.message and "Z_test[" in r.message


def test_standardize_with_all_data_is_a_leak():
    r = checks.check_standardize(lambda a, b: _by_hand(a, b, stats_from=lambda a, b: np.vstack([a, b])))
    assert not r.passed and "all the data together" in r.message


def test_standardize_sample_std_and_division_by_zero():
    r = checks.check_standardize(lambda a, b: _by_hand(a, b, ddof=1))
    assert not r.passed and "ddof=1" in r.message
    r = checks.check_standardize(lambda a, b: _by_hand(a, b, guard=False))
    assert not r.passed and "constant" in r.message and "NaN" in r.message


def test_standardize_only_centred_or_in_place_or_wrong_shape():
    r = checks.check_standardize(lambda a, b: (a - a.mean(axis=0), b - a.mean(axis=0)))
    assert not r.passed and "centred but not divided" in r.message

    def in_place(X_train, X_test):
        mu, sigma = X_train.mean(axis=0), X_train.std(axis=0)
        sigma[sigma == 0] = 1
        X_test -= mu
        X_train -= mu
        return X_train / sigma, X_test / sigma
    r = checks.check_standardize(in_place)
    assert not r.passed and "in place" in r.message
    r = checks.check_standardize(lambda a, b: (a[:, :2], b))
    assert not r.passed and "shape" in r.message
    r = checks.check_standardize(lambda a, b: a)
    assert not r.passed and "pair" in r.message


def test_standardize_stub_is_not_attempted():
    r = checks.check_standardize(_stub)
    assert not r.passed and r.message.startswith("Not attempted yet") and not r.attempted


# ---- 7.2 ------------------------------------------------------------------------------------

def _prepare_right(X_train, X_test):
    scaler = MinMaxScaler(feature_range=(-1, 1)).fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test)


def _prepare_leaky(X_train, X_test):  # the pipeline of the exercise
    scaler = MinMaxScaler(feature_range=(-1, 1))
    scaler.fit(np.vstack([X_train, X_test]))
    return scaler.transform(X_train), scaler.transform(X_test)


def test_leak_free_right_answer_passes_and_mentions_out_of_range():
    r = checks.check_leak_free(_prepare_right)
    assert r.passed and "outside [-1, 1]" in r.message


def test_the_leaky_pipeline_fails_by_the_perturbation_test():
    r = checks.check_leak_free(_prepare_leaky)
    assert not r.passed and "When only the test set changed" in r.message


def test_leak_free_typical_mistakes():
    def second_scaler(X_train, X_test):
        return (MinMaxScaler((-1, 1)).fit_transform(X_train), MinMaxScaler((-1, 1)).fit_transform(X_test))
    r = checks.check_leak_free(second_scaler)
    assert not r.passed and "second scaler" in r.message

    def unit_range(X_train, X_test):
        scaler = MinMaxScaler().fit(X_train)
        return scaler.transform(X_train), scaler.transform(X_test)
    r = checks.check_leak_free(unit_range)
    assert not r.passed and "[0, 1]" in r.message
    assert not checks.check_leak_free(_stub).attempted


# ---- 7.3 ------------------------------------------------------------------------------------

def test_thickness_unit_near_the_spread_ratio_passes():
    assert checks.check_thickness_unit(10**5.5).passed
    assert checks.check_thickness_unit(2.5e5).passed
    r = checks.check_thickness_unit(np.float64(10**5.25))
    assert r.passed and "standardization" in r.message


def test_thickness_unit_too_small_or_too_large():
    r = checks.check_thickness_unit(1000.0)  # millimetres: better than metres, not enough
    assert not r.passed and "larger factor" in r.message
    r = checks.check_thickness_unit(1e7)
    assert not r.passed and "smaller factor" in r.message
    for bad in (-1.0, 0, float("nan"), "1e5", True):
        r = checks.check_thickness_unit(bad)
        assert not r.passed and "positive number" in r.message


def test_chapter_7_exercises_are_registered():
    assert {e.id for e in checks.exercises_of_chapter(7)} == {"7.1", "7.2", "7.3", "7.4"}


def test_close_answers_show_the_largest_difference_with_enough_digits():
    def almost(X_train, X_test):
        Z_train, Z_test = _standardize_right(X_train, X_test)
        Z_train = Z_train.copy()
        Z_train[3, 2] += 1e-5
        return Z_train, Z_test
    r = checks.check_standardize(almost)
    assert not r.passed and "Z_train[3, 2] is" in r.message
    got, expected = r.message.split("Z_train[3, 2] is ")[1].split(".  ")[0].split(", expected ")
    assert got != expected.split(". ")[0]


def test_wrongly_typed_answers_get_a_sentence():
    for check in (checks.check_standardize, checks.check_leak_free):
        r = check(lambda X_train, X_test: None)
        assert not r.passed and "should return a pair (Z_train, Z_test)" in r.message and "raised" not in r.message
    r = checks.check_missing_values_leak("fill", lambda X_train, X_test: X_train)
    assert not r.passed and "should return a pair" in r.message and "raised" not in r.message
    r = checks.check_missing_values_leak(None, None)
    assert not r.passed and "leaky_step should be one of the strings" in r.message
    r = checks.check_missing_values_leak("fill", 3)
    assert not r.passed and "should be a function" in r.message


def _fill_then_scale(fill_from_test=False, fill_test_with_own=False, zeros=False):
    def prepare_missing(X_train, X_test):
        rows = np.vstack([X_train, X_test]) if fill_from_test else X_train
        fill = np.zeros(X_train.shape[1]) if zeros else np.nanmean(rows, axis=0)
        test_fill = np.nanmean(X_test, axis=0) if fill_test_with_own else fill
        F_train = np.where(np.isnan(X_train), fill, X_train)
        F_test = np.where(np.isnan(X_test), test_fill, X_test)
        scaler = StandardScaler().fit(F_train)
        return scaler.transform(F_train), scaler.transform(F_test)
    return prepare_missing


def test_missing_values_leak():
    r = checks.check_missing_values_leak("fill", _fill_then_scale())
    assert r.passed and "SimpleImputer" in r.message
    r = checks.check_missing_values_leak("scale", _fill_then_scale())
    assert not r.passed and "scaling alone does not leak" in r.message
    r = checks.check_missing_values_leak("fill", _fill_then_scale(fill_from_test=True))
    assert not r.passed and "fill values still come from the test rows" in r.message
    r = checks.check_missing_values_leak("fill", _fill_then_scale(fill_test_with_own=True))
    assert not r.passed and "its own column means" in r.message
    r = checks.check_missing_values_leak("fill", _fill_then_scale(zeros=True))
    assert not r.passed and "filled with 0" in r.message
    r = checks.check_missing_values_leak("fill", lambda X_train, X_test: (X_train, X_test))  # nothing done
    assert not r.passed and "NaN" in r.message

    def stub(X_train, X_test):
        raise NotImplementedError("Exercise 7.4")
    r = checks.check_missing_values_leak("fill", stub)
    assert not r.passed and not r.attempted


def test_a_number_where_a_function_belongs_gets_a_sentence():
    for check in (checks.check_standardize, checks.check_leak_free):
        r = check(0.25)
        assert not r.passed and "should be a function" in r.message and "raised" not in r.message
