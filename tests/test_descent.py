"""Tests of gdcore.descent: the loop, its four stopping rules, divergence, bad input."""

import numpy as np
import pytest

from gdcore import optimizers
from gdcore.descent import (DIVERGENCE_FACTOR, Run, descend, divergence_threshold, is_diverging,
                            quiet_overflow)
from gdcore.objectives import Himmelblau, Quadratic, Rosenbrock, Saddle

BOWL = Quadratic(np.diag([2.0, 2.0]))  # f(x) = |x|^2, grad 2x: lr 0.25 halves x each step


def test_steps_by_hand():
    run = descend(BOWL, [1.0, 1.0], 0.25, steps=3, tol=0)
    np.testing.assert_allclose(run.xs, [[1, 1], [0.5, 0.5], [0.25, 0.25], [0.125, 0.125]])
    np.testing.assert_allclose(run.losses, [2.0, 0.5, 0.125, 0.03125])
    np.testing.assert_allclose(run.grad_norms, 2 * np.sqrt(2) * 0.5 ** np.arange(4))
    np.testing.assert_allclose(run.lrs, [0.25, 0.25, 0.25])
    assert run.stop_reason == "max_steps" and run.steps == 3
    np.testing.assert_allclose(run.x, [0.125, 0.125])
    assert run.loss == pytest.approx(0.03125)


def test_converged_when_gradient_norm_reaches_tol():
    # |grad| = 2 sqrt(2) 0.5^k <= 1e-6 first at k = 22
    run = descend(BOWL, [1.0, 1.0], 0.25, tol=1e-6)
    assert run.stop_reason == "converged" and run.converged
    assert run.steps == 22
    assert run.grad_norms[-1] <= 1e-6 < run.grad_norms[-2]
    assert "converged" in run.reason() and "22 steps" in run.reason()


def test_converged_at_the_start():
    run = descend(BOWL, [0.0, 0.0], 0.1)
    assert run.stop_reason == "converged" and run.steps == 0 and run.xs.shape == (1, 2)


def test_no_improvement_with_patience():
    # lr = 1 maps x to -x: the loss stays at 2 forever, never below its best.
    run = descend(BOWL, [1.0, 1.0], 1.0, steps=100, patience=5)
    assert run.stop_reason == "no_improvement"
    assert run.steps == 5
    assert "5 steps" in run.reason()
    # without patience the same run spends its budget
    assert descend(BOWL, [1.0, 1.0], 1.0, steps=100).stop_reason == "max_steps"


def test_diverged_at_first_exploding_loss_without_warnings():
    # lr = 1.5 maps x to -2x: the loss (2 at the start) grows 4x per step and
    # first exceeds 1e6 * 2 at step 10 (4**10 * 2 = 2.1e6).
    run = descend(BOWL, [1.0, 1.0], 1.5, steps=1000)
    assert run.stop_reason == "diverged" and run.diverged
    assert run.steps == 10
    assert run.losses[-1] > DIVERGENCE_FACTOR * 2 >= run.losses[-2]
    assert "diverged" in run.reason()


def test_overflow_to_infinity_is_reported_not_warned():
    run = descend(Rosenbrock(), [3.0, -3.0], 1e150, steps=50)  # warnings are errors in pytest
    assert run.stop_reason == "diverged"
    assert "not a finite number" in run.reason() or run.losses[-1] > 1e6


def test_float_lr_means_plain_sgd():
    a = descend(Himmelblau(), [0.0, 0.0], 0.01, steps=50, tol=0)
    b = descend(Himmelblau(), [0.0, 0.0], optimizers.SGD(lr=0.01), steps=50, tol=0)
    np.testing.assert_array_equal(a.xs, b.xs)


def test_optimizer_is_reset_between_runs():
    opt = optimizers.SGD(lr=0.01, momentum=0.9)
    first = descend(Rosenbrock(), [-1.0, 1.0], opt, steps=30, tol=0)
    second = descend(Rosenbrock(), [-1.0, 1.0], opt, steps=30, tol=0)
    np.testing.assert_array_equal(first.xs, second.xs)


def test_inputs_are_not_modified():
    x0 = np.array([1.0, 1.0])
    run = descend(BOWL, x0, 0.25, steps=3)
    np.testing.assert_array_equal(x0, [1.0, 1.0])
    assert run.xs[0] is not run.xs[1]


class HalvingScheduler:
    def __init__(self, optimizer):
        self.optimizer, self.calls = optimizer, 0

    def step(self, metric=None):
        self.calls += 1
        self.optimizer.lr /= 2


def test_scheduler_steps_after_every_update():
    opt = optimizers.SGD(lr=0.4)
    sched = HalvingScheduler(opt)
    run = descend(BOWL, [1.0, 1.0], opt, steps=4, tol=0, scheduler=sched)
    assert sched.calls == 4
    np.testing.assert_allclose(run.lrs, [0.4, 0.2, 0.1, 0.05])
    np.testing.assert_allclose(run.xs[1], [1 - 0.8, 1 - 0.8])


@pytest.mark.parametrize("seed", range(5))
def test_the_two_over_L_stability_bound(seed):
    rng = np.random.default_rng(seed)
    q = Quadratic.from_eigenvalues(rng.uniform([0.1, 1.0], [1.0, 10.0]), angle=rng.uniform(0, 180))
    x0 = rng.normal(size=2)
    below = descend(q, x0, 0.98 * q.stability_limit, steps=5000, tol=1e-8)
    above = descend(q, x0, 1.02 * q.stability_limit, steps=5000, tol=1e-8)
    assert below.stop_reason == "converged"
    assert above.stop_reason == "diverged"


def test_measured_contraction_matches_theory_at_the_best_rate():
    q = Quadratic.from_eigenvalues([1.0, 9.0])  # kappa = 9, rate (9-1)/(9+1) = 0.8
    run = descend(q, [1.0, 1.0], q.best_lr, steps=40, tol=0)
    errors = np.linalg.norm(run.xs - q.minima[0], axis=1)
    assert errors[-1] / errors[-2] == pytest.approx(0.8, rel=1e-9)
    assert q.contraction(q.best_lr) == pytest.approx(0.8)


def test_saddle_traps_a_start_on_its_axis_and_releases_others():
    trapped = descend(Saddle(), [1.0, 0.0], 0.1)
    assert trapped.converged
    np.testing.assert_allclose(trapped.x, [0.0, 0.0], atol=1e-6)
    escaped = descend(Saddle(), [1.0, 1e-6], 0.1)
    assert escaped.converged
    np.testing.assert_allclose(np.abs(escaped.x), [0.0, 1.0], atol=1e-6)


@pytest.mark.parametrize("kwargs, error, message", [
    (dict(x0=[1.0, 2.0, 3.0]), ValueError, r"shape \(2,\)"),
    (dict(x0=[[1.0, 2.0]]), ValueError, "1-dimensional"),
    (dict(x0=[np.nan, 1.0]), ValueError, "finite"),
    (dict(optimizer_or_lr=0.0), ValueError, "lr must be a finite positive"),
    (dict(optimizer_or_lr=-0.1), ValueError, "lr must be a finite positive"),
    (dict(optimizer_or_lr="fast"), TypeError, "optimizer_or_lr"),
    (dict(steps=0), ValueError, "steps must be at least 1"),
    (dict(steps=2.5), TypeError, "steps must be an integer"),
    (dict(tol=-1.0), ValueError, "tol"),
    (dict(patience=0), ValueError, "patience"),
])
def test_bad_input_gives_clear_errors(kwargs, error, message):
    args = dict(objective=BOWL, x0=[1.0, 1.0], optimizer_or_lr=0.1) | kwargs
    with pytest.raises(error, match=message):
        descend(**args)


def test_objective_without_gradient_is_refused():
    with pytest.raises(TypeError, match="grad"):
        descend(lambda x: float(x @ x), [1.0, 1.0], 0.1)


def test_divergence_helpers():
    assert divergence_threshold(5.0) == 5e6
    assert divergence_threshold(0.0) == 1e6  # a start at loss 0 does not make everything "diverge"
    assert is_diverging(np.inf, 1.0) and is_diverging(np.nan, 1.0)
    assert is_diverging(2e6, 1.0) and not is_diverging(9e5, 1.0)
    assert is_diverging(-2e6, 1.0)  # running off to minus infinity counts too
    with quiet_overflow():
        assert np.float64(1e308) * 10 == np.inf


def test_run_repr_is_one_line():
    run = descend(BOWL, [1.0, 1.0], 0.25)
    assert isinstance(run, Run)
    assert repr(run).startswith("Run(22 steps") and "\n" not in repr(run)


class _NoisyBowl(Quadratic):
    """A bowl whose own ``grad`` counts its calls: descend must use it, not the unchecked fast path."""

    def grad(self, theta):
        self.calls = getattr(self, "calls", 0) + 1
        return super().grad(theta)


def test_an_objective_with_its_own_grad_is_called_through_it():
    bowl = _NoisyBowl(np.diag([2.0, 2.0]))
    run = descend(bowl, [1.0, 1.0], 0.25, steps=5, tol=0)
    plain = descend(BOWL, [1.0, 1.0], 0.25, steps=5, tol=0)
    assert bowl.calls == run.steps + 1 == 6
    np.testing.assert_array_equal(run.xs, plain.xs)  # the fast path computes the same numbers
    np.testing.assert_array_equal(run.grad_norms, plain.grad_norms)
