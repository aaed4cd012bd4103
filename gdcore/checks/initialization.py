"""Checks for chapter 6, weight initialization and randomness."""

from __future__ import annotations

import functools
import math

from .. import initializers
from ..experiments.stacks import SCHEMES, stack_statistics, verdict
from ._core import as_number, exercise, failed, fmt, passed

__all__ = ["check_xavier_bound", "check_kaiming_std", "check_relu_variance_factor", "check_relu_stack_alive",
           "check_predict_then_measure"]

_LAYERS = [(64, 32), (784, 256), (10, 10), (3, 1000)]


def _not_a_function(name: str, signature: str, value) -> str:
    return f"{name} should be a function, {signature}; got {value!r}."


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-300)


def _numbers(values, names) -> tuple[list[float] | None, str | None]:
    """The answers as floats, or ``(None, sentence)`` saying which one is not a number."""
    try:
        return [as_number(v, name) for v, name in zip(values, names)], None
    except TypeError as error:
        return None, f"{error}."


def _two(got: float, expected: float) -> tuple[str, str]:
    """``got`` and ``expected`` with enough digits to tell them apart (4 to 12 significant digits)."""
    for digits in range(4, 13):
        if fmt(got, digits) != fmt(expected, digits):
            break
    return fmt(got, digits), fmt(expected, digits)


def _differs(call: str, got: float, expected: float) -> str:
    g, e = _two(got, expected)
    return f"{call} returned {g}, expected {e}."


def _likely_mistake(got, cases, mistakes, default: str) -> str:
    """The message of the first wrong ``(formula, message)`` that reproduces every answer, else ``default``."""
    for formula, message in mistakes:
        if all(_close(g, formula(*case)) for g, case in zip(got, cases)):
            return message
    return default


@exercise("6.1", "the Xavier bound")
def check_xavier_bound(xavier_bound):
    """``xavier_bound(fan_in, fan_out)`` should be sqrt(6 / (fan_in + fan_out))."""
    if not callable(xavier_bound):
        return failed(_not_a_function("xavier_bound", "xavier_bound(fan_in, fan_out)", xavier_bound))
    got, problem = _numbers([xavier_bound(a, b) for a, b in _LAYERS], [f"xavier_bound({a}, {b})" for a, b in _LAYERS])
    if problem:
        return failed(problem)
    expected = [math.sqrt(6 / (a + b)) for a, b in _LAYERS]
    if all(_close(g, e) for g, e in zip(got, expected)):
        return passed(f"xavier_bound(64, 32) = {fmt(got[0])}: U(-B, B) then has variance "
                      "B²/3 = 2/(fan_in + fan_out), the Glorot compromise between the forward and backward pass.")
    mistakes = [
        (lambda a, b: math.sqrt(2 / (a + b)),
         "That is the Xavier standard deviation. U(-B, B) has variance B²/3, so the bound is √3 times it."),
        (lambda a, b: math.sqrt(6 / (a * b)), "Add the fans, don't multiply them: sqrt(6 / (fan_in + fan_out))."),
        (lambda a, b: math.sqrt(6) / (a + b), "Take the square root of the whole fraction 6 / (fan_in + fan_out)."),
        (lambda a, b: math.sqrt(6 / a), "That is Kaiming's bound for ReLU (fan_in only, gain √2); "
                                        "Xavier averages both fans: sqrt(6 / (fan_in + fan_out))."),
        (lambda a, b: math.sqrt(3 / a), "That keeps only the forward pass (fan_in); Xavier uses fan_in + fan_out."),
        (lambda a, b: 6 / (a + b), "That is B², not B: take the square root."),
    ]
    hint = _likely_mistake(got, _LAYERS, mistakes, "B = sqrt(6 / (fan_in + fan_out)).")
    for g, e, (a, b) in zip(got, expected, _LAYERS):
        if not _close(g, e):
            return failed(f"{_differs(f'xavier_bound({a}, {b})', g, e)} {hint}")
    raise AssertionError("unreachable")  # pragma: no cover


_SHAPES = [(64, 32), (32, 10), (300, 100)]


@exercise("6.2", "Kaiming's standard deviation")
def check_kaiming_std(kaiming_std):
    """``kaiming_std(shape, mode)``: sqrt(2 / fan) for a (fan_in, fan_out) weight, fan by ``mode``."""
    if not callable(kaiming_std):
        return failed(_not_a_function("kaiming_std", "kaiming_std(shape, mode)", kaiming_std))
    cases = [(shape, mode) for shape in _SHAPES for mode in ("fan_in", "fan_out")]
    got, problem = _numbers([kaiming_std(shape, mode) for shape, mode in cases],
                            [f"kaiming_std({shape}, {mode!r})" for shape, mode in cases])
    if problem:
        return failed(problem)

    def fan(shape, mode, swapped=False):
        first = (mode == "fan_in") != swapped
        return shape[0] if first else shape[1]

    expected = [math.sqrt(2 / fan(shape, mode)) for shape, mode in cases]
    if all(_close(g, e) for g, e in zip(got, expected)):
        return passed(f"kaiming_std((64, 32), 'fan_in') = {fmt(got[0])} = sqrt(2/64): in gdcore a weight is "
                      "(fan_in, fan_out), so fan_in is shape[0] (in PyTorch, whose weights are transposed, "
                      "it is shape[1]).")
    mistakes = [
        (lambda shape, mode: math.sqrt(2 / fan(shape, mode, swapped=True)),
         "The fans are swapped: that is PyTorch's (fan_out, fan_in) layout. Here a weight has shape "
         "(fan_in, fan_out), so fan_in = shape[0] and fan_out = shape[1]."),
        (lambda shape, mode: 2 / fan(shape, mode), "That is the variance 2/fan; the standard deviation is its square root."),
        (lambda shape, mode: math.sqrt(1 / fan(shape, mode)), "That is gain 1; ReLU's gain is √2, "
                                                             "so the std is sqrt(2 / fan)."),
        (lambda shape, mode: math.sqrt(2 / (shape[0] + shape[1])), "That is Xavier's std (both fans); "
                                                                   "Kaiming uses one fan, chosen by mode."),
    ]
    hint = _likely_mistake(got, cases, mistakes, "std = sqrt(2 / fan), with fan = shape[0] for mode "
                                                 "'fan_in' and shape[1] for 'fan_out'.")
    for g, e, (shape, mode) in zip(got, expected, cases):
        if not _close(g, e):
            return failed(f"{_differs(f'kaiming_std({shape}, {mode!r})', g, e)} {hint}")
    raise AssertionError("unreachable")  # pragma: no cover


_CASES = [(128, 1.0, 1), (128, math.sqrt(0.1), 10), (100, 0.1, 3), (64, math.sqrt(2 / 64), 20)]


@exercise("6.3", "the ReLU variance factor")
def check_relu_variance_factor(variance_factor):
    """``variance_factor(width, std, depth)`` should be (width * std**2 / 2) ** depth."""
    if not callable(variance_factor):
        return failed(_not_a_function("variance_factor", "variance_factor(width, std, depth)", variance_factor))
    got, problem = _numbers([variance_factor(n, s, d) for n, s, d in _CASES],
                            [f"variance_factor({n}, {fmt(s)}, {d})" for n, s, d in _CASES])
    if problem:
        return failed(problem)
    expected = [(n * s**2 / 2) ** d for n, s, d in _CASES]
    if all(_close(g, e) for g, e in zip(got, expected)):
        return passed(f"variance_factor(128, √0.1, 10) = {fmt(got[1])}: each ReLU layer multiplies the "
                      "variance by n·s_w²/2, and with s_w² = 2/n (He) that factor is exactly 1.")
    mistakes = [
        (lambda n, s, d: (n * s**2) ** d, "ReLU zeroes half of a symmetric input, so E[a²] = Var(z)/2: "
                                          "divide n·s_w² by 2."),
        (lambda n, s, d: (n * s / 2) ** d, "The variance of a weight is std², not std."),
        (lambda n, s, d: n * s**2 / 2, "That is the factor for one layer: raise it to the power depth."),
        (lambda n, s, d: (n * s**2 / 2) * d, "Layers multiply the variance in turn: (n·s_w²/2) ** depth, not times depth."),
        (lambda n, s, d: math.sqrt((n * s**2 / 2) ** d), "That is the factor for the standard deviation; "
                                                           "the exercise asks for the variance."),
    ]
    hint = _likely_mistake(got, _CASES, mistakes, "Each layer multiplies the variance by width · std² / 2.")
    for g, e, (n, s, d) in zip(got, expected, _CASES):
        if not _close(g, e):
            return failed(f"{_differs(f'variance_factor({n}, {fmt(s)}, {d})', g, e)} {hint}")
    raise AssertionError("unreachable")  # pragma: no cover


def _relu_verdicts() -> dict[str, str]:
    """The explorer's verdict for each scheme on 10 ReLU layers of width 128."""
    return {name: verdict(stack_statistics(10, 128, "relu", name), "relu")[0] for name in SCHEMES}


@exercise("6.4", "keep a ReLU stack alive")
def check_relu_stack_alive(alive):
    """``alive``: every scheme (dropdown names) whose verdict is "flat" for 10 ReLU layers of width 128."""
    verdicts = _relu_verdicts()
    right = {name for name, word in verdicts.items() if word == "flat"}
    names = [alive] if isinstance(alive, str) else alive
    try:
        names = set(names)
    except TypeError:
        return failed(f"alive should be a list of scheme names like ['xavier_uniform']; got {alive!r}.")
    if not all(isinstance(name, str) for name in names):
        return failed(f"alive should be a list of scheme names (strings) like ['xavier_uniform']; got {alive!r}.")
    unknown = sorted(str(n) for n in names if n not in verdicts)
    if unknown:
        return failed(f"{', '.join(map(repr, unknown))} is not one of the explorer's schemes: "
                      f"{', '.join(map(repr, verdicts))}.")
    wrong = sorted(names - right)
    if wrong:
        described = "; ".join(f"{name} is {verdicts[name]}" for name in wrong)
        return failed(f"Not every scheme you chose keeps 10 ReLU layers of width 128 alive: {described} "
                      "(set them in the explorer and watch the std against depth).")
    missing = sorted(right - names)
    if not names:
        return failed("alive is empty, but some schemes keep the stack's activations flat; try each one.")
    if missing:
        return failed(f"{', '.join(sorted(names))} is right, but not the only one: one more scheme keeps the "
                      "std flat. Try every entry of the dropdown.")
    return passed(f"{' and '.join(sorted(right))}: weights of variance 2/fan_in make each ReLU layer "
                  "multiply the variance by n·(2/n)/2 = 1, so the signal neither vanishes nor explodes.")


#: Exercise 6.5's stack: depth, width, activation, and the weights' standard deviation s_w.
PREDICT_STACK = {"depth": 8, "width": 64, "activation": "relu", "std": 0.3}


def _measured_ratios(seeds=range(5)) -> list[float]:
    """std(a_depth) / std(a_1) of exercise 6.5's stack at initialization, one per seed."""
    p = PREDICT_STACK
    init = functools.partial(initializers.normal, std=p["std"])
    ratios = []
    for seed in seeds:
        std = stack_statistics(p["depth"], p["width"], p["activation"], init, seed=seed)["activation_std"]
        ratios.append(float(std[-1] / std[0]))
    return ratios


@exercise("6.5", "predict, then measure", points=2)
def check_predict_then_measure(predicted_ratio, measured_ratios):
    """``predicted_ratio``: (sqrt(n s_w^2 / 2)) ** (depth - 1); ``measured_ratios``: the five seeds' std(a_8)/std(a_1)."""
    p = PREDICT_STACK
    n, var, layers = p["width"], p["std"] ** 2, p["depth"] - 1
    expected = math.sqrt(n * var / 2) ** layers
    try:
        predicted = as_number(predicted_ratio, "predicted_ratio")
    except TypeError as error:
        return failed(f"{error}.")
    if not _close(predicted, expected):
        mistakes = [
            (math.sqrt(n * var) ** layers, "ReLU zeroes half of a symmetric input: each layer multiplies the "
                                           "variance by n·s_w²/2, not n·s_w²."),
            (math.sqrt(n * var / 2) ** p["depth"], "From a_1 to a_8 there are 7 layers, not 8: a_1 is already "
                                                   "the output of the first layer."),
            ((n * var / 2) ** layers, "That is the factor of the variance; the ratio of standard deviations is "
                                      "its square root."),
            ((n * p["std"] / 2) ** (layers / 2), "The variance of a weight is std², not std."),
        ]
        hint = next((message for value, message in mistakes if _close(predicted, value)),
                    "Each ReLU layer multiplies the variance by n·s_w²/2, so the standard deviation by its "
                    "square root; count the layers between a_1 and a_8.")
        return failed(f"predicted_ratio = {fmt(predicted, 6)} is not what section 6.4's argument predicts. {hint}")
    if isinstance(measured_ratios, (str, bytes)) or not hasattr(measured_ratios, "__len__"):
        return failed(f"measured_ratios should be a list of five numbers, one per seed 0..4; got {measured_ratios!r}.")
    if len(measured_ratios) != 5:
        return failed(f"measured_ratios should hold five numbers, one per seed 0..4; it holds {len(measured_ratios)}.")
    got, problem = _numbers(list(measured_ratios), [f"measured_ratios[{k}]" for k in range(5)])
    if problem:
        return failed(problem)
    truth = _measured_ratios()
    for k, (g, t) in enumerate(zip(got, truth)):
        if not math.isclose(g, t, rel_tol=1e-6):
            if math.isclose(g, t ** 2, rel_tol=1e-6):
                hint = "That is the ratio of variances; use the standard deviations (activation_std) themselves."
            elif math.isclose(g, 1 / t, rel_tol=1e-6):
                hint = "That is the ratio the wrong way up: last layer over first."
            else:
                hint = ("Use stats = experiments.stacks.stack_statistics(8, 64, 'relu', init, seed=seed) with "
                        "init = functools.partial(initializers.normal, std=0.3), then "
                        "stats['activation_std'][-1] / stats['activation_std'][0].")
            return failed(f"measured_ratios[{k}] (seed {k}) = {fmt(g, 6)} is not what that stack gives. {hint}")
    low, high = min(got), max(got)
    inside = "inside" if low <= predicted <= high else "outside"
    return passed(f"predicted {fmt(predicted, 4)} (each layer multiplies the variance by n·s_w²/2 = {fmt(n * var / 2, 3)}, "
                  f"over {layers} layers); measured {fmt(low, 3)} to {fmt(high, 3)} over 5 seeds "
                  f"(mean {fmt(sum(got) / 5, 3)}): the prediction is {inside} the seeds' range. The argument "
                  "predicts the average; one random stack can be off by a good fraction of it, which is why a "
                  "measurement is reported over several seeds.")
