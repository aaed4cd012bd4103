"""Forward mode: Dual numbers against hand-computed derivatives and central differences."""

import math

import numpy as np
import pytest

from gdcore.autodiff import Dual, forward_derivative, forward_gradient
from gdcore.derivatives import derivative, relative_error


def test_value_and_derivative_of_a_product_by_hand():
    x = Dual(3.0, 1.0)
    out = x * x + 2 * x  # f = x^2 + 2x, f' = 2x + 2
    assert out.value == 15.0
    assert out.derivative == 8.0


def test_plain_numbers_on_either_side():
    x = Dual(2.0, 1.0)
    for out, value, deriv in [
        (1 + x, 3.0, 1.0), (x + 1, 3.0, 1.0), (5 - x, 3.0, -1.0), (x - 5, -3.0, 1.0),
        (3 * x, 6.0, 3.0), (x * 3, 6.0, 3.0), (1 / x, 0.5, -0.25), (x / 4, 0.5, 0.25),
        (-x, -2.0, -1.0), (x**3, 8.0, 12.0), (np.float64(2.0) * x, 4.0, 2.0),
    ]:
        assert isinstance(out, Dual)
        assert out.value == pytest.approx(value) and out.derivative == pytest.approx(deriv)


FUNCTIONS = {
    "exp": (lambda d: d.exp(), np.exp),
    "log": (lambda d: d.log(), np.log),
    "tanh": (lambda d: d.tanh(), np.tanh),
    "sigmoid": (lambda d: d.sigmoid(), lambda x: 1 / (1 + np.exp(-x))),
    "sin": (lambda d: d.sin(), np.sin),
    "cos": (lambda d: d.cos(), np.cos),
    "relu": (lambda d: d.relu(), lambda x: np.maximum(x, 0)),
    "sqrt": (lambda d: d**0.5, np.sqrt),
}


@pytest.mark.parametrize("name", FUNCTIONS)
@pytest.mark.parametrize("x", [0.3, 1.7])
def test_elementary_functions_match_central_differences(name, x):
    dual_f, np_f = FUNCTIONS[name]
    out = dual_f(Dual(x, 1.0))
    assert out.value == pytest.approx(float(np_f(x)), rel=1e-12)
    assert relative_error(out.derivative, derivative(np_f, x)) < 1e-8


def test_relu_derivative_is_zero_for_negative_inputs_and_at_zero():
    assert Dual(-1.0, 1.0).relu().derivative == 0.0
    assert Dual(0.0, 1.0).relu().derivative == 0.0


def test_forward_gradient_needs_one_pass_per_input():
    calls = []

    def f(v):
        calls.append(1)
        return v[0] * v[1].sin() + v[2].exp()

    x = [1.0, 2.0, 0.5]
    grad = forward_gradient(f, x)
    expected = [math.sin(2.0), 1.0 * math.cos(2.0), math.exp(0.5)]
    assert np.allclose(grad, expected, rtol=1e-12)
    assert len(calls) == 3


def test_forward_derivative_of_a_loop():
    def f(x):
        for _ in range(5):
            x = 3.7 * x * (1 - x)  # the logistic map
        return x

    assert relative_error(forward_derivative(f, 0.3), derivative(f, 0.3, h=1e-7)) < 1e-6


def test_bad_operands_and_values_are_clear_errors():
    with pytest.raises(TypeError, match="Dual"):
        Dual(1.0, 1.0) + "a"
    with pytest.raises(TypeError, match="real number"):
        Dual("a")
    with pytest.raises(TypeError, match="exponent"):
        Dual(2.0, 1.0) ** Dual(2.0)
    with pytest.raises(ValueError, match="positive"):
        Dual(-1.0, 1.0).log()
    with pytest.raises(ZeroDivisionError):
        Dual(1.0) / Dual(0.0, 1.0)
    with pytest.raises(OverflowError, match="largest float"):
        Dual(1000.0).exp()
