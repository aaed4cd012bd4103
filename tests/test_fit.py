"""Tests of gdcore.descent.fit and its History: the loop over epochs and batches."""

import numpy as np
import pytest

from gdcore import data, models, optimizers
from gdcore.descent import fit


@pytest.fixture
def regression():
    X, y, _ = data.make_linear_regression(50, 2, noise=0.3, bias=1.0, seed=0)
    return models.LinearRegression(2), X, y


def test_one_full_batch_epoch_is_one_gradient_step(regression):
    model, X, y = regression
    start = np.array([0.5, -0.5, 0.0])
    history = fit(model, X, y, optimizers.SGD(lr=0.1), epochs=1, batch_size=None, params=start)
    np.testing.assert_allclose(history.params, start - 0.1 * model.grad(start, X, y))
    assert history.n_updates == 1 and history.updates_per_epoch == 1 and history.batch_size == 50
    assert history.losses[0] == pytest.approx(model.loss(start, X, y))
    np.testing.assert_allclose(history.epoch_losses, [model.loss(start, X, y), model.loss(history.params, X, y)])
    np.testing.assert_array_equal(start, [0.5, -0.5, 0.0])  # the start is not modified


def _manual(model, X, y, lr, epochs, batch_size, seed, params, shuffle):
    """The algorithm written out: order the samples, cut them into batches, one SGD step per batch."""
    rng = np.random.default_rng(seed)
    n = len(X)
    fixed = rng.permutation(n) if shuffle == "once" else np.arange(n)
    for epoch in range(epochs):
        order = rng.permutation(n) if shuffle is True else fixed
        for start in range(0, n, batch_size):
            index = order[start:start + batch_size]
            params = params - lr * model.grad(params, X[index], y[index])
    return params


@pytest.mark.parametrize("shuffle", [True, "once", False])
def test_fit_matches_the_algorithm_written_out(regression, shuffle):
    model, X, y = regression
    start = np.zeros(3)
    expected = _manual(model, X, y, 0.05, 4, 8, 3, start, shuffle)
    history = fit(model, X, y, 0.05, epochs=4, batch_size=8, seed=3, params=start, shuffle=shuffle)
    np.testing.assert_allclose(history.params, expected, rtol=1e-12)
    assert history.n_updates == 4 * 7 and history.updates_per_epoch == 7
    assert history.samples_seen[-1] == 200 and history.samples_seen[6] == 50  # last batch of 2 kept


def test_the_three_orders_give_different_runs(regression):
    model, X, y = regression
    ends = [fit(model, X, y, 0.05, epochs=4, batch_size=8, seed=3, params=np.zeros(3), shuffle=s).params
            for s in (True, "once", False)]
    assert not np.allclose(ends[0], ends[1]) and not np.allclose(ends[1], ends[2])


def test_mini_batch_reaches_the_least_squares_optimum(regression):
    model, X, y = regression
    best = model.loss(model.solve(X, y), X, y)
    history = fit(model, X, y, optimizers.SGD(lr=0.05), epochs=200, batch_size=10, seed=1)
    assert history.stop_reason == "max_epochs"
    assert history.loss == pytest.approx(best, rel=0.01)
    assert history.epochs == 200 and len(history.epoch_losses) == 201


def test_stochastic_and_batch_variants_run_and_are_reproducible(regression):
    model, X, y = regression
    a = fit(model, X, y, 0.01, epochs=3, batch_size=1, seed=5)
    b = fit(model, X, y, 0.01, epochs=3, batch_size=1, seed=5)
    c = fit(model, X, y, 0.01, epochs=3, batch_size=1, seed=6)
    np.testing.assert_array_equal(a.params, b.params)
    assert not np.array_equal(a.params, c.params)
    assert a.n_updates == 150 and np.array_equal(a.samples_seen, np.arange(1, 151))


def test_logistic_regression_fit_approaches_the_newton_solution():
    X, y = data.make_two_blobs(200, distance=2.0, seed=0)
    model = models.LogisticRegression(2)
    reference = model.loss(model.solve(X, y, l2=0.0), X, y)
    history = fit(model, X, y, optimizers.SGD(lr=0.5), epochs=100, batch_size=20, seed=0)
    assert history.loss == pytest.approx(reference, rel=0.01)
    assert model.accuracy(history.params, X, y) > 0.8


def test_divergence_stops_with_a_reason_and_no_warnings(regression):
    model, X, y = regression
    history = fit(model, X, y, optimizers.SGD(lr=5.0), epochs=50, batch_size=None, seed=0)
    assert history.stop_reason == "diverged" and history.diverged
    assert history.epochs < 50
    assert "diverged" in history.reason() and "smaller learning rate" in history.reason()
    assert "diverged" in repr(history)
    assert np.all(np.isfinite(history.params))


def test_divergence_to_overflow_is_reported_in_words(regression):
    model, X, y = regression
    history = fit(model, X, y, optimizers.SGD(lr=1e150), epochs=3, batch_size=5, seed=0)
    assert history.diverged
    assert "not a finite number" in history.reason() or "beyond" in history.reason()


def test_validation_losses_and_the_scheduler_metric(regression):
    model, X, y = regression
    X_val, y_val = X[:10] + 0.1, y[:10]

    class Recorder:
        def __init__(self):
            self.metrics = []

        def step(self, metric=None):
            self.metrics.append(metric)

    with_val, without_val = Recorder(), Recorder()
    h = fit(model, X, y, 0.05, epochs=3, batch_size=10, seed=0, validation=(X_val, y_val), scheduler=with_val)
    assert len(h.val_losses) == 4 and h.val_loss == pytest.approx(model.loss(h.params, X_val, y_val))
    np.testing.assert_allclose(with_val.metrics, h.val_losses[1:])
    h = fit(model, X, y, 0.05, epochs=3, batch_size=10, seed=0, scheduler=without_val)
    np.testing.assert_allclose(without_val.metrics, h.epoch_losses[1:])
    assert h.val_loss is None and len(h.val_losses) == 0


def test_the_scheduler_changes_the_learning_rate_between_epochs(regression):
    model, X, y = regression
    opt = optimizers.SGD(lr=0.1)

    class Halve:
        def step(self, metric=None):
            opt.lr /= 2

    h = fit(model, X, y, opt, epochs=3, batch_size=25, seed=0, scheduler=Halve())
    np.testing.assert_allclose(h.lrs, [0.1, 0.1, 0.05, 0.05, 0.025, 0.025])


def test_record_path(regression):
    model, X, y = regression
    h = fit(model, X, y, 0.05, epochs=2, batch_size=20, seed=0, params=np.ones(3), record_path=True)
    assert h.path.shape == (7, 3)
    np.testing.assert_array_equal(h.path[0], np.ones(3))
    np.testing.assert_array_equal(h.path[-1], h.params)
    assert fit(model, X, y, 0.05, epochs=1, seed=0).path is None


def test_optimizer_state_is_reset(regression):
    model, X, y = regression
    opt = optimizers.SGD(lr=0.05, momentum=0.9)
    first = fit(model, X, y, opt, epochs=2, batch_size=10, seed=0)
    second = fit(model, X, y, opt, epochs=2, batch_size=10, seed=0)
    np.testing.assert_array_equal(first.params, second.params)


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(batch_size=0), ValueError, "batch_size must be at least 1"),
    (dict(batch_size=51), ValueError, "at most the number of samples, 50"),
    (dict(batch_size=2.0), TypeError, "batch_size must be an integer"),
    (dict(epochs=0), ValueError, "epochs must be at least 1"),
    (dict(shuffle="always"), ValueError, "shuffle must be"),
    (dict(validation=np.zeros((3, 2))), TypeError, "validation must be a pair"),
    (dict(validation=(np.zeros((3, 2)), np.zeros(2))), ValueError, "same number of samples"),
    (dict(params=np.zeros(2)), ValueError, "flat vector of 3 values"),
    (dict(scheduler=object()), TypeError, "scheduler must have a .step"),
    (dict(seed=-1), ValueError, "seed"),
])
def test_bad_arguments(regression, kwargs, error, match):
    model, X, y = regression
    settings = dict(epochs=1, batch_size=10, seed=0) | kwargs
    with pytest.raises(error, match=match):
        fit(model, X, y, 0.1, **settings)


def test_bad_data(regression):
    model, X, y = regression
    with pytest.raises(ValueError, match="same number of samples"):
        fit(model, X, y[:-1], 0.1)
    with pytest.raises(ValueError, match="empty"):
        fit(model, X[:0], y[:0], 0.1)
    X_nan = X.copy()
    X_nan[4, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        fit(model, X_nan, y, 0.1)
    with pytest.raises(ValueError, match=r"shape \(n_samples, 2\)"):
        fit(model, X[:, :1], y, 0.1)
    with pytest.raises(TypeError, match="gdcore model"):
        fit(lambda p: 0.0, X, y, 0.1)
    with pytest.raises(TypeError, match="optimizer_or_lr"):
        fit(model, X, y, "fast")



def test_path_losses(regression):
    model, X, y = regression
    h = fit(model, X, y, 0.05, epochs=2, batch_size=20, seed=0, record_path=True)
    all_losses = h.path_losses(model, X, y)
    assert all_losses.shape == (7,)
    assert all_losses[-1] == pytest.approx(h.loss) and all_losses[0] == pytest.approx(h.epoch_losses[0])
    np.testing.assert_allclose(h.path_losses(model, X, y, [0, 3, 6]), all_losses[[0, 3, 6]])
    with pytest.raises(ValueError, match="between 0 and 6"):
        h.path_losses(model, X, y, [7])
    with pytest.raises(ValueError, match="record_path=True"):
        fit(model, X, y, 0.05, epochs=1, seed=0).path_losses(model, X, y)


def test_fit_with_a_real_schedule_steps_once_per_epoch(regression):
    from gdcore import schedules

    model, X, y = regression
    opt = optimizers.SGD(lr=0.1)
    h = fit(model, X, y, opt, epochs=4, batch_size=25, seed=0, scheduler=schedules.StepLR(opt, step_size=2, gamma=0.5))
    np.testing.assert_allclose(h.lrs, [0.1] * 4 + [0.05] * 4)


def test_fit_trains_the_mlp_too():
    X, y = data.make_two_blobs(60, distance=4.0, seed=0)
    model = models.MLP([2, 8, 2])
    h = fit(model, X, y.astype(int), optimizers.SGD(lr=0.5), epochs=30, batch_size=10, seed=0)
    assert h.stop_reason == "max_epochs" and h.loss < 0.5 * h.epoch_losses[0]


# -- gradient clipping, early stopping, a schedule stepped per update (chapter 9) -----------------

def test_clipping_caps_every_step_at_lr_times_the_max_norm(regression):
    model, X, y = regression
    start = np.array([30.0, -30.0, 10.0])  # far out: large gradients
    history = fit(model, X, y, optimizers.SGD(lr=0.01), epochs=1, batch_size=None, params=start,
                  clip_grad_norm=1.0)
    g = model.grad(start, X, y)
    assert np.linalg.norm(g) > 1.0 and history.grad_norms[0] == pytest.approx(np.linalg.norm(g))
    np.testing.assert_allclose(history.params, start - 0.01 * g / np.linalg.norm(g))


def test_clipping_leaves_short_gradients_alone(regression):
    model, X, y = regression
    plain = fit(model, X, y, 0.05, epochs=3, batch_size=10, seed=1)
    clipped = fit(model, X, y, 0.05, epochs=3, batch_size=10, seed=1, clip_grad_norm=1e6)
    np.testing.assert_array_equal(plain.params, clipped.params)
    assert len(plain.grad_norms) == plain.n_updates and np.all(plain.grad_norms > 0)


def test_clipping_keeps_a_too_large_learning_rate_from_diverging(regression):
    model, X, y = regression
    assert fit(model, X, y, 1.2, epochs=20, batch_size=None, seed=0).diverged
    calm = fit(model, X, y, 1.2, epochs=20, batch_size=None, seed=0, clip_grad_norm=0.1)
    assert calm.stop_reason == "max_epochs"


def test_early_stopping_returns_the_best_epoch_and_says_why():
    X, y, _ = data.make_linear_regression(40, 5, noise=2.0, seed=0)
    X_val, y_val, _ = data.make_linear_regression(40, 5, noise=2.0, seed=1)
    X_train, y_train = X[:8], y[:8]  # 8 samples, 6 parameters: it overfits, the validation loss turns up
    model = models.LinearRegression(5)
    full = fit(model, X_train, y_train, 0.05, epochs=300, batch_size=None, seed=0, validation=(X_val, y_val))
    best = int(np.argmin(full.val_losses))
    assert 0 < best < 300 - 10
    stopped = fit(model, X_train, y_train, 0.05, epochs=300, batch_size=None, seed=0,
                  validation=(X_val, y_val), patience=10)
    assert stopped.stop_reason == "early_stopped" and stopped.best_epoch == best
    assert stopped.epochs == best + 10
    assert model.loss(stopped.params, X_val, y_val) == pytest.approx(full.val_losses[best])
    assert "no lower validation loss for 10 epochs" in stopped.reason() and f"epoch {best}" in stopped.reason()


def test_without_patience_nothing_stops_early(regression):
    model, X, y = regression
    history = fit(model, X, y, 0.05, epochs=5, batch_size=10, seed=0, validation=(X, y))
    assert history.best_epoch is None and history.stop_reason == "max_epochs"


def test_a_scheduler_stepped_every_update(regression):
    from gdcore.schedules import LinearLR
    model, X, y = regression
    opt = optimizers.SGD(lr=0.1)
    history = fit(model, X, y, opt, epochs=2, batch_size=10, seed=0,
                  scheduler=LinearLR(opt, start_factor=0.1, total_iters=10), scheduler_interval="step")
    np.testing.assert_allclose(history.lrs, [0.1 * (0.1 + 0.9 * min(k, 10) / 10) for k in range(10)])


@pytest.mark.parametrize("options, error, words", [
    ({"clip_grad_norm": 0.0}, ValueError, "clip_grad_norm"),
    ({"clip_grad_norm": "big"}, TypeError, "clip_grad_norm"),
    ({"patience": 3}, ValueError, "validation"),
    ({"patience": 0, "validation": None}, ValueError, "patience"),
    ({"scheduler_interval": "batch"}, ValueError, "scheduler_interval"),
])
def test_bad_options_are_named(regression, options, error, words):
    model, X, y = regression
    with pytest.raises(error, match=words):
        fit(model, X, y, 0.05, epochs=2, **options)


# -- the loop checks each update's inputs once, and still calls what it must -------------------------

class _CountingSGD(optimizers.SGD):
    """An SGD with its own ``step``: the loop must call it (not the unchecked ``_step``)."""

    def step(self, params, grad):
        self.calls = getattr(self, "calls", 0) + 1
        return super().step(params, grad)


def test_an_optimizer_with_its_own_step_is_called_through_it(regression):
    model, X, y = regression
    opt = _CountingSGD(lr=0.1)
    history = fit(model, X, y, opt, epochs=2, batch_size=10)
    plain = fit(model, X, y, optimizers.SGD(lr=0.1), epochs=2, batch_size=10)
    assert opt.calls == history.n_updates == 10
    np.testing.assert_array_equal(history.params, plain.params)  # the same arithmetic either way
    np.testing.assert_array_equal(history.grad_norms, plain.grad_norms)


class _ListGradient(models.LinearRegression):
    """A model whose gradient arrives as a list: the loop converts and checks it through ``step``."""

    def _loss_and_grad(self, params, X, y):
        loss, grad = super()._loss_and_grad(params, X, y)
        return loss, grad.tolist()


class _WrongShape(models.LinearRegression):
    def _loss_and_grad(self, params, X, y):
        loss, grad = super()._loss_and_grad(params, X, y)
        return loss, grad[:-1]


def test_a_model_gradient_that_is_not_a_clean_array_still_meets_the_checks(regression):
    _, X, y = regression
    listed = fit(_ListGradient(2), X, y, optimizers.SGD(lr=0.1), epochs=2, batch_size=10)
    plain = fit(models.LinearRegression(2), X, y, optimizers.SGD(lr=0.1), epochs=2, batch_size=10)
    np.testing.assert_array_equal(listed.params, plain.params)
    with pytest.raises(ValueError, match="grad must have the shape of params"):
        fit(_WrongShape(2), X, y, optimizers.SGD(lr=0.1), epochs=1, batch_size=10)
