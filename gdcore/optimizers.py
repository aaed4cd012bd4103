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

The state of each optimizer is a few plain attributes named as in the
formulas (``velocity``, ``square_avg``, ``exp_avg``, ...), all ``None`` or
zero until the first step: after ``reset()`` an optimizer is as new.
"""

from __future__ import annotations

import numpy as np

from ._validation import as_finite_array, check_in_range, check_positive, describe

__all__ = ["Optimizer", "SGD", "AdaGrad", "Adagrad", "RMSprop", "AdaDelta", "Adadelta",
           "Adam", "AdamW"]


def _check_betas(betas) -> tuple[float, float]:
    try:
        beta1, beta2 = betas
    except (TypeError, ValueError):
        raise TypeError(f"betas must be a pair (beta1, beta2) like (0.9, 0.999); got {describe(betas)}.") from None
    return (check_in_range(beta1, "betas[0]", 0.0, 1.0), check_in_range(beta2, "betas[1]", 0.0, 1.0))


class Optimizer:
    """Shared plumbing: argument checks, the step counter ``t`` and ``reset``."""

    def __init__(self, lr: float):
        self.lr = check_positive(lr, "lr")
        self.reset()

    def reset(self) -> None:
        """Forget all state, as if the optimizer had just been created."""
        self.t = 0

    def step(self, params, grad) -> np.ndarray:
        """Return the parameters after one update with gradient ``grad`` (inputs untouched)."""
        params = as_finite_array(params, "params")
        try:
            grad = np.asarray(grad, dtype=float)
        except (TypeError, ValueError):
            raise TypeError(f"grad must be an array of numbers; got {describe(grad)}.") from None
        if grad.shape != params.shape:
            raise ValueError(
                f"grad must have the shape of params, {params.shape}; got {grad.shape}."
            )
        self.t += 1
        return self._update(params, grad)

    def _update(self, params: np.ndarray, grad: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def __repr__(self) -> str:
        settings = ", ".join(f"{k}={v!r}" for k, v in self._settings().items())
        return f"{type(self).__name__}({settings})"

    def _settings(self) -> dict:
        return {"lr": self.lr}


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
        self.momentum = check_in_range(momentum, "momentum", 0.0, 1.0)
        self.dampening = check_in_range(dampening, "dampening", 0.0, 1.0, include_high=True)
        self.weight_decay = check_positive(weight_decay, "weight_decay", allow_zero=True)
        if nesterov and (self.momentum == 0 or self.dampening != 0):
            raise ValueError("Nesterov momentum needs momentum > 0 and dampening = 0.")
        self.nesterov = bool(nesterov)
        super().__init__(lr)

    def reset(self) -> None:
        super().reset()
        self.velocity = None  # b_t, the running (damped) sum of gradients

    def _update(self, params, grad):
        g = grad + self.weight_decay * params if self.weight_decay else grad
        if self.momentum:
            if self.velocity is None:
                self.velocity = g.copy()
            else:
                self.velocity = self.momentum * self.velocity + (1 - self.dampening) * g
            g = g + self.momentum * self.velocity if self.nesterov else self.velocity
        return params - self.lr * g

    def _settings(self):
        return {"lr": self.lr, "momentum": self.momentum, "dampening": self.dampening,
                "weight_decay": self.weight_decay, "nesterov": self.nesterov}


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
        self.lr_decay = check_positive(lr_decay, "lr_decay", allow_zero=True)
        self.weight_decay = check_positive(weight_decay, "weight_decay", allow_zero=True)
        self.initial_accumulator_value = check_positive(
            initial_accumulator_value, "initial_accumulator_value", allow_zero=True)
        self.eps = check_positive(eps, "eps")
        super().__init__(lr)

    def reset(self) -> None:
        super().reset()
        self.sum = None  # s_t, the sum of squared gradients so far

    def _update(self, params, grad):
        g = grad + self.weight_decay * params if self.weight_decay else grad
        if self.sum is None:
            self.sum = np.full_like(params, self.initial_accumulator_value)
        lr_t = self.lr / (1 + (self.t - 1) * self.lr_decay)
        self.sum = self.sum + g**2
        return params - lr_t * g / (np.sqrt(self.sum) + self.eps)

    def _settings(self):
        return {"lr": self.lr, "lr_decay": self.lr_decay, "weight_decay": self.weight_decay,
                "initial_accumulator_value": self.initial_accumulator_value, "eps": self.eps}


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
        self.alpha = check_in_range(alpha, "alpha", 0.0, 1.0)
        self.eps = check_positive(eps, "eps")
        self.weight_decay = check_positive(weight_decay, "weight_decay", allow_zero=True)
        self.momentum = check_in_range(momentum, "momentum", 0.0, 1.0)
        self.centered = bool(centered)
        super().__init__(lr)

    def reset(self) -> None:
        super().reset()
        self.square_avg = 0.0  # v_t, running mean of squared gradients
        self.grad_avg = 0.0    # \bar g_t, running mean of gradients (centered only)
        self.velocity = 0.0    # b_t (momentum only)

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

    def _settings(self):
        return {"lr": self.lr, "alpha": self.alpha, "eps": self.eps, "weight_decay": self.weight_decay,
                "momentum": self.momentum, "centered": self.centered}


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
        self.rho = check_in_range(rho, "rho", 0.0, 1.0, include_high=True)
        self.eps = check_positive(eps, "eps")
        self.weight_decay = check_positive(weight_decay, "weight_decay", allow_zero=True)
        super().__init__(lr)

    def reset(self) -> None:
        super().reset()
        self.square_avg = 0.0  # v_t, running mean of squared gradients
        self.acc_delta = 0.0   # u_t, running mean of squared steps

    def _update(self, params, grad):
        g = grad + self.weight_decay * params if self.weight_decay else grad
        self.square_avg = self.rho * self.square_avg + (1 - self.rho) * g**2
        delta = np.sqrt(self.acc_delta + self.eps) / np.sqrt(self.square_avg + self.eps) * g
        self.acc_delta = self.rho * self.acc_delta + (1 - self.rho) * delta**2
        return params - self.lr * delta

    def _settings(self):
        return {"lr": self.lr, "rho": self.rho, "eps": self.eps, "weight_decay": self.weight_decay}


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
    running maximum :math:`v^{\max}_t = \max(v^{\max}_{t-1}, v_t)` (Reddi et
    al., 2018). Kingma and Ba (2015).
    """

    def __init__(self, lr: float = 1e-3, betas=(0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.0, amsgrad: bool = False):
        self.betas = _check_betas(betas)
        self.eps = check_positive(eps, "eps")
        self.weight_decay = check_positive(weight_decay, "weight_decay", allow_zero=True)
        self.amsgrad = bool(amsgrad)
        super().__init__(lr)

    def reset(self) -> None:
        super().reset()
        self.exp_avg = 0.0          # m_t, running mean of gradients
        self.exp_avg_sq = 0.0       # v_t, running mean of squared gradients
        self.max_exp_avg_sq = 0.0   # v_t^max (amsgrad only)

    def _gradient(self, params, grad):
        return grad + self.weight_decay * params if self.weight_decay else grad  # L2 penalty

    def _update(self, params, grad):
        beta1, beta2 = self.betas
        g = self._gradient(params, grad)
        self.exp_avg = beta1 * self.exp_avg + (1 - beta1) * g
        self.exp_avg_sq = beta2 * self.exp_avg_sq + (1 - beta2) * g**2
        v = self.exp_avg_sq
        if self.amsgrad:
            v = self.max_exp_avg_sq = np.maximum(self.max_exp_avg_sq, v)
        m_hat = self.exp_avg / (1 - beta1**self.t)
        v_hat = v / (1 - beta2**self.t)
        return self._decayed(params) - self.lr * m_hat / (np.sqrt(v_hat) + self.eps)

    def _decayed(self, params):
        return params  # AdamW shrinks the parameters here instead

    def _settings(self):
        return {"lr": self.lr, "betas": self.betas, "eps": self.eps,
                "weight_decay": self.weight_decay, "amsgrad": self.amsgrad}


class AdamW(Adam):
    r"""AdamW: Adam with weight decay *decoupled* from the gradient.

    Adam's update with :math:`g_t = \nabla L(\theta_{t-1})` (no penalty folded
    in), applied to the shrunk parameters:

    .. math::
        \theta_t = (1 - \alpha\omega)\,\theta_{t-1} - \alpha\, \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}

    Loshchilov and Hutter (2019). Note the default ``weight_decay=1e-2``.
    """

    def __init__(self, lr: float = 1e-3, betas=(0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 1e-2, amsgrad: bool = False):
        super().__init__(lr, betas, eps, weight_decay, amsgrad)

    def _gradient(self, params, grad):
        return grad

    def _decayed(self, params):
        return params * (1 - self.lr * self.weight_decay)


#: PyTorch's spellings.
Adagrad = AdaGrad
Adadelta = AdaDelta
