"""Checks for chapter 3, gradient descent."""

from __future__ import annotations

import numpy as np

from .. import objectives
from ..descent import descend
from ._core import as_number, as_vector, exercise, failed, fmt, fmt_vec, passed

__all__ = ["check_gd_step", "check_gradient_descent", "check_largest_stable_lr", "check_best_lr",
           "check_predicted_steps"]


@exercise("3.1", "one gradient descent step")
def check_gd_step(gd_step):
    """``gd_step(theta, grad, lr)`` should return theta − lr·grad, leaving its inputs alone."""
    theta, grad, lr = np.array([1.0, -2.0]), np.array([4.0, 0.5]), 0.1
    before = (theta.copy(), grad.copy())
    answer = gd_step(theta, grad, lr)
    try:
        got = as_vector(answer, "gd_step(theta, grad, lr)", (2,))
    except (TypeError, ValueError) as error:
        return failed(f"{error}.")
    if not (np.array_equal(theta, before[0]) and np.array_equal(grad, before[1])):
        return failed("gd_step changed its input array in place (theta -= ...): return a new array, "
                      "theta - lr * grad, so the previous point is kept.")
    expected = before[0] - lr * before[1]
    if np.allclose(got, expected, rtol=1e-12, atol=1e-15):
        return passed(f"gd_step((1, −2), (4, 0.5), 0.1) = {fmt_vec(got)}: a step of length lr·|∇L| "
                      "against the gradient.")
    where = f"gd_step((1, −2), (4, 0.5), 0.1) returned {fmt_vec(got)}, expected {fmt_vec(expected)}."
    if np.allclose(got, before[0] + lr * before[1]):
        hint = "That step goes uphill (gradient ascent): subtract lr·grad."
    elif np.allclose(got, before[0] - before[1]):
        hint = "The learning rate is missing: subtract lr·grad, not grad."
    else:
        hint = "The update is θ ← θ − α∇L(θ)."
    return failed(f"{where} {hint}")


_BOWL = objectives.Quadratic.from_eigenvalues([1.0, 6.0], angle=25.0, minimum=[1.0, -1.0])


@exercise("3.2", "gradient descent with a stopping rule")
def check_gradient_descent(gradient_descent):
    """``gradient_descent(grad, x0, lr, tol, max_steps)`` should return ``(theta, steps)`` like ``descend``."""
    # the last case starts at the minimum, where the gradient is already zero: 0 updates
    cases = [(np.array([-2.0, 2.0]), 0.1, 1e-6, 1000), (np.array([3.0, 0.5]), 0.2, 1e-4, 1000),
             (np.array([-2.0, 2.0]), 0.01, 1e-6, 50), (_BOWL.minima[0].copy(), 0.1, 1e-6, 1000)]
    for x0, lr, tol, max_steps in cases:
        result = gradient_descent(_BOWL.grad, x0.copy(), lr, tol, max_steps)
        if not isinstance(result, tuple) or len(result) != 2:
            return failed(f"gradient_descent should return a pair (theta, steps); it returned {result!r}.")
        try:
            theta = as_vector(result[0], "the theta returned", (2,))
            steps = int(as_number(result[1], "the number of steps returned"))
        except (TypeError, ValueError) as error:
            return failed(f"{error}.")
        run = descend(_BOWL, x0, lr, steps=max_steps, tol=tol)
        setting = f"With lr = {lr:g}, tol = {tol:g}, max_steps = {max_steps} from {fmt_vec(x0)}"
        if steps != run.steps:
            if run.steps == 0 and steps == 1:
                hint = ("The start is already flat, so no update is needed: test the gradient norm "
                        "before each update, not after it.")
            elif steps == run.steps + 1 or steps == run.steps - 1:
                hint = ("Off by one: test the gradient norm before each update, and count only the "
                        "updates you made.")
            elif steps == max_steps:
                hint = "It used the whole budget: stop as soon as the gradient norm is at most tol."
            else:
                hint = "Stop when np.linalg.norm(grad(theta)) <= tol, or after max_steps updates."
            return failed(f"{setting} your loop made {steps} steps; it should stop after {run.steps} "
                          f"({run.stop_reason}). {hint}")
        if not np.allclose(theta, run.x, rtol=1e-10, atol=1e-12):
            return failed(f"{setting} the step count is right ({steps}) but you returned {fmt_vec(theta)}, "
                          f"expected {fmt_vec(run.x)}. Return the last point, after the last update.")
    return passed(f"Same points and step counts as descend in all {len(cases)} runs, e.g. "
                  f"{descend(_BOWL, cases[0][0], 0.1, tol=1e-6).steps} steps with lr = 0.1, tol = 1e-6, "
                  "and 0 steps from a start that is already flat.")


_LINE = objectives.LineFit.example()


@exercise("3.3", "the largest stable learning rate (widget)")
def check_largest_stable_lr(lr_max):
    """``lr_max`` should be just below 2/λ_max for the line-fit loss: within 3% of the limit.

    The book prints the limit rounded to four decimals (0.2347, a hair above
    the exact 0.234667); that printed value is accepted too.
    """
    try:
        lr = as_number(lr_max, "lr_max")
    except TypeError as error:
        return failed(f"{error}.")
    if not np.isfinite(lr) or lr <= 0:
        return failed(f"lr_max should be a positive learning rate like 0.1; got {lr!r}.")
    limit = _LINE.stability_limit
    printed = round(limit, 4)  # what section 3.3 prints for 2/λ_max
    with np.errstate(over="ignore"):  # an absurd lr (1e308) overflows to a factor of inf, which the message says
        factor = _LINE.contraction(lr)
    if lr > max(limit, printed):
        return failed(f"With lr = {lr:.6g} gradient descent on the line fit does not converge: along the "
                      f"steepest direction each step multiplies the error by |1 − α λ_max| = {factor:.6f}, "
                      "more than 1, so the error grows. Lower lr until the loss curve falls again.")
    if lr < 0.97 * limit:
        return failed(f"lr = {fmt(lr)} is stable (per-step factor {factor:.4f}), but not the largest: rates "
                      f"up to {100 * (limit / lr - 1):.0f}% larger still converge. Raise lr until the loss "
                      "curve stops falling, then step back.")
    if lr >= limit:
        return passed(f"lr = {lr:.6g} is the limit 2/λ_max = {limit:.6f} as section 3.3 prints it, rounded "
                      f"to four decimals (λ_max = {_LINE.lambda_max:.4f}, the largest eigenvalue of the Hessian). At "
                      f"{lr:.6g} itself each step multiplies the steep component by {factor:.6f}, not below 1: "
                      "in a run, stay a little below the limit.")
    return passed(f"lr = {lr:.6g} converges and is within {fmt(100 * (1 - lr / limit), 2)}% of the limit "
                  f"2/λ_max = {limit:.6f}, where λ_max = {_LINE.lambda_max:.4f} is the largest eigenvalue of the Hessian.")


@exercise("3.4", "the best fixed learning rate")
def check_best_lr(best_lr):
    """``best_lr(A)`` should be 2 / (λ_min + λ_max) for a symmetric positive definite A."""
    matrices = [np.diag([1.0, 9.0]), np.array([[3.0, 1.0], [1.0, 3.0]]),
                np.array([[5.0, 2.0, 0.0], [2.0, 3.0, 1.0], [0.0, 1.0, 1.0]])]
    for A in matrices:
        got = as_number(best_lr(A.copy()), "best_lr(A)")
        lam = np.linalg.eigvalsh(A)
        expected = 2 / (lam[0] + lam[-1])
        if np.isclose(got, expected, rtol=1e-9):
            continue
        where = f"For A with eigenvalues {fmt_vec(lam)} you returned {fmt(got)}, expected {fmt(expected)}."
        if np.isclose(got, 1 / lam[-1]):
            hint = "That is 1/λ_max: safe, but slower than necessary. Balance the extreme eigenvalues."
        elif np.isclose(got, 2 / lam[-1]):
            hint = "That is 2/λ_max, the edge of stability, where the steepest direction no longer shrinks."
        elif np.isclose(got, 1 / lam[0]) or np.isclose(got, 2 / lam[0]):
            hint = "That uses the smallest eigenvalue only: the steepest direction then diverges."
        elif np.isclose(got, 2 / (A[0, 0] + A[-1, -1])):
            hint = "Those are diagonal entries, not eigenvalues: use np.linalg.eigvalsh(A)."
        else:
            hint = "Use the smallest and largest eigenvalues of A: 2 / (λ_min + λ_max)."
        return failed(f"{where} {hint}")
    return passed("2/(λ_min + λ_max) for all three matrices, e.g. 0.2 for eigenvalues (1, 9), where both extreme "
                  "directions shrink by the same factor (κ − 1)/(κ + 1) = 0.8 per step.")


_KAPPA, _DELTA, _START = 40.0, 1e-6, np.array([-2.5, 2.0])


def _steps_to_shrink(kappa: float, delta: float, start) -> int:
    """The first step t of gradient descent at 2/(λ_min + λ_max) with |θ_t − θ*| <= δ |θ_0 − θ*|."""
    bowl = objectives.Quadratic.from_eigenvalues([1.0, kappa], angle=30.0)
    run = descend(bowl, start, bowl.best_lr, steps=2000, tol=0.0)
    errors = np.linalg.norm(run.xs - bowl.minima[0], axis=1)
    return int(np.argmax(errors <= delta * errors[0]))


@exercise("3.5", "predict the number of steps from κ")
def check_predicted_steps(predicted_steps):
    """``predicted_steps`` should be within 3% of the steps gradient descent needs on the κ = 40 bowl."""
    try:
        guess = as_number(predicted_steps, "predicted_steps")
    except TypeError as error:
        return failed(f"{error}.")
    if not np.isfinite(guess) or guess <= 0:
        return failed(f"predicted_steps should be a positive number of steps; got {guess!r}.")
    measured = _steps_to_shrink(_KAPPA, _DELTA, _START)
    if abs(guess - measured) <= 0.03 * measured:
        return passed(f"You predicted {guess:.6g} steps; the run takes {measured}. At α* = 2/(λ_max + λ_min) "
                      f"the error shrinks by (κ − 1)/(κ + 1) = {(_KAPPA - 1) / (_KAPPA + 1):.4f} per step, "
                      "so t = ln(1/δ) / ln((κ + 1)/(κ − 1)), about (κ/2) ln(1/δ).")
    ln, log10 = np.log(1 / _DELTA), np.log10(1 / _DELTA)
    likely = [  # (a typical wrong prediction, the mistake that gives it)
        (_KAPPA * ln, "That is about κ ln(1/δ): each step shrinks the error by (κ − 1)/(κ + 1) ≈ 1 − 2/κ, "
                      "not 1 − 1/κ (that would be the rate of α = 1/λ_max)."),
        (_KAPPA / 2 * log10, "That looks like a base-10 logarithm: the count is ln(1/δ) / ln((κ + 1)/(κ − 1)), "
                             "with natural logarithms (or any base, the same in numerator and denominator)."),
        (_KAPPA * log10, "That looks like κ log10(1/δ): use natural logarithms, and κ/2 rather than κ."),
        (ln, "That is ln(1/δ) alone: the number of steps also grows in proportion to κ."),
        (_KAPPA ** 2 / 2 * ln, "That grows like κ²: for gradient descent the count grows like κ (momentum "
                               "improves it to √κ)."),
        (np.sqrt(_KAPPA) / 2 * ln, "That grows like √κ, the rate of momentum (chapter 5): plain gradient "
                                   "descent needs about κ/2 ln(1/δ)."),
    ]
    for value, hint in likely:
        if abs(guess - value) <= 0.05 * value:
            return failed(f"You predicted {guess:.6g} steps, which is off by more than 3%. {hint}")
    direction = "too many" if guess > measured else "too few"
    return failed(f"You predicted {guess:.6g} steps, {direction} by more than 3%. Start from the factor per "
                  "step at the best rate, (κ − 1)/(κ + 1), and ask for which t its t-th power reaches δ.")
