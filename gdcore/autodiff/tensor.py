r"""Reverse mode on arrays: the :class:`Tensor` engine.

The same idea as :class:`~gdcore.autodiff.value.Value`, one level up: a node
holds a numpy array, and each operation stores, right next to its forward
computation, a function ``backward(g)`` that turns the gradient ``g`` of the
final scalar with respect to the result (an array of the result's shape)
into the gradients with respect to its parents. For a matrix product
:math:`C = AB` that function is :math:`\bar A = \bar C B^\top`,
:math:`\bar B = A^\top \bar C`: a *vector-Jacobian product*, computed without
ever forming the (huge) Jacobian.

Broadcasting: when numpy stretched an operand of shape ``(3,)`` to ``(100, 3)``
in the forward pass, its gradient is the sum of the stretched copies'
gradients, so :func:`unbroadcast` sums ``g`` back to shape ``(3,)``.

Semantics as in PyTorch: ``.grad`` (same shape as ``.data``) accumulates
across ``backward()`` calls until ``zero_grad()``; ``backward()`` without an
argument needs a scalar output.
"""

from __future__ import annotations

import numpy as np

from .._validation import as_finite_array, as_real, check_flag, describe, is_real
from ..activations import sigmoid
from .topo import topological_order

__all__ = ["Tensor", "cross_entropy", "unbroadcast"]


def unbroadcast(g: np.ndarray, shape: tuple) -> np.ndarray:
    """Sum ``g`` over the axes that broadcasting added or stretched, down to ``shape``."""
    extra = g.ndim - len(shape)
    if extra:
        g = g.sum(axis=tuple(range(extra)))
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and g.shape[i] != 1)
    if stretched:
        g = g.sum(axis=stretched, keepdims=True)
    return g


def _broadcast_shape(symbol: str, a: np.ndarray, b: np.ndarray) -> None:
    try:
        np.broadcast_shapes(a.shape, b.shape)
    except ValueError:
        raise ValueError(f"shapes {a.shape} and {b.shape} do not broadcast for {symbol}: "
                         "aligned from the right, each pair of sizes must be equal or one of them 1."
                         ) from None


class Tensor:
    """An array in a computational graph: ``.data``, ``.grad``, ``backward()``, ``zero_grad()``."""

    __array_ufunc__ = None  # `ndarray + Tensor` calls Tensor.__radd__ instead of looping
    __array_priority__ = 1000

    def __init__(self, data, label: str = ""):
        arr = np.array(as_finite_array(data, "Tensor data", allow_empty=True))  # a copy: the caller keeps theirs
        self._init(arr, (), None, "", label)

    def _init(self, data, parents, backward, op, label=""):
        self.data = data
        self._grad = None  # zeros until a backward pass reaches this node (made on first look)
        self.parents = parents
        self._backward = backward  # g -> gradients of the parents, in order
        self.op = op
        self.label = label

    @classmethod
    def _node(cls, data, parents, backward, op):
        """A new node (no input checks: its data comes from an operation)."""
        out = cls.__new__(cls)
        out._init(np.asarray(data, dtype=float), parents, backward, op)
        return out

    @property
    def grad(self) -> np.ndarray:
        """dL/d(this Tensor), summed over every ``backward()`` since the last ``zero_grad()``."""
        if self._grad is None:
            self._grad = np.zeros_like(self.data)
        return self._grad

    @grad.setter
    def grad(self, value) -> None:
        self._grad = np.asarray(value, dtype=float)

    shape = property(lambda self: self.data.shape)
    ndim = property(lambda self: self.data.ndim)
    size = property(lambda self: self.data.size)

    def __repr__(self) -> str:
        name = f", label={self.label!r}" if self.label else ""
        return f"Tensor(shape={self.data.shape}{name}, data={np.array2string(self.data, precision=4, threshold=8)})"

    @staticmethod
    def _lift(other, symbol, left):
        if isinstance(other, Tensor):
            return other
        if isinstance(other, (int, float, np.number, np.ndarray)) and not isinstance(other, (bool, np.bool_)):
            data = as_finite_array(other, f"the operand of {symbol}", allow_empty=True)  # no copy
            # made here, so nobody can read its gradient: @ skips computing it
            return Tensor._node(data, (), None, "const")
        raise TypeError(f"unsupported operand for {symbol}: {describe(left)} and {describe(other)}. "
                        "A Tensor combines with another Tensor, a number or a numpy array.")

    # -- elementwise arithmetic (with broadcasting) ------------------------------------ #
    def __add__(self, other):
        other = self._lift(other, "+", self)
        _broadcast_shape("+", self.data, other.data)
        a, b = self.data.shape, other.data.shape
        return Tensor._node(self.data + other.data, (self, other),
                            lambda g: (unbroadcast(g, a), unbroadcast(g, b)), "+")

    def __radd__(self, other):
        return self._lift(other, "+", other) + self

    def __neg__(self):
        return Tensor._node(-self.data, (self,), lambda g: (-g,), "neg")

    def __sub__(self, other):
        other = self._lift(other, "-", self)
        _broadcast_shape("-", self.data, other.data)
        a, b = self.data.shape, other.data.shape
        return Tensor._node(self.data - other.data, (self, other),
                            lambda g: (unbroadcast(g, a), -unbroadcast(g, b)), "-")

    def __rsub__(self, other):
        return self._lift(other, "-", other) - self

    def __mul__(self, other):
        other = self._lift(other, "*", self)
        _broadcast_shape("*", self.data, other.data)
        a, b = self.data, other.data
        return Tensor._node(a * b, (self, other),
                            lambda g: (unbroadcast(g * b, a.shape), unbroadcast(g * a, b.shape)), "*")

    def __rmul__(self, other):
        return self._lift(other, "*", other) * self

    def __truediv__(self, other):
        other = self._lift(other, "/", self)
        _broadcast_shape("/", self.data, other.data)
        a, b = self.data, other.data
        if np.any(b == 0):
            raise ZeroDivisionError(f"division by a Tensor with {int(np.sum(b == 0))} zero entries.")
        return Tensor._node(a / b, (self, other),
                            lambda g: (unbroadcast(g / b, a.shape), unbroadcast(-g * a / b**2, b.shape)), "/")

    def __rtruediv__(self, other):
        return self._lift(other, "/", other) / self

    def __pow__(self, p):
        if not is_real(p):
            raise TypeError(f"the exponent of a Tensor must be a constant number; got {describe(p)}.")
        p = as_real(p, "the exponent of a Tensor", finite=True)
        a = self.data
        if np.any(a < 0) and not float(p).is_integer():
            raise ValueError(f"a negative base to the fractional power {p:g} is not a real number.")
        if np.any(a == 0) and p < 1 and p != 0:
            raise ZeroDivisionError(f"the derivative of x ** {p:g} is infinite at x = 0.")
        with np.errstate(over="ignore"):
            out = a**p
        if not np.all(np.isfinite(out)):
            raise OverflowError(f"** {p:g} overflowed: some entries of the result exceed the largest float.")
        return Tensor._node(out, (self,), lambda g: (g * p * a ** (p - 1),), f"**{p:g}")

    # -- matrix product ------------------------------------------------------------------ #
    def __matmul__(self, other):
        other = self._lift(other, "@", self)
        a, b = self.data, other.data
        if not (1 <= a.ndim <= 2 and 1 <= b.ndim <= 2):
            raise ValueError(f"@ supports 1-D and 2-D Tensors; got shapes {a.shape} and {b.shape}.")
        if a.shape[-1] != b.shape[0]:
            raise ValueError(f"cannot multiply shapes {a.shape} and {b.shape}: the inner sizes "
                             f"{a.shape[-1]} and {b.shape[0]} differ.")
        a2 = a.reshape(1, -1) if a.ndim == 1 else a  # vectors as a row / a column
        b2 = b.reshape(-1, 1) if b.ndim == 1 else b
        out = a @ b

        def backward(g):
            g2 = np.reshape(g, (a2.shape[0], b2.shape[1]))
            # A matrix product's gradients cost as much as the product itself: skip the
            # one for a constant operand (the data X in X @ W), whose gradient nobody sees.
            ga = None if self.op == "const" else (g2 @ b2.T).reshape(a.shape)
            gb = None if other.op == "const" else (a2.T @ g2).reshape(b.shape)
            return ga, gb

        return Tensor._node(out, (self, other), backward, "@")

    def __rmatmul__(self, other):
        return self._lift(other, "@", other) @ self

    @property
    def T(self):
        """The transpose (axes reversed)."""
        return Tensor._node(self.data.T, (self,), lambda g: (g.T,), "T")

    # -- reductions ------------------------------------------------------------------------ #
    def _axes(self, axis) -> tuple:
        """``axis`` (None, an int or a tuple of ints) as a tuple of non-negative axes."""
        ndim = self.data.ndim
        if axis is None:
            return tuple(range(ndim))
        axes = (axis,) if isinstance(axis, (int, np.integer)) else axis
        if not isinstance(axes, tuple) or not all(
                isinstance(a, (int, np.integer)) and not isinstance(a, (bool, np.bool_)) for a in axes):
            raise TypeError(f"axis must be None, an int or a tuple of ints; got {describe(axis)}.")
        for a in axes:
            if not -ndim <= a < ndim:
                raise ValueError(f"axis {a} is out of range for a Tensor of shape {self.data.shape}.")
        return tuple(sorted(int(a) % ndim for a in axes))

    def sum(self, axis=None, keepdims: bool = False):
        """Sum over ``axis`` (all axes by default), as ``numpy.sum``."""
        axes = self._axes(axis)
        keepdims = check_flag(keepdims, "keepdims")
        shape = self.data.shape
        kept = tuple(1 if i in axes else n for i, n in enumerate(shape))  # the result with keepdims
        return Tensor._node(self.data.sum(axis=axes, keepdims=keepdims), (self,),
                            lambda g: (np.broadcast_to(np.reshape(g, kept), shape),), "sum")

    def mean(self, axis=None, keepdims: bool = False):
        """Mean over ``axis`` (all axes by default), as ``numpy.mean``."""
        axes = self._axes(axis)
        keepdims = check_flag(keepdims, "keepdims")
        count = int(np.prod([self.data.shape[i] for i in axes]))
        return self.sum(axis=axes, keepdims=keepdims) * (1.0 / count)

    # -- elementwise functions ------------------------------------------------------------- #
    def exp(self):
        if np.any(self.data > 709.78):
            raise OverflowError("exp overflowed: some entries are above 709.78, whose exp is larger "
                                "than the largest float.")
        e = np.exp(self.data)
        return Tensor._node(e, (self,), lambda g: (g * e,), "exp")

    def log(self):
        a = self.data
        if np.any(a <= 0):
            raise ValueError(f"log needs positive entries; {int(np.sum(a <= 0))} are zero or negative.")
        return Tensor._node(np.log(a), (self,), lambda g: (g / a,), "log")

    def tanh(self):
        t = np.tanh(self.data)
        return Tensor._node(t, (self,), lambda g: (g * (1 - t * t),), "tanh")

    def relu(self):
        on = self.data > 0
        return Tensor._node(np.where(on, self.data, 0.0), (self,), lambda g: (g * on,), "relu")

    def sigmoid(self):
        s = sigmoid(self.data)
        return Tensor._node(s, (self,), lambda g: (g * s * (1 - s),), "sigmoid")

    # -- the backward pass ------------------------------------------------------------------ #
    def backward(self, gradient=None) -> None:
        r"""Add :math:`\partial L / \partial t` to ``t.grad`` for every node ``t`` of the graph.

        ``L`` is this Tensor if it holds one number. For a non-scalar Tensor
        pass ``gradient``, the gradient of the final scalar with respect to
        this Tensor (an array of its shape).
        """
        if gradient is None:
            if self.data.size != 1:
                raise ValueError(
                    f"backward() without a gradient needs a scalar output; this Tensor has shape "
                    f"{self.data.shape}. Reduce it first (e.g. t.sum().backward()) or pass the "
                    f"gradient of the final scalar with respect to it, an array of shape {self.data.shape}.")
            seed = np.ones_like(self.data)
        else:
            seed = np.array(as_finite_array(gradient, "gradient", allow_empty=True))  # a copy: the caller keeps theirs
            if seed.shape != self.data.shape:
                raise ValueError(f"gradient must have this Tensor's shape {self.data.shape}; "
                                 f"got shape {seed.shape}.")
        order = topological_order(self)
        grads = {self: seed}  # this pass's gradients; nodes without a path to self stay absent
        for node in reversed(order):  # every child before its parents
            g = grads.get(node)
            if g is None or node._backward is None:
                continue
            for parent, pg in zip(node.parents, node._backward(g)):
                if pg is not None:  # None: a constant's gradient, not computed
                    grads[parent] = grads[parent] + pg if parent in grads else pg
        owned = set()  # a node keeps its gradient array only if no other node shares it
        for node, g in grads.items():
            if node._grad is not None:
                node._grad = node._grad + g
            elif g.base is None and id(g) not in owned:
                node._grad = g
            else:
                node._grad = g.copy()  # a view, or an array another node already holds
            owned.add(id(node._grad))

    def zero_grad(self) -> None:
        """Set ``.grad`` to zeros on this Tensor and on every Tensor it was computed from."""
        for node in topological_order(self):
            node._grad = None  # reads as zeros


def cross_entropy(logits: Tensor, labels) -> Tensor:
    r"""The mean softmax cross-entropy of ``logits`` (n, k) for integer ``labels`` (n,).

    .. math::
        L = \frac{1}{n} \sum_{i=1}^n \Big(\log \sum_{j} e^{z_{ij}} - z_{i,y_i}\Big), \qquad
        \frac{\partial L}{\partial z_{ij}} = \frac{1}{n}\big(\operatorname{softmax}(z_i)_j - [j = y_i]\big).

    As ``torch.nn.functional.cross_entropy``; the log-sum-exp is shifted by
    the row maximum, so it never overflows.
    """
    if not isinstance(logits, Tensor):
        raise TypeError(f"logits must be a Tensor; got {describe(logits)}.")
    z = logits.data
    if z.ndim != 2:
        raise ValueError(f"logits must have shape (n_samples, n_classes); got shape {z.shape}.")
    y = as_finite_array(labels, "labels", allow_empty=True)
    if y.shape != (z.shape[0],):
        raise ValueError(f"labels must have shape ({z.shape[0]},), one per row of logits; got shape {y.shape}.")
    if y.size and not np.all(y == np.round(y)):
        raise TypeError("labels must be integer class indices.")
    y = y.astype(int)
    if y.size and (y.min() < 0 or y.max() >= z.shape[1]):
        raise ValueError(f"labels must lie in 0..{z.shape[1] - 1}; got values from {y.min()} to {y.max()}.")
    n = z.shape[0]
    shifted = z - z.max(axis=1, keepdims=True)
    log_softmax = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -log_softmax[np.arange(n), y].mean()

    def backward(g):
        dz = np.exp(log_softmax)
        dz[np.arange(n), y] -= 1.0
        return (dz * (g / n),)

    return Tensor._node(loss, (logits,), backward, "cross_entropy")
