"""Cost of drawing a chart, against writing the table of the same numbers that sits beside it.

Run: .venv/bin/python bench/charts.py
Every chart on a page is shown with its table, so the table is the plain baseline: a chart
that costs a small multiple of its table adds nothing a page would notice. Prints one line per
chart kind: RESULT name=<kind> value=<µs> unit=us baseline=<µs> ratio=<chart / table>.
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable
from html import escape
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cxgov.insights.charts import horizontal_bar_svg, line_svg

ROUNDS = 2_000
LABELS = [f"Service number {i} with a realistic name" for i in range(12)]
VALUES = [round(40 + 50 * math.sin(i) ** 2, 1) for i in range(12)]
QUARTERS = [f"FY{2024 + i // 4} Q{i % 4 + 1}" for i in range(8)]


def _table() -> str:
    rows = "".join(
        f"<tr><th scope='row'>{escape(label)}</th><td>{value:.1f}</td></tr>"
        for label, value in zip(LABELS, VALUES, strict=True)
    )
    return f"<table><caption>Share positive</caption>{rows}</table>"


def _bars() -> str:
    return horizontal_bar_svg(
        labels=LABELS,
        values=VALUES,
        title="Share positive by service",
        value_label="Share positive (%)",
        description="Twelve services.",
        chart_id="bench",
    )


def _line() -> str:
    return line_svg(
        labels=QUARTERS,
        values=VALUES[:8],
        title="Trust by quarter",
        value_label="Percent",
        description="Eight quarters.",
        chart_id="bench",
        y_limits=(0, 100),
    )


def _microseconds(draw: Callable[[], str]) -> float:
    best = math.inf
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(ROUNDS):
            draw()
        best = min(best, (time.perf_counter() - start) / ROUNDS)
    return best * 1_000_000


def main() -> None:
    baseline = _microseconds(_table)
    for name, draw in (("chart_bars_12", _bars), ("chart_line_8", _line)):
        value = _microseconds(draw)
        print(
            f"RESULT name={name} value={value:.1f} unit=us "
            f"baseline={baseline:.1f} ratio={value / baseline:.1f}"
        )


if __name__ == "__main__":
    main()
