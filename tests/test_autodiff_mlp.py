"""The chapter 6 MLP's gradient by Tensor autodiff equals its hand-written backpropagation."""

import numpy as np
import pytest

from gdcore.autodiff import mlp_loss_and_grad
from gdcore.derivatives import relative_error
from gdcore.models import MLP


@pytest.mark.parametrize("activation", ["relu", "leaky_relu", "tanh", "sigmoid", "linear"])
def test_classifier_gradient_matches_backprop(activation):
    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(40, 6)), rng.integers(0, 3, size=40)
    model = MLP([6, 5, 4, 3], activation=activation)
    params = model.init_params(rng)
    loss, grad = mlp_loss_and_grad(model, params, X, y)
    assert loss == pytest.approx(model.loss(params, X, y), rel=1e-12)
    assert relative_error(grad, model.grad(params, X, y)) < 1e-12


def test_regression_gradient_matches_backprop():
    rng = np.random.default_rng(2)
    X, y = rng.normal(size=(30, 4)), rng.normal(size=30)
    model = MLP([4, 8, 1], activation="tanh", task="regression")
    params = model.init_params(rng)
    loss, grad = mlp_loss_and_grad(model, params, X, y)
    assert loss == pytest.approx(model.loss(params, X, y), rel=1e-12)
    assert relative_error(grad, model.grad(params, X, y)) < 1e-12


def test_bad_params_are_refused_by_the_model():
    model = MLP([4, 3, 2])
    with pytest.raises(ValueError, match="flat vector"):
        mlp_loss_and_grad(model, np.zeros(3), np.zeros((2, 4)), np.array([0, 1]))
