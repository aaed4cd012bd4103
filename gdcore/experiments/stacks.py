r"""Chapter 6's experiment: what an initialization does to a deep stack of layers.

A multi-layer perceptron with ``depth`` hidden layers of ``width`` units
(:class:`gdcore.models.MLP`, 64 inputs, 10 outputs, :func:`deep_stack`) is
initialized with one scheme (:data:`SCHEMES`) and fed a fixed batch of 256
standardized handwritten digits; :func:`stack_statistics` gives every hidden
layer's activations and their spread, and that of the back-propagated
gradients :math:`\partial \ell / \partial z`; :func:`verdict` says whether the
signal stays flat, vanishes, explodes or saturates.
"""

from __future__ import annotations

import functools

import numpy as np

from .. import initializers
from ..data import load_digits
from ..models import MLP
from ..preprocessing import StandardScaler

__all__ = ["SCHEMES", "ACTIVATIONS", "WIDTHS", "MAX_DEPTH", "BATCH", "FLAT", "deep_stack", "stack_statistics",
           "verdict"]

#: The initializations the explorer offers, with PyTorch's defaults
#: (Xavier gain 1; Kaiming for ReLU: fan_in, gain sqrt 2). N(0, s) means variance s.
SCHEMES = {
    "N(0, 1)": functools.partial(initializers.normal, std=1.0),
    "N(0, 0.1)": functools.partial(initializers.normal, std=float(np.sqrt(0.1))),
    "N(0, 0.0001)": functools.partial(initializers.normal, std=0.01),
    "xavier_uniform": initializers.xavier_uniform,
    "xavier_normal": initializers.xavier_normal,
    "kaiming_uniform": initializers.kaiming_uniform,
    "kaiming_normal": initializers.kaiming_normal,
}

#: The activations, widths and largest depth the explorer offers.
ACTIVATIONS = ("relu", "tanh")
WIDTHS = (16, 32, 64, 128, 256)
MAX_DEPTH = 20
BATCH = 256  # digits fed through the stack
FLAT = 2.0  # "flat": the last layer's std within this factor of the first layer's


@functools.lru_cache(maxsize=1)
def _digits_batch() -> tuple[np.ndarray, np.ndarray]:
    """A fixed batch of standardized digits (every pixel mean 0, variance 1 or constant 0)."""
    digits = load_digits()
    X = StandardScaler().fit_transform(digits.X)
    rows = np.random.default_rng(0).choice(len(X), size=BATCH, replace=False)
    return X[rows], digits.y[rows]


def deep_stack(depth: int, width: int, activation: str, scheme):
    """The explorer's network, ``MLP([64] + [width] * depth + [10])`` initialized by ``scheme``.

    ``scheme`` is a name from :data:`SCHEMES` or any initializer ``init(shape, rng)``.
    """
    if callable(scheme):
        init = scheme
    elif scheme in SCHEMES:
        init = SCHEMES[scheme]
    else:
        raise ValueError(f"scheme must be an initializer or one of {', '.join(map(repr, SCHEMES))}; "
                         f"got {scheme!r}.")
    return MLP([64] + [int(width)] * int(depth) + [10], activation=activation, init=init)


@functools.lru_cache(maxsize=64)
def _statistics(depth: int, width: int, activation: str, scheme, seed: int) -> dict:
    model = deep_stack(depth, width, activation, scheme)
    X, y = _digits_batch()
    return model.layer_statistics(model.init_params(seed), X, y, weight_grads=False)  # not shown: skip them


def stack_statistics(depth: int = 10, width: int = 128, activation: str = "relu",
                     scheme="kaiming_normal", seed: int = 0) -> dict:
    """Per-hidden-layer statistics of the explorer's network at initialization.

    The network is :func:`deep_stack`, fed a fixed batch of 256 standardized
    digits; ``seed`` draws its weights. Returns
    :meth:`gdcore.models.MLP.layer_statistics`: ``activation_std``,
    ``delta_std`` (the std of the per-sample gradients
    :math:`\\partial \\ell_i/\\partial z_l`), ``saturated`` (tanh: the
    fraction with :math:`|f'(z)| < 0.01`; ReLU: the fraction of units that
    output 0), ``activations`` (the arrays themselves), ``activation_mean``
    (the weight gradients are not computed). Cached: asking twice costs nothing.
    """
    return _statistics(int(depth), int(width), activation, scheme, int(seed))


def verdict(stats: dict, activation: str) -> tuple[str, str]:
    """``(word, sentence)``: is the stack's signal ``"flat"``, ``"vanishing"``, ``"exploding"`` or ``"saturated"``?"""
    std = stats["activation_std"]
    ratio = std[-1] / std[0] if std[0] > 0 else 0.0
    if activation != "relu" and stats["saturated"][-1] > 0.5:
        word = "saturated"
    elif not np.isfinite(ratio) or ratio > FLAT:
        word = "exploding"
    elif ratio < 1 / FLAT:
        word = "vanishing"
    else:
        word = "flat"
    sentence = (f"std of the last hidden layer / first = {ratio:.3g}; "
                f"saturated or dead units in the last layer: {stats['saturated'][-1]:.0%}")
    return word, sentence
