"""Checks for chapter 2, gradients and the loss landscape."""

from __future__ import annotations

import numpy as np

from .. import derivatives, objectives
from ..widgets.gradient_explorer import FLAT, classify
from ._core import as_vector, exercise, failed, fmt, fmt_vec, passed

__all__ = ["check_line_fit_gradient", "check_numerical_gradient", "check_flat_point",
           "check_gradient_from_step"]

_DATA = objectives.LineFit.example(n=12, seed=7)
_THETAS = np.array([[0.0, 0.0], [1.5, -0.5], [-2.0, 3.0], [4.0, 1.0]])


@exercise("2.1", "the gradient of the line fit")
def check_line_fit_gradient(line_fit_gradient):
    """``line_fit_gradient(w, b, x, y)`` should be the gradient of the mean squared error of w·x + b."""
    x, y = _DATA.x, _DATA.y
    for w, b in _THETAS:
        got = as_vector(line_fit_gradient(w, b, x.copy(), y.copy()), f"line_fit_gradient({fmt(w)}, {fmt(b)}, x, y)", (2,))
        expected = _DATA.grad([w, b])
        if np.allclose(got, expected, rtol=1e-9, atol=1e-12):
            continue
        where = f"At (w, b) = ({fmt(w)}, {fmt(b)}) you returned {fmt_vec(got)}, expected {fmt_vec(expected)}."
        if np.allclose(got, expected / 2):
            hint = "That is half the gradient: the derivative of r² is 2r, so keep the factor 2."
        elif np.allclose(got, expected * len(x)) or np.allclose(got, expected * len(x) / 2):
            hint = "That is n times too large: the loss is the mean, so divide the sum by n."
        elif np.allclose(got, -expected):
            hint = "The sign is flipped: use the residual w·x + b − y (prediction minus target)."
        elif np.allclose(got, expected[::-1]):
            hint = "The two components are swapped: return (∂L/∂w, ∂L/∂b)."
        elif np.isclose(got[1], expected[1]):
            hint = "∂L/∂b is right; ∂L/∂w needs the chain rule: each residual is multiplied by its x_i."
        else:
            hint = "∂L/∂w = (2/n) Σ (w·x_i + b − y_i)·x_i and ∂L/∂b = (2/n) Σ (w·x_i + b − y_i)."
        return failed(f"{where} {hint}")
    return passed(f"Right at all {len(_THETAS)} test points, e.g. {fmt_vec(_DATA.grad(_THETAS[1]))} at "
                  f"(w, b) = (1.5, −0.5): the mean of 2·residual·(x, 1).")


@exercise("2.2", "a numerical gradient")
def check_numerical_gradient(numerical_gradient):
    """``numerical_gradient(f, theta, h)`` should be the central-difference gradient."""
    f = objectives.Rosenbrock()
    theta = np.array([-1.2, 1.0])
    before = theta.copy()
    h = 1e-5
    got = as_vector(numerical_gradient(f, theta, h), "numerical_gradient(f, theta, h)", (2,))
    if not np.array_equal(theta, before):
        return failed(f"numerical_gradient changed theta from {fmt_vec(before)} to {fmt_vec(theta)}: "
                      "nudge a copy (theta.copy() or theta + step), never theta itself.")
    expected = derivatives.gradient(f, before, h)
    exact = f.grad(before)
    if derivatives.relative_error(got, expected) < 1e-8:
        return passed(f"On Rosenbrock at (−1.2, 1) you got {fmt_vec(got)}; the analytic gradient is "
                      f"{fmt_vec(exact)}, relative error {fmt(derivatives.relative_error(got, exact), 2)}.")
    forward = np.array([(f(before + h * e) - f(before)) / h for e in np.eye(2)])
    message = f"On Rosenbrock at (−1.2, 1) with h = 1e-05 you returned {fmt_vec(got)}, expected {fmt_vec(expected)}."
    if derivatives.relative_error(got, forward) < 1e-8:
        hint = "That is the forward difference: use f(θ + h·e_i) − f(θ − h·e_i), over 2h."
    elif np.allclose(got, 2 * expected, rtol=1e-6):
        hint = "That is twice the right value: the two points are 2h apart, so divide by 2h."
    elif np.allclose(got, expected[::-1], rtol=1e-6):
        hint = "The components are swapped: component i nudges coordinate i."
    else:
        hint = "Component i is (f(θ + h·e_i) − f(θ − h·e_i)) / (2h), where e_i is the i-th unit vector."
    return failed(f"{message} {hint}")


@exercise("2.3", "a flat point that is not a minimum (widget)")
def check_flat_point(flat_point):
    """``flat_point`` should be a point of Himmelblau's function where |∇L| < 2, near a saddle or the maximum."""
    f = objectives.Himmelblau()
    p = as_vector(flat_point, "flat_point", (2,))
    if not np.all(np.isfinite(p)):
        return failed(f"flat_point should be two finite numbers like (0.5, 1.5); got {fmt_vec(p)}.")
    norm = float(np.linalg.norm(f.grad(p)))
    if norm >= FLAT:
        return failed(f"At {fmt_vec(p)} the gradient is {fmt_vec(f.grad(p))}, of length {fmt(norm)}: not flat "
                      f"yet (the goal is below {FLAT:g}). Look between two minima, where the contours form an X.")
    kind = classify(f, p)
    if kind == "minimum":
        return failed(f"At {fmt_vec(p)} |∇L| = {fmt(norm, 3)}, flat indeed, but it curves up in every "
                      "direction: a minimum. Find a flat point between two of the four minima.")
    return passed(f"At {fmt_vec(p)} |∇L| = {fmt(norm, 3)}, and the loss curves up one way and down another: "
                  f"a {kind}. The gradient vanishes there although it is no minimum.")


@exercise("2.4", "the gradient from a descent step")
def check_gradient_from_step(gradient_from_step):
    """``gradient_from_step(theta_old, theta_new, lr)`` should return (theta_old − theta_new) / lr."""
    theta_old = np.array([0.5, 3.0])
    lr = 0.05
    true_grad = _DATA.grad(theta_old)
    theta_new = theta_old - lr * true_grad
    got = as_vector(gradient_from_step(theta_old.copy(), theta_new.copy(), lr), "gradient_from_step(...)", (2,))
    if np.allclose(got, true_grad, rtol=1e-9, atol=1e-12):
        return passed(f"Recovered {fmt_vec(got)} from one step with lr = {lr:g}, the gradient at "
                      f"{fmt_vec(theta_old)} exactly.")
    where = f"You returned {fmt_vec(got)}, expected {fmt_vec(true_grad)}."
    if np.allclose(got, -true_grad):
        hint = "The sign is flipped: the step goes against the gradient, so use θ_old − θ_new."
    elif np.allclose(got, lr * true_grad) or np.allclose(got, lr ** 2 * true_grad):
        hint = "Divide the parameter change by lr, don't multiply: θ_new = θ_old − lr·∇L."
    else:
        hint = "Solve θ_new = θ_old − lr·∇L for ∇L."
    return failed(f"{where} {hint}")
