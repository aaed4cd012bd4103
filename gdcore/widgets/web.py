"""The explorers on the website: frames drawn by the explorers themselves, over a grid of settings.

The website has no kernel, so each explorer's web version is a set of
precomputed frames: for every position of its web controls (a grid of the
notebook controls' own positions), the explorer's own :meth:`Explorer.update`
draws the figure and returns the verdict, exactly as in the notebook. The
page swaps the frames as its sliders move (``_static/web_explorer.js``), so
no maths runs in the browser and the web and the notebook cannot disagree.

:data:`WEB_EXPLORERS` says, per explorer class, which controls the website
offers and at which positions (the others keep the values of the chapter's
widget cell); :func:`frame_grid` lists the settings, and :func:`render`
draws them (the site build calls it, see ``_ext/web_explorers.py``).
"""

from __future__ import annotations

import html
import io
import itertools
import math
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import ipywidgets
import matplotlib as mpl
import numpy as np
from PIL import Image

from .._validation import check_choice
from ._live import FRAME_STYLE, frames_wanted

__all__ = ["WebControl", "WebSpec", "WEB_EXPLORERS", "frame_grid", "notebook_positions", "render",
           "render_frames", "plain_text"]


@dataclass(frozen=True)
class WebControl:
    """One control of a web explorer.

    * ``name``: the explorer's control (a keyword of ``update``).
    * ``positions``: the values offered, in order; empty means every position
      of the notebook control, or every ``every``-th one through its default.
    * ``by``: for positions that depend on another web control (a slider's
      range on a landscape), ``positions`` maps that control's value to them.
    """

    name: str
    positions: tuple | dict = ()
    every: int = 1
    by: str | None = None


@dataclass(frozen=True)
class WebSpec:
    """Which controls the website offers, and how its frames are drawn."""

    controls: tuple
    dpi: int = 120  # at least this; raised so a frame has MIN_WIDTH pixels (see frame_dpi)
    colors: int = 32  # palette size (the figures use a few flat colours)
    notebook_only: tuple = field(default=())  # the controls left to the notebook (documentation, and the page says so)


# Eight evenly spaced positions per axis and landscape. The line-fit grid holds the notebook's
# default point (0.5, 3.0); the Himmelblau grid holds (-0.25, -1.0), next to the local maximum,
# where |∇L| < 2 (exercise 2.3).
_GRADIENT_X = {"line fit": tuple(-0.25 + 0.75 * k for k in range(8)),
               "Himmelblau": tuple(-4.0 + 1.25 * k for k in range(8))}
_GRADIENT_Y = {"line fit": tuple(-2.0 + 1.0 * k for k in range(8)),
               "Himmelblau": tuple(-4.75 + 1.25 * k for k in range(8))}

# Grids written out (not derived from the widget cell's defaults), so that the exercises'
# answers stay on them whatever start the chapter gives its explorer.
_LRS = tuple(10 ** round(-1 + 0.06 * j, 10) for j in range(-50, 22))  # 10^-4 ... 10^0.26
_MOMENTA = tuple(round(0.02 * k, 2) for k in range(50))  # 0, 0.02, ..., 0.98
_DEPTHS = tuple(range(2, 21, 2))

#: The web version of each explorer (keyed by class name); see the module docstring.
WEB_EXPLORERS = {
    # Exercise 1.4 (forward, sin, x = 1): the log slider's positions 10^(-3 + 0.05k) hold 0.0224.
    "SecantExplorer": WebSpec(
        controls=(WebControl("method"), WebControl("h")), dpi=100, notebook_only=("f", "x")),
    "GradientExplorer": WebSpec(
        controls=(WebControl("name", positions=("line fit", "Himmelblau")),
                  WebControl("x", positions=_GRADIENT_X, by="name"),
                  WebControl("y", positions=_GRADIENT_Y, by="name")),
        dpi=100, notebook_only=("the other landscapes", "steps of 0.01")),
    # Exercise 3.3 (500 steps): every 12th position of the notebook's log slider (steps of
    # 10^0.06) through 0.1 holds 10^-0.64 = 0.2291, within 3% of 2/L = 0.2347.
    "LearningRateExplorer": WebSpec(
        controls=(WebControl("steps", positions=(100, 500)), WebControl("lr", positions=_LRS)),
        dpi=110, notebook_only=("landscape", "start θ₁", "start θ₂", "other budgets")),
    # Exercise 4.4: the budget of 2 epochs, every batch size and learning rate.
    "BatchExplorer": WebSpec(
        controls=(WebControl("batch_size"), WebControl("lr")), notebook_only=("epochs",)),
    # Exercise 5.3: momentum in steps of 0.02 (the fastest, 0.66, is among them), 1000 steps.
    "RaceExplorer": WebSpec(
        controls=(WebControl("steps", positions=(300, 1000)), WebControl("momentum", positions=_MOMENTA)),
        notebook_only=("landscape", "racers", "lr", "adaptive lr", "Adam β₁", "Adam β₂",
                                  "start θ₁", "start θ₂")),
    # Exercise 6.4: ReLU, depth 10, width 128, every initialization.
    "ActivationExplorer": WebSpec(
        controls=(WebControl("activation"), WebControl("scheme"), WebControl("depth", positions=_DEPTHS)),
        notebook_only=("width", "odd depths")),
    # Exercise 7.3: the notebook's positions 10^(-1 + 0.25k) hold the best unit, 10^5.5.
    "ScalingExplorer": WebSpec(controls=(WebControl("scaling"), WebControl("factor")), dpi=160),
    # Exercise 9.4 (batch size 32, constant schedule): every learning rate of the notebook's slider.
    "DoctorExplorer": WebSpec(controls=(WebControl("lr"), WebControl("schedule"), WebControl("batch_size"))),
    # Exercise 8.3: every step of the default expression at x = 1, y = -0.5.
    "GraphStepper": WebSpec(controls=(WebControl("step"),), dpi=160,
                            notebook_only=("f", "x", "y")),
}


def _explorer_class(name: str):
    from . import __dict__ as exported

    check_choice(name, "explorer", tuple(WEB_EXPLORERS))
    return exported[name]


def notebook_positions(control, default, every: int = 1) -> tuple:
    """The values a notebook control can take, in order (every ``every``-th slider position through
    ``default``)."""
    if isinstance(control, (ipywidgets.Dropdown, ipywidgets.ToggleButtons, ipywidgets.SelectionSlider)):
        values = tuple(value for _, value in control._options_full) if hasattr(control, "_options_full") \
            else tuple(control.options)
        return values[values.index(default) % every::every]
    log = isinstance(control, ipywidgets.FloatLogSlider)
    here = float(np.log(default) / np.log(control.base)) if log else float(default)
    step = control.step * every
    low = here - step * np.floor((here - control.min) / step + 1e-9)
    count = int(np.floor((control.max - low) / step + 1e-9)) + 1
    points = [round(low + k * step, 10) for k in range(count)]
    if isinstance(control, ipywidgets.IntSlider):
        return tuple(int(round(p)) for p in points)
    return tuple(float(control.base ** p) if log else p for p in points)


def _readout(control, value) -> str:
    """The value as the notebook control shows it."""
    if isinstance(control, (ipywidgets.Dropdown, ipywidgets.ToggleButtons, ipywidgets.SelectionSlider)):
        for label, option in control._options_full if hasattr(control, "_options_full") else []:
            if option == value:
                return str(label)
        return str(value)
    if isinstance(control, ipywidgets.IntSlider):
        return str(int(value))
    spec = control.readout_format or ".2f"
    return format(value, spec)


def _explorer_defaults(explorer) -> dict:
    return explorer.values()


def frame_grid(explorer, spec: WebSpec) -> tuple[list[dict], list[dict]]:
    """``(controls, frames)``: each web control's description, and every frame's settings in order.

    Frames are ordered like nested loops over ``spec.controls`` (the first is
    the outermost); each frame gives the values and their readouts.
    """
    defaults = _explorer_defaults(explorer)
    controls, options = [], []
    for web in spec.controls:
        control = explorer.controls[web.name]
        if web.by is not None:
            per = {key: tuple(values) for key, values in web.positions.items()}
            counts = {len(values) for values in per.values()}
            if len(counts) != 1:
                raise ValueError(f"{web.name}: every {web.by} needs as many positions; got {per}")
            options.append(per)
        else:
            positions = tuple(web.positions) or notebook_positions(control, defaults[web.name], web.every)
            options.append(positions)
        kind = "choice" if isinstance(control, (ipywidgets.Dropdown, ipywidgets.ToggleButtons)) else "range"
        controls.append({"name": web.name, "label": control.description, "kind": kind})
    frames = []
    counts = [len(next(iter(o.values()))) if isinstance(o, dict) else len(o) for o in options]
    for index in itertools.product(*(range(n) for n in counts)):
        values = dict(defaults)
        for web, positions, i in zip(spec.controls, options, index):
            values[web.name] = positions[values[web.by]][i] if web.by is not None else positions[i]
        frames.append({"index": list(index), "values": {w.name: values[w.name] for w in spec.controls}})
    # The web explorer starts where the notebook's does (or at the nearest position).
    for c, (web, positions) in enumerate(zip(spec.controls, options)):
        if web.by is not None:
            positions = positions[defaults[web.by]]
        default = defaults[web.name]
        if isinstance(default, str) or default in positions:
            start = positions.index(default)
        else:
            start = int(np.argmin([abs(float(p) - float(default)) for p in positions]))
        controls[c]["count"] = len(positions)
        controls[c]["start"] = start
        if controls[c]["kind"] == "choice":
            controls[c]["options"] = [_readout(explorer.controls[web.name], v) for v in positions]
    for frame in frames:
        frame["readouts"] = [_readout(explorer.controls[w.name], frame["values"][w.name]) for w in spec.controls]
    return controls, frames


_SWATCH = re.compile(r'<span style="color:\s*(#[0-9A-Fa-f]{3,8})">&#9632;</span>')


def web_verdict(verdict: str) -> str:
    """The verdict for the page: a coloured square of text becomes a swatch (a box, not a letter),
    and a ``<`` that opens no tag (``norm <= tol``) is escaped."""
    verdict = re.sub(r"<(?![A-Za-z/!])", "&lt;", verdict)
    return _SWATCH.sub(r'<span class="web-explorer-swatch" style="background:\1" aria-hidden="true"></span>',
                       verdict)


def plain_text(verdict: str) -> str:
    """A verdict without markup or swatches, with single spaces (for comparisons and alt text)."""
    text = re.sub(r"<br\s*/?>", " ", verdict)
    text = html.unescape(re.sub(r"<[^>]+>", "", text)).replace("\u25a0", "")
    return re.sub(r"\s+", " ", text).strip()


#: A frame's width in pixels, at least: 1.8 times the 654-pixel column it is shown in at 1280
#: pixels (so it is sharp on HiDPI screens, as the book's other figures are).
MIN_WIDTH = 1240


def frame_dpi(explorer, spec: WebSpec) -> int:
    """The resolution of ``explorer``'s frames: ``spec.dpi``, or more to reach :data:`MIN_WIDTH` pixels."""
    width_inches = explorer.fig.get_figwidth()
    return max(spec.dpi, math.ceil(MIN_WIDTH / width_inches))


def _encode(png: bytes, colors: int) -> bytes:
    """A frame as a palette WebP (lossless): the same pixels as a palette PNG, in about three quarters of the bytes."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    # Octree keeps the few saturated line colours (median cut greys them); no dithering noise.
    image = image.quantize(colors, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    buffer = io.BytesIO()
    image.save(buffer, format="webp", lossless=True, method=4)
    return buffer.getvalue()


def _set_dpi(explorer, dpi: int) -> None:
    """Draw ``explorer`` at ``dpi``, laid out again at that resolution (as the notebook's is at 80 dpi)."""
    fig = explorer.fig
    fig.set_dpi(dpi)
    fig.set_layout_engine("constrained")
    with mpl.rc_context(FRAME_STYLE):  # laid out with the letters its frames are drawn with
        fig.canvas.draw()
    fig.set_layout_engine("none")
    if explorer.blitter is not None:
        explorer.blitter.invalidate()


def _require_frames() -> None:
    if not frames_wanted():
        raise RuntimeError("GDCORE_EXPLORER_FRAMES=0 is set, so explorers draw no frames; the website's "
                           "explorers are made of frames: unset it to build the site.")


def render_frames(name: str, kwargs: dict, start: int, stop: int, out_dir: str) -> list[dict]:
    """Draw frames ``start:stop`` of explorer ``name`` (built with ``kwargs``) into ``out_dir``.

    Each frame is the explorer's own ``update`` at that setting; returns, per
    frame, its verdict (HTML, as the notebook shows it).
    """
    _require_frames()
    spec = WEB_EXPLORERS[name]
    explorer = _explorer_class(name)(**kwargs)
    _set_dpi(explorer, frame_dpi(explorer, spec))
    _, frames = frame_grid(explorer, spec)
    verdicts = []
    for k in range(start, stop):
        explorer.update(**frames[k]["values"])
        (Path(out_dir) / f"{k:04d}.webp").write_bytes(_encode(explorer.image.value, spec.colors))
        verdicts.append(explorer.verdict.value)
    return verdicts


def render(name: str, kwargs: dict, out_dir, jobs: int = 2, pool=None) -> dict:
    """Draw every frame of explorer ``name`` into ``out_dir`` and write its ``manifest.json``.

    The frames are split into ``2 * jobs`` runs of the explorer, drawn by
    ``pool`` (an executor) or here. Returns the manifest.
    """
    _require_frames()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    spec = WEB_EXPLORERS[name]
    explorer = _explorer_class(name)(**kwargs)
    controls, frames = frame_grid(explorer, spec)
    _set_dpi(explorer, frame_dpi(explorer, spec))
    width, height = (int(round(v)) for v in explorer.fig.canvas.get_width_height(physical=True))
    cuts = np.linspace(0, len(frames), min(2 * jobs, len(frames)) + 1).astype(int)
    parts = list(zip(cuts[:-1], cuts[1:]))
    if pool is None:
        verdicts = [render_frames(name, kwargs, a, b, str(out_dir)) for a, b in parts]
    else:
        futures = [pool.submit(render_frames, name, kwargs, int(a), int(b), str(out_dir)) for a, b in parts]
        verdicts = [future.result() for future in futures]
    for frame, verdict in zip(frames, itertools.chain.from_iterable(verdicts)):
        frame["verdict"] = web_verdict(verdict)
    for k, frame in enumerate(frames):
        frame["file"] = f"{k:04d}.webp"
        frame["values"] = {key: (value.item() if hasattr(value, "item") else value)
                           for key, value in frame["values"].items()}
    manifest = {"explorer": name, "kwargs": kwargs, "controls": controls, "frames": frames,
                "width": width, "height": height, "notebook_only": list(spec.notebook_only),
                "bytes": sum((out_dir / f["file"]).stat().st_size for f in frames)}
    (out_dir / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=0))
    return manifest
