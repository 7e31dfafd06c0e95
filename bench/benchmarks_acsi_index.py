"""Speed of the ACSI-style index against a plain numpy mean of the same answers.

Run: .venv/bin/python bench/benchmarks_acsi_index.py
Prints the time of each and their ratio, then one line:
RESULT name=acsi_index value=<ms> unit=ms baseline=<ms> ratio=<index / baseline>.
The index also excludes missing codes per item and computes per-respondent scores for the
standard error, so it does more than the baseline.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cxgov.insights.acsi import acsi_index

ROWS = 100_000


def main() -> None:
    rng = random.Random(12862)  # noqa: S311 - reproducible test data, not secrets
    answers = [tuple(rng.choice([*range(1, 11), 98, 99]) for _ in range(3)) for _ in range(ROWS)]
    start = time.perf_counter()
    array = np.asarray(answers, dtype=float)
    valid = np.where((array >= 1) & (array <= 10), array, np.nan)
    baseline_value = (np.nanmean(np.nanmean(valid, axis=0)) - 1) / 9 * 100
    baseline = time.perf_counter() - start
    start = time.perf_counter()
    result = acsi_index(answers)
    measured = time.perf_counter() - start
    if result.value is None or abs(result.value - baseline_value) > 1e-9:
        raise SystemExit("the index and the baseline disagree")
    print(f"rows: {ROWS}")
    print(f"numpy baseline: {baseline * 1000:.1f} ms")
    print(f"acsi_index:     {measured * 1000:.1f} ms")
    print(f"ratio:          {measured / baseline:.1f}x the baseline")
    print(
        f"RESULT name=acsi_index value={measured * 1000:.1f} unit=ms "
        f"baseline={baseline * 1000:.1f} ratio={measured / baseline:.2f}"
    )


if __name__ == "__main__":
    main()
