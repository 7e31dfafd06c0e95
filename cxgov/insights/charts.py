"""Accessible SVG charts written as text. Every chart is shown beside a table of its numbers.

A chart is a few dozen SVG elements whose positions are arithmetic, so it is written directly:
drawing the same bar chart through matplotlib cost about 130 ms a request, this costs well under
one. Pure: no Django. Callers pass translated words.

Every chart is `role="img"` with a title and a description that screen readers announce, uses
presentation attributes only (the page's Content-Security-Policy allows no inline style), and has
`xmlns`, width and height so it also works as an image in reports and PDFs; the site's CSS
scales it down to narrow screens.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

# USWDS primary blue, base-darkest and base-lighter: marks and text above 4.5:1 on white.
BAR_COLOR = "#005ea2"
TEXT_COLOR = "#1b1b1b"
GRID_COLOR = "#dfe1e2"
FONT = 'font-family="Source Sans Pro, Helvetica, Arial, sans-serif"'
FONT_SIZE = 13
# Average advance of a character at FONT_SIZE in a sans-serif face, to lay out labels.
_CHAR_WIDTH = 0.56 * FONT_SIZE
_WIDTH = 720
# Characters XML 1.0 cannot hold; names come from staff and imports and may carry them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def escape(text: object) -> str:
    """Text safe inside an SVG element or a double-quoted attribute."""
    return (
        _NOT_XML.sub("", str(text))
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
    )


def svg_open(*, width: float, height: float, title: str, description: str, chart_id: str) -> str:
    """The opening of a chart: role img, its title and description, size and font."""
    return (
        f'<svg role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" class="cx-chart" '
        f'xmlns="http://www.w3.org/2000/svg" width="{width:g}" height="{height:g}" '
        f'viewBox="0 0 {width:g} {height:g}" {FONT} font-size="{FONT_SIZE}">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>'
    )


def nice_ticks(low: float, high: float, *, count: int = 5, whole: bool = False) -> list[float]:
    """About `count` evenly spaced round ticks (steps of 1, 2, 2.5 or 5 x 10^k) covering low..high.

    With `whole`, steps are whole numbers: a tick at 2.5 complaints reads as half a complaint.
    """
    if not (math.isfinite(low) and math.isfinite(high)):
        raise ValueError("ticks need finite bounds")
    if high - low < 1e-6:  # one value, or values too close to tell apart on a chart
        high = low + 1
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw * (1 - 1e-9))
    if whole:
        step = max(1.0, float(math.ceil(step)))
    first = math.floor(low / step + 1e-9) * step
    last = math.ceil(high / step - 1e-9) * step
    return [round(first + i * step, 10) for i in range(round((last - first) / step) + 1)]


def tick_label(value: float, ticks: Sequence[float]) -> str:
    """A tick as written on the axis, with as many decimals as the step needs."""
    step = abs(ticks[1] - ticks[0]) if len(ticks) > 1 else 1.0
    decimals = 0
    while decimals < 6 and abs(step * 10**decimals - round(step * 10**decimals)) > 1e-9:
        decimals += 1
    return f"{value:,.{decimals}f}"


def _value_label(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _fit(text: str, width: float) -> str:
    """The text, cut with an ellipsis where it would run past `width` (the table has it whole)."""
    room = max(4, int(width / _CHAR_WIDTH))
    return text if len(text) <= room else text[: room - 1].rstrip() + "…"


def horizontal_bar_svg(
    *,
    labels: Sequence[str],
    values: Sequence[float],
    title: str,
    value_label: str,
    description: str,
    chart_id: str,
) -> str:
    """An inline SVG bar chart, one bar a label, with its value written at the bar's end."""
    row, bar, top, axis = 28, 18, 8, 46
    height = top + row * max(1, len(labels)) + axis
    texts = [str(label) for label in labels]
    label_width = min(0.4 * _WIDTH, max([40.0, *(_CHAR_WIDTH * len(t) for t in texts)]) + 10)
    left, right = label_width + 8, _WIDTH - 56
    numbers = [float(v) for v in values if math.isfinite(float(v))]
    whole = all(v.is_integer() for v in numbers)
    ticks = nice_ticks(min([0.0, *numbers]), max([0.0, *numbers]), whole=whole)
    low, high = ticks[0], ticks[-1]

    def x(value: float) -> float:
        return left + (value - low) / (high - low) * (right - left)

    bottom = top + row * max(1, len(labels))
    parts = [
        svg_open(
            width=_WIDTH, height=height, title=title, description=description, chart_id=chart_id
        )
    ]
    parts.append('<g data-axis="x">')
    for tick in ticks:
        tx = x(tick)
        parts.append(
            f'<line x1="{tx:.1f}" y1="{top}" x2="{tx:.1f}" y2="{bottom}" stroke="{GRID_COLOR}"/>'
            f'<text x="{tx:.1f}" y="{bottom + 16}" text-anchor="middle" fill="{TEXT_COLOR}">'
            f"{tick_label(tick, ticks)}</text>"
        )
    parts.append("</g>")
    zero = x(max(low, 0.0))
    for index, (text, value) in enumerate(zip(texts, values, strict=True)):
        y = top + index * row + (row - bar) / 2
        parts.append(
            f'<text x="{label_width:.1f}" y="{y + bar - 4:.1f}" text-anchor="end" '
            f'fill="{TEXT_COLOR}">{escape(_fit(text, label_width))}</text>'
        )
        if not math.isfinite(float(value)):
            continue
        end = x(float(value))
        start, size = min(zero, end), abs(end - zero)
        parts.append(
            f'<rect x="{start:.1f}" y="{y:.1f}" width="{size:.1f}" height="{bar}" '
            f'fill="{BAR_COLOR}"/>'
            f'<text x="{max(zero, end) + 4:.1f}" y="{y + bar - 4:.1f}" fill="{TEXT_COLOR}">'
            f"{_value_label(float(value))}</text>"
        )
    parts.append(
        f'<line x1="{zero:.1f}" y1="{top}" x2="{zero:.1f}" y2="{bottom}" stroke="{TEXT_COLOR}"/>'
        f'<text x="{(left + right) / 2:.1f}" y="{height - 8}" text-anchor="middle" '
        f'fill="{TEXT_COLOR}">{escape(_fit(value_label, right - left))}</text>'
        "</svg>"
    )
    return "".join(parts)


def line_svg(
    *,
    labels: Sequence[str],
    values: Sequence[float],
    title: str,
    value_label: str,
    description: str,
    chart_id: str,
    y_limits: tuple[float, float] | None = None,
) -> str:
    """An inline SVG line chart over periods, with a marker on every point.

    Markers keep single or gapped periods visible; a value that is not a number (a period
    without data) breaks the line.
    """
    # The right margin leaves room for half of the last period's label, centred on its point.
    height, top, bottom_margin, left, right = 326, 12, 50, 64, _WIDTH - 44
    bottom = height - bottom_margin
    numbers = [float(v) for v in values if math.isfinite(float(v))]
    if y_limits is not None:
        ticks = nice_ticks(*y_limits)
        low, high = y_limits
    else:
        ticks = nice_ticks(min(numbers, default=0.0), max(numbers, default=1.0))
        low, high = ticks[0], ticks[-1]
    ticks = [t for t in ticks if low - 1e-9 <= t <= high + 1e-9]
    span = (right - left) / max(1, len(labels) - 1) if len(labels) > 1 else 0.0

    def x(index: int) -> float:
        return left + index * span if len(labels) > 1 else (left + right) / 2

    def y(value: float) -> float:
        return bottom - (min(high, max(low, value)) - low) / (high - low) * (bottom - top)

    parts = [
        svg_open(
            width=_WIDTH, height=height, title=title, description=description, chart_id=chart_id
        ),
        '<g data-axis="y">',
    ]
    for tick in ticks:
        ty = y(tick)
        parts.append(
            f'<line x1="{left}" y1="{ty:.1f}" x2="{right}" y2="{ty:.1f}" stroke="{GRID_COLOR}"/>'
            f'<text x="{left - 6}" y="{ty + 4:.1f}" text-anchor="end" fill="{TEXT_COLOR}">'
            f"{tick_label(tick, ticks)}</text>"
        )
    parts.append('</g><g data-axis="x">')
    step = max(1, len(labels) // 12)
    for index, label in enumerate(labels):
        if index % step == 0:
            parts.append(
                f'<text x="{x(index):.1f}" y="{bottom + 18}" text-anchor="middle" '
                f'fill="{TEXT_COLOR}">{escape(_fit(str(label), max(span * step, 40)))}</text>'
            )
    parts.append("</g>")
    segment: list[str] = []
    lines: list[str] = []
    markers: list[str] = []
    for index, value in enumerate(values):
        if not math.isfinite(float(value)):
            lines.append(" ".join(segment))
            segment = []
            continue
        px, py = x(index), y(float(value))
        segment.append(f"{px:.1f},{py:.1f}")
        markers.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="4" fill="{BAR_COLOR}"/>')
    lines.append(" ".join(segment))
    parts.extend(
        f'<polyline points="{line}" fill="none" stroke="{BAR_COLOR}" stroke-width="2"/>'
        for line in lines
        if " " in line
    )
    parts.extend(markers)
    middle = (top + bottom) / 2
    parts.append(
        f'<line x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="{TEXT_COLOR}"/>'
        f'<text x="16" y="{middle:.1f}" text-anchor="middle" fill="{TEXT_COLOR}" '
        f'transform="rotate(-90 16 {middle:.1f})">{escape(_fit(value_label, bottom - top))}</text>'
        "</svg>"
    )
    return "".join(parts)
