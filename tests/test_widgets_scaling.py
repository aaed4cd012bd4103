"""Tests of chapter 7's scaling explorer and the exact step count behind it."""

import numpy as np
import pytest

from gdcore import widgets
from gdcore.descent import descend
from gdcore.experiments import scaling as scaling_experiment
from gdcore.experiments.scaling import exact_steps_to_tolerance, scaling_problem, steps_text


def test_problem_is_the_least_squares_loss_with_the_best_intercept():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 2)) * [1000.0, 0.01]
    y = X @ [0.002, 300.0] + 5.0 + rng.normal(size=50)
    bowl = scaling_problem("none", 1.0, X, y)
    w = np.array([0.001, 100.0])
    b = y.mean() - X.mean(axis=0) @ w  # the best intercept for these weights
    mse = np.mean((X @ w + b - y) ** 2)
    assert bowl(w) == pytest.approx(mse - bowl.best_loss, rel=1e-9)
    full, *_ = np.linalg.lstsq(np.column_stack([X, np.ones(50)]), y, rcond=None)
    np.testing.assert_allclose(bowl.minima[0], full[:2], rtol=1e-8)


def test_scaling_makes_the_factor_irrelevant_and_the_valley_round():
    raw = [scaling_problem("none", f).condition_number for f in (1.0, 1e3)]
    assert raw[0] > 1e10 and raw[1] < raw[0] / 1e5  # metres -> millimetres: kappa / 10^6
    for scaling in ("min-max", "standard"):
        kappas = [scaling_problem(scaling, f).condition_number for f in (1.0, 1e3, 1e6)]
        np.testing.assert_allclose(kappas, kappas[0], rtol=1e-6)
        assert kappas[0] < 3
    # for two features, standardizing equals choosing the unit that equalises the spreads
    X, _ = scaling_experiment._training_data()
    ratio = X[:, 0].std() / X[:, 1].std()
    assert scaling_problem("none", ratio).condition_number == pytest.approx(
        scaling_problem("standard").condition_number, rel=1e-6)


@pytest.mark.parametrize("scaling, factor", [("standard", 1.0), ("min-max", 1.0), ("none", 1e4), ("none", 3e6)])
def test_exact_step_count_matches_real_gradient_descent(scaling, factor):
    bowl = scaling_problem(scaling, factor)
    steps = exact_steps_to_tolerance(bowl)
    run = descend(bowl, [0.0, 0.0], bowl.best_lr, steps=steps + 3, tol=0)
    first = int(np.nonzero(run.losses <= 1e-3 * bowl.best_loss)[0][0])
    assert first == steps


def test_step_count_with_another_lr_and_bad_lr():
    bowl = scaling_problem("standard")
    slower = exact_steps_to_tolerance(bowl, lr=0.2 * bowl.best_lr)
    assert slower > exact_steps_to_tolerance(bowl)
    with pytest.raises(ValueError, match="stability limit"):
        exact_steps_to_tolerance(bowl, lr=bowl.stability_limit)


def test_steps_text():
    assert steps_text(1035) == "1,035"
    assert steps_text(103_452_470_715) == "1.0 × 10^11"
    assert steps_text(2_500_000, "html") == "2.5 × 10<sup>6</sup>"
    assert steps_text(2_500_000, "tex") == r"$2.5 \times 10^{6}$"


def test_bad_arguments():
    with pytest.raises(ValueError, match="scaling must be one of"):
        scaling_problem("robust")
    with pytest.raises(ValueError, match="factor must be a finite positive"):
        scaling_problem("none", 0.0)


def test_explorer_updates_verdict_and_figure():
    explorer = widgets.ScalingExplorer()
    first = bytes(explorer.image.value)
    assert first.startswith(b"\x89PNG")
    assert "10<sup>11</sup> steps" in explorer.verdict.value
    assert "κ = 6.75 × 10<sup>10</sup>" in explorer.verdict.value
    explorer.update(scaling="standard")
    assert "<b>3 steps</b>" in explorer.verdict.value
    assert bytes(explorer.image.value) != first
    explorer.controls["factor"].value = 1000.0  # as a student would; standard scaling ignores it
    assert "<b>3 steps</b>" in explorer.verdict.value and "thickness × 1 × 10<sup>3</sup>" in explorer.verdict.value
    x, y = explorer.drawing.path.get_data()
    assert (x[0], y[0]) == (0.0, 0.0)


def test_snapshot_has_one_labelled_panel_per_setting():
    import matplotlib.pyplot as plt

    fig = widgets.scaling_snapshot((("none", 1.0), ("standard", 1.0)))
    axes = fig.axes
    assert len(axes) == 2
    assert all(ax.get_xlabel() == "weight of frequency" for ax in axes)
    assert "κ = 1.6" in axes[1].get_title()
    plt.close(fig)


def test_the_step_axis_holds_every_setting_of_the_controls():
    # The loss panel's axes are fixed: twice the steps of every setting fit under MOST_STEPS, and the
    # relative excess loss starts below the top of the y axis.
    explorer = widgets.ScalingExplorer()
    slider = explorer.controls["factor"]
    factors = 10.0 ** np.arange(slider.min, slider.max + slider.step / 2, slider.step)
    for scaling in scaling_experiment.SCALINGS:
        for factor in factors:
            bowl = scaling_problem(scaling, factor)
            steps = exact_steps_to_tolerance(bowl)
            assert 2 * steps < widgets.scaling.MOST_STEPS, (scaling, factor)
            start = scaling_experiment.excess_loss(bowl, bowl.best_lr, np.zeros(2), 0) / bowl.best_loss
            assert start < explorer.drawing.ax_loss.get_ylim()[1], (scaling, factor)


def test_a_half_drawn_again_gives_the_frame_drawn_afresh():
    # A new unit redraws only the left half's background, over the frame on screen; the pixels
    # must be those of the whole figure drawn from scratch.
    explorer = widgets.ScalingExplorer()
    left, right = explorer.blitter.parts
    drawn = []
    for name, part in (("left", left), ("right", right)):
        part.draw = lambda renderer, name=name, draw=part.draw: (drawn.append(name), draw(renderer))
    for factor in (1e3, 10**5.5):
        drawn.clear()
        explorer.update(factor=factor)
        assert drawn == ["left"]  # the step axis is fixed: the right half is kept
        in_halves = bytes(explorer.image.value)
        explorer.blitter.invalidate()
        explorer.update()
        assert bytes(explorer.image.value) == in_halves
