"""Tests of gdcore.models: hand-computed losses and gradients, reference solutions, bad input."""

import numpy as np
import pytest

from gdcore import data, derivatives, models

X2 = np.array([[1.0, 2.0], [3.0, -1.0]])


def test_linear_regression_loss_and_grad_by_hand():
    model = models.LinearRegression(2)
    params = np.array([1.0, 0.5, -1.0])  # w = (1, 0.5), b = -1
    y = np.array([1.0, 0.0])
    # predictions: 1 + 1 - 1 = 1 and 3 - 0.5 - 1 = 1.5; residuals 0 and 1.5
    assert model.loss(params, X2, y) == pytest.approx((0.0 + 1.5**2) / 2)
    # grad = 2/n * [X^T r, sum r] = [3*1.5, -1*1.5, 1.5]
    np.testing.assert_allclose(model.grad(params, X2, y), [4.5, -1.5, 1.5])
    np.testing.assert_allclose(model.predict(params, X2), [1.0, 1.5])


def test_logistic_regression_loss_and_grad_by_hand():
    model = models.LogisticRegression(2)
    params = np.array([0.0, 0.0, 0.0])
    y = np.array([1.0, 0.0])
    assert model.loss(params, X2, y) == pytest.approx(np.log(2))
    # p = 0.5 everywhere: grad = [X^T (p - y), sum(p - y)] / 2
    np.testing.assert_allclose(model.grad(params, X2, y), [(-0.5 + 1.5) / 2, (-1.0 - 0.5) / 2, 0.0])
    # logits 1 - 2 = -1 and 3 - 2 = 1 predict classes 0 and 1: both wrong
    assert model.accuracy(np.array([1.0, 0.0, -2.0]), X2, y) == 0.0
    # logits 0.5 and 2.5 predict 1 and 1: the first is right
    assert model.accuracy(np.array([1.0, 0.0, -0.5]), X2, y) == 0.5
    np.testing.assert_array_equal(model.predict(np.array([1.0, 0.0, -2.0]), X2), [0.0, 1.0])


@pytest.mark.parametrize("model, y", [
    (models.LinearRegression(3), None),
    (models.LogisticRegression(3), "labels"),
])
def test_gradients_match_finite_differences(model, y):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 3))
    y = (rng.random(40) < 0.5).astype(float) if y == "labels" else rng.normal(size=40)
    params = model.init_params(rng)
    error = derivatives.gradient_check(lambda p: model.loss(p, X, y), lambda p: model.grad(p, X, y), params)
    assert error < 1e-7


def test_linear_regression_solve_is_the_least_squares_optimum():
    X, y, true = data.make_linear_regression(200, 3, noise=0.1, bias=1.5, seed=1)
    model = models.LinearRegression(3)
    best = model.solve(X, y)
    np.testing.assert_allclose(best, true, atol=0.05)
    np.testing.assert_allclose(model.grad(best, X, y), 0.0, atol=1e-12)
    assert model.loss(best, X, y) < model.loss(best + 0.01, X, y)


def test_logistic_regression_solve_zeroes_the_gradient():
    X, y = data.make_two_blobs(300, distance=2.0, seed=4)
    model = models.LogisticRegression(2)
    best = model.solve(X, y, l2=0.0)
    np.testing.assert_allclose(model.grad(best, X, y), 0.0, atol=1e-9)
    assert model.accuracy(best, X, y) > 0.8
    with pytest.raises(ValueError, match="separated by a line"):
        models.LogisticRegression(1).solve(np.array([[-1.0], [1.0]]), np.array([0.0, 1.0]), l2=0.0)


def test_logistic_loss_is_stable_for_huge_logits():
    model = models.LogisticRegression(1)
    X, y = np.array([[1.0], [-1.0]]), np.array([1.0, 1.0])
    # logits +1000 (right, loss ~0) and -1000 (wrong, loss ~1000): no overflow, no log(0)
    assert model.loss(np.array([1000.0, 0.0]), X, y) == pytest.approx(500.0)
    np.testing.assert_allclose(model.grad(np.array([1000.0, 0.0]), X, y), [0.5, -0.5])
    np.testing.assert_allclose(models.sigmoid([-1000.0, 0.0, 1000.0]), [0.0, 0.5, 1.0])


def test_init_params_layout_and_reproducibility():
    model = models.LinearRegression(4)
    assert model.n_params == 5
    p = model.init_params(0)
    assert p.shape == (5,) and p.dtype == np.float64 and np.all(np.abs(p) <= 0.5)
    np.testing.assert_array_equal(p, model.init_params(np.random.default_rng(0)))
    np.testing.assert_array_equal(model.init_params(None), np.zeros(5))
    w, b = model.unpack(p)
    assert w.shape == (4,) and b == p[-1]


def test_bad_input_gives_clear_errors():
    model = models.LinearRegression(2)
    with pytest.raises(ValueError, match="flat vector of 3 values"):
        model.loss(np.zeros(2), X2, np.zeros(2))
    with pytest.raises(ValueError, match=r"shape \(n_samples, 2\)"):
        model.predict(np.zeros(3), np.zeros((2, 3)))
    with pytest.raises(ValueError, match="same number of samples"):
        model.grad(np.zeros(3), X2, np.zeros(3))
    with pytest.raises(ValueError, match="NaN"):
        model.loss(np.zeros(3), [[np.nan, 1.0]], [0.0])
    with pytest.raises(ValueError, match="labels 0 and 1"):
        models.LogisticRegression(2).loss(np.zeros(3), X2, np.array([1.0, 2.0]))
    with pytest.raises(ValueError, match="n_features"):
        models.LinearRegression(0)
    assert repr(model) == "LinearRegression(n_features=2)"


@pytest.mark.parametrize("model", [models.LinearRegression(3), models.LogisticRegression(3)])
def test_loss_and_grad_together_equal_the_separate_methods(model):
    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(7, 3)), (rng.random(7) < 0.5).astype(float)
    params = model.init_params(rng)
    loss, grad = model._loss_and_grad(params, X, y)
    assert loss == pytest.approx(model.loss(params, X, y), rel=1e-14)
    np.testing.assert_allclose(grad, model.grad(params, X, y), rtol=1e-14)


def test_the_mlp_lives_in_its_own_module_and_models_mlp_is_it():
    from gdcore import activations, mlp
    from gdcore.autodiff import _scalars

    assert models.MLP is mlp.MLP
    assert models.sigmoid is activations.sigmoid  # one sigmoid, used everywhere
    assert _scalars.sigmoid(0.5) == float(activations.sigmoid(0.5))
