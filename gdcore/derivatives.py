r"""Numerical derivatives: finite differences, gradient checking, and the step whose error is smallest.

The three difference quotients of chapter 1, for a step :math:`h > 0`:

* forward  :math:`\frac{f(x+h) - f(x)}{h}`, error :math:`O(h)`;
* backward :math:`\frac{f(x) - f(x-h)}{h}`, error :math:`O(h)`;
* central  :math:`\frac{f(x+h) - f(x-h)}{2h}`, error :math:`O(h^2)`.

Smaller is not always better: below about :math:`h \approx 10^{-8}` (forward)
or :math:`10^{-5}` (central) round-off in :math:`f(x \pm h)` dominates.
"""

from __future__ import annotations

import functools

import numpy as np

from ._validation import as_finite_array, check_callable, check_choice, check_positive, describe, is_real

METHODS = ("forward", "backward", "central")

#: A step near the sweet spot of the central difference in float64 (about eps**(1/3)).
DEFAULT_STEP = 1e-5


def _overflow_is_an_error(function):
    """Run ``function`` without numpy overflow warnings; a result that overflowed is a ValueError."""
    @functools.wraps(function)
    def checked(*args, **kwargs):
        with np.errstate(over="ignore", invalid="ignore"):
            result = function(*args, **kwargs)
        if not np.all(np.isfinite(result)):
            raise ValueError("the difference quotient overflowed: f's values near x are too large for "
                             "float64, or h is too small for them.")
        return result
    return checked


@_overflow_is_an_error
def derivative(f, x, h: float = DEFAULT_STEP, method: str = "central"):
    """Approximate f'(x) by a finite difference.

    ``f`` must accept (and return) numpy arrays elementwise when ``x`` is an
    array; the result then has the shape of ``x``. ``h`` may be an array of
    steps too (broadcast against ``x``), which is how an error-against-step
    plot is made in one call. Scalars in give a float out.

    >>> round(derivative(lambda x: x**2, -4.0), 6)
    -8.0
    """
    check_callable(f)
    h = _check_steps(h)
    check_choice(method, "method", METHODS)
    x = as_finite_array(x, "x")
    if method == "forward":
        d = (_values(f, x + h) - _values(f, x)) / h
    elif method == "backward":
        d = (_values(f, x) - _values(f, x - h)) / h
    else:
        d = (_values(f, x + h) - _values(f, x - h)) / (2 * h)
    return float(d) if np.ndim(d) == 0 else d


def _values(f, x):
    """``f(x)`` as a finite float array, or an error saying what ``f`` returned instead."""
    out = f(x)
    try:
        values = as_finite_array(out, "f(x)", allow_empty=True)
    except TypeError:
        raise TypeError(f"f must return numbers; it returned {describe(out)}. Did it forget `return`?") from None
    except ValueError as err:
        raise ValueError(f"f must return finite numbers at the points it is given: {err}") from None
    return values


def _check_steps(h):
    """A positive step, or an array of positive steps."""
    if not isinstance(h, (list, tuple, np.ndarray)):
        return check_positive(h, "h")
    steps = as_finite_array(h, "h")
    if steps.ndim == 0:
        return check_positive(float(steps), "h")
    if np.any(steps <= 0):
        raise ValueError(f"every step h must be positive; got {steps[steps <= 0][0]!r}.")
    return steps


def gradient(f, x, h: float = DEFAULT_STEP) -> np.ndarray:
    r"""Central-difference gradient of a scalar function of a vector.

    Coordinate :math:`i` is :math:`\frac{f(x + h e_i) - f(x - h e_i)}{2h}`:
    two evaluations of ``f`` per input, so :math:`2n` for :math:`n` inputs.
    """
    check_callable(f)
    h = check_positive(h, "h")
    x = as_finite_array(x, "x", ndim=1)
    grad = np.empty_like(x)
    for i in range(x.size):
        step = np.zeros_like(x)
        step[i] = h
        grad[i] = (_scalar(f, x + step) - _scalar(f, x - step)) / (2 * h)
    if not np.all(np.isfinite(grad)):
        raise ValueError("the central differences overflowed: f's values near x are too large for float64.")
    return grad


def _scalar(f, x) -> float:
    """``f(x)`` as a finite float, or an error saying that a loss must be one finite number."""
    with np.errstate(over="ignore", invalid="ignore"):
        out = f(x)
    if isinstance(out, np.ndarray) and out.size == 1:
        out = out.reshape(())
    if not is_real(out):
        raise TypeError("f must return one number (a scalar loss) for a point x of shape "
                        f"{x.shape}; it returned {describe(out)}. Did it forget `return`?")
    value = float(out)
    if not np.isfinite(value):
        raise ValueError(f"f must return a finite loss; it returned {value!r} at a point near x.")
    return value


def relative_error(a, b) -> float:
    r"""The symmetric relative error :math:`\|a - b\| / \max(\|a\| + \|b\|, 10^{-300})`."""
    a = as_finite_array(a, "a", allow_empty=True)
    b = as_finite_array(b, "b", allow_empty=True)
    if a.shape != b.shape:
        raise ValueError(f"cannot compare arrays of shapes {a.shape} and {b.shape}.")
    scale = max(np.max(np.abs(a), initial=0.0), np.max(np.abs(b), initial=0.0))
    if scale > 1e150:  # norms of huge vectors would overflow: compare them in units of the largest entry
        a, b = a / scale, b / scale
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), 1e-300))


def gradient_check(f, grad_f, x, h: float = DEFAULT_STEP) -> float:
    """Relative error between an analytic gradient ``grad_f(x)`` and central differences.

    Below about 1e-7 the analytic gradient is almost surely right; above 1e-3
    it is almost surely wrong.
    """
    check_callable(grad_f, "grad_f")
    x = as_finite_array(x, "x", ndim=1)
    analytic = as_finite_array(grad_f(x), "grad_f(x)", allow_empty=True)
    if analytic.shape != x.shape:
        raise ValueError(f"grad_f(x) must have the shape of x, {x.shape}; got {analytic.shape}.")
    return relative_error(analytic, gradient(f, x, h))


# -- where the error is smallest ----------------------------------------------------------------

def _steps_and_errors(hs, errors) -> tuple[np.ndarray, np.ndarray]:
    """``hs`` as a 1-D array of positive steps and ``errors`` as one size >= 0 per step."""
    hs = as_finite_array(hs, "hs")
    errors = as_finite_array(errors, "errors")
    if hs.ndim != 1:
        raise ValueError(f"hs must be a 1-D array of steps, like np.logspace(-12, 0, 121); got shape {hs.shape}.")
    if np.any(hs <= 0):
        raise ValueError(f"hs must hold positive steps; got, among others, {hs[hs <= 0][:3].tolist()}.")
    if errors.shape != hs.shape:
        raise ValueError(f"errors must hold one error per step of hs, shape {hs.shape}; got shape {errors.shape}.")
    if np.any(errors < 0):
        raise ValueError(f"errors must be sizes |estimate - exact| >= 0; got, among others, {errors[errors < 0][:3].tolist()}.")
    return hs, errors


def _within_sqrt10(logs: np.ndarray, centre_log: float) -> np.ndarray:
    """Which steps (their ``log10``) lie within a factor √10 of the step ``10**centre_log``."""
    return np.abs(logs - centre_log) <= 0.5 + 1e-9


def typical_error(hs, errors, centre: float) -> float:
    """The median of ``errors`` over the steps ``hs`` within a factor √10 of ``centre`` (half a decade either way).

    Near the best step the error of a single step is round-off: its digits change with the last
    bits of ``f`` (and so with the numpy version and the machine). The median over the
    neighbouring steps is what a comparison can rely on.
    """
    hs, errors = _steps_and_errors(hs, errors)
    centre = check_positive(centre, "centre")
    near = _within_sqrt10(np.log10(hs), np.log10(centre))
    if not near.any():
        raise ValueError(f"no step of hs lies within a factor √10 of centre={centre:g}: "
                         f"hs runs from {hs.min():.3g} to {hs.max():.3g}.")
    return float(np.median(errors[near]))


def best_power_of_ten(hs, errors) -> float:
    """The best step of an error-against-step measurement, to a power of ten.

    Of the powers of ten with steps near them (within a factor √10), the one whose neighbouring
    steps have the smallest median error (:func:`typical_error`): finer than a power of ten,
    the location of the smallest error is round-off noise.
    """
    hs, errors = _steps_and_errors(hs, errors)
    logs = np.log10(hs)
    medians = {}  # power k -> the median error of the steps near 10**k
    for k in range(int(np.ceil(logs.min())), int(np.floor(logs.max())) + 1):
        near = _within_sqrt10(logs, k)
        if near.any():
            medians[k] = float(np.median(errors[near]))
    if not medians:
        raise ValueError(f"hs must reach over a power of ten, like np.logspace(-12, 0, 121); "
                         f"it runs from {hs.min():.3g} to {hs.max():.3g}.")
    return float(f"1e{min(medians, key=medians.get)}")
