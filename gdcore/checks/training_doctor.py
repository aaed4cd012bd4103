"""Check of chapter 9's widget exercise 9.4: the loss-curve doctor (folded into ``training.py`` later)."""

from __future__ import annotations

import numpy as np

from ..experiments import doctor
from ._answers import graded, positive
from ._core import exercise, failed, passed

__all__ = ["check_calm_lr", "calm_lrs"]

#: Exercise 9.4's setting: a constant learning rate with batches of this size.
CALM_BATCH_SIZE = 32


def calm_lrs(schedule: str = "constant", batch_size: int = CALM_BATCH_SIZE, seed: int = doctor.SEED) -> list:
    """The doctor's rates whose validation curve does not rise in the budget (no overfitting, spike or
    divergence), at ``schedule`` and ``batch_size``, in increasing order."""
    return [lr for lr in doctor.LRS if not doctor.diagnose(doctor.doctor_run(lr, schedule, batch_size, seed)).rises]


def _reading(lr: float) -> doctor.Diagnosis:
    return doctor.diagnose(doctor.doctor_run(lr, "constant", CALM_BATCH_SIZE))


@exercise("9.4", "the largest calm learning rate (widget)")
@graded
def check_calm_lr(largest_calm_lr):
    """The largest of the doctor's rates (B = 32, constant) whose validation loss does not rise in 15 epochs."""
    lr = positive(largest_calm_lr, "largest_calm_lr", "0.0316")
    offered = min(doctor.LRS, key=lambda option: abs(np.log(option / lr)))
    if abs(lr / offered - 1) > 0.01:
        return failed(f"largest_calm_lr = {lr:g} is not one of the doctor's learning rates (0.001, 0.00178, "
                      f"0.00316, ..., 3.16): write one of the values its slider shows.")
    largest = max(calm_lrs())
    reading = _reading(offered)
    setting = f"With B = {CALM_BATCH_SIZE}, a constant schedule and lr = {offered:g}"
    if reading.rises:
        return failed(f"{setting} the doctor's verdict is '{reading.verdict}': the validation curve rises "
                      f"within the {doctor.EPOCHS} epochs. Take a smaller rate.")
    if offered < largest:
        return failed(f"{setting} the validation curve does not rise (verdict '{reading.verdict}'), but a "
                      f"larger rate on the slider keeps it down too: move the learning rate further right "
                      f"until the verdict changes to overfitting, then take one step back.")
    above = doctor.LRS[doctor.LRS.index(offered) + 1] if offered != doctor.LRS[-1] else None
    beyond = ""
    if above is not None:
        next_reading = _reading(above)
        beyond = (f" One step up, at lr = {above:g}, the verdict is '{next_reading.verdict}' (the validation "
                  f"loss ends {next_reading.rise_in_words()} its lowest, reached at epoch "
                  f"{next_reading.best_epoch}).")
    return passed(f"{setting} the validation loss is lowest at epoch {reading.best_epoch} and ends "
                  f"{reading.rise_in_words()} it (verdict '{reading.verdict}').{beyond}")
