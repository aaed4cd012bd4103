"""Checks for chapter 6, weight initialization and randomness."""

from __future__ import annotations

import math

from ..experiments.stacks import SCHEMES, stack_statistics, verdict
from ._core import as_number, exercise, failed, fmt, passed

__all__ = ["check_xavier_bound", "check_kaiming_std", "check_relu_variance_factor", "check_relu_stack_alive"]

_LAYERS = [(64, 32), (784, 256), (10, 10), (3, 1000)]


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-300)


def _likely_mistake(got, cases, mistakes, default: str) -> str:
    """The message of the first wrong ``(formula, message)`` that reproduces every answer, else ``default``."""
    for formula, message in mistakes:
        if all(_close(g, formula(*case)) for g, case in zip(got, cases)):
            return message
    return default


@exercise("6.1", "the Xavier bound")
def check_xavier_bound(xavier_bound):
    """``xavier_bound(fan_in, fan_out)`` should be sqrt(6 / (fan_in + fan_out))."""
    got = [as_number(xavier_bound(a, b), f"xavier_bound({a}, {b})") for a, b in _LAYERS]
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
            return failed(f"xavier_bound({a}, {b}) returned {fmt(g)}, expected {fmt(e)}. {hint}")
    raise AssertionError("unreachable")  # pragma: no cover


_SHAPES = [(64, 32), (32, 10), (300, 100)]


@exercise("6.2", "Kaiming's standard deviation")
def check_kaiming_std(kaiming_std):
    """``kaiming_std(shape, mode)``: sqrt(2 / fan) for a (fan_in, fan_out) weight, fan by ``mode``."""
    cases = [(shape, mode) for shape in _SHAPES for mode in ("fan_in", "fan_out")]
    got = [as_number(kaiming_std(shape, mode), f"kaiming_std({shape}, {mode!r})") for shape, mode in cases]

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
            return failed(f"kaiming_std({shape}, {mode!r}) returned {fmt(g)}, expected {fmt(e)}. {hint}")
    raise AssertionError("unreachable")  # pragma: no cover


_CASES = [(128, 1.0, 1), (128, math.sqrt(0.1), 10), (100, 0.1, 3), (64, math.sqrt(2 / 64), 20)]


@exercise("6.3", "the ReLU variance factor")
def check_relu_variance_factor(variance_factor):
    """``variance_factor(width, std, depth)`` should be (width * std**2 / 2) ** depth."""
    got = [as_number(variance_factor(n, s, d), f"variance_factor({n}, {s}, {d})") for n, s, d in _CASES]
    expected = [(n * s**2 / 2) ** d for n, s, d in _CASES]
    if all(_close(g, e) for g, e in zip(got, expected)):
        return passed(f"variance_factor(128, √0.1, 10) = {fmt(got[1])}: each ReLU layer multiplies the "
                      "variance by n·σ²/2, and with σ² = 2/n (He) that factor is exactly 1.")
    mistakes = [
        (lambda n, s, d: (n * s**2) ** d, "ReLU zeroes half of a symmetric input, so E[a²] = Var(z)/2: "
                                          "divide n·σ² by 2."),
        (lambda n, s, d: (n * s / 2) ** d, "The variance of a weight is std², not std."),
        (lambda n, s, d: n * s**2 / 2, "That is the factor for one layer: raise it to the power depth."),
        (lambda n, s, d: (n * s**2 / 2) * d, "Layers multiply the variance in turn: (n·σ²/2) ** depth, not times depth."),
        (lambda n, s, d: math.sqrt((n * s**2 / 2) ** d), "That is the factor for the standard deviation; "
                                                           "the exercise asks for the variance."),
    ]
    hint = _likely_mistake(got, _CASES, mistakes, "Each layer multiplies the variance by width · std² / 2.")
    for g, e, (n, s, d) in zip(got, expected, _CASES):
        if not _close(g, e):
            return failed(f"variance_factor({n}, {fmt(s)}, {d}) returned {fmt(g)}, expected {fmt(e)}. {hint}")
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
