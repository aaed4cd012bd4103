"""Check of chapter 9's widget exercise 9.4: the loss-curve doctor (folded into ``training.py`` later)."""

from __future__ import annotations

import numpy as np

from ..experiments import doctor
from ._answers import graded, positive
from ._core import exercise, failed, passed

__all__ = ["check_calm_factor", "calm_lrs", "calm_factor_of"]

#: Exercise 9.4's setting: a constant learning rate with batches of this size (the whole training set; the
#: static figure shows batches of 32 only, so the exercise is read off the explorer).
CALM_BATCH_SIZE = 128
#: How far (as a fraction) an answer may lie from the factor computed from the explorer's 3-digit readings.
TOLERANCE = 0.03


def calm_lrs(schedule: str = "constant", batch_size: int = CALM_BATCH_SIZE, seed: int = doctor.SEED) -> list:
    """The doctor's rates whose validation curve does not rise in the budget (no overfitting, spike or
    divergence), at ``schedule`` and ``batch_size``, in increasing order."""
    return [lr for lr in doctor.LRS if not doctor.diagnose(doctor.doctor_run(lr, schedule, batch_size, seed)).rises]


def calm_factor_of(batch_size: int = CALM_BATCH_SIZE, seed: int = doctor.SEED) -> float:
    """The range test's lowest point divided by the largest calm constant rate (both as the explorer shows
    them, to 3 significant digits), at ``batch_size`` and ``seed``."""
    lowest = float(f"{doctor.range_test(batch_size, seed).lr_at_min:.3g}")
    return lowest / max(calm_lrs("constant", batch_size, seed))


def _reading(lr: float, batch_size: int = CALM_BATCH_SIZE) -> doctor.Diagnosis:
    return doctor.diagnose(doctor.doctor_run(lr, "constant", batch_size))


def _implied_rate(factor: float, batch_size: int) -> float | None:
    """The slider's rate that ``factor`` implies with the range test of ``batch_size`` (None if none does)."""
    lowest = float(f"{doctor.range_test(batch_size).lr_at_min:.3g}")
    rate = min(doctor.LRS, key=lambda option: abs(np.log(option * factor / lowest)))
    return rate if abs(lowest / factor / rate - 1) <= TOLERANCE else None


@exercise("9.4", "the largest calm rate and the range test (widget)")
@graded
def check_calm_factor(calm_factor):
    """The range test's lowest point over the largest calm constant rate, with batches of 128 (seed 0)."""
    factor = positive(calm_factor, "calm_factor", "5.0")
    expected = calm_factor_of()
    if abs(factor / expected - 1) <= TOLERANCE:
        largest = max(calm_lrs())
        reading = _reading(largest)
        above = doctor.LRS[doctor.LRS.index(largest) + 1]
        next_reading = _reading(above)
        return passed(f"calm_factor = {factor:.3g}: with B = {CALM_BATCH_SIZE} the range test's loss is lowest at a "
                      f"rate {expected:.3g} times the largest calm constant rate, {largest:g} (whose validation "
                      f"loss ends {reading.rise_in_words()} its lowest; one step up, at {above:g}, the verdict "
                      f"is '{next_reading.verdict}', {next_reading.rise_in_words()}).")
    rate = _implied_rate(factor, CALM_BATCH_SIZE)
    if rate is None:
        if factor < 1:
            return failed(f"calm_factor = {factor:.3g} is below 1: the range test's lowest point lies above the "
                          f"rates that train calmly. Divide the lowest point by the largest calm rate, not the "
                          f"other way round.")
        if any(_implied_rate(factor, size) is not None for size in doctor.BATCH_SIZES if size != CALM_BATCH_SIZE):
            return failed(f"calm_factor = {factor:.3g} fits the range test of another batch size: set the batch "
                          f"size to {CALM_BATCH_SIZE} for both readings (the range test changes with it).")
        return failed(f"calm_factor = {factor:.3g} is not the range test's lowest point (B = {CALM_BATCH_SIZE}, "
                      f"printed in the verdict line) divided by a rate the slider offers: check both readings.")
    reading = _reading(rate)
    setting = f"Your factor puts the largest calm rate at lr = {rate:g}, where (B = {CALM_BATCH_SIZE}, constant)"
    if reading.rises:
        return failed(f"{setting} the verdict is '{reading.verdict}': the validation curve rises within the "
                      f"{doctor.EPOCHS} epochs. The largest calm rate is smaller.")
    return failed(f"{setting} the validation curve does not rise (verdict '{reading.verdict}'), but a larger "
                  f"rate on the slider keeps it down too: move the learning rate further right until the "
                  f"verdict changes, then take one step back.")
