import functools

import numpy as np
import pytest

from gdcore import data, derivatives, initializers, optimizers
from gdcore.models import MLP


def _problem(task, seed=0, n=13, d=5):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    y = rng.integers(0, 3, n) if task == "classification" else rng.normal(size=n)
    return X, y


@pytest.mark.parametrize("activation", ["relu", "leaky_relu", "tanh", "sigmoid", "linear"])
@pytest.mark.parametrize("task", ["classification", "regression"])
def test_gradient_matches_central_differences(activation, task):
    X, y = _problem(task)
    model = MLP([5, 7, 6, 3 if task == "classification" else 1], activation=activation, task=task)
    params = model.init_params(1)
    params += 0.1 * np.random.default_rng(2).normal(size=params.shape)  # non-zero biases too
    error = derivatives.gradient_check(lambda p: model.loss(p, X, y), lambda p: model.grad(p, X, y), params)
    assert error < 1e-6


def test_layout_and_named_views():
    model = MLP([3, 4, 2])
    assert model.n_params == 3 * 4 + 4 + 4 * 2 + 2
    params = np.arange(model.n_params, dtype=float)
    views = model.unpack(params)
    assert list(views) == ["W1", "b1", "W2", "b2"]
    assert views["W1"].shape == (3, 4) and views["b2"].shape == (2,)
    assert views["W1"][0, 1] == 1.0 and views["b1"][0] == 12.0 and views["W2"][0, 0] == 16.0
    views["b2"][...] = -1.0  # a view: writes through
    assert params[-1] == -1.0
    assert np.array_equal(model.pack(model.unpack(params)), params)


def test_init_params_biases_zero_and_seeded():
    model = MLP([64, 32, 10], init="kaiming_normal")
    a, b = model.init_params(0), model.init_params(np.random.default_rng(0))
    assert np.array_equal(a, b) and a.dtype == np.float64 and a.shape == (model.n_params,)
    views = model.unpack(a)
    assert np.all(views["b1"] == 0) and np.all(views["b2"] == 0)
    # the first matrix is exactly what the initializer draws first from the same Generator
    expected = initializers.kaiming_normal((64, 32), np.random.default_rng(0))
    assert np.array_equal(views["W1"], expected)
    custom = MLP([4, 3, 2], init=functools.partial(initializers.constant, val=0.5)).init_params(0)
    assert np.all(custom[:12] == 0.5)
    with pytest.raises(TypeError, match="needs rng"):
        model.init_params()


def test_hand_computed_forward_and_loss():
    # one hidden ReLU unit: z1 = x*w1 + b1, h = relu(z1), logits = h*W2 + b2
    model = MLP([1, 1, 2])
    params = model.pack({"W1": [[2.0]], "b1": [-1.0], "W2": [[1.0, -1.0]], "b2": [0.0, 0.0]})
    X = np.array([[1.0], [0.0]])
    # sample 1: h = 1, logits (1, -1); sample 2: h = 0, logits (0, 0)
    expected_loss = 0.5 * (np.log(1 + np.exp(-2.0)) + np.log(2.0))
    assert model.loss(params, X, [0, 1]) == pytest.approx(expected_loss, rel=1e-12)
    assert np.array_equal(model.predict(params, X), [0, 0])
    assert model.accuracy(params, X, [0, 1]) == 0.5
    proba = model.predict_proba(params, X)
    assert proba[1] == pytest.approx([0.5, 0.5])


def test_regression_loss_is_the_mse_of_linear_regression():
    model = MLP([2, 3, 1], activation="linear", task="regression")
    params = model.pack({"W1": np.eye(2, 3), "b1": np.zeros(3), "W2": [[1.0], [1.0], [0.0]], "b2": [0.5]})
    X = np.array([[1.0, 2.0], [0.0, 0.0]])
    # predictions 3.5 and 0.5
    assert np.allclose(model.predict(params, X), [3.5, 0.5])
    assert model.loss(params, X, [3.0, 0.5]) == pytest.approx(0.125)


def test_zero_weights_keep_hidden_units_identical():
    ds = data.load_digits()
    X, y = ds.X[:200] / 16, ds.y[:200]
    model = MLP([64, 8, 10], init="zeros")
    params = model.init_params(0)
    opt = optimizers.SGD(lr=0.5)
    for _ in range(20):
        params = opt.step(params, model.grad(params, X, y))
    W1 = model.unpack(params)["W1"]
    assert np.ptp(W1, axis=1).max() == 0.0  # every hidden unit has the same incoming weights


def test_trains_on_digits():
    ds = data.load_digits()
    X_train, X_test, y_train, y_test = data.train_test_split(ds.X / 16, ds.y, 0.2, seed=0)
    model = MLP([64, 32, 10], init="kaiming_uniform")
    params = model.init_params(0)
    opt = optimizers.SGD(lr=0.1, momentum=0.9)
    for epoch in range(3):
        for Xb, yb in data.batches(X_train, y_train, 32, rng=epoch):
            params = opt.step(params, model.grad(params, Xb, yb))
    assert model.accuracy(params, X_test, y_test) > 0.9


def test_layer_statistics_shapes_and_relu_dead_fraction():
    X, y = _problem("classification", n=50)
    model = MLP([5, 6, 6, 6, 3], activation="relu")
    stats = model.layer_statistics(model.init_params(0), X, y)
    for key in ("activation_std", "activation_mean", "saturated", "delta_std", "weight_grad_std"):
        assert stats[key].shape == (3,)
    assert np.all((stats["saturated"] > 0.2) & (stats["saturated"] < 0.8))
    out = model.backprop(model.init_params(0), X, y)
    assert len(out["Z"]) == 4 and len(out["A"]) == 4 and len(out["delta"]) == 4
    assert np.array_equal(out["grad"], model.grad(model.init_params(0), X, y))


def test_huge_weights_give_no_warnings():
    model = MLP([5, 4, 3], init=functools.partial(initializers.normal, std=1e200))
    X, y = _problem("classification")
    loss = model.loss(model.init_params(0), X, y)  # warnings are errors in this suite
    assert not np.isfinite(loss) or loss > 1e100


@pytest.mark.parametrize("kwargs, error, match", [
    ({"sizes": [5]}, ValueError, "at least 2"),
    ({"sizes": [5, 0, 3]}, ValueError, "positive integer"),
    ({"sizes": [5, 2.5, 3]}, ValueError, "positive integer"),
    ({"sizes": 5}, TypeError, "list of layer widths"),
    ({"sizes": [5, 3], "activation": "swish"}, ValueError, "activation must be one of"),
    ({"sizes": [5, 3], "init": "glorot"}, ValueError, "init must be"),
    ({"sizes": [5, 3], "task": "ranking"}, ValueError, "task must be one of"),
    ({"sizes": [5, 1]}, ValueError, "at least 2 outputs"),
    ({"sizes": [5, 2], "task": "regression"}, ValueError, "one output"),
])
def test_bad_construction(kwargs, error, match):
    with pytest.raises(error, match=match):
        MLP(**kwargs)


def test_bad_data():
    model = MLP([5, 4, 3])
    params = model.init_params(0)
    X, y = _problem("classification")
    with pytest.raises(ValueError, match=r"labels 0\.\.2"):
        model.loss(params, X, np.where(y == 0, 3, y))
    with pytest.raises(ValueError, match=r"labels 0\.\.2"):
        model.grad(params, X, y + 0.5)
    with pytest.raises(ValueError, match="same number of samples"):
        model.grad(params, X, y[:-1])
    with pytest.raises(ValueError, match=r"shape \(n_samples, 5\)"):
        model.predict(params, X[:, :4])
    with pytest.raises(ValueError, match="flat vector of"):
        model.loss(params[:-1], X, y)
    with pytest.raises(ValueError, match="regression"):
        MLP([5, 1], task="regression").accuracy(np.zeros(6), X, y)


@pytest.mark.parametrize("make", [
    lambda: optimizers.SGD(lr=0.1, momentum=0.9, nesterov=True),
    lambda: optimizers.AdaGrad(lr=0.05),
    lambda: optimizers.RMSprop(lr=0.003),
    lambda: optimizers.AdaDelta(lr=1.0),
    lambda: optimizers.Adam(lr=0.003, amsgrad=True),
    lambda: optimizers.AdamW(lr=0.003),
])
def test_every_optimizer_trains_the_mlp_through_fit(make):
    from gdcore import descent

    ds = data.load_digits()
    X, y = ds.X[:300] / 16, ds.y[:300]
    model = MLP([64, 16, 10], init="kaiming_uniform")
    history = descent.fit(model, X, y, make(), epochs=3, batch_size=32, seed=0)
    assert history.stop_reason == "max_epochs"
    assert history.params.shape == (model.n_params,)
    assert history.epoch_losses[-1] < history.epoch_losses[0]


def test_regression_mlp_fits_a_curve_through_fit():
    from gdcore import descent

    rng = np.random.default_rng(0)
    X = rng.uniform(-2, 2, size=(200, 1))
    y = np.sin(2 * X[:, 0])
    model = MLP([1, 32, 1], activation="tanh", init="xavier_uniform", task="regression")
    history = descent.fit(model, X, y, optimizers.Adam(lr=0.01), epochs=60, batch_size=20, seed=0)
    assert history.epoch_losses[-1] < 0.05 * history.epoch_losses[0]
