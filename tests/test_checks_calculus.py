import numpy as np
import pytest

from gdcore import checks
from gdcore.checks import _core


def test_chain_rule_right_and_typical_mistakes():
    assert checks.check_chain_rule(lambda x: 2 * x * np.cos(x**2)).passed
    r = checks.check_chain_rule(lambda x: np.cos(x**2))
    assert not r.passed and "derivative of the inner function" in r.message and "dfdx(1.1) returned" in r.message
    r = checks.check_chain_rule(lambda x: 2 * x * np.cos(x))
    assert not r.passed and "at the inner function" in r.message


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
    # The routes the task offers: the slider (0.0224), the exact crossing (0.0236), the
    # first-order formula 0.02 / sin(1) = 0.0238, the solution's "about 0.024", a reading of the
    # log-scale figure (0.025); all pass. A step 30 % too large does not.
    for answer in [0.0224, 0.0236, 0.02 / np.sin(1.0), 0.024, 0.025]:
        assert checks.check_secant_step(answer).passed, answer
    assert not checks.check_secant_step(0.03).passed
    assert not checks.check_secant_step(0.02 / np.cos(1.0)).passed  # f''(1) taken as cos(1)


def test_student_exceptions_become_one_sentence():
    def stub(x):
        raise NotImplementedError("Exercise 1.1: the chain rule")

    r = checks.check_chain_rule(stub)
    assert not r.passed and r.message.startswith("Not attempted yet")
    r = checks.check_chain_rule(lambda x: 1 / 0)
    assert not r.passed and r.message == "Your code raised ZeroDivisionError: division by zero"
    r = checks.check_chain_rule(lambda x: "two")
    assert not r.passed and "should return one number" in r.message and "raised" not in r.message


def test_results_are_recorded_for_the_grader():
    checks.check_best_step(1e-5)
    assert checks.RESULTS["1.3"].passed
    assert '"1.3"' in checks.results_json()
    assert {e.id for e in checks.exercises_of_chapter(1)} == {"1.1", "1.2", "1.3", "1.4", "1.5"}


def test_result_reads_as_one_line():
    r = checks.check_best_step(1e-5)
    assert repr(r).startswith("Exercise 1.3 (the best step): PASSED. ")
    assert r.score == r.points == 1.0 and bool(r)


def test_an_id_cannot_be_registered_twice():
    with pytest.raises(ValueError, match="registered twice"):
        _core.exercise("1.1", "again")(lambda: None)


def test_wrongly_typed_answers_get_a_sentence_about_the_type():
    for answer in ["1e-5", None, [1e-5], True]:
        r = checks.check_best_step(answer)
        assert not r.passed and r.message.startswith("best_h should be") and "raised" not in r.message
    r = checks.check_best_step("1e-5")
    assert "without quotes" in r.message
    r = checks.check_secant_step("0.02")
    assert not r.passed and r.message.startswith("h_secant should be one number")
    r = checks.check_chain_rule(3.0)
    assert not r.passed and "should be a function" in r.message and "raised" not in r.message
    r = checks.check_central_difference(lambda f, x, h: [1.0, 2.0])
    assert not r.passed and "should return one number" in r.message
    r = checks.check_predicted_step(None)
    assert not r.passed and "h_predicted should be one number" in r.message


def test_best_step_failure_does_not_print_the_answer():
    for wrong in [1e-12, 1e-2]:
        r = checks.check_best_step(wrong)
        assert not r.passed and "7.9e-06" not in r.message and "near h" not in r.message


def test_predicted_step():
    from gdcore.checks.calculus import EPS, predicted_best_step

    right = (3 * EPS / 1000) ** (1 / 3)
    assert predicted_best_step(1.0, 1000.0) == pytest.approx(right)
    assert checks.check_predicted_step(right).passed
    assert checks.check_predicted_step(np.float64(1.2 * right)).passed
    r = checks.check_predicted_step(EPS ** (1 / 3))
    assert not r.passed and "derivative bound" in r.message
    r = checks.check_predicted_step(np.sqrt(EPS))
    assert not r.passed and "square root" in r.message
    r = checks.check_predicted_step((3 * EPS * 1000) ** (1 / 3))
    assert not r.passed and "upside down" in r.message
    r = checks.check_predicted_step(1e-3)
    assert not r.passed and "larger than the balance" in r.message
    wrong = [right * 3, EPS ** (1 / 3), (3 * EPS) ** (1 / 3), (3 * EPS / 100) ** (1 / 3),
             (3 * EPS / 10) ** (1 / 3), 2 * np.sqrt(EPS / 100)]
    for r in [checks.check_predicted_step(h) for h in wrong]:
        assert not r.passed
        assert f"{right:.2g}" not in r.message  # a failure never prints the answer,
        assert "1000" not in r.message and "10³" not in r.message  # nor the third derivative it is built from
    assert not checks.check_predicted_step(-1e-6).passed


def test_predicted_step_is_close_to_the_measured_one():
    from gdcore.checks.calculus import measured_best_step, predicted_best_step

    best, error = measured_best_step()
    assert 0.3 < best / predicted_best_step(1.0, 1000.0) < 3 and error < 1e-10


@pytest.mark.parametrize("seed", range(10))
def test_best_power_of_ten_does_not_move_with_the_last_bits(seed):
    """Chapter 1 prints the best step and check 1.3 grades against it: another numpy, or another
    CPU, rounds exp differently in its last bit, and the result must not change with that."""
    from gdcore.checks.calculus import central_errors
    from gdcore.derivatives import best_power_of_ten, typical_error

    rng = np.random.default_rng(seed)

    def exp_rounded_otherwise(x):  # exp with a third of its values one float up or down
        y = np.exp(x)
        r = rng.random(np.shape(y))
        return np.where(r < 1 / 6, np.nextafter(y, np.inf), np.where(r < 1 / 3, np.nextafter(y, -np.inf), y))

    hs = np.logspace(-13, 0, 131)
    errors = central_errors(hs, f=exp_rounded_otherwise)
    assert best_power_of_ten(hs, errors) == 1e-5
    assert 1e-11 < typical_error(hs, errors, 1e-5) < 1e-10



def test_stubs_of_function_exercises_are_not_attempted():
    def stub(*args):
        raise NotImplementedError("Exercise 1.k")

    for check in [checks.check_chain_rule, checks.check_central_difference]:
        r = check(stub)
        assert not r.passed and not r.attempted
