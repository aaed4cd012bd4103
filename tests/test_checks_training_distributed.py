"""Exercise checks 9.5 and 9.6 (beyond one machine): right answers, typical wrong ones, the stub."""

import math

import numpy as np

from gdcore import checks
from gdcore.checks import training as training_checks


def _stub(*args):
    raise NotImplementedError("Exercise 9.x: replace this line with your answer")


def right_lr(t, base_lr, workers, warmup_steps):
    ramp = 1.0 if warmup_steps == 0 else min(1.0, t / warmup_steps)
    return base_lr * (1 + (workers - 1) * ramp)


def test_linear_scaling_right():
    result = checks.check_linear_scaling_lr(right_lr)
    assert result.passed, result.message


def test_linear_scaling_wrong_answers_name_the_mistake():
    unscaled = checks.check_linear_scaling_lr(lambda t, a, k, w: a)
    assert not unscaled.passed and "k times larger" in unscaled.message
    from_zero = checks.check_linear_scaling_lr(lambda t, a, k, w: a * k * min(1, t / w) if w else a * k)
    assert not from_zero.passed and "starts at 0" in from_zero.message
    uncapped = checks.check_linear_scaling_lr(lambda t, a, k, w: a * (1 + (k - 1) * t / w) if w else a * k)
    assert not uncapped.passed and "cap the ramp" in uncapped.message
    divides_by_zero = checks.check_linear_scaling_lr(lambda t, a, k, w: a * (1 + (k - 1) * min(1, t / w)))
    assert not divides_by_zero.passed and "ZeroDivisionError" in divides_by_zero.message
    text = checks.check_linear_scaling_lr(lambda t, a, k, w: "0.1")
    assert not text.passed and "one number" in text.message


def test_linear_scaling_stub_and_type():
    stub = checks.check_linear_scaling_lr(_stub)
    assert not stub.passed and not stub.attempted
    number = checks.check_linear_scaling_lr(0.8)
    assert not number.passed and "should be a function" in number.message


def right_stale(lam, lr, delay, steps):
    theta = [1.0] * (delay + 1)
    for _ in range(steps):
        theta.append(theta[-1] - lr * lam * theta[-1 - delay])
    return np.array(theta[delay:])


def test_stale_limit_right():
    result = checks.check_stale_limit(right_stale, 2 * math.sin(math.pi / 14) * 0.998)
    assert result.passed, result.message


def test_stale_limit_wrong_answers_name_the_mistake():
    def one_step_too_fresh(lam, lr, delay, steps):
        return right_stale(lam, lr, max(delay - 1, 0), steps)

    fresh = checks.check_stale_limit(one_step_too_fresh, 0.445)
    assert not fresh.passed and "one step too few" in fresh.message
    short = checks.check_stale_limit(lambda lam, lr, tau, s: right_stale(lam, lr, tau, s)[1:], 0.445)
    assert not short.passed and "theta_0 = 1" in short.message
    no_staleness = checks.check_stale_limit(right_stale, 2.0)
    assert not no_staleness.passed and "without staleness" in no_staleness.message
    other_delay = checks.check_stale_limit(right_stale, 2 * math.sin(math.pi / 10))
    assert not other_delay.passed and "delay of 2" in other_delay.message
    too_big = checks.check_stale_limit(right_stale, 0.5)
    assert not too_big.passed and "too large" in too_big.message and "0.445" not in too_big.message


def test_stale_limit_stub_and_types():
    stub = checks.check_stale_limit(_stub, 0.4)
    assert not stub.passed and not stub.attempted
    text = checks.check_stale_limit(right_stale, "0.44")
    assert not text.passed and "without quotes" in text.message
    none = checks.check_stale_limit(lambda *a: None, 0.44)
    assert not none.passed


def _bisect(stable, steps=5000, rounds=30):
    low, high = 0.01, 2.0
    for _ in range(rounds):
        mid = (low + high) / 2
        if stable(right_stale(1.0, mid, 3, steps)):
            low = mid
        else:
            high = mid
    return low


def test_stable_looks_at_the_last_steps_not_one_value():
    # An unstable rate (0.6% above the limit) whose oscillation happens to pass near 0 at the last step:
    # |theta_T| is about 0.1 while the oscillation's amplitude has grown to about 46.
    unstable = 0.44777
    assert unstable > 2 * math.sin(math.pi / 14)
    path = right_stale(1.0, unstable, 3, 3000)
    assert abs(path[-1]) < 1 and np.abs(path[-100:]).max() > 10
    assert not training_checks._stable(path)
    assert training_checks._stable(right_stale(1.0, 0.99 * 2 * math.sin(math.pi / 14), 3, 3000))


def test_bisection_with_the_robust_test_passes_and_lands_on_the_limit():
    limit = _bisect(training_checks._stable)
    assert abs(limit / (2 * math.sin(math.pi / 14)) - 1) < 1e-3
    result = checks.check_stale_limit(right_stale, limit)
    assert result.passed, result.message


def test_stale_limit_failure_advises_the_robust_test():
    too_small = checks.check_stale_limit(right_stale, 0.3)
    assert not too_small.passed and "too small" in too_small.message
    assert "largest |theta_t| over the last 100 steps" in too_small.message
