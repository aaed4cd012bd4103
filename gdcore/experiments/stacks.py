r"""Chapter 6's experiment: what an initialization does to a deep stack of layers.

A multi-layer perceptron with ``depth`` hidden layers of ``width`` units
(:class:`gdcore.models.MLP`, 64 inputs, 10 outputs, :func:`deep_stack`) is
initialized with one scheme (:data:`SCHEMES`) and fed a fixed batch of 64
standardized handwritten digits; :func:`stack_statistics` gives every hidden
layer's activations and their spread, and that of the back-propagated
gradients :math:`\partial \ell / \partial z`; :func:`verdict` says whether the
signal stays flat, vanishes, explodes or saturates.
"""

from __future__ import annotations

import functools

import numpy as np

from .. import initializers
from .._validation import as_generator
from ..activations import ACTIVATIONS as _FUNCTIONS
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
BATCH = 64  # digits fed through the stack: 64 x width values per layer's statistics
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


class _UnitDraws:
    """The unit draws of one seed: what ``np.random.default_rng(seed)`` gives, as many as asked so far.

    ``first("normal", n)`` is the first ``n`` values of its ``standard_normal``
    stream and ``first("uniform", n)`` of its ``random`` stream (U(0, 1)). They
    are drawn once and kept (about 10 MB each for the explorer's largest
    networks), so a network of another width or scheme costs a multiplication
    instead of a new draw.
    """

    def __init__(self, seed: int):
        self.seed = seed
        self.draws = {"normal": np.empty(0), "uniform": np.empty(0)}
        self.rngs = {kind: as_generator(seed) for kind in self.draws}

    def first(self, kind: str, n: int) -> np.ndarray:
        have = self.draws[kind]
        if len(have) < n:
            more = max(n - len(have), len(have))  # at least double: few draws, few copies
            rng = self.rngs[kind]
            new = rng.standard_normal(more) if kind == "normal" else rng.random(more)
            have = self.draws[kind] = np.concatenate([have, new])
        return have[:n]


class _Replay(np.random.Generator):
    """A Generator that deals one network's weights from :class:`_UnitDraws`, from ``position`` on.

    numpy draws ``normal(loc, scale)`` as ``loc + scale * z`` and
    ``uniform(low, high)`` as ``low + (high - low) * u``, with ``z`` and ``u``
    the next values of its unit streams; these two are the only draws gdcore's
    initializers make, so an initializer given this Generator returns exactly
    the weights it would draw from ``np.random.default_rng(seed)`` at that
    point (tests/test_stacks.py checks it). Any other draw would come from
    elsewhere: :meth:`check_untouched` refuses it.
    """

    def __init__(self, units: _UnitDraws, position: int):
        super().__init__(np.random.PCG64(units.seed))
        self.units, self.position, self.kind = units, position, None
        self.untouched = self.bit_generator.state

    def _next(self, kind: str, size) -> np.ndarray:
        if self.kind not in (None, kind):
            raise ValueError("scheme must draw all its weights with rng.normal or all with rng.uniform.")
        self.kind, shape = kind, np.atleast_1d(size)
        n = int(np.prod(shape))
        draws = self.units.first(kind, self.position + n)[self.position:]
        self.position += n
        return draws.reshape(shape)

    def normal(self, loc=0.0, scale=1.0, size=None):
        return loc + scale * self._next("normal", size)

    def uniform(self, low=0.0, high=1.0, size=None):
        return low + (high - low) * self._next("uniform", size)

    def check_untouched(self) -> None:
        if self.bit_generator.state != self.untouched:
            raise ValueError("scheme must draw its weights with rng.normal or rng.uniform, as every "
                             "initializer of gdcore.initializers does.")


class _HiddenWeights:
    """The hidden weights ``W_1, W_2, ...`` of :func:`deep_stack` networks of one width, scheme and seed.

    :meth:`gdcore.models.MLP.init_params` draws the weights layer by layer from
    one Generator, so the networks of every depth share their first hidden
    layers: the network of depth ``d`` has the same ``W_1 .. W_d`` as the
    deepest one, and its output layer ``W_{d+1}`` (``width x 10``) takes the
    draws that follow ``W_d``'s. The layers are dealt from the seed's unit
    draws (:class:`_Replay`), as deep as asked so far, into a flat vector laid
    out like ``MLP.init_params``'s; :meth:`through` gives the parameters of depth ``d``.
    """

    def __init__(self, width: int, scheme, seed: int):
        self.sizes = [64] + [width] * MAX_DEPTH
        self.init = deep_stack(1, width, "relu", scheme).init
        self.ends = np.cumsum([0] + [n_in * n_out + n_out for n_in, n_out in zip(self.sizes, self.sizes[1:])])
        self.flat = np.zeros(self.ends[-1])  # biases start at zero
        # the draws before W_l: the weights of the layers before it (biases are not drawn)
        self.draws_before = np.cumsum([0] + [n_in * n_out for n_in, n_out in zip(self.sizes, self.sizes[1:])])
        self.units = _unit_draws(seed)
        self.drawn = 0  # hidden layers drawn so far

    def _view(self, l: int) -> np.ndarray:
        """``W_l``'s place in the flat vector (a view; its bias ``b_l`` follows it)."""
        return self.flat[self.ends[l - 1]:self.ends[l] - self.sizes[l]].reshape(self.sizes[l - 1], self.sizes[l])

    def _draw(self, shape: tuple, l: int) -> np.ndarray:
        """``W_l`` of ``shape`` as ``MLP.init_params`` draws it."""
        rng = _Replay(self.units, int(self.draws_before[l - 1]))
        W = np.asarray(self.init(shape, rng), dtype=float)
        rng.check_untouched()
        return W

    def weight(self, l: int) -> np.ndarray:
        """``W_l`` (a view), drawn if it is not yet."""
        while self.drawn < l:
            self.drawn += 1
            W = self._view(self.drawn)
            W[...] = self._draw(W.shape, self.drawn)
        return self._view(l)

    def through(self, depth: int) -> np.ndarray:
        """The flat parameters of the network of ``depth`` hidden layers (a new vector)."""
        self.weight(depth)
        W_out = self._draw((self.sizes[depth], 10), depth + 1)
        return np.concatenate([self.flat[:self.ends[depth]], W_out.ravel(), np.zeros(10)])


class _HiddenLayers:
    """The forward pass through the hidden layers shared by every depth (see :class:`_HiddenWeights`).

    ``Zs[l-1]`` and ``As[l]`` are layer ``l``'s pre-activations and activations
    on the batch of digits, computed as :meth:`gdcore.models.MLP.forward` does,
    as deep as asked so far.
    """

    def __init__(self, weights: _HiddenWeights, activation: str):
        self.weights, self.f = weights, _FUNCTIONS[activation][0]
        self.Zs, self.As = [], [_digits_batch()[0]]

    def forward(self, params: np.ndarray, depth: int) -> tuple[list, list]:
        """``(Zs, As)`` of the network of ``depth`` hidden layers whose parameters are ``params``."""
        with np.errstate(over="ignore", invalid="ignore"):
            while len(self.Zs) < depth:
                l = len(self.Zs) + 1
                Z = self.As[-1] @ self.weights.weight(l)
                Z += np.zeros(self.weights.sizes[l])  # z = a W + b with b = 0, in place: one array less to allocate
                self.Zs.append(Z)
                self.As.append(self.f(Z))
            start = self.weights.ends[depth]
            Z_out = self.As[depth] @ params[start:-10].reshape(-1, 10) + params[-10:]
        return self.Zs[:depth] + [Z_out], self.As[:depth + 1]


@functools.lru_cache(maxsize=1)
def _unit_draws(seed: int) -> _UnitDraws:
    return _UnitDraws(seed)


@functools.lru_cache(maxsize=4)
def _hidden_weights(width: int, scheme, seed: int) -> _HiddenWeights:
    return _HiddenWeights(width, scheme, seed)


@functools.lru_cache(maxsize=2)  # two activations of one network: about 20 MB each at 20 x 256
def _hidden_layers(width: int, activation: str, scheme, seed: int) -> _HiddenLayers:
    return _HiddenLayers(_hidden_weights(width, scheme, seed), activation)


def _forget() -> None:
    """Empty every cache of this module but the digits and the unit draws (the benchmarks time the computation cold).

    The digits and the unit draws are the experiment's fixed data, made once
    per seed; a network's weights, forward pass and statistics are computed again.
    """
    for cache in (_statistics, _hidden_layers, _hidden_weights):
        cache.cache_clear()


@functools.lru_cache(maxsize=64)
def _statistics(depth: int, width: int, activation: str, scheme, seed: int) -> dict:
    # The same numbers as model.layer_statistics(model.init_params(seed), X, y), but the
    # hidden layers' weights and forward pass are shared with the networks of other depths
    # (and the weights with the other activation): a depth or activation change costs
    # only what differs. tests/test_stacks.py checks that the numbers are identical.
    model = deep_stack(depth, width, activation, scheme)
    X, y = _digits_batch()
    params = _hidden_weights(width, scheme, seed).through(depth)
    forward = _hidden_layers(width, activation, scheme, seed).forward(params, depth)
    return model.layer_statistics(params, X, y, weight_grads=False, forward=forward)  # not shown: skip them


def stack_statistics(depth: int = 10, width: int = 128, activation: str = "relu",
                     scheme="kaiming_normal", seed: int = 0) -> dict:
    """Per-hidden-layer statistics of the explorer's network at initialization.

    The network is :func:`deep_stack`, fed a fixed batch of 64 standardized
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
