"""The experiments the chapters run, one module per topic; the explorers are views of them.

* :mod:`~gdcore.experiments.landscapes`: the named 2-D landscapes (one
  registry, built once per process), the explorers' presets, and what the
  gradient at a point says (chapters 2, 3, 5);
* :mod:`~gdcore.experiments.batches`: batch, stochastic and mini-batch
  descent on the airfoil data (chapter 4);
* :mod:`~gdcore.experiments.race`: the race of optimizers on hard landscapes,
  tuned learning rates, steps to a tolerance (chapter 5);
* :mod:`~gdcore.experiments.stacks`: what an initialization does to a deep
  stack of layers (chapter 6);
* :mod:`~gdcore.experiments.scaling`: how feature scaling conditions a
  least-squares problem (chapter 7);
* :mod:`~gdcore.experiments.graphs`: the small expressions whose graphs
  chapter 8 steps through;
* :mod:`~gdcore.experiments.doctor`: the loss-curve doctor, a small digits
  network trained at one learning rate, schedule and batch size, its
  curves diagnosed, and its learning-rate range test (chapter 9);
* :mod:`~gdcore.experiments.workflow`: a complete training workflow on the
  digits: splits, range test, schedules, tuned runs over seeds (chapter 9);
* :mod:`~gdcore.experiments.distributed`: data-parallel and asynchronous SGD
  simulated in one process, and the exact staleness limit (chapter 9).

Nothing here draws: these modules import numpy and the core maths only, so
the exercise checks and the benchmarks use them without loading matplotlib
or ipywidgets. The widgets in :mod:`gdcore.widgets` lay out controls and draw.
"""

from __future__ import annotations

import importlib

MODULES = ("batches", "distributed", "doctor", "graphs", "landscapes", "race", "scaling", "stacks", "workflow")

__all__ = list(MODULES)


def __getattr__(name: str):
    if name in MODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module 'gdcore.experiments' has no attribute {name!r}; its modules are: "
                         f"{', '.join(MODULES)}")


def __dir__():
    return sorted(list(globals()) + list(MODULES))
