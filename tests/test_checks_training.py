"""Tests of chapter 9's exercise checks: right answers, typical mistakes, wrong types, the stub."""

import math

from gdcore import checks


def _stub(*args):
    raise NotImplementedError("Exercise 9.x")


# ---- 9.1 ------------------------------------------------------------------------------------

def _warmup_cosine(t, lr, warmup_steps, total_steps, start=0.1, over_all=False):
    if t < warmup_steps:
        return lr * (start + (1 - start) * t / warmup_steps)
    if over_all:
        return 0.5 * lr * (1 + math.cos(math.pi * t / total_steps))
    return 0.5 * lr * (1 + math.cos(math.pi * (t - warmup_steps) / (total_steps - warmup_steps)))


def test_warmup_cosine_right_answer_passes():
    r = checks.check_warmup_cosine(_warmup_cosine)
    assert r.passed and r.exercise == "9.1", r.message


def test_warmup_cosine_from_zero_and_over_all_steps_fail_with_their_mistake():
    r = checks.check_warmup_cosine(lambda t, lr, w, T: _warmup_cosine(t, lr, w, T, start=0.0))
    assert not r.passed and "lr / 10, not at 0" in r.message
    r = checks.check_warmup_cosine(lambda t, lr, w, T: _warmup_cosine(t, lr, w, T, over_all=True))
    assert not r.passed and "total_steps - warmup_steps" in r.message


def test_warmup_cosine_wrong_types_and_stub():
    r = checks.check_warmup_cosine(0.1)
    assert not r.passed and "should be a function" in r.message
    r = checks.check_warmup_cosine(lambda t, lr, w, T: "0.1")
    assert not r.passed and "should return one number" in r.message
    r = checks.check_warmup_cosine(_stub)
    assert not r.passed and not r.attempted


# ---- 9.2 ------------------------------------------------------------------------------------

def _early_stop(val_losses, patience, ties=False, late=0):
    best = 0
    for epoch in range(1, len(val_losses)):
        if val_losses[epoch] < val_losses[best] or (ties and val_losses[epoch] == val_losses[best]):
            best = epoch
        elif epoch - best >= patience + late:
            return best, epoch
    return best, len(val_losses) - 1


def test_early_stop_right_answer_passes():
    r = checks.check_early_stop(_early_stop)
    assert r.passed and r.exercise == "9.2", r.message


def test_early_stop_typical_mistakes():
    r = checks.check_early_stop(lambda v, p: _early_stop(v, p, ties=True))
    assert not r.passed and "not an improvement" in r.message
    r = checks.check_early_stop(lambda v, p: _early_stop(v, p, late=1))
    assert not r.passed and "one epoch off" in r.message
    r = checks.check_early_stop(lambda v, p: (0, len(v) - 1))
    assert not r.passed and "returned (0, 9)" in r.message


def test_early_stop_wrong_types_and_stub():
    r = checks.check_early_stop(lambda v, p: 3)
    assert not r.passed and "pair (best_epoch, stop_epoch)" in r.message
    r = checks.check_early_stop([1, 2])
    assert not r.passed and "should be a function" in r.message
    r = checks.check_early_stop(_stub)
    assert not r.passed and not r.attempted


# ---- 9.3 ------------------------------------------------------------------------------------

RIGHT = {"A": "bug", "B": "too low", "C": "too high"}


def test_diagnosis_right_answer_passes():
    r = checks.check_diagnosis(RIGHT, 0.03)
    assert r.passed and r.exercise == "9.3", r.message


def test_a_wrong_diagnosis_fails_without_giving_the_answer():
    r = checks.check_diagnosis({"A": "too high", "B": "too low", "C": "bug"}, 0.03)
    assert not r.passed and "2 of 3 wrong" in r.message and "run A" in r.message
    assert "'bug'" not in r.message and "shuffled" not in r.message


def test_fixed_lr_too_low_or_diverging():
    r = checks.check_diagnosis(RIGHT, 0.001)
    assert not r.passed and "diagnoses are right" in r.message and "not below 0.2" in r.message
    r = checks.check_diagnosis(RIGHT, 50.0)
    assert not r.passed and "diverged" in r.message


def test_diagnosis_wrong_types_and_stub():
    r = checks.check_diagnosis(["bug", "too low", "too high"], 0.03)
    assert not r.passed and "dictionary" in r.message
    r = checks.check_diagnosis({"A": "bug", "B": "slow", "C": "too high"}, 0.03)
    assert not r.passed and "one of" in r.message
    r = checks.check_diagnosis(RIGHT, "0.03")
    assert not r.passed and "without quotes" in r.message
    r = checks.check_diagnosis(RIGHT, None)
    assert not r.passed and "None" in r.message
    r = checks.check_diagnosis(None, 0.03)  # the unanswered stub leaves no dictionary
    assert not r.passed and "dictionary" in r.message
