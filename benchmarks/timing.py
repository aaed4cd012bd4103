"""Timing helpers for the benchmark scripts."""

import statistics
import time


def median_ms(fn, repeat: int = 30, warmup: int = 3) -> float:
    """Median wall-clock time of ``fn()`` in milliseconds."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)
