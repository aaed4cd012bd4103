"""Tests of the landscape plots in gdcore.plotting: contours, paths, surfaces."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from gdcore import plotting
from gdcore.objectives import Himmelblau, LineFit, Rosenbrock


@pytest.fixture
def ax():
    fig, ax = plt.subplots()
    yield ax
    plt.close(fig)


def test_landscape_grid_covers_the_window():
    X, Y, Z = plotting.landscape_grid(Rosenbrock(), num=11)
    assert X.shape == Y.shape == Z.shape == (11, 11)
    assert (X.min(), X.max(), Y.min(), Y.max()) == (-2.0, 2.0, -1.0, 3.0)
    assert Z[0, 0] == pytest.approx(Rosenbrock()([-2.0, -1.0]))


def test_contour_levels_log_and_linear():
    Z = np.linspace(0.0, 100.0, 1001)
    log = plotting.contour_levels(Z, 5)
    assert len(log) == 5 and np.all(np.diff(log) > 0)
    assert np.allclose(np.diff(np.log(log)), np.log(log[1] / log[0]))  # geometric above the minimum 0
    lin = plotting.contour_levels(Z, 4, spacing="linear")
    assert np.allclose(np.diff(lin), lin[1] - lin[0])


def test_contour_labels_window_and_minima(ax):
    line = LineFit.example()
    plotting.contour(ax, line)
    assert ax.get_xlabel() == "slope $w$" and ax.get_ylabel() == "intercept $b$"
    assert ax.get_xlim() == line.xlim and ax.get_title() == line.name
    stars = [l for l in ax.get_lines() if l.get_label() == "minimum"]
    np.testing.assert_allclose(np.column_stack(stars[0].get_data()), line.minima)


def test_contour_marks_all_minima(ax):
    plotting.contour(ax, Himmelblau(), title="four")
    (stars,) = [l for l in ax.get_lines() if l.get_label() == "minima"]
    assert len(stars.get_xdata()) == 4 and ax.get_title() == "four"


def test_plot_path_draws_points_and_clips_divergence(ax):
    plotting.contour(ax, Rosenbrock())
    xs = np.array([[0.0, 0.0], [1.0, 1.0], [1e200, -1e200], [np.inf, 0.0]])
    line = plotting.plot_path(ax, xs, label="run")
    x, y = line.get_data()
    assert len(x) == 3  # the non-finite point is dropped
    assert np.all(np.abs(x) <= 2.0 + 10 * 4.0) and np.all(np.abs(y) <= 3.0 + 10 * 4.0)
    assert line.get_label() == "run"


def test_surface_with_path():
    fig = plt.figure()
    ax = fig.add_subplot(projection="3d")
    plotting.surface(ax, Himmelblau(), num=10, path=[[0.0, 0.0], [3.0, 2.0]], log=True)
    assert "log10" in ax.get_zlabel() and ax.get_title() == "Himmelblau"
    plt.close(fig)
