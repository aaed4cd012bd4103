"""Every optimizer against steps computed by hand (float64), plus the interface and bad input.

Expected values are written as the scalar arithmetic of the documented
update rule (torch.optim's), one coordinate at a time, so that a wrong
sign, a missing bias correction or a misplaced epsilon shows up.
"""

import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from gdcore import optimizers
from gdcore.optimizers import SGD, AdaDelta, Adadelta, AdaGrad, Adagrad, Adam, AdamW, RMSprop

P0 = np.array([1.0, -2.0])
G1 = np.array([3.0, -4.0])
G2 = np.array([1.0, 2.0])


def two_steps(opt, g1=G1, g2=G2, p0=P0):
    p1 = opt.step(p0, g1)
    p2 = opt.step(p1, g2)
    return p1, p2


def close(got, expected):
    np.testing.assert_allclose(got, expected, rtol=1e-13, atol=1e-15)


# --------------------------------------------------------------------------- defaults


@pytest.mark.parametrize("cls, expected", [
    (SGD, {"lr": 1e-3, "momentum": 0.0, "dampening": 0.0, "weight_decay": 0.0, "nesterov": False}),
    (AdaGrad, {"lr": 1e-2, "lr_decay": 0.0, "weight_decay": 0.0, "initial_accumulator_value": 0.0,
               "eps": 1e-10}),
    (RMSprop, {"lr": 1e-2, "alpha": 0.99, "eps": 1e-8, "weight_decay": 0.0, "momentum": 0.0,
               "centered": False}),
    (AdaDelta, {"lr": 1.0, "rho": 0.9, "eps": 1e-6, "weight_decay": 0.0}),
    (Adam, {"lr": 1e-3, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0.0, "amsgrad": False}),
    (AdamW, {"lr": 1e-3, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 1e-2, "amsgrad": False}),
])
def test_defaults_are_pytorchs(cls, expected):
    assert cls().hyperparameters() == expected


def test_pytorch_spellings_are_the_same_classes():
    assert Adagrad is AdaGrad and Adadelta is AdaDelta


# --------------------------------------------------------------------------- SGD


def test_sgd_plain():
    p1, p2 = two_steps(SGD(lr=0.1))
    close(p1, [1 - 0.3, -2 + 0.4])
    close(p2, [0.7 - 0.1, -1.6 - 0.2])


def test_sgd_momentum_first_velocity_is_the_gradient():
    p1, p2 = two_steps(SGD(lr=0.1, momentum=0.9))
    close(p1, [0.7, -1.6])
    # b2 = 0.9 * (3, -4) + (1, 2) = (3.7, -1.6)
    close(p2, [0.7 - 0.37, -1.6 + 0.16])


def test_sgd_nesterov():
    p1, p2 = two_steps(SGD(lr=0.1, momentum=0.9, nesterov=True))
    # step 1: b1 = g1, update g1 + 0.9 b1 = 1.9 g1 = (5.7, -7.6)
    close(p1, [1 - 0.57, -2 + 0.76])
    # step 2: b2 = (3.7, -1.6), update g2 + 0.9 b2 = (4.33, 0.56)
    close(p2, [0.43 - 0.433, -1.24 - 0.056])


def test_sgd_dampening_and_weight_decay():
    p1, p2 = two_steps(SGD(lr=0.1, momentum=0.9, dampening=0.5, weight_decay=0.1))
    # g1 = (3 + 0.1, -4 - 0.2) = (3.1, -4.2); b1 = g1
    close(p1, [1 - 0.31, -2 + 0.42])
    # g2 = (1 + 0.069, 2 - 0.158) = (1.069, 1.842); b2 = 0.9 b1 + 0.5 g2
    b2 = [0.9 * 3.1 + 0.5 * 1.069, 0.9 * -4.2 + 0.5 * 1.842]
    close(p2, [0.69 - 0.1 * b2[0], -1.58 - 0.1 * b2[1]])


# --------------------------------------------------------------------------- AdaGrad


def test_adagrad():
    eps = 1e-10
    p1, p2 = two_steps(AdaGrad(lr=0.1))
    # s1 = (9, 16)
    close(p1, [1 - 0.1 * 3 / (3 + eps), -2 + 0.1 * 4 / (4 + eps)])
    # s2 = (10, 20)
    close(p2, [p1[0] - 0.1 * 1 / (math.sqrt(10) + eps), p1[1] - 0.1 * 2 / (math.sqrt(20) + eps)])


def test_adagrad_lr_decay_and_initial_accumulator():
    eps = 1e-10
    p1, p2 = two_steps(AdaGrad(lr=0.1, lr_decay=0.5, initial_accumulator_value=1.0))
    # s1 = (10, 17); step 1 uses lr, step 2 uses lr / (1 + 0.5)
    close(p1, [1 - 0.1 * 3 / (math.sqrt(10) + eps), -2 + 0.1 * 4 / (math.sqrt(17) + eps)])
    close(p2, [p1[0] - 0.1 / 1.5 * 1 / (math.sqrt(11) + eps), p1[1] - 0.1 / 1.5 * 2 / (math.sqrt(21) + eps)])


# --------------------------------------------------------------------------- RMSprop


def test_rmsprop():
    eps = 1e-8
    p1, p2 = two_steps(RMSprop(lr=0.01))
    # v1 = 0.01 * (9, 16) = (0.09, 0.16)
    close(p1, [1 - 0.01 * 3 / (0.3 + eps), -2 + 0.01 * 4 / (0.4 + eps)])
    # v2 = 0.99 v1 + 0.01 * (1, 4) = (0.0991, 0.1984)
    close(p2, [p1[0] - 0.01 * 1 / (math.sqrt(0.0991) + eps), p1[1] - 0.01 * 2 / (math.sqrt(0.1984) + eps)])


def test_rmsprop_centered():
    eps = 1e-8
    p1, p2 = two_steps(RMSprop(lr=0.01, centered=True))
    # gbar1 = (0.03, -0.04); v1 - gbar1^2 = (0.0891, 0.1584)
    close(p1, [1 - 0.01 * 3 / (math.sqrt(0.0891) + eps), -2 + 0.01 * 4 / (math.sqrt(0.1584) + eps)])
    # gbar2 = 0.99 gbar1 + 0.01 g2 = (0.0397, -0.0196)
    v2 = [0.0991 - 0.0397**2, 0.1984 - 0.0196**2]
    close(p2, [p1[0] - 0.01 * 1 / (math.sqrt(v2[0]) + eps), p1[1] - 0.01 * 2 / (math.sqrt(v2[1]) + eps)])


def test_rmsprop_momentum_and_weight_decay():
    eps = 1e-8
    opt = RMSprop(lr=0.01, momentum=0.5, weight_decay=0.5)
    p1 = opt.step(P0, G1)
    # g1 = (3.5, -5); v1 = (0.1225, 0.25); b1 = g1 / (sqrt(v1) + eps)
    b1 = [3.5 / (0.35 + eps), -5 / (0.5 + eps)]
    close(p1, [1 - 0.01 * b1[0], -2 - 0.01 * b1[1]])
    p2 = opt.step(p1, G2)
    g2 = [1 + 0.5 * p1[0], 2 + 0.5 * p1[1]]
    v2 = [0.99 * 0.1225 + 0.01 * g2[0] ** 2, 0.99 * 0.25 + 0.01 * g2[1] ** 2]
    b2 = [0.5 * b1[i] + g2[i] / (math.sqrt(v2[i]) + eps) for i in range(2)]
    close(p2, [p1[0] - 0.01 * b2[0], p1[1] - 0.01 * b2[1]])


# --------------------------------------------------------------------------- AdaDelta


def test_adadelta():
    eps = 1e-6
    p1, p2 = two_steps(AdaDelta())
    # v1 = 0.1 * (9, 16) = (0.9, 1.6); u0 = 0
    d1 = [math.sqrt(eps) / math.sqrt(0.9 + eps) * 3, math.sqrt(eps) / math.sqrt(1.6 + eps) * -4]
    close(p1, [1 - d1[0], -2 - d1[1]])
    u1 = [0.1 * d1[0] ** 2, 0.1 * d1[1] ** 2]
    v2 = [0.9 * 0.9 + 0.1 * 1, 0.9 * 1.6 + 0.1 * 4]
    d2 = [math.sqrt(u1[i] + eps) / math.sqrt(v2[i] + eps) * G2[i] for i in range(2)]
    close(p2, [p1[0] - d2[0], p1[1] - d2[1]])


def test_adadelta_lr_scales_the_step():
    eps = 1e-6
    p1 = AdaDelta(lr=0.5).step(P0, G1)
    close(p1, [1 - 0.5 * math.sqrt(eps) / math.sqrt(0.9 + eps) * 3,
               -2 + 0.5 * math.sqrt(eps) / math.sqrt(1.6 + eps) * 4])


# --------------------------------------------------------------------------- Adam, AMSGrad, AdamW


def test_adam_first_step_is_lr_times_sign():
    eps = 1e-8
    p1 = Adam(lr=0.1).step(P0, G1)
    # m1 = 0.1 g1, v1 = 0.001 g1^2; corrected: m = g1, v = g1^2
    close(p1, [1 - 0.1 * 3 / (3 + eps), -2 + 0.1 * 4 / (4 + eps)])


def test_adam_second_step_bias_correction():
    eps = 1e-8
    p1, p2 = two_steps(Adam(lr=0.1))
    # m2 = 0.9 (0.3, -0.4) + 0.1 (1, 2) = (0.37, -0.16); corrected by 1 - 0.9^2 = 0.19
    # v2 = 0.999 (0.009, 0.016) + 0.001 (1, 4) = (0.009991, 0.019984); by 1 - 0.999^2 = 0.001999
    close(p2, [p1[0] - 0.1 * (0.37 / 0.19) / (math.sqrt(0.009991 / 0.001999) + eps),
               p1[1] - 0.1 * (-0.16 / 0.19) / (math.sqrt(0.019984 / 0.001999) + eps)])


def test_adam_weight_decay_is_l2_in_the_gradient():
    eps = 1e-8
    p1 = Adam(lr=0.1, weight_decay=0.1).step(P0, G1)
    # g1 = (3.1, -4.2): the first step is still lr * sign
    close(p1, [1 - 0.1 * 3.1 / (3.1 + eps), -2 + 0.1 * 4.2 / (4.2 + eps)])


def test_amsgrad_keeps_the_largest_second_moment():
    eps = 1e-8
    zero = np.zeros(2)
    plain = Adam(lr=0.1)
    ams = Adam(lr=0.1, amsgrad=True)
    p1, p2 = two_steps(ams, g2=zero)
    _, q2 = two_steps(plain, g2=zero)
    # m2 = 0.9 (0.3, -0.4) = (0.27, -0.36); v2 = 0.999 v1 shrank, so AMSGrad keeps v1 = (0.009, 0.016)
    close(p2, [p1[0] - 0.1 * (0.27 / 0.19) / (math.sqrt(0.009 / 0.001999) + eps),
               p1[1] - 0.1 * (-0.36 / 0.19) / (math.sqrt(0.016 / 0.001999) + eps)])
    close(q2, [p1[0] - 0.1 * (0.27 / 0.19) / (math.sqrt(0.008991 / 0.001999) + eps),
               p1[1] - 0.1 * (-0.36 / 0.19) / (math.sqrt(0.015984 / 0.001999) + eps)])


def test_adamw_decouples_weight_decay():
    eps = 1e-8
    p1, p2 = two_steps(AdamW(lr=0.1, weight_decay=0.1))
    # shrink by 1 - lr * wd = 0.99, then Adam's step on the raw gradient
    close(p1, [0.99 * 1 - 0.1 * 3 / (3 + eps), 0.99 * -2 + 0.1 * 4 / (4 + eps)])
    close(p2, [0.99 * p1[0] - 0.1 * (0.37 / 0.19) / (math.sqrt(0.009991 / 0.001999) + eps),
               0.99 * p1[1] - 0.1 * (-0.16 / 0.19) / (math.sqrt(0.019984 / 0.001999) + eps)])


def test_adamw_without_decay_is_adam():
    a, b = Adam(lr=0.05), AdamW(lr=0.05, weight_decay=0.0)
    close(two_steps(a)[1], two_steps(b)[1])


# --------------------------------------------------------------------------- interface


ALL = [
    lambda: SGD(lr=0.1, momentum=0.9, nesterov=True),
    lambda: AdaGrad(lr=0.1),
    lambda: RMSprop(lr=0.01, momentum=0.5, centered=True),
    lambda: AdaDelta(),
    lambda: Adam(lr=0.1, amsgrad=True),
    lambda: AdamW(lr=0.1),
]


@pytest.mark.parametrize("make", ALL)
def test_inputs_untouched_and_output_is_new(make):
    opt = make()
    p, g = P0.copy(), G1.copy()
    for _ in range(3):
        new = opt.step(p, g)
        assert new is not p and not np.shares_memory(new, p)
        np.testing.assert_array_equal(p, P0)
        np.testing.assert_array_equal(g, G1)

def test_state_does_not_alias_the_gradient_or_params():
    for make in ALL:
        opt, fresh = make(), make()
        p, g = P0.copy(), G1.copy()
        opt.step(p, g)
        p[:], g[:] = 100.0, 100.0  # a caller reusing its buffers must not change the state
        fresh.step(P0, G1)
        close(opt.step(P0, G2), fresh.step(P0, G2))


@pytest.mark.parametrize("make", ALL)
def test_reset_gives_a_new_optimizer(make):
    opt = make()
    first = two_steps(opt)
    opt.reset()
    assert opt.t == 0
    close(two_steps(opt)[1], first[1])


@pytest.mark.parametrize("make", ALL)
def test_lr_set_between_steps_is_used(make):
    """A schedule sets opt.lr; the next step must use it."""
    a, b = make(), make()
    a.step(P0, G1), b.step(P0, G1)
    b.lr = a.lr / 2
    da = a.step(P0, G2) - P0
    db = b.step(P0, G2) - P0
    close(db, da / 2)  # (AdamW's decoupled decay scales with lr too)


@pytest.mark.parametrize("make", ALL)
def test_descends_a_quadratic(make):
    """Every optimizer, with sensible settings, gets near the minimum of 0.5 x^T A x."""
    A = np.diag([1.0, 10.0])
    opt = make()
    x = np.array([1.0, 1.0])
    for _ in range(3000):
        x = opt.step(x, A @ x)
    tol = 0.1 if isinstance(opt, (AdaDelta,)) else 1e-2  # AdaDelta starts with tiny steps
    assert np.linalg.norm(x) < tol, (opt, x)


@pytest.mark.parametrize("make", ALL)
def test_works_on_matrices_and_scalars(make):
    opt = make()
    W = np.ones((2, 3))
    assert opt.step(W, np.ones((2, 3))).shape == (2, 3)
    opt = make()
    assert np.shape(opt.step(1.0, 2.0)) == ()


def test_repr_shows_settings():
    assert repr(Adam(lr=0.01)) == "Adam(lr=0.01, betas=(0.9, 0.999), eps=1e-08, weight_decay=0.0, amsgrad=False)"


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("cls", [SGD, AdaGrad, RMSprop, AdaDelta, Adam, AdamW])
@pytest.mark.parametrize("lr", [0, -0.1, float("nan"), float("inf")])
def test_lr_must_be_positive(cls, lr):
    with pytest.raises(ValueError, match="lr must be a finite positive number"):
        cls(lr=lr)


@pytest.mark.parametrize("cls", [SGD, Adam])
def test_lr_must_be_a_number(cls):
    with pytest.raises(TypeError, match="lr must be a real number"):
        cls(lr="0.1")


@pytest.mark.parametrize("cls", [Adam, AdamW])
@pytest.mark.parametrize("betas, match", [
    ((1.0, 0.999), r"betas\[0\] must lie in \[0.0, 1.0\)"),
    ((0.9, 1.0), r"betas\[1\] must lie in \[0.0, 1.0\)"),
    ((-0.1, 0.999), r"betas\[0\]"),
    ((0.9, 1.5), r"betas\[1\]"),
])
def test_betas_in_unit_interval(cls, betas, match):
    with pytest.raises(ValueError, match=match):
        cls(betas=betas)


def test_betas_must_be_a_pair():
    with pytest.raises(TypeError, match=r"betas must be a pair"):
        Adam(betas=0.9)
    with pytest.raises(TypeError, match=r"betas must be a pair"):
        Adam(betas=(0.9, 0.99, 0.999))


@pytest.mark.parametrize("cls", [AdaGrad, RMSprop, AdaDelta, Adam, AdamW])
@pytest.mark.parametrize("eps", [0, -1e-8])
def test_eps_must_be_positive(cls, eps):
    with pytest.raises(ValueError, match="eps must be a finite positive number"):
        cls(eps=eps)


@pytest.mark.parametrize("kwargs, match", [
    ({"momentum": 1.0}, r"momentum must lie in \[0.0, 1.0\)"),
    ({"momentum": -0.5}, "momentum must lie"),
    ({"weight_decay": -1.0}, "weight_decay must be a finite non-negative number"),
    ({"nesterov": True}, "Nesterov momentum needs momentum > 0"),
    ({"nesterov": True, "momentum": 0.9, "dampening": 0.1}, "dampening = 0"),
])
def test_sgd_bad_settings(kwargs, match):
    with pytest.raises(ValueError, match=match):
        SGD(lr=0.1, **kwargs)


def test_other_bad_settings():
    with pytest.raises(ValueError, match=r"alpha must lie in \[0.0, 1.0\)"):
        RMSprop(alpha=1.0)
    with pytest.raises(ValueError, match=r"rho must lie in \[0.0, 1.0\]"):
        AdaDelta(rho=1.5)
    with pytest.raises(ValueError, match="lr_decay must be a finite non-negative"):
        AdaGrad(lr_decay=-1)


@pytest.mark.parametrize("make", ALL)
def test_gradient_shape_mismatch(make):
    opt = make()
    with pytest.raises(ValueError, match=r"grad must have the shape of params, \(2,\); got \(3,\)"):
        opt.step(P0, np.ones(3))
    assert opt.t == 0  # a refused step changes nothing


def test_params_must_be_finite_numbers():
    with pytest.raises(ValueError, match="params must be finite"):
        SGD(lr=0.1).step([1.0, np.nan], [1.0, 1.0])
    with pytest.raises(TypeError, match="params must be numbers"):
        SGD(lr=0.1).step("abc", [1.0])
    with pytest.raises(TypeError, match="grad must be numbers"):
        SGD(lr=0.1).step([1.0], "abc")


def test_module_exports():
    for name in optimizers.__all__:
        assert hasattr(optimizers, name)


# --------------------------------------------------------------------------- one convention for all


ALL = [SGD, AdaGrad, RMSprop, AdaDelta, Adam, AdamW]


@pytest.mark.parametrize("cls", ALL)
def test_state_is_none_until_the_first_step_then_arrays_like_params(cls):
    opt = cls(lr=0.1, momentum=0.9) if cls is SGD else cls(lr=0.1)
    assert opt.state and all(getattr(opt, name) is None for name in opt.state)
    opt.step(np.ones(3), np.ones(3))
    assert all(getattr(opt, name).shape == (3,) for name in opt.state)
    opt.reset()
    assert opt.t == 0 and all(getattr(opt, name) is None for name in opt.state)


@pytest.mark.parametrize("cls", ALL)
def test_repr_and_hyperparameters_follow_the_init_signature(cls):
    import inspect

    names = [n for n in inspect.signature(cls.__init__).parameters if n != "self"]
    opt = cls()
    assert list(opt.hyperparameters()) == names
    assert repr(opt) == f"{cls.__name__}(" + ", ".join(f"{n}={getattr(opt, n)!r}" for n in names) + ")"


def test_adamw_follows_torchs_update():
    """torch.optim.AdamW: shrink by (1 - lr wd), then the Adam step on the plain gradient."""
    lr, wd, (b1, b2), eps = 0.01, 0.1, (0.9, 0.999), 1e-8
    opt = AdamW(lr=lr, weight_decay=wd)
    theta, ref = np.array([1.0, -2.0]), np.array([1.0, -2.0])
    m = v = np.zeros(2)
    for t in range(1, 6):
        g = np.array([0.3, -0.1]) * t
        theta = opt.step(theta, g)
        ref = ref * (1 - lr * wd)
        m, v = b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g * g
        ref = ref - (lr / (1 - b1**t)) * m / (np.sqrt(v) / np.sqrt(1 - b2**t) + eps)
    np.testing.assert_allclose(theta, ref, rtol=1e-12)


def test_clip_grad_norm_scales_long_gradients_down_and_keeps_short_ones():
    from gdcore.optimizers import clip_grad_norm
    g = np.array([3.0, 4.0])
    np.testing.assert_allclose(clip_grad_norm(g, 1.0), [0.6, 0.8])
    np.testing.assert_array_equal(clip_grad_norm(g, 5.0), g)
    out = clip_grad_norm(g, 10.0)
    assert out is not g and np.array_equal(g, [3.0, 4.0])  # a new array, the input untouched
    with pytest.raises(ValueError, match="max_norm"):
        clip_grad_norm(g, -1.0)
    with pytest.raises(ValueError, match="grad"):
        clip_grad_norm([np.nan, 1.0], 1.0)


def test_clip_grad_norm_of_huge_gradients_does_not_overflow():
    from gdcore.optimizers import clip_grad_norm, grad_norm
    g = np.array([3e300, 4e300])
    assert grad_norm(g) == pytest.approx(5e300)
    np.testing.assert_allclose(clip_grad_norm(g, 1.0), [0.6, 0.8])
    assert grad_norm(np.zeros(3)) == 0.0


@settings(max_examples=300, deadline=None)
@given(st.lists(st.floats(allow_nan=False, allow_infinity=False), min_size=0, max_size=40),
       st.sampled_from([1.0, 1e-160, 1e-300, 1e150, 1e300]))
def test_grad_norm_is_the_euclidean_norm_over_the_whole_float_range(values, scale):
    # math.hypot is exact to within an ulp and never overflows; the gradient norm must agree
    # for huge entries (squares overflow), tiny ones (squares underflow) and everything between
    # (a norm below the smallest normal float, 2.2e-308, has only the subnormals' absolute precision).
    from gdcore.optimizers import grad_norm
    with np.errstate(over="ignore"):
        g = np.array(values) * scale
    g = g[np.isfinite(g)]
    assert grad_norm(g) == pytest.approx(math.hypot(*g), rel=1e-13, abs=1e-322)
