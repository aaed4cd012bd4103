"""Tests of chapter 2's exercise checks: right answers pass, typical mistakes get specific feedback."""

import numpy as np

from gdcore import checks


def right_line_fit_gradient(w, b, x, y):
    r = w * x + b - y
    return 2 * np.array([np.mean(r * x), np.mean(r)])


def stub(*args):
    raise NotImplementedError("Exercise 2.k")


def test_line_fit_gradient():
    assert checks.check_line_fit_gradient(right_line_fit_gradient).passed
    r = checks.check_line_fit_gradient(lambda w, b, x, y: right_line_fit_gradient(w, b, x, y) / 2)
    assert not r.passed and "factor 2" in r.message
    r = checks.check_line_fit_gradient(lambda w, b, x, y: right_line_fit_gradient(w, b, x, y) * len(x))
    assert not r.passed and "mean" in r.message
    r = checks.check_line_fit_gradient(lambda w, b, x, y: -right_line_fit_gradient(w, b, x, y))
    assert not r.passed and "sign" in r.message
    r = checks.check_line_fit_gradient(lambda w, b, x, y: 2 * np.array([np.mean(w * x + b - y)] * 2))
    assert not r.passed and "x_i" in r.message
    r = checks.check_line_fit_gradient(lambda w, b, x, y: [1.0, 2.0, 3.0])
    assert not r.passed and "shape (2,)" in r.message
    assert checks.check_line_fit_gradient(stub).message.startswith("Not attempted")


def central(f, theta, h):
    return np.array([(f(theta + h * e) - f(theta - h * e)) / (2 * h) for e in np.eye(len(theta))])


def test_numerical_gradient():
    assert checks.check_numerical_gradient(central).passed
    r = checks.check_numerical_gradient(
        lambda f, t, h: np.array([(f(t + h * e) - f(t)) / h for e in np.eye(2)]))
    assert not r.passed and "forward difference" in r.message
    r = checks.check_numerical_gradient(lambda f, t, h: 2 * central(f, t, h))
    assert not r.passed and "2h" in r.message

    def in_place(f, t, h):
        g = central(f, t, h)
        t += 1.0
        return g

    r = checks.check_numerical_gradient(in_place)
    assert not r.passed and "changed theta" in r.message
    assert not checks.check_numerical_gradient(stub).passed


def test_flat_point_widget_exercise():
    assert checks.check_flat_point((0.08, 2.88)).passed  # a saddle between two minima
    assert checks.check_flat_point([-0.27, -0.92]).passed  # the local maximum
    r = checks.check_flat_point((3.0, 2.0))
    assert not r.passed and "a minimum" in r.message
    r = checks.check_flat_point((0.0, 0.0))
    assert not r.passed and "not flat" in r.message
    assert not checks.check_flat_point("middle").passed


def test_gradient_from_step():
    assert checks.check_gradient_from_step(lambda old, new, lr: (old - new) / lr).passed
    r = checks.check_gradient_from_step(lambda old, new, lr: (new - old) / lr)
    assert not r.passed and "sign" in r.message
    r = checks.check_gradient_from_step(lambda old, new, lr: (old - new) * lr)
    assert not r.passed and "Divide" in r.message
    assert not checks.check_gradient_from_step(stub).passed


def test_registered_with_ids():
    assert {e.id for e in checks.exercises_of_chapter(2)} == {"2.1", "2.2", "2.3", "2.4"}
