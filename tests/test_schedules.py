"""Learning-rate schedules: values by hand, PyTorch's semantics, bad input."""

import math

import numpy as np
import pytest

from gdcore import schedules
from gdcore.optimizers import SGD, Adam
from gdcore.schedules import (
    ConstantLR, CosineAnnealingLR, ExponentialLR, InverseTimeLR, LambdaLR, LinearLR, MultiStepLR,
    ReduceLROnPlateau, SequentialLR, StepLR,
)


def lrs(scheduler, n, metrics=None):
    """opt.lr after construction and after each of n steps."""
    out = [scheduler.optimizer.lr]
    for t in range(n):
        scheduler.step() if metrics is None else scheduler.step(metrics[t])
        out.append(scheduler.optimizer.lr)
    return out


def close(got, expected):
    np.testing.assert_allclose(got, expected, rtol=1e-14, atol=1e-17)


def test_step_lr():
    close(lrs(StepLR(SGD(lr=1.0), step_size=2, gamma=0.5), 6), [1, 1, 0.5, 0.5, 0.25, 0.25, 0.125])


def test_step_lr_default_gamma_is_a_tenth():
    close(lrs(StepLR(SGD(lr=1.0), step_size=1), 2), [1, 0.1, 0.01])


def test_multistep_lr():
    close(lrs(MultiStepLR(SGD(lr=1.0), milestones=[3, 1], gamma=0.5), 4), [1, 0.5, 0.5, 0.25, 0.25])


def test_exponential_lr():
    close(lrs(ExponentialLR(SGD(lr=0.2), gamma=0.9), 3), [0.2, 0.18, 0.162, 0.1458])


def test_inverse_time_lr():
    close(lrs(InverseTimeLR(SGD(lr=0.3), gamma=0.5), 4), [0.3, 0.2, 0.15, 0.12, 0.1])


def test_cosine_annealing_lr():
    got = lrs(CosineAnnealingLR(SGD(lr=1.0), T_max=4, eta_min=0.2), 4)
    # 0.2 + 0.4 (1 + cos(pi t / 4)): 1, 0.2 + 0.4 (1 + 0.7071...), 0.6, 0.2 + 0.4 (1 - 0.7071...), 0.2
    close(got, [1.0, 0.2 + 0.4 * (1 + math.sqrt(0.5)), 0.6, 0.2 + 0.4 * (1 - math.sqrt(0.5)), 0.2])


def test_constant_lr_starts_reduced():
    opt = SGD(lr=0.3)
    close(lrs(ConstantLR(opt, factor=0.5, total_iters=2), 3), [0.15, 0.15, 0.3, 0.3])


def test_linear_lr_is_a_warm_up():
    close(lrs(LinearLR(SGD(lr=1.0), start_factor=0.25, total_iters=3), 4), [0.25, 0.5, 0.75, 1.0, 1.0])


def test_lambda_lr():
    close(lrs(LambdaLR(SGD(lr=2.0), lambda t: 1 / (t + 1)), 2), [2.0, 1.0, 2 / 3])


def test_sequential_warm_up_then_cosine():
    opt = SGD(lr=1.0)
    warm = LinearLR(opt, start_factor=0.5, total_iters=2)
    cos = CosineAnnealingLR(opt, T_max=2)
    assert cos.base_lr == 1.0  # not the warm-up's reduced rate
    got = lrs(SequentialLR(opt, [warm, cos], milestones=[2]), 5)
    close(got, [0.5, 0.75, 1.0, 0.5, 0.0, 0.5])


def test_lr_at_is_the_closed_form_and_does_not_step():
    sched = ExponentialLR(SGD(lr=1.0), gamma=0.5)
    assert sched.lr_at(3) == 0.125 and sched.last_epoch == 0 and sched.optimizer.lr == 1.0


def test_scheduler_drives_the_optimizer_steps():
    """The lr a schedule sets is the lr the next update uses."""
    opt = SGD(lr=1.0)
    sched = StepLR(opt, step_size=1, gamma=0.5)
    x = np.array([0.0])
    steps = []
    for _ in range(3):
        new = opt.step(x, np.array([-1.0]))
        steps.append(float(new[0] - x[0]))
        x = new
        sched.step()
    close(steps, [1.0, 0.5, 0.25])


def test_metric_is_ignored_by_closed_form_schedules():
    sched = StepLR(SGD(lr=1.0), step_size=1, gamma=0.5)
    sched.step(123.0)
    assert sched.get_last_lr() == 0.5


# --------------------------------------------------------------------------- ReduceLROnPlateau


def test_plateau_waits_patience_then_reduces():
    sched = ReduceLROnPlateau(SGD(lr=1.0), factor=0.5, patience=2)
    # improves, then 3 bad epochs: reduce after the third (num_bad > patience)
    got = lrs(sched, 6, metrics=[1.0, 0.9, 0.9, 0.95, 0.9, 0.9])
    close(got, [1, 1, 1, 1, 1, 0.5, 0.5])


def test_plateau_relative_threshold():
    # 0.99995 is not below 1.0 * (1 - 1e-4) = 0.9999: no improvement
    sched = ReduceLROnPlateau(SGD(lr=1.0), factor=0.5, patience=0)
    close(lrs(sched, 2, metrics=[1.0, 0.99995]), [1, 1, 0.5])
    sched = ReduceLROnPlateau(SGD(lr=1.0), factor=0.5, patience=0)
    close(lrs(sched, 2, metrics=[1.0, 0.9998]), [1, 1, 1])


def test_plateau_cooldown_and_min_lr():
    sched = ReduceLROnPlateau(SGD(lr=1.0), factor=0.1, patience=0, cooldown=2, min_lr=0.05)
    got = lrs(sched, 7, metrics=[1.0] * 7)
    # t=2 reduce to 0.1; two cooldown epochs; t=5 reduce to max(0.01, 0.05); t=6,7 cooldown
    close(got, [1, 1, 0.1, 0.1, 0.1, 0.05, 0.05, 0.05])


def test_plateau_max_mode():
    sched = ReduceLROnPlateau(SGD(lr=1.0), mode="max", factor=0.5, patience=1, threshold=0.01,
                              threshold_mode="abs")
    # accuracy 0.5, 0.505 (not > 0.51), 0.505: two bad epochs -> reduce
    close(lrs(sched, 3, metrics=[0.5, 0.505, 0.505]), [1, 1, 1, 0.5])


def test_plateau_needs_a_metric():
    sched = ReduceLROnPlateau(SGD(lr=1.0))
    with pytest.raises(TypeError, match=r"needs the metric it watches"):
        sched.step()


# --------------------------------------------------------------------------- bad input


def test_must_wrap_an_optimizer():
    with pytest.raises(TypeError, match="a scheduler wraps an optimizer"):
        StepLR(0.1, step_size=2)


@pytest.mark.parametrize("make, error, match", [
    (lambda o: StepLR(o, step_size=0), ValueError, "step_size must be at least 1"),
    (lambda o: StepLR(o, step_size=2.5), TypeError, "step_size must be an integer"),
    (lambda o: StepLR(o, step_size=2, gamma=-0.5), ValueError, "gamma must be a finite positive"),
    (lambda o: ExponentialLR(o, gamma=0), ValueError, "gamma must be a finite positive"),
    (lambda o: CosineAnnealingLR(o, T_max=0), ValueError, "T_max must be at least 1"),
    (lambda o: CosineAnnealingLR(o, T_max=10, eta_min=-1), ValueError, "eta_min must be"),
    (lambda o: LinearLR(o, start_factor=0), ValueError, "start_factor must be > 0"),
    (lambda o: ConstantLR(o, factor=2.0), ValueError, r"factor must lie in \[0.0, 1.0\]"),
    (lambda o: ReduceLROnPlateau(o, mode="minimum"), ValueError, "mode must be one of 'min', 'max'"),
    (lambda o: ReduceLROnPlateau(o, factor=1.0), ValueError, r"factor must lie in \[0.0, 1.0\)"),
    (lambda o: ReduceLROnPlateau(o, patience=-1), ValueError, "patience must be at least 0"),
    (lambda o: LambdaLR(o, 0.5), TypeError, "lr_lambda must be a function"),
    (lambda o: SequentialLR(o, [StepLR(o, 2)], [3]), ValueError, "one increasing milestone fewer"),
    (lambda o: SequentialLR(o, [StepLR(o, 2), StepLR(SGD(lr=1.0), 2)], [3]), ValueError, "same optimizer"),
])
def test_bad_settings(make, error, match):
    with pytest.raises(error, match=match):
        make(SGD(lr=0.1))


def test_works_with_any_optimizer():
    opt = Adam(lr=0.01)
    sched = CosineAnnealingLR(opt, T_max=10)
    for _ in range(10):
        sched.step()
    assert opt.lr == pytest.approx(0.0, abs=1e-18)


def test_repr():
    assert repr(StepLR(SGD(lr=0.1), step_size=3)) == "StepLR(step_size=3, gamma=0.1)"


def test_module_exports():
    for name in schedules.__all__:
        assert hasattr(schedules, name)


def test_repr_follows_the_init_signature_without_the_optimizer():
    from gdcore.optimizers import SGD
    from gdcore.schedules import StepLR

    assert repr(StepLR(SGD(lr=0.1), step_size=10, gamma=0.5)) == "StepLR(step_size=10, gamma=0.5)"


def test_scheduled_learning_rates_are_checked_when_produced():
    from gdcore.optimizers import SGD
    from gdcore.schedules import LambdaLR

    sched = LambdaLR(SGD(lr=0.1), lambda t: 1.0 if t < 2 else -1.0)
    sched.step()
    with pytest.raises(ValueError, match="at step 2 must be a finite non-negative number"):
        sched.step()
    assert sched.optimizer.lr == 0.1 and sched.last_epoch == 1  # unchanged by the refused step
