"""Tests of gdcore.preprocessing against hand-computed values and scikit-learn's documented behaviour."""

import numpy as np
import pytest

from gdcore.preprocessing import MinMaxScaler, NotFittedError, StandardScaler

# Two features on very different scales; column 0: 0, 2, 4, 6; column 1: 100, 100, 300, 500.
X = np.array([[0.0, 100.0], [2.0, 100.0], [4.0, 300.0], [6.0, 500.0]])


# ---- StandardScaler ----------------------------------------------------------------------------

def test_standard_scaler_statistics_by_hand():
    scaler = StandardScaler().fit(X)
    np.testing.assert_allclose(scaler.mean_, [3.0, 250.0])
    # population variance (ddof=0): (9+1+1+9)/4 = 5 and (150²+150²+50²+250²)/4 = 27500
    np.testing.assert_allclose(scaler.var_, [5.0, 27500.0])
    np.testing.assert_allclose(scaler.scale_, np.sqrt([5.0, 27500.0]))
    assert scaler.n_features_in_ == 2 and scaler.n_samples_seen_ == 4


def test_standard_scaler_transform_by_hand():
    Z = StandardScaler().fit_transform(X)
    np.testing.assert_allclose(Z[:, 0], np.array([-3, -1, 1, 3]) / np.sqrt(5))
    np.testing.assert_allclose(Z.mean(axis=0), [0, 0], atol=1e-12)
    np.testing.assert_allclose(Z.std(axis=0), [1, 1])


def test_fit_returns_the_scaler_so_calls_chain():
    scaler = StandardScaler()
    assert scaler.fit(X) is scaler
    minmax = MinMaxScaler()
    assert minmax.fit(X) is minmax


def test_statistics_come_from_fit_data_only():
    scaler = StandardScaler().fit(X)
    new = np.array([[3.0, 250.0], [8.0, 250.0]])
    Z = scaler.transform(new)
    np.testing.assert_allclose(Z[0], [0.0, 0.0], atol=1e-12)
    np.testing.assert_allclose(Z[1, 0], 5 / np.sqrt(5))
    np.testing.assert_allclose(scaler.mean_, [3.0, 250.0])  # transform did not refit


def test_standard_scaler_inverse_round_trip():
    scaler = StandardScaler().fit(X)
    np.testing.assert_allclose(scaler.inverse_transform(scaler.transform(X)), X)


def test_standard_scaler_constant_feature_gets_scale_one():
    Xc = np.column_stack([X[:, 0], np.full(4, 7.0)])
    scaler = StandardScaler().fit(Xc)
    assert scaler.var_[1] == 0.0 and scaler.scale_[1] == 1.0
    Z = scaler.transform(Xc)
    np.testing.assert_array_equal(Z[:, 1], np.zeros(4))
    np.testing.assert_allclose(scaler.inverse_transform(Z), Xc)


def test_standard_scaler_round_off_variance_counts_as_constant():
    # 0.1 repeated: the computed variance is ~1e-33, not exactly zero; scikit-learn treats it as constant
    Xc = np.full((10, 1), 0.1)
    scaler = StandardScaler().fit(Xc)
    assert scaler.scale_[0] == 1.0
    assert np.all(np.abs(scaler.transform(Xc)) < 1e-12)


def test_scalers_do_not_modify_their_input():
    original = X.copy()
    StandardScaler().fit(X).transform(X)
    MinMaxScaler().fit(X).transform(X)
    np.testing.assert_array_equal(X, original)


def test_accepts_lists_and_integers():
    Z = StandardScaler().fit_transform([[1], [3], [5]])
    np.testing.assert_allclose(Z.ravel(), np.array([-1, 0, 1]) * np.sqrt(1.5))
    assert Z.dtype == np.float64


# ---- MinMaxScaler ------------------------------------------------------------------------------

def test_minmax_attributes_by_hand():
    scaler = MinMaxScaler().fit(X)
    np.testing.assert_allclose(scaler.data_min_, [0.0, 100.0])
    np.testing.assert_allclose(scaler.data_max_, [6.0, 500.0])
    np.testing.assert_allclose(scaler.data_range_, [6.0, 400.0])
    np.testing.assert_allclose(scaler.scale_, [1 / 6, 1 / 400])
    np.testing.assert_allclose(scaler.min_, [0.0, -0.25])
    assert scaler.n_features_in_ == 2


def test_minmax_to_unit_interval():
    Z = MinMaxScaler().fit_transform(X)
    np.testing.assert_allclose(Z[:, 0], [0, 1 / 3, 2 / 3, 1])
    np.testing.assert_allclose(Z[:, 1], [0, 0, 0.5, 1])


def test_minmax_to_chosen_range():
    scaler = MinMaxScaler(feature_range=(-1, 1)).fit(X)
    Z = scaler.transform(X)
    np.testing.assert_allclose(Z[:, 0], [-1, -1 / 3, 1 / 3, 1])
    np.testing.assert_allclose(scaler.scale_, [2 / 6, 2 / 400])
    np.testing.assert_allclose(scaler.min_, [-1.0, -1.5])
    np.testing.assert_allclose(Z, X * scaler.scale_ + scaler.min_)


def test_minmax_new_data_can_leave_the_range_unless_clipped():
    new = np.array([[-3.0, 900.0]])
    np.testing.assert_allclose(MinMaxScaler().fit(X).transform(new), [[-0.5, 2.0]])
    np.testing.assert_allclose(MinMaxScaler(clip=True).fit(X).transform(new), [[0.0, 1.0]])


def test_minmax_inverse_round_trip():
    scaler = MinMaxScaler(feature_range=(2, 5)).fit(X)
    np.testing.assert_allclose(scaler.inverse_transform(scaler.transform(X)), X)
    np.testing.assert_allclose(scaler.inverse_transform([[2.0, 5.0]]), [[0.0, 500.0]])


def test_minmax_constant_feature_maps_to_range_minimum():
    Xc = np.column_stack([X[:, 0], np.full(4, -2.5)])
    scaler = MinMaxScaler(feature_range=(-1, 1)).fit(Xc)
    assert scaler.data_range_[1] == 0.0
    assert scaler.scale_[1] == 2.0  # (b - a) / 1: the zero range counts as 1
    Z = scaler.transform(Xc)
    np.testing.assert_array_equal(Z[:, 1], np.full(4, -1.0))
    np.testing.assert_allclose(scaler.inverse_transform(Z), Xc)


def test_repr_shows_non_default_settings():
    assert repr(StandardScaler()) == "StandardScaler()"
    assert repr(MinMaxScaler()) == "MinMaxScaler()"
    assert repr(MinMaxScaler(feature_range=(-1, 1))) == "MinMaxScaler(feature_range=(-1, 1))"


# ---- bad input ---------------------------------------------------------------------------------

@pytest.mark.parametrize("Scaler", [StandardScaler, MinMaxScaler])
@pytest.mark.parametrize("method", ["transform", "inverse_transform"])
def test_use_before_fit_is_a_clear_error(Scaler, method):
    with pytest.raises(NotFittedError, match=r"not fitted yet: call fit\(X_train\)"):
        getattr(Scaler(), method)(X)


def test_not_fitted_error_is_a_value_error_as_in_scikit_learn():
    assert issubclass(NotFittedError, ValueError) and issubclass(NotFittedError, AttributeError)


@pytest.mark.parametrize("Scaler", [StandardScaler, MinMaxScaler])
def test_wrong_number_of_features(Scaler):
    scaler = Scaler().fit(X)
    with pytest.raises(ValueError, match="X has 3 features, but this .* was fitted on 2 features"):
        scaler.transform(np.ones((2, 3)))
    with pytest.raises(ValueError, match="Z has 1 features"):
        scaler.inverse_transform(np.ones((2, 1)))


@pytest.mark.parametrize("Scaler", [StandardScaler, MinMaxScaler])
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_nan_and_inf_are_refused(Scaler, bad):
    Xbad = X.copy()
    Xbad[1, 1] = bad
    with pytest.raises(ValueError, match="must be finite; it contains 1 NaN or infinite"):
        Scaler().fit(Xbad)
    with pytest.raises(ValueError, match="must be finite"):
        Scaler().fit(X).transform(Xbad)


@pytest.mark.parametrize("Scaler", [StandardScaler, MinMaxScaler])
@pytest.mark.parametrize("empty", [np.empty((0, 2)), np.empty((3, 0))])
def test_empty_arrays_are_refused(Scaler, empty):
    with pytest.raises(ValueError, match="is empty"):
        Scaler().fit(empty)


@pytest.mark.parametrize("Scaler", [StandardScaler, MinMaxScaler])
def test_one_dimensional_input_gets_a_reshape_hint(Scaler):
    with pytest.raises(ValueError, match=r"must be 2-D.*reshape\(-1, 1\)"):
        Scaler().fit(np.arange(5.0))


def test_text_is_refused():
    with pytest.raises(TypeError, match="X must be numbers"):
        StandardScaler().fit([["a", "b"]])


@pytest.mark.parametrize("feature_range", [(1, 1), (1, 0), (0.5, -0.5)])
def test_feature_range_minimum_must_be_below_maximum(feature_range):
    with pytest.raises(ValueError, match="minimum of feature_range must be smaller than its maximum"):
        MinMaxScaler(feature_range=feature_range)


@pytest.mark.parametrize("feature_range", [5, (0, 1, 2), ("a", 1)])
def test_feature_range_must_be_a_pair_of_numbers(feature_range):
    with pytest.raises(TypeError, match="feature_range"):
        MinMaxScaler(feature_range=feature_range)


def test_feature_range_must_be_finite():
    with pytest.raises(ValueError, match=r"feature_range\[1\] must be a finite number"):
        MinMaxScaler(feature_range=(0, np.inf))


def test_feature_range_changed_after_construction_is_checked_at_fit():
    scaler = MinMaxScaler()
    scaler.feature_range = (3, 1)
    with pytest.raises(ValueError, match="smaller than its maximum"):
        scaler.fit(X)
