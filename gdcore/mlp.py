r"""A multi-layer perceptron with hand-written backpropagation (chapter 6).

:class:`MLP` is a :class:`gdcore.models.Model` like the linear models, so
every optimizer and :func:`gdcore.descent.fit` train it unchanged; its
hidden-layer activations are those of :mod:`gdcore.activations`. It is also
reachable as ``gdcore.models.MLP``.
"""

from __future__ import annotations

import numbers

import numpy as np

from . import initializers
from ._validation import as_finite_array, as_generator, check_choice, check_flag, describe
from .activations import ACTIVATIONS
from .models import Model

__all__ = ["MLP", "ACTIVATIONS", "TASKS"]

TASKS = ("classification", "regression")


class MLP(Model):
    r"""A multi-layer perceptron with hand-written, vectorized backpropagation.

    ``MLP(sizes=[64, 32, 10])`` has 64 inputs, one hidden layer of 32 units
    and 10 outputs. Layer :math:`l = 1, \dots, K` computes

    .. math::
        Z_l = A_{l-1} W_l + b_l, \qquad A_l = f(Z_l) \quad (l < K), \qquad A_0 = X,

    with :math:`W_l` of shape ``(sizes[l-1], sizes[l])`` (fan_in, fan_out) and
    the activation ``f`` (``"relu"``, ``"leaky_relu"`` (slope 0.01), ``"tanh"``,
    ``"sigmoid"`` or ``"linear"``) on every hidden layer; the last layer
    :math:`Z_K` is left linear and goes into the loss:

    * ``task="classification"``: :math:`Z_K` are the logits of ``sizes[-1]``
      classes (at least 2), the labels ``y`` are integers ``0 .. sizes[-1]-1``
      and the loss is the mean softmax cross-entropy (PyTorch's
      ``CrossEntropyLoss``),
      :math:`L = -\frac1n \sum_i \log \operatorname{softmax}(Z_K)_{i, y_i}`;
    * ``task="regression"``: one output (``sizes[-1] == 1``), the loss is the
      mean squared error :math:`\frac1n \sum_i (\hat y_i - y_i)^2` as in
      :class:`~gdcore.models.LinearRegression`.

    **Parameter layout.** ``params`` is one flat float64 vector,
    ``[W1.ravel(), b1, W2.ravel(), b2, ...]`` (each weight matrix row by row,
    in the order of PyTorch's ``state_dict``), so that every optimizer and
    :func:`gdcore.descent.fit` work on it unchanged. :meth:`unpack` gives named
    views ``{"W1": ..., "b1": ..., ...}`` of it (writing into a view writes
    into ``params``).

    **Initialization.** ``init`` is a name from
    :data:`gdcore.initializers.INITIALIZERS` (``"xavier_uniform"``, the
    default, ``"kaiming_normal"``, ...) or any function ``init(shape, rng)``,
    e.g. ``functools.partial(initializers.normal, std=0.1)``. Every weight
    matrix is drawn with it, in layer order, from the one Generator given to
    :meth:`init_params`; biases start at zero.

    **Backpropagation** (:meth:`backprop`): with
    :math:`\Delta_K = \partial L / \partial Z_K` (:math:`(\operatorname{softmax}(Z_K) - \text{onehot}(y))/n`
    or :math:`2(\hat y - y)/n`),

    .. math::
        \frac{\partial L}{\partial W_l} = A_{l-1}^\top \Delta_l, \qquad
        \frac{\partial L}{\partial b_l} = \textstyle\sum_i (\Delta_l)_{i,:}, \qquad
        \Delta_{l-1} = (\Delta_l W_l^\top) \odot f'(Z_{l-1}).
    """

    def __init__(self, sizes, activation: str = "relu", init="xavier_uniform",
                 task: str = "classification"):
        sizes = self._check_sizes(sizes)
        self.activation = check_choice(activation, "activation", tuple(ACTIVATIONS))
        self.task = check_choice(task, "task", TASKS)
        if self.task == "classification" and sizes[-1] < 2:
            raise ValueError(f"a classifier needs at least 2 outputs (one per class); got sizes={list(sizes)}.")
        if self.task == "regression" and sizes[-1] != 1:
            raise ValueError(f"a regression MLP has one output; got sizes={list(sizes)} (last must be 1).")
        self.sizes = sizes
        self.n_features = sizes[0]
        self.init = initializers.get(init)
        self._f, self._df = ACTIVATIONS[self.activation]
        # where each named parameter lives in the flat vector: name -> (start, shape)
        self.layout: dict[str, tuple[int, tuple[int, ...]]] = {}
        start = 0
        for l, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
            self.layout[f"W{l}"] = (start, (fan_in, fan_out))
            start += fan_in * fan_out
            self.layout[f"b{l}"] = (start, (fan_out,))
            start += fan_out
        self._n_params = start
        self._slices = [(name, slice(begin, begin + int(np.prod(shape))), shape)
                        for name, (begin, shape) in self.layout.items()]

    @staticmethod
    def _check_sizes(sizes) -> tuple[int, ...]:
        try:
            sizes = tuple(sizes)
        except TypeError:
            raise TypeError(f"sizes must be a list of layer widths like [64, 32, 10]; got {describe(sizes)}.") from None
        if len(sizes) < 2:
            raise ValueError(f"sizes needs at least 2 layer widths (inputs and outputs); got {list(sizes)}.")
        for size in sizes:
            if isinstance(size, bool) or not isinstance(size, numbers.Integral) or size < 1:
                raise ValueError(f"every layer width must be a positive integer; got sizes={list(sizes)}.")
        return tuple(int(s) for s in sizes)

    @property
    def n_layers(self) -> int:
        """The number of weight layers :math:`K` (hidden layers plus the output layer)."""
        return len(self.sizes) - 1

    @property
    def n_params(self) -> int:
        return self._n_params

    @property
    def n_classes(self) -> int:
        return self.sizes[-1]

    def __repr__(self) -> str:
        return f"MLP(sizes={list(self.sizes)}, activation={self.activation!r}, task={self.task!r})"

    # -- parameters ------------------------------------------------------------ #
    def unpack(self, params) -> dict[str, np.ndarray]:
        """Named views ``{"W1": (fan_in, fan_out), "b1": (fan_out,), ...}`` of the flat ``params``."""
        params = np.asarray(params)
        if params.shape != (self.n_params,):
            raise ValueError(f"params must be a flat vector of {self.n_params} values for {self!r}; "
                             f"got shape {params.shape}.")
        return {name: params[where].reshape(shape) for name, where, shape in self._slices}

    def pack(self, named: dict) -> np.ndarray:
        """The flat vector of named arrays (the inverse of :meth:`unpack`)."""
        params = np.zeros(self.n_params)
        views = self.unpack(params)
        for name, view in views.items():
            if name not in named:
                raise ValueError(f"pack needs every parameter {list(views)}; {name!r} is missing.")
            value = as_finite_array(named[name], name)
            if value.shape != view.shape:
                raise ValueError(f"{name} must have shape {view.shape}; got {value.shape}.")
            view[...] = value
        return params

    def init_params(self, rng=None) -> np.ndarray:
        """A fresh parameter vector: each ``W_l = init(shape, rng)`` in layer order, biases 0.

        ``rng`` is a numpy Generator or an int seed (required: a network
        needs random weights; see chapter 6 for what zeros do).
        """
        if rng is None:
            raise TypeError("MLP.init_params needs rng: a numpy Generator or an int seed, "
                            "e.g. model.init_params(0).")
        rng = as_generator(rng, "rng")
        params = np.zeros(self.n_params)
        views = self.unpack(params)
        for l in range(1, self.n_layers + 1):
            W = views[f"W{l}"]
            drawn = np.asarray(self.init(W.shape, rng), dtype=float)
            if drawn.shape != W.shape:
                raise ValueError(f"init returned shape {drawn.shape} for W{l}; expected {W.shape}.")
            W[...] = drawn
        return params

    # -- checks ---------------------------------------------------------------- #
    def check_data(self, X, y):
        X, y = super().check_data(X, y)
        if self.task == "classification":
            k = self.n_classes
            bad = (y != np.round(y)) | (y < 0) | (y >= k)
            if np.any(bad):
                shown = np.unique(y[bad])[:5].tolist()
                raise ValueError(f"y must hold integer class labels 0..{k - 1} for {self!r} "
                                 f"({k} outputs); got also {shown}.")
            y = y.astype(np.intp)
        return X, y

    # -- the computation ------------------------------------------------------- #
    def forward(self, params, X) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Every layer's pre-activations and activations: ``Zs = [Z1..ZK]``, ``As = [A0=X, A1..A(K-1)]``."""
        params = self.check_params(params)
        X = self.check_X(X)
        with np.errstate(over="ignore", invalid="ignore"):
            return self._forward(params, X)

    def _forward(self, params, X, views=None):
        views = self.unpack(params) if views is None else views
        Zs, As = [], [X]
        for l in range(1, self.n_layers + 1):
            Z = As[-1] @ views[f"W{l}"] + views[f"b{l}"]
            Zs.append(Z)
            if l < self.n_layers:
                As.append(self._f(Z))
        return Zs, As

    def _output_delta(self, Z_out, y) -> tuple[float, np.ndarray]:
        """The loss and :math:`\\Delta_K = \\partial L / \\partial Z_K` from the outputs."""
        n = len(Z_out)
        if self.task == "classification":
            y = y.astype(np.intp, copy=False)  # labels may arrive as floats (data.batches)
            shifted = Z_out - Z_out.max(axis=1, keepdims=True)
            log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
            rows = np.arange(n)
            loss = -log_p[rows, y].mean()
            delta = np.exp(log_p)
            delta[rows, y] -= 1.0
            return loss, delta / n
        r = Z_out[:, 0] - y
        return np.mean(r * r), (2.0 / n) * r[:, None]

    def _backprop(self, params, X, y, weight_grads: bool = True, forward=None):
        # weight_grads=False skips the products A_{l-1}^T Delta_l (a third of the work;
        # grad is then None): layer_statistics needs only the deltas. forward: (Zs, As)
        # of a forward pass already made at these params, reused instead of recomputed.
        views = self.unpack(params)
        Zs, As = self._forward(params, X, views) if forward is None else forward
        loss, delta = self._output_delta(Zs[-1], y)
        grad = np.empty(self.n_params) if weight_grads else None
        grads = self.unpack(grad) if weight_grads else None
        deltas = [None] * self.n_layers
        for l in range(self.n_layers, 0, -1):
            deltas[l - 1] = delta
            if weight_grads:
                grads[f"W{l}"][...] = As[l - 1].T @ delta
                grads[f"b{l}"][...] = delta.sum(axis=0)
            if l > 1:
                delta = (delta @ views[f"W{l}"].T) * self._df(Zs[l - 2], As[l - 1])
        return loss, grad, Zs, As, deltas

    def backprop(self, params, X, y) -> dict:
        """Everything one backward pass computes, for looking inside the network.

        Returns a dict with ``loss``, ``grad`` (the flat gradient),
        ``grads`` (named views of it: ``grads["W1"]`` is :math:`\\partial L/\\partial W_1`, ...),
        ``Z`` (pre-activations :math:`Z_1..Z_K`), ``A`` (activations
        :math:`A_0 = X, A_1..A_{K-1}`) and ``delta``
        (:math:`\\partial L/\\partial Z_1 .. \\partial L/\\partial Z_K`).
        """
        params = self.check_params(params)
        X, y = self.check_data(X, y)
        with np.errstate(over="ignore", invalid="ignore"):
            loss, grad, Zs, As, deltas = self._backprop(params, X, y)
        return {"loss": float(loss), "grad": grad, "grads": self.unpack(grad),
                "Z": Zs, "A": As, "delta": deltas}

    def layer_statistics(self, params, X, y, weight_grads: bool = True, forward=None) -> dict:
        r"""Per-layer spreads, the numbers behind chapter 6's plots (one backward pass).

        Arrays of one value per hidden layer :math:`l = 1..K-1`:

        * ``activation_std``: the standard deviation of :math:`A_l` (over samples and units);
        * ``activation_mean``: its mean;
        * ``saturated``: for tanh and sigmoid, the fraction of units with
          :math:`|f'(Z_l)| < 0.01`; for (leaky) ReLU, the fraction with
          :math:`Z_l \le 0`, whose ReLU output is 0;
        * ``delta_std``: the std of the per-sample gradients
          :math:`\partial \ell_i / \partial Z_l` (the loss is the mean
          :math:`L = \frac1n \sum_i \ell_i`, so these are :math:`n\,\partial L/\partial Z_l`,
          whose size does not depend on the batch size);
        * ``weight_grad_std``: the std of :math:`\partial L / \partial W_l`;

        and ``activations``, the list of the hidden activations :math:`A_1 .. A_{K-1}` themselves.
        With ``weight_grads=False`` the weight gradients are not computed (a
        third less work) and ``weight_grad_std`` is left out. ``forward``, if
        given, is the ``(Zs, As)`` of a forward pass already made at ``params``
        on ``X`` (as :meth:`forward` returns them); it is used instead of
        computing that pass again (chapter 6's explorer shares one pass among
        networks that differ only in their last layers).
        """
        params = self.check_params(params)
        X, y = self.check_data(X, y)
        weight_grads = check_flag(weight_grads, "weight_grads")
        if forward is not None:
            forward = self._check_forward(forward, len(X))
        with np.errstate(over="ignore", invalid="ignore"):
            _, grad, Z, A, delta = self._backprop(params, X, y, weight_grads=weight_grads, forward=forward)
            hidden = range(1, self.n_layers)
            n = len(A[0])
            if self.activation in ("relu", "leaky_relu"):
                saturated = [np.mean(Z[l - 1] <= 0) for l in hidden]
            else:
                saturated = [np.mean(np.abs(self._df(Z[l - 1], A[l])) < 0.01) for l in hidden]
            stats = {
                "activation_std": np.array([A[l].std() for l in hidden]),
                "activation_mean": np.array([A[l].mean() for l in hidden]),
                "saturated": np.array(saturated, dtype=float),
                "delta_std": np.array([delta[l - 1].std() * n for l in hidden]),
                "activations": [A[l] for l in hidden],
            }
            if weight_grads:
                grads = self.unpack(grad)
                stats["weight_grad_std"] = np.array([grads[f"W{l}"].std() for l in hidden])
            return stats

    def _check_forward(self, forward, n: int):
        """``(Zs, As)`` of a forward pass on ``n`` samples, with this network's shapes; else a clear error."""
        shapes = ([(n, size) for size in self.sizes[1:]], [(n, size) for size in self.sizes[:-1]])
        try:
            Zs, As = forward
            got = ([np.shape(Z) for Z in Zs], [np.shape(A) for A in As])
        except (TypeError, ValueError):
            raise TypeError(f"forward must be the pair (Zs, As) that forward() returns; got {describe(forward)}.") from None
        if got != shapes:
            raise ValueError(f"forward must hold Zs of shapes {shapes[0]} and As of shapes {shapes[1]} "
                             f"for {self!r} on {n} samples; got {got[0]} and {got[1]}.")
        return list(Zs), list(As)

    def _loss(self, params, X, y):
        Zs, _ = self._forward(params, X)
        return self._output_delta(Zs[-1], y)[0]

    def _grad(self, params, X, y):
        return self._backprop(params, X, y)[1]

    def _loss_and_grad(self, params, X, y):
        loss, grad, *_ = self._backprop(params, X, y)
        return loss, grad

    def _predict(self, params, X):
        Z_out = self._forward(params, X)[0][-1]
        if self.task == "classification":
            return Z_out.argmax(axis=1)
        return Z_out[:, 0]

    def predict_proba(self, params, X) -> np.ndarray:
        """Class probabilities, shape ``(n_samples, n_classes)`` (classification only)."""
        if self.task != "classification":
            raise ValueError("predict_proba is for task='classification'; this MLP does regression.")
        params = self.check_params(params)
        X = self.check_X(X)
        with np.errstate(over="ignore", invalid="ignore"):
            Z = self._forward(params, X)[0][-1]
        shifted = Z - Z.max(axis=1, keepdims=True)
        p = np.exp(shifted)
        return p / p.sum(axis=1, keepdims=True)

    def accuracy(self, params, X, y) -> float:
        """The fraction of samples whose most probable class is the label (classification only)."""
        if self.task != "classification":
            raise ValueError("accuracy is for task='classification'; use loss (the MSE) for regression.")
        params = self.check_params(params)
        X, y = self.check_data(X, y)
        with np.errstate(over="ignore", invalid="ignore"):
            return float(np.mean(self._predict(params, X) == y))
