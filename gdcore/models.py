r"""Models: each one is a loss with its hand-written gradient.

Every model has the same small interface, so every optimizer and every loop
(:func:`gdcore.descent.fit`) works on every model unchanged:

* ``params = model.init_params(rng)``: one flat float64 vector holding all
  parameters (for the linear models ``[w_1, ..., w_d, b]``);
* ``model.loss(params, X, y)``: the mean loss over the samples (a float);
* ``model.grad(params, X, y)``: its gradient, with the shape of ``params``;
* ``model.predict(params, X)``: the predictions; classifiers also have
  ``accuracy(params, X, y)``.

A model is written by subclassing :class:`Model` and defining ``n_params``,
``init_params`` and the unchecked computations ``_loss``, ``_grad`` and
``_predict``; the public methods check their arguments once and then call
those. Loops that have already checked the data call the underscored
methods directly, which keeps a stochastic update (one sample) cheap.
"""

from __future__ import annotations

import numpy as np

from ._validation import as_finite_array, as_generator, check_int, check_positive, check_X_y
from .activations import sigmoid

__all__ = ["Model", "LinearRegression", "LogisticRegression", "MLP", "sigmoid"]


def __getattr__(name: str):
    """``models.MLP`` is :class:`gdcore.mlp.MLP` (its own module; imported on first use)."""
    if name == "MLP":
        from .mlp import MLP
        return MLP
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class Model:
    """Shared interface of all models: argument checks around ``_loss``, ``_grad``, ``_predict``."""

    #: Number of input features the model expects.
    n_features: int

    @property
    def n_params(self) -> int:
        raise NotImplementedError

    def init_params(self, rng=None) -> np.ndarray:
        raise NotImplementedError

    # -- the computations a subclass defines (inputs already checked) ------- #
    def _loss(self, params: np.ndarray, X: np.ndarray, y: np.ndarray) -> float:
        raise NotImplementedError

    def _grad(self, params: np.ndarray, X: np.ndarray, y: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _predict(self, params: np.ndarray, X: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _loss_and_grad(self, params: np.ndarray, X: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
        """Both at once (what a training loop needs); override to share work between them."""
        return self._loss(params, X, y), self._grad(params, X, y)

    # -- checks ---------------------------------------------------------------- #
    def check_params(self, params) -> np.ndarray:
        params = as_finite_array(params, "params")
        if params.shape != (self.n_params,):
            raise ValueError(f"params must be a flat vector of {self.n_params} values for {self!r}; "
                             f"got shape {params.shape}.")
        return params

    def check_X(self, X) -> np.ndarray:
        return self._check_width(as_finite_array(X, "X"))

    def _check_width(self, X: np.ndarray) -> np.ndarray:
        """``X`` (a finite float array) if it has this model's shape ``(n_samples, n_features)``."""
        if X.ndim != 2 or X.shape[1] != self.n_features:
            raise ValueError(f"X must have shape (n_samples, {self.n_features}) for {self!r}; "
                             f"got shape {X.shape}.")
        return X

    def check_data(self, X, y) -> tuple[np.ndarray, np.ndarray]:
        X, y = check_X_y(X, y)  # X finite and 2-D already: only its width is left to check
        return self._check_width(X), y

    # -- the public interface -------------------------------------------------- #
    def loss(self, params, X, y) -> float:
        """The mean loss over the samples ``(X, y)`` at ``params``."""
        params = self.check_params(params)
        X, y = self.check_data(X, y)
        with np.errstate(over="ignore", invalid="ignore"):
            return float(self._loss(params, X, y))

    def grad(self, params, X, y) -> np.ndarray:
        """The gradient of :meth:`loss` with respect to ``params`` (same shape as ``params``)."""
        params = self.check_params(params)
        X, y = self.check_data(X, y)
        with np.errstate(over="ignore", invalid="ignore"):
            return self._grad(params, X, y)

    def predict(self, params, X) -> np.ndarray:
        """The model's predictions for the rows of ``X``."""
        params = self.check_params(params)
        X = self.check_X(X)
        with np.errstate(over="ignore", invalid="ignore"):
            return self._predict(params, X)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(n_features={self.n_features})"


class _LinearModel(Model):
    r"""A model of :math:`z = X w + b`; ``params = [w_1, ..., w_d, b]``."""

    def __init__(self, n_features: int):
        self.n_features = check_int(n_features, "n_features", maximum=10**8)

    @property
    def n_params(self) -> int:
        return self.n_features + 1

    def unpack(self, params: np.ndarray) -> tuple[np.ndarray, float]:
        """The weights ``w`` (a view of ``params``) and the bias ``b``."""
        return params[:-1], params[-1]

    def init_params(self, rng=None) -> np.ndarray:
        r"""PyTorch's ``nn.Linear`` default: every entry uniform in :math:`[-1/\sqrt{d}, 1/\sqrt{d}]`.

        ``rng`` is a numpy Generator or an int seed; ``None`` gives zeros.
        """
        if rng is None:
            return np.zeros(self.n_params)
        bound = 1.0 / np.sqrt(self.n_features)
        return as_generator(rng, "rng").uniform(-bound, bound, size=self.n_params)

    def _linear(self, params, X):
        w, b = self.unpack(params)
        return X @ w + b

    def _grad_from_residual(self, r, X):
        r"""The gradient when :math:`\partial L / \partial z_i = r_i / n`: :math:`[X^\top r,\ \sum_i r_i] / n`."""
        grad = np.empty(self.n_params)
        grad[:-1] = X.T @ r
        grad[-1] = r.sum()
        return grad / len(X)


class LinearRegression(_LinearModel):
    r"""Linear regression with the mean squared error.

    .. math::
        \hat y = X w + b, \qquad
        L(w, b) = \frac{1}{n} \sum_{i=1}^n (\hat y_i - y_i)^2, \qquad
        \nabla_w L = \frac{2}{n} X^\top (\hat y - y), \quad
        \frac{\partial L}{\partial b} = \frac{2}{n} \sum_{i=1}^n (\hat y_i - y_i).

    (The mean, not the sum, as in PyTorch's ``MSELoss``: the loss and a good
    learning rate then do not depend on the number of samples.)
    """

    def _loss(self, params, X, y):
        r = self._linear(params, X) - y
        return (r @ r) / len(r)

    def _grad(self, params, X, y):
        return self._grad_from_residual(2.0 * (self._linear(params, X) - y), X)

    def _loss_and_grad(self, params, X, y):
        r = self._linear(params, X) - y
        return (r @ r) / len(r), self._grad_from_residual(2.0 * r, X)

    def _predict(self, params, X):
        return self._linear(params, X)

    def solve(self, X, y) -> np.ndarray:
        r"""The exact minimiser of the loss (least squares), as ``params``.

        Solves :math:`\min_{w,b} \lVert X w + b - y \rVert^2` with
        ``numpy.linalg.lstsq`` on ``X`` with a column of ones appended: the
        reference every descent run on this model is measured against.
        """
        X, y = self.check_data(X, y)
        A = np.column_stack([X, np.ones(len(X))])
        params, *_ = np.linalg.lstsq(A, y, rcond=None)
        return params


class LogisticRegression(_LinearModel):
    r"""Logistic regression (two classes, labels 0 and 1) with the mean cross-entropy.

    .. math::
        p = \sigma(X w + b), \qquad
        L = -\frac{1}{n} \sum_{i=1}^n \big[y_i \log p_i + (1 - y_i) \log(1 - p_i)\big], \qquad
        \nabla_w L = \frac{1}{n} X^\top (p - y), \quad
        \frac{\partial L}{\partial b} = \frac{1}{n} \sum_i (p_i - y_i).

    The loss is computed from the logits :math:`z = X w + b` as
    :math:`\log(1 + e^{z}) - y z` (``np.logaddexp``), which never overflows
    and never takes the log of 0, as PyTorch's ``BCEWithLogitsLoss`` does.
    """

    def check_data(self, X, y):
        X, y = super().check_data(X, y)
        if not np.all((y == 0) | (y == 1)):
            bad = np.unique(y[(y != 0) & (y != 1)])[:5]
            raise ValueError(f"y must hold class labels 0 and 1 for {self!r}; got also {bad.tolist()}.")
        return X, y

    def _loss(self, params, X, y):
        z = self._linear(params, X)
        return np.mean(np.logaddexp(0.0, z) - y * z)

    def _grad(self, params, X, y):
        return self._grad_from_residual(sigmoid(self._linear(params, X)) - y, X)

    def _loss_and_grad(self, params, X, y):
        z = self._linear(params, X)
        loss = np.mean(np.logaddexp(0.0, z) - y * z)
        return loss, self._grad_from_residual(sigmoid(z) - y, X)

    def predict_proba(self, params, X) -> np.ndarray:
        """The predicted probability of class 1 for each row of ``X``."""
        params = self.check_params(params)
        return sigmoid(self._linear(params, self.check_X(X)))

    def _predict(self, params, X):
        return (self._linear(params, X) > 0).astype(float)

    def accuracy(self, params, X, y) -> float:
        """The fraction of samples whose predicted class (probability > 0.5) is right."""
        params = self.check_params(params)
        X, y = self.check_data(X, y)
        return float(np.mean(self._predict(params, X) == y))

    def solve(self, X, y, l2: float = 1e-6, tol: float = 1e-10, max_iter: int = 100) -> np.ndarray:
        r"""A reference minimiser by Newton's method, for checking descent runs.

        Minimises :math:`L + \tfrac{\omega}{2} \lVert w \rVert^2` (``l2`` is
        :math:`\omega`; a tiny default keeps the minimiser finite when the
        classes can be separated by a line, where the plain loss has none).
        """
        X, y = self.check_data(X, y)
        l2 = check_positive(l2, "l2", allow_zero=True)
        max_iter = check_int(max_iter, "max_iter")
        n = len(X)
        A = np.column_stack([X, np.ones(n)])
        penalty = np.full(self.n_params, l2)
        penalty[-1] = 0.0  # the bias is not penalised
        params = np.zeros(self.n_params)
        for _ in range(max_iter):
            with np.errstate(over="ignore", invalid="ignore"):
                p = sigmoid(A @ params)
                grad = A.T @ (p - y) / n + penalty * params
                hessian = (A.T * (p * (1 - p))) @ A / n + np.diag(penalty)
            if not (np.all(np.isfinite(grad)) and np.all(np.isfinite(hessian))):
                raise ValueError("Newton's method overflowed: the values of X are too large for float64 "
                                 f"(largest |X| = {np.max(np.abs(X)):.3g}); standardize X first.")
            step = np.linalg.lstsq(hessian, grad, rcond=None)[0]
            params = params - step
            if np.max(np.abs(step)) < tol * (1 + np.max(np.abs(params))):
                return params
        raise ValueError(f"Newton's method did not converge in {max_iter} iterations; if the classes "
                         "can be separated by a line, pass a larger l2 (e.g. 1e-3).")
