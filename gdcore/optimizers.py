r"""Optimizers: each one is its update rule and nothing else.

Every optimizer has the same small interface:

* ``new_params = opt.step(params, grad)`` returns the updated parameters and
  never modifies ``params`` or ``grad`` (so a path of iterates can be kept);
* ``opt.reset()`` forgets the state (velocities, averages, step count);
* ``opt.lr`` is the current learning rate (a schedule may change it).

Hyperparameter names, defaults and update rules follow ``torch.optim``, so
that the same settings give the same trajectory in PyTorch. In the formulas,
:math:`\alpha` is ``lr``, :math:`\beta` the ``momentum``, :math:`\omega`
the ``weight_decay`` (PyTorch's documentation writes :math:`\gamma`,
:math:`\mu` and :math:`\lambda` for these three), :math:`g_t` the gradient
at step :math:`t` (counted from 1), and every product, square, square root
and division of vectors is taken element by element.

The state of each optimizer is a few plain attributes named as in PyTorch
(``velocity``, ``square_avg``, ``exp_avg``, ...), listed in its ``state``:
each is ``None`` until the first step, which creates it as zeros of the
parameters' shape; after ``reset()`` an optimizer is as new. The
hyperparameters are the arguments of ``__init__``, each kept (checked) in the
attribute of the same name; ``repr`` is derived from them.
"""

from __future__ import annotations

import math

import numpy as np

from ._hyperparameters import Hyperparameters
from ._validation import as_finite_array, check_flag, check_in_range, check_positive, describe

__all__ = ["Optimizer", "DivergedError", "SGD", "AdaGrad", "Adagrad", "RMSprop", "AdaDelta", "Adadelta",
           "Adam", "AdamW", "clip_grad_norm", "grad_norm"]


def _check_betas(betas) -> tuple[float, float]:
    try:
        beta1, beta2 = betas
    except (TypeError, ValueError):
        raise TypeError(f"betas must be a pair (beta1, beta2) like (0.9, 0.999); got {describe(betas)}.") from None
    return (check_in_range(beta1, "betas[0]", 0.0, 1.0), check_in_range(beta2, "betas[1]", 0.0, 1.0))


def clip_grad_norm(grad, max_norm: float) -> np.ndarray:
    r"""The gradient scaled down to norm ``max_norm`` if it is longer (a new array).

    .. math::
        g \leftarrow g \cdot \min\!\left(1, \frac{c}{\|g\|}\right), \qquad c = \text{max\_norm}

    The direction is kept and the gradient is at most :math:`c` long (a step
    of plain SGD then at most :math:`\alpha c`; momentum and Adam average
    the clipped gradients, so their steps are not bounded by it). PyTorch's ``torch.nn.utils.clip_grad_norm_(params, max_norm)``
    does the same (in place, over all parameters together).
    """
    grad = as_finite_array(grad, "grad", allow_empty=True)
    max_norm = check_positive(max_norm, "max_norm")
    norm = grad_norm(grad)
    return grad * (max_norm / norm) if norm > max_norm else grad.copy()


def grad_norm(grad) -> float:
    """The Euclidean norm :math:`\\|g\\|` of a gradient, without overflow for entries near the float64 limit."""
    grad = as_finite_array(grad, "grad", allow_empty=True)
    with np.errstate(over="ignore"):
        return _norm(grad)


def _norm(grad: np.ndarray) -> float:
    """:func:`grad_norm` of a float array already checked (a loop's own gradient): no second check.

    The caller silences overflow warnings (the loops of :mod:`gdcore.descent` run inside
    ``quiet_overflow()``): the squares of huge entries overflow, and then they are scaled
    and the norm recomputed.
    """
    flat = grad.ravel()
    squared = float(flat @ flat)
    if 1e-280 < squared < math.inf:
        # The usual case, in one product: no square overflowed, and the squares below the
        # smallest normal float (2.2e-308), each rounded to within 2.5e-324 or lost, change a
        # sum above 1e-280 by a relative n * 2.5e-44 at most (n entries), far below the
        # product's own rounding. Otherwise the entries are scaled and the norm recomputed.
        return math.sqrt(squared)
    largest = float(np.abs(grad).max(initial=0.0))
    if largest == 0.0:
        return 0.0
    scaled = grad.ravel() / largest
    return largest * float(np.sqrt(scaled @ scaled))


class DivergedError(OverflowError):
    """An update overflowed: the new parameters are not finite (they are kept in ``.params``)."""

    def __init__(self, message: str, params: np.ndarray):
        super().__init__(message)
        self.params = params


class Optimizer(Hyperparameters):
    """Shared plumbing: the checks of ``step``, the step counter ``t``, the state and ``reset``.

    A subclass takes its hyperparameters as ``__init__`` arguments, stores each
    (checked) under its own name and calls ``reset()``; ``repr`` is derived
    from the signature. ``state`` names its state arrays: each is ``None``
    until the first step, which creates it as zeros of the parameters' shape.
    """

    #: The names of the state arrays (velocities, running averages).
    state: tuple[str, ...] = ()

    def reset(self) -> None:
        """Forget all state, as if the optimizer had just been created."""
        self.t = 0
        for name in self.state:
            setattr(self, name, None)

    def step(self, params, grad) -> np.ndarray:
        """Return the parameters after one update with gradient ``grad`` (inputs untouched).

        Both must be finite and of one shape. An update that overflows raises
        :class:`DivergedError` (the run diverges; a smaller ``lr`` helps).
        """
        params = as_finite_array(params, "params")
        grad = as_finite_array(grad, "grad", allow_empty=True)
        if grad.shape != params.shape:
            raise ValueError(f"grad must have the shape of params, {params.shape}; got {grad.shape}.")
        with np.errstate(over="ignore", invalid="ignore"):
            return self._step(params, grad)

    def _step(self, params: np.ndarray, grad: np.ndarray) -> np.ndarray:
        """:meth:`step` without its input checks, for a loop that has made them already.

        ``params`` and ``grad`` must be finite float arrays of one shape, and
        overflow warnings silenced (the loops of :mod:`gdcore.descent` run
        inside ``quiet_overflow()``). The result is checked as in :meth:`step`.
        """
        if self.t == 0:
            self._start(params)
        self.t += 1
        new = self._update(params, grad)
        if not np.isfinite(new).all():
            raise DivergedError(f"the update of {type(self).__name__} at step {self.t} overflowed: the new "
                                "parameters are not finite numbers. The run diverges; try a smaller lr.", new)
        return new

    def _start(self, params: np.ndarray) -> None:
        """Create the state before the first update: zeros of the parameters' shape."""
        for name in self.state:
            setattr(self, name, np.zeros_like(params))

    def _update(self, params: np.ndarray, grad: np.ndarray) -> np.ndarray:
        raise NotImplementedError


class SGD(Optimizer):
    r"""Stochastic gradient descent, optionally with (Nesterov) momentum.

    With :math:`g_t = \nabla L(\theta_{t-1}) + \omega\,\theta_{t-1}`:

    .. math::
        m_t = \beta\, m_{t-1} + (1 - \tau)\, g_t \quad (m_1 = g_1), \qquad
        \theta_t = \theta_{t-1} - \alpha \cdot
            \begin{cases} g_t + \beta\, m_t & \text{Nesterov} \\ m_t & \text{otherwise} \end{cases}

    With ``momentum=0`` this is plain gradient descent,
    :math:`\theta_t = \theta_{t-1} - \alpha\, g_t`.
    """

    def __init__(self, lr: float = 1e-3, momentum: float = 0.0, dampening: float = 0.0,
                 weight_decay: float = 0.0, nesterov: bool = False):
        self.lr = check_positive(lr, "lr")
        self.momentum = check_in_range(momentum, "momentum", 0.0, 1.0)
        self.dampening = check_in_range(dampening, "dampening", 0.0, 1.0, include_high=True)
        self.weight_decay = check_positive(weight_decay, "weight_decay", allow_zero=True)
        self.nesterov = check_flag(nesterov, "nesterov")
        if self.nesterov and (self.momentum == 0 or self.dampening != 0):
            raise ValueError("Nesterov momentum needs momentum > 0 and dampening = 0; got "
                             f"momentum={self.momentum!r}, dampening={self.dampening!r}.")
        self.reset()

    state = ("velocity",)  # m_t, the running (damped) sum of gradients

    def _update(self, params, grad):
        g = grad + self.weight_decay * params if self.weight_decay else grad
        if self.momentum:
            if self.t == 1:
                self.velocity = g.copy()
            else:
                self.velocity = self.momentum * self.velocity + (1 - self.dampening) * g
            g = g + self.momentum * self.velocity if self.nesterov else self.velocity
        return params - self.lr * g


class AdaGrad(Optimizer):
    r"""AdaGrad: divide each coordinate's step by the root of its summed squared gradients.

    With :math:`g_t = \nabla L(\theta_{t-1}) + \omega\,\theta_{t-1}` and the
    decayed rate :math:`\tilde\alpha_t = \alpha / (1 + (t-1) \cdot \text{lr\_decay})`:

    .. math::
        G_t = G_{t-1} + g_t^2 \quad (G_0 = \text{initial\_accumulator\_value}), \qquad
        \theta_t = \theta_{t-1} - \tilde\alpha_t\, \frac{g_t}{\sqrt{G_t} + \epsilon}

    Duchi, Hazan and Singer (2011). PyTorch calls it ``Adagrad``.
    """

    def __init__(self, lr: float = 1e-2, lr_decay: float = 0.0, weight_decay: float = 0.0,
                 initial_accumulator_value: float = 0.0, eps: float = 1e-10):
        self.lr = check_positive(lr, "lr")
        self.lr_decay = check_positive(lr_decay, "lr_decay", allow_zero=True)
        self.weight_decay = check_positive(weight_decay, "weight_decay", allow_zero=True)
        self.initial_accumulator_value = check_positive(
            initial_accumulator_value, "initial_accumulator_value", allow_zero=True)
        self.eps = check_positive(eps, "eps")
        self.reset()

    state = ("sum",)  # G_t, the sum of squared gradients so far

    def _start(self, params):
        self.sum = np.full_like(params, self.initial_accumulator_value)  # s_0

    def _update(self, params, grad):
        g = grad + self.weight_decay * params if self.weight_decay else grad
        lr_t = self.lr / (1 + (self.t - 1) * self.lr_decay)
        self.sum = self.sum + g**2
        return params - lr_t * g / (np.sqrt(self.sum) + self.eps)


class RMSprop(Optimizer):
    r"""RMSprop: divide each coordinate's step by a running root mean square of its gradients.

    With :math:`g_t = \nabla L(\theta_{t-1}) + \omega\,\theta_{t-1}`, and
    :math:`v_0 = \bar g_0 = m_0 = 0`:

    .. math::
        v_t = \rho\, v_{t-1} + (1 - \rho)\, g_t^2, \qquad
        \tilde v_t = \begin{cases} v_t - \bar g_t^2,\ \ \bar g_t = \rho\,\bar g_{t-1} + (1-\rho)\, g_t
                     & \text{centered} \\ v_t & \text{otherwise} \end{cases}

    .. math::
        m_t = \beta\, m_{t-1} + \frac{g_t}{\sqrt{\tilde v_t} + \epsilon}, \qquad
        \theta_t = \theta_{t-1} - \alpha\, m_t
        \qquad (\text{with } \beta = 0:\ \theta_t = \theta_{t-1} - \alpha\, g_t / (\sqrt{\tilde v_t} + \epsilon))

    :math:`\rho` is ``alpha`` in PyTorch (and here). Tieleman and Hinton (2012).
    """

    def __init__(self, lr: float = 1e-2, alpha: float = 0.99, eps: float = 1e-8,
                 weight_decay: float = 0.0, momentum: float = 0.0, centered: bool = False):
        self.lr = check_positive(lr, "lr")
        self.alpha = check_in_range(alpha, "alpha", 0.0, 1.0)
        self.eps = check_positive(eps, "eps")
        self.weight_decay = check_positive(weight_decay, "weight_decay", allow_zero=True)
        self.momentum = check_in_range(momentum, "momentum", 0.0, 1.0)
        self.centered = check_flag(centered, "centered")
        self.reset()

    #: v_t (running mean of squared gradients), \bar g_t (of gradients, centered only), m_t (momentum only)
    state = ("square_avg", "grad_avg", "velocity")

    def _update(self, params, grad):
        g = grad + self.weight_decay * params if self.weight_decay else grad
        self.square_avg = self.alpha * self.square_avg + (1 - self.alpha) * g**2
        v = self.square_avg
        if self.centered:
            self.grad_avg = self.alpha * self.grad_avg + (1 - self.alpha) * g
            v = v - self.grad_avg**2
        scaled = g / (np.sqrt(v) + self.eps)
        if self.momentum:
            self.velocity = self.momentum * self.velocity + scaled
            scaled = self.velocity
        return params - self.lr * scaled



class AdaDelta(Optimizer):
    r"""AdaDelta: RMSprop whose step size is a running RMS of its own past steps.

    With :math:`g_t = \nabla L(\theta_{t-1}) + \omega\,\theta_{t-1}` and :math:`v_0 = D_0 = 0`:

    .. math::
        v_t = \rho\, v_{t-1} + (1 - \rho)\, g_t^2, \qquad
        \Delta_t = \frac{\sqrt{D_{t-1} + \epsilon}}{\sqrt{v_t + \epsilon}}\, g_t, \qquad
        D_t = \rho\, D_{t-1} + (1 - \rho)\, \Delta_t^2, \qquad
        \theta_t = \theta_{t-1} - \alpha\, \Delta_t

    Zeiler (2012), who has no learning rate (:math:`\alpha = 1`, the default).
    PyTorch calls it ``Adadelta``.
    """

    def __init__(self, lr: float = 1.0, rho: float = 0.9, eps: float = 1e-6, weight_decay: float = 0.0):
        self.lr = check_positive(lr, "lr")
        self.rho = check_in_range(rho, "rho", 0.0, 1.0, include_high=True)
        self.eps = check_positive(eps, "eps")
        self.weight_decay = check_positive(weight_decay, "weight_decay", allow_zero=True)
        self.reset()

    state = ("square_avg", "acc_delta")  # v_t and D_t, running means of squared gradients and steps

    def _update(self, params, grad):
        g = grad + self.weight_decay * params if self.weight_decay else grad
        self.square_avg = self.rho * self.square_avg + (1 - self.rho) * g**2
        delta = np.sqrt(self.acc_delta + self.eps) / np.sqrt(self.square_avg + self.eps) * g
        self.acc_delta = self.rho * self.acc_delta + (1 - self.rho) * delta**2
        return params - self.lr * delta



class Adam(Optimizer):
    r"""Adam: momentum on the gradient, RMSprop on its square, both bias-corrected.

    With :math:`g_t = \nabla L(\theta_{t-1}) + \omega\,\theta_{t-1}` and :math:`m_0 = v_0 = 0`:

    .. math::
        m_t = \beta_1 m_{t-1} + (1 - \beta_1)\, g_t, \qquad
        v_t = \beta_2 v_{t-1} + (1 - \beta_2)\, g_t^2, \qquad
        \hat m_t = \frac{m_t}{1 - \beta_1^t}, \qquad
        \hat v_t = \frac{v_t}{1 - \beta_2^t}, \qquad
        \theta_t = \theta_{t-1} - \alpha\, \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}

    With ``amsgrad=True``, :math:`v_t` in :math:`\hat v_t` is replaced by the
    running maximum of the uncorrected averages, :math:`v^{\max}_t = \max(v^{\max}_{t-1}, v_t)`,
    which is then bias-corrected: PyTorch's variant of Reddi et al.'s (2018)
    AMSGrad, which divides by the maximum itself. Kingma and Ba (2015).
    """

    def __init__(self, lr: float = 1e-3, betas=(0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.0, amsgrad: bool = False):
        self.lr = check_positive(lr, "lr")
        self.betas = _check_betas(betas)
        self.eps = check_positive(eps, "eps")
        self.weight_decay = check_positive(weight_decay, "weight_decay", allow_zero=True)
        self.amsgrad = check_flag(amsgrad, "amsgrad")
        self.reset()

    #: m_t and v_t, running means of the gradients and of their squares; v_t^max (amsgrad only)
    state = ("exp_avg", "exp_avg_sq", "max_exp_avg_sq")

    def _update(self, params, grad):
        beta1, beta2 = self.betas
        g = grad + self.weight_decay * params if self.weight_decay else grad  # the L2 penalty
        self.exp_avg = beta1 * self.exp_avg + (1 - beta1) * g
        self.exp_avg_sq = beta2 * self.exp_avg_sq + (1 - beta2) * g**2
        v = self.exp_avg_sq
        if self.amsgrad:
            v = self.max_exp_avg_sq = np.maximum(self.max_exp_avg_sq, v)
        m_hat = self.exp_avg / (1 - beta1**self.t)
        v_hat = v / (1 - beta2**self.t)
        return params - self.lr * m_hat / (np.sqrt(v_hat) + self.eps)


class AdamW(Adam):
    r"""AdamW: Adam with weight decay *decoupled* from the gradient.

    Adam's averages of the plain gradient :math:`g_t = \nabla L(\theta_{t-1})`
    (no penalty folded in), and a step from the shrunk parameters:

    .. math::
        \theta_t = (1 - \alpha\omega)\,\theta_{t-1} - \alpha\, \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}

    As ``torch.optim.AdamW`` (PyTorch's form: Loshchilov and Hutter, 2019,
    multiply the decay by a schedule multiplier rather than by :math:`\alpha`).
    Note the default ``weight_decay=1e-2``.
    """

    def __init__(self, lr: float = 1e-3, betas=(0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 1e-2, amsgrad: bool = False):
        super().__init__(lr, betas, eps, weight_decay, amsgrad)

    def _update(self, params, grad):
        beta1, beta2 = self.betas
        self.exp_avg = beta1 * self.exp_avg + (1 - beta1) * grad
        self.exp_avg_sq = beta2 * self.exp_avg_sq + (1 - beta2) * grad**2
        v = self.exp_avg_sq
        if self.amsgrad:
            v = self.max_exp_avg_sq = np.maximum(self.max_exp_avg_sq, v)
        m_hat = self.exp_avg / (1 - beta1**self.t)
        v_hat = v / (1 - beta2**self.t)
        decayed = params * (1 - self.lr * self.weight_decay)  # decoupled weight decay
        return decayed - self.lr * m_hat / (np.sqrt(v_hat) + self.eps)


#: PyTorch's spellings.
Adagrad = AdaGrad
Adadelta = AdaDelta
