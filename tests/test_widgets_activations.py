import numpy as np
import pytest

from gdcore import widgets
from gdcore.experiments import stacks


def test_update_moves_artists_and_verdict():
    explorer = widgets.ActivationExplorer(depth=10, width=128, activation="relu", scheme="N(0, 1)")
    first = bytes(explorer.image.value)
    assert first.startswith(b"\x89PNG")
    assert "exploding" in explorer.verdict.value
    explorer.update(scheme="kaiming_normal")
    assert "flat" in explorer.verdict.value
    assert bytes(explorer.image.value) != first
    layers, stds = explorer.drawing.act_line.get_data()
    assert list(layers) == list(range(1, 11))
    assert 0.5 < stds[-1] / stds[0] < 2
    explorer.controls["depth"].value = 4  # as a student would, through the widget
    assert len(explorer.drawing.hists.get_segments()) == 4  # one histogram per layer


def test_statistics_follow_the_theory():
    # Xavier on ReLU halves the variance per layer (fan_in = fan_out): std falls by 1/sqrt(2) per layer
    stats = stacks.stack_statistics(10, 128, "relu", "xavier_normal")
    ratio = stats["activation_std"][-1] / stats["activation_std"][0]
    assert ratio == pytest.approx(2 ** -4.5, rel=0.5)
    tanh = stacks.stack_statistics(10, 128, "tanh", "N(0, 1)")
    assert tanh["saturated"][-1] > 0.5
    word, sentence = stacks.verdict(tanh, "tanh")
    assert word == "saturated" and "std of the last hidden layer" in sentence
    tiny = stacks.stack_statistics(10, 128, "relu", "N(0, 0.0001)")
    assert stacks.verdict(tiny, "relu")[0] == "vanishing"


def test_bad_scheme():
    with pytest.raises(ValueError, match="scheme must be an initializer or one of"):
        stacks.deep_stack(3, 16, "relu", "he")


def test_snapshot_has_two_labelled_panels_per_scheme():
    import matplotlib.pyplot as plt

    fig = widgets.activation_snapshot(schemes=("N(0, 1)", "kaiming_normal"), depth=5, width=32)
    axes = fig.axes
    assert len(axes) == 4
    assert axes[1].get_ylabel() == "standard deviation"
    assert any("kaiming_normal: flat" in text.get_text() for text in axes[2].texts)
    assert np.all(np.isfinite(axes[1].lines[0].get_ydata()))
    plt.close(fig)


def test_backgrounds_are_reused_for_settings_seen_before():
    explorer = widgets.ActivationExplorer(depth=6, width=32, activation="tanh", scheme="xavier_normal")
    explorer.update(scheme="N(0, 1)")
    explorer.update(scheme="xavier_normal")
    seen = len(explorer.blitter._backgrounds)
    first = bytes(explorer.image.value)
    explorer.update(scheme="N(0, 1)")
    explorer.update(scheme="xavier_normal")
    assert len(explorer.blitter._backgrounds) == seen
    assert bytes(explorer.image.value) == first  # the same frame, drawn from the kept background


def test_frames_drawn_in_halves_are_the_frames_drawn_afresh():
    # A move redraws only the half whose axes changed, over the frame on screen.
    explorer = widgets.ActivationExplorer(depth=6, width=32, activation="relu", scheme="N(0, 1)")
    for move in ({"scheme": "kaiming_normal"}, {"depth": 12}, {"activation": "tanh"}, {"scheme": "N(0, 0.0001)"}):
        explorer.update(**move)
        in_halves = bytes(explorer.image.value)
        explorer.blitter.invalidate()
        explorer.update()
        assert bytes(explorer.image.value) == in_halves, move


def test_steady_axes_change_rarely_as_the_depth_moves():
    # Exploding ReLU (N(0, 1)): the values grow about elevenfold per layer. The histograms
    # count in a power of ten written at the axis's end, the deviations sit in bands, so a
    # sweep over every depth draws 3 and 6 distinct axes (axes fitted to the data: 19 and 18).
    explorer = widgets.ActivationExplorer(depth=2, width=128, activation="relu", scheme="N(0, 1)")
    hist_axes, std_axes = set(), set()
    for depth in range(2, 21):
        explorer.update(depth=depth)
        hist, std = explorer.blitter.key()
        hist_axes.add(hist)
        std_axes.add(std)
        ax = explorer.drawing.ax_hist
        high = ax.get_xlim()[1]
        assert high in (2, 5, 10) or (high <= 10 and explorer.drawing.unit.get_text() == "")
        values = np.concatenate([segment[:, 0] for segment in explorer.drawing.hists.get_segments()])
        assert 0 <= values.min() and values.max() <= high
        low, top = explorer.drawing.ax_std.get_ylim()
        _, stds = explorer.drawing.act_line.get_data()
        assert low * top == pytest.approx(1) and low < stds.min() and stds.max() < top
    assert explorer.drawing.unit.get_text() == "×10¹⁸"  # depth 20: values up to 5 × 10¹⁸
    assert len(hist_axes) <= 3 and len(std_axes) <= 6
