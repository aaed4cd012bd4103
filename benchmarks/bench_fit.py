"""The cost of one update of ``descent.fit``, and of one epoch of chapter 9's workflow.

The chapters' own compute is mostly ``fit``: chapter 4 runs SGD with batch
size 1 over many rates and seeds, chapter 9 trains its 64-128-128-10 network
over seeds and grids. With one sample per update the maths is a few tiny
numpy calls, so what an update costs is mostly the loop's own Python around
them (checks, bookkeeping): this is the figure to watch.

CPU time of this process (``time.process_time``), the least of several
repeats: other jobs sharing the machine's cores only ever add to a run's
time, so the least is the steadiest figure of what the code itself costs.
"""

from timing import least_cpu_ms

from gdcore.data import make_linear_regression
from gdcore.descent import fit
from gdcore.experiments import workflow
from gdcore.models import LinearRegression, LogisticRegression
from gdcore.optimizers import SGD, Adam


def _cpu_us_per_update(run, repeat: int = 5) -> float:
    """Least CPU microseconds per update of ``run()`` (which returns a History) over ``repeat`` runs."""
    updates = run().n_updates  # the warm-up; every run is the same (one seed), so it counts them all
    return least_cpu_ms(run, repeat=repeat, warmup=0) * 1000 / updates


def bench_fit_linear() -> None:
    X, y, _ = make_linear_regression(n_samples=1000, n_features=5, seed=0)
    y_class = (y > 0).astype(float)
    print(f"{'fit, 1,000 samples x 5 features':42s} {'us/update':>10s}")
    for batch_size in (1, 32, None):
        for name, model, target, make in (
                ("LinearRegression, SGD", LinearRegression(5), y, lambda: SGD(lr=0.01)),
                ("LinearRegression, Adam", LinearRegression(5), y, lambda: Adam(lr=0.01)),
                ("LogisticRegression, SGD", LogisticRegression(5), y_class, lambda: SGD(lr=0.1))):
            epochs = 2 if batch_size == 1 else (20 if batch_size == 32 else 200)
            us = _cpu_us_per_update(lambda: fit(model, X, target, make(), epochs=epochs, batch_size=batch_size))
            label = f"{name}, batch {batch_size if batch_size else 'full'}"
            print(f"{label:42s} {us:10.1f}")


def bench_workflow_epoch() -> None:
    splits = workflow.digits_splits()
    per_epoch = workflow.n_batches(len(splits.y_train), workflow.BATCH_SIZE)
    for engine in ("backprop", "tensor"):
        for optimizer, lr in (("adamw", 1e-3), ("sgd", 0.05)):
            def run():
                return workflow.train(splits, optimizer, lr, seed=0, epochs=2, engine=engine).history
            us = _cpu_us_per_update(run, repeat=3)
            print(f"workflow.train, {engine:8s} {optimizer:5s}: {us * per_epoch / 1000:7.1f} ms CPU per epoch "
                  f"({per_epoch} updates of batch {workflow.BATCH_SIZE}, {us:6.0f} us each, with the epoch's "
                  "training and validation losses)")


def bench_public_loss_and_grad() -> None:
    """``model.loss`` then ``model.grad``, each checking its arguments: a loop written in a chapter (7) pays this."""
    from gdcore.data import load_airfoil, load_breast_cancer
    from gdcore.preprocessing import StandardScaler

    for name, dataset, make in (("LinearRegression, airfoil", load_airfoil(), LinearRegression),
                                ("LogisticRegression, breast cancer", load_breast_cancer(), LogisticRegression)):
        X = StandardScaler().fit_transform(dataset.X)
        model = make(X.shape[1])
        params = model.init_params(0)
        def calls(model=model, params=params, X=X, y=dataset.y):
            for _ in range(500):
                model.loss(params, X, y)
                model.grad(params, X, y)

        per_call = least_cpu_ms(calls, repeat=5, warmup=0) * 1000 / 500
        label = f"{name} ({X.shape[0]:,} x {X.shape[1]})"
        print(f"model.loss + model.grad, {label:42s} {per_call:7.1f} us CPU")


def main() -> None:
    bench_fit_linear()
    bench_public_loss_and_grad()
    bench_workflow_epoch()


if __name__ == "__main__":
    main()
