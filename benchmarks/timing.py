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
