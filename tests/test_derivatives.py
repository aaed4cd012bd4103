import numpy as np
import pytest

from gdcore import derivatives


@pytest.mark.parametrize("method", derivatives.METHODS)
def test_slope_of_square_at_minus_four(method):
    # forward/backward are off by exactly h for x**2; central is exact up to round-off
    expected = {"forward": -8 + 1e-3, "backward": -8 - 1e-3, "central": -8.0}[method]
    assert derivatives.derivative(lambda x: x**2, -4.0, h=1e-3, method=method) == pytest.approx(expected, abs=1e-9)


def test_hand_computed_quotients():
    f = lambda x: x**3  # noqa: E731
    assert derivatives.derivative(f, 2.0, h=0.5, method="forward") == pytest.approx((2.5**3 - 8) / 0.5)
    assert derivatives.derivative(f, 2.0, h=0.5, method="backward") == pytest.approx((8 - 1.5**3) / 0.5)
    assert derivatives.derivative(f, 2.0, h=0.5, method="central") == pytest.approx((2.5**3 - 1.5**3) / 1.0)


def test_returns_float_for_scalars_and_arrays_for_arrays():
    assert isinstance(derivatives.derivative(np.sin, 0.0), float)
    xs = np.linspace(-3, 3, 7)
    d = derivatives.derivative(np.sin, xs)
    assert d.shape == xs.shape
    np.testing.assert_allclose(d, np.cos(xs), atol=1e-9)


def test_array_of_steps_broadcasts():
    hs = np.array([1e-1, 1e-2, 1e-3])
    d = derivatives.derivative(np.exp, 0.0, h=hs, method="forward")
    np.testing.assert_allclose(d, np.expm1(hs) / hs)


def test_error_orders():
    # halving h halves the forward error and quarters the central error
    err = lambda h, m: abs(derivatives.derivative(np.exp, 1.0, h=h, method=m) - np.e)  # noqa: E731
    assert err(1e-2, "forward") / err(5e-3, "forward") == pytest.approx(2, rel=0.01)
    assert err(1e-2, "central") / err(5e-3, "central") == pytest.approx(4, rel=0.01)


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        (dict(f=3, x=1.0), TypeError, "f must be a function"),
        (dict(f=np.sin, x=1.0, h=0), ValueError, "h must be a finite positive number; got 0.0"),
        (dict(f=np.sin, x=1.0, h=-1e-3), ValueError, "positive"),
        (dict(f=np.sin, x=1.0, h=np.array([1e-3, -1.0])), ValueError, "every step h must be positive"),
        (dict(f=np.sin, x=float("nan")), ValueError, "x must be finite"),
        (dict(f=np.sin, x=[1.0, np.inf]), ValueError, "1 NaN or infinite"),
        (dict(f=np.sin, x="one"), TypeError, "x must be numbers"),
        (dict(f=np.sin, x=1.0, method="centre"), ValueError, "method must be one of 'forward', 'backward', 'central'"),
        (dict(f=np.sin, x=1.0, h="small"), TypeError, "h must be a real number"),
    ],
)
def test_bad_input_says_what_was_expected(kwargs, error, message):
    with pytest.raises(error, match=message):
        derivatives.derivative(**kwargs)


def test_gradient_and_check():
    f = lambda v: v[0] ** 2 * v[1] + np.sin(v[1])  # noqa: E731
    grad = lambda v: np.array([2 * v[0] * v[1], v[0] ** 2 + np.cos(v[1])])  # noqa: E731
    x = np.array([1.5, -0.5])
    np.testing.assert_allclose(derivatives.gradient(f, x), grad(x), atol=1e-8)
    assert derivatives.gradient_check(f, grad, x) < 1e-9
    wrong = lambda v: np.array([2 * v[0] * v[1], v[0] ** 2])  # noqa: E731  (forgot cos)
    assert derivatives.gradient_check(f, wrong, x) > 1e-2


def test_the_best_step_is_the_power_of_ten_with_the_smallest_median_error_near_it():
    from gdcore.derivatives import best_power_of_ten, typical_error
    hs = np.logspace(-4, 0, 41)
    errors = np.abs(np.log10(hs) + 2) + 1e-9  # smallest at h = 1e-2
    assert best_power_of_ten(hs, errors) == 1e-2
    near = np.abs(np.log10(hs) + 2) <= 0.5 + 1e-9  # 1e-2.5 ... 1e-1.5
    assert typical_error(hs, errors, 1e-2) == pytest.approx(np.median(errors[near]))
    # steps two decades apart: only the powers of ten that have a step near them are candidates
    assert best_power_of_ten(np.logspace(-12, 0, 7), np.array([5.0, 4, 1, 3, 6, 7, 8])) == 1e-8


@pytest.mark.parametrize("args, match", [
    ((np.logspace(-3, -1, 5), np.ones(4)), "errors must hold one error per step of hs, shape \\(5,\\); got shape \\(4,\\)"),
    ((np.array([1e-3, -1e-2]), np.ones(2)), "hs must hold positive steps"),
    ((np.ones((2, 2)), np.ones((2, 2))), "hs must be a 1-D array of steps"),
    ((np.logspace(-3, -1, 5), -np.ones(5)), "errors must be sizes"),
    ((np.array([2e-3, 5e-3]), np.ones(2)), "hs must reach over a power of ten"),
])
def test_best_power_of_ten_says_what_is_wrong_with_its_input(args, match):
    from gdcore.derivatives import best_power_of_ten
    with pytest.raises(ValueError, match=match):
        best_power_of_ten(*args)


def test_typical_error_needs_a_step_near_the_centre():
    from gdcore.derivatives import typical_error
    with pytest.raises(ValueError, match="no step of hs lies within a factor √10 of centre=1e-06"):
        typical_error(np.logspace(-3, -1, 5), np.ones(5), 1e-6)
