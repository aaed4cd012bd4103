"""The explorers' shared machinery: the PNG of a frame holds exactly the canvas's pixels."""

import io

import numpy as np
import pytest
from PIL import Image

from gdcore import widgets
from gdcore.widgets._live import encode_png


def test_png_decodes_to_the_canvas_pixels():
    explorer = widgets.SecantExplorer()
    canvas = explorer.fig.canvas
    png = encode_png(canvas)
    image = Image.open(io.BytesIO(png))
    image.load()  # checks every chunk's CRC and the compressed data
    assert image.mode == "RGB" and image.size == canvas.get_width_height(physical=True)
    assert np.array_equal(np.asarray(image), np.asarray(canvas.buffer_rgba())[:, :, :3])
    assert bytes(explorer.image.value) == png  # the widget shows this frame


def _outside_their_half(explorer) -> list:
    """The axes whose drawn extent (tick labels, labels, texts) reaches past their half of the figure.

    A half is redrawn alone over the frame on screen, so anything of it drawn beyond its rectangle
    would be painted over by its neighbour or left behind; the layout is made once, for the first
    setting, so a longer tick label later must still fit.
    """
    explorer.fig.canvas.draw()
    renderer = explorer.fig.canvas.get_renderer()
    outside = []
    for part in explorer.blitter.parts:
        for ax in part.axes:
            box = ax.get_tightbbox(renderer)
            if (box.x0 < part.bbox.x0 - 0.5 or box.x1 > part.bbox.x1 + 0.5
                    or box.y0 < part.bbox.y0 - 0.5 or box.y1 > part.bbox.y1 + 0.5):
                outside.append((ax.get_xlabel(), box.bounds, part.bbox.bounds))
    return outside


def test_every_setting_of_an_explorer_in_halves_stays_in_its_halves():
    from gdcore.experiments import stacks

    scaling = widgets.ScalingExplorer()
    slider = scaling.controls["factor"]
    for factor in 10.0 ** np.arange(slider.min, slider.max + slider.step / 2, slider.step):
        scaling.update(scaling="none", factor=factor)
        assert not _outside_their_half(scaling), factor
    for name in ("min-max", "standard"):
        scaling.update(scaling=name)
        assert not _outside_their_half(scaling), name
    stack = widgets.ActivationExplorer(depth=20, width=256)
    for activation in stacks.ACTIVATIONS:
        for scheme in stacks.SCHEMES:
            stack.update(activation=activation, scheme=scheme)
            assert not _outside_their_half(stack), (activation, scheme)


EXPLORERS = sorted(name for name in dir(widgets) if name.endswith("Explorer") or name == "GraphStepper")


@pytest.mark.parametrize("name", EXPLORERS)
def test_without_frames_an_explorer_gives_its_verdict_and_draws_nothing(monkeypatch, name):
    # What the grader's kernels run with (GDCORE_EXPLORER_FRAMES=0): the same verdict, at the
    # start and after its first control is moved to its end, and no frame drawn.
    def explore():
        explorer = getattr(widgets, name)()
        verdicts = [explorer.verdict.value]
        name_, control = next(iter(explorer.controls.items()))
        last = control._options_values[-1] if hasattr(control, "_options_values") else control.max
        explorer.update(**{name_: last})
        return verdicts + [explorer.verdict.value], len(explorer.image.value)

    verdicts, drawn = explore()
    monkeypatch.setenv("GDCORE_EXPLORER_FRAMES", "0")
    assert explore() == (verdicts, 0) and drawn > 0


def test_an_explorer_built_without_frames_stays_without_them(monkeypatch):
    # Its layout is fixed by its first frame: one built without frames never draws a frame
    # with an unsolved layout, even if frames are turned on later.
    monkeypatch.setenv("GDCORE_EXPLORER_FRAMES", "0")
    quiet = widgets.SecantExplorer()
    monkeypatch.setenv("GDCORE_EXPLORER_FRAMES", "1")
    quiet.update(h=0.5)
    assert len(quiet.image.value) == 0 and len(widgets.SecantExplorer().image.value) > 0


def test_the_websites_frames_refuse_to_build_without_frames(monkeypatch, tmp_path):
    from gdcore.widgets import web

    monkeypatch.setenv("GDCORE_EXPLORER_FRAMES", "0")
    with pytest.raises(RuntimeError, match="GDCORE_EXPLORER_FRAMES=0"):
        web.render("LearningRateExplorer", {}, tmp_path)
    with pytest.raises(RuntimeError, match="GDCORE_EXPLORER_FRAMES=0"):
        web.render_frames("LearningRateExplorer", {}, 0, 1, str(tmp_path))
