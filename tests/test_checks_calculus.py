import numpy as np
import pytest

from gdcore import checks
from gdcore.checks import _core


def test_chain_rule_right_and_typical_mistakes():
    assert checks.check_chain_rule(lambda x: 2 * x * np.cos(x**2)).passed
    r = checks.check_chain_rule(lambda x: np.cos(x**2))
    assert not r.passed and "inner derivative, 2x" in r.message and "dfdx(1.1) returned" in r.message
    r = checks.check_chain_rule(lambda x: 2 * x * np.cos(x))
    assert not r.passed and "cos(x²)" in r.message


def test_central_difference_right_and_typical_mistakes():
    assert checks.check_central_difference(lambda f, x, h: (f(x + h) - f(x - h)) / (2 * h)).passed
    r = checks.check_central_difference(lambda f, x, h: (f(x + h) - f(x - h)) / h)
    assert not r.passed and "twice the right value" in r.message
    r = checks.check_central_difference(lambda f, x, h: (f(x + h) - f(x)) / h)
    assert not r.passed and "one-sided" in r.message


def test_best_step():
    assert checks.check_best_step(1e-5).passed
    assert checks.check_best_step(np.float64(3e-6)).passed
    r = checks.check_best_step(1e-12)
    assert not r.passed and "round-off dominates" in r.message
    r = checks.check_best_step(1e-2)
    assert not r.passed and "truncation dominates" in r.message
    assert not checks.check_best_step(-1.0).passed


def test_secant_step_widget_exercise():
    assert checks.check_secant_step(0.0224).passed
    r = checks.check_secant_step(0.05)
    assert not r.passed and "more than 0.01" in r.message
    r = checks.check_secant_step(0.001)
    assert not r.passed and "not the largest" in r.message


def test_student_exceptions_become_one_sentence():
    def stub(x):
        raise NotImplementedError("Exercise 1.1: the chain rule")

    r = checks.check_chain_rule(stub)
    assert not r.passed and r.message.startswith("Not attempted yet")
    r = checks.check_chain_rule(lambda x: 1 / 0)
    assert not r.passed and r.message == "Your code raised ZeroDivisionError: division by zero"
    r = checks.check_chain_rule(lambda x: "two")
    assert not r.passed and "should return a number" in r.message


def test_results_are_recorded_for_the_grader():
    checks.check_best_step(1e-5)
    assert checks.RESULTS["1.3"].passed
    assert '"1.3"' in checks.results_json()
    assert {e.id for e in checks.exercises_of_chapter(1)} == {"1.1", "1.2", "1.3", "1.4"}


def test_result_reads_as_one_line():
    r = checks.check_best_step(1e-5)
    assert repr(r).startswith("Exercise 1.3 (the best step): PASSED. ")
    assert r.score == r.points == 1.0 and bool(r)


def test_an_id_cannot_be_registered_twice():
    with pytest.raises(ValueError, match="registered twice"):
        _core.exercise("1.1", "again")(lambda: None)
