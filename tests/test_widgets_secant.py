import numpy as np

from gdcore import widgets


def test_update_moves_artists_and_verdict():
    explorer = widgets.SecantExplorer(function="sin(x)", x=1.0, h=1.0, method="forward")
    first = bytes(explorer.image.value)
    assert first.startswith(b"\x89PNG")
    assert "above" in explorer.verdict.value
    explorer.update(h=0.0224)
    assert explorer.controls["h"].value == 0.0224
    assert "within" in explorer.verdict.value
    assert bytes(explorer.image.value) != first
    secant_x, secant_y = explorer.drawing.points.get_data()
    np.testing.assert_allclose(secant_x, [1.0, 1.0224])


def test_slider_change_redraws():
    explorer = widgets.SecantExplorer()
    before = explorer.verdict.value
    explorer.controls["method"].value = "central"  # as a student would, through the widget
    assert explorer.verdict.value != before


def test_snapshot_has_one_labelled_panel_per_step():
    import matplotlib.pyplot as plt

    fig = widgets.secant_snapshot(hs=(1.0, 0.1))
    axes = [ax for ax in fig.axes if ax.get_visible()]
    assert len(axes) == 2
    assert all(ax.get_xlabel() == "x" for ax in axes)
    assert "h = 0.1" in axes[1].get_title()
    plt.close(fig)
