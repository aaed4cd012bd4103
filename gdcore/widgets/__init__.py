"""Interactive explorers, one per module, each with a static snapshot for the website.

An explorer is a view: it lays out controls and draws. What it shows is
computed by :mod:`gdcore.experiments` (one module per chapter topic), which
the exercise checks and the benchmarks use directly.
"""

from .secant import SecantExplorer, secant_snapshot  # noqa: F401
from .gradient_explorer import GradientExplorer, gradient_snapshot  # noqa: F401
from .lr_explorer import LearningRateExplorer, lr_snapshot  # noqa: F401
from .activations import ActivationExplorer, activation_snapshot  # noqa: F401
from .graph_stepper import GraphStepper, graph_stepper_snapshot  # noqa: F401
from .scaling import ScalingExplorer, scaling_snapshot  # noqa: F401
from .race import RaceExplorer, momentum_snapshot, plot_runs, race_snapshot  # noqa: F401
from .batch_explorer import BatchExplorer, batch_snapshot  # noqa: F401
from .doctor import DoctorExplorer, doctor_snapshot  # noqa: F401
