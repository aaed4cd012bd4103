"""Checks for chapter 2, gradients and the loss landscape.

A wrongly typed answer gets one sentence about the type expected (see
``_answers``). A failure names the likely mistake; where the answer asked for
is a number (exercises 2.3 and 2.5), it does not print that number.
"""

from __future__ import annotations

import numpy as np

from .. import derivatives, objectives
from ..experiments.landscapes import FLAT, classify
from ._answers import bound, distinct, function, graded, returned_vector, vector
from ._core import exercise, failed, fmt, fmt_vec, passed

__all__ = ["check_line_fit_gradient", "check_numerical_gradient", "check_flat_point",
           "check_gradient_from_step", "check_hand_gradient"]

_DATA = objectives.LineFit.example(n=12, seed=7)
_THETAS = np.array([[0.0, 0.0], [1.5, -0.5], [-2.0, 3.0], [4.0, 1.0]])


@exercise("2.1", "the gradient of the line fit")
@graded
def check_line_fit_gradient(line_fit_gradient):
    """``line_fit_gradient(w, b, x, y)`` should be the gradient of the mean squared error of w·x + b."""
    function(line_fit_gradient, "line_fit_gradient", "line_fit_gradient(w, b, x, y)")
    x, y = _DATA.x, _DATA.y
    for w, b in _THETAS:
        call = f"line_fit_gradient({fmt(w)}, {fmt(b)}, x, y)"
        got = returned_vector(line_fit_gradient(w, b, x.copy(), y.copy()), call, 2)
        expected = _DATA.grad([w, b])
        if np.allclose(got, expected, rtol=1e-9, atol=1e-12):
            continue
        shown, wanted = distinct(got, expected)
        where = f"At (w, b) = ({fmt(w)}, {fmt(b)}) you returned {shown}, expected {wanted}."
        if np.allclose(got, expected / 2):
            hint = "That is half the gradient: the derivative of r² is 2r, so keep the factor 2."
        elif np.allclose(got, expected * len(x)):
            hint = "That is n times too large: the loss is the mean, so divide the sum by n."
        elif np.allclose(got, expected * len(x) / 2):
            hint = ("That is n/2 times too large: the loss is the mean, so divide the sum by n, and keep "
                    "the factor 2 that the derivative of r² brings.")
        elif np.allclose(got, -expected):
            hint = "The sign is flipped: use the residual w·x + b − y (prediction minus target)."
        elif np.allclose(got, expected[::-1]):
            hint = "The two components are swapped: return (∂L/∂w, ∂L/∂b)."
        elif np.isclose(got[1], expected[1]):
            hint = "∂L/∂b is right; ∂L/∂w needs the chain rule: each residual is multiplied by its x_i."
        else:
            hint = "Apply the chain rule to each squared residual r_i² = (w·x_i + b − y_i)², then average."
        return failed(f"{where} {hint}")
    return passed(f"Right at all {len(_THETAS)} test points, e.g. {fmt_vec(_DATA.grad(_THETAS[1]))} at "
                  f"(w, b) = (1.5, −0.5): the mean of 2·residual·(x, 1).")


@exercise("2.2", "a numerical gradient")
@graded
def check_numerical_gradient(numerical_gradient):
    """``numerical_gradient(f, theta, h)`` should be the central-difference gradient."""
    function(numerical_gradient, "numerical_gradient", "numerical_gradient(f, theta, h)")
    f = objectives.Rosenbrock()
    theta = np.array([-1.2, 1.0])
    before = theta.copy()
    h = 1e-5
    got = returned_vector(numerical_gradient(f, theta, h), "numerical_gradient(f, theta, h)", 2)
    if not np.array_equal(theta, before):
        now, was = distinct(theta, before)
        change = float(np.max(np.abs(theta - before)))
        why = "; adding h and subtracting it again leaves round-off" if change < 1e-6 else ""
        return failed(f"numerical_gradient changed the caller's theta: it is now {now}, no longer {was} "
                      f"(a change of {fmt(change, 2)}{why}). Nudge a copy (theta.copy() or theta + step), "
                      "never theta itself.")
    expected = derivatives.gradient(f, before, h)
    exact = f.grad(before)
    error = derivatives.relative_error(got, expected)
    if error < 1e-8:
        return passed(f"On Rosenbrock at (−1.2, 1) you got {fmt_vec(got, 8)}; the analytic gradient is "
                      f"{fmt_vec(exact, 8)}: relative error below "
                      f"{bound(derivatives.relative_error(got, exact))}.")
    forward = np.array([(f(before + h * e) - f(before)) / h for e in np.eye(2)])
    shown, wanted = distinct(got, expected)
    message = (f"On Rosenbrock at (−1.2, 1) with h = 1e-05 you returned {shown}, expected {wanted} "
               f"(relative error {fmt(error, 2)}, more than 1e-8).")
    if derivatives.relative_error(got, forward) < 1e-8:
        hint = ("That is the forward difference, whose error is O(h): sample f on both sides, "
                "at θ + h·e_i and θ − h·e_i.")
    elif np.allclose(got, 2 * expected, rtol=1e-6):
        hint = "That is twice the right value: the two points are 2h apart, so divide by 2h."
    elif np.allclose(got, expected[::-1], rtol=1e-6):
        hint = "The components are swapped: component i nudges coordinate i."
    else:
        hint = "Component i is (f(θ + h·e_i) − f(θ − h·e_i)) / (2h), where e_i is the i-th unit vector."
    return failed(f"{message} {hint}")


@exercise("2.3", "a flat point that is not a minimum (widget)")
@graded
def check_flat_point(flat_point):
    """``flat_point`` should be a point of Himmelblau's function where |∇L| < 2, near a saddle or the maximum."""
    L = objectives.Himmelblau()
    p = vector(flat_point, "flat_point", 2, "(0.5, 1.5)")
    norm = float(np.linalg.norm(L.grad(p)))
    if norm >= FLAT:
        return failed(f"At {fmt_vec(p)} the gradient is {fmt_vec(L.grad(p))}, of length {fmt(norm)}: not flat "
                      f"yet (the goal is below {FLAT:g}). Look between two minima, where the contours form an X.")
    kind = classify(L, p)
    if kind == "minimum":
        return failed(f"At {fmt_vec(p)} |∇L| = {fmt(norm, 3)}, flat indeed, but L curves up in every "
                      "direction: a minimum. Find a flat point between two of the four minima.")
    if kind == "maximum":
        shape = "L curves down in every direction: a local maximum"
    else:
        shape = "L curves up along one direction and down along another: a saddle point"
    flat = np.vstack([L.saddles, L.local_maximum])
    nearest = flat[np.argmin(np.linalg.norm(flat - p, axis=1))]
    return passed(f"At {fmt_vec(p)} |∇L| = {fmt(norm, 3)}, and {shape}; the exact flat point nearby is at "
                  f"{fmt_vec(nearest)}. The gradient vanishes there although it is no minimum.")


@exercise("2.4", "the gradient from a descent step")
@graded
def check_gradient_from_step(gradient_from_step):
    """``gradient_from_step(theta_old, theta_new, lr)`` should return (theta_old − theta_new) / lr."""
    function(gradient_from_step, "gradient_from_step", "gradient_from_step(theta_old, theta_new, lr)")
    theta_old = np.array([0.5, 3.0])
    lr = 0.05
    true_grad = _DATA.grad(theta_old)
    theta_new = theta_old - lr * true_grad
    got = returned_vector(gradient_from_step(theta_old.copy(), theta_new.copy(), lr),
                          "gradient_from_step(theta_old, theta_new, lr)", 2)
    if np.allclose(got, true_grad, rtol=1e-9, atol=1e-12):
        return passed(f"Recovered {fmt_vec(got)} from one step with lr = {lr:g}, the gradient at "
                      f"{fmt_vec(theta_old)} exactly.")
    shown, wanted = distinct(got, true_grad)
    where = f"You returned {shown}, expected {wanted}."
    if np.allclose(got, -true_grad):
        hint = "The sign is flipped: the step goes against the gradient, so use θ_old − θ_new."
    elif np.allclose(got, lr * true_grad) or np.allclose(got, lr ** 2 * true_grad):
        hint = "Divide the parameter change by lr, don't multiply: θ_new = θ_old − lr·∇L."
    else:
        hint = "Solve θ_new = θ_old − lr·∇L for ∇L."
    return failed(f"{where} {hint}")


# -- exercise 2.5: Himmelblau's gradient at θ_B = (1, 2), derived by hand -------------------------

#: The point of exercise 2.5.
THETA_B = np.array([1.0, 2.0])


def _himmelblau_slips(theta) -> dict[str, np.ndarray]:
    """What typical slips in differentiating Himmelblau's function give at ``theta``."""
    t1, t2 = theta
    u, v = t1**2 + t2 - 11, t1 + t2**2 - 7
    right = np.array([4 * t1 * u + 2 * v, 2 * u + 4 * t2 * v])
    return {
        "The sign is flipped: the gradient points uphill, and you have the downhill direction.": -right,
        "That is half the gradient: the derivative of a square s² is 2s·s′, so keep the factor 2.": right / 2,
        "The components are swapped: the first is ∂L/∂θ₁, the second ∂L/∂θ₂.": right[::-1],
        "The chain rule's inner derivatives are missing: the first square's inside, θ₁² + θ₂ − 11, has "
        "∂/∂θ₁ = 2θ₁, and the second's, θ₁ + θ₂² − 7, has ∂/∂θ₂ = 2θ₂.": np.array([2 * u + 2 * v, 2 * u + 2 * v]),
        "∂L/∂θ₂ is right, but ∂L/∂θ₁ misses an inner derivative: the inside of the first square, "
        "θ₁² + θ₂ − 11, has ∂/∂θ₁ = 2θ₁.": np.array([2 * u + 2 * v, right[1]]),
        "∂L/∂θ₁ is right, but ∂L/∂θ₂ misses an inner derivative: the inside of the second square, "
        "θ₁ + θ₂² − 7, has ∂/∂θ₂ = 2θ₂.": np.array([right[0], 2 * u + 2 * v]),
    }


@exercise("2.5", "a gradient by hand")
@graded
def check_hand_gradient(grad_at_B):
    """``grad_at_B`` should be ∇L(1, 2) of Himmelblau's function, derived by hand."""
    got = vector(grad_at_B, "grad_at_B", 2, "(-1.5, 4.0)")
    L = objectives.Himmelblau()
    right = L.grad(THETA_B)
    if np.allclose(got, right, rtol=1e-6, atol=1e-9):
        numerical = derivatives.gradient(L, THETA_B)
        return passed(f"∇L(1, 2) = {fmt_vec(got)}. Central differences agree "
                      f"(relative error below {bound(derivatives.relative_error(numerical, right))}), "
                      "and both components are negative: from θ_B, increasing either parameter lowers L.")
    for hint, slip in _himmelblau_slips(THETA_B).items():
        if np.allclose(got, slip, rtol=1e-6, atol=1e-9):
            return failed(f"{fmt_vec(got)} is not ∇L(1, 2). {hint}")
    right_parts = [name for name, g, r in zip(("∂L/∂θ₁", "∂L/∂θ₂"), got, right) if np.isclose(g, r)]
    if len(right_parts) == 1:
        return failed(f"{fmt_vec(got)} is not ∇L(1, 2): {right_parts[0]} is right, the other component is not. "
                      "Differentiate both squares with the chain rule, each with its own inner derivative.")
    return failed(f"{fmt_vec(got)} is not ∇L(1, 2). Differentiate each square with the chain rule, "
                  "d(s²) = 2s·ds, add the two results, and put in θ₁ = 1, θ₂ = 2.")
