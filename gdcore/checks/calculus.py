"""Checks for chapter 1, calculus review.

A wrongly typed answer (a string, None, a list where a number or a function
is expected) gets one sentence about the type expected, never the traceback
of the check itself. A failure names the likely mistake; where the answer
asked for is a number, it does not print that number.
"""

from __future__ import annotations

import numpy as np

from .. import derivatives
from ._answers import function, graded, positive, returned
from ._core import exercise, failed, fmt, passed

__all__ = ["check_chain_rule", "check_central_difference", "check_best_step", "check_secant_step",
           "check_predicted_step"]

_POINTS = np.array([-2.0, -0.7, 0.3, 1.1, 2.5])

#: Machine epsilon of float64, the ε_mach of the chapter.
EPS = float(np.finfo(float).eps)


@exercise("1.1", "the chain rule")
@graded
def check_chain_rule(dfdx):
    """``dfdx(x)`` should be the derivative of f(x) = sin(x²), that is 2x·cos(x²)."""
    function(dfdx, "dfdx", "dfdx(x)")
    got = np.array([returned(dfdx(float(x)), f"dfdx({fmt(x)})") for x in _POINTS])
    expected = 2 * _POINTS * np.cos(_POINTS**2)
    if np.allclose(got, expected, rtol=1e-9, atol=1e-12):
        return passed("dfdx(x) = 2x·cos(x²) at every test point: outer derivative cos(u) at u = x², "
                      "times the inner derivative 2x.")
    x, g, e = _POINTS[3], got[3], expected[3]
    if np.allclose(got, np.cos(_POINTS**2)):
        hint = "That is the outer derivative only: multiply by the derivative of the inner function."
    elif np.allclose(got, 2 * _POINTS * np.cos(_POINTS)):
        hint = "The outer derivative is evaluated at x: evaluate it at the inner function instead."
    elif np.allclose(got, -2 * _POINTS * np.cos(_POINTS**2)) or np.allclose(got, 2 * _POINTS * np.sin(_POINTS**2)):
        hint = "Check the derivative of sin: it is +cos, not −cos or sin."
    else:
        hint = "Write f as sin(u) with u = x², and multiply sin's derivative at u by du/dx."
    return failed(f"dfdx({fmt(x)}) returned {fmt(g)}, expected {fmt(e)}. {hint}")


@exercise("1.2", "the central difference")
@graded
def check_central_difference(central_difference):
    """``central_difference(f, x, h)`` should return (f(x+h) − f(x−h)) / (2h)."""
    function(central_difference, "central_difference", "central_difference(f, x, h)")
    x, h = 1.0, 1e-3
    got = returned(central_difference(np.exp, x, h), "central_difference(exp, 1, 0.001)")
    expected = derivatives.derivative(np.exp, x, h=h, method="central")
    if abs(got - expected) <= 1e-9 * abs(expected):
        return passed(f"central_difference(exp, 1, 0.001) = {fmt(got, 10)}, within {fmt(abs(got - np.e), 2)} "
                      f"of e: the error is O(h²).")
    forward = derivatives.derivative(np.exp, x, h=h, method="forward")
    backward = derivatives.derivative(np.exp, x, h=h, method="backward")
    if abs(got - 2 * expected) <= 1e-6 * abs(expected):
        hint = "That is twice the right value: divide by the distance between the two points you sampled."
    elif abs(got - forward) <= 1e-9 * abs(forward) or abs(got - backward) <= 1e-9 * abs(backward):
        hint = "That is a one-sided difference: sample f on both sides of x, at x − h and x + h."
    else:
        hint = "Sample f at x − h and x + h, and divide the difference by the distance between them."
    return failed(f"central_difference(exp, 1, 0.001) returned {fmt(got, 10)}, expected {fmt(expected, 10)}. {hint}")


def central_errors(h, f=np.exp, x: float = 1.0, exact: float = np.e):
    """Error of the central difference of ``f`` at ``x`` (exp at 1 by default), for steps ``h``."""
    return np.abs(derivatives.derivative(f, x, h=np.asarray(h, dtype=float), method="central") - exact)


@exercise("1.3", "the best step")
@graded
def check_best_step(best_h):
    """``best_h`` should be within a factor of 10 of the measured best step of the central difference.

    The measured best step is the power of ten whose neighbouring steps have the smallest median
    error (`derivatives.best_power_of_ten`): the single smallest error is round-off noise, and where it lies
    changes with the numpy version.
    """
    best_h = positive(best_h, "best_h", "1e-3")
    hs = np.logspace(-12, 0, 241)
    best = derivatives.best_power_of_ten(hs, central_errors(hs))
    error = float(central_errors(best_h))
    if best / 10 <= best_h <= best * 10:
        return passed(f"h = {fmt(best_h, 2)} is within a factor of ten of the measured optimum, h ≈ {fmt(best, 1)} "
                      f"(the power of ten whose neighbouring steps have the smallest median error), where "
                      f"truncation error (∝ h²) meets round-off error (∝ ε_mach/h).")
    if best_h < best / 10:
        why = ("this h is more than ten times smaller than the step with the smallest error, and round-off "
               "dominates there: f(x + h) and f(x − h) agree in almost every digit. Take a larger h.")
    else:
        why = ("this h is more than ten times larger than the step with the smallest error, and truncation "
               "dominates there: the error still falls like h² as h shrinks. Take a smaller h.")
    return failed(f"With h = {fmt(best_h, 2)} the error is {fmt(error, 2)}, but {why}")


def _forward_error_sin(h) -> float:
    return abs(derivatives.derivative(np.sin, 1.0, h=h, method="forward") - np.cos(1.0))


def _largest_forward_step(tolerance: float = 0.01) -> float:
    """The largest h with forward-difference error of sin at 1 below ``tolerance`` (bisection)."""
    low, high = 1e-6, 1.0
    for _ in range(80):
        mid = np.sqrt(low * high)
        low, high = (mid, high) if _forward_error_sin(mid) <= tolerance else (low, mid)
    return low


#: How far above the exact largest step an answer may lie and still pass: a value read off a
#: log-scale figure, or from the first-order error h·|f″(1)|/2 (which slightly underestimates the
#: error), cannot be exact.
SECANT_SLACK = 1.1


@exercise("1.4", "secant to tangent (widget)")
@graded
def check_secant_step(h_secant):
    """``h_secant`` should be the largest step keeping the forward secant of sin at x = 1 within 0.01.

    Any step from half the exact largest step up to 10 % above it passes.
    """
    h = positive(h_secant, "h_secant", "0.05")
    error = _forward_error_sin(h)
    largest = _largest_forward_step()
    if h > SECANT_SLACK * largest:
        return failed(f"With h = {fmt(h, 3)} the secant slope is off by {fmt(error, 3)}, more than 0.01. "
                      f"Shrink h until the explorer says 'within'.")
    if h < largest / 2:
        return failed(f"h = {fmt(h, 3)} is within 0.01 (error {fmt(error, 3)}), but it is not the largest such step: "
                      f"steps more than twice yours still work. Increase h until the verdict flips, then step back.")
    verdict = "within 0.01" if error <= 0.01 else "a hair above 0.01, close enough to the crossing"
    return passed(f"h = {fmt(h, 3)} gives an error of {fmt(error, 3)}, {verdict}; the exact largest step is "
                  f"{fmt(largest, 3)}. The forward error is about h·|f″(1)|/2 = h·sin(1)/2 ≈ {np.sin(1) / 2:.2f}·h "
                  f"(a little more, from the next Taylor term).")


# -- exercise 1.5: predict the best step of the central difference for exp(10x) at x = 0 ----------

#: The function of exercise 1.5 and its derivatives at x = 0: f = f' / 10 = f''' / 1000 = 1.
SCALE = 10.0


def predicted_best_step(f_value: float, third_derivative: float) -> float:
    r"""The step that balances truncation :math:`\frac{h^2}{6}|f'''|` against round-off :math:`\varepsilon_{\mathrm{mach}}|f|/h`.

    Setting the derivative of :math:`\frac{h^2}{6}M + \varepsilon_{\mathrm{mach}}|f|/h` to zero gives
    :math:`h^* = (3\,\varepsilon_{\mathrm{mach}}|f| / M)^{1/3}`.
    """
    return (3 * EPS * abs(f_value) / abs(third_derivative)) ** (1 / 3)


def measured_best_step(hs=None) -> tuple[float, float]:
    """The step of ``hs`` with the smallest central-difference error of exp(10x) at 0, and that error."""
    hs = np.logspace(-9, -3, 241) if hs is None else np.asarray(hs, dtype=float)
    errors = central_errors(hs, f=lambda x: np.exp(SCALE * x), x=0.0, exact=SCALE)
    best = int(np.argmin(errors))
    return float(hs[best]), float(errors[best])


@exercise("1.5", "predict the best step")
@graded
def check_predicted_step(h_predicted):
    """``h_predicted`` should be (3·ε_mach·|f(0)|/|f'''(0)|)^(1/3) for f(x) = exp(10x), within 30 %."""
    h = positive(h_predicted, "h_predicted", "1e-4")
    right = predicted_best_step(1.0, SCALE**3)
    if abs(h - right) <= 0.3 * right:  # within 30 % (a difference: 1e308 / right would overflow)
        return passed(f"h = {fmt(h, 2)}: with |f'''(0)| = 1000 the truncation error is a thousand times "
                      f"that of exp(x), so the best step is 1000^(1/3) = 10 times smaller than for exp at 0. "
                      f"Now measure it (the next cell).")
    candidates = {
        "ε_mach^(1/3), the rule of thumb for a function whose derivatives are about 1, leaves out the "
        "derivative bound: here |f'''(0)| is far larger than 1, which makes truncation error grow faster, "
        "so the balance moves to a smaller h.": EPS ** (1 / 3),
        "(3·ε_mach)^(1/3) still assumes |f'''| = |f|: put in |f'''(0)| for f(x) = e^(10x), which the "
        "chain rule gives (each derivative brings out the inner factor once more).": (3 * EPS) ** (1 / 3),
        "That is a square root, the balance for a one-sided quotient (error ∝ h). The central "
        "quotient's truncation error is ∝ h², so the balance gives a cube root.": np.sqrt(EPS),
        "That looks like the one-sided balance: the central quotient's truncation error is ∝ h² "
        "(with |f'''|/6), which gives a cube root, not a square root.": np.sqrt(2 * EPS / SCALE**2),
        "The derivative bound is upside down: a larger |f'''| makes truncation worse, so it must "
        "make the best step smaller (divide by |f'''|, do not multiply).": (3 * EPS * SCALE**3) ** (1 / 3),
        "That used |f''(0)| instead of |f'''(0)|: the central quotient's truncation error is "
        "(h²/6)·|f'''|, so it is the third derivative that counts.": (3 * EPS / SCALE**2) ** (1 / 3),
        "That used |f'(0)| instead of |f'''(0)|: the central quotient's truncation error is "
        "(h²/6)·|f'''|, so it is the third derivative that counts.": (3 * EPS / SCALE) ** (1 / 3),
        "That looks like the one-sided balance, 2·(ε_mach·|f| / |f''|)^(1/2): the central quotient's "
        "truncation error is ∝ h² (with |f'''|/6), which gives a cube root.": 2 * np.sqrt(EPS / SCALE**2),
    }
    for hint, value in candidates.items():
        if abs(h - value) <= 0.3 * value:
            return failed(f"h = {fmt(h, 2)} is not the predicted balance. {hint}")
    where = "larger" if h > right else "smaller"
    return failed(f"h = {fmt(h, 2)} is not the predicted balance: it is {where} than the balance by more "
                  f"than 30 %. Minimise (h²/6)·|f'''(0)| + ε_mach·|f(0)|/h over h: set its derivative "
                  f"to zero and solve for h.")
