"""Checks for chapter 9's last section, beyond one machine (exercises 9.5 and 9.6)."""

from __future__ import annotations

import numpy as np

from ..experiments import distributed
from ._answers import WrongType, function, graded, number, returned
from ._core import exercise, failed, fmt, passed

__all__ = ["check_linear_scaling_lr", "check_stale_limit"]

#: (t, base_lr, workers, warmup_steps) cases of exercise 9.5.
SCALING_CASES = [(0, 0.1, 8, 100), (50, 0.1, 8, 100), (100, 0.1, 8, 100), (250, 0.1, 8, 100),
                 (0, 0.05, 1, 10), (7, 0.05, 1, 10), (3, 0.2, 4, 0), (0, 0.2, 4, 0), (1, 0.01, 32, 4)]


@exercise("9.5", "the linear scaling rule with warm-up")
@graded
def check_linear_scaling_lr(linear_scaling_lr):
    """``linear_scaling_lr(t, base_lr, workers, warmup_steps)`` should be Goyal et al.'s gradual warm-up to k * base_lr."""
    function(linear_scaling_lr, "linear_scaling_lr", "linear_scaling_lr(t, base_lr, workers, warmup_steps)")
    for t, base_lr, k, warmup in SCALING_CASES:
        call = f"linear_scaling_lr({t}, {base_lr}, {k}, {warmup})"
        got = returned(linear_scaling_lr(t, base_lr, k, warmup), call)
        expected = distributed.warmup_lr(t, base_lr, k, warmup)
        if abs(got - expected) <= 1e-12 * expected:
            continue
        ramp = 1.0 if warmup == 0 else min(1.0, t / warmup)
        if abs(got - base_lr) <= 1e-12 and k > 1:
            hint = "That is the base rate: with k workers the batch is k times larger, so the rate is k times larger."
        elif abs(got - base_lr * k * ramp) <= 1e-12 * max(expected, 1e-300):
            hint = ("The warm-up starts at 0: Goyal et al. climb from the base rate (what one worker would use) "
                    "to k times it, alpha (1 + (k - 1) t / T_w).")
        elif abs(got - base_lr * (1 + (np.sqrt(k) - 1) * ramp)) <= 1e-12 * expected:
            hint = "That scales by the square root of k; the linear scaling rule multiplies the rate by k itself."
        elif warmup == 0:
            hint = "warmup_steps = 0 means no warm-up: k * base_lr from the first step (mind the division by 0)."
        elif t >= warmup:
            hint = "After the warm-up the rate stays at k * base_lr: cap the ramp t / warmup_steps at 1."
        else:
            hint = "During the warm-up the rate climbs linearly: base_lr * (1 + (k - 1) * t / warmup_steps)."
        return failed(f"{call} returned {fmt(got)}, expected {fmt(expected)}. {hint}")
    return passed("From base_lr at step 0, linearly to k * base_lr at the end of the warm-up, then constant: "
                  "for 8 workers and 100 warm-up steps the rate is 0.1, 0.45 and 0.8 at steps 0, 50 and 100.")


def _reference_path(lam: float, lr: float, delay: int, steps: int) -> np.ndarray:
    """theta_0 .. theta_steps of theta_{t+1} = theta_t - lr lam theta_{t-delay}, theta_t = 1 for t <= 0."""
    theta = [1.0] * (delay + 1)
    for _ in range(steps):
        theta.append(theta[-1] - lr * lam * theta[-1 - delay])
    return np.array(theta[delay:])


#: (lam, lr, delay, steps) cases on which exercise 9.6's simulation is compared.
STALE_CASES = [(1.0, 0.3, 3, 12), (2.0, 0.1, 0, 5), (1.0, 0.5, 1, 8), (0.5, 0.2, 5, 20)]
#: The delay and curvature of exercise 9.6's question.
STALE_DELAY, STALE_LAM = 3, 1.0
#: Exercise 9.6 calls a rate stable if the largest |theta_t| over this many last steps is below 1.
STABLE_WINDOW = 100


def _stable(path, window: int = STABLE_WINDOW) -> bool:
    """Exercise 9.6's test of a run: the largest |theta_t| over its last ``window`` steps is below 1."""
    return bool(np.abs(np.asarray(path, dtype=float)[-window:]).max() < 1)


@exercise("9.6", "how much staleness a learning rate tolerates")
@graded
def check_stale_limit(stale_descent, lr_limit):
    """``stale_descent(lam, lr, delay, steps)`` simulates a stale gradient; ``lr_limit`` is the largest stable lr for delay 3."""
    function(stale_descent, "stale_descent", "stale_descent(lam, lr, delay, steps)")
    for lam, lr, delay, steps in STALE_CASES:
        call = f"stale_descent({lam}, {lr}, {delay}, {steps})"
        raw = stale_descent(lam, lr, delay, steps)
        try:
            got = np.asarray(raw, dtype=float)
        except (TypeError, ValueError):
            raise WrongType(f"{call} should return the {steps + 1} numbers theta_0 .. theta_{steps} "
                            f"(a list or numpy array), but it returned {raw!r:.60}.") from None
        expected = _reference_path(lam, lr, delay, steps)
        if got.shape != expected.shape:
            hint = (" Include theta_0 = 1 at the start." if got.shape == (steps,) else
                    " Return theta_0 .. theta_steps only, not the values before the start." if got.shape == (steps + 1 + delay,)
                    else "")
            return failed(f"{call} should return {steps + 1} numbers (theta_0 .. theta_{steps}); it returned "
                          f"shape {got.shape}.{hint}")
        if not np.allclose(got, expected, rtol=1e-9, atol=1e-12):
            if delay > 0 and np.allclose(got, _reference_path(lam, lr, delay - 1, steps), rtol=1e-9, atol=1e-12):
                hint = ("That is a delay of one step too few: the gradient of step t is computed at theta_{t-delay}, "
                        "delay steps before the current theta_t (delay 0 is plain gradient descent).")
            elif np.allclose(got, _reference_path(lam, lr, delay + 1, steps), rtol=1e-9, atol=1e-12):
                hint = "That is a delay of one step too many: with delay 0 the step must be plain gradient descent."
            else:
                hint = ("Keep every theta in a list; step t uses theta[-1] for the current point and "
                        "theta[-1 - delay] for the stale one, with theta_t = 1 before the start.")
            return failed(f"{call} gave {np.round(got[:6], 4).tolist()}..., expected "
                          f"{np.round(expected[:6], 4).tolist()}... {hint}")
    limit = number(lr_limit, "lr_limit", "0.3")
    bound = distributed.stale_bound(STALE_DELAY) / STALE_LAM
    if abs(limit - bound) <= 0.01 * bound:
        return passed(f"Your simulation matches, and lr_limit = {fmt(limit)} is within 1% of the exact limit "
                      f"2 sin(pi/14) = {bound:.4f} for delay 3; without staleness it would be 2.")
    if abs(limit - 2.0) <= 0.02:
        return failed(f"lr_limit = {fmt(limit)} is the limit without staleness (2/lam). Run stale_descent with "
                      f"delay=3 and find where the runs start to grow.")
    for tau in (2, 4):
        if abs(limit - distributed.stale_bound(tau)) <= 0.01 * distributed.stale_bound(tau):
            return failed(f"lr_limit = {fmt(limit)} is the limit for a delay of {tau}, not 3: check the delay "
                          f"you simulated.")
    side = "too large: runs at that rate grow" if limit > bound else "too small: runs at slightly larger rates still shrink"
    return failed(f"lr_limit = {fmt(limit)} is not within 1% of the largest stable rate for delay 3; it is {side}. "
                  f"Bisect: run many steps (a few thousand) and call a rate stable when the largest |theta_t| over "
                  f"the last {STABLE_WINDOW} steps is below 1 (the iterates oscillate: a single theta_T can be small "
                  "by chance while the oscillation grows).")
