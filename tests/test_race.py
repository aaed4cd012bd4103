"""Chapter 5's race: the experiment (steps to tolerance, the heavy-ball optimum, tuning) and its views."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from gdcore import objectives, optimizers  # noqa: E402
from gdcore.descent import Run, descend  # noqa: E402
from gdcore.experiments import landscapes, race  # noqa: E402
from gdcore.widgets import race as race_view  # noqa: E402


def fake_run(losses, reason="max_steps"):
    n = len(losses)
    return Run(np.zeros((n, 2)), np.array(losses, dtype=float), np.zeros(n), reason)


def test_steps_to_tolerance_needs_the_loss_to_stay():
    assert race.steps_to_tolerance(fake_run([1, 0.1, 1e-9, 1e-10]), 1e-8) == 2
    # touches the tolerance at step 1, bounces out at step 2, back in from step 3
    assert race.steps_to_tolerance(fake_run([1, 1e-9, 1e-3, 1e-9, 1e-9]), 1e-8) == 3
    assert race.steps_to_tolerance(fake_run([1, 1e-9, 1e-3]), 1e-8) is None
    assert race.steps_to_tolerance(fake_run([1e-9, 1e-9]), 1e-8) == 0
    assert race.steps_to_tolerance(fake_run([1, 1e-9], "diverged"), 1e-8) is None


def test_steps_to_tolerance_with_window_and_min_value():
    # the 2-step mean of [4, 2, 0, 0, 0] - 0 is [3, 1, 0, 0]: below 0.5 from window index 2, i.e. step 3
    assert race.steps_to_tolerance(fake_run([4, 2, 0, 0, 0]), 0.5, window=2) == 3
    assert race.steps_to_tolerance(fake_run([5, 5, 5]), 0.5, min_value=5) == 0
    with pytest.raises(ValueError, match="tol must be a finite positive"):
        race.steps_to_tolerance(fake_run([1.0]), 0)


def test_heavy_ball_settings_by_hand():
    bowl = objectives.Quadratic(np.diag([1.0, 100.0]))
    lr, momentum = race.heavy_ball_settings(bowl)
    assert lr == pytest.approx(4 / 11**2)
    assert momentum == pytest.approx((9 / 11) ** 2)


def test_heavy_ball_beats_gradient_descent_at_the_theoretical_rate():
    bowl = objectives.Quadratic(np.diag([1.0, 100.0]))
    lr, momentum = race.heavy_ball_settings(bowl)
    gd = descend(bowl, [1.0, 1.0], optimizers.SGD(lr=bowl.best_lr), steps=2000, tol=0)
    hb = descend(bowl, [1.0, 1.0], optimizers.SGD(lr=lr, momentum=momentum), steps=2000, tol=0)
    assert race.steps_to_tolerance(hb, 1e-8) * 4 < race.steps_to_tolerance(gd, 1e-8)
    err = np.linalg.norm(hb.xs, axis=1)
    rate = (err[150] / err[100]) ** (1 / 50)
    # the double root makes the error ~ t r^t: the measured rate is r (150/100)^(1/50)
    assert rate == pytest.approx(9 / 11 * 1.5 ** (1 / 50), rel=2e-3)


def test_noisy_gradient_is_reproducible_and_unbiased():
    bowl = objectives.Quadratic(np.eye(2))
    noisy = landscapes.NoisyGradient(bowl, noise=0.5, seed=3)
    x = np.array([1.0, -1.0])
    first = [noisy.grad(x) for _ in range(3)]
    noisy.reset()
    again = [noisy.grad(x) for _ in range(3)]
    np.testing.assert_array_equal(first, again)
    assert noisy(x) == bowl(x)
    draws = np.array([noisy.grad(x) for _ in range(4000)])
    np.testing.assert_allclose(draws.mean(axis=0), bowl.grad(x), atol=0.05)
    np.testing.assert_allclose(draws.std(axis=0), 0.5, atol=0.05)
    with pytest.raises(TypeError, match="must have a .grad method"):
        landscapes.NoisyGradient(lambda x: x)


def test_race_every_racer_on_the_bowl():
    runs = race.race("ill-conditioned bowl", steps=400)
    assert set(runs) == set(race.RACERS)
    steps = {name: race.steps_to_tolerance(run, 1e-8) for name, run in runs.items()}
    assert steps["momentum"] < steps["GD"] and steps["Nesterov"] < steps["GD"]
    assert all(run.steps == 400 for run in runs.values())


def test_race_bad_input():
    with pytest.raises(ValueError, match="course must be one of"):
        race.race("moon")
    with pytest.raises(ValueError, match="racer must be one of"):
        race.race("saddle", racers=("SGD",))


def test_make_optimizer_settings():
    opt = race.make_optimizer("Nesterov", 0.1, momentum=0.5)
    assert isinstance(opt, optimizers.SGD) and opt.nesterov and opt.momentum == 0.5
    assert race.make_optimizer("Adam", 0.1, betas=(0.8, 0.99)).betas == (0.8, 0.99)


def test_explorer_updates_and_best_settings():
    explorer = race_view.RaceExplorer(steps=200)
    assert "Winner" in explorer.verdict.value
    explorer.update(momentum=0.5)
    assert explorer.last_runs["momentum"].steps == 200
    explorer.set_best_settings()
    lr, momentum = race.heavy_ball_settings(landscapes.landscape("ill-conditioned bowl"))
    assert explorer.controls["lr"].value == pytest.approx(lr, rel=0.03)  # a log slider rounds
    assert explorer.controls["momentum"].value == pytest.approx(momentum, abs=0.01)
    assert "momentum" in explorer.controls["racers"].value
    explorer.update(name="Rosenbrock")
    assert explorer.best_button.disabled
    assert explorer.controls["x0"].value == race.COURSES["Rosenbrock"].start[0]
    explorer.update(racers=())
    assert "Choose at least one racer" in explorer.verdict.value
    assert explorer.image.value[:4] == b"\x89PNG"


def test_explorer_caches_runs():
    explorer = race_view.RaceExplorer(steps=100)
    before = dict(explorer.last_runs)
    explorer.update(momentum=0.3)
    assert explorer.last_runs["GD"] is before["GD"] and explorer.last_runs["Adam"] is before["Adam"]
    assert explorer.last_runs["momentum"] is not before["momentum"]


def test_snapshots_draw():
    fig, results = race_view.momentum_snapshot(momenta=(0.0, 0.5), steps=300)
    assert set(results) == {"momentum 0", "momentum 0.5", "best settings"}
    assert results["best settings"] < results["momentum 0"]
    plt.close(fig)
    runs = {"saddle": race.race("saddle", ("GD", "Adam"), steps=200)}
    fig, results = race_view.race_snapshot(runs, landscapes=("saddle",), racers=("GD", "Adam"))
    assert set(results["saddle"]) == {"GD", "Adam"}
    plt.close(fig)
    bowl = landscapes.landscape("ill-conditioned bowl")
    fig, results = race_view.plot_runs(bowl, {"a": runs["saddle"]["GD"]})
    plt.close(fig)


def test_tune_lr_picks_the_fastest_learning_rate_that_keeps_the_tolerance():
    assert race.tune_lr("saddle", "GD", grid=[0.01, 0.1, 0.562341]) == pytest.approx(0.562341)
    # the stored value is what the full search finds
    assert race.tune_lr("saddle", "GD") == pytest.approx(race.COURSES["saddle"].tuned["GD"], rel=1e-3)


def test_noisy_course_loss_curve_is_the_moving_average():
    fig, axes = plt.subplots(1, 2)
    drawing = race_view._RaceDrawing(*axes)
    runs = race.race("noisy bowl", ("GD",), steps=100)
    drawing.draw("noisy bowl", runs)
    x, y = drawing.curves["GD"].get_data()
    window = race.COURSES["noisy bowl"].window
    assert len(x) == 101 - window + 1 and x[0] == window - 1
    np.testing.assert_allclose(y[0], np.mean(runs["GD"].losses[:window]))
    assert "20-step average" in axes[1].get_title()
    plt.close(fig)


def test_explorer_survives_extreme_settings_without_warnings():
    """Every slider at either end, every racer, every landscape: words, not errors or overflow warnings."""
    explorer = race_view.RaceExplorer(racers=tuple(race.RACERS), steps=100)
    for name in race.COURSES:
        for lr, adaptive_lr, momentum in ((1.0, 3.16, 0.99), (1e-4, 1e-3, 0.0)):
            explorer.update(name=name, lr=lr, adaptive_lr=adaptive_lr, momentum=momentum, beta1=0.99, beta2=0.9)
            assert "racer" in explorer.verdict.value or "Winner" in explorer.verdict.value
    assert race.make_optimizer("Nesterov", 0.1, momentum=0.0).momentum == 0.0


def test_the_bowls_best_learning_rate_is_computed_from_the_bowl():
    bowl = landscapes.landscape(race.BOWL)
    assert race.BOWL_LR == bowl.best_lr == pytest.approx(2 / 51)
    assert race.COURSES[race.BOWL].tuned["GD"] == race.BOWL_LR == race.COURSES[race.BOWL].lr


def test_momentum_sweep_matches_the_race():
    momenta = [0.0, 0.5, 0.9]
    swept = race.momentum_sweep(momenta)
    for momentum, n in zip(momenta, swept):
        run = race.run_racer(race.BOWL, "momentum", race.BOWL_LR, momentum)
        assert race.course_steps(race.BOWL, run) == (None if n == -1 else n)


def test_one_landscape_registry():
    assert landscapes.landscape("Rosenbrock") is landscapes.landscape("Rosenbrock")
    for name in race.COURSES:
        assert name in landscapes.LANDSCAPE_NAMES
    with pytest.raises(ValueError, match="landscape must be one of"):
        landscapes.landscape("moon")
