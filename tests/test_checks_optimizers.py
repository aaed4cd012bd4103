"""Chapter 5's exercise checks: right answers pass, typical wrong answers and the stub fail."""

import numpy as np
import pytest

from gdcore import checks, optimizers
from gdcore.checks.optimizers import broken_adam_update, momentum_race_steps, race_lr
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


@pytest.mark.parametrize("check", [checks.check_momentum_step, checks.check_bias_correction,
                                   checks.check_cosine_lr, checks.check_adam_update])
@pytest.mark.parametrize("answer", [0.5, "momentum_step", None, [1, 2]])
def test_a_function_exercise_answered_with_something_else_says_so(check, answer):
    result = check(answer)
    assert not result.passed and "should be a function" in result.message
    assert "raised" not in result.message


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
        run = descend(bowl, course.start, optimizers.SGD(lr=race_lr(), momentum=m), steps=1000, tol=0)
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
    assert not checks.check_race_momentum(stub).passed


def test_race_momentum_lr_is_the_bowls_best_and_gd_agrees_with_section_5_1():
    bowl = landscapes.landscape("ill-conditioned bowl")
    assert race_lr() == bowl.best_lr == 2 / (bowl.lambda_max + bowl.lambda_min)
    run = descend(bowl, race.COURSES["ill-conditioned bowl"].start, optimizers.SGD(lr=race_lr()), steps=400, tol=0)
    assert momentum_race_steps([0.0])[0] == race.steps_to_tolerance(run, 1e-8) == 255


def test_race_momentum_accepts_the_website_routes():
    """The critical-damping prediction (solution) and the best panel of the static fallback both pass."""
    bowl = landscapes.landscape("ill-conditioned bowl")
    critical = (1 - np.sqrt(race_lr() * bowl.lambda_min)) ** 2
    for answer in (critical, round(critical, 3), 0.7):
        assert checks.check_race_momentum(answer).passed, answer
    assert not checks.check_race_momentum(0.6).passed
    assert not checks.check_race_momentum(0.8).passed


@pytest.mark.parametrize("answer, words", [("0.65", "without quotes"), (None, "one number"), ([0.6], "one number"),
                                           (True, "one number"), (float("nan"), "finite")])
def test_race_momentum_wrong_types_get_a_sentence_about_the_type(answer, words):
    result = checks.check_race_momentum(answer)
    assert not result.passed and words in result.message and "raised" not in result.message


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
    (lambda t, lr, T: lr, "cosine row of the table in section 5.10"),
])
def test_cosine_wrong_answers_fail(wrong, hint):
    result = checks.check_cosine_lr(wrong)
    assert not result.passed and hint in result.message


def test_cosine_stub_and_bad_return():
    assert "Not attempted" in checks.check_cosine_lr(stub).message
    assert "one number" in checks.check_cosine_lr(lambda t, lr, T: "fast").message
    assert "one number" in checks.check_cosine_lr(lambda t, lr, T: [lr]).message


# --------------------------------------------------------------------------- 5.5


def adam_update(params, grad, m, v, t, lr=0.1, betas=(0.9, 0.999), eps=1e-8):
    beta1, beta2 = betas
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
    return params - lr * m_hat / (np.sqrt(v_hat) + eps), m, v


def test_adam_update_right_answer_passes():
    assert checks.check_adam_update(adam_update).passed


def _variant(m_fix, v_fix, sign=1.0):
    def update(params, grad, m, v, t, lr=0.1, betas=(0.9, 0.999), eps=1e-8):
        beta1, beta2 = betas
        m = beta1 * m + (1 - beta1) * grad
        v = beta2 * v + (1 - beta2) * grad**2
        return params - sign * lr * m_fix(m, t, betas) / (np.sqrt(v_fix(v, t, betas)) + eps), m, v
    return update


@pytest.mark.parametrize("wrong, hint", [
    (broken_adam_update, "1 − β₂ᵗ"),
    (_variant(lambda m, t, b: m / (1 - b[0] ** t), lambda v, t, b: v), "v is not bias-corrected"),
    (_variant(lambda m, t, b: m, lambda v, t, b: v / (1 - b[1] ** t)), "m is not bias-corrected"),
    (_variant(lambda m, t, b: m, lambda v, t, b: v), "neither"),
    (_variant(lambda m, t, b: m / (1 - b[0] ** t), lambda v, t, b: v / (1 - b[1] ** t), sign=-1.0), "uphill"),
])
def test_adam_update_wrong_answers_name_the_bug(wrong, hint):
    result = checks.check_adam_update(wrong)
    assert not result.passed and hint in result.message


def test_adam_update_eps_inside_the_root_is_named():
    def eps_inside(params, grad, m, v, t, lr=0.1, betas=(0.9, 0.999), eps=1e-8):
        beta1, beta2 = betas
        m = beta1 * m + (1 - beta1) * grad
        v = beta2 * v + (1 - beta2) * grad**2
        return params - lr * (m / (1 - beta1**t)) / np.sqrt(v / (1 - beta2**t) + eps), m, v

    result = checks.check_adam_update(eps_inside)
    assert not result.passed and "outside the square root" in result.message


def test_adam_update_forgetting_the_state_is_caught():
    def stateless(params, grad, m, v, t, lr=0.1, betas=(0.9, 0.999), eps=1e-8):
        new, _, _ = adam_update(params, grad, m, v, t, lr, betas, eps)
        return new, m, v  # returns the old averages

    result = checks.check_adam_update(stateless)
    assert not result.passed and "carry over" in result.message


def test_adam_update_stub_in_place_and_bad_return():
    assert "Not attempted" in checks.check_adam_update(stub).message

    def in_place(params, grad, m, v, t, lr=0.1, betas=(0.9, 0.999), eps=1e-8):
        new, m, v = adam_update(params, grad, m, v, t, lr, betas, eps)
        params[:] = new
        return params, m, v

    assert "in place" in checks.check_adam_update(in_place).message
    result = checks.check_adam_update(lambda p, g, m, v, t, lr, b, e: (p, m))
    assert not result.passed and "triple" in result.message and "raised" not in result.message
