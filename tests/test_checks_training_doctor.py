"""Tests of chapter 9's widget exercise 9.4 (the loss-curve doctor): right answer, wrong ones, the stub."""

import pytest

from gdcore import checks
from gdcore.checks.training import CALM_BATCH_SIZE, calm_factor_of, calm_lrs
from gdcore.experiments import doctor


def stub(*args):
    raise NotImplementedError("Exercise 9.4")  # what the student edition's answer cell raises


def lowest(batch_size=CALM_BATCH_SIZE):
    return float(f"{doctor.range_test(batch_size).lr_at_min:.3g}")  # as the verdict line prints it


def test_the_right_answer_passes_and_says_what_comes_next():
    largest = max(calm_lrs())
    r = checks.check_calm_factor(lowest() / largest)
    assert r.passed and "one step up" in r.message and "overfitting" in r.message
    assert checks.check_calm_factor(calm_factor_of()).passed
    assert checks.check_calm_factor(round(calm_factor_of(), 1)).passed  # rounded by the student


def test_the_answer_has_a_margin_to_the_threshold():
    """The largest calm rate's validation rise and the next rate's lie well clear of the 15% line."""
    largest = max(calm_lrs())
    above = doctor.LRS[doctor.LRS.index(largest) + 1]
    calm = doctor.diagnose(doctor.doctor_run(largest, "constant", CALM_BATCH_SIZE))
    rising = doctor.diagnose(doctor.doctor_run(above, "constant", CALM_BATCH_SIZE))
    assert calm.rise < doctor.RISE - 0.1 and rising.rise > doctor.RISE + 0.05


def test_a_wrong_calm_rate_fails_without_giving_the_answer():
    largest = max(calm_lrs())
    answer = f"{calm_factor_of():.3g}"
    for lr in (0.316, 0.562, 3.16):
        r = checks.check_calm_factor(lowest() / lr)
        assert not r.passed and "smaller" in r.message and answer not in r.message
    for lr in (0.01, 0.0562, 0.1):
        assert lr < largest
        r = checks.check_calm_factor(lowest() / lr)
        assert not r.passed and "larger rate" in r.message and answer not in r.message


def test_the_inverse_and_the_wrong_batch_size_are_named():
    r = checks.check_calm_factor(1 / calm_factor_of())
    assert not r.passed and "other way round" in r.message
    r = checks.check_calm_factor(lowest(32) / max(calm_lrs(batch_size=32)))
    assert not r.passed and "batch size" in r.message
    r = checks.check_calm_factor(7.77)
    assert not r.passed and "check both readings" in r.message


@pytest.mark.parametrize("answer", ["17", None, [17.0], -17.0, float("nan"), True])
def test_wrong_types_get_one_sentence(answer):
    r = checks.check_calm_factor(answer)
    assert not r.passed and "calm_factor" in r.message and "raised" not in r.message


def test_an_unanswered_exercise_never_reaches_the_check():
    """The student edition's answer cell raises NotImplementedError, which the grader reports as not
    attempted (tools/grade.py); a function passed by mistake gets one sentence."""
    r = checks.check_calm_factor(stub)
    assert not r.passed and "one number" in r.message


def test_doctor_rates_are_what_the_slider_shows():
    assert doctor.LRS[:5] == (0.001, 0.00178, 0.00316, 0.00562, 0.01)
    assert doctor.LRS[-1] == 3.16
