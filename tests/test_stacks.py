"""Chapter 6's experiment: the shared hidden layers give exactly the numbers of a network built afresh."""

import functools

import numpy as np
import pytest

from gdcore import initializers
from gdcore.experiments import stacks


def _afresh(depth, width, activation, scheme, seed):
    model = stacks.deep_stack(depth, width, activation, scheme)
    X, y = stacks._digits_batch()
    return model.layer_statistics(model.init_params(seed), X, y, weight_grads=False)


@pytest.mark.parametrize("width, activation, scheme, seed", [
    (16, "relu", "N(0, 1)", 0),
    (32, "tanh", "xavier_uniform", 1),
    (16, "tanh", "kaiming_normal", 2),
    (32, "relu", functools.partial(initializers.normal, std=0.3), 3),
])
def test_shared_layers_give_identical_statistics(width, activation, scheme, seed):
    stacks._forget()
    # Deeper, shallower, the other activation: every order in which the layers are shared.
    other = "tanh" if activation == "relu" else "relu"
    for depth, act in [(5, activation), (12, activation), (3, activation), (12, other), (20, other)]:
        shared = stacks.stack_statistics(depth, width, act, scheme, seed)
        fresh = _afresh(depth, width, act, scheme, seed)
        for key in ("activation_std", "activation_mean", "saturated", "delta_std"):
            assert np.array_equal(shared[key], fresh[key]), (depth, act, key)
        assert all(np.array_equal(a, b) for a, b in zip(shared["activations"], fresh["activations"], strict=True))
    stacks._forget()


def test_layer_statistics_refuses_a_forward_pass_of_another_shape():
    model = stacks.deep_stack(3, 16, "relu", "N(0, 1)")
    X, y = stacks._digits_batch()
    params = model.init_params(0)
    Zs, As = model.forward(params, X)
    with pytest.raises(ValueError, match="forward must hold Zs of shapes"):
        model.layer_statistics(params, X, y, forward=(Zs[:-1], As))
    with pytest.raises(TypeError, match="forward must be the pair"):
        model.layer_statistics(params, X, y, forward=3)
    same = model.layer_statistics(params, X, y, forward=(Zs, As))
    assert np.array_equal(same["delta_std"], model.layer_statistics(params, X, y)["delta_std"])


def test_a_scheme_that_draws_otherwise_is_refused_clearly():
    # The weights are dealt from the seed's unit draws (normal and uniform streams); a scheme that
    # draws with another method of the Generator would get other numbers than MLP.init_params.
    def own_draws(shape, rng):
        return rng.standard_normal(shape)

    stacks._forget()
    with pytest.raises(ValueError, match="scheme must draw its weights with rng.normal or rng.uniform"):
        stacks.stack_statistics(3, 16, "relu", own_draws)
    stacks._forget()
