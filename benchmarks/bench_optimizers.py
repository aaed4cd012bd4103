"""One optimizer step on a million parameters, against one numpy pass over the array.

The reference is ``params + grad`` (read two arrays, write one): the cheapest
thing any update can do. Each optimizer's step is a handful of such passes
(its formula has that many vector operations), so the ratio says how many,
and that nothing loops over elements in Python.

A second reference is the one-line gradient step ``params - lr * grad``: it
allocates a temporary as well as its result, and on a machine whose malloc
hands 8 MB blocks back to the operating system after every use (glibc's
default), each fresh 8 MB array costs page faults that can take longer than
the arithmetic. Every optimizer here pays that too, once per temporary, so
the second ratio is the fairer one.

Last, the floor: Adam's 13 vector operations done with preallocated arrays and
no temporaries at all, and its square root alone. However it is written, a
numpy Adam step costs at least that many passes; only a fused kernel (numexpr,
numba, C) could do the whole update in one or two.
"""

import numpy as np
from timing import median_ms

from gdcore.optimizers import SGD, AdaDelta, AdaGrad, Adam, AdamW, RMSprop

N = 1_000_000

OPTIMIZERS = {
    "SGD": lambda: SGD(lr=0.01),
    "SGD momentum": lambda: SGD(lr=0.01, momentum=0.9),
    "SGD Nesterov": lambda: SGD(lr=0.01, momentum=0.9, nesterov=True),
    "AdaGrad": lambda: AdaGrad(),
    "RMSprop": lambda: RMSprop(),
    "RMSprop centered+mom": lambda: RMSprop(momentum=0.9, centered=True),
    "AdaDelta": lambda: AdaDelta(),
    "Adam": lambda: Adam(),
    "Adam amsgrad": lambda: Adam(amsgrad=True),
    "AdamW": lambda: AdamW(),
}


def adam_floor(params, grad):
    """Adam's step with the fewest numpy calls: state and scratch preallocated, every
    operation in place (``out=``), no temporaries. Not how gdcore writes it (the update
    would no longer read like its formula); it shows what numpy alone can reach."""
    beta1, beta2, lr, eps = 0.9, 0.999, 1e-3, 1e-8
    m, v, denom, out = (np.zeros_like(params) for _ in range(4))
    t = 1

    def step():
        nonlocal m, v, denom, out  # updated in place (augmented assignment rebinds to the same arrays)
        m *= beta1
        np.multiply(grad, 1 - beta1, out=denom)
        m += denom                                   # m = beta1 m + (1 - beta1) g
        np.square(grad, out=denom)
        denom *= 1 - beta2
        v *= beta2
        v += denom                                   # v = beta2 v + (1 - beta2) g^2
        np.sqrt(v, out=denom)
        denom *= 1 / np.sqrt(1 - beta2**t)
        denom += eps                                 # sqrt(v_hat) + eps
        np.divide(m, denom, out=out)
        out *= -lr / (1 - beta1**t)
        out += params                                # params - lr m_hat / (sqrt(v_hat) + eps)
        return out

    return step


def bench_race_explorer() -> None:
    """The race explorer's update, as a slider move triggers it (target: 50 ms median)."""
    from gdcore.widgets import RaceExplorer

    explorer = RaceExplorer(steps=300)
    momenta = iter([0.5, 0.6, 0.7, 0.8] * 100)  # each move recomputes the momentum racer only
    ms = median_ms(lambda: explorer.update(momentum=next(momenta)), repeat=20)
    print(f"RaceExplorer.update, momentum slider (1 of 3 racers recomputed, 300 steps): {ms:6.1f} ms median")
    explorer.update(racers=tuple(explorer.controls["racers"].options))
    lrs = iter([0.01, 0.02, 0.03] * 100)  # recomputes GD, momentum, Nesterov
    ms = median_ms(lambda: explorer.update(lr=next(lrs)), repeat=20)
    print(f"RaceExplorer.update, lr slider (3 of 7 racers recomputed, 300 steps):       {ms:6.1f} ms median")


def main() -> None:
    rng = np.random.default_rng(0)
    params = rng.normal(size=N)
    grad = rng.normal(size=N)
    one_pass = median_ms(lambda: params + grad, repeat=50)
    gd_line = median_ms(lambda: params - 0.01 * grad, repeat=50)
    print(f"one numpy pass (params + grad) on {N:,} float64: {one_pass:.2f} ms")
    print(f"one-line gradient step (params - lr * grad):      {gd_line:.2f} ms")
    print(f"{'optimizer':22s} {'ms/step':>8s} {'x one pass':>11s} {'x one-line step':>16s}")
    for name, make in OPTIMIZERS.items():
        opt = make()
        opt.step(params, grad)  # first step allocates the state
        ms = median_ms(lambda: opt.step(params, grad), repeat=20)
        print(f"{name:22s} {ms:8.2f} {ms / one_pass:11.1f} {ms / gd_line:16.1f}")
    # What numpy alone can do for Adam: its 13 vector operations with no temporaries,
    # and the one operation of them that costs most, the square root.
    floor = median_ms(adam_floor(params, grad), repeat=20)
    buffer = np.empty_like(params)
    sqrt = median_ms(lambda: np.sqrt(np.abs(grad, out=buffer), out=buffer), repeat=20)
    abs_only = median_ms(lambda: np.abs(grad, out=buffer), repeat=20)
    print(f"{'Adam, fewest numpy calls':22s} {floor:8.2f} {floor / one_pass:11.1f} {floor / gd_line:16.1f}"
          "   (13 in-place calls, no temporaries: the floor without a fused kernel)")
    print(f"{'  its square root alone':22s} {sqrt - abs_only:8.2f} {(sqrt - abs_only) / one_pass:11.1f}")
    bench_race_explorer()


if __name__ == "__main__":
    main()
