"""Tests of gdcore.data: the shipped data sets, splitting, batching, synthetic data."""

import numpy as np
import pytest

from gdcore import data


# -- the shipped data: integrity numbers from gdcore/data/README.md ----------- #

def test_airfoil_shape_names_and_column_means():
    ds = data.load_airfoil()
    assert ds.X.shape == (1503, 5) and ds.y.shape == (1503,)
    assert ds.X.dtype == np.float64
    assert ds.feature_names[0] == "frequency_hz" and len(ds.feature_names) == 5
    assert ds.target_name == "scaled_sound_pressure_level_db"
    means = np.append(ds.X.mean(axis=0), ds.y.mean())
    expected = [2886.38, 6.7823, 0.136548, 50.8607, 0.0111399, 124.836]
    np.testing.assert_allclose(means, expected, rtol=1e-5)
    assert "CC BY 4.0" in ds.citation and "Brooks" in ds.citation


def test_breast_cancer_labels_and_means():
    ds = data.load_breast_cancer()
    assert ds.X.shape == (569, 30) and ds.y.shape == (569,)
    assert set(np.unique(ds.y)) == {0.0, 1.0}
    assert ds.y.sum() == 212  # malignant ('M') is 1
    assert ds.target_names == ("benign", "malignant")
    columns = [ds.feature_names.index(c) for c in
               ("mean_radius", "mean_area", "mean_fractal_dimension", "worst_area")]
    np.testing.assert_allclose(ds.X[:, columns].mean(axis=0),
                               [14.1273, 654.889, 0.0627976, 880.583], rtol=1e-5)
    # the first row of the file is malignant
    assert ds.y[0] == 1.0 and ds.X[0, 0] == pytest.approx(17.99)


def test_digits_raw_pixels_and_integer_labels():
    ds = data.load_digits()
    assert ds.X.shape == (1797, 64) and ds.y.shape == (1797,)
    assert ds.X.min() == 0 and ds.X.max() == 16
    assert np.issubdtype(ds.y.dtype, np.integer)
    assert sorted(np.unique(ds.y)) == list(range(10))
    assert ds.X.mean() == pytest.approx(4.884165, abs=1e-6)
    assert ds.y.mean() == pytest.approx(4.490818, abs=1e-6)
    assert ds.feature_names[0] == "p00" and ds.feature_names[-1] == "p77"


def test_dataset_repr_is_short():
    assert repr(data.load_airfoil()) == ("Dataset(NASA airfoil self-noise: 1503 samples x 5 features, "
                                         "target 'scaled_sound_pressure_level_db')")


# -- check_X_y ---------------------------------------------------------------- #

def test_check_X_y_rejects_bad_input():
    with pytest.raises(ValueError, match="same number of samples"):
        data.check_X_y(np.zeros((3, 2)), np.zeros(4))
    with pytest.raises(ValueError, match="empty"):
        data.check_X_y(np.zeros((0, 2)), np.zeros(0))
    with pytest.raises(ValueError, match="NaN"):
        data.check_X_y([[1.0, np.nan]], [1.0])
    with pytest.raises(ValueError, match="NaN"):
        data.check_X_y([[1.0, 2.0]], [np.inf])
    with pytest.raises(ValueError, match="2-dimensional"):
        data.check_X_y(np.zeros(3), np.zeros(3))
    with pytest.raises(ValueError, match="1-dimensional"):
        data.check_X_y(np.zeros((3, 1)), np.zeros((3, 1)))
    with pytest.raises(TypeError, match="numbers"):
        data.check_X_y([["a", "b"]], [1])


# -- train_test_split ------------------------------------------------------ #

def test_train_test_split_sizes_disjoint_and_reproducible():
    X = np.arange(20.0).reshape(10, 2)
    y = np.arange(10.0)
    X_tr, X_te, y_tr, y_te = data.train_test_split(X, y, test_fraction=0.3, seed=4)
    assert len(X_te) == 3 and len(X_tr) == 7
    assert sorted(np.concatenate([y_tr, y_te])) == list(range(10))
    np.testing.assert_array_equal(X_tr[:, 1] / 2 - 0.5, y_tr)  # rows stay with their labels
    again = data.train_test_split(X, y, test_fraction=0.3, seed=4)
    np.testing.assert_array_equal(again[3], y_te)
    other = data.train_test_split(X, y, test_fraction=0.3, seed=5)
    assert not np.array_equal(other[3], y_te)


def test_train_test_split_accepts_a_generator_and_keeps_both_sides_nonempty():
    X, y = np.zeros((3, 1)), np.arange(3.0)
    X_tr, X_te, *_ = data.train_test_split(X, y, 0.01, seed=np.random.default_rng(0))
    assert len(X_te) == 1 and len(X_tr) == 2
    X_tr, X_te, *_ = data.train_test_split(X, y, 0.99, seed=0)
    assert len(X_te) == 2 and len(X_tr) == 1


@pytest.mark.parametrize("fraction", [0.0, 1.0, -0.1, 1.5])
def test_train_test_split_rejects_bad_fractions(fraction):
    with pytest.raises(ValueError, match="test_fraction"):
        data.train_test_split(np.zeros((5, 1)), np.zeros(5), fraction)


def test_train_test_split_rejects_a_single_sample_and_bad_seeds():
    with pytest.raises(ValueError, match="at least 2 samples"):
        data.train_test_split(np.zeros((1, 1)), np.zeros(1))
    with pytest.raises(TypeError, match="seed"):
        data.train_test_split(np.zeros((4, 1)), np.zeros(4), seed=1.5)


# -- batches ----------------------------------------------------------------- #

def _data(n=10):
    return np.arange(2.0 * n).reshape(n, 2), np.arange(float(n))


def test_batches_sizes_with_a_short_last_batch():
    X, y = _data(10)
    sizes = [len(yb) for _, yb in data.batches(X, y, 4, shuffle=False)]
    assert sizes == [4, 4, 2]
    assert data.n_batches(10, 4) == 3


def test_full_batch_and_stochastic():
    X, y = _data(5)
    (only,) = list(data.batches(X, y, None, shuffle=False))
    np.testing.assert_array_equal(only[0], X)
    singles = list(data.batches(X, y, 1, shuffle=False))
    assert [yb.tolist() for _, yb in singles] == [[0.0], [1.0], [2.0], [3.0], [4.0]]
    assert singles[0][0].shape == (1, 2)
    assert data.n_batches(5, None) == 1 and data.n_batches(5, 1) == 5


def test_shuffled_epoch_visits_every_sample_once_and_keeps_pairs():
    X, y = _data(23)
    seen = []
    for Xb, yb in data.batches(X, y, 5, rng=np.random.default_rng(1)):
        np.testing.assert_array_equal(Xb[:, 0] / 2, yb)
        seen.extend(yb.tolist())
    assert sorted(seen) == list(range(23))
    assert seen != list(range(23))  # it is shuffled


def test_shuffling_is_reproducible_and_differs_between_epochs():
    X, y = _data(20)
    order = lambda rng: np.concatenate([yb for _, yb in data.batches(X, y, 3, rng=rng)])
    np.testing.assert_array_equal(order(7), order(7))
    rng = np.random.default_rng(7)
    first, second = order(rng), order(rng)
    assert not np.array_equal(first, second)


@pytest.mark.parametrize("batch_size, error, match", [
    (0, ValueError, "at least 1"),
    (-3, ValueError, "at least 1"),
    (11, ValueError, "at most the number of samples, 10"),
    (2.5, TypeError, "integer"),
])
def test_batches_rejects_bad_batch_sizes(batch_size, error, match):
    X, y = _data(10)
    with pytest.raises(error, match=match):
        list(data.batches(X, y, batch_size, shuffle=False))
    with pytest.raises(error, match=match):
        data.n_batches(10, batch_size)


def test_batches_rejects_bad_data_and_missing_rng():
    X, y = _data(10)
    with pytest.raises(ValueError, match="same number of samples"):
        list(data.batches(X, y[:-1], 2, shuffle=False))
    with pytest.raises(ValueError, match="needs rng"):
        list(data.batches(X, y, 2, shuffle=True))
    X[3, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        list(data.batches(X, y, 2, shuffle=False))


# -- synthetic data -------------------------------------------------------- #

def test_make_linear_regression_follows_its_params():
    X, y, true = data.make_linear_regression(50, 3, noise=0.0, bias=2.0, seed=3)
    assert X.shape == (50, 3) and true.shape == (4,) and true[-1] == 2.0
    np.testing.assert_allclose(X @ true[:-1] + true[-1], y)
    X2, y2, _ = data.make_linear_regression(50, 3, noise=0.0, bias=2.0, seed=3)
    np.testing.assert_array_equal(y, y2)
    _, _, fixed = data.make_linear_regression(5, 2, weights=[1.0, -1.0], seed=0)
    np.testing.assert_array_equal(fixed, [1.0, -1.0, 0.0])
    with pytest.raises(ValueError, match="n_features = 2"):
        data.make_linear_regression(5, 2, weights=[1.0, 2.0, 3.0])


def test_make_two_blobs_balanced_separated_and_reproducible():
    X, y = data.make_two_blobs(101, distance=10.0, spread=0.5, seed=2)
    assert X.shape == (101, 2) and set(np.unique(y)) == {0.0, 1.0}
    assert y.sum() == 51
    centre_gap = np.linalg.norm(X[y == 1].mean(0) - X[y == 0].mean(0))
    assert centre_gap == pytest.approx(10.0, abs=0.5)
    X2, y2 = data.make_two_blobs(101, distance=10.0, spread=0.5, seed=2)
    np.testing.assert_array_equal(X, X2)
    with pytest.raises(ValueError, match="spread"):
        data.make_two_blobs(10, spread=0.0)
