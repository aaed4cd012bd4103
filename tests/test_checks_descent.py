"""Tests of chapter 3's exercise checks: right answers pass, typical mistakes get specific feedback."""

import numpy as np

from gdcore import checks
from gdcore.objectives import LineFit


def stub(*args):
    raise NotImplementedError("Exercise 3.k")


def test_gd_step():
    assert checks.check_gd_step(lambda t, g, lr: t - lr * g).passed
    r = checks.check_gd_step(lambda t, g, lr: t + lr * g)
    assert not r.passed and "uphill" in r.message
    r = checks.check_gd_step(lambda t, g, lr: t - g)
    assert not r.passed and "learning rate is missing" in r.message

    def in_place(t, g, lr):
        t -= lr * g
        return t

    r = checks.check_gd_step(in_place)
    assert not r.passed and "in place" in r.message
    assert checks.check_gd_step(stub).message.startswith("Not attempted")


def right_loop(grad, x0, lr, tol, max_steps):
    theta = x0
    for step in range(max_steps + 1):
        g = grad(theta)
        if np.linalg.norm(g) <= tol or step == max_steps:
            return theta, step
        theta = theta - lr * g


def test_gradient_descent():
    assert checks.check_gradient_descent(right_loop).passed

    def checks_after_update(grad, x0, lr, tol, max_steps):
        theta = x0
        for step in range(1, max_steps + 1):
            theta = theta - lr * grad(theta)
            if np.linalg.norm(grad(theta)) <= tol:
                break
        return theta, step + 1

    r = checks.check_gradient_descent(checks_after_update)
    assert not r.passed and "Off by one" in r.message

    def tests_after_the_update(grad, x0, lr, tol, max_steps):  # right count, except from a flat start
        theta, steps = np.asarray(x0, dtype=float), 0
        while steps < max_steps:
            theta = theta - lr * grad(theta)
            steps += 1
            if np.linalg.norm(grad(theta)) <= tol:
                break
        return theta, steps

    r = checks.check_gradient_descent(tests_after_the_update)
    assert not r.passed and "already flat" in r.message
    r = checks.check_gradient_descent(lambda grad, x0, lr, tol, max_steps: ("far", 3))
    assert not r.passed and "should be numbers" in r.message and "raised" not in r.message

    def never_stops(grad, x0, lr, tol, max_steps):
        theta = x0
        for _ in range(max_steps):
            theta = theta - lr * grad(theta)
        return theta, max_steps

    r = checks.check_gradient_descent(never_stops)
    assert not r.passed and "whole budget" in r.message
    r = checks.check_gradient_descent(lambda grad, x0, lr, tol, max_steps: x0)
    assert not r.passed and "pair" in r.message
    assert not checks.check_gradient_descent(stub).passed


def test_largest_stable_lr_widget_exercise():
    limit = LineFit.example().stability_limit
    assert checks.check_largest_stable_lr(0.99 * limit).passed
    r = checks.check_largest_stable_lr(1.005 * limit)
    assert not r.passed and "does not converge" in r.message
    r = checks.check_largest_stable_lr(limit)  # up to the printed, rounded limit: passes with a warning
    assert r.passed and "stay a little below" in r.message
    r = checks.check_largest_stable_lr(0.5 * limit)
    assert not r.passed and "not the largest" in r.message
    r = checks.check_largest_stable_lr(LineFit.example().best_lr)  # the explorer's button: 0.95 x 2/lambda_max
    assert not r.passed and "not the largest" in r.message
    assert not checks.check_largest_stable_lr(-1.0).passed
    r = checks.check_largest_stable_lr("0.2")
    assert not r.passed and "should be a number" in r.message and "raised" not in r.message


def test_largest_stable_lr_accepts_the_printed_limit():
    # section 3.3 prints 2/lambda_max = 0.2347, a hair above the exact 0.234667: the book's number passes
    r = checks.check_largest_stable_lr(0.2347)
    assert r.passed and "0.234667" in r.message
    r = checks.check_largest_stable_lr(0.2348)  # beyond both: the factor is printed with enough digits
    assert not r.passed and "1.001130" in r.message and "by 1 " not in r.message


def test_best_lr():
    def best(A):
        lam = np.linalg.eigvalsh(A)
        return 2 / (lam[0] + lam[-1])

    assert checks.check_best_lr(best).passed
    r = checks.check_best_lr(lambda A: 2 / np.linalg.eigvalsh(A)[-1])
    assert not r.passed and "2/λ_max" in r.message
    r = checks.check_best_lr(lambda A: 1 / np.linalg.eigvalsh(A)[-1])
    assert not r.passed and "1/λ_max" in r.message
    r = checks.check_best_lr(lambda A: 2 / (A[0, 0] + A[-1, -1]))
    assert not r.passed and ("diagonal" in r.message or "eigenvalues" in r.message)
    assert not checks.check_best_lr(stub).passed


def test_registered_with_ids():
    assert {e.id for e in checks.exercises_of_chapter(3)} == {"3.1", "3.2", "3.3", "3.4", "3.5"}


def test_predicted_steps():
    kappa, delta = 40.0, 1e-6
    exact = np.log(delta) / np.log((kappa - 1) / (kappa + 1))
    assert checks.check_predicted_steps(int(np.ceil(exact))).passed
    assert checks.check_predicted_steps(kappa / 2 * np.log(1 / delta)).passed  # the approximation passes
    r = checks.check_predicted_steps(kappa * np.log(1 / delta))
    assert not r.passed and "1 − 2/κ" in r.message
    r = checks.check_predicted_steps(kappa / 2 * np.log10(1 / delta))
    assert not r.passed and "base-10" in r.message
    r = checks.check_predicted_steps(400)
    assert not r.passed and "too many" in r.message and "277" not in r.message  # never the answer
    r = checks.check_predicted_steps("about 300")
    assert not r.passed and "should be a number" in r.message and "raised" not in r.message
