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
    r = checks.check_line_fit_gradient(lambda w, b, x, y: right_line_fit_gradient(w, b, x, y) * len(x) / 2)
    assert not r.passed and "n/2 times" in r.message and "factor 2" in r.message  # summed, and the 2 dropped
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
    assert not r.passed and "changed the caller's theta" in r.message
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
    assert {e.id for e in checks.exercises_of_chapter(2)} == {"2.1", "2.2", "2.3", "2.4", "2.5"}


def test_wrongly_typed_answers_get_a_sentence_about_the_type():
    r = checks.check_flat_point("middle")
    assert not r.passed and r.message.startswith("flat_point should be 2 numbers") and "raised" not in r.message
    r = checks.check_flat_point(None)
    assert not r.passed and "None" in r.message
    r = checks.check_hand_gradient([1.0, 2.0, 3.0])
    assert not r.passed and "shape (3,)" in r.message
    r = checks.check_hand_gradient("-36, -32")
    assert not r.passed and "should be 2 numbers" in r.message
    for check in [checks.check_line_fit_gradient, checks.check_numerical_gradient, checks.check_gradient_from_step]:
        r = check(np.array([1.0, 2.0]))
        assert not r.passed and "should be a function" in r.message
    r = checks.check_gradient_from_step(lambda old, new, lr: "up")
    assert not r.passed and "should return a numpy array of 2 numbers" in r.message


def test_flat_point_names_the_kind_of_point():
    from gdcore import objectives

    f = objectives.Himmelblau()
    r = checks.check_flat_point(f.local_maximum)
    assert r.passed and "curves down in every direction: a local maximum" in r.message
    r = checks.check_flat_point(f.saddles[0])
    assert r.passed and "up along one direction and down along another: a saddle point" in r.message


def test_near_misses_are_shown_with_digits_that_differ():
    r = checks.check_numerical_gradient(lambda f, t, h: np.array([(f(t + h * e) - f(t)) / h for e in np.eye(2)]))
    shown = r.message.split("you returned ")[1].split(", expected ")
    assert shown[0] != shown[1].split(" (relative")[0]

    def nudges_in_place(f, t, h):
        g = np.zeros(2)
        for i in range(2):
            t[i] += h
            up = f(t)
            t[i] -= 2 * h
            down = f(t)
            t[i] += h
            g[i] = (up - down) / (2 * h)
        return g

    r = checks.check_numerical_gradient(nudges_in_place)
    assert not r.passed and "changed the caller's theta" in r.message and "round-off" in r.message
    now, was = r.message.split("it is now ")[1].split(", no longer ")
    assert now != was.split(" (a change")[0]


def test_hand_gradient():
    assert checks.check_hand_gradient((-36.0, -32.0)).passed
    assert checks.check_hand_gradient(np.array([-36, -32])).passed
    cases = {(36.0, 32.0): "sign", (-18.0, -16.0): "half", (-32.0, -36.0): "swapped",
             (-20.0, -20.0): "inner derivatives are missing", (-20.0, -32.0): "∂L/∂θ₂ is right",
             (-36.0, -20.0): "∂L/∂θ₁ is right", (-36.0, -5.0): "∂L/∂θ₁ is right", (1.0, 1.0): "chain rule"}
    for answer, words in cases.items():
        r = checks.check_hand_gradient(answer)
        assert not r.passed and words in r.message, (answer, r.message)
        assert "-36, -32" not in r.message  # never the answer itself
