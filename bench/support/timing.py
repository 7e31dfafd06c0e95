"""Timing and the RESULT line shared by bench scripts."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


def best_of(run: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """The shortest of `repeat` runs in seconds, and what the last run returned."""
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - start)
    return best, result


def result_line(*, name: str, value: float, unit: str, baseline: float) -> str:
    """`RESULT name=… value=… unit=… baseline=… ratio=…`, the line every bench script prints."""
    ratio = value / baseline if baseline else float("inf")
    # Three significant digits, so a ratio far below 1 (a fast path) does not print as 0.0.
    return (
        f"RESULT name={name} value={value:.1f} unit={unit} baseline={baseline:.1f} "
        f"ratio={ratio:.3g}"
    )
