"""Tests of derivatives.gradient and derivatives.gradient_check (chapter 2)."""

import numpy as np
import pytest

from gdcore.derivatives import gradient, gradient_check, relative_error
from gdcore.objectives import LineFit, Rosenbrock


def f(x):
    # f(x, y) = x^2 y + 3y, gradient (2xy, x^2 + 3)
    return x[0] ** 2 * x[1] + 3 * x[1]


def grad_f(x):
    return np.array([2 * x[0] * x[1], x[0] ** 2 + 3])


def test_gradient_by_hand():
    np.testing.assert_allclose(gradient(f, [1.0, 2.0]), [4.0, 4.0], rtol=1e-9)
    np.testing.assert_allclose(gradient(f, [-3.0, 0.5]), [-3.0, 12.0], rtol=1e-9)


def test_gradient_is_exact_for_quadratics_up_to_rounding():
    # The central difference has no truncation error on a quadratic.
    line = LineFit([0.0, 1.0, 2.0], [1.0, 3.0, 5.0])
    np.testing.assert_allclose(gradient(line, [0.0, 0.0], h=1e-3), [-26 / 3, -6.0], rtol=1e-9)


def test_gradient_does_not_modify_x():
    x = np.array([1.0, 2.0])
    gradient(f, x)
    np.testing.assert_array_equal(x, [1.0, 2.0])


def test_gradient_check_accepts_a_right_gradient():
    assert gradient_check(f, grad_f, [1.0, 2.0]) < 1e-9
    r = Rosenbrock()
    assert gradient_check(r, r.grad, [-1.2, 1.0]) < 1e-8


def test_gradient_check_catches_typical_mistakes():
    def forgot_chain_rule(x):  # d/dx x^2 y written as 2x
        return np.array([2 * x[0], x[0] ** 2 + 3])

    def swapped(x):
        return grad_f(x)[::-1]

    def off_by_sign(x):
        return -grad_f(x)

    x = [1.5, 2.0]
    for wrong in (forgot_chain_rule, swapped, off_by_sign):
        assert gradient_check(f, wrong, x) > 1e-3


def test_relative_error_is_symmetric_and_scale_free():
    a, b = np.array([1.0, 2.0]), np.array([1.0, 2.1])
    assert relative_error(a, b) == relative_error(b, a)
    assert relative_error(1e6 * a, 1e6 * b) == pytest.approx(relative_error(a, b))
    assert relative_error(-a, a) == pytest.approx(1.0)
    assert relative_error([0.0, 0.0], [0.0, 0.0]) == 0.0


def test_bad_input():
    with pytest.raises(ValueError, match="1-dimensional"):
        gradient(f, [[1.0, 2.0]])
    with pytest.raises(ValueError, match="finite"):
        gradient(f, [np.inf, 2.0])
    with pytest.raises(ValueError, match="h must be a finite positive"):
        gradient(f, [1.0, 2.0], h=0.0)
    with pytest.raises(TypeError, match="f must be a function"):
        gradient(3.0, [1.0, 2.0])
    with pytest.raises(TypeError, match="grad_f must be a function"):
        gradient_check(f, None, [1.0, 2.0])
    with pytest.raises(ValueError, match="shape of x"):
        gradient_check(f, lambda x: np.zeros(3), [1.0, 2.0])
    with pytest.raises(TypeError, match="one number"):
        gradient(lambda x: x ** 2, [1.0, 2.0])  # elementwise, not a loss
    with pytest.raises(TypeError, match="one number"):
        gradient(lambda x: "loss", [1.0, 2.0])


def test_gradient_accepts_a_one_element_array_as_the_loss():
    np.testing.assert_allclose(gradient(lambda x: np.array([x @ x]), [1.0, 2.0]), [2.0, 4.0], rtol=1e-9)
