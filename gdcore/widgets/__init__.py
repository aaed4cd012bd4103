"""Interactive explorers, one per module, each with a static snapshot for the website."""

from .secant import SecantExplorer, secant_snapshot  # noqa: F401
