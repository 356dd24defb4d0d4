"""How fast this machine runs plain Python, printed first by every benchmark.

Latency figures only compare between runs on machines of the same speed: a shared virtual machine's pace can
change several-fold from one day to the next, and this line tells a slow machine from a slow change.
"""

from __future__ import annotations

import time

REFERENCE_STEPS = 10_000_000


def python_speed() -> str:
    """The best of three timings of a bare 10-million-step loop (best, because noise only ever adds time)."""
    timings = []
    for _ in range(3):
        start = time.perf_counter()
        total = 0
        for step in range(REFERENCE_STEPS):
            total += step
        timings.append(time.perf_counter() - start)
    return f"machine: a {REFERENCE_STEPS:,}-step Python loop takes {min(timings):.2f} s (best of 3)"
