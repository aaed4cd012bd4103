"""The web explorers' grids (gdcore.widgets.web): the notebook's positions, and the exercises' answers.

Each widget exercise must be solvable on the website, so the grid of its web
explorer (built with the chapter cell's own arguments) must hold a setting the
exercise's check accepts. Rendering is tested by the site build and the
browser tests (tests/browser/test_web_explorers.py).
"""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path

import ipywidgets
import pytest

from gdcore import checks, widgets
from gdcore.experiments import doctor
from gdcore.experiments.stacks import SCHEMES
from gdcore.widgets.web import WEB_EXPLORERS, frame_grid, notebook_positions, plain_text, web_verdict

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "_ext"))
from web_explorers import widget_call  # noqa: E402


@functools.lru_cache(maxsize=None)
def _chapter_explorer(name: str):
    """The explorer as the chapter's widget cell builds it (built once: building draws it)."""
    for path in sorted((ROOT / "chapters").glob("*.ipynb")):
        for cell in json.loads(path.read_text())["cells"]:
            if cell["cell_type"] == "code" and "nbval-ignore-output" in cell["metadata"].get("tags", []):
                call = widget_call("".join(cell["source"]), [name])
                if call:
                    return getattr(widgets, name)(**call[1])
    raise LookupError(f"no chapter builds a {name}")


def _settings(name: str, /, **fixed) -> list[dict]:
    """The web grid's settings of explorer ``name`` that have the ``fixed`` values."""
    explorer = _chapter_explorer(name)
    _, frames = frame_grid(explorer, WEB_EXPLORERS[name])
    settings = [{**explorer.values(), **frame["values"]} for frame in frames]
    return [s for s in settings if all(s[key] == value for key, value in fixed.items())]


def test_every_explorer_has_a_web_version_within_its_frame_budget():
    exported = {name for name, obj in vars(widgets).items()
                if isinstance(obj, type) and issubclass(obj, widgets._live.Explorer) and obj is not widgets._live.Explorer}
    assert exported == set(WEB_EXPLORERS)
    for name in WEB_EXPLORERS:
        frames = frame_grid(_chapter_explorer(name), WEB_EXPLORERS[name])[1]
        assert 5 <= len(frames) <= 220, f"{name}: {len(frames)} frames"


def test_positions_are_the_notebook_sliders_own():
    log = ipywidgets.FloatLogSlider(value=1.0, base=10, min=-3, max=0.5, step=0.05)
    positions = notebook_positions(log, 1.0)
    assert len(positions) == 71 and positions[0] == pytest.approx(1e-3) and positions[-1] == pytest.approx(10**0.5)
    assert 1.0 in positions
    every = notebook_positions(ipywidgets.FloatSlider(value=0.9, min=0.0, max=0.99, step=0.01), 0.9, every=2)
    assert every[0] == 0.0 and 0.9 in every and every[-1] == 0.98
    assert notebook_positions(ipywidgets.IntSlider(value=10, min=2, max=20), 10, every=2) == tuple(range(2, 21, 2))
    assert notebook_positions(ipywidgets.Dropdown(options=["a", "b", "c"], value="b"), "b") == ("a", "b", "c")


def test_the_web_explorer_starts_at_the_notebooks_setting():
    explorer = _chapter_explorer("SecantExplorer")
    controls, frames = frame_grid(explorer, WEB_EXPLORERS["SecantExplorer"])
    k = 0
    for control in controls:
        k = k * control["count"] + control["start"]
    assert frames[k]["values"] == {"method": explorer.values()["method"], "h": explorer.values()["h"]}


def test_verdicts_become_page_html():
    verdict = '<span style="color:#0072B2">&#9632;</span> GD: norm <= tol, <b>done</b>'
    page = web_verdict(verdict)
    assert "&#9632;" not in page and 'class="web-explorer-swatch"' in page and "&lt;=" in page
    assert plain_text(page) == "GD: norm <= tol, done"


# --- every widget exercise can be solved with the web explorer -------------------------------

def _passes(check, candidates) -> list:
    return [c for c in candidates if check(*c)]


def test_exercise_1_4_secant_step_on_the_web_grid():
    hs = [s["h"] for s in _settings("SecantExplorer", method="forward")]
    assert _passes(checks.check_secant_step, [(h,) for h in hs if 0.01 <= h <= 0.03])


def test_exercise_2_3_flat_point_on_the_web_grid():
    points = [(s["x"], s["y"]) for s in _settings("GradientExplorer", name="Himmelblau")]
    assert _passes(checks.check_flat_point, [(p,) for p in points if p == (-0.25, -1.0)])


def test_exercise_3_3_largest_stable_lr_on_the_web_grid():
    lrs = [s["lr"] for s in _settings("LearningRateExplorer", steps=500)]
    assert _passes(checks.check_largest_stable_lr, [(lr,) for lr in lrs if 0.2 < lr < 0.24])


def test_exercise_4_4_batch_budget_on_the_web_grid():
    settings = _settings("BatchExplorer", epochs=2)
    assert _passes(checks.check_batch_budget, [(s["batch_size"], s["lr"]) for s in settings
                                               if s["batch_size"] == 8 and 0.01 <= s["lr"] <= 0.05])


def test_exercise_5_3_fastest_momentum_on_the_web_grid():
    momenta = [s["momentum"] for s in _settings("RaceExplorer", steps=1000)]
    assert _passes(checks.check_race_momentum, [(m,) for m in momenta if 0.6 <= m <= 0.7])


def test_exercise_6_4_every_scheme_on_the_web_grid():
    shown = {s["scheme"] for s in _settings("ActivationExplorer", activation="relu", depth=10, width=128)}
    assert shown == set(SCHEMES)
    assert checks.check_relu_stack_alive(["kaiming_uniform", "kaiming_normal"])


def test_exercise_7_3_thickness_unit_on_the_web_grid():
    factors = [s["factor"] for s in _settings("ScalingExplorer", scaling="none")]
    assert _passes(checks.check_thickness_unit, [(f,) for f in factors if 1e5 <= f <= 1e6])


def test_exercise_8_3_every_step_on_the_web_grid():
    explorer = _chapter_explorer("GraphStepper")
    steps = [s["step"] for s in _settings("GraphStepper", expression="tanh(x*y + x)", x=1.0, y=-0.5)]
    assert steps == list(range(len(explorer.steps) + 1))


def test_exercise_9_4_calm_factor_on_the_web_grid():
    """The web version offers batch size 128 with the constant schedule, and its verdict line prints the
    range test's lowest point: the factor read from its frames passes the check."""
    settings = _settings("DoctorExplorer", schedule="constant", batch_size=128)
    calm = [s["lr"] for s in settings
            if not doctor.diagnose(doctor.doctor_run(s["lr"], "constant", 128)).rises]
    lowest = float(f"{doctor.range_test(128).lr_at_min:.3g}")
    assert _passes(checks.check_calm_factor, [(lowest / max(calm),)])