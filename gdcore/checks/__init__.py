"""Exercise checks: one module per chapter, sharing the machinery in ``_core``.

``from gdcore import checks`` gives every chapter's check functions, e.g.
``checks.check_central_difference(my_function)``.
"""

from ._core import EXERCISES, RESULTS, CheckResult, exercises_of_chapter, results_json  # noqa: F401
from .calculus import *  # noqa: F401,F403
from .gradients import *  # noqa: F401,F403
from .descent import *  # noqa: F401,F403
from .initialization import *  # noqa: F401,F403
from .autodiff import *  # noqa: F401,F403
from .normalization import *  # noqa: F401,F403
from .optimizers import *  # noqa: F401,F403
from .minibatch import *  # noqa: F401,F403
from .training import *  # noqa: F401,F403
