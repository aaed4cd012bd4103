"""Checks for chapter 9, training a network end to end."""

from __future__ import annotations

import math

import numpy as np

from ..experiments import distributed, doctor, workflow
from ..optimizers import SGD
from ._answers import WrongType, function, graded, number, positive, returned
from ._core import exercise, failed, fmt, passed

__all__ = ["check_warmup_cosine", "check_early_stop", "check_diagnosis", "check_calm_factor", "calm_lrs",
           "calm_factor_of", "check_linear_scaling_lr", "check_stale_limit"]


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


#: Exercise 9.4's setting: a constant learning rate with batches of this size (the whole training set; the
#: static figure shows batches of 32 only, so the exercise is read off the explorer).
CALM_BATCH_SIZE = 128
#: How far (as a fraction) an answer may lie from the factor computed from the explorer's 3-digit readings.
TOLERANCE = 0.03


def calm_lrs(schedule: str = "constant", batch_size: int = CALM_BATCH_SIZE, seed: int = doctor.SEED) -> list:
    """The doctor's rates whose validation curve does not rise in the budget (no overfitting, spike or
    divergence), at ``schedule`` and ``batch_size``, in increasing order."""
    return [lr for lr in doctor.LRS if not doctor.diagnose(doctor.doctor_run(lr, schedule, batch_size, seed)).rises]


def _lowest_as_shown(batch_size: int, seed: int = doctor.SEED) -> float:
    """The range test's lowest point as the explorer's verdict line prints it (3 significant digits)."""
    return float(f"{doctor.range_test(batch_size, seed).lr_at_min:.3g}")


def calm_factor_of(batch_size: int = CALM_BATCH_SIZE, seed: int = doctor.SEED) -> float:
    """The range test's lowest point divided by the largest calm constant rate (both as the explorer shows
    them, to 3 significant digits), at ``batch_size`` and ``seed``."""
    return _lowest_as_shown(batch_size, seed) / max(calm_lrs("constant", batch_size, seed))


def _reading(lr: float, batch_size: int = CALM_BATCH_SIZE) -> doctor.Diagnosis:
    return doctor.diagnose(doctor.doctor_run(lr, "constant", batch_size))


def _implied_rate(factor: float, batch_size: int) -> float | None:
    """The slider's rate that ``factor`` implies with the range test of ``batch_size`` (None if none does)."""
    lowest = _lowest_as_shown(batch_size)
    with np.errstate(divide="ignore", under="ignore"):  # a factor like 5e-324 underflows: no rate is near it
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


#: (t, base_lr, workers, warmup_steps) cases of exercise 9.5.
SCALING_CASES = [(0, 0.1, 8, 100), (50, 0.1, 8, 100), (100, 0.1, 8, 100), (250, 0.1, 8, 100),
                 (0, 0.05, 1, 10), (7, 0.05, 1, 10), (3, 0.2, 4, 0), (0, 0.2, 4, 0), (1, 0.01, 32, 4)]


@exercise("9.5", "the linear scaling rule with warm-up")
@graded
def check_linear_scaling_lr(linear_scaling_lr):
    """``linear_scaling_lr(t, base_lr, workers, warmup_steps)`` should be Goyal et al.'s gradual warm-up to k * base_lr."""
    function(linear_scaling_lr, "linear_scaling_lr", "linear_scaling_lr(t, base_lr, workers, warmup_steps)")
    for t, base_lr, k, warmup in SCALING_CASES:
        call = f"linear_scaling_lr({t}, {base_lr}, {k}, {warmup})"
        got = returned(linear_scaling_lr(t, base_lr, k, warmup), call)
        expected = distributed.warmup_lr(t, base_lr, k, warmup)
        if abs(got - expected) <= 1e-12 * expected:
            continue
        ramp = 1.0 if warmup == 0 else min(1.0, t / warmup)
        if abs(got - base_lr) <= 1e-12 and k > 1:
            hint = "That is the base rate: with k workers the batch is k times larger, so the rate is k times larger."
        elif abs(got - base_lr * k * ramp) <= 1e-12 * max(expected, 1e-300):
            hint = ("The warm-up starts at 0: Goyal et al. climb from the base rate (what one worker would use) "
                    "to k times it, alpha (1 + (k - 1) t / T_w).")
        elif abs(got - base_lr * (1 + (np.sqrt(k) - 1) * ramp)) <= 1e-12 * expected:
            hint = "That scales by the square root of k; the linear scaling rule multiplies the rate by k itself."
        elif warmup == 0:
            hint = "warmup_steps = 0 means no warm-up: k * base_lr from the first step (mind the division by 0)."
        elif t >= warmup:
            hint = "After the warm-up the rate stays at k * base_lr: cap the ramp t / warmup_steps at 1."
        else:
            hint = "During the warm-up the rate climbs linearly: base_lr * (1 + (k - 1) * t / warmup_steps)."
        return failed(f"{call} returned {fmt(got)}, expected {fmt(expected)}. {hint}")
    return passed("From base_lr at step 0, linearly to k * base_lr at the end of the warm-up, then constant: "
                  "for 8 workers and 100 warm-up steps the rate is 0.1, 0.45 and 0.8 at steps 0, 50 and 100.")


def _reference_path(lam: float, lr: float, delay: int, steps: int) -> np.ndarray:
    """theta_0 .. theta_steps of theta_{t+1} = theta_t - lr lam theta_{t-delay}, theta_t = 1 for t <= 0."""
    theta = [1.0] * (delay + 1)
    for _ in range(steps):
        theta.append(theta[-1] - lr * lam * theta[-1 - delay])
    return np.array(theta[delay:])


#: (lam, lr, delay, steps) cases on which exercise 9.6's simulation is compared.
STALE_CASES = [(1.0, 0.3, 3, 12), (2.0, 0.1, 0, 5), (1.0, 0.5, 1, 8), (0.5, 0.2, 5, 20)]
#: The delay and curvature of exercise 9.6's question.
STALE_DELAY, STALE_LAM = 3, 1.0
#: Exercise 9.6 calls a rate stable if the largest |theta_t| over this many last steps is below 1.
STABLE_WINDOW = 100


def _stable(path, window: int = STABLE_WINDOW) -> bool:
    """Exercise 9.6's test of a run: the largest |theta_t| over its last ``window`` steps is below 1."""
    return bool(np.abs(np.asarray(path, dtype=float)[-window:]).max() < 1)


@exercise("9.6", "how much staleness a learning rate tolerates")
@graded
def check_stale_limit(stale_descent, lr_limit):
    """``stale_descent(lam, lr, delay, steps)`` simulates a stale gradient; ``lr_limit`` is the largest stable lr for delay 3."""
    function(stale_descent, "stale_descent", "stale_descent(lam, lr, delay, steps)")
    for lam, lr, delay, steps in STALE_CASES:
        call = f"stale_descent({lam}, {lr}, {delay}, {steps})"
        raw = stale_descent(lam, lr, delay, steps)
        try:
            got = np.asarray(raw, dtype=float)
        except (TypeError, ValueError):
            raise WrongType(f"{call} should return the {steps + 1} numbers theta_0 .. theta_{steps} "
                            f"(a list or numpy array), but it returned {raw!r:.60}.") from None
        expected = _reference_path(lam, lr, delay, steps)
        if got.shape != expected.shape:
            hint = (" Include theta_0 = 1 at the start." if got.shape == (steps,) else
                    " Return theta_0 .. theta_steps only, not the values before the start." if got.shape == (steps + 1 + delay,)
                    else "")
            return failed(f"{call} should return {steps + 1} numbers (theta_0 .. theta_{steps}); it returned "
                          f"shape {got.shape}.{hint}")
        if not np.allclose(got, expected, rtol=1e-9, atol=1e-12):
            if delay > 0 and np.allclose(got, _reference_path(lam, lr, delay - 1, steps), rtol=1e-9, atol=1e-12):
                hint = ("That is a delay of one step too few: the gradient of step t is computed at theta_{t-delay}, "
                        "delay steps before the current theta_t (delay 0 is plain gradient descent).")
            elif np.allclose(got, _reference_path(lam, lr, delay + 1, steps), rtol=1e-9, atol=1e-12):
                hint = "That is a delay of one step too many: with delay 0 the step must be plain gradient descent."
            else:
                hint = ("Keep every theta in a list; step t uses theta[-1] for the current point and "
                        "theta[-1 - delay] for the stale one, with theta_t = 1 before the start.")
            return failed(f"{call} gave {np.round(got[:6], 4).tolist()}..., expected "
                          f"{np.round(expected[:6], 4).tolist()}... {hint}")
    limit = number(lr_limit, "lr_limit", "0.3")
    bound = distributed.stale_bound(STALE_DELAY) / STALE_LAM
    if abs(limit - bound) <= 0.01 * bound:
        return passed(f"Your simulation matches, and lr_limit = {fmt(limit)} is within 1% of the exact limit "
                      f"2 sin(pi/14) = {bound:.4f} for delay 3; without staleness it would be 2.")
    if abs(limit - 2.0) <= 0.02:
        return failed(f"lr_limit = {fmt(limit)} is the limit without staleness (2/lam). Run stale_descent with "
                      f"delay=3 and find where the runs start to grow.")
    for tau in (2, 4):
        if abs(limit - distributed.stale_bound(tau)) <= 0.01 * distributed.stale_bound(tau):
            return failed(f"lr_limit = {fmt(limit)} is the limit for a delay of {tau}, not 3: check the delay "
                          f"you simulated.")
    side = "too large: runs at that rate grow" if limit > bound else "too small: runs at slightly larger rates still shrink"
    return failed(f"lr_limit = {fmt(limit)} is not within 1% of the largest stable rate for delay 3; it is {side}. "
                  f"Bisect: run many steps (a few thousand) and call a rate stable when the largest |theta_t| over "
                  f"the last {STABLE_WINDOW} steps is below 1 (the iterates oscillate: a single theta_T can be small "
                  "by chance while the oscillation grows).")
