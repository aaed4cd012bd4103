"""Unit tests of gdcore.experiments.distributed: the simulation of data-parallel and asynchronous SGD."""

import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from gdcore import models
from gdcore.experiments import distributed as dist
from gdcore.mlp import MLP


def _scalar_growth(a: float, tau: int) -> float:
    """The largest root modulus of z^{tau+1} - z^tau + a = 0 (the error's factor per step)."""
    coefficients = np.zeros(tau + 2)
    coefficients[0] = 1.0
    coefficients[1] -= 1.0
    coefficients[-1] += a  # for tau = 0 the last is the second: z - 1 + a
    return float(np.abs(np.roots(coefficients)).max())


@given(st.integers(min_value=0, max_value=40))
@settings(max_examples=30, deadline=None)
def test_stale_bound_is_where_the_error_stops_shrinking(tau):
    bound = dist.stale_bound(tau)
    assert _scalar_growth(0.98 * bound, tau) < 1
    assert _scalar_growth(1.02 * bound, tau) > 1
    assert abs(_scalar_growth(bound, tau) - 1) < 1e-6


def test_stale_bound_known_values():
    assert dist.stale_bound(0) == pytest.approx(2.0)
    assert dist.stale_bound(1) == pytest.approx(1.0)
    assert dist.stale_bound(1000) * 2001 / math.pi == pytest.approx(1.0, rel=1e-6)
    with pytest.raises(ValueError, match="delay"):
        dist.stale_bound(-1)
    with pytest.raises(TypeError, match="delay"):
        dist.stale_bound(1.5)


@given(st.integers(min_value=1, max_value=6), st.integers(min_value=0, max_value=2**31))
@settings(max_examples=25, deadline=None)
def test_allreduce_of_equal_shards_is_the_large_batch_gradient(workers, seed):
    rng = np.random.default_rng(seed)
    model = models.LinearRegression(3)
    X, y = rng.normal(size=(4 * workers, 3)), rng.normal(size=4 * workers)
    params = rng.normal(size=4)
    grads = dist.worker_gradients(model, params, X, y, workers)
    assert grads.shape == (workers, 4)
    np.testing.assert_allclose(dist.allreduce_mean(grads), model.grad(params, X, y), rtol=1e-10, atol=1e-12)


def test_worker_gradients_checks_its_arguments():
    model = models.LinearRegression(2)
    X, y = np.ones((4, 2)), np.ones(4)
    with pytest.raises(ValueError, match="workers"):
        dist.worker_gradients(model, np.zeros(3), X, y, 5)
    with pytest.raises(TypeError, match="model"):
        dist.worker_gradients("model", np.zeros(3), X, y, 2)
    with pytest.raises(ValueError, match="worker_grads"):
        dist.allreduce_mean(np.array([[1.0, np.nan]]))


@given(st.integers(0, 500), st.floats(1e-4, 1.0), st.integers(1, 64), st.integers(0, 200))
def test_warmup_lr_climbs_from_base_to_k_times_base(t, base_lr, workers, warmup_steps):
    lr = dist.warmup_lr(t, base_lr, workers, warmup_steps)
    assert base_lr * (1 - 1e-12) <= lr <= workers * base_lr * (1 + 1e-12)
    if t >= warmup_steps:
        assert lr == pytest.approx(workers * base_lr)
    if t == 0 and warmup_steps > 0:
        assert lr == pytest.approx(base_lr)
    assert dist.warmup_lr(t + 1, base_lr, workers, warmup_steps) >= lr


def test_warmup_lr_bad_input():
    with pytest.raises(ValueError, match="base_lr"):
        dist.warmup_lr(0, -0.1, 2, 5)
    with pytest.raises(ValueError, match="workers"):
        dist.warmup_lr(0, 0.1, 0, 5)


def _digits_like(n=64, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, 8)), rng.integers(0, 3, size=n)


def test_one_worker_data_parallel_is_plain_sgd_and_more_workers_cover_the_same_samples():
    X, y = _digits_like()
    model = MLP([8, 5, 3])
    one = dist.data_parallel_sgd(model, X, y, 0.1, workers=1, batch_size=16, epochs=3, seed=1)
    assert len(one.epoch_losses) == 4 and len(one.lrs) == 3 * 4 and not one.diverged
    assert one.epoch_losses[-1] < one.epoch_losses[0]
    four = dist.data_parallel_sgd(model, X, y, 0.1, workers=4, batch_size=4, epochs=3, seed=1, scale_lr=False)
    # 4 workers x 4 samples draw the same batches of 16 as 1 worker x 16: the same run, to round-off
    np.testing.assert_allclose(four.params, one.params, rtol=1e-9, atol=1e-12)
    scaled = dist.data_parallel_sgd(model, X, y, 0.1, workers=4, batch_size=16, epochs=1, seed=1, warmup_epochs=0)
    np.testing.assert_allclose(scaled.lrs, 0.4)


def test_data_parallel_sgd_says_when_it_diverges_and_checks_arguments():
    X, y = _digits_like()
    run = dist.data_parallel_sgd(models.LinearRegression(8), X, y.astype(float), 50.0, workers=2, batch_size=8,
                                 epochs=50, seed=0, params=np.zeros(9))
    assert run.diverged and run.loss == math.inf
    with pytest.raises(ValueError, match="more than"):
        dist.data_parallel_sgd(MLP([8, 3]), X, y, 0.1, workers=8, batch_size=16)
    with pytest.raises(ValueError, match="warmup_epochs"):
        dist.data_parallel_sgd(MLP([8, 3]), X, y, 0.1, warmup_epochs=-1)


def test_airfoil_quadratic_gradient_and_optimum():
    p = dist.airfoil_quadratic()
    assert np.linalg.norm(p.grad(p.theta_star)) < 1e-9
    assert p.excess(p.theta_star) == pytest.approx(0.0, abs=1e-12)
    theta = np.arange(6.0)
    model = models.LinearRegression(5)
    np.testing.assert_allclose(p.grad(theta), model.grad(theta, p.A[:, :-1], p.y), rtol=1e-10)


def test_stale_sgd_with_delay_zero_is_gradient_descent():
    p = dist.airfoil_quadratic()
    final = dist.stale_sgd(p, [0.1, 0.2], delay=0, steps=30)
    theta = np.zeros(6)
    for _ in range(30):
        theta = theta - 0.1 * p.grad(theta)
    np.testing.assert_allclose(final[0], theta, rtol=1e-12)


@pytest.mark.parametrize("delay", [0, 1, 3])
def test_measured_limit_brackets_the_exact_bound(delay):
    p = dist.airfoil_quadratic()
    bound = dist.stale_bound(delay) / p.lam_max
    final = dist.stale_sgd(p, [0.95 * bound, 1.05 * bound], delay, steps=400 * (delay + 1))
    assert list(dist.converged(p, final)) == [True, False]
    measured = dist.largest_stable_lr(p, delay)
    assert abs(measured / bound - 1) < 0.035  # two steps of the default grid


def test_stale_sgd_bad_input():
    p = dist.airfoil_quadratic()
    with pytest.raises(ValueError, match="lrs"):
        dist.stale_sgd(p, [0.1, -0.1], 1, 10)
    with pytest.raises(TypeError, match="problem"):
        dist.stale_sgd("airfoil", [0.1], 1, 10)


def test_geometric_staleness_is_momentum_on_average():
    p = dist.airfoil_quadratic()
    k, lr, steps = 4, 0.05, 60
    exact = dist.expected_async_iterates(p, lr, k, steps)
    heavy = dist.heavy_ball_iterates(p, lr / k, 1 - 1 / k, steps, buffer=k * p.grad(np.zeros(6)))
    np.testing.assert_allclose(exact, heavy, rtol=1e-10, atol=1e-10)
    scale = np.linalg.norm(p.theta_star)
    few = np.abs(dist.async_sgd_mean(p, lr, k, steps, runs=50, seed=0) - exact).max() / scale
    many = np.abs(dist.async_sgd_mean(p, lr, k, steps, runs=2000, seed=0) - exact).max() / scale
    assert many < few and many < 0.02


def test_one_worker_async_is_gradient_descent():
    p = dist.airfoil_quadratic()
    mean = dist.async_sgd_mean(p, 0.1, 1, 20, runs=3)
    np.testing.assert_allclose(mean[-1], dist.stale_sgd(p, [0.1], 0, 20)[0], rtol=1e-12)


def test_heavy_ball_bad_input():
    p = dist.airfoil_quadratic()
    with pytest.raises(ValueError, match="momentum"):
        dist.heavy_ball_iterates(p, 0.1, 1.0, 5)
    with pytest.raises(ValueError, match="buffer"):
        dist.heavy_ball_iterates(p, 0.1, 0.5, 5, buffer=np.zeros(3))


def test_bad_input_gets_a_clear_error_naming_the_argument():
    p = dist.airfoil_quadratic()
    X, y = _digits_like()
    with pytest.raises(TypeError, match="momentum"):
        dist.heavy_ball_iterates(p, 0.1, "0.5", 5)
    with pytest.raises(ValueError, match="points"):
        dist.converged(p, np.zeros((2, 3)))
    with pytest.raises(TypeError, match="points"):
        dist.converged(p, "abc")
    with pytest.raises(TypeError, match="scale_lr"):
        dist.data_parallel_sgd(MLP([8, 3]), X, y, 0.1, scale_lr="yes")
    with pytest.raises(ValueError, match="delay"):
        dist.stale_bound(10**20)
    with pytest.raises(ValueError, match="workers"):
        dist.async_sgd_mean(p, 0.1, 0, 5)
