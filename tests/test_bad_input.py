"""The examples of issue 22, one by one: each bad input now gets a clear error naming the argument."""

from __future__ import annotations

import numpy as np
import pytest

from gdcore import autodiff, data, derivatives, descent, models, objectives, optimizers, preprocessing, schedules
from gdcore.activations import sigmoid

OPTIMIZERS = [optimizers.SGD, optimizers.AdaGrad, optimizers.RMSprop, optimizers.AdaDelta, optimizers.Adam,
              optimizers.AdamW]


@pytest.mark.parametrize("cls", OPTIMIZERS)
def test_step_refuses_a_non_finite_gradient(cls):
    with pytest.raises(ValueError, match="grad must be finite"):
        cls(lr=0.1).step(np.zeros(2), [np.nan, 0.0])


@pytest.mark.parametrize("cls", [optimizers.SGD, optimizers.Adam])  # the others normalize their steps
def test_an_overflowing_update_is_a_diverged_error_with_the_parameters(cls):
    opt = cls(lr=1e300)
    with pytest.raises(optimizers.DivergedError, match="overflowed") as caught:
        for _ in range(3):
            opt.step(np.full(2, 1e300), np.full(2, 1e300))
    assert not np.all(np.isfinite(caught.value.params))


def test_a_loss_that_forgets_return_is_named():
    def loss(theta):
        np.sum(theta**2)  # no return

    with pytest.raises(TypeError, match="forget `return`"):
        derivatives.gradient(loss, np.ones(2))
    with pytest.raises(TypeError, match="forget `return`"):
        derivatives.gradient_check(loss, lambda t: 2 * t, np.ones(2))


@pytest.mark.parametrize("call, error, match", [
    (lambda: data.make_linear_regression(bias=np.nan), ValueError, "bias must be a finite number"),
    (lambda: objectives.Rosenbrock(a=np.nan), ValueError, "a must be a finite number"),
    (lambda: autodiff.reverse_gradient(lambda v: v[0] * 3, None), TypeError, "x must be numbers"),
    (lambda: sigmoid(None), TypeError, "z must be numbers"),
    (lambda: sigmoid([np.nan]), ValueError, "z must not contain NaN"),
    (lambda: preprocessing.StandardScaler().fit_transform(np.full((4, 2), 1e308)), ValueError, "too large"),
    (lambda: derivatives.derivative(np.sin, 1 + 2j), TypeError, "complex"),
    (lambda: autodiff.Tensor([1 + 1j]), TypeError, "complex"),
    (lambda: schedules.LambdaLR(optimizers.SGD(lr=0.1), lambda t: -1.0), ValueError, "learning rate"),
    (lambda: schedules.LambdaLR(optimizers.SGD(lr=0.1), lambda t: np.nan), ValueError, "learning rate"),
    (lambda: schedules.LambdaLR(optimizers.SGD(lr=0.1), lambda t: "fast"), TypeError, r"lr_lambda\(0\)"),
    (lambda: optimizers.SGD(momentum=0.9, nesterov="no"), TypeError, "nesterov must be True or False"),
    (lambda: list(data.batches(np.ones((4, 1)), np.ones(4), 2, shuffle="no", rng=0)), TypeError,
     "shuffle must be True or False"),
    (lambda: autodiff.topological_order(None), TypeError, "a Value or a Tensor"),
    (lambda: autodiff.cross_entropy(autodiff.Tensor(np.ones((2, 2))), ["a", "b"]), TypeError, "labels"),
    (lambda: optimizers.SGD(lr=10**400), ValueError, "lr is too large for a float"),
    (lambda: autodiff.Value(float("nan")), ValueError, "Value data must be a finite number"),
    (lambda: descent.is_diverging("big", 1.0), TypeError, "loss must be a real number"),
    (lambda: descent.fit(models.LinearRegression(1), np.ones((4, 1)), np.ones(4), 0.1, epochs=10**400),
     ValueError, "epochs must be at most"),
])
def test_the_issues_examples_get_a_clear_error(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_newton_fails_fast_on_data_it_cannot_handle():
    X = np.random.default_rng(0).normal(size=(6, 2)) * 1e155
    y = np.array([0.0, 1.0, 0.0, 1.0, 1.0, 0.0])
    with pytest.raises(ValueError, match="Newton's method overflowed"):
        models.LogisticRegression(2).solve(X, y)


@pytest.mark.parametrize("cls", OPTIMIZERS)
def test_descent_reports_an_overflow_as_divergence(cls):
    run = descent.descend(objectives.Rosenbrock(), [1.5, 1.5], cls(lr=1e200), steps=50)
    assert run.stop_reason == "diverged"
    history = descent.fit(models.LinearRegression(1), np.arange(8.0).reshape(-1, 1) * 1e100, np.ones(8),
                          cls(lr=1e200), epochs=3, batch_size=4)
    assert history.stop_reason == "diverged"
