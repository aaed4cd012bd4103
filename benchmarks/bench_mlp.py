"""Chapter 6: the MLP on the digits, and the activation explorer.

* one epoch of the digits MLP (64-32-10, ReLU, batch 32, Adam) through
  ``descent.fit``: target under 50 ms;
* one mini-batch loss and gradient (forward and backward pass) of that MLP;
* ``ActivationExplorer.update`` (chapter 6's widget), target 50 ms median:
  for settings seen before (statistics and axes background cached: the
  common case while a student flips between schemes); the moves to a new
  network are timed in ``bench_widgets.py``. For reference, a new network
  whose axes have never been drawn: new weights, forward and backward pass,
  and both halves of the figure drawn again (a reader's first visit of an
  axis range; a half whose axes were drawn before is kept).
"""

import itertools

from timing import median_ms

from gdcore import data, descent, optimizers, widgets
from gdcore.experiments import stacks
from gdcore.models import MLP
from gdcore.preprocessing import StandardScaler


def main() -> None:
    digits = data.load_digits()
    X_train, _, y_train, _ = data.train_test_split(digits.X, digits.y, 0.25, seed=0)
    X_train = StandardScaler().fit_transform(X_train)
    model = MLP([64, 32, 10], init="kaiming_uniform")
    seeds = itertools.count()

    def one_epoch():
        descent.fit(model, X_train, y_train, optimizers.Adam(lr=1e-3), epochs=1, batch_size=32,
                    seed=next(seeds))

    ms = median_ms(one_epoch, repeat=20)
    print(f"MLP 64-32-10, one epoch ({len(X_train)} samples, batch 32, Adam): {ms:6.1f} ms median (target < 50)")
    params = model.init_params(0)
    X_batch, y_batch = X_train[:32], y_train[:32]
    us = median_ms(lambda: model._loss_and_grad(params, X_batch, y_batch), repeat=200) * 1000
    print(f"MLP 64-32-10, loss and gradient of one batch of 32:       {us:6.1f} µs median")

    explorer = widgets.ActivationExplorer(depth=10, width=128, activation="relu", scheme="kaiming_normal")
    schemes = itertools.cycle(["N(0, 1)", "xavier_normal", "kaiming_normal"])
    ms = median_ms(lambda: explorer.update(scheme=next(schemes)))
    print(f"ActivationExplorer.update, settings seen before:           {ms:6.1f} ms median (target < 50)")

    def new_network(depth, width):
        def run():
            # Every cache of the experiment emptied (the statistics, and the hidden layers' weights
            # and forward pass they are computed from): the weights are dealt and both passes run.
            stacks._forget()
            explorer.blitter.invalidate()
            explorer.update(depth=depth, width=width)
        return run

    for depth, width in [(10, 128), (20, 256)]:
        ms = median_ms(new_network(depth, width), repeat=10)
        print(f"reference: a new network of {depth} x {width}, axes never drawn: {ms:6.1f} ms median "
              "(weights, both passes, whole figure)")


if __name__ == "__main__":
    main()
