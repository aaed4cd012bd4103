"""gdcore's layers: the contracts in .importlinter hold, and the maths loads without the views.

Layers, bottom up: validation; the core maths (derivatives, objectives,
optimizers, initializers, preprocessing, data, autodiff); models and
schedules; descent; the experiments; the views (plotting, widgets); the
checks. The map with every module is in AUTHORING.md.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: What a view loads; none of it may come with the maths, the experiments or the checks.
VIEWS = ("matplotlib", "ipywidgets", "IPython", "PIL", "gdcore.widgets", "gdcore.plotting")

CORE = ("derivatives", "objectives", "optimizers", "schedules", "descent", "data", "models", "initializers",
        "preprocessing", "autodiff", "experiments", "checks")


def test_import_contracts_hold():
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize("module", CORE)
def test_module_loads_no_view_in_a_fresh_interpreter(module):
    code = (f"import sys, json; import gdcore.{module}; "
            f"print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {VIEWS!r} "
            f"or m.startswith(('gdcore.widgets', 'gdcore.plotting')))))")
    if module == "experiments":  # a package of modules: load every one of them
        code = code.replace("import gdcore.experiments;", "import gdcore.experiments as e; "
                            "[getattr(e, name) for name in e.MODULES];")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert json.loads(result.stdout) == [], f"import gdcore.{module} loads views"
