"""Every explorer's update paths: what one control change costs, recompute and redraw.

Each explorer's ``update`` does everything a control change does except
sending the PNG to the browser. A path that recomputes is timed cold: its
cache is cleared (or the value is one not computed yet) before every call,
so a reader moving a slider to a new value waits exactly this long.

Target: every path's median under 50 ms (and well under 100 ms). Each line
gives the wall-clock median and worst over the repetitions (what a reader
feels) and the median CPU time of this process (which stays meaningful when
other jobs share the machine's cores).
"""

from itertools import cycle

import numpy as np

from timing import update_times

from gdcore import widgets
from gdcore.experiments import batches, doctor, scaling, stacks
from gdcore.experiments.landscapes import DESCENT_PRESETS, POINT_PRESETS
from gdcore.experiments.race import COURSES
from gdcore.widgets.secant import FUNCTIONS

REPEAT = 20


def report(label: str, fn, repeat: int = REPEAT, warmup: int = 2, prepare=None) -> None:
    median, worst, cpu = update_times(fn, repeat=repeat, warmup=warmup, prepare=prepare)
    flag = "" if median < 50 else "   <-- over 50 ms"
    print(f"  {label:52s} {median:7.1f} {worst:7.1f} {cpu:7.1f}{flag}", flush=True)


def values(*options):
    """A control's values in turn, forever (consecutive values differ)."""
    return cycle(options).__next__


def main() -> None:
    print(f"  {'explorer: path':52s} {'median':>7s} {'worst':>7s} {'CPU':>7s}  (ms; {REPEAT} updates each)")

    print("SecantExplorer (chapter 1)")
    e = widgets.SecantExplorer()
    h, x = values(0.5, 0.05, 0.005, 1.0), values(-2.0, 0.5, 3.0)
    report("h slider", lambda: e.update(h=h()))
    report("x slider", lambda: e.update(x=x()))
    f, method = values(*FUNCTIONS), values("central", "forward")
    report("function dropdown", lambda: e.update(name=f()))
    report("quotient buttons", lambda: e.update(method=method()))

    print("GradientExplorer (chapter 2)")
    e = widgets.GradientExplorer(name="Himmelblau")
    x = values(-3.0, -1.0, 1.5, 3.5)
    report("point (θ₁ slider)", lambda: e.update(x=x()))
    names = values(*POINT_PRESETS)
    report("landscape switch", lambda: e.update(name=names()), repeat=2 * len(POINT_PRESETS), warmup=0)

    print("LearningRateExplorer (chapter 3), 500-step budget")
    e = widgets.LearningRateExplorer(name="Rosenbrock", steps=500)
    lr = e.controls["lr"].value
    factor = values(0.8, 0.9, 1.1, 1.2)
    report("new learning rate", lambda: e.update(lr=lr * factor()))
    x0 = values(-1.5, -1.0, 0.5)
    report("start (θ₁ slider)", lambda: e.update(x0=x0()))
    steps = values(100, 500, 300)
    report("step budget", lambda: e.update(steps=steps()))
    names = values(*DESCENT_PRESETS)
    report("landscape switch", lambda: e.update(name=names(), steps=500), repeat=2 * len(DESCENT_PRESETS),
           warmup=0)

    print("BatchExplorer (chapter 4), runs of 5 epochs")
    e = widgets.BatchExplorer(batch_size=32, lr=0.05, epochs=2)
    epochs = values(1, 2, 3, 4, 5)
    report("epochs budget (runs cached)", lambda: e.update(epochs=epochs()))
    # The explorer computes the full-batch and stochastic runs of every learning rate when it is
    # built; the mini-batch run of a new learning rate or batch size is computed on the move.
    rate, sizes, move = values(*batches.LRS), values(*(b for b in batches.BATCH_SIZES if b != 1)), {}

    def only_mini_batch_new(control, value):
        def prepare():
            move[control] = value()
            lr = move.get("lr", e.controls["lr"].value)
            batches.excess_curve.cache_clear()
            batches.excess_curve(None, lr)  # as on construction
            batches.excess_curve(1, lr)
        return prepare

    report("new learning rate (mini-batch run new)", lambda: e.update(lr=move.pop("lr")),
           prepare=only_mini_batch_new("lr", rate))
    report("new batch size (mini-batch run new)", lambda: e.update(batch_size=move.pop("batch_size")),
           prepare=only_mini_batch_new("batch_size", sizes))
    batches.excess_curve.cache_clear()
    report("reference: all three runs new (no longer a path)", lambda: e.update(lr=rate()),
           prepare=batches.excess_curve.cache_clear, repeat=5)

    print("ActivationExplorer (chapter 6), only the network on screen computed before each move")
    e = widgets.ActivationExplorer(depth=20, width=256)
    net_controls = ("depth", "width", "activation", "scheme")

    def move_from_screen(value):
        # Every cache emptied, then the network on screen computed again (untimed), as a reader has it
        # before moving a control: a deeper network or the other activation shares its hidden layers.
        def prepare():
            stacks._forget()
            stacks.stack_statistics(**{name: e.controls[name].value for name in net_controls})
            move.clear()  # only this move: a control left over from an earlier line would move too
            move.update(value())
        return prepare

    # One line per direction of a move: alternating a cheap and a dear move in one line would
    # report a median between the two that no reader ever waits.
    move = {}

    def from_to(start, target):
        # The network `start` put on screen, every cache emptied, the network on screen computed
        # again (all untimed); the timed move then goes to `target`.
        def prepare():
            e.update(**start)
            stacks._forget()
            stacks.stack_statistics(**{name: e.controls[name].value for name in net_controls})
            move.clear()
            move.update(target)
        return prepare

    report("deeper network, depth 10 -> 20 (width 256)", lambda: e.update(**move),
           prepare=from_to({"depth": 10, "width": 256}, {"depth": 20}))
    report("shallower network, depth 20 -> 10 (width 256)", lambda: e.update(**move),
           prepare=from_to({"depth": 20, "width": 256}, {"depth": 10}))
    report("new width, 128 -> 256 (depth 20)", lambda: e.update(**move),
           prepare=from_to({"depth": 20, "width": 128}, {"width": 256}))
    report("new width, 256 -> 128 (depth 20)", lambda: e.update(**move),
           prepare=from_to({"depth": 20, "width": 256}, {"width": 128}))
    e.update(depth=20, width=256)
    activation = values("tanh", "relu")
    report("new activation (20 x 256)", lambda: e.update(**move),
           prepare=move_from_screen(lambda: {"activation": activation()}))
    scheme = values(*stacks.SCHEMES)
    report("new init (20 x 256)", lambda: e.update(**move), prepare=move_from_screen(lambda: {"scheme": scheme()}))
    e.update(scheme="N(0, 1)")
    report("new network, 10 x 128 -> 20 x 256", lambda: e.update(**move),
           prepare=from_to({"depth": 10, "width": 128}, {"depth": 20, "width": 256}))
    report("new network, 20 x 256 -> 10 x 128", lambda: e.update(**move),
           prepare=from_to({"depth": 20, "width": 256}, {"depth": 10, "width": 128}))
    net = values((10, 128), (20, 256))
    report("settings computed before (10 x 128, 20 x 256 in turn)",
           lambda: e.update(**dict(zip(("depth", "width"), net()))))

    # A reader's walk: a new explorer, every cache emptied, then random moves of one control
    # (depth one step, or any width, activation or scheme), none timed twice, nothing warmed up:
    # new networks and the first visits of new axes (a half drawn afresh) as they come.
    stacks._forget()
    walker = widgets.ActivationExplorer()
    rng = np.random.default_rng(0)

    def next_move():
        name = net_controls[rng.integers(len(net_controls))]
        if name == "depth":
            value = int(np.clip(walker.controls["depth"].value + rng.choice([-1, 1]), 2, stacks.MAX_DEPTH))
        else:
            options = {"width": stacks.WIDTHS, "activation": stacks.ACTIVATIONS, "scheme": stacks.SCHEMES}[name]
            value = list(options)[rng.integers(len(options))]
        move.clear()
        move[name] = value

    report("a reader's walk: 60 random moves from a new explorer", lambda: walker.update(**move),
           repeat=60, warmup=0, prepare=next_move)

    def arithmetic(depth_from, depth_to):
        # What such a move cannot skip without changing its numbers: the new hidden layers' weights
        # drawn (as the explorer draws them), their forward matrix products and the backward
        # products of every layer, nothing else (no statistics, no figure). The weights of the
        # layers already on screen (depth_from of them) are drawn untimed.
        start = {}

        def prepare():
            start["weights"] = stacks._HiddenWeights(256, "N(0, 1)", 0)
            if depth_from:
                start["weights"].weight(depth_from)

        def run():
            weights, a = start["weights"], np.ones((stacks.BATCH, 256))
            for l in range(depth_from + 1, depth_to + 1):
                (a[:, :64] if l == 1 else a) @ weights.weight(l)
            for l in range(2, depth_to + 1):
                a @ weights.weight(l).T
        return run, prepare

    run, prepare = arithmetic(0, 20)
    report("reference: arithmetic alone of a new 20 x 256 network", run, prepare=prepare, repeat=10)
    run, prepare = arithmetic(10, 20)
    report("reference: arithmetic alone of depth 10 -> 20 (256)", run, prepare=prepare, repeat=10)

    print("ScalingExplorer (chapter 7)")
    e = widgets.ScalingExplorer()
    factors = values(1.0, 1e3, 10**5.5, 1e7)
    def only_the_screen_kept():
        # Every kept background forgotten, then the screen drawn again (untimed): the move goes
        # to a unit whose axes have never been drawn, as a reader's first pass over the slider.
        e.blitter.invalidate()
        e.update()

    report("thickness factor, axes drawn afresh", lambda: e.update(factor=factors()), prepare=only_the_screen_kept)
    report("thickness factor, seen before", lambda: e.update(factor=factors()))
    scalings = values(*scaling.SCALINGS)
    report("scaling buttons", lambda: e.update(scaling=scalings()))

    print("GraphStepper (chapter 8)")
    e = widgets.GraphStepper()
    step = values(*range(1, 15))
    report("step slider", lambda: e.update(step=step()))
    x = values(-1.0, 0.5, 1.5)
    report("x slider (a new graph)", lambda: e.update(x=x()))
    expressions = values(*e.controls["expression"].options)
    report("expression dropdown", lambda: e.update(expression=expressions()))

    print("DoctorExplorer (chapter 9), runs of 15 epochs")
    e = widgets.DoctorExplorer(lr=0.0316, schedule="constant", batch_size=32)
    # A new setting trains one run (descent.fit); the range tests of every batch size are computed
    # when the explorer is built. Cold: the run cache is cleared before every timed move.
    lrs = values(*(lr for lr in doctor.LRS if 0.003 <= lr <= 0.2))  # rates that train the whole budget
    report("new learning rate (B = 32, run new)", lambda: e.update(lr=lrs()), prepare=doctor._doctor_run.cache_clear)
    e.update(lr=0.0316)
    schedules = values(*doctor.SCHEDULES)
    report("new schedule (B = 32, run new)", lambda: e.update(schedule=schedules()),
           prepare=doctor._doctor_run.cache_clear)
    e.update(schedule="constant")
    sizes = values(*doctor.BATCH_SIZES)
    report("new batch size (32/64/128, run new)", lambda: e.update(batch_size=sizes()),
           prepare=doctor._doctor_run.cache_clear)
    e.update(batch_size=32)
    lrs = values(*doctor.LRS)
    report("learning rate seen before (cached)", lambda: e.update(lr=lrs()), repeat=2 * len(doctor.LRS))

    print("RaceExplorer (chapter 5), only the runs on screen computed before each move")
    e = widgets.RaceExplorer(racers=("GD", "momentum", "Adam"))
    move = {}

    def move_from_screen(value):
        # Every run forgotten, then the screen before the move computed again (untimed), as a
        # reader has it: the move reruns exactly the racers whose settings it changes.
        def prepare():
            e._cache.clear()
            e.update()
            move.clear()
            move.update(value())
        return prepare

    lr = e.controls["lr"].value
    factor = values(0.8, 0.9, 1.1, 1.2)
    report("new lr (GD, momentum rerun)", lambda: e.update(**move),
           prepare=move_from_screen(lambda: {"lr": lr * factor()}))
    momentum = values(0.5, 0.7, 0.9)
    report("new momentum (momentum rerun)", lambda: e.update(**move),
           prepare=move_from_screen(lambda: {"momentum": momentum()}))
    # One line per direction: the two moves run different racers (3 new runs, then 2).
    three, four = ("GD", "momentum", "Adam"), ("GD", "Nesterov", "RMSprop", "AdaDelta")

    def racers_from(start, target):
        # `start` put on screen, every run forgotten, the screen computed again (all untimed).
        def prepare():
            e.update(racers=start)
            e._cache.clear()
            e.update()
            move.clear()
            move.update(racers=target)
        return prepare

    report("racers 3 -> 4 (Nesterov, RMSprop, AdaDelta run)", lambda: e.update(**move),
           prepare=racers_from(three, four))
    report("racers 4 -> 3 (momentum, Adam run)", lambda: e.update(**move), prepare=racers_from(four, three))
    e.update(racers=three)
    names = values(*COURSES)
    report("landscape switch (its preset runs)", lambda: e.update(name=names()), repeat=2 * len(COURSES),
           warmup=0)


if __name__ == "__main__":
    main()
