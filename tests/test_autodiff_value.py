"""Reverse mode on scalars: Value gradients, accumulation semantics, long chains, bad input."""

import math

import numpy as np
import pytest

from gdcore.autodiff import Value, forward_gradient, reverse_gradient, topological_order
from gdcore.derivatives import gradient, relative_error


def test_hand_computed_gradient_of_a_small_expression():
    x, y = Value(2.0, "x"), Value(-3.0, "y")
    f = x * y + x  # df/dx = y + 1 = -2, df/dy = x = 2
    f.backward()
    assert f.data == -4.0
    assert (x.grad, y.grad) == (-2.0, 2.0)


def test_plain_numbers_on_either_side():
    x = Value(2.0)
    for out, value, deriv in [
        (1 + x, 3.0, 1.0), (x + 1, 3.0, 1.0), (5 - x, 3.0, -1.0), (x - 5, -3.0, 1.0),
        (3 * x, 6.0, 3.0), (x * 3, 6.0, 3.0), (1 / x, 0.5, -0.25), (x / 4, 0.5, 0.25),
        (-x, -2.0, -1.0), (x**3, 8.0, 12.0), (np.float64(2.0) * x, 4.0, 2.0),
    ]:
        assert isinstance(out, Value)
        x.zero_grad()
        out.backward()
        assert out.data == pytest.approx(value) and x.grad == pytest.approx(deriv)


@pytest.mark.parametrize("name", ["exp", "log", "tanh", "relu", "sigmoid", "sin", "cos"])
@pytest.mark.parametrize("x", [0.4, 2.1])
def test_elementary_functions_agree_with_dual_numbers(name, x):
    f = lambda v: getattr(v[0], name)()  # noqa: E731
    assert relative_error(reverse_gradient(f, [x]), forward_gradient(f, [x])) < 1e-14


def test_reused_intermediate_accumulates_every_use():
    x = Value(1.5, "x")
    a = x.tanh()
    f = a * a + a.exp() + a  # a is used four times
    f.backward()
    t = math.tanh(1.5)
    expected = (2 * t + math.exp(t) + 1) * (1 - t * t)
    assert x.grad == pytest.approx(expected, rel=1e-14)


def test_x_plus_x_counts_both_arguments():
    x = Value(3.0)
    (x + x).backward()
    assert x.grad == 2.0  # a buggy engine that overwrites instead of adding reports 1


def _random_expression(rng, inputs, n_ops):
    """A random expression that reuses earlier intermediates; returns the output Value."""
    pool = list(inputs)
    for _ in range(n_ops):
        a, b = (pool[i] for i in rng.integers(len(pool), size=2))
        op = rng.integers(8)
        if op == 0:
            out = a + b
        elif op == 1:
            out = a * b
        elif op == 2:
            out = a - 0.5 * b
        elif op == 3:
            out = a / (1.5 + b.sigmoid())
        elif op == 4:
            out = a.tanh()
        elif op == 5:
            out = a.sin() + b.cos()
        elif op == 6:
            out = (a * a + 1.0).log()
        else:
            out = (0.3 * a).exp() ** 2
        pool.append(out)
    return sum(pool[len(inputs):], 0.0)  # every intermediate feeds the output


@pytest.mark.parametrize("seed", range(5))
def test_random_expressions_match_central_differences(seed):
    rng = np.random.default_rng(seed)
    x0 = rng.uniform(-1, 1, size=4)

    def f_values(v):
        return _random_expression(np.random.default_rng(seed), v, 12)

    def f_floats(x):
        return f_values([Value(xi) for xi in x]).data

    assert relative_error(reverse_gradient(f_values, x0), gradient(f_floats, x0)) < 1e-6


def test_chain_of_ten_thousand_operations_needs_no_recursion():
    def f(v):
        s = v[0]
        for i in range(10_000):
            s = s * 1.0001 - 0.0001 if i % 2 else s + 0.0001 * s.sin()
        return s

    x0 = np.array([0.7])
    grad = reverse_gradient(f, x0)
    numeric = gradient(lambda x: f([Value(x[0])]).data, x0)
    assert relative_error(grad, numeric) < 1e-6
    assert relative_error(grad, forward_gradient(f, x0)) < 1e-12


def test_gradients_accumulate_until_zero_grad():
    x = Value(2.0)
    f = x * x
    f.backward()
    assert x.grad == 4.0
    f.backward()
    assert x.grad == 8.0  # accumulated, as in PyTorch
    f.zero_grad()
    assert x.grad == 0.0 and f.grad == 0.0
    f.backward()
    assert x.grad == 4.0


def test_second_backward_doubles_every_gradient_exactly():
    # a micrograd-style engine that stores intermediate grads and reuses them gets 3x here, not 2x
    x = Value(0.5)
    f = (x * 3.0).tanh() * x
    f.backward()
    once = x.grad
    f.backward()
    assert x.grad == pytest.approx(2 * once, rel=1e-15)


def test_topological_order_puts_parents_first():
    x = Value(1.0)
    a = x * 2
    b = a + x
    c = b * a
    order = topological_order(c)
    assert len(order) == 5  # x, the constant 2, a, b, c
    position = {node: i for i, node in enumerate(order)}
    for node in order:
        assert all(position[p] < position[node] for p in node.parents)


def test_a_new_operation_from_its_local_derivative():
    def softplus(v):
        return Value(math.log1p(math.exp(v.data)), parents=(v,), local_grads=(1 / (1 + math.exp(-v.data)),),
                     op="softplus")

    x = Value(0.3)
    softplus(x * 2).backward()
    assert x.grad == pytest.approx(2 / (1 + math.exp(-0.6)))


def test_bad_input_is_a_clear_error():
    x = Value(1.0)
    with pytest.raises(TypeError, match="Value"):
        x + "a"
    with pytest.raises(TypeError, match="Value"):
        [1] * x
    with pytest.raises(TypeError, match="real number"):
        Value("a")
    with pytest.raises(TypeError, match="exponent"):
        x ** x
    with pytest.raises(TypeError, match="exponent"):
        2 ** x
    with pytest.raises(ValueError, match="positive"):
        Value(0.0).log()
    with pytest.raises(ValueError, match="fractional"):
        Value(-8.0) ** 0.5
    with pytest.raises(ValueError, match="one local derivative per parent"):
        Value(1.0, parents=(x,), local_grads=())
    with pytest.raises(ZeroDivisionError):
        x / 0


def test_topological_order_when_a_parent_is_also_reached_through_a_sibling():
    x = Value(1.0)
    b = x.exp()
    c = Value(0.0, parents=(x, b), local_grads=(1.0, 1.0))  # x pushed first, then found again via b
    order = topological_order(c)
    assert order.index(x) < order.index(b) < order.index(c)


def test_infinite_derivative_of_a_power_is_named():
    with pytest.raises(ZeroDivisionError, match=r"derivative of x \*\* 0.5 is infinite at x = 0"):
        Value(0.0) ** 0.5
    assert (Value(0.0) ** 2).data == 0.0 and (Value(0.0) ** 0).local_grads == (0.0,)
