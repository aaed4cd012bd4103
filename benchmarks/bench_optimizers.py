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
    bench_race_explorer()


if __name__ == "__main__":
    main()
