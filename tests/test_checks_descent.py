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
    r = checks.check_largest_stable_lr(limit)
    assert not r.passed and "does not converge" in r.message
    r = checks.check_largest_stable_lr(0.5 * limit)
    assert not r.passed and "not the largest" in r.message
    r = checks.check_largest_stable_lr(LineFit.example().best_lr)  # the explorer's button: 0.95 x 2/λ_max
    assert not r.passed and "not the largest" in r.message
    assert not checks.check_largest_stable_lr(-1.0).passed
    assert not checks.check_largest_stable_lr("0.2").passed


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
    assert {e.id for e in checks.exercises_of_chapter(3)} == {"3.1", "3.2", "3.3", "3.4"}
