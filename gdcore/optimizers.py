r"""Optimizers: each one is its update rule and nothing else.

Every optimizer has the same small interface:

* ``new_params = opt.step(params, grad)`` returns the updated parameters and
  never modifies ``params`` or ``grad`` (so a path of iterates can be kept);
* ``opt.reset()`` forgets the state (velocities, averages, step count);
* ``opt.lr`` is the current learning rate (a schedule may change it).

Hyperparameter names, defaults and update rules follow ``torch.optim``, so
that the same settings give the same trajectory in PyTorch.
"""

from __future__ import annotations

import numpy as np

from ._validation import as_finite_array, check_in_range, check_positive


class Optimizer:
    """Shared plumbing: argument checks, the step counter and ``reset``."""

    def __init__(self, lr: float):
        self.lr = check_positive(lr, "lr")
        self.reset()

    def reset(self) -> None:
        """Forget all state, as if the optimizer had just been created."""
        self.t = 0

    def step(self, params, grad) -> np.ndarray:
        params = as_finite_array(params, "params")
        grad = np.asarray(grad, dtype=float)
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

    With :math:`g_t = \nabla L(\theta_{t-1}) + \lambda\,\theta_{t-1}`:

    .. math::
        b_t = \mu\, b_{t-1} + (1 - \tau)\, g_t \quad (b_1 = g_t), \qquad
        \theta_t = \theta_{t-1} - \alpha \cdot
            \begin{cases} g_t + \mu\, b_t & \text{Nesterov} \\ b_t & \text{otherwise} \end{cases}

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
        g = grad + self.weight_decay * params
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
