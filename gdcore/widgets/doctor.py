"""Chapter 9's explorer, the loss-curve doctor: pick a learning rate, a schedule and a batch size.

Left panel: the training and validation loss of the doctor's small digits
network after every epoch of a 15-epoch run at that setting, the
lowest validation loss marked. Right panel: the learning-rate range test of
the same network and batch size (the smoothed training loss while the rate
grows update by update), with the chosen rate marked by a vertical line and
the span of rates the run's schedule used by a bar along the bottom. The
verdict under the figure is the doctor's reading of the curves ("too high:
diverges", "too high: loss spikes", "overfitting: validation rises", "too
low: still falling", "healthy"), which exercise 9.4 uses.

Everything shown is computed by :mod:`gdcore.experiments.doctor` (cached
per setting; the range tests of every batch size when the explorer is
built). Rendering is blitted: the axes are fixed, so a frame redraws only
the curves and markers.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
from matplotlib.ticker import MultipleLocator

from ..experiments import doctor
from ..plotting import PALETTE
from ._live import Blitter, Explorer, few_log_ticks, new_figure

#: The loss panel's fixed range (linear, as a training log shows it; the loss starts near ln 10 ≈ 2.3
#: plus the noise of the initialization); losses beyond it are drawn at its edge.
LOSS_RANGE = (0.0, 3.5)
#: The range-test panel's fixed vertical range.
RANGE_LOSS = (0.0, 4.0)
#: Colours of the verdicts (the snapshot's panel titles).
VERDICT_COLORS = {"too high: diverges": PALETTE[1], "too high: loss spikes": PALETTE[1],
                  "overfitting: validation rises": PALETTE[3], "too low: still falling": PALETTE[4],
                  "healthy": PALETTE[2]}


def _lr_label(lr: float) -> str:
    return f"{lr:.3g}"


class _LossDrawing:
    """The loss-curve panel and its artists; shared by the explorer and the snapshot."""

    def __init__(self, ax):
        self.ax = ax
        epochs = np.arange(doctor.EPOCHS + 1)
        (self.train,) = ax.plot(epochs, np.ones_like(epochs, dtype=float), color=PALETTE[0], label="training")
        (self.val,) = ax.plot(epochs, np.ones_like(epochs, dtype=float), color=PALETTE[1], label="validation")
        (self.best,) = ax.plot([], [], "o", color=PALETTE[1], markersize=6, markerfacecolor="white",
                               markeredgewidth=1.5, label="lowest validation loss", zorder=5,
                               clip_on=False)  # whole, also at the last epoch
        self.note = ax.text(0.03, 0.05, "", transform=ax.transAxes, fontsize=8, va="bottom",
                            bbox=dict(facecolor="white", edgecolor="none", alpha=0.85))
        ax.set_ylim(*LOSS_RANGE)
        ax.set_xlim(0, doctor.EPOCHS)
        ax.xaxis.set_major_locator(MultipleLocator(5))
        ax.set_xlabel("epoch")
        ax.set_ylabel("loss L (cross-entropy)")

    def draw(self, lr: float, schedule: str, batch_size: int) -> doctor.Diagnosis:
        history = doctor.doctor_run(lr, schedule, batch_size)
        diagnosis = doctor.diagnose(history)
        low, high = LOSS_RANGE
        for line, losses in ((self.train, history.epoch_losses), (self.val, history.val_losses)):
            shown = np.clip(np.where(np.isfinite(losses), losses, np.inf), low, 1.2 * high)  # leaves the chart
            line.set_data(np.arange(len(shown)), shown)
        self.best.set_data([diagnosis.best_epoch], [min(diagnosis.best_val, high)])
        self.note.set_text(f"diverged in epoch {history.epochs + 1}: the curves leave the chart"
                           if history.diverged else "")
        return diagnosis


class _RangeDrawing:
    """The range-test panel: the smoothed loss against the rate, the chosen rate, the rates used."""

    def __init__(self, ax):
        self.ax = ax
        ax.set_xscale("log")
        ax.set_xlim(*doctor.RANGE_LRS)
        (self.curve,) = ax.plot([], [], color=PALETTE[6], lw=1.5, label="range test (smoothed)")
        (self.lowest,) = ax.plot([], [], "v", color=PALETTE[6], markersize=7, label="its lowest loss")
        self.chosen = ax.axvline(0.01, color=PALETTE[0], lw=1.5, ls="--", label="your learning rate")
        (self.used,) = ax.plot([], [], color=PALETTE[0], lw=6, alpha=0.45, solid_capstyle="butt",
                               label="rates your schedule used")
        ax.set_ylim(*RANGE_LOSS)
        few_log_ticks(ax.xaxis)
        ax.set_xlabel("learning rate α")
        ax.set_ylabel("training loss L (smoothed)")

    def draw(self, lr: float, batch_size: int, history=None) -> doctor.RangeTest:
        test = doctor.range_test(batch_size)
        self.curve.set_data(test.lrs, np.clip(test.smoothed, *RANGE_LOSS))
        self.lowest.set_data([test.lr_at_min], [min(float(np.min(test.smoothed)), RANGE_LOSS[1])])
        self.chosen.set_xdata([lr, lr])
        if history is not None and len(history.lrs):
            used = history.lrs[history.lrs > 0]
            self.used.set_data([used.min() / 1.1, used.max() * 1.1], [0.12, 0.12])  # visible when constant
        else:
            self.used.set_data([], [])
        return test


def _verdict_html(lr, schedule, batch_size, diagnosis, test) -> str:
    # The range test's lowest point, not its ratio to the chosen rate: at the largest calm rate
    # that ratio is exercise 9.4's answer, and the web version shows this line to every reader.
    return (f"B = {batch_size}, {schedule}, lr = {_lr_label(lr)}: <b>{diagnosis.verdict}</b>. "
            f"{diagnosis.explain()[0].upper()}{diagnosis.explain()[1:]} "
            f"The range test's loss is lowest at lr = {_lr_label(test.lr_at_min)}.")


class DoctorExplorer(Explorer):
    """The loss-curve doctor: a learning rate, a schedule and a batch size; the curves and the verdict."""

    def __init__(self, lr: float = 0.0316, schedule: str = "constant", batch_size: int = 32):
        lr = min(doctor.LRS, key=lambda option: abs(np.log(option / lr)))  # the nearest rate offered
        self.controls = {
            "lr": widgets.SelectionSlider(options=[(_lr_label(x), x) for x in doctor.LRS], value=lr,
                                          description="learning rate", continuous_update=False),
            "schedule": widgets.Dropdown(options=list(doctor.SCHEDULES), value=schedule, description="schedule"),
            "batch_size": widgets.SelectionSlider(options=list(doctor.BATCH_SIZES), value=batch_size,
                                                  description="batch size", continuous_update=False),
        }
        self.fig = new_figure(figsize=(8.0, 4.0))
        ax_loss, ax_range = self.fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.15, 1]})
        self.losses = _LossDrawing(ax_loss)
        self.ranges = _RangeDrawing(ax_range)
        ax_loss.set_title(f"Loss curves, {doctor.EPOCHS} epochs")
        ax_range.set_title("Learning-rate range test")
        handles = [self.losses.train, self.losses.val, self.losses.best, self.ranges.curve, self.ranges.lowest,
                   self.ranges.chosen, self.ranges.used]
        # below the axes, so that no curve is ever drawn over it (the legend is static when blitting)
        self.fig.legend(handles, [h.get_label() for h in handles], loc="outside lower center", ncol=4, fontsize=8)
        d, r = self.losses, self.ranges
        self.blitter = Blitter(self.fig, [d.train, d.val, d.best, d.note, r.curve, r.lowest, r.chosen, r.used])
        for size in doctor.BATCH_SIZES:  # a few tens of milliseconds each; a new batch size only trains
            doctor.range_test(size)
        self._build_ui()

    def _draw(self, lr, schedule, batch_size) -> str:
        diagnosis = self.losses.draw(lr, schedule, batch_size)
        test = self.ranges.draw(lr, batch_size, doctor.doctor_run(lr, schedule, batch_size))
        return _verdict_html(lr, schedule, batch_size, diagnosis, test)


#: The snapshot's default settings: one of each verdict, at batch size 32.
SNAPSHOT_SETTINGS = ((0.00316, "constant", 32), (0.0316, "constant", 32), (0.1, "warm-up + cosine", 32),
                     (0.178, "constant", 32), (0.562, "constant", 32))


def doctor_snapshot(settings=SNAPSHOT_SETTINGS):
    """The static stand-in for the explorer: one loss panel per ``(lr, schedule, batch_size)`` and the
    range test of the first setting's batch size with every setting's rate marked; returns the figure."""
    import matplotlib.pyplot as plt

    settings = [(min(doctor.LRS, key=lambda o: abs(np.log(o / lr))), schedule, size)
                for lr, schedule, size in settings]
    n = len(settings) + 1
    cols = 3
    rows = -(-n // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(3.9 * cols, 3.3 * rows), layout="constrained")
    axes = np.ravel(axes)
    for i, (ax, (lr, schedule, size)) in enumerate(zip(axes, settings)):
        drawing = _LossDrawing(ax)
        diagnosis = drawing.draw(lr, schedule, size)
        ax.set_title(f"α = {_lr_label(lr)}, {schedule}, B = {size}\n{diagnosis.verdict}", fontsize=10,
                     color=VERDICT_COLORS[diagnosis.verdict])
    ax = axes[len(settings)]
    drawing = _RangeDrawing(ax)
    test = drawing.draw(settings[0][0], settings[0][2])
    drawing.chosen.remove()
    drawing.used.remove()
    for lr, schedule, size in settings:
        verdict = doctor.diagnose(doctor.doctor_run(lr, schedule, size)).verdict
        ax.axvline(lr, color=VERDICT_COLORS[verdict], lw=1.2, ls="--")
    (marks,) = ax.plot([], [], color="gray", ls="--", label="the panels' rates\n(coloured by verdict)")
    first = axes[0].get_lines()[:3]
    handles = [*first, drawing.curve, drawing.lowest, marks]
    fig.legend(handles, [h.get_label() for h in handles], loc="outside lower center", ncol=6, fontsize=9)
    ax.set_title(f"Range test, B = {settings[0][2]}: lowest at α = {_lr_label(test.lr_at_min)}", fontsize=10)
    for ax in axes[n:]:
        ax.set_visible(False)
    fig.suptitle("The loss-curve doctor: training and validation loss at five settings")
    return fig
