"""Checks for chapter 5, momentum, adaptive learning rates and learning-rate decay."""

from __future__ import annotations

import numpy as np

from .. import optimizers
from ..experiments.race import BOWL, BOWL_LR, COURSES, momentum_sweep
from ._answers import WrongType, graded
from ._core import exercise, failed, fmt, passed

__all__ = ["check_momentum_step", "check_bias_correction", "check_race_momentum", "check_cosine_lr",
           "check_adam_update", "broken_adam_update", "race_lr"]


def _function(answer, name: str, call: str) -> None:
    """Fail with a sentence about the type when the answer is not a function."""
    if not callable(answer):
        raise WrongType(f"{name} should be a function, used as {call}; got {answer!r}. Define it with "
                        f"`def {name}(...)` and pass the function itself (no parentheses).")


def _numbers(result, what: str, size: int, call: str) -> tuple:
    """``size`` arrays of numbers returned by ``call``, or a sentence about what it returned instead."""
    try:
        parts = tuple(result)
    except TypeError:
        parts = ()
    if len(parts) != size:
        raise WrongType(f"{call} should return {what}; it returned {result!r}.")
    try:
        return tuple(np.asarray(part, dtype=float) for part in parts)
    except (TypeError, ValueError):
        raise WrongType(f"{call} should return {what}, each numbers (a float or a numpy array); "
                        f"it returned {result!r}.") from None


def _pair(result, what: str, call: str = "the function"):
    return _numbers(result, f"a pair {what}", 2, call)


@exercise("5.1", "the momentum update")
@graded
def check_momentum_step(momentum_step):
    """``momentum_step(params, grad, velocity, lr, momentum)`` should return ``(new_params, new_velocity)``
    with ``velocity = momentum * velocity + grad`` and ``new_params = params - lr * velocity``."""
    _function(momentum_step, "momentum_step", "momentum_step(params, grad, velocity, lr, momentum)")
    rng = np.random.default_rng(5)
    lr, mu = 0.1, 0.9
    params, velocity = rng.normal(size=3), np.zeros(3)
    reference = optimizers.SGD(lr=lr, momentum=mu)
    expected = params.copy()
    grads = rng.normal(size=(5, 3))
    for t, grad in enumerate(grads, start=1):
        old_params, old_grad = params, grad.copy()
        params_copy = params.copy()
        params, velocity = _pair(momentum_step(params, grad, velocity, lr, mu), "(new_params, new_velocity)",
                                 "momentum_step(params, grad, velocity, lr, momentum)")
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
    except (Exception, WrongType):  # the main check reports the error itself
        return "Update the velocity first and then the parameters, in the order of the exercise's two formulas."
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
@graded
def check_bias_correction(bias_correction):
    """``bias_correction(m, v, beta1, beta2, t)`` should return ``(m / (1 - beta1**t), v / (1 - beta2**t))``."""
    _function(bias_correction, "bias_correction", "bias_correction(m, v, beta1, beta2, t)")
    beta1, beta2 = 0.9, 0.999
    cases = [(2, 0.57, 0.01899), (1, 0.3, 0.009), (10, 1.2, 0.5), (1000, 0.8, 0.64)]
    for t, m, v in cases:
        m_hat, v_hat = _pair(bias_correction(m, v, beta1, beta2, t), "(m_hat, v_hat)",
                             "bias_correction(m, v, beta1, beta2, t)")
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
                    "Compare with the definitions of m̂ and v̂ in section 5.8.")
        return failed(f"bias_correction(m={m}, v={v}, t={t}) returned ({fmt(m_hat)}, {fmt(v_hat)}), expected "
                      f"({fmt(expected[0])}, {fmt(expected[1])}). {hint}")
    return passed("m̂ = m/(1 − β₁ᵗ) and v̂ = v/(1 − β₂ᵗ) at t = 2, 1, 10 and 1000. At t = 1 this undoes the "
                  "factors 0.1 and 0.001 with which the zero-initialized averages start; by t = 1000 the "
                  f"correction of m is gone and that of v is still a factor {fmt(1 / (1 - beta2**1000), 3)}.")


RACE_STEPS = COURSES[BOWL].steps
MOMENTA = np.round(np.arange(0.0, 1.0, 0.01), 2)
#: A momentum passes when it reaches the tolerance in at most this many times the fewest steps on the grid.
#: 1.2 accepts the value critical damping predicts (β = 0.643: 57 steps against 51) and the best panel of
#: the static fallback (0.7: 59 steps), the two routes a reader of the website has.
WITHIN = 1.2


def race_lr() -> float:
    """The learning rate of exercise 5.3: plain gradient descent's best, 2/(λ_max + λ_min), on the race's bowl."""
    return float(BOWL_LR)


def momentum_race_steps(momenta=MOMENTA, lr: float | None = None) -> np.ndarray:
    """Steps to tolerance on the race's bowl for many momenta at once (``-1``: not reached).

    :func:`gdcore.experiments.race.momentum_sweep`: the steps the explorer's
    momentum racer shows for each momentum; ``lr`` defaults to :func:`race_lr`.
    """
    return momentum_sweep(momenta, race_lr() if lr is None else lr)


@exercise("5.3", "the fastest momentum (widget)")
def check_race_momentum(momentum):
    """``momentum`` should reach the bowl's minimum (lr = 2/(λ_max + λ_min)) within 20% of the fewest steps."""
    if isinstance(momentum, str):
        return failed(f"best_momentum should be a number, not the text {momentum!r}: write it without quotes, "
                      "like best_momentum = 0.5.")
    if isinstance(momentum, bool) or not np.isscalar(momentum) or not isinstance(momentum, (int, float, np.number)):
        return failed(f"best_momentum should be one number between 0 and 1 read off the explorer, like 0.5; "
                      f"got {momentum!r}.")
    if not np.isfinite(momentum):
        return failed(f"best_momentum should be a finite number between 0 and 1; got {momentum!r}.")
    if not 0 <= momentum < 1:
        return failed(f"momentum must lie in [0, 1); got {fmt(momentum)}. At 1 the ball never slows down.")
    momentum = float(momentum)
    steps = momentum_race_steps()
    best = int(np.min(steps[steps > 0]))
    best_mu = float(MOMENTA[np.argmin(np.where(steps > 0, steps, np.iinfo(int).max))])
    yours = int(momentum_race_steps([momentum])[0])
    if yours < 0:
        return failed(f"With momentum {fmt(momentum, 3)} the ball is still rolling after {RACE_STEPS} steps: too "
                      "little friction. Lower the momentum.")
    if yours <= WITHIN * best:
        return passed(f"Momentum {fmt(momentum, 3)} reaches the tolerance in {yours} steps; the fastest on a grid "
                      f"of 0.01 takes {best} (at {best_mu:.2f}), plain gradient descent {int(steps[0])}.")
    direction = "Raise" if momentum < best_mu else "Lower"
    why = ("the slow direction still creeps" if momentum < best_mu
           else "the ball overshoots and oscillates across the valley")
    return failed(f"Momentum {fmt(momentum, 3)} takes {yours} steps, but {best} are possible: {why}. "
                  f"{direction} the momentum and watch the step count in the verdict.")


@exercise("5.4", "the cosine schedule")
@graded
def check_cosine_lr(cosine_lr):
    """``cosine_lr(t, base_lr, T_max)`` should be ``base_lr * (1 + cos(pi * t / T_max)) / 2``."""
    from ..schedules import CosineAnnealingLR

    _function(cosine_lr, "cosine_lr", "cosine_lr(t, base_lr, T_max)")

    base_lr, T_max = 0.1, 20
    reference = CosineAnnealingLR(optimizers.SGD(lr=base_lr), T_max=T_max)
    ts = np.arange(T_max + 1)
    got = []
    for t in ts:
        value = cosine_lr(int(t), base_lr, T_max)
        if isinstance(value, (str, bool)) or np.ndim(value) != 0:
            return failed(f"cosine_lr should return one number (a float); got {value!r} for t = {t}.")
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
        "a linear decay: the cosine schedule follows a half period of a cosine": base_lr * (1 - ts / T_max),
    }
    hint = next((f"That looks like {name}." for name, values in wrong.items()
                 if np.allclose(got, values, rtol=1e-9, atol=1e-12)),
                "Compare with the cosine row of the table in section 5.10, with α_min = 0.")
    return failed(f"cosine_lr({ts[k]}, {base_lr}, {T_max}) returned {fmt(got[k])}, expected {fmt(expected[k])}. {hint}")


def broken_adam_update(params, grad, m, v, t, lr=0.1, betas=(0.9, 0.999), eps=1e-8):
    """Exercise 5.5's Adam step, with one bug: it returns (new_params, m, v)."""
    b1, b2 = betas
    m = b1 * m + (1 - b1) * grad
    v = b2 * v + (1 - b2) * grad**2
    step = lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b1**t)) + eps)
    return params - step, m, v


def _adam_hint(adam_update, lr, betas, eps) -> str:
    """Name the likely bug from the first two steps of a steady gradient 1 (Adam's should be lr, lr)."""
    beta1, beta2 = betas
    try:
        p1, m1, v1 = _numbers(adam_update(np.zeros(1), np.ones(1), np.zeros(1), np.zeros(1), 1, lr, betas, eps),
                              "", 3, "")
        p2, _, _ = _numbers(adam_update(p1, np.ones(1), m1, v1, 2, lr, betas, eps), "", 3, "")
    except Exception:
        return "Compare your code with the formulas of section 5.8 line by line."
    first, second = float(-p1[0]) / lr, float(p1[0] - p2[0]) / lr
    guesses = [
        (np.sqrt((1 - beta1) / (1 - beta2)), "v is still corrected with 1 − β₁ᵗ: v̂ needs 1 − β₂ᵗ"),
        (np.sqrt(1 / (1 - beta2)), "v is not bias-corrected: divide v by 1 − β₂ᵗ"),
        ((1 - beta1) / np.sqrt(1 - beta2), "neither average is bias-corrected"),
        ((1 - beta1), "m is not bias-corrected: divide m by 1 − β₁ᵗ"),
        (-1.0, "the step goes uphill: subtract lr · m̂/(√v̂ + ϵ)"),
    ]
    for value, hint in guesses:
        if np.isclose(first, value, rtol=1e-6):
            return f"Your first step with a steady gradient 1 is {fmt(first, 3)}·lr instead of lr: {hint}."
    try:  # one step with a gradient of 10·sqrt(eps): ϵ inside the root shrinks it to 10/sqrt(101) ≈ 0.995 lr
        tiny = 10 * np.sqrt(eps)
        p_tiny, _, _ = _numbers(adam_update(np.zeros(1), np.full(1, tiny), np.zeros(1), np.zeros(1), 1, lr, betas, eps),
                                "", 3, "")
        if np.isclose(float(-p_tiny[0]) / lr, tiny / np.sqrt(tiny**2 + eps), rtol=1e-9):
            return ("With a gradient as small as 10·√ϵ your step is too short: ϵ belongs outside the square root, "
                    "added to √v̂.")
    except Exception:
        pass
    if np.isclose(first, 1.0) and not np.isclose(second, 1.0):
        return (f"The first step is right but the second is {fmt(second, 3)}·lr: does t count from 1, and do "
                "m and v carry over from the previous step (return the new m and v)?")
    return (f"With a steady gradient 1 Adam's steps are lr, lr, ...; yours were {fmt(first, 3)}·lr and "
            f"{fmt(second, 3)}·lr. Compare with the formulas of section 5.8.")


@exercise("5.5", "debug an Adam step")
@graded
def check_adam_update(adam_update):
    """``adam_update(params, grad, m, v, t, lr, betas, eps)`` should return Adam's ``(new_params, m, v)``."""
    call = "adam_update(params, grad, m, v, t, lr, betas, eps)"
    _function(adam_update, "adam_update", call)
    lr, betas, eps = 0.05, (0.8, 0.99), 1e-8
    rng = np.random.default_rng(55)
    reference = optimizers.Adam(lr=lr, betas=betas, eps=eps)
    params = expected = rng.normal(size=3)
    m, v = np.zeros(3), np.zeros(3)
    for t, grad in enumerate(rng.normal(size=(6, 3)) * [1.0, 0.01, 100.0], start=1):
        before, grad_before = params.copy(), grad.copy()
        new, m, v = _numbers(adam_update(params, grad, m, v, t, lr, betas, eps), "a triple (new_params, m, v)",
                             3, call)
        if not (np.array_equal(before, params) and np.array_equal(grad_before, grad)):
            return failed("adam_update changed its `params` or `grad` argument in place; return new arrays instead.")
        expected = reference.step(expected, grad)
        if new.shape != (3,):
            return failed(f"new_params should have the shape of params, (3,); got {new.shape}.")
        if not np.allclose(new, expected, rtol=1e-10, atol=1e-12):
            return failed(f"After step {t} your parameters differ from optimizers.Adam's by up to "
                          f"{fmt(np.max(np.abs(new - expected)), 2)}. {_adam_hint(adam_update, lr, betas, eps)}")
        params = new
    return passed(f"Six steps with lr = {lr} and betas = {betas} match optimizers.Adam on gradients of sizes 0.01 "
                  "to 100: with v̂ = v/(1 − β₂ᵗ) the first step is lr per coordinate whatever the gradient's size, "
                  f"where the bug made it √((1 − β₁)/(1 − β₂))·lr = {fmt(np.sqrt((1 - betas[0]) / (1 - betas[1])), 3)}·lr.")
