"""Tests of chapter 4's batch explorer and its static snapshot."""

import numpy as np
import pytest

from gdcore import widgets
from gdcore.experiments import batches


def test_airfoil_problem_is_standardized_and_solved():
    p = batches.airfoil_problem()
    assert p.X_train.shape == (1202, 5) and p.X_test.shape == (301, 5)
    np.testing.assert_allclose(p.X_train.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(p.X_train.std(axis=0), 1.0)
    assert p.best_loss == pytest.approx(p.model.loss(p.best_params, p.X_train, p.y_train))
    np.testing.assert_allclose(p.model.grad(p.best_params, p.X_train, p.y_train), 0.0, atol=1e-9)


def test_excess_curve_starts_at_zero_and_ends_at_the_last_epoch():
    x, excess, history = batches.excess_curve(32, 0.05)
    assert x[0] == 0 and x[-1] == pytest.approx(batches.MAX_EPOCHS)
    assert np.all(np.diff(x) > 0)
    assert np.all(np.isin(np.arange(batches.MAX_EPOCHS + 1), np.round(x, 12)))  # epoch ends included
    assert excess[-1] == pytest.approx(100 * (history.loss / batches.airfoil_problem().best_loss - 1))


def test_update_moves_artists_and_verdict():
    explorer = widgets.BatchExplorer(batch_size=8, lr=0.005, epochs=2)
    first = bytes(explorer.image.value)
    assert first.startswith(b"\x89PNG")
    assert "not within" in explorer.verdict.value and "2,404 samples" in explorer.verdict.value
    explorer.update(lr=0.02)
    assert "<b>within</b>" in explorer.verdict.value and "1.65%" in explorer.verdict.value
    assert bytes(explorer.image.value) != first
    x, _ = explorer.drawing.end.get_data()
    assert list(x) == [2]
    mini_x, _ = explorer.drawing.mini.get_data()
    assert len(mini_x) > 100  # 302 updates in 2 epochs of B = 8: the curve is sampled, not one point per epoch


def test_the_verdict_agrees_with_the_check():
    from gdcore import checks

    explorer = widgets.BatchExplorer(batch_size=4, lr=0.01, epochs=2)
    assert "<b>within</b>" in explorer.verdict.value
    assert checks.check_batch_budget(4, 0.01).passed


def test_diverged_runs_are_reported_in_words():
    explorer = widgets.BatchExplorer(batch_size=1, lr=0.5, epochs=1)
    assert "diverged" in explorer.verdict.value


def test_slider_change_redraws():
    explorer = widgets.BatchExplorer()
    before = explorer.verdict.value
    explorer.controls["epochs"].value = 4  # as a student would, through the widget
    assert explorer.verdict.value != before


def test_snapshot_has_one_labelled_panel_per_setting():
    import matplotlib.pyplot as plt

    fig = widgets.batch_snapshot(settings=((32, 0.005), (8, 0.02)), epochs=2)
    axes = [ax for ax in fig.axes if ax.get_visible()]
    assert len(axes) == 2
    assert all(ax.get_xlabel() == "epochs (samples seen / n)" for ax in axes)
    assert "1.65% above optimum" in axes[1].get_title()
    plt.close(fig)


def test_snapshot_says_where_a_run_diverged_and_titles_in_percent():
    import matplotlib.pyplot as plt

    fig = widgets.batch_snapshot(settings=((32, 0.005), (32, 0.5)), epochs=2)
    axes = [ax for ax in fig.axes if ax.get_visible()]
    assert "% above optimum" in axes[0].get_title() and "times" not in axes[0].get_title()
    assert any("stochastic: diverged" in text.get_text() for text in axes[1].texts)
    assert not any("diverged" in text.get_text() for text in axes[0].texts)
    plt.close(fig)


@pytest.mark.parametrize("excess, words", [
    (1.2345, "1.23% above the optimum"), (250.0, "3.5 times the optimum"), (np.inf, "diverged"),
    (167_900.0, "1,680 times the optimum"),
])
def test_describe_excess(excess, words):
    assert batches.describe_excess(excess) == words
