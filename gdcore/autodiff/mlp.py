"""The chapter 6 MLP's loss written with Tensors: backpropagation for free.

:class:`gdcore.models.MLP` computes its gradient with hand-written
backpropagation. Here only its forward pass is written, with
:class:`Tensor` operations; ``backward()`` derives the rest. Chapter 8
checks that both give the same gradient and trains the MLP with this one.
"""

from __future__ import annotations

import numpy as np

from .tensor import Tensor, cross_entropy

__all__ = ["mlp_loss", "mlp_loss_and_grad"]

#: The MLP's hidden-layer activations, as Tensor operations.
ACTIVATIONS = {
    "relu": lambda z: z.relu(),
    "leaky_relu": lambda z: z.relu() - 0.01 * (-z).relu(),
    "tanh": lambda z: z.tanh(),
    "sigmoid": lambda z: z.sigmoid(),
    "linear": lambda z: z,
}


def mlp_loss(model, weights: dict, X, y) -> Tensor:
    """The mean loss of ``model`` (an :class:`~gdcore.models.MLP`) with Tensor ``weights`` {"W1": ..., "b1": ...}."""
    f = ACTIVATIONS[model.activation]
    A = X
    for l in range(1, model.n_layers + 1):
        Z = A @ weights[f"W{l}"] + weights[f"b{l}"]
        A = f(Z) if l < model.n_layers else Z
    if model.task == "classification":
        return cross_entropy(Z, y)
    return ((Z - np.reshape(y, (-1, 1))) ** 2).mean()


def mlp_loss_and_grad(model, params, X, y) -> tuple[float, np.ndarray]:
    """The loss and its gradient (a flat vector like ``params``), by reverse-mode autodiff."""
    params = model.check_params(params)
    X, y = model.check_data(X, y)
    weights = {name: Tensor(view, name) for name, view in model.unpack(params).items()}
    loss = mlp_loss(model, weights, X, y)
    loss.backward()
    return float(loss.data), model.pack({name: w.grad for name, w in weights.items()})
