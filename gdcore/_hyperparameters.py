"""Hyperparameters: the settings an object is created with, written once, in ``__init__``.

Optimizers, learning-rate schedules and feature scalers all take their
settings as the arguments of ``__init__`` and keep each one (checked) in the
attribute of the same name. :class:`Hyperparameters` reads the names from the
``__init__`` signature itself (``inspect.signature``), so that no class keeps a
second list of them: ``repr`` and :meth:`~Hyperparameters.hyperparameters`
follow the signature automatically.
"""

from __future__ import annotations

import inspect


class Hyperparameters:
    """Mixin: ``repr`` and ``hyperparameters()`` derived from the ``__init__`` signature.

    * ``_repr_defaults``: whether ``repr`` also shows settings left at their
      default (PyTorch's optimizers show every setting; scikit-learn's
      estimators only the changed ones);
    * ``_repr_skip``: arguments that are not settings (a scheduler's optimizer).
    """

    _repr_defaults: bool = True
    _repr_skip: tuple[str, ...] = ()

    @classmethod
    def _signature_parameters(cls) -> list[inspect.Parameter]:
        plain = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
        return [p for name, p in inspect.signature(cls.__init__).parameters.items()
                if name != "self" and p.kind in plain and name not in cls._repr_skip]

    def hyperparameters(self) -> dict:
        """Every setting, by name, as it is stored (checked) on this object."""
        return {p.name: getattr(self, p.name) for p in self._signature_parameters()}

    def __repr__(self) -> str:
        shown = []
        for p in self._signature_parameters():
            value = getattr(self, p.name)
            if self._repr_defaults or p.default is inspect.Parameter.empty or not _equal(value, p.default):
                shown.append(f"{p.name}={value!r}")
        return f"{type(self).__name__}({', '.join(shown)})"


def _equal(value, default) -> bool:
    try:
        return bool(value == default)
    except (TypeError, ValueError):  # arrays compare elementwise
        return False
