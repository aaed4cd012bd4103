"""Reverse mode on arrays: Tensor gradients against central differences, broadcasting, semantics."""

import numpy as np
import pytest

from gdcore.autodiff import Tensor, cross_entropy, unbroadcast
from gdcore.derivatives import relative_error


def numeric_grad(f, x, h=1e-6):
    """Central differences of a scalar function of an array, entry by entry."""
    x = np.array(x, dtype=float)
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        up = f(x)
        x[i] = old - h
        down = f(x)
        x[i] = old
        g[i] = (up - down) / (2 * h)
    return g


def check_grads(build, *arrays, tol=1e-6):
    """build(*Tensors) -> scalar Tensor; compare every input's .grad with central differences."""
    tensors = [Tensor(a) for a in arrays]
    build(*tensors).backward()
    for k, t in enumerate(tensors):
        def f(x, k=k):
            args = [Tensor(a) for a in arrays]
            args[k] = Tensor(x)
            return float(build(*args).data)
        assert t.grad.shape == t.data.shape
        assert relative_error(t.grad, numeric_grad(f, arrays[k])) < tol, f"input {k}"


rng = np.random.default_rng(0)
A = rng.normal(size=(4, 3))
B = rng.normal(size=(3, 5))
ROW = rng.normal(size=(3,))
COL = rng.normal(size=(4, 1))
POS = rng.uniform(0.5, 2.0, size=(4, 3))


@pytest.mark.parametrize("build, arrays", [
    (lambda a, b: ((a + b) * a).sum(), (A, ROW)),
    (lambda a, b: (a - b).tanh().mean(), (A, COL)),
    (lambda a, b: (a * b / (1.5 + b.sigmoid())).sum(), (A, COL)),
    (lambda a, b: (2.0 - a / b).exp().sum(), (A, POS)),
    (lambda a: (a.log() * a ** 1.5).sum(), (POS,)),
    (lambda a: (1.0 / a).relu().sum() + (3 * a).sigmoid().mean(), (A,)),
    (lambda a, b: (a @ b).tanh().sum(), (A, B)),
    (lambda a, v: (a @ v).exp().sum(), (A, ROW)),
    (lambda v, b: (v @ b).sum(), (ROW, B)),
    (lambda a: a.sum(axis=0).exp().sum() + a.mean(axis=1, keepdims=True).tanh().sum(), (A,)),
    (lambda a: (a.T @ a).sum(axis=(0, 1)), (A,)),
    (lambda a: (a.sum(axis=-1, keepdims=True) * a).mean(), (A,)),
])
def test_gradients_match_central_differences(build, arrays):
    check_grads(build, *arrays)


def test_reused_intermediate_and_broadcasting_together():
    def build(a, b):
        h = (a * b).tanh()          # b (3,) broadcast over the rows of a (4, 3)
        return (h * h + h * b + h).sum()
    check_grads(build, A, ROW)


def test_cross_entropy_value_and_gradient():
    logits = rng.normal(size=(6, 4)) * 3
    labels = np.array([0, 3, 1, 1, 2, 3])
    z = logits - logits.max(axis=1, keepdims=True)
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    expected = -np.mean(np.log(p[np.arange(6), labels]))
    assert float(cross_entropy(Tensor(logits), labels).data) == pytest.approx(expected, rel=1e-12)
    check_grads(lambda t: cross_entropy(t, labels), logits)
    # large logits do not overflow
    assert np.isfinite(cross_entropy(Tensor(logits * 1000), labels).data)


def test_a_small_mlp_against_central_differences():
    X = rng.normal(size=(10, 3))
    y = rng.integers(0, 2, size=10)
    W1, b1, W2, b2 = rng.normal(size=(3, 5)), rng.normal(size=5), rng.normal(size=(5, 2)), rng.normal(size=2)
    check_grads(lambda W1, b1, W2, b2: cross_entropy((X @ W1 + b1).relu() @ W2 + b2, y), W1, b1, W2, b2)


def test_unbroadcast_sums_back_to_the_shape():
    g = np.ones((2, 4, 3))
    assert unbroadcast(g, (3,)).tolist() == [8.0, 8.0, 8.0]
    assert unbroadcast(g, (4, 1)).shape == (4, 1) and unbroadcast(g, (4, 1))[0, 0] == 6.0
    assert unbroadcast(g, ()).shape == () and float(unbroadcast(g, ())) == 24.0


def test_chain_of_ten_thousand_operations():
    x0 = np.array([0.3, -0.2])

    def build(x):
        for i in range(10_000):
            x = x * 1.0001 if i % 2 else x + 0.0001 * x.tanh()
        return x.sum()

    check_grads(build, x0)


def test_gradients_accumulate_until_zero_grad():
    w = Tensor([1.0, 2.0])
    loss = (w * w).sum()
    loss.backward()
    assert w.grad.tolist() == [2.0, 4.0]
    loss.backward()
    assert w.grad.tolist() == [4.0, 8.0]
    loss.zero_grad()
    assert w.grad.tolist() == [0.0, 0.0] and loss.grad == 0.0
    loss.backward()
    assert w.grad.tolist() == [2.0, 4.0]


def test_backward_of_a_non_scalar_needs_a_gradient():
    w = Tensor([1.0, 2.0, 3.0])
    y = w * 2
    with pytest.raises(ValueError, match=r"scalar output.*shape \(3,\)"):
        y.backward()
    y.backward(np.array([1.0, 0.0, -1.0]))
    assert w.grad.tolist() == [2.0, 0.0, -2.0]
    with pytest.raises(ValueError, match="shape"):
        y.backward(np.ones(2))


def test_numpy_arrays_and_numbers_on_either_side():
    w = Tensor([1.0, 2.0])
    for out in (np.array([1.0, 1.0]) + w, w + np.array([1.0, 1.0]), 1 + w, np.float64(1.0) + w):
        assert isinstance(out, Tensor) and out.data.tolist() == [2.0, 3.0]
    out = (np.eye(2) @ w).sum()
    out.backward()
    assert w.grad.tolist() == [1.0, 1.0]


def test_bad_input_is_a_clear_error():
    with pytest.raises(TypeError, match="numbers"):
        Tensor("abc")
    with pytest.raises(TypeError, match="numbers"):
        Tensor([1, "a"])
    with pytest.raises(ValueError, match="finite"):
        Tensor([1.0, np.nan])
    with pytest.raises(ValueError, match=r"\(4, 3\) and \(4,\) do not broadcast"):
        Tensor(A) + Tensor(np.ones(4))
    with pytest.raises(ValueError, match=r"cannot multiply shapes \(4, 3\) and \(4, 3\)"):
        Tensor(A) @ Tensor(A)
    with pytest.raises(TypeError, match="Tensor"):
        Tensor(A) * "x"
    with pytest.raises(TypeError, match="exponent"):
        Tensor(A) ** Tensor(A)
    with pytest.raises(ValueError, match="positive"):
        Tensor(A).log()
    with pytest.raises(ValueError, match="out of range"):
        Tensor(A).sum(axis=2)
    with pytest.raises(ValueError, match="labels must lie in 0..2"):
        cross_entropy(Tensor(np.zeros((2, 3))), [0, 3])
    with pytest.raises(ValueError, match=r"shape \(2,\)"):
        cross_entropy(Tensor(np.zeros((2, 3))), [0, 1, 2])
    with pytest.raises(OverflowError):
        Tensor([800.0]).exp()
