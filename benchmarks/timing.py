"""Timing helpers for the benchmark scripts."""

import statistics
import time


def median_ms(fn, repeat: int = 30, warmup: int = 3, clock=time.perf_counter) -> float:
    """Median time of ``fn()`` in milliseconds: wall-clock by default.

    With ``clock=time.process_time`` it is the CPU time of this process, which
    stays meaningful when other jobs share the machine's cores.
    """
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        start = clock()
        fn()
        times.append((clock() - start) * 1000)
    return statistics.median(times)


def cpu_median_ms(fn, repeat: int = 30) -> float:
    """Median CPU time of ``fn()`` in milliseconds (this process only)."""
    return median_ms(fn, repeat=repeat, warmup=0, clock=time.process_time)


def least_cpu_ms(fn, repeat: int = 5, warmup: int = 1) -> float:
    """Least CPU time of ``fn()`` in milliseconds over ``repeat`` calls (this process only).

    Other jobs sharing the machine's cores only ever add to a call's time, so
    the least is the steadiest figure of what the code itself costs.
    """
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        start = time.process_time()
        fn()
        times.append((time.process_time() - start) * 1000)
    return min(times)


def update_times(fn, repeat: int = 20, warmup: int = 2, prepare=None) -> tuple[float, float, float]:
    """``(median wall ms, worst wall ms, median CPU ms)`` of ``fn()`` over ``repeat`` calls.

    ``prepare()``, if given, runs untimed before every call (warm-up ones too):
    it clears a cache or sets up the state the timed call starts from, so a
    path that recomputes can be timed cold every time. The CPU time is this
    process's, which stays meaningful when other jobs share the machine's cores.
    """
    for _ in range(warmup):
        if prepare:
            prepare()
        fn()
    wall, cpu = [], []
    for _ in range(repeat):
        if prepare:
            prepare()
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return statistics.median(wall), max(wall), statistics.median(cpu)
