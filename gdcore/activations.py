r"""Activation functions: the nonlinearities of neurons, with their derivatives.

:func:`sigmoid` is the logistic function :math:`\sigma(z) = 1/(1 + e^{-z})`
used by logistic regression, by the MLP and by the autodiff engines (one
definition for the whole library). :data:`ACTIVATIONS` maps the names an
:class:`~gdcore.mlp.MLP` accepts to a pair ``(f, df)``: ``f(z)`` and its
derivative ``df(z, a)``, computed from ``z`` and from ``a = f(z)``
(whichever is cheaper).
"""

from __future__ import annotations

import numpy as np

from ._validation import as_finite_array

__all__ = ["sigmoid", "relu", "leaky_relu", "ACTIVATIONS"]


def sigmoid(z):
    r"""The logistic function :math:`\sigma(z) = 1 / (1 + e^{-z})`, without overflow for any ``z``.

    ``z`` is a number or an array; :math:`\pm\infty` give the limits 1 and 0, NaN is refused.
    """
    if not (isinstance(z, (float, np.ndarray)) and np.asarray(z).dtype == float and not np.isnan(z).any()):
        z = as_finite_array(z, "z", allow_empty=True, allow_infinite=True)
    return np.exp(-np.logaddexp(0.0, -np.asarray(z, dtype=float)))


def relu(z):
    r""":math:`\max(z, 0)`."""
    return np.maximum(z, 0.0)


def leaky_relu(z):
    r""":math:`z` for :math:`z > 0`, else :math:`0.01\,z` (PyTorch's default negative slope)."""
    return np.where(z > 0, z, 0.01 * z)


#: Hidden-layer activations: name -> (f(z), f'(z) computed from z and a = f(z)).
ACTIVATIONS = {
    "relu": (relu, lambda z, a: z > 0),  # a boolean mask multiplies like 0.0 / 1.0
    "leaky_relu": (leaky_relu, lambda z, a: np.where(z > 0, 1.0, 0.01)),
    "tanh": (np.tanh, lambda z, a: 1.0 - a * a),
    "sigmoid": (sigmoid, lambda z, a: a * (1.0 - a)),
    "linear": (lambda z: z, lambda z, a: np.ones_like(z)),
}
