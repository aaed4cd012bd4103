"""gdcore: the small shared library of the course book on gradient descent.

One concept per module; import the one you need, for example
``from gdcore import derivatives`` or ``gdcore.plotting.use_book_style()``.
Modules are imported on first use, so ``import gdcore`` stays fast.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

MODULES = (
    "activations", "autodiff", "checks", "data", "derivatives", "descent", "experiments",
    "initializers", "mlp", "models", "objectives", "optimizers", "plotting", "preprocessing",
    "schedules", "widgets",
)

__all__ = list(MODULES)


def __getattr__(name: str):
    if name in MODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module 'gdcore' has no attribute {name!r}; its modules are: {', '.join(MODULES)}")


def __dir__():
    return sorted(list(globals()) + list(MODULES))
