"""Property-based tests (Hypothesis) of gdcore's public API against bad input.

Every call of a public function or class of the core modules and of
``gdcore.autodiff`` (the catalogue is in ``tests/fuzz_targets.py``) with one
argument replaced by a hostile value (NaN, inf, empty or wrongly shaped
arrays, ints, bools, text, None, complex numbers, huge values, functions that
forget ``return``) must end in a result for valid input or in a clear error
(a TypeError or ValueError raised by gdcore, naming the argument): never NaN
out of invalid input, never a warning, never a hang (each call is
time-bounded).

Profiles: ``make test`` runs the bounded one (a few hundred examples, a few
seconds); ``GDCORE_FUZZ=long .venv/bin/pytest tests/test_fuzz_api.py`` runs
the long one (thousands of examples). The summary mode,
``.venv/bin/python tests/test_fuzz_api.py``, runs the full deterministic fuzz
(every target, argument and hostile value; over 2,000 calls, each in a
watched worker process so that even a hang in C code is counted) and prints
the count of each outcome.
"""

from __future__ import annotations

import math
import os
import signal
import sys
from collections import Counter
from contextlib import contextmanager

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fuzz_targets import (OUTCOMES, fuzz_calls, hostile_callables, hostile_values, judge,  # noqa: E402
                          targets)

from gdcore import descent, objectives, optimizers  # noqa: E402

settings.register_profile("bounded", max_examples=400, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow], database=None)
settings.register_profile("long", max_examples=5000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
PROFILE = settings.get_profile(os.environ.get("GDCORE_FUZZ", "bounded"))

#: The longest any single call may take (seconds); a hang is a failure, not a stuck test run.
TIME_BOUND = 5.0

TARGETS = targets()


class Hang(Exception):
    """A call ran longer than its time bound."""


@contextmanager
def time_bound(seconds: float = TIME_BOUND):
    def alarm(signum, frame):
        raise Hang(f"no result after {seconds} s")
    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# -- strategies ---------------------------------------------------------------------------------

def _tag_float(x: float) -> str:
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf"
    if abs(x) > 1e30:
        return "huge"
    return "zero" if x == 0 else "negative" if x < 0 else "float"


def _tag_int(n: int) -> str:
    if abs(n) > 2**1023:
        return "huge_int"
    return "zero" if n == 0 else "negative" if n < 0 else "int"


def _tag_array(a: np.ndarray) -> str:
    if a.size == 0:
        return "empty"
    if np.isnan(a).any():
        return "nan_array"
    if np.isinf(a).any():
        return "inf_array"
    return "huge_array" if np.abs(a).max() > 1e30 else "array"


hostile = st.one_of(
    st.sampled_from(hostile_values()),
    st.floats(allow_nan=True, allow_infinity=True).map(lambda x: (_tag_float(x), x)),
    st.integers(min_value=-(10**400), max_value=10**400).map(lambda n: (_tag_int(n), n)),
    hnp.arrays(np.float64, hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4),
               elements=st.floats(allow_nan=True, allow_infinity=True, width=64)).map(lambda a: (_tag_array(a), a)),
    st.text(max_size=4).map(lambda s: ("str", s)),
    st.complex_numbers(allow_nan=False, allow_infinity=False).map(lambda c: ("complex", c)),
    st.just(("none", None)), st.booleans().map(lambda b: ("bool", b)),
)


@st.composite
def fuzz_call(draw):
    target = draw(st.sampled_from(TARGETS))
    slot_name = draw(st.sampled_from(sorted(target.slots)))
    pool = hostile if target.slots[slot_name].kind != "callable" else st.one_of(
        hostile, st.sampled_from(hostile_callables()))
    tag, value = draw(pool)
    return target, slot_name, tag, value


# -- the properties -----------------------------------------------------------------------------

@pytest.mark.parametrize("target", TARGETS, ids=lambda t: t.name)
def test_valid_input_gives_a_finite_result(target):
    with time_bound():
        outcome, detail = judge(target, "", "valid", None)
    assert outcome == "accept", f"{target.name} with valid input: {outcome}: {detail}"


@settings(PROFILE)
@given(fuzz_call())
def test_every_outcome_is_a_result_or_a_clear_error(call):
    target, slot_name, tag, value = call
    with time_bound():
        outcome, detail = judge(target, slot_name, tag, value)
    assert outcome in ("clear error", "accept"), (
        f"{target.name}({slot_name}={tag}: {value!r:.60}) -> {outcome}: {detail}")


@settings(PROFILE, max_examples=max(PROFILE.max_examples // 4, 1))
@given(lr=st.floats(min_value=1e-6, max_value=1e300),
       name=st.sampled_from(["SGD", "Adam", "RMSprop", "AdaGrad", "AdaDelta", "AdamW"]),
       start=hnp.arrays(np.float64, 2, elements=st.floats(-1e3, 1e3)))
def test_descent_reports_divergence_as_a_stop_reason(lr, name, start):
    """Huge learning rates end in stop_reason "diverged", with no overflow warning (warnings are errors)."""
    with time_bound():
        run = descent.descend(objectives.Rosenbrock(), start, getattr(optimizers, name)(lr=lr), steps=200)
    assert run.stop_reason in descent.STOP_REASONS
    assert np.isfinite(run.losses[0])


# -- the summary mode ----------------------------------------------------------------------------

def _worker(calls, start, connection):
    """Run calls[start:], sending (index, outcome, detail) for each (in a forked process)."""
    for index in range(start, len(calls)):
        target, slot_name, tag, value = calls[index]
        outcome, detail = judge(target, slot_name, tag, value)
        connection.send((index, outcome, detail))
    connection.send(None)


def run_summary(seconds_per_call: float = 5.0, verbose: bool = False) -> Counter:
    """The full fuzz, each call watched from this process: a call that overruns is a hang."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    calls = fuzz_calls()
    counts, examples = Counter(), {}
    start = 0
    while start < len(calls):
        parent, child = context.Pipe(duplex=False)
        worker = context.Process(target=_worker, args=(calls, start, child), daemon=True)
        worker.start()
        child.close()
        while True:
            if not parent.poll(seconds_per_call):
                index = start
                target, slot_name, tag, _ = calls[index]
                counts["hang"] += 1
                examples.setdefault("hang", []).append(f"{target.name}({slot_name}={tag})")
                worker.kill()
                worker.join()
                start = index + 1
                break
            message = parent.recv()
            if message is None:
                worker.join()
                start = len(calls)
                break
            index, outcome, detail = message
            target, slot_name, tag, _ = calls[index]
            counts[outcome] += 1
            examples.setdefault(outcome, []).append(f"{target.name}({slot_name}={tag}): {detail}")
            start = index + 1
    total = sum(counts.values())
    print(f"fuzz of gdcore's public API: {total} calls on {len(TARGETS)} functions and classes")
    for outcome in OUTCOMES:
        share = 100 * counts[outcome] / total
        print(f"  {outcome:<15} {counts[outcome]:>5}  ({share:.1f} %)")
    for outcome in ("silent result", "hang", "raw overflow", "obscure error"):
        shown = examples.get(outcome, [])
        if shown:
            print(f"\n{outcome}s ({len(shown)}):" + "".join(f"\n  {e}" for e in shown[: None if verbose else 15]))
    return counts


if __name__ == "__main__":
    run_summary(verbose="-v" in sys.argv)
