"""Update times of chapters 2 and 3's explorers, as a slider move triggers them.

* GradientExplorer: move the point (θ₁ slider): gradient, arrows, slope panel, PNG.
* LearningRateExplorer: change the learning rate with a 500-step budget:
  a whole gradient-descent run of up to 500 steps, the path and loss curve, PNG.
* For scale: ``descend`` alone (500 steps) and a landscape switch (every
  landscape's contours and background are drawn when the explorer is built,
  so a switch is blitted).

Target: a median update under 50 ms. Besides the wall-clock median (what a
reader feels) each line gives the median CPU time of the process, which stays
meaningful when other jobs share the machine's cores.
"""

import numpy as np
from timing import cpu_median_ms, median_ms

from gdcore import widgets
from gdcore.descent import descend
from gdcore.experiments.landscapes import landscape

LANDSCAPES = ["line fit", "elongated bowl", "Rosenbrock", "Himmelblau", "Beale", "saddle"]


def main() -> None:
    explorer = widgets.GradientExplorer()
    print("GradientExplorer.update (chapter 2), moving the point:")
    for name in ["line fit", "Himmelblau", "Rosenbrock", "saddle"]:
        explorer.update(name=name)
        low, high = explorer.controls["x"].min, explorer.controls["x"].max
        xs = iter(np.linspace(low, high, 1000))
        ms = median_ms(lambda: explorer.update(x=float(next(xs))), repeat=30)
        cpu = cpu_median_ms(lambda: explorer.update(x=float(next(xs))))
        print(f"  {name:16s} {ms:6.1f} ms median wall, {cpu:6.1f} ms CPU")

    explorer = widgets.LearningRateExplorer(steps=500)
    print("LearningRateExplorer.update (chapter 3), changing lr, 500-step budget:")
    for name in LANDSCAPES:
        explorer.update(name=name, steps=500)
        lr = explorer.controls["lr"].value
        factors = iter(np.linspace(0.8, 1.2, 1000))
        ms = median_ms(lambda: explorer.update(lr=lr * float(next(factors))), repeat=30)
        cpu = cpu_median_ms(lambda: explorer.update(lr=lr * float(next(factors))))
        run = explorer.last_run
        print(f"  {name:16s} {ms:6.1f} ms median wall, {cpu:6.1f} ms CPU   "
              f"(last run: {run.steps} steps, {run.stop_reason})")

    names = iter(LANDSCAPES * 20)
    ms = median_ms(lambda: explorer.update(name=next(names)), repeat=12, warmup=0)
    print(f"LearningRateExplorer landscape switch (drawn on construction, blitted): {ms:6.1f} ms median")

    objective = landscape("Himmelblau")
    ms = median_ms(lambda: descend(objective, [0.0, 0.0], 1e-4, steps=500, tol=0))
    cpu = cpu_median_ms(lambda: descend(objective, [0.0, 0.0], 1e-4, steps=500, tol=0))
    print(f"descend alone, 500 steps on Himmelblau:             {ms:6.1f} ms median wall, {cpu:6.1f} ms CPU")


if __name__ == "__main__":
    main()
