r"""Weight initializers: where a network's weights start.

Every initializer is called the same way,

    W = init(shape, rng, ...)

for a weight matrix of shape ``(fan_in, fan_out)``, so that a layer computes
``X @ W`` with ``X`` of shape ``(n_samples, fan_in)``. ``rng`` is a
``numpy.random.Generator`` or an int seed (turned into one with
``np.random.default_rng``); the global numpy random state is never used. Each
call returns a new float64 array.

Formulas, gains and defaults are those of ``torch.nn.init``, so a setting
carries over to PyTorch. One difference in layout: PyTorch stores a linear
layer's weight as ``(fan_out, fan_in)`` and computes ``x @ W.T``; here the
weight is ``(fan_in, fan_out)``, so ``fan_in = shape[0]`` and
``fan_out = shape[1]``. The numbers drawn are the same distribution either way.

===================  ==============================================================
initializer          distribution
===================  ==============================================================
``zeros``            all 0
``constant``         all ``val``
``normal``           :math:`\mathcal N(\text{mean}, \text{std}^2)`
``uniform``          :math:`\mathcal U(a, b)`
``xavier_uniform``   :math:`\mathcal U(-\text{bound}, \text{bound})`, :math:`\text{bound} = \text{gain}\sqrt{6/(n_\text{in} + n_\text{out})}`
``xavier_normal``    :math:`\mathcal N(0, s_w^2)`, :math:`s_w = \text{gain}\sqrt{2/(n_\text{in} + n_\text{out})}`
``kaiming_uniform``  :math:`\mathcal U(-\text{bound}, \text{bound})`, :math:`\text{bound} = \text{gain}\sqrt{3/\text{fan}}`
``kaiming_normal``   :math:`\mathcal N(0, s_w^2)`, :math:`s_w = \text{gain}/\sqrt{\text{fan}}`
===================  ==============================================================

References: Glorot and Bengio (2010) for Xavier, He et al. (2015) for Kaiming.
"""

from __future__ import annotations

import functools
import math
import numbers

import numpy as np

from ._validation import as_generator, as_real, check_choice, check_positive, describe

__all__ = [
    "calculate_gain", "zeros", "constant", "normal", "uniform", "xavier_uniform",
    "xavier_normal", "kaiming_uniform", "kaiming_normal", "INITIALIZERS", "get",
]

#: The nonlinearities :func:`calculate_gain` knows, as ``torch.nn.init`` names them.
NONLINEARITIES = (
    "linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
    "conv_transpose3d", "sigmoid", "tanh", "relu", "leaky_relu", "selu",
)


def calculate_gain(nonlinearity: str, param=None) -> float:
    r"""The recommended gain for a nonlinearity, as ``torch.nn.init.calculate_gain``.

    ==============================  =====================================
    nonlinearity                    gain
    ==============================  =====================================
    linear, conv*, sigmoid          :math:`1`
    tanh                            :math:`5/3`
    relu                            :math:`\sqrt 2`
    leaky_relu                      :math:`\sqrt{2 / (1 + \text{slope}^2)}`
    selu                            :math:`3/4`
    ==============================  =====================================

    ``param`` is the negative slope of ``leaky_relu`` (default 0.01); the other
    nonlinearities ignore it.

    >>> round(calculate_gain("relu"), 6)
    1.414214
    """
    check_choice(nonlinearity, "nonlinearity", NONLINEARITIES)
    if nonlinearity in ("linear", "sigmoid") or nonlinearity.startswith("conv"):
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3.0
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "selu":
        return 3.0 / 4.0
    # leaky_relu
    if param is None:
        slope = 0.01
    else:
        slope = as_real(param, "the negative slope of leaky_relu (param)", finite=True)
    return math.sqrt(2.0 / (1.0 + slope * slope))


def _check_shape(shape) -> tuple[int, int]:
    """``shape`` as a pair of positive ints ``(fan_in, fan_out)``."""
    ok = (isinstance(shape, (tuple, list)) and len(shape) == 2
          and all(isinstance(n, numbers.Integral) and not isinstance(n, bool) for n in shape))
    if not ok:
        raise TypeError("shape must be two positive integers (fan_in, fan_out), "
                        f"like (64, 32); got {describe(shape)}.")
    if min(shape) < 1 or shape[0] * shape[1] > 10**9:
        raise ValueError("shape must be two positive integers (fan_in, fan_out) with at most 1e9 "
                         f"weights; got {describe(tuple(shape))}.")
    return int(shape[0]), int(shape[1])


def _rng(rng) -> np.random.Generator:
    """A Generator from ``rng`` (a Generator or an int seed); ``None`` is refused: draws are reproducible."""
    if rng is None:
        raise TypeError("rng must be a numpy.random.Generator (np.random.default_rng(seed)) "
                        "or a non-negative int seed; got None.")
    return as_generator(rng, "rng")


def _fans(shape) -> tuple[int, int]:
    """``(fan_in, fan_out)`` of a ``(fan_in, fan_out)`` weight (PyTorch's is transposed)."""
    return _check_shape(shape)


def zeros(shape, rng=None) -> np.ndarray:
    """All zeros (``rng`` is accepted, so every initializer is called alike, checked and ignored)."""
    if rng is not None:
        _rng(rng)
    return np.zeros(_check_shape(shape))


def constant(shape, rng=None, val: float = 0.0) -> np.ndarray:
    """All equal to ``val`` (``rng`` is checked, then ignored)."""
    if rng is not None:
        _rng(rng)
    return np.full(_check_shape(shape), as_real(val, "val", finite=True))


def normal(shape, rng, mean: float = 0.0, std: float = 1.0) -> np.ndarray:
    r"""Independent draws from :math:`\mathcal N(\text{mean}, \text{std}^2)`."""
    shape = _check_shape(shape)
    mean = as_real(mean, "mean", finite=True)
    std = check_positive(std, "std", allow_zero=True)
    return _rng(rng).normal(mean, std, size=shape)


def uniform(shape, rng, a: float = 0.0, b: float = 1.0) -> np.ndarray:
    r"""Independent draws from :math:`\mathcal U(a, b)`."""
    shape = _check_shape(shape)
    a, b = as_real(a, "a", finite=True), as_real(b, "b", finite=True)
    if not a <= b:
        raise ValueError(f"uniform needs a <= b; got a={a!r}, b={b!r}.")
    if not np.isfinite(b - a):
        raise ValueError(f"uniform needs b - a within float range; got a={a!r}, b={b!r}.")
    return _rng(rng).uniform(a, b, size=shape)


def xavier_uniform(shape, rng, gain: float = 1.0) -> np.ndarray:
    r"""Glorot/Xavier uniform: :math:`\mathcal U(-\text{bound}, \text{bound})` with

    .. math::
        \text{bound} = \text{gain} \cdot \sqrt{\frac{6}{n_\text{in} + n_\text{out}}},

    so :math:`\operatorname{Var} W = \text{gain}^2 \cdot 2/(n_\text{in} + n_\text{out})`.
    ``fan_in = shape[0]``, ``fan_out = shape[1]`` (our weights are ``(fan_in, fan_out)``).
    """
    fan_in, fan_out = _fans(shape)
    gain = check_positive(gain, "gain")
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return _rng(rng).uniform(-bound, bound, size=(fan_in, fan_out))


def xavier_normal(shape, rng, gain: float = 1.0) -> np.ndarray:
    r"""Glorot/Xavier normal: :math:`\mathcal N(0, s_w^2)` with

    .. math::
        s_w = \text{gain} \cdot \sqrt{\frac{2}{n_\text{in} + n_\text{out}}}.

    ``fan_in = shape[0]``, ``fan_out = shape[1]`` (our weights are ``(fan_in, fan_out)``).
    """
    fan_in, fan_out = _fans(shape)
    gain = check_positive(gain, "gain")
    std = gain * math.sqrt(2.0 / (fan_in + fan_out))
    return _rng(rng).normal(0.0, std, size=(fan_in, fan_out))


def _kaiming_std(shape, a, mode, nonlinearity) -> float:
    fan_in, fan_out = _fans(shape)
    check_choice(mode, "mode", ("fan_in", "fan_out"))
    gain = calculate_gain(nonlinearity, as_real(a, "a", finite=True))
    fan = fan_in if mode == "fan_in" else fan_out
    return gain / math.sqrt(fan)


def kaiming_uniform(shape, rng, a: float = 0.0, mode: str = "fan_in",
                    nonlinearity: str = "leaky_relu") -> np.ndarray:
    r"""He/Kaiming uniform: :math:`\mathcal U(-\text{bound}, \text{bound})` with

    .. math::
        \text{bound} = \text{gain} \cdot \sqrt{\frac{3}{\text{fan}}},

    where ``fan`` is ``fan_in = shape[0]`` (``mode="fan_in"``, the default: keeps
    the variance of the activations in the forward pass) or ``fan_out =
    shape[1]`` (``mode="fan_out"``: keeps the variance of the gradients in the
    backward pass), and ``gain = calculate_gain(nonlinearity, a)``. The
    defaults (leaky_relu with slope ``a = 0``, i.e. ReLU) give gain
    :math:`\sqrt 2`, as in PyTorch.
    """
    bound = math.sqrt(3.0) * _kaiming_std(shape, a, mode, nonlinearity)
    return _rng(rng).uniform(-bound, bound, size=_fans(shape))


def kaiming_normal(shape, rng, a: float = 0.0, mode: str = "fan_in",
                   nonlinearity: str = "leaky_relu") -> np.ndarray:
    r"""He/Kaiming normal: :math:`\mathcal N(0, s_w^2)` with

    .. math::
        s_w = \frac{\text{gain}}{\sqrt{\text{fan}}},

    ``fan`` and ``gain`` as in :func:`kaiming_uniform` (default: fan_in and
    :math:`\sqrt 2`, so :math:`\operatorname{Var} W = 2 / n_\text{in}`).
    """
    std = _kaiming_std(shape, a, mode, nonlinearity)
    return _rng(rng).normal(0.0, std, size=_fans(shape))


#: Every initializer by name (what ``MLP(init="xavier_uniform")`` looks up).
INITIALIZERS = {
    "zeros": zeros,
    "constant": constant,
    "normal": normal,
    "uniform": uniform,
    "xavier_uniform": xavier_uniform,
    "xavier_normal": xavier_normal,
    "kaiming_uniform": kaiming_uniform,
    "kaiming_normal": kaiming_normal,
}


def get(init, **kwargs):
    """An initializer ``init(shape, rng)`` from a name (with keyword settings) or a function.

    >>> W = get("normal", std=0.1)((3, 2), rng=0)
    >>> W.shape
    (3, 2)
    """
    if callable(init):
        return functools.partial(init, **kwargs) if kwargs else init
    if not isinstance(init, str) or init not in INITIALIZERS:
        options = ", ".join(repr(name) for name in INITIALIZERS)
        raise ValueError(f"init must be a function init(shape, rng) or one of {options}; got {describe(init)}.")
    function = INITIALIZERS[init]
    return functools.partial(function, **kwargs) if kwargs else function
