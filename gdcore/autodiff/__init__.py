"""Automatic differentiation, small enough to hold in your head (chapter 8).

* :class:`Dual` (``dual.py``): forward mode with dual numbers;
* :class:`Value` (``value.py``): reverse mode on scalars, micrograd style;
* :class:`Tensor` (``tensor.py``): the same reverse mode on numpy arrays,
  with :func:`cross_entropy`;
* :func:`topological_order` (``topo.py``): the order of the backward pass;
* :func:`trace` (``graph.py``): a graph's forward and backward pass, node by node, with
  the names and layout a drawing uses (the drawing itself is
  :func:`gdcore.plotting.draw_graph`: automatic differentiation loads no plotting library);
* :func:`mlp_loss` (``mlp.py``): the loss of :class:`gdcore.models.MLP`
  written with Tensors, so that ``backward()`` replaces its hand-written
  backpropagation.

As in PyTorch, every Value and Tensor tracks its gradient, ``.grad``
accumulates across ``backward()`` calls until ``zero_grad()``, and
``backward()`` without an argument needs a scalar output.
"""

from .dual import Dual, forward_derivative, forward_gradient
from .graph import layout, node_names, trace
from .mlp import mlp_loss, mlp_loss_and_grad
from .tensor import Tensor, cross_entropy, unbroadcast
from .topo import topological_order
from .value import Value, reverse_gradient

__all__ = [
    "Dual", "forward_derivative", "forward_gradient",
    "Value", "reverse_gradient",
    "Tensor", "cross_entropy", "unbroadcast",
    "topological_order", "node_names", "layout", "trace", "mlp_loss", "mlp_loss_and_grad",
]
