"""Tests of chapter 9's widget exercise 9.4 (the loss-curve doctor): right answer, wrong ones, the stub."""

import pytest

from gdcore import checks
from gdcore.checks.training_doctor import calm_lrs
from gdcore.experiments import doctor


def stub(*args):
    raise NotImplementedError("Exercise 9.4")  # what the student edition's answer cell raises


def test_the_right_answer_passes_and_says_what_comes_next():
    largest = max(calm_lrs())
    r = checks.check_calm_lr(largest)
    assert r.passed and "One step up" in r.message and "overfitting" in r.message
    assert checks.check_calm_lr(0.1).passed  # as the slider shows it (the value the chapter's solution gives)


def test_the_answer_is_the_same_for_five_seeds():
    assert {max(calm_lrs(seed=seed)) for seed in range(5)} == {0.1}


def test_too_large_and_too_small_rates_fail_without_giving_the_answer():
    for lr in (0.178, 0.316, 3.16):
        r = checks.check_calm_lr(lr)
        assert not r.passed and "smaller" in r.message and "0.1 " not in r.message
    for lr in (0.001, 0.0316, 0.0562):
        r = checks.check_calm_lr(lr)
        assert not r.passed and "larger rate" in r.message and "0.1 " not in r.message


def test_a_rate_off_the_slider_is_refused():
    r = checks.check_calm_lr(0.05)
    assert not r.passed and "slider" in r.message


@pytest.mark.parametrize("answer", ["0.1", None, [0.1], -0.1, float("nan"), True])
def test_wrong_types_get_one_sentence(answer):
    r = checks.check_calm_lr(answer)
    assert not r.passed and "largest_calm_lr" in r.message and "raised" not in r.message


def test_an_unanswered_exercise_never_reaches_the_check():
    """The student edition's answer cell raises NotImplementedError, which the grader reports as not
    attempted (tools/grade.py); a function passed by mistake gets one sentence."""
    r = checks.check_calm_lr(stub)
    assert not r.passed and "one number" in r.message


def test_doctor_rates_are_what_the_slider_shows():
    assert doctor.LRS[:5] == (0.001, 0.00178, 0.00316, 0.00562, 0.01)
    assert doctor.LRS[-1] == 3.16
