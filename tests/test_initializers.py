import math

import numpy as np
import pytest

from gdcore import initializers as init


@pytest.mark.parametrize("nonlinearity, param, expected", [
    ("linear", None, 1.0),
    ("conv2d", None, 1.0),
    ("sigmoid", None, 1.0),
    ("tanh", None, 5 / 3),
    ("relu", None, math.sqrt(2)),
    ("selu", None, 0.75),
    ("leaky_relu", None, math.sqrt(2 / (1 + 0.01**2))),
    ("leaky_relu", 0, math.sqrt(2)),
    ("leaky_relu", 0.2, math.sqrt(2 / 1.04)),
])
def test_calculate_gain_matches_torch_table(nonlinearity, param, expected):
    assert init.calculate_gain(nonlinearity, param) == pytest.approx(expected, rel=1e-15)


def test_calculate_gain_rejects_unknown_names_and_bad_slopes():
    with pytest.raises(ValueError, match="nonlinearity must be one of"):
        init.calculate_gain("swish")
    with pytest.raises(TypeError, match="negative slope"):
        init.calculate_gain("leaky_relu", "steep")
    with pytest.raises(TypeError, match="negative slope"):
        init.calculate_gain("leaky_relu", True)
    with pytest.raises(ValueError, match="negative slope"):
        init.calculate_gain("leaky_relu", float("nan"))


def test_zeros_and_constant():
    assert np.array_equal(init.zeros((3, 2)), np.zeros((3, 2)))
    W = init.constant((2, 4), None, val=0.5)
    assert W.shape == (2, 4) and W.dtype == np.float64 and np.all(W == 0.5)


def test_same_seed_same_weights_and_generators_advance():
    a = init.xavier_uniform((5, 7), 3)
    b = init.xavier_uniform((5, 7), np.random.default_rng(3))
    assert np.array_equal(a, b)
    rng = np.random.default_rng(3)
    first = init.normal((5, 7), rng)
    second = init.normal((5, 7), rng)
    assert not np.array_equal(first, second)


def test_each_call_returns_a_new_array():
    a = init.zeros((2, 2))
    a[0, 0] = 1.0
    assert init.zeros((2, 2))[0, 0] == 0.0


def test_normal_and_uniform_moments():
    W = init.normal((400, 500), 0, mean=1.0, std=0.1)
    assert W.mean() == pytest.approx(1.0, abs=1e-3)
    assert W.std() == pytest.approx(0.1, rel=1e-2)
    U = init.uniform((400, 500), 0, a=-2.0, b=4.0)
    assert U.min() >= -2.0 and U.max() < 4.0
    assert U.mean() == pytest.approx(1.0, abs=2e-2)


def test_xavier_uniform_bound_by_hand():
    # fan_in = 64, fan_out = 32: B = sqrt(6 / 96) = 0.25 exactly.
    W = init.xavier_uniform((64, 32), 0)
    assert W.shape == (64, 32)
    assert np.abs(W).max() <= 0.25
    assert np.abs(W).max() > 0.249
    big = init.xavier_uniform((600, 200), 1, gain=2.0)  # B = 2 * sqrt(6/800)
    assert np.abs(big).max() <= 2 * math.sqrt(6 / 800)
    assert big.std() == pytest.approx(2 * math.sqrt(2 / 800), rel=1e-2)


def test_xavier_normal_std():
    W = init.xavier_normal((300, 500), 0, gain=5 / 3)
    assert W.std() == pytest.approx(5 / 3 * math.sqrt(2 / 800), rel=1e-2)


def test_kaiming_defaults_are_relu_fan_in():
    # default: leaky_relu with a = 0, i.e. gain sqrt(2), fan_in = shape[0] = 200
    W = init.kaiming_normal((200, 1000), 0)
    assert W.std() == pytest.approx(math.sqrt(2 / 200), rel=1e-2)
    U = init.kaiming_uniform((200, 1000), 0)
    bound = math.sqrt(2) * math.sqrt(3 / 200)
    assert np.abs(U).max() <= bound and np.abs(U).max() > 0.99 * bound


def test_kaiming_fan_out_uses_the_second_axis():
    # our weights are (fan_in, fan_out): fan_out is shape[1], unlike torch's (fan_out, fan_in)
    W = init.kaiming_normal((1000, 200), 0, mode="fan_out")
    assert W.std() == pytest.approx(math.sqrt(2 / 200), rel=1e-2)
    T = init.kaiming_normal((1000, 200), 0, nonlinearity="tanh")
    assert T.std() == pytest.approx(5 / 3 / math.sqrt(1000), rel=1e-2)


@pytest.mark.parametrize("shape", [(3,), (2, 3, 4), "3x4", (2.0, 3), (True, 3), None])
def test_shape_must_be_two_ints(shape):
    with pytest.raises(TypeError, match="two positive integers"):
        init.xavier_uniform(shape, 0)


@pytest.mark.parametrize("shape", [(0, 3), (3, -1)])
def test_shape_must_be_positive(shape):
    with pytest.raises(ValueError, match="two positive integers"):
        init.zeros(shape)


def test_bad_rng_mode_and_std():
    with pytest.raises(TypeError, match="rng must be"):
        init.normal((2, 2), "seed")
    with pytest.raises(TypeError, match="rng must be"):
        init.normal((2, 2), None)
    with pytest.raises(ValueError, match="mode must be one of"):
        init.kaiming_normal((2, 2), 0, mode="fan_avg")
    with pytest.raises(ValueError, match="nonlinearity must be one of"):
        init.kaiming_uniform((2, 2), 0, nonlinearity="gelu")
    with pytest.raises(ValueError, match="std must be"):
        init.normal((2, 2), 0, std=-1.0)
    with pytest.raises(ValueError, match="a <= b"):
        init.uniform((2, 2), 0, a=1.0, b=0.0)


def test_get_by_name_and_settings():
    W = init.get("normal", std=0.1)((3, 2), 0)
    assert np.array_equal(W, init.normal((3, 2), 0, std=0.1))
    assert init.get("xavier_uniform") is init.xavier_uniform
    assert init.get(init.zeros) is init.zeros
    with pytest.raises(ValueError, match="init must be a function"):
        init.get("glorot")
