"""The priority matrix of a key driver analysis: importance against performance, as SVG.

Each driver is a point: its share of the explained variance (importance) up the side, the share of
people answering positively (performance) along the bottom. Lines at the average importance (one
over the number of drivers) and the average performance split the plane into four quadrants:

- fix first: more important than average, performing below average;
- keep up: more important than average, performing above average;
- watch: less important than average, performing below average;
- lower priority: less important than average, performing above average.

Each point can carry the 95% intervals of its importance and performance, drawn as a cross of
lines through it, so a driver whose interval spans a quadrant line reads as uncertain.

Pure: no Django. The caller passes translated words and shows the same numbers in a table.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from cxgov.insights.charts import BAR_COLOR, TEXT_COLOR, escape, svg_open

FIX_FIRST = "fix_first"
KEEP_UP = "keep_up"
WATCH = "watch"
LOWER_PRIORITY = "lower_priority"
QUADRANTS = (FIX_FIRST, KEEP_UP, WATCH, LOWER_PRIORITY)

# Text and marks in the charts' colours (`charts.TEXT_COLOR`, `charts.BAR_COLOR`); the quadrant
# lines darker than the charts' grid, in USWDS base (4.5:1 on white), over a light shade.
GRID = "#71767a"
SHADE = "#f0f0f0"

_WIDTH = 640
_HEIGHT = 440
_LEFT, _RIGHT, _TOP, _BOTTOM = 70, 20, 20, 60


@dataclass(frozen=True)
class MatrixPoint:
    """One driver: importance and performance, both shares from 0 to 1, and where known their
    95% intervals, drawn as lines through the point."""

    label: str
    importance: float
    performance: float
    importance_low: float | None = None
    importance_high: float | None = None
    performance_low: float | None = None
    performance_high: float | None = None


@dataclass(frozen=True)
class Cuts:
    """Where the quadrant lines sit."""

    importance: float
    performance: float


def matrix_cuts(points: Sequence[MatrixPoint]) -> Cuts:
    """Average importance (an equal share, 1/k) and the drivers' average performance."""
    if not points:
        raise ValueError("a priority matrix needs at least one driver")
    return Cuts(
        importance=1 / len(points),
        performance=sum(p.performance for p in points) / len(points),
    )


def quadrant(point: MatrixPoint, cuts: Cuts) -> str:
    """The quadrant a driver falls in; a point on a line counts as above it."""
    important = point.importance >= cuts.importance
    performing = point.performance >= cuts.performance
    if important:
        return KEEP_UP if performing else FIX_FIRST
    return LOWER_PRIORITY if performing else WATCH


def driver_quadrants(
    importance: Mapping[str, float], performance: Mapping[str, float]
) -> tuple[Cuts, dict[str, str]]:
    """The cuts of a driver analysis and each driver's quadrant, by name: `importance` and
    `performance` are each driver's shares from 0 to 1, in the analysis's order."""
    points = {
        name: MatrixPoint(label=name, importance=share, performance=performance[name])
        for name, share in importance.items()
    }
    cuts = matrix_cuts(list(points.values()))
    return cuts, {name: quadrant(point, cuts) for name, point in points.items()}


def _axis_top(points: Sequence[MatrixPoint], cuts: Cuts) -> float:
    """The importance axis runs to the next 10% above the largest importance shown."""
    largest = max([cuts.importance, *(max(p.importance, p.importance_high or 0.0) for p in points)])
    steps = int(largest * 10 - 1e-9) + 1
    return min(1.0, max(0.1, steps / 10))


def priority_matrix_svg(
    *,
    points: Sequence[MatrixPoint],
    title: str,
    description: str,
    chart_id: str,
    quadrant_labels: Mapping[str, str],
    importance_label: str,
    performance_label: str,
    cuts: Cuts | None = None,
) -> str:
    """An inline SVG scatter labelled for screen readers (role img, title, description)."""
    cuts = cuts or matrix_cuts(points)
    plot_w = _WIDTH - _LEFT - _RIGHT
    plot_h = _HEIGHT - _TOP - _BOTTOM
    y_top = _axis_top(points, cuts)

    def x(performance: float) -> float:
        return _LEFT + max(0.0, min(1.0, performance)) * plot_w

    def y(importance: float) -> float:
        return _TOP + plot_h - max(0.0, min(y_top, importance)) / y_top * plot_h

    parts = [
        svg_open(
            width=_WIDTH, height=_HEIGHT, title=title, description=description, chart_id=chart_id
        ),
        # The quadrant to fix first is shaded so it stands out without relying on colour alone:
        # it is also named in its corner and in the table.
        f'<rect x="{_LEFT}" y="{_TOP}" width="{x(cuts.performance) - _LEFT:.1f}" '
        f'height="{y(cuts.importance) - _TOP:.1f}" fill="{SHADE}"/>',
        f'<rect x="{_LEFT}" y="{_TOP}" width="{plot_w}" height="{plot_h}" fill="none" '
        f'stroke="{GRID}"/>',
        f'<line x1="{x(cuts.performance):.1f}" y1="{_TOP}" x2="{x(cuts.performance):.1f}" '
        f'y2="{_TOP + plot_h}" stroke="{GRID}" stroke-dasharray="4 3"/>',
        f'<line x1="{_LEFT}" y1="{y(cuts.importance):.1f}" x2="{_LEFT + plot_w}" '
        f'y2="{y(cuts.importance):.1f}" stroke="{GRID}" stroke-dasharray="4 3"/>',
    ]
    corners = {
        FIX_FIRST: (_LEFT + 6, _TOP + 16, "start"),
        KEEP_UP: (_LEFT + plot_w - 6, _TOP + 16, "end"),
        WATCH: (_LEFT + 6, _TOP + plot_h - 8, "start"),
        LOWER_PRIORITY: (_LEFT + plot_w - 6, _TOP + plot_h - 8, "end"),
    }
    for name in QUADRANTS:
        cx, cy, anchor = corners[name]
        parts.append(
            f'<text x="{cx}" y="{cy}" text-anchor="{anchor}" fill="{TEXT_COLOR}" '
            'font-weight="bold">'
            f"{escape(quadrant_labels.get(name, name))}</text>"
        )
    for tick in range(0, 101, 20):
        tx = x(tick / 100)
        parts.append(
            f'<text x="{tx:.1f}" y="{_TOP + plot_h + 18}" text-anchor="middle" fill="{TEXT_COLOR}">'
            f"{tick}%</text>"
        )
    for step in range(round(y_top * 10) + 1):
        value = step / 10
        ty = y(value)
        parts.append(
            f'<text x="{_LEFT - 8}" y="{ty + 4:.1f}" text-anchor="end" fill="{TEXT_COLOR}">'
            f"{round(value * 100)}%</text>"
        )
    parts.append(
        f'<text x="{_LEFT + plot_w / 2:.1f}" y="{_HEIGHT - 12}" text-anchor="middle" '
        f'fill="{TEXT_COLOR}">{escape(performance_label)}</text>'
    )
    parts.append(
        f'<text x="16" y="{_TOP + plot_h / 2:.1f}" text-anchor="middle" fill="{TEXT_COLOR}" '
        f'transform="rotate(-90 16 {_TOP + plot_h / 2:.1f})">{escape(importance_label)}</text>'
    )
    for point in points:
        px, py = x(point.performance), y(point.importance)
        # Labels go left of points near the right edge so they stay inside the frame.
        right_side = px > _LEFT + plot_w * 0.7
        anchor, dx = ("end", -8) if right_side else ("start", 8)
        if point.importance_low is not None and point.importance_high is not None:
            parts.append(
                f'<line x1="{px:.1f}" y1="{y(point.importance_low):.1f}" x2="{px:.1f}" '
                f'y2="{y(point.importance_high):.1f}" stroke="{BAR_COLOR}" stroke-width="2"/>'
            )
        if point.performance_low is not None and point.performance_high is not None:
            parts.append(
                f'<line x1="{x(point.performance_low):.1f}" y1="{py:.1f}" '
                f'x2="{x(point.performance_high):.1f}" y2="{py:.1f}" stroke="{BAR_COLOR}" '
                f'stroke-width="2"/>'
            )
        parts.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="5" fill="{BAR_COLOR}"/>')
        parts.append(
            f'<text x="{px + dx:.1f}" y="{py + 4:.1f}" text-anchor="{anchor}" fill="{TEXT_COLOR}">'
            f"{escape(point.label)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)
