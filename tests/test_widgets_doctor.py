"""Tests of chapter 9's loss-curve doctor: its experiment, its explorer and its static snapshot."""

import math

import numpy as np
import pytest

from gdcore import descent, widgets
from gdcore.experiments import doctor


def test_the_problem_is_standardized_with_training_statistics_only():
    p = doctor.doctor_problem()
    assert p.X_train.shape == (doctor.N_TRAIN, 64) and p.X_val.shape == (doctor.N_VAL, 64)
    spread = p.X_train.std(axis=0)
    np.testing.assert_allclose(p.X_train.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(spread[spread > 0], 1.0)
    assert abs(p.X_val.mean()) > 1e-6  # the validation images were not used to fit the scaler
    assert p.model.sizes == (64, doctor.HIDDEN, 10) and p.model.n_params == 2410
    assert set(np.unique(p.y_train)) == set(range(10))


def _epoch_rates(schedule: str) -> list[float]:
    """The learning rate of every epoch of a run under ``schedule``, from a base rate of 0.1."""
    from gdcore import optimizers

    opt = optimizers.SGD(lr=0.1)
    sched = doctor.make_scheduler(schedule, opt)
    lrs = [opt.lr]
    for _ in range(doctor.EPOCHS - 1):
        sched.step()
        lrs.append(opt.lr)
    return lrs


def test_schedules_follow_their_formulas():
    from gdcore import optimizers

    assert doctor.make_scheduler("constant", optimizers.SGD(lr=0.1)) is None
    lrs = _epoch_rates("warm-up + cosine")
    W, E = doctor.WARMUP_EPOCHS, doctor.EPOCHS
    assert lrs[:W] == pytest.approx([0.1 * (e + 1) / W for e in range(W)])
    assert lrs[W] == pytest.approx(0.1)
    assert lrs[-1] == pytest.approx(0.1 * 0.5 * (1 + math.cos(math.pi * (E - 1 - W) / (E - W))))
    assert all(a >= b for a, b in zip(lrs[W:], lrs[W + 1:]))
    lrs = _epoch_rates("step")
    first, second = doctor.STEP_MILESTONES
    assert lrs[first - 1] == pytest.approx(0.1) and lrs[first] == pytest.approx(0.01)
    assert lrs[second] == pytest.approx(0.001)


def test_runs_are_cached_and_use_the_schedule():
    a = doctor.doctor_run(0.1, "warm-up + cosine", 64)
    assert doctor.doctor_run(0.1, "warm-up + cosine", 64) is a
    assert len(a.epoch_losses) == len(a.val_losses) == doctor.EPOCHS + 1
    per_epoch = a.lrs.reshape(doctor.EPOCHS, -1)  # 2 updates per epoch at B = 64 on 128 images
    assert per_epoch[0, 0] == pytest.approx(0.1 / doctor.WARMUP_EPOCHS)
    assert per_epoch.max() == pytest.approx(0.1)
    assert doctor.doctor_run(0.1, "warm-up + cosine", 64, seed=1) is not a


@pytest.mark.parametrize("lr, verdict", [(0.00316, "too low: still falling"), (0.0316, "healthy"),
                                         (0.178, "overfitting: validation rises"), (0.562, "too high: diverges")])
def test_the_doctor_reads_each_regime(lr, verdict):
    diagnosis = doctor.diagnose(doctor.doctor_run(lr, "constant", 32))
    assert diagnosis.verdict == verdict
    assert diagnosis.explain()


def test_a_spiking_loss_is_too_high():
    diagnosis = doctor.diagnose(doctor.doctor_run(0.562, "warm-up + cosine", 32))
    assert diagnosis.verdict == "too high: loss spikes" and diagnosis.rises
    assert "jumps back up" in diagnosis.explain()


def test_diagnose_follows_its_rules_on_made_up_curves():
    def history(train, val, reason="max_epochs"):
        return descent.History(np.zeros(1), np.zeros(1, dtype=int), np.array(train), np.array(val),
                               np.zeros(1), reason)

    assert doctor.diagnose(history([2.3, 1.0, 0.5], [2.3, 1.1, 0.9])).verdict == "too low: still falling"
    assert doctor.diagnose(history([2.3, 0.5, 0.2], [2.3, 0.6, 0.62])).verdict == "healthy"
    over = doctor.diagnose(history([2.3, 0.2, 0.1], [2.3, 0.5, 0.6]))
    assert over.verdict == "overfitting: validation rises" and over.rise == pytest.approx(0.2)
    assert over.best_epoch == 1 and over.rises
    assert doctor.diagnose(history([2.3, 2.5, 2.4], [2.3, 2.6, 2.5])).verdict == "too high: diverges"
    assert doctor.diagnose(history([2.3, 1.0], [2.3, 1.0], "diverged")).verdict == "too high: diverges"
    assert doctor.diagnose(history([2.3, 0.3, 0.9, 0.2], [2.3, 0.5, 1.0, 0.55])).verdict == "too high: loss spikes"
    with pytest.raises(ValueError, match="validation"):
        doctor.diagnose(history([2.3, 1.0], []))


def test_range_test_grows_the_rate_and_stops_after_the_loss_climbs():
    test = doctor.range_test(32)
    ratios = test.lrs[1:] / test.lrs[:-1]
    assert test.lrs[0] == pytest.approx(doctor.RANGE_LRS[0])
    np.testing.assert_allclose(ratios, ratios[0])
    assert test.lrs[-1] < doctor.RANGE_LRS[1] * (1 + 1e-9)
    assert test.smoothed[-1] > 4 * test.smoothed.min() or len(test.lrs) == doctor.RANGE_UPDATES
    assert test.lr_at_min == test.lrs[int(np.argmin(test.smoothed))]
    # the lowest point lies beyond the rates that train well at this batch size, and near those that blow up
    assert 0.1 < test.lr_at_min < 3


@pytest.mark.parametrize("call, message", [
    (lambda: doctor.doctor_run(-0.1), "lr"),
    (lambda: doctor.doctor_run(0.1, "cosine"), "schedule"),
    (lambda: doctor.doctor_run(0.1, "constant", 0), "batch_size"),
    (lambda: doctor.doctor_run(0.1, "constant", 32, seed=-1), "seed"),
    (lambda: doctor.range_test(1000), "batch_size"),
])
def test_bad_settings_are_named(call, message):
    with pytest.raises((TypeError, ValueError), match=message):
        call()


def test_update_moves_artists_and_verdict():
    explorer = widgets.DoctorExplorer(lr=0.0316, schedule="constant", batch_size=32)
    first = bytes(explorer.image.value)
    assert first.startswith(b"\x89PNG")
    assert "<b>healthy</b>" in explorer.verdict.value and "range test" in explorer.verdict.value
    explorer.update(lr=0.178)
    assert "<b>overfitting: validation rises</b>" in explorer.verdict.value
    assert bytes(explorer.image.value) != first
    assert list(explorer.ranges.chosen.get_xdata()) == [0.178, 0.178]
    _, val = explorer.losses.val.get_data()
    history = doctor.doctor_run(0.178, "constant", 32)
    np.testing.assert_allclose(val, history.val_losses)
    explorer.update(lr=3.16)
    assert "too high" in explorer.verdict.value


def test_slider_change_redraws():
    explorer = widgets.DoctorExplorer()
    before = explorer.verdict.value
    explorer.controls["schedule"].value = "step"  # as a student would, through the widget
    assert explorer.verdict.value != before and "step" in explorer.verdict.value


def test_a_rate_not_on_the_slider_starts_at_the_nearest():
    assert widgets.DoctorExplorer(lr=0.03).values()["lr"] == 0.0316


def test_snapshot_has_a_panel_per_setting_and_the_range_test():
    import matplotlib.pyplot as plt

    fig = widgets.doctor_snapshot()
    axes = [ax for ax in fig.axes if ax.get_visible()]
    assert len(axes) == len(widgets.doctor.SNAPSHOT_SETTINGS) + 1
    titles = [ax.get_title() for ax in axes]
    for verdict in ("too low", "healthy", "overfitting", "too high"):
        assert any(verdict in title for title in titles)
    assert all(ax.get_xlabel() for ax in axes) and all(ax.get_ylabel() for ax in axes)
    assert "Range test" in titles[-1]
    plt.close(fig)


def test_web_frames_are_the_explorers_own(tmp_path):
    """A few of the website's frames, drawn as the site build draws them (gdcore.widgets.web)."""
    from gdcore.widgets.web import WEB_EXPLORERS, frame_dpi, frame_grid, plain_text, render_frames

    kwargs = {"lr": 0.0316, "schedule": "constant", "batch_size": 32}  # the draft's widget cell
    explorer = widgets.DoctorExplorer(**kwargs)
    spec = WEB_EXPLORERS["DoctorExplorer"]
    controls, frames = frame_grid(explorer, spec)
    assert [c["count"] for c in controls] == [len(doctor.LRS), len(doctor.SCHEDULES), len(doctor.BATCH_SIZES)]
    assert frames[0]["values"] == {"lr": 0.001, "schedule": "constant", "batch_size": 32}
    verdicts = render_frames("DoctorExplorer", kwargs, 0, 2, str(tmp_path))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["0000.webp", "0001.webp"]
    for frame, verdict in zip(frames[:2], verdicts):
        reading = doctor.diagnose(doctor.doctor_run(**frame["values"]))
        assert reading.verdict in plain_text(verdict)
    assert frame_dpi(explorer, spec) * explorer.fig.get_figwidth() >= 1240


def test_the_doctor_runs_the_chapters_range_test():
    """One implementation: the doctor's range test is workflow.range_test on the doctor's network."""
    from gdcore.experiments import workflow

    p = doctor.doctor_problem()
    test = workflow.range_test(p.model, p.X_train, p.y_train, "sgd", *doctor.RANGE_LRS, steps=doctor.RANGE_UPDATES,
                               batch_size=64, seed=1, smoothing=doctor.RANGE_SMOOTHING)
    np.testing.assert_array_equal(test.smoothed, doctor.range_test(64, seed=1).smoothed)
    with pytest.raises(ValueError, match="same number of samples"):
        workflow.range_test(p.model, p.X_train, p.y_train[:-1])


def test_the_verdict_gives_the_range_tests_lowest_point_but_not_exercise_9_4s_ratio():
    explorer = widgets.DoctorExplorer(lr=0.178, schedule="constant", batch_size=128)
    lowest = doctor.range_test(128).lr_at_min
    line = explorer.verdict.value
    assert f"lowest at lr = {lowest:.3g}" in line  # what step 2 of the exercise reads
    assert "times" not in line and "your rate" not in line  # the factor is the student's to work out
