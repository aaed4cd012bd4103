"""Chapter 9's workflow experiment: splits, the Tensor-engine MLP, schedules, the range test, runs."""

import numpy as np
import pytest

from gdcore import optimizers
from gdcore.experiments import workflow as wf
from gdcore.models import MLP


@pytest.fixture(scope="module")
def splits():
    return wf.digits_splits()


def test_splits_are_disjoint_sized_and_standardized_on_training_only(splits):
    assert splits.sizes() == (1078, 360, 359)
    np.testing.assert_allclose(splits.X_train.mean(axis=0), 0, atol=1e-12)
    assert abs(splits.X_val.mean()) > 1e-3  # validation is transformed with the training statistics
    raw = np.vstack([splits.scaler.inverse_transform(X) for X in (splits.X_train, splits.X_val, splits.X_test)])
    assert len(np.unique(raw.round(6), axis=0)) > 1700  # no sample copied between splits (the digits hold a few duplicates)


def test_another_seed_gives_another_split():
    assert not np.array_equal(wf.digits_splits(seed=1).y_test, wf.digits_splits(seed=0).y_test)


@pytest.mark.parametrize("fractions", [(0.0, 0.2), (0.5, 0.5), (0.2, 1.2)])
def test_bad_fractions_are_named(fractions):
    with pytest.raises(ValueError, match="fraction"):
        wf.digits_splits(*fractions)


def test_tensor_mlp_has_the_gradient_of_hand_written_backprop(splits):
    tensor, hand = wf.make_model(engine="tensor", sizes=(64, 16, 10)), wf.make_model(sizes=(64, 16, 10))
    assert isinstance(tensor, wf.TensorMLP) and type(hand) is MLP
    params = hand.init_params(0)
    X, y = splits.X_train[:50], splits.y_train[:50]
    np.testing.assert_allclose(tensor.grad(params, X, y), hand.grad(params, X, y), rtol=1e-10, atol=1e-14)
    assert tensor.loss(params, X, y) == pytest.approx(hand.loss(params, X, y))


def test_optimizers_by_name():
    assert wf.make_optimizer("sgd", 0.1).momentum == 0.9
    assert isinstance(wf.make_optimizer("adamw", 1e-3, weight_decay=0.1), optimizers.AdamW)
    with pytest.raises(ValueError, match="optimizer"):
        wf.make_optimizer("adam", 1e-3)


def test_warmup_then_cosine_schedule():
    opt = optimizers.SGD(lr=1.0)
    sched = wf.make_scheduler(opt, "cosine", total_steps=110, warmup_steps=10)
    lrs = [opt.lr]
    for _ in range(110):
        sched.step()
        lrs.append(opt.lr)
    assert lrs[0] == pytest.approx(0.1) and lrs[10] == pytest.approx(1.0)
    assert lrs[60] == pytest.approx(0.5) and lrs[110] == pytest.approx(0.0, abs=1e-12)
    assert np.all(np.diff(lrs[:11]) > 0) and np.all(np.diff(lrs[10:]) < 0)
    assert wf.make_scheduler(optimizers.SGD(lr=1.0), "constant", 10) is None
    with pytest.raises(ValueError, match="warmup_steps"):
        wf.make_scheduler(optimizers.SGD(lr=1.0), "cosine", 10, warmup_steps=10)


def test_range_test_grows_the_rate_geometrically_and_stops_at_the_blow_up(splits):
    test = wf.lr_range_test(splits, "sgd", lr_min=1e-3, lr_max=100.0, steps=60, seed=0)
    n = len(test.lrs)
    assert 10 < n < 60  # it blew up before the end and stopped
    np.testing.assert_allclose(test.lrs, 1e-3 * (1e5) ** (np.arange(n) / 59))
    assert test.smoothed[-1] > 3 * test.smoothed.min()
    assert test.suggested_lr == pytest.approx(test.lr_at_min / 10)
    assert 1e-3 <= test.lr_at_min < test.lrs[-1]


def test_range_test_arguments_are_checked(splits):
    with pytest.raises(ValueError, match="lr_max"):
        wf.lr_range_test(splits, lr_min=1.0, lr_max=0.1)
    with pytest.raises(TypeError, match="splits"):
        wf.lr_range_test((1, 2))


def test_a_short_run_learns_and_scores(splits):
    result = wf.train(splits, "adamw", 1e-3, seed=0, epochs=2, schedule="cosine", warmup_epochs=0.5, clip=5.0)
    h = result.history
    assert h.epochs == 2 and h.loss < 0.5 * h.epoch_losses[0]
    assert 0.6 < result.val_accuracy <= 1 and 0.6 < result.test_accuracy <= 1
    assert h.lrs[0] == pytest.approx(1e-4) and h.lrs[-1] < 1e-5  # warm-up from a tenth, cosine to 0
    assert result.val_loss == pytest.approx(h.val_losses[-1])


def test_a_diverging_run_says_so_and_scores_nan(splits):
    result = wf.train(splits, "sgd", 50.0, seed=0, epochs=1)
    assert result.diverged and np.isnan(result.test_accuracy)


def test_over_seeds(splits):
    runs = wf.over_seeds(lambda seed: wf.train(splits, "adamw", 1e-3, seed, epochs=1, batch_size=256), [0, 1])
    assert len(runs) == 2 and runs[0].val_loss != runs[1].val_loss
    with pytest.raises(ValueError, match="seed"):
        wf.over_seeds(lambda seed: seed, [])
    with pytest.raises(TypeError, match="splits"):
        wf.train("digits")


def test_mean_and_spread():
    mean, s = wf.mean_and_spread([1.0, 2.0, 3.0])
    assert mean == 2.0 and s == pytest.approx(1.0)  # the sample standard deviation (ddof=1)
    with pytest.raises(ValueError, match="two"):
        wf.mean_and_spread([1.0])


def test_shuffled_labels_break_only_the_training_labels(splits):
    broken = wf.with_shuffled_labels(splits, seed=0)
    assert sorted(broken.y_train) == sorted(splits.y_train) and np.mean(broken.y_train == splits.y_train) < 0.2
    np.testing.assert_array_equal(broken.X_train, splits.X_train)
    np.testing.assert_array_equal(broken.y_val, splits.y_val)
