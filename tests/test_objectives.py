"""Tests of gdcore.objectives: hand-computed values, gradients, minima, bad input."""

import numpy as np
import pytest

from gdcore import objectives
from gdcore.derivatives import gradient
from gdcore.objectives import Beale, Himmelblau, LineFit, Quadratic, Rosenbrock, Saddle

ALL = [Quadratic.from_eigenvalues([1.0, 10.0], angle=30, minimum=[1.0, -2.0]), LineFit.example(),
       Rosenbrock(), Himmelblau(), Beale(), Saddle()]


@pytest.mark.parametrize("f, point, value, grad", [
    (Rosenbrock(), [0.0, 0.0], 1.0, [-2.0, 0.0]),
    (Rosenbrock(), [1.0, 1.0], 0.0, [0.0, 0.0]),
    # d/dx = -2(1 - x) - 400x(y - x^2) = -4 + 400 = 396, d/dy = 200(y - x^2) = 200
    (Rosenbrock(), [-1.0, 2.0], 4.0 + 100.0, [396.0, 200.0]),
    (Himmelblau(), [0.0, 0.0], 170.0, [-14.0, -22.0]),
    (Beale(), [0.0, 0.0], 14.203125, [-2 * (1.5 + 2.25 + 2.625), 0.0]),
    (Saddle(), [1.0, 2.0], 3.25, [2.0, 6.0]),
    (Saddle(), [0.0, 0.0], 0.25, [0.0, 0.0]),
])
def test_hand_computed_values_and_gradients(f, point, value, grad):
    assert f(point) == pytest.approx(value)
    np.testing.assert_allclose(f.grad(point), grad, atol=1e-12)


def test_quadratic_knows_its_curvature():
    A = np.diag([2.0, 8.0])
    q = Quadratic(A, A @ np.array([1.0, -1.0]))
    np.testing.assert_allclose(q.minima, [[1.0, -1.0]])
    assert q([1.0, -1.0]) == pytest.approx(0.0)
    assert q([0.0, 0.0]) == pytest.approx(0.5 * (2 + 8))
    np.testing.assert_allclose(q.grad([0.0, 0.0]), [-2.0, 8.0])
    assert (q.lambda_min, q.lambda_max, q.condition_number) == (2.0, 8.0, 4.0)
    assert q.stability_limit == 0.25
    assert q.best_lr == pytest.approx(0.2)
    assert q.contraction(0.2) == pytest.approx((4 - 1) / (4 + 1))
    assert q.contraction(0.25) == pytest.approx(1.0)
    np.testing.assert_allclose(q.hessian(), A)


def test_quadratic_from_eigenvalues_rotates_but_keeps_curvatures():
    q = Quadratic.from_eigenvalues([0.5, 10.0], angle=30, minimum=[2.0, 1.0])
    np.testing.assert_allclose(q.eigenvalues, [0.5, 10.0])
    np.testing.assert_allclose(q.minima[0], [2.0, 1.0])
    assert q.A[0, 1] != 0  # turned, so not diagonal
    assert q.condition_number == pytest.approx(20.0)


def test_quadratic_in_three_dimensions():
    q = Quadratic(np.diag([1.0, 2.0, 3.0]), [1.0, 2.0, 3.0])
    np.testing.assert_allclose(q.minima[0], [1.0, 1.0, 1.0])
    assert q(np.ones(3)) == pytest.approx(0.0)
    assert q(np.ones((4, 5, 3))).shape == (4, 5)


@pytest.mark.parametrize("A, b, message", [
    ([[1.0, 2.0], [0.0, 1.0]], None, "symmetric"),
    ([[1.0, 0.0], [0.0, -1.0]], None, "positive definite"),
    ([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]], None, "square"),
    (np.eye(2), [1.0, 2.0, 3.0], "shape"),
    ([[np.nan, 0.0], [0.0, 1.0]], None, "finite"),
])
def test_quadratic_rejects_bad_matrices(A, b, message):
    with pytest.raises(ValueError, match=message):
        Quadratic(A, b)


def test_line_fit_is_the_mean_squared_error():
    f = LineFit([0.0, 1.0, 2.0], [1.0, 3.0, 5.0])  # exactly y = 2x + 1
    np.testing.assert_allclose(f.minima[0], [2.0, 1.0])
    assert f([2.0, 1.0]) == pytest.approx(0.0, abs=1e-12)
    assert f([0.0, 0.0]) == pytest.approx((1 + 9 + 25) / 3)
    np.testing.assert_allclose(f.grad([0.0, 0.0]), [-26 / 3, -6.0])
    np.testing.assert_allclose(f.hessian(), 2 / 3 * np.array([[5.0, 3.0], [3.0, 3.0]]))
    np.testing.assert_allclose(f.predict([2.0, 1.0], [10.0]), [21.0])
    np.testing.assert_allclose(f.residuals([2.0, 1.0]), 0.0, atol=1e-12)


def test_line_fit_quadratic_form_matches_residual_form():
    f = LineFit.example(seed=3)
    theta = np.array([0.7, -1.3])
    direct = np.mean((theta[0] * f.x + theta[1] - f.y) ** 2)
    form = 0.5 * theta @ f.A @ theta - f.b @ theta + f.c
    assert f(theta) == pytest.approx(direct)
    assert form == pytest.approx(direct)


def test_line_fit_rejects_bad_data():
    with pytest.raises(ValueError, match="same length"):
        LineFit([1.0, 2.0], [1.0])
    with pytest.raises(ValueError, match="two different x"):
        LineFit([1.0, 1.0], [1.0, 2.0])


def test_line_fit_example_is_deterministic():
    a, b = LineFit.example(seed=1), LineFit.example(seed=1)
    np.testing.assert_array_equal(a.x, b.x)
    assert not np.array_equal(a.y, LineFit.example(seed=2).y)


@pytest.mark.parametrize("f", ALL, ids=lambda f: f.name)
def test_gradient_matches_finite_differences(f):
    rng = np.random.default_rng(0)
    for _ in range(5):
        x = rng.uniform([f.xlim[0], f.ylim[0]], [f.xlim[1], f.ylim[1]])
        np.testing.assert_allclose(f.grad(x), gradient(f, x, h=1e-6), rtol=1e-6, atol=1e-5)


@pytest.mark.parametrize("f", ALL, ids=lambda f: f.name)
def test_vectorized_over_grids(f):
    grid = np.random.default_rng(1).normal(size=(4, 3, 2))
    values, grads = f(grid), f.grad(grid)
    assert values.shape == (4, 3) and grads.shape == (4, 3, 2)
    assert values[2, 1] == pytest.approx(f(grid[2, 1]))
    np.testing.assert_allclose(grads[2, 1], f.grad(grid[2, 1]))
    assert isinstance(f(grid[0, 0]), float)


@pytest.mark.parametrize("f", ALL, ids=lambda f: f.name)
def test_minima_are_minima_inside_the_window(f):
    for m in f.minima:
        np.testing.assert_allclose(f.grad(m), 0.0, atol=1e-9)
        assert np.all(np.linalg.eigvalsh(f.hessian(m)) > 0)
        assert f.xlim[0] < m[0] < f.xlim[1] and f.ylim[0] < m[1] < f.ylim[1]
        assert f(m) == pytest.approx(f.min_value, abs=1e-9)


@pytest.mark.parametrize("f", [Himmelblau(), Saddle()], ids=lambda f: f.name)
def test_saddles_have_zero_gradient_and_mixed_curvature(f):
    assert len(f.saddles) >= 1
    for s in f.saddles:
        np.testing.assert_allclose(f.grad(s), 0.0, atol=1e-9)
        low, high = np.linalg.eigvalsh(f.hessian(s))
        assert low < 0 < high


def test_himmelblau_has_four_minima_at_zero_and_a_maximum():
    h = Himmelblau()
    assert len(h.minima) == 4
    np.testing.assert_allclose(h(h.minima), 0.0, atol=1e-20)
    assert np.all(np.linalg.eigvalsh(h.hessian(h.local_maximum)) < 0)


@pytest.mark.parametrize("f", ALL, ids=lambda f: f.name)
def test_wrong_shapes_and_text_are_refused(f):
    with pytest.raises(ValueError, match=r"shape \(2,\)"):
        f([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match=r"shape \(2,\)"):
        f.grad(1.0)
    with pytest.raises(TypeError, match="numbers"):
        f(["a", "b"])


def test_overflow_gives_inf_or_says_so_without_warnings():
    # pytest turns warnings into errors: a huge point must give inf, not a RuntimeWarning,
    # and where overflowed terms cancel to NaN, a clear OverflowError instead of the NaN.
    assert Rosenbrock()([1e200, 1e200]) == np.inf
    with pytest.raises(OverflowError, match="gradient of Himmelblau overflowed"):
        Himmelblau().grad([1e200, -1e200])


def test_points_must_be_finite():
    with pytest.raises(ValueError, match="theta must be finite"):
        Rosenbrock()([np.nan, 0.0])


def test_landscapes_by_name():
    named = objectives.landscapes()
    assert {"bowl", "elongated bowl", "line fit", "Rosenbrock", "Himmelblau", "Beale", "saddle"} <= set(named)
    assert named["elongated bowl"].condition_number == pytest.approx(20.0)
