"""Tests of how checks read answers: a wrongly typed answer fails with a sentence about the type."""

import numpy as np
import pytest

from gdcore.checks import _answers
from gdcore.checks._answers import WrongType


def test_number_accepts_real_numbers_only():
    assert _answers.number(3, "a", "0.1") == 3.0
    assert _answers.number(np.float32(0.5), "a", "0.1") == 0.5
    for wrong, words in [("0.1", "the string '0.1' (write the number without quotes)"), (None, "None"),
                         ([0.1], "[0.1], of type list"), (True, "True, of type bool")]:
        with pytest.raises(WrongType, match="a should be one number, like 0.1, but it is") as info:
            _answers.number(wrong, "a", "0.1")
        assert words in str(info.value)


def test_positive_vector_function_and_returned_values():
    with pytest.raises(WrongType, match="positive"):
        _answers.positive(-1.0, "h", "1e-3")
    assert _answers.vector((1, 2), "p", 2, "(0, 1)").tolist() == [1.0, 2.0]
    with pytest.raises(WrongType, match=r"shape \(3,\)"):
        _answers.vector([1, 2, 3], "p", 2, "(0, 1)")
    with pytest.raises(WrongType, match="finite"):
        _answers.vector([1, np.nan], "p", 2, "(0, 1)")
    with pytest.raises(WrongType, match="should be a function"):
        _answers.function(3, "f", "f(x)")
    with pytest.raises(WrongType, match="should return one number"):
        _answers.returned("x", "f(1)")
    with pytest.raises(WrongType, match="should return a numpy array of 2 numbers"):
        _answers.returned_vector(None, "g(1)", 2)


def test_distinct_shows_just_enough_digits():
    assert _answers.distinct(1.5, 1.5) == ("1.5", "1.5")
    a, b = _answers.distinct([-1.2 + 2e-16, 1.0], [-1.2, 1.0])
    assert a != b and b == "(-1.2, 1)"
    a, b = _answers.distinct(-215.5961, -215.6)
    assert a != b


def test_bound_is_the_next_power_of_ten():
    assert _answers.bound(5.6e-12) == "1e-11"
    assert _answers.bound(1e-3) == "1e-2"


ABSURD = [1e308, -1e308, 1e300, 1e-300, 5e-324, 0.0, -0.0, 2**80, float("inf"), float("nan"), np.float64(1e308)]


def test_a_check_meets_an_absurd_number_with_a_failed_verdict_and_no_warning():
    """Every check that takes numbers fails on these answers (none is right), in a sentence, and warns of
    nothing: a warning from inside gdcore would be the student's only clue, and the grader prints none."""
    import inspect
    import warnings

    from gdcore.checks import EXERCISES
    from gdcore.checks._core import private_scope

    tried = 0
    for exercise_id, exercise in sorted(EXERCISES.items()):
        arity = len(inspect.signature(exercise.check).parameters)
        for value in ABSURD:
            with warnings.catch_warnings(record=True) as caught, private_scope():  # the book's results untouched
                warnings.simplefilter("always")
                result = exercise.check(*[value] * arity)
            assert [str(w.message) for w in caught] == [], (exercise_id, value)
            assert not result.passed and result.message, (exercise_id, value)
            tried += 1
    assert tried >= 11 * 30
