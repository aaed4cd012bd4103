"""Chapter 5's exercise checks: right answers pass, typical wrong answers and the stub fail."""

import numpy as np
import pytest

from gdcore import checks, optimizers
from gdcore.checks.optimizers import RACE_LR, momentum_race_steps
from gdcore.descent import descend
from gdcore.experiments import landscapes, race


def stub(*args):
    raise NotImplementedError("Exercise 5.x: ...")


# --------------------------------------------------------------------------- 5.1


def momentum_step(params, grad, velocity, lr, momentum):
    velocity = momentum * velocity + grad
    return params - lr * velocity, velocity


def polyak_step(params, grad, velocity, lr, momentum):  # the other common convention, same path
    velocity = momentum * velocity - lr * grad
    return params + velocity, velocity


def test_momentum_right_answers_pass():
    assert checks.check_momentum_step(momentum_step).passed
    assert checks.check_momentum_step(polyak_step).passed


@pytest.mark.parametrize("wrong, hint", [
    (lambda p, g, v, lr, mu: (p - lr * g, v), "plain gradient descent"),
    (lambda p, g, v, lr, mu: (p - lr * (mu * v + (1 - mu) * g), mu * v + (1 - mu) * g), "exponential average"),
    (lambda p, g, v, lr, mu: (p + lr * (mu * v + g), mu * v + g), "uphill"),
    (lambda p, g, v, lr, mu: (p - lr * (g + mu * (mu * v + g)), mu * v + g), "Nesterov"),
])
def test_momentum_wrong_answers_fail_with_a_hint(wrong, hint):
    result = checks.check_momentum_step(wrong)
    assert not result.passed and hint in result.message


def test_momentum_in_place_update_fails():
    def in_place(params, grad, velocity, lr, momentum):
        velocity *= momentum
        velocity += grad
        params -= lr * velocity
        return params, velocity

    result = checks.check_momentum_step(in_place)
    assert not result.passed and "in place" in result.message


def test_momentum_stub_and_bad_return():
    assert "Not attempted yet" in checks.check_momentum_step(stub).message
    result = checks.check_momentum_step(lambda p, g, v, lr, mu: p)
    assert not result.passed and "pair" in result.message


# --------------------------------------------------------------------------- 5.2


def test_bias_correction_right_answer_passes():
    assert checks.check_bias_correction(lambda m, v, b1, b2, t: (m / (1 - b1**t), v / (1 - b2**t))).passed


@pytest.mark.parametrize("wrong, hint", [
    (lambda m, v, b1, b2, t: (m, v), "no correction"),
    (lambda m, v, b1, b2, t: (m / (1 - b1 ** (t - 1)), v / (1 - b2 ** (t - 1))), "t − 1"),
    (lambda m, v, b1, b2, t: (m / b1**t, v / b2**t), "instead of 1 − β^t"),
    (lambda m, v, b1, b2, t: (m / (1 - b2**t), v / (1 - b1**t)), "swapped"),
])
def test_bias_correction_wrong_answers_fail(wrong, hint):
    result = checks.check_bias_correction(wrong)
    assert not result.passed and hint in result.message


def test_bias_correction_stub():
    assert not checks.check_bias_correction(stub).passed


# --------------------------------------------------------------------------- 5.3


def test_vectorized_race_matches_descend_and_the_explorer():
    """The check's side-by-side simulation gives the steps the explorer shows."""
    course = race.COURSES["ill-conditioned bowl"]
    bowl = landscapes.landscape("ill-conditioned bowl")
    momenta = [0.0, 0.4, 0.65, 0.9]
    fast = momentum_race_steps(momenta)
    for m, n in zip(momenta, fast):
        run = descend(bowl, course.start, optimizers.SGD(lr=RACE_LR, momentum=m), steps=1000, tol=0)
        assert race.steps_to_tolerance(run, course.tol) == n


def test_race_momentum_answers():
    steps = momentum_race_steps()
    best = float(np.round(np.arange(0, 1, 0.01), 2)[np.argmin(np.where(steps > 0, steps, 10**9))])
    assert checks.check_race_momentum(best).passed
    assert not checks.check_race_momentum(0.9).passed        # the usual default overshoots here
    assert "Lower" in checks.check_race_momentum(0.9).message
    assert "Raise" in checks.check_race_momentum(0.0).message
    assert "still rolling" in checks.check_race_momentum(0.995).message
    assert "[0, 1)" in checks.check_race_momentum(1.5).message
    assert not checks.check_race_momentum("0.6").passed
    assert not checks.check_race_momentum(stub).passed


# --------------------------------------------------------------------------- 5.4


def test_cosine_right_answer_passes():
    import math

    assert checks.check_cosine_lr(lambda t, lr, T: lr * (1 + math.cos(math.pi * t / T)) / 2).passed
    assert checks.check_cosine_lr(lambda t, lr, T: 0.5 * lr * (1 + np.cos(np.pi * t / T))).passed


@pytest.mark.parametrize("wrong, hint", [
    (lambda t, lr, T: lr * np.cos(np.pi * t / T), "goes negative"),
    (lambda t, lr, T: lr * (1 + np.cos(t / T)) / 2, "without π"),
    (lambda t, lr, T: lr * (1 + np.cos(np.pi * t / (T - 1))) / 2, "T_max − 1"),
    (lambda t, lr, T: lr * (1 - t / T), "linear decay"),
    (lambda t, lr, T: lr, "Use base_lr"),
])
def test_cosine_wrong_answers_fail(wrong, hint):
    result = checks.check_cosine_lr(wrong)
    assert not result.passed and hint in result.message


def test_cosine_stub_and_bad_return():
    assert "Not attempted" in checks.check_cosine_lr(stub).message
    assert "return a number" in checks.check_cosine_lr(lambda t, lr, T: "fast").message
