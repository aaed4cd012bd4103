"""Checks for chapter 5, momentum, adaptive learning rates and learning-rate decay."""

from __future__ import annotations

import numpy as np

from .. import optimizers
from ..experiments.race import BOWL, BOWL_LR, COURSES, momentum_sweep
from ._core import exercise, failed, fmt, passed

__all__ = ["check_momentum_step", "check_bias_correction", "check_race_momentum", "check_cosine_lr", "RACE_LR"]


def _pair(result, what: str):
    try:
        a, b = result
    except (TypeError, ValueError):
        raise TypeError(f"it should return a pair {what}; got {result!r}") from None
    return np.asarray(a, dtype=float), np.asarray(b, dtype=float)


@exercise("5.1", "the momentum update")
def check_momentum_step(momentum_step):
    """``momentum_step(params, grad, velocity, lr, momentum)`` should return ``(new_params, new_velocity)``
    with ``velocity = momentum * velocity + grad`` and ``new_params = params - lr * velocity``."""
    rng = np.random.default_rng(5)
    lr, mu = 0.1, 0.9
    params, velocity = rng.normal(size=3), np.zeros(3)
    reference = optimizers.SGD(lr=lr, momentum=mu)
    expected = params.copy()
    grads = rng.normal(size=(5, 3))
    for t, grad in enumerate(grads, start=1):
        old_params, old_grad = params, grad.copy()
        params_copy = params.copy()
        params, velocity = _pair(momentum_step(params, grad, velocity, lr, mu), "(new_params, new_velocity)")
        expected = reference.step(expected, old_grad)
        if not np.array_equal(old_grad, grad) or not np.array_equal(params_copy, old_params):
            return failed("momentum_step changed its `params` or `grad` argument in place; return new arrays "
                          "instead (params - lr * velocity), as every gdcore optimizer does.")
        if params.shape != (3,):
            return failed(f"new_params should have the shape of params, (3,); got {params.shape}.")
        if not np.allclose(params, expected, rtol=1e-12, atol=1e-12):
            return failed(f"After step {t} the parameters are {np.round(params, 4)}, expected "
                          f"{np.round(expected, 4)}. {_momentum_hint(momentum_step, lr, mu)}")
    return passed(f"Five steps with lr = {lr} and momentum = {mu} match optimizers.SGD(lr={lr}, momentum={mu}) "
                  "exactly: the velocity remembers past gradients, and a steady gradient g builds up to "
                  f"a step of lr·g/(1 − momentum) = {fmt(1 / (1 - mu), 3)}·lr·g.")


def _momentum_hint(momentum_step, lr, mu) -> str:
    """Diagnose a wrong momentum update from its first two steps with a constant gradient."""
    p0, g, v0 = np.zeros(1), np.ones(1), np.zeros(1)
    try:
        p1, v1 = _pair(momentum_step(p0, g, v0, lr, mu), "")
        p2, _ = _pair(momentum_step(p1, g, v1, lr, mu), "")
    except Exception:  # the main check reports the error itself
        return "Update the velocity first, velocity = momentum * velocity + grad, then params - lr * velocity."
    first, second = float(p0[0] - p1[0]), float(p1[0] - p2[0])
    if np.isclose(first, lr) and np.isclose(second, lr):
        return "Every step is lr·grad: that is plain gradient descent. Did you update the velocity and use it?"
    if np.isclose(first, -lr) or np.isclose(second, -(1 + mu) * lr):
        return "The parameters move uphill: subtract lr * velocity from params."
    if np.isclose(first, (1 - mu) * lr):
        return ("The first step is (1 − momentum)·lr·grad: that is an exponential average. PyTorch's momentum "
                "adds the full gradient, velocity = momentum * velocity + grad.")
    if np.isclose(first, lr) and np.isclose(second, mu * lr):
        return "The second step forgot the new gradient: velocity = momentum * velocity + grad."
    if np.isclose(first, (1 + mu) * lr):
        return "That looks like Nesterov's look-ahead (grad + momentum * velocity); use the velocity itself."
    return ("With a steady gradient 1 the steps should be lr·1, lr·(1 + momentum), ...; yours were "
            f"{fmt(first)}, {fmt(second)}.")


@exercise("5.2", "Adam's bias correction")
def check_bias_correction(bias_correction):
    """``bias_correction(m, v, beta1, beta2, t)`` should return ``(m / (1 - beta1**t), v / (1 - beta2**t))``."""
    beta1, beta2 = 0.9, 0.999
    cases = [(2, 0.57, 0.01899), (1, 0.3, 0.009), (10, 1.2, 0.5), (1000, 0.8, 0.64)]
    for t, m, v in cases:
        m_hat, v_hat = _pair(bias_correction(m, v, beta1, beta2, t), "(m_hat, v_hat)")
        expected = (m / (1 - beta1**t), v / (1 - beta2**t))
        if np.allclose([m_hat, v_hat], expected, rtol=1e-10, atol=0):
            continue
        wrong = {
            "no correction at all": (m, v),
            "the exponent t − 1 (t counts from 1 here: the first step has t = 1)":
                (m / (1 - beta1 ** (t - 1)) if t > 1 else np.inf, v / (1 - beta2 ** (t - 1)) if t > 1 else np.inf),
            "division by β^t instead of 1 − β^t": (m / beta1**t, v / beta2**t),
            "multiplication by 1 − β^t instead of division": (m * (1 - beta1**t), v * (1 - beta2**t)),
            "β₁ and β₂ swapped": (m / (1 - beta2**t), v / (1 - beta1**t)),
        }
        hint = next((f"That matches {name}." for name, value in wrong.items()
                     if np.allclose([m_hat, v_hat], value, rtol=1e-10, atol=0)),
                    "Divide m by 1 − β₁^t and v by 1 − β₂^t.")
        return failed(f"bias_correction(m={m}, v={v}, t={t}) returned ({fmt(m_hat)}, {fmt(v_hat)}), expected "
                      f"({fmt(expected[0])}, {fmt(expected[1])}). {hint}")
    return passed("m̂ = m/(1 − β₁ᵗ) and v̂ = v/(1 − β₂ᵗ) at t = 2, 1, 10 and 1000. At t = 1 this undoes the "
                  "factors 0.1 and 0.001 with which the zero-initialized averages start; by t = 1000 the "
                  f"correction of m is gone and that of v is still a factor {fmt(1 / (1 - beta2**1000), 3)}.")


#: The learning rate of exercise 5.3: plain gradient descent's best, 2/(λ_max + λ_min), on the race's bowl.
RACE_LR = BOWL_LR
RACE_STEPS = COURSES[BOWL].steps
MOMENTA = np.round(np.arange(0.0, 1.0, 0.01), 2)


def momentum_race_steps(momenta=MOMENTA, lr: float = RACE_LR) -> np.ndarray:
    """Steps to tolerance on the race's bowl for many momenta at once (``-1``: not reached).

    :func:`gdcore.experiments.race.momentum_sweep`: the steps the explorer's
    momentum racer shows for each momentum.
    """
    return momentum_sweep(momenta, lr)


@exercise("5.3", "the fastest momentum (widget)")
def check_race_momentum(momentum):
    """``momentum`` should reach the bowl's minimum (lr = 2/(λ_max + λ_min)) within 10% of the fewest steps."""
    if isinstance(momentum, bool) or not np.isscalar(momentum) or not np.isfinite(momentum):
        return failed(f"momentum should be a number between 0 and 1 read off the explorer, like 0.5; "
                      f"got {momentum!r}.")
    if not 0 <= momentum < 1:
        return failed(f"momentum must lie in [0, 1); got {fmt(momentum)}. At 1 the ball never slows down.")
    steps = momentum_race_steps()
    best = int(np.min(steps[steps > 0]))
    best_mu = float(MOMENTA[np.argmin(np.where(steps > 0, steps, np.iinfo(int).max))])
    yours = int(momentum_race_steps([momentum])[0])
    if yours < 0:
        return failed(f"With momentum {fmt(momentum, 3)} the ball is still rolling after {RACE_STEPS} steps: too "
                      "little friction. Lower the momentum.")
    if yours <= 1.1 * best:
        return passed(f"Momentum {fmt(momentum, 3)} reaches the tolerance in {yours} steps; the fastest on a grid "
                      f"of 0.01 takes {best} (at {best_mu:.2f}), plain gradient descent {int(steps[0])}.")
    direction = "Raise" if momentum < best_mu else "Lower"
    why = ("the slow direction still creeps" if momentum < best_mu
           else "the ball overshoots and oscillates across the valley")
    return failed(f"Momentum {fmt(momentum, 3)} takes {yours} steps, but {best} are possible: {why}. "
                  f"{direction} the momentum and watch the step count in the verdict.")


@exercise("5.4", "the cosine schedule")
def check_cosine_lr(cosine_lr):
    """``cosine_lr(t, base_lr, T_max)`` should be ``base_lr * (1 + cos(pi * t / T_max)) / 2``."""
    from ..schedules import CosineAnnealingLR

    base_lr, T_max = 0.1, 20
    reference = CosineAnnealingLR(optimizers.SGD(lr=base_lr), T_max=T_max)
    ts = np.arange(T_max + 1)
    got = []
    for t in ts:
        value = cosine_lr(int(t), base_lr, T_max)
        try:
            got.append(float(value))
        except (TypeError, ValueError):
            return failed(f"cosine_lr should return a number; got {value!r} for t = {t}.")
    got, expected = np.array(got), np.array([reference.lr_at(int(t)) for t in ts])
    if np.allclose(got, expected, rtol=1e-12, atol=1e-15):
        return passed(f"cosine_lr matches CosineAnnealingLR: {fmt(got[0])} at t = 0, {fmt(got[T_max // 2])} "
                      f"halfway, {fmt(got[-1])} at t = T_max, flat at both ends and steepest in the middle.")
    k = int(np.argmax(np.abs(got - expected)))
    wrong = {
        "base_lr · cos(πt/T), which goes negative after halfway: add 1 and halve, (1 + cos)/2":
            base_lr * np.cos(np.pi * ts / T_max),
        "the cosine of t/T without π: the angle must run from 0 to π": base_lr * (1 + np.cos(ts / T_max)) / 2,
        "a schedule that reaches 0 at T_max − 1: divide by T_max": base_lr * (1 + np.cos(np.pi * ts / (T_max - 1))) / 2,
        "a linear decay: the cosine schedule is base_lr · (1 + cos(πt/T))/2": base_lr * (1 - ts / T_max),
    }
    hint = next((f"That looks like {name}." for name, values in wrong.items()
                 if np.allclose(got, values, rtol=1e-9, atol=1e-12)),
                "Use base_lr * (1 + cos(pi * t / T_max)) / 2.")
    return failed(f"cosine_lr({ts[k]}, {base_lr}, {T_max}) returned {fmt(got[k])}, expected {fmt(expected[k])}. {hint}")
