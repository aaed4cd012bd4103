"""Checks for chapter 1, calculus review."""

from __future__ import annotations

import numpy as np

from .. import derivatives
from ._core import exercise, failed, fmt, passed

__all__ = ["check_chain_rule", "check_central_difference", "check_best_step", "check_secant_step"]

_POINTS = np.array([-2.0, -0.7, 0.3, 1.1, 2.5])


def _values(f, points) -> np.ndarray:
    """Call the student's function point by point, insisting on plain numbers back."""
    values = []
    for x in points:
        value = f(float(x))
        try:
            values.append(float(value))
        except (TypeError, ValueError):
            raise TypeError(f"it should return a number, but returned {value!r} for x = {fmt(x)}") from None
    return np.array(values)


@exercise("1.1", "the chain rule")
def check_chain_rule(dfdx):
    """``dfdx(x)`` should be the derivative of f(x) = sin(x²), that is 2x·cos(x²)."""
    got = _values(dfdx, _POINTS)
    expected = 2 * _POINTS * np.cos(_POINTS**2)
    if np.allclose(got, expected, rtol=1e-9, atol=1e-12):
        return passed("dfdx(x) = 2x·cos(x²) at every test point: outer derivative cos(u) at u = x², "
                      "times the inner derivative 2x.")
    x, g, e = _POINTS[3], got[3], expected[3]
    if np.allclose(got, np.cos(_POINTS**2)):
        hint = "That is cos(x²): the outer derivative only. Multiply by the inner derivative, 2x."
    elif np.allclose(got, 2 * _POINTS * np.cos(_POINTS)):
        hint = "That is 2x·cos(x): evaluate the outer derivative at the inner function, cos(x²)."
    elif np.allclose(got, -2 * _POINTS * np.cos(_POINTS**2)) or np.allclose(got, 2 * _POINTS * np.sin(_POINTS**2)):
        hint = "Check the derivative of sin: it is +cos, not −cos or sin."
    else:
        hint = "Write f as sin(u) with u = x², and multiply sin's derivative at u by du/dx."
    return failed(f"dfdx({fmt(x)}) returned {fmt(g)}, expected {fmt(e)}. {hint}")


@exercise("1.2", "the central difference")
def check_central_difference(central_difference):
    """``central_difference(f, x, h)`` should return (f(x+h) − f(x−h)) / (2h)."""
    x, h = 1.0, 1e-3
    got = float(central_difference(np.exp, x, h))
    expected = derivatives.derivative(np.exp, x, h=h, method="central")
    if abs(got - expected) <= 1e-9 * abs(expected):
        return passed(f"central_difference(exp, 1, 0.001) = {fmt(got, 10)}, within {fmt(abs(got - np.e), 2)} "
                      f"of e: the error is O(h²).")
    forward = derivatives.derivative(np.exp, x, h=h, method="forward")
    backward = derivatives.derivative(np.exp, x, h=h, method="backward")
    if abs(got - 2 * expected) <= 1e-6 * abs(expected):
        hint = "That is twice the right value: divide by 2h, the distance between x − h and x + h."
    elif abs(got - forward) <= 1e-9 * abs(forward) or abs(got - backward) <= 1e-9 * abs(backward):
        hint = "That is a one-sided difference: use the points x + h and x − h, on both sides of x."
    else:
        hint = "Use (f(x + h) − f(x − h)) / (2 * h)."
    return failed(f"central_difference(exp, 1, 0.001) returned {fmt(got, 10)}, expected {fmt(expected, 10)}. {hint}")


def central_errors(h):
    """Error of the central difference of exp at x = 1, for steps ``h``."""
    return np.abs(derivatives.derivative(np.exp, 1.0, h=np.asarray(h, dtype=float), method="central") - np.e)


@exercise("1.3", "the best step")
def check_best_step(best_h):
    """``best_h`` should be within a factor of 10 of the step with the smallest central-difference error."""
    if isinstance(best_h, bool) or not np.isscalar(best_h) or not np.isfinite(best_h) or best_h <= 0:
        return failed(f"best_h should be a positive number like 1e-3; got {best_h!r}.")
    hs = np.logspace(-12, 0, 241)
    best = float(hs[np.argmin(central_errors(hs))])
    error = float(central_errors(best_h))
    if best / 10 <= best_h <= best * 10:
        return passed(f"h = {fmt(best_h, 2)} gives an error of {fmt(error, 2)}; the measured optimum is near "
                      f"h = {fmt(best, 2)}, where truncation error (∝ h²) meets round-off error (∝ ε_mach/h).")
    if best_h < best / 10:
        why = "round-off dominates there: f(x + h) and f(x − h) agree in almost every digit. Take a larger h."
    else:
        why = "truncation dominates there: the error still falls like h² as h shrinks. Take a smaller h."
    return failed(f"With h = {fmt(best_h, 2)} the error is {fmt(error, 2)}, but near h = {fmt(best, 2)} it is "
                  f"{fmt(float(central_errors(best)), 2)}: {why}")


def _forward_error_sin(h) -> float:
    return abs(derivatives.derivative(np.sin, 1.0, h=h, method="forward") - np.cos(1.0))


def _largest_forward_step(tolerance: float = 0.01) -> float:
    """The largest h with forward-difference error of sin at 1 below ``tolerance`` (bisection)."""
    low, high = 1e-6, 1.0
    for _ in range(80):
        mid = np.sqrt(low * high)
        low, high = (mid, high) if _forward_error_sin(mid) <= tolerance else (low, mid)
    return low


@exercise("1.4", "secant to tangent (widget)")
def check_secant_step(h):
    """``h`` should keep the forward secant of sin at x = 1 within 0.01 of the tangent, and not be needlessly small."""
    if isinstance(h, bool) or not np.isscalar(h) or not np.isfinite(h) or h <= 0:
        return failed(f"h should be a positive number read off the explorer, like 0.05; got {h!r}.")
    error = _forward_error_sin(h)
    largest = _largest_forward_step()
    if error > 0.01:
        return failed(f"With h = {fmt(h, 3)} the secant slope is off by {fmt(error, 3)}, more than 0.01. "
                      f"Shrink h until the explorer says 'within'.")
    if h < largest / 2:
        return failed(f"h = {fmt(h, 3)} is within 0.01 (error {fmt(error, 3)}), but it is not the largest such step: "
                      f"steps up to about twice yours still work. Increase h until the verdict flips, then step back.")
    return passed(f"h = {fmt(h, 3)} gives an error of {fmt(error, 3)}; the exact largest step is {fmt(largest, 3)}. "
                  f"The forward error is about h·|f″(x)|/2 = h·sin(1)/2.")
