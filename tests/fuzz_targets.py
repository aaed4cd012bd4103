"""The public API of gdcore's core and autodiff, as fuzz targets, and how an outcome is judged.

Used by ``tests/test_fuzz_api.py`` (Hypothesis properties, and a summary mode
that prints the counts of each outcome). A target is a public function or
class with a valid value for each of its arguments ("slots"); a fuzz call
replaces one slot with a hostile value (NaN, inf, empty or wrongly shaped
arrays, ints, bools, text, None, complex numbers, huge values, ...) and the
outcome falls into one of:

* ``clear error``: a TypeError or ValueError (or ZeroDivisionError,
  OverflowError) raised by an explicit ``raise`` in gdcore, so its message
  is gdcore's sentence;
* ``accept``: a result with only finite numbers, for input that is valid
  (or inf, never NaN, where a huge but finite input makes the true value
  exceed float64: the loss of Rosenbrock at 1e300 *is* beyond the largest float);
* ``silent result``: a result for input that is invalid (None, text, NaN,
  a complex number, a truthy string for a flag, ...) or a result holding NaN
  or inf;
* ``raw overflow``: a warning (numpy's overflow warnings) or an
  OverflowError from inside Python or numpy;
* ``obscure error``: any other exception (raised inside numpy or Python,
  like "'NoneType' object has no attribute ...");
* ``hang``: the call did not return within its time bound.
"""

from __future__ import annotations

import linecache
import math
import os
import warnings
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

import gdcore
from gdcore import (autodiff, data, derivatives, descent, initializers, models, objectives, optimizers,
                    preprocessing, schedules)

GDCORE_DIR = os.path.dirname(os.path.abspath(gdcore.__file__))
OUTCOMES = ("clear error", "accept", "silent result", "hang", "raw overflow", "obscure error")


# -- hostile values ---------------------------------------------------------------------------

_HUGE_DATA = np.random.default_rng(1).normal(size=(6, 2))


def hostile_values() -> list[tuple[str, object]]:
    """(tag, value) pairs: the kinds of things a student passes by mistake, and extremes."""
    nan, inf = float("nan"), float("inf")
    return [
        ("nan", nan), ("inf", inf), ("inf", -inf), ("nan_array", np.array([nan, 1.0])),
        ("inf_array", np.array([1.0, inf])), ("empty", np.array([])), ("empty", []),
        ("empty", np.zeros((0, 2))), ("wrong_shape", np.ones((2, 3, 4))), ("wrong_shape", np.ones(7)),
        ("int", 3), ("zero", 0), ("negative", -1.5), ("huge", 1e300), ("huge_array", np.full(2, 1e300)),
        ("huge_int", 10**400), ("bool", True), ("none", None), ("str", "abc"), ("str", "no"),
        ("list_str", ["a", "b"]), ("complex", 1 + 2j), ("complex_array", np.array([1 + 1j, 2.0])),
        ("object", object()), ("tiny", 1e-320), ("ragged", [[1.0], [1.0, 2.0]]),
        ("huge_array", _HUGE_DATA * 1e155), ("huge_array", _HUGE_DATA * 1e300),  # data of shape (6, 2)
    ]


def hostile_callables() -> list[tuple[str, object]]:
    """Functions that misbehave: forget ``return``, return text, NaN, or raise."""
    return [("returns_none", lambda *a, **k: None), ("returns_str", lambda *a, **k: "x"),
            ("returns_nan", lambda *a, **k: float("nan"))]


#: Tags that are never valid input for a number or array slot.
ALWAYS_INVALID = {"nan", "inf", "nan_array", "inf_array", "none", "str", "list_str", "complex",
                  "complex_array", "object", "huge_int", "bool", "ragged", "returns_none",
                  "returns_str", "returns_nan"}


@dataclass
class Slot:
    """One argument: a valid value, and which hostile tags are valid for it anyway."""

    valid: object
    kind: str = "value"          # "value", "flag" (True/False only), "callable" (any non-function is bad)
    none_ok: bool = False        # None is a documented value (e.g. patience=None)
    positive: bool = False       # zero and negative numbers are invalid
    nonfinite_ok: bool = False   # NaN and inf are meaningful (e.g. a diverged loss)
    huge_int_ok: bool = False    # an int beyond float range is still valid (a seed, a step budget)

    def invalid(self, tag: str) -> bool:
        if self.kind == "flag":
            return tag != "bool"
        if self.kind == "callable":
            return True  # no hostile value is a proper function for this slot
        if tag == "none":
            return not self.none_ok
        if tag in ("nan", "inf", "nan_array", "inf_array"):
            return not self.nonfinite_ok
        if tag in ("zero", "negative"):
            return self.positive
        if tag == "huge_int":
            return not self.huge_int_ok
        return tag in ALWAYS_INVALID


@dataclass
class Target:
    name: str
    call: Callable
    slots: dict = field(default_factory=dict)


# -- valid fixtures -----------------------------------------------------------------------------

_rng = np.random.default_rng(0)
X2 = _rng.normal(size=(6, 2))
Y_REG = _rng.normal(size=6)
Y_BIN = np.array([0.0, 1.0, 0.0, 1.0, 1.0, 0.0])
Y_CLS = np.array([0, 1, 2, 0, 1, 2])


def _quadratic():
    return objectives.Quadratic([[2.0, 0.0], [0.0, 1.0]])


def _sq(x):
    return float(np.sum(np.asarray(x) ** 2))


def _sq_grad(x):
    return 2 * np.asarray(x)


def _value_fn(v):
    return v[0] * v[-1] + v[0].tanh()  # any number of inputs (at least one)


def _dual_fn(v):
    return v[0] * v[-1] + v[0].sigmoid()


def _mlp():
    return models.MLP([2, 3, 3])


def _scheduled(cls, **kw):
    def make(**kwargs):
        return cls(optimizers.SGD(lr=0.1), **kwargs)
    return make


def _plateau_step(metric):
    sched = schedules.ReduceLROnPlateau(optimizers.SGD(lr=0.1), patience=0)
    sched.step(metric)
    sched.step(metric)
    return sched.optimizer.lr


def _optimizer_steps(cls):
    def run(params, grad, lr):
        opt = cls(lr=lr)
        out = opt.step(params, grad)
        return opt.step(out, grad)
    return run


def _fitted(scaler_cls, method):
    def run(X, Z):
        scaler = scaler_cls().fit(X)
        return getattr(scaler, method)(Z)
    return run


def _tensor_op(op):
    def run(a, b):
        out = op(autodiff.Tensor(a), b)
        out.sum().backward()
        return out.data
    return run


def _value_op(op):
    def run(a, b):
        out = op(autodiff.Value(a), b)
        out.backward()
        return out.data
    return run


def _dual_op(op):
    def run(a, b):
        return op(autodiff.Dual(a, 1.0), b).derivative
    return run


def targets() -> list[Target]:
    """Every public entry point of the core modules and of gdcore.autodiff, with valid arguments."""
    V, P = Slot, lambda v, **k: Slot(v, positive=True, **k)
    SEED = Slot(0, none_ok=True, huge_int_ok=True)       # an int seed, a Generator, or None (fresh entropy)
    RNG = Slot(0, huge_int_ok=True)                      # an int seed or a Generator; None refused
    COUNT = lambda v: Slot(v, positive=True, huge_int_ok=True)  # noqa: E731  (a budget: any size)
    F, FN = (lambda v: Slot(v, kind="flag")), (lambda v: Slot(v, kind="callable"))
    opt_classes = [optimizers.SGD, optimizers.AdaGrad, optimizers.RMSprop, optimizers.AdaDelta,
                   optimizers.Adam, optimizers.AdamW]
    out = [
        # derivatives
        Target("derivative", derivatives.derivative,
               {"f": FN(np.sin), "x": V(1.0), "h": P(1e-5), "method": V("central")}),
        Target("gradient", derivatives.gradient, {"f": FN(_sq), "x": V(np.ones(2)), "h": P(1e-5)}),
        Target("gradient_check", derivatives.gradient_check,
               {"f": FN(_sq), "grad_f": FN(_sq_grad), "x": V(np.ones(2)), "h": P(1e-5)}),
        Target("relative_error", derivatives.relative_error, {"a": V(np.ones(2)), "b": V(np.zeros(2))}),
        Target("typical_error", derivatives.typical_error,
               {"hs": V(np.logspace(-3, -1, 5)), "errors": V(np.full(5, 1e-6)), "centre": P(1e-2)}),
        Target("best_power_of_ten", derivatives.best_power_of_ten,
               {"hs": V(np.logspace(-3, -1, 5)), "errors": V(np.array([3e-6, 1e-6, 2e-6, 5e-6, 8e-6]))}),
        # objectives
        Target("Quadratic", lambda A, b: objectives.Quadratic(A, b)(np.zeros(2)),
               {"A": V([[2.0, 0.0], [0.0, 1.0]]), "b": Slot(np.ones(2), none_ok=True)}),
        Target("Quadratic.from_eigenvalues",
               lambda eigenvalues, angle: objectives.Quadratic.from_eigenvalues(eigenvalues, angle).A,
               {"eigenvalues": V([1.0, 4.0]), "angle": V(30.0)}),
        Target("Quadratic.contraction", lambda lr: _quadratic().contraction(lr), {"lr": P(0.1)}),
        Target("LineFit", lambda x, y: objectives.LineFit(x, y).minima,
               {"x": V(np.arange(4.0)), "y": V(np.arange(4.0) * 2)}),
        Target("LineFit.example", lambda n, seed: objectives.LineFit.example(n, seed).minima,
               {"n": P(10), "seed": SEED}),
        Target("Rosenbrock", lambda a, b: objectives.Rosenbrock(a, b)(np.zeros(2)), {"a": V(1.0), "b": P(100.0)}),
        Target("Rosenbrock()(theta)", lambda theta: objectives.Rosenbrock()(theta), {"theta": V(np.zeros(2))}),
        Target("Himmelblau().grad", lambda theta: objectives.Himmelblau().grad(theta), {"theta": V(np.zeros(2))}),
        Target("Beale()(theta)", lambda theta: objectives.Beale()(theta), {"theta": V(np.zeros(2))}),
        Target("Saddle().hessian", lambda theta, h: objectives.Saddle().hessian(theta, h),
               {"theta": V(np.ones(2)), "h": P(1e-5)}),
        # descent
        Target("descend", lambda objective, x0, optimizer_or_lr, steps, tol, patience:
               descent.descend(objective, x0, optimizer_or_lr, steps, tol, patience).x,
               {"objective": FN(_quadratic()), "x0": V(np.zeros(2)), "optimizer_or_lr": P(0.1),
                "steps": COUNT(20), "tol": V(1e-6),
                "patience": Slot(None, none_ok=True, positive=True, huge_int_ok=True)}),
        Target("descend(scheduler)", lambda scheduler:
               descent.descend(_quadratic(), np.ones(2), optimizers.SGD(lr=0.1), 10, scheduler=scheduler).x,
               {"scheduler": Slot(None, none_ok=True)}),
        Target("fit", lambda model, X, y, optimizer, epochs, batch_size, seed, shuffle:
               descent.fit(model, X, y, optimizer, epochs, batch_size, seed, shuffle=shuffle).params,
               {"model": V(models.LinearRegression(2)), "X": V(X2), "y": V(Y_REG), "optimizer": P(0.01),
                "epochs": P(2), "batch_size": Slot(2, none_ok=True, positive=True), "seed": SEED,
                "shuffle": F(True)}),
        Target("fit(validation)", lambda validation:
               descent.fit(models.LinearRegression(2), X2, Y_REG, 0.01, 2, 3, validation=validation).val_losses,
               {"validation": Slot((X2, Y_REG), none_ok=True)}),
        Target("fit(clip_grad_norm, patience)", lambda clip_grad_norm, patience:
               descent.fit(models.LinearRegression(2), X2, Y_REG, 0.01, 3, 3, validation=(X2, Y_REG),
                           clip_grad_norm=clip_grad_norm, patience=patience).params,
               {"clip_grad_norm": Slot(1.0, none_ok=True, positive=True),
                "patience": Slot(2, none_ok=True, positive=True, huge_int_ok=True)}),
        Target("clip_grad_norm", optimizers.clip_grad_norm, {"grad": V(np.array([3.0, 4.0])), "max_norm": P(1.0)}),
        Target("grad_norm", optimizers.grad_norm, {"grad": V(np.array([3.0, 4.0]))}),
        Target("is_diverging", descent.is_diverging,
               {"loss": Slot(1.0, nonfinite_ok=True), "initial_loss": V(1.0)}),
        Target("divergence_threshold", descent.divergence_threshold, {"initial_loss": V(1.0)}),
        # data
        Target("train_test_split", lambda X, y, test_fraction, seed:
               data.train_test_split(X, y, test_fraction, seed)[0],
               {"X": V(X2), "y": V(Y_REG), "test_fraction": P(0.3), "seed": SEED}),
        Target("batches", lambda X, y, batch_size, shuffle, rng:
               [b for b, _ in data.batches(X, y, batch_size, shuffle, rng)],
               {"X": V(X2), "y": V(Y_REG), "batch_size": Slot(4, none_ok=True, positive=True),
                "shuffle": F(True), "rng": RNG}),
        Target("n_batches", data.n_batches, {"n_samples": COUNT(10),
                                             "batch_size": Slot(3, none_ok=True, positive=True)}),
        Target("make_linear_regression", lambda n_samples, n_features, noise, weights, bias, seed:
               data.make_linear_regression(n_samples, n_features, noise, weights, bias, seed)[1],
               {"n_samples": P(10), "n_features": P(2), "noise": V(0.5), "weights": Slot(None, none_ok=True),
                "bias": V(0.0), "seed": SEED}),
        Target("make_two_blobs", lambda n_samples, distance, spread, seed:
               data.make_two_blobs(n_samples, distance, spread, seed)[0],
               {"n_samples": P(10), "distance": V(3.0), "spread": P(1.0), "seed": SEED}),
        Target("check_X_y", lambda X, y: data.check_X_y(X, y)[0], {"X": V(X2), "y": V(Y_REG)}),
        # models
        Target("LinearRegression", lambda n_features: models.LinearRegression(n_features).init_params(0),
               {"n_features": P(2)}),
        Target("LinearRegression.loss", lambda params, X, y: models.LinearRegression(2).loss(params, X, y),
               {"params": V(np.ones(3)), "X": V(X2), "y": V(Y_REG)}),
        Target("LinearRegression.grad", lambda params, X, y: models.LinearRegression(2).grad(params, X, y),
               {"params": V(np.ones(3)), "X": V(X2), "y": V(Y_REG)}),
        Target("LinearRegression.predict", lambda params, X: models.LinearRegression(2).predict(params, X),
               {"params": V(np.ones(3)), "X": V(X2)}),
        Target("LinearRegression.solve", lambda X, y: models.LinearRegression(2).solve(X, y),
               {"X": V(X2), "y": V(Y_REG)}),
        Target("LogisticRegression.loss", lambda params, X, y: models.LogisticRegression(2).loss(params, X, y),
               {"params": V(np.ones(3)), "X": V(X2), "y": V(Y_BIN)}),
        Target("LogisticRegression.solve", lambda X, y, l2, max_iter:
               models.LogisticRegression(2).solve(X, y, l2=l2, max_iter=max_iter),
               {"X": V(X2), "y": V(Y_BIN), "l2": V(1e-3), "max_iter": COUNT(100)}),
        Target("LogisticRegression.accuracy", lambda params, X, y:
               models.LogisticRegression(2).accuracy(params, X, y),
               {"params": V(np.ones(3)), "X": V(X2), "y": V(Y_BIN)}),
        Target("LogisticRegression.predict_proba", lambda params, X:
               models.LogisticRegression(2).predict_proba(params, X), {"params": V(np.ones(3)), "X": V(X2)}),
        Target("sigmoid", models.sigmoid, {"z": Slot(np.array([-1.0, 0.0, 2.0]), nonfinite_ok=True)}),
        Target("MLP", lambda sizes, activation, init, task: models.MLP(sizes, activation, init, task).init_params(0),
               {"sizes": V([2, 3, 3]), "activation": V("relu"), "init": V("xavier_uniform"),
                "task": V("classification")}),
        Target("MLP.loss", lambda params, X, y: _mlp().loss(params, X, y),
               {"params": V(_mlp().init_params(0)), "X": V(X2), "y": V(Y_CLS)}),
        Target("MLP.backprop", lambda params, X, y: _mlp().backprop(params, X, y)["grad"],
               {"params": V(_mlp().init_params(0)), "X": V(X2), "y": V(Y_CLS)}),
        Target("MLP.init_params", lambda rng: _mlp().init_params(rng), {"rng": RNG}),
        Target("MLP.pack", lambda W1: _mlp().pack({**_mlp().unpack(_mlp().init_params(0)), "W1": W1}),
               {"W1": V(np.ones((2, 3)))}),
        # initializers
        Target("calculate_gain", initializers.calculate_gain,
               {"nonlinearity": V("leaky_relu"), "param": Slot(0.2, none_ok=True)}),
        Target("initializers.get", lambda init: initializers.get(init)((2, 2), 0), {"init": V("normal")}),
        Target("normal", initializers.normal, {"shape": V((2, 3)), "rng": RNG, "mean": V(0.0), "std": V(1.0)}),
        Target("uniform", initializers.uniform, {"shape": V((2, 3)), "rng": RNG, "a": V(-1.0), "b": V(1.0)}),
        Target("constant", initializers.constant, {"shape": V((2, 3)), "rng": Slot(None, none_ok=True, huge_int_ok=True),
                                                    "val": V(0.5)}),
        Target("xavier_normal", initializers.xavier_normal, {"shape": V((2, 3)), "rng": RNG, "gain": P(1.0)}),
        Target("kaiming_uniform", initializers.kaiming_uniform,
               {"shape": V((2, 3)), "rng": RNG, "a": V(0.0), "mode": V("fan_in"),
                "nonlinearity": V("leaky_relu")}),
        # preprocessing
        Target("MinMaxScaler", lambda feature_range, clip: preprocessing.MinMaxScaler(feature_range, clip).fit_transform(X2),
               {"feature_range": V((0, 1)), "clip": F(False)}),
        Target("StandardScaler.fit_transform", lambda X: preprocessing.StandardScaler().fit_transform(X), {"X": V(X2)}),
        Target("MinMaxScaler.fit_transform", lambda X: preprocessing.MinMaxScaler().fit_transform(X), {"X": V(X2)}),
        Target("StandardScaler.transform", _fitted(preprocessing.StandardScaler, "transform"), {"X": V(X2), "Z": V(X2)}),
        Target("MinMaxScaler.inverse_transform", _fitted(preprocessing.MinMaxScaler, "inverse_transform"),
               {"X": V(X2), "Z": V(X2)}),
        # schedules
        Target("StepLR", lambda step_size, gamma: _scheduled(schedules.StepLR)(step_size=step_size, gamma=gamma).optimizer.lr,
               {"step_size": COUNT(10), "gamma": P(0.5)}),
        Target("ExponentialLR", lambda gamma: _scheduled(schedules.ExponentialLR)(gamma=gamma).optimizer.lr,
               {"gamma": P(0.9)}),
        Target("LinearLR", lambda start_factor, end_factor, total_iters:
               _scheduled(schedules.LinearLR)(start_factor=start_factor, end_factor=end_factor,
                                              total_iters=total_iters).optimizer.lr,
               {"start_factor": P(0.5), "end_factor": V(1.0), "total_iters": P(5)}),
        Target("ConstantLR", lambda factor, total_iters:
               _scheduled(schedules.ConstantLR)(factor=factor, total_iters=total_iters).optimizer.lr,
               {"factor": V(0.5), "total_iters": Slot(5, huge_int_ok=True)}),
        Target("MultiStepLR", lambda milestones, gamma:
               _scheduled(schedules.MultiStepLR)(milestones=milestones, gamma=gamma).optimizer.lr,
               {"milestones": V([2, 4]), "gamma": P(0.5)}),
        Target("CosineAnnealingLR", lambda T_max, eta_min:
               _scheduled(schedules.CosineAnnealingLR)(T_max=T_max, eta_min=eta_min).optimizer.lr,
               {"T_max": P(10), "eta_min": V(0.0)}),
        Target("InverseTimeLR", lambda gamma: _scheduled(schedules.InverseTimeLR)(gamma=gamma).optimizer.lr,
               {"gamma": V(1.0)}),
        Target("LambdaLR", lambda factor: schedules.LambdaLR(optimizers.SGD(lr=0.1), lambda t: factor).optimizer.lr,
               {"factor": V(0.5)}),
        Target("LambdaLR(lr_lambda)", lambda lr_lambda: schedules.LambdaLR(optimizers.SGD(lr=0.1), lr_lambda).optimizer.lr,
               {"lr_lambda": FN(lambda t: 1.0)}),
        Target("ReduceLROnPlateau", lambda mode, factor, patience:
               _scheduled(schedules.ReduceLROnPlateau)(mode=mode, factor=factor, patience=patience).optimizer.lr,
               {"mode": V("min"), "factor": P(0.5), "patience": Slot(2, huge_int_ok=True)}),
        Target("ReduceLROnPlateau.step", _plateau_step, {"metric": V(1.0)}),
        Target("LRScheduler(optimizer)", lambda optimizer: schedules.StepLR(optimizer, 5).optimizer.lr,
               {"optimizer": V(optimizers.SGD(lr=0.1))}),
        # autodiff
        Target("Dual", lambda value, derivative: autodiff.Dual(value, derivative).value,
               {"value": V(1.0), "derivative": V(1.0)}),
        Target("Value", lambda data: autodiff.Value(data).data, {"data": V(1.0)}),
        Target("Tensor", lambda data: autodiff.Tensor(data).data, {"data": V(np.ones(2))}),
        Target("forward_derivative", autodiff.forward_derivative, {"f": FN(lambda d: d * d), "x": V(2.0)}),
        Target("forward_gradient", autodiff.forward_gradient, {"f": FN(_dual_fn), "x": V(np.ones(2))}),
        Target("reverse_gradient", autodiff.reverse_gradient, {"f": FN(_value_fn), "x": V(np.ones(2))}),
        Target("topological_order", lambda output: len(autodiff.topological_order(output)),
               {"output": V(autodiff.Value(1.0) * 2.0)}),
        Target("cross_entropy", lambda logits, labels: autodiff.cross_entropy(autodiff.Tensor(logits), labels).data,
               {"logits": V(np.ones((3, 2))), "labels": V(np.array([0, 1, 0]))}),
        Target("mlp_loss_and_grad", lambda params, X, y: autodiff.mlp_loss_and_grad(_mlp(), params, X, y)[1],
               {"params": V(_mlp().init_params(0)), "X": V(X2), "y": V(Y_CLS)}),
        Target("Tensor + other", _tensor_op(lambda a, b: a + b), {"a": V(np.ones(2)), "b": V(np.ones(2))}),
        Target("Tensor * other", _tensor_op(lambda a, b: a * b), {"a": V(np.ones(2)), "b": V(2.0)}),
        Target("Tensor ** p", _tensor_op(lambda a, b: a ** b), {"a": V(np.ones(2)), "b": V(2.0)}),
        Target("Tensor @ other", _tensor_op(lambda a, b: a @ b), {"a": V(np.ones((2, 2))), "b": V(np.ones(2))}),
        Target("Tensor.exp", lambda a: _tensor_op(lambda t, _: t.exp())(a, None), {"a": V(np.ones(2))}),
        Target("Tensor.sum(axis)", lambda axis: autodiff.Tensor(np.ones((2, 2))).sum(axis=axis).data,
               {"axis": Slot(0, none_ok=True)}),
        Target("Tensor.backward(gradient)", lambda gradient: autodiff.Tensor(np.ones(2)).exp().backward(gradient),
               {"gradient": V(np.ones(2))}),
        Target("Value + other", _value_op(lambda a, b: a + b), {"a": V(1.0), "b": V(2.0)}),
        Target("Value * other", _value_op(lambda a, b: a * b), {"a": V(1.0), "b": V(2.0)}),
        Target("Value / other", _value_op(lambda a, b: a / b), {"a": V(1.0), "b": V(2.0)}),
        Target("Value ** p", _value_op(lambda a, b: a ** b), {"a": V(2.0), "b": V(2.0)}),
        Target("Value.exp", lambda a: _value_op(lambda v, _: v.exp())(a, None), {"a": V(1.0)}),
        Target("Value.log", lambda a: _value_op(lambda v, _: v.log())(a, None), {"a": P(1.0)}),
        Target("Dual * other", _dual_op(lambda a, b: a * b), {"a": V(1.0), "b": V(2.0)}),
        Target("Dual ** p", _dual_op(lambda a, b: a ** b), {"a": V(2.0), "b": V(2.0)}),
        Target("Dual.exp", lambda a: _dual_op(lambda d, _: d.exp())(a, None), {"a": V(1.0)}),
    ]
    for cls in opt_classes:
        name = cls.__name__
        out.append(Target(f"{name}.step", _optimizer_steps(cls),
                          {"params": V(np.ones(2)), "grad": V(np.array([0.5, -1.0])), "lr": P(0.1)}))
    out += [
        Target("SGD", lambda momentum, dampening, weight_decay, nesterov:
               optimizers.SGD(0.1, momentum, dampening, weight_decay, nesterov).step(np.ones(2), np.ones(2)),
               {"momentum": V(0.9), "dampening": V(0.0), "weight_decay": V(0.0), "nesterov": F(True)}),
        Target("Adam", lambda betas, eps, weight_decay, amsgrad:
               optimizers.Adam(0.1, betas, eps, weight_decay, amsgrad).step(np.ones(2), np.ones(2)),
               {"betas": V((0.9, 0.999)), "eps": P(1e-8), "weight_decay": V(0.0), "amsgrad": F(False)}),
        Target("RMSprop", lambda alpha, eps, momentum, centered:
               optimizers.RMSprop(0.1, alpha, eps, 0.0, momentum, centered).step(np.ones(2), np.ones(2)),
               {"alpha": V(0.99), "eps": P(1e-8), "momentum": V(0.0), "centered": F(False)}),
        Target("AdaGrad", lambda lr_decay, initial_accumulator_value:
               optimizers.AdaGrad(0.1, lr_decay, 0.0, initial_accumulator_value).step(np.ones(2), np.ones(2)),
               {"lr_decay": V(0.0), "initial_accumulator_value": V(0.0)}),
        Target("AdaDelta", lambda rho, eps: optimizers.AdaDelta(1.0, rho, eps).step(np.ones(2), np.ones(2)),
               {"rho": V(0.9), "eps": P(1e-6)}),
    ]
    return out


def calls(target: Target) -> list[tuple[str, str, object]]:
    """Every (slot, tag, value) a fuzz of ``target`` tries: each hostile value in each slot."""
    out = [("", "valid", None)]
    for slot_name, slot in target.slots.items():
        pool = hostile_values() + (hostile_callables() if slot.kind == "callable" else [])
        out += [(slot_name, tag, value) for tag, value in pool]
    return out


# -- judging an outcome -------------------------------------------------------------------------

def _has_nonfinite(result, depth: int = 0, nan_only: bool = False) -> bool:
    """Whether a result holds NaN or inf (only NaN with ``nan_only``), in numbers, arrays and containers."""
    bad = np.isnan if nan_only else (lambda v: ~np.isfinite(v))
    if depth > 4:
        return False
    if isinstance(result, (bool, np.bool_, str, type(None))):
        return False
    if isinstance(result, (float, np.floating, np.ndarray)) and np.asarray(result).dtype.kind in "fc":
        return bool(np.any(bad(result)))
    if isinstance(result, dict):
        return any(_has_nonfinite(v, depth + 1, nan_only) for v in result.values())
    if isinstance(result, (list, tuple)):
        return any(_has_nonfinite(v, depth + 1, nan_only) for v in result)
    return False


def _raised_by_gdcore(error: BaseException) -> bool:
    """Whether ``error`` came from an explicit ``raise`` statement in a gdcore source file."""
    tb = error.__traceback__
    if tb is None:
        return False
    while tb.tb_next is not None:
        tb = tb.tb_next
    filename = tb.tb_frame.f_code.co_filename
    line = linecache.getline(filename, tb.tb_lineno).strip()
    return os.path.abspath(filename).startswith(GDCORE_DIR) and line.startswith("raise")


CLEAR_ERRORS = (TypeError, ValueError, ZeroDivisionError, OverflowError, KeyError, IndexError)


def judge(target: Target, slot_name: str, tag: str, value) -> tuple[str, str]:
    """Call ``target`` with ``value`` in ``slot_name`` (all other slots valid): (outcome, detail)."""
    kwargs = {name: slot.valid for name, slot in target.slots.items()}
    if slot_name:
        kwargs[slot_name] = value
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = target.call(**kwargs)
            if hasattr(result, "__next__"):
                result = list(result)
            error = None
        except CLEAR_ERRORS as e:
            error = e
        except Exception as e:  # noqa: BLE001 (classified below)
            error = e
    if caught:
        return "raw overflow", f"warning: {caught[0].category.__name__}: {caught[0].message}"
    if error is not None:
        text = f"{type(error).__name__}: {error}"
        if isinstance(error, CLEAR_ERRORS) and _raised_by_gdcore(error) and str(error):
            return "clear error", text
        if isinstance(error, OverflowError):
            return "raw overflow", text
        return "obscure error", text
    slot = target.slots.get(slot_name)
    if _has_nonfinite(result):
        if tag in ("huge", "huge_array") and not _has_nonfinite(result, nan_only=True):
            return "accept", f"overflowed to inf (the true value is beyond float64): {_short(result)}"
        return "silent result", f"returned NaN or inf: {_short(result)}"
    if slot is not None and slot.invalid(tag):
        return "silent result", f"accepted {tag} and returned {_short(result)}"
    return "accept", _short(result)


def _short(result) -> str:
    text = repr(result)
    return text if len(text) < 100 else text[:97] + "..."


def fuzz_calls() -> list[tuple[Target, str, str, object]]:
    """The full deterministic list of fuzz calls: every target, slot and hostile value."""
    return [(t, s, tag, v) for t in targets() for s, tag, v in calls(t)]


__all__ = ["OUTCOMES", "Slot", "Target", "targets", "calls", "judge", "fuzz_calls", "hostile_values",
           "hostile_callables"]
