"""Benchmarks: speed and accuracy of optolink side by side with its peers (`python -m benchmarks`)."""

import statistics
import time


def median_time(fn, repeat: int) -> float:
    """The median wall time (s) of ``repeat`` calls of ``fn`` in this process."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)
