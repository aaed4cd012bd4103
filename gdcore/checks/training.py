"""Checks for chapter 9, training a network end to end."""

from __future__ import annotations

import math

import numpy as np

from ..experiments import workflow
from ..optimizers import SGD
from ._answers import WrongType, function, graded, positive, returned
from ._core import exercise, failed, fmt, passed

__all__ = ["check_warmup_cosine", "check_early_stop", "check_diagnosis"]


# ---- 9.1 ------------------------------------------------------------------------------------

def _schedule(lr: float, warmup_steps: int, total_steps: int) -> list[float]:
    """The chapter's warm-up + cosine, from gdcore's schedulers, at t = 0 .. total_steps."""
    opt = SGD(lr=lr)
    scheduler = workflow.make_scheduler(opt, "cosine", total_steps, warmup_steps)
    rates = [opt.lr]
    for _ in range(total_steps):
        scheduler.step()
        rates.append(opt.lr)
    return rates


@exercise("9.1", "warm-up, then half a cosine")
@graded
def check_warmup_cosine(warmup_cosine):
    """``warmup_cosine(t, lr, warmup_steps, total_steps)``: linear warm-up from lr/10, then half a cosine to 0."""
    function(warmup_cosine, "warmup_cosine", "warmup_cosine(t, lr, warmup_steps, total_steps)")
    for lr, warmup, total in ((0.5, 10, 110), (0.003, 17, 340)):
        expected = _schedule(lr, warmup, total)
        call = f"warmup_cosine(t, {lr}, {warmup}, {total})"
        got = [returned(warmup_cosine(t, lr, warmup, total), call.replace("t,", f"{t},", 1))
               for t in range(total + 1)]
        wrong = [t for t in range(total + 1) if not math.isclose(got[t], expected[t], rel_tol=1e-9, abs_tol=1e-12)]
        if not wrong:
            continue
        t = wrong[0]
        at = f"{call.replace('t,', f'{t},', 1)} returned {fmt(got[t])}, expected {fmt(expected[t])}."
        if t == 0 and got[0] == 0:
            return failed(f"{at} The warm-up starts at lr / 10, not at 0 (a first update of size 0 does nothing).")
        if t < warmup:
            return failed(f"{at} During the warm-up the factor grows linearly from 0.1 at t = 0 to 1 at "
                          "t = warmup_steps.")
        if math.isclose(got[total], 0.0, abs_tol=1e-12) is False and t == total:
            return failed(f"{at} At t = total_steps the cosine should have reached 0.")
        return failed(f"{at} After the warm-up, the cosine's argument runs from 0 to pi over the "
                      "remaining total_steps - warmup_steps updates (measure progress from warmup_steps).")
    return passed("Your schedule matches gdcore's SequentialLR([LinearLR, CosineAnnealingLR]) at every "
                  "update of two runs: lr / 10 at the start, lr after the warm-up, 0 at the end.")


# ---- 9.2 ------------------------------------------------------------------------------------

def _early_stop(val_losses, patience: int) -> tuple[int, int]:
    """What ``descent.fit(..., patience=patience)`` does with these validation losses."""
    best = 0
    for epoch in range(1, len(val_losses)):
        if val_losses[epoch] < val_losses[best]:
            best = epoch
        elif epoch - best >= patience:
            return best, epoch
    return best, len(val_losses) - 1


#: (validation losses after epochs 0, 1, ..., patience): the cases the check tries.
_CURVES = (
    ([2.3, 1.0, 0.6, 0.5, 0.55, 0.6, 0.62, 0.7, 0.8, 0.9], 3),
    ([2.3, 1.0, 0.6, 0.5, 0.55, 0.6, 0.62, 0.7, 0.8, 0.9], 1),
    ([2.3, 1.0, 0.8, 0.8, 0.8, 0.79, 0.8, 0.8, 0.8, 0.8], 2),  # ties are no improvement
    ([2.3, 1.0, 0.8, 0.7, 0.6, 0.5], 2),                      # never stops early
    ([2.3, 2.4, 2.5, 2.6, 2.7], 3),                           # never improves
    ([2.3, 1.0, 1.1, 1.2, 0.9, 1.0, 1.1, 1.2, 1.3], 3),       # a second minimum resets the count
)


@exercise("9.2", "when does early stopping stop?")
@graded
def check_early_stop(early_stop):
    """``early_stop(val_losses, patience)`` should return ``(best_epoch, stop_epoch)`` as fit's patience rule."""
    function(early_stop, "early_stop", "early_stop(val_losses, patience)")
    for losses, patience in _CURVES:
        expected = _early_stop(losses, patience)
        result = early_stop(list(losses), patience)
        call = f"early_stop({losses}, patience={patience})"
        if not isinstance(result, (tuple, list)) or len(result) != 2:
            raise WrongType(f"{call} should return a pair (best_epoch, stop_epoch); it returned {result!r:.60}.")
        got = tuple(int(returned(v, call)) for v in result)
        if got == expected:
            continue
        message = f"{call} returned {got}."
        with_ties = _early_stop([v - 1e-9 * k for k, v in enumerate(losses)], patience)
        if got == with_ties:
            return failed(f"{message} A loss equal to the best so far is not an improvement: compare with <, not <=.")
        if got[0] == expected[0] and got[1] in (expected[1] - 1, expected[1] + 1):
            return failed(f"{message} The best epoch is right; the stop is one epoch off: stop at the first "
                          "epoch that is `patience` epochs after the best one.")
        if got[0] != expected[0] and got[0] == int(np.argmin(losses[:got[1] + 1])) and got[1] == expected[1]:
            return failed(f"{message} The best epoch should be the first epoch of the lowest loss.")
        return failed(f"{message} Remember the best epoch so far, update it only on a strictly lower loss, "
                      "and stop once the current epoch is `patience` past it (or at the last epoch).")
    return passed(f"Your rule agrees with fit(..., patience=...) on all {len(_CURVES)} curves, "
                  "including ties, a second minimum and a run that never stops early.")


# ---- 9.3 ------------------------------------------------------------------------------------

#: The learning rate of exercise 9.3's slow run must bring its validation loss below this in 5 epochs.
FIXED_TARGET = 0.2
DIAGNOSES = ("too high", "too low", "bug")


def _truth() -> dict:
    truth = {}
    for letter, run in workflow.MYSTERY.items():
        if run["shuffled_labels"]:
            truth[letter] = "bug"
        else:
            truth[letter] = "too low" if run["lr"] < 1e-3 else "too high"
    return truth


@exercise("9.3", "diagnose three runs, then fix one")
@graded
def check_diagnosis(diagnosis, fixed_lr):
    """``diagnosis``: ``{"A": ..., "B": ..., "C": ...}``; ``fixed_lr``: an SGD rate that trains the slow run."""
    if not isinstance(diagnosis, dict) or sorted(diagnosis) != sorted(workflow.MYSTERY):
        raise WrongType("diagnosis should be a dictionary with the keys 'A', 'B' and 'C', like "
                        f"{{'A': 'too high', 'B': 'bug', 'C': 'too low'}}; it is {diagnosis!r:.80}.")
    unknown = [v for v in diagnosis.values() if v not in DIAGNOSES]
    if unknown:
        raise WrongType(f"each diagnosis should be one of {DIAGNOSES}; got {unknown[0]!r}.")
    truth = _truth()
    wrong = sorted(letter for letter in truth if diagnosis[letter] != truth[letter])
    if wrong:
        hints = {
            "bug": "a bug shows as a training loss that falls while the validation loss stays above ln 10",
            "too low": "a rate too low shows as curves that fall slowly and steadily, side by side",
            "too high": "a rate too high shows as a loss that falls fast, then stalls or jumps at a high value",
        }
        return failed(f"The diagnosis of run {wrong[0]} is not right ({len(wrong)} of 3 wrong): look again at "
                      f"its two curves: {hints[diagnosis[wrong[0]]]}.")
    lr = positive(fixed_lr, "fixed_lr", "0.01")
    result = workflow.train(workflow.digits_splits(), "sgd", lr, seed=0, epochs=5)
    if result.diverged:
        return failed(f"The three diagnoses are right, but with fixed_lr = {fmt(lr)} the run diverged: far too high.")
    if result.val_loss >= FIXED_TARGET:
        return failed(f"The three diagnoses are right; with fixed_lr = {fmt(lr)} the validation loss after 5 "
                      f"epochs is {fmt(result.val_loss, 3)}, not below {FIXED_TARGET}: raise the rate if the loss "
                      "fell slowly, lower it if the loss jumped. The range test of section 9.5 gives a good "
                      "order of magnitude.")
    return passed(f"Run A is a data bug (shuffled labels), B a rate too low, C a rate too high; with "
                  f"fixed_lr = {fmt(lr)} the slow run reaches a validation loss of {fmt(result.val_loss, 3)} "
                  f"in 5 epochs, below {FIXED_TARGET}.")
