"""Chapter 7's ScalingExplorer: time of one update (recompute, redraw, PNG), as a control change does it.

Target: 50 ms median. The chapter 1 explorer is timed alongside, as a
reference for how loaded the machine is right now.
"""

from itertools import cycle

from timing import median_ms

from gdcore import widgets
from gdcore.experiments import scaling


def main() -> None:
    reference = widgets.SecantExplorer()
    steps = cycle([0.5, 0.05, 0.005])
    ms = median_ms(lambda: reference.update(h=next(steps)))
    print(f"SecantExplorer.update (reference):        {ms:6.1f} ms median")

    explorer = widgets.ScalingExplorer()
    factors = cycle([1.0, 1e3, 10**5.5, 1e7])
    ms = median_ms(lambda: explorer.update(factor=next(factors)))
    print(f"ScalingExplorer.update, factor slider:    {ms:6.1f} ms median")
    scalings = cycle(scaling.SCALINGS)
    ms = median_ms(lambda: explorer.update(scaling=next(scalings)))
    print(f"ScalingExplorer.update, scaling buttons:  {ms:6.1f} ms median")


if __name__ == "__main__":
    main()
