"""Chapter 8: what automatic differentiation costs, in wall-clock time.

* The gradient of the digits MLP's loss (64-32-10, ReLU, all 1,797 samples)
  by the Tensor engine against the hand-written backpropagation of
  ``gdcore.models.MLP``; target: a ratio of at most 3.
* Forward mode (n passes of Dual numbers) against reverse mode (one recorded
  forward pass and one backward pass of Values) for the gradient of
  f(x) = sum_i sin(x_i x_{i+1}), n = 10, 100, 1000: the notebook counts the
  operations, this measures the seconds.
* ``GraphStepper.update``: stepping (relabels the boxes) and a new
  expression (rebuilds the graph); target under 50 ms median.
"""

import time

import numpy as np
from timing import median_ms

from gdcore import autodiff, data, widgets
from gdcore.experiments import graphs
from gdcore.models import MLP


def mlp_ratio() -> None:
    digits = data.load_digits()
    X, y = digits.X / 16.0, digits.y
    model = MLP([64, 32, 10], activation="relu")
    params = model.init_params(0)
    by_hand = median_ms(lambda: model.grad(params, X, y), repeat=30)
    by_tensor = median_ms(lambda: autodiff.mlp_loss_and_grad(model, params, X, y), repeat=30)
    print(f"digits MLP gradient, {len(X)} samples, {model.n_params} parameters")
    print(f"  hand-written backprop {by_hand:7.2f} ms")
    print(f"  Tensor autodiff       {by_tensor:7.2f} ms   ratio {by_tensor / by_hand:.2f} (target <= 3)")


def f(v):
    n = len(v)
    return sum(((v[i] * v[(i + 1) % n]).sin() for i in range(n)), 0.0)


def seconds(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def forward_vs_reverse() -> None:
    print("gradient of f(x) = sum_i sin(x_i x_(i+1)): forward mode (n passes) vs reverse mode (1 + 1)")
    print(f"{'n':>6} {'forward s':>10} {'reverse s':>10} {'ratio':>7}")
    for n in [10, 100, 1000]:
        x0 = np.linspace(-1.0, 1.0, n)
        forward = seconds(lambda: autodiff.forward_gradient(f, x0))
        reverse = min(seconds(lambda: autodiff.reverse_gradient(f, x0)) for _ in range(3))
        print(f"{n:6d} {forward:10.4f} {reverse:10.4f} {forward / reverse:7.0f}")


def stepper() -> None:
    explorer = widgets.GraphStepper()
    steps = iter(range(10**6))
    step_ms = median_ms(lambda: explorer.update(step=next(steps) % 9), repeat=30)
    names = list(graphs.EXPRESSIONS)
    which = iter(range(10**6))
    rebuild_ms = median_ms(lambda: explorer.update(expression=names[next(which) % len(names)], step=3),
                           repeat=20)
    print(f"GraphStepper.update: step {step_ms:.1f} ms, new expression {rebuild_ms:.1f} ms (target < 50 ms)")


def main() -> None:
    mlp_ratio()
    forward_vs_reverse()
    stepper()


if __name__ == "__main__":
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
