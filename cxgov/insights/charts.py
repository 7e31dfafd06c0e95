"""Accessible SVG charts with matplotlib. Every chart is shown beside a table of its numbers."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

# USWDS primary blue and base-darkest: contrast above 4.5:1 on white.
BAR_COLOR = "#005ea2"
TEXT_COLOR = "#1b1b1b"
_STYLE_ELEMENT = re.compile(r"<style[^>]*>.*?</style>", re.DOTALL)
_XML_HEADER = re.compile(r"^<\?xml[^>]*>\s*(<!DOCTYPE[^>]*>\s*)?", re.DOTALL)
_SVG_OPEN = re.compile(r"<svg\b")
_STYLE_ATTRIBUTE = re.compile(r'style="([^"]*)"')


def horizontal_bar_svg(
    *,
    labels: Sequence[str],
    values: Sequence[float],
    title: str,
    value_label: str,
    description: str,
    chart_id: str,
) -> str:
    """An inline SVG bar chart labelled for screen readers (role img, title, description).

    The caller shows the same numbers in a table; the SVG is decoration for sighted readers
    and carries a one-sentence summary for everyone else.
    """
    height = max(1.6, 0.5 * len(labels) + 0.9)
    figure, axes = plt.subplots(figsize=(7.5, height), dpi=96)
    try:
        positions = list(range(len(labels)))
        axes.barh(positions, values, color=BAR_COLOR)
        axes.set_yticks(positions, labels=plain_labels(labels), color=TEXT_COLOR)
        axes.invert_yaxis()
        axes.set_xlabel(plain_text(value_label), color=TEXT_COLOR)
        axes.tick_params(colors=TEXT_COLOR)
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
        axes.ticklabel_format(axis="x", style="plain")
        if all(float(value).is_integer() for value in values):
            # Counts: a tick at 2.5 complaints reads as a half complaint.
            axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        figure.tight_layout()
        return figure_svg(figure, title=title, description=description, chart_id=chart_id)
    finally:
        plt.close(figure)


def figure_svg(figure: Figure, *, title: str, description: str, chart_id: str) -> str:
    """The figure as inline SVG for a page: role img, a title and description screen readers
    announce, and presentation attributes in place of style (the page's CSP allows no inline
    style)."""
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    svg = _XML_HEADER.sub("", buffer.getvalue())
    # Inline <style> would need 'unsafe-inline' in the page's CSP; matplotlib's is cosmetic.
    svg = _STYLE_ELEMENT.sub("", svg)
    svg = _STYLE_ATTRIBUTE.sub(_presentation_attributes, svg)
    label = f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" class="cx-chart"'
    svg = _SVG_OPEN.sub(f"<svg {label}", svg, count=1)
    return svg.replace(
        ">",
        f'><title id="{chart_id}-title">{_escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{_escape(description)}</desc>',
        1,
    )


def plain_text(text: str) -> str:
    """Text matplotlib draws as written: a `$` would otherwise start math (and can crash it)."""
    return text.replace("$", r"\$")


def plain_labels(labels: Sequence[str]) -> list[str]:
    """`plain_text` for each label: names come from staff and imports, so may hold `$`."""
    return [plain_text(str(label)) for label in labels]


def _presentation_attributes(match: re.Match[str]) -> str:
    """style="fill: #000; stroke-width: 0.8" → fill="#000" stroke-width="0.8".

    SVG presentation attributes draw the same but, unlike style attributes, are allowed by a
    Content-Security-Policy without 'unsafe-inline'.
    """
    pairs = (part.split(":", 1) for part in match.group(1).split(";") if ":" in part)
    return " ".join(f'{name.strip()}="{value.strip()}"' for name, value in pairs)


def _escape(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def percent_bars_svg(
    *,
    labels: Sequence[str],
    values: Sequence[float],
    title: str,
    description: str,
    chart_id: str,
) -> str:
    """Horizontal bars of percentages (0-100) drawn as plain SVG, without matplotlib.

    For pages whose chart is a handful of bars: the same role, title and description as
    `figure_svg`, presentation attributes only (no style), and a few milliseconds instead of
    the hundreds a matplotlib figure takes to draw.
    """
    row, left, width = 28, 90, 400
    height = row * len(labels) + 30
    parts = [
        f'<svg role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" class="cx-chart" '
        f'viewBox="0 0 {left + width + 60} {height}" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-title">{_escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{_escape(description)}</desc>',
    ]
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = i * row + 4
        length = max(0.0, min(100.0, float(value))) / 100 * width
        parts.append(
            f'<text x="{left - 8}" y="{y + 17}" text-anchor="end" font-size="14" '
            f'fill="{TEXT_COLOR}">{_escape(str(label))}</text>'
            f'<rect x="{left}" y="{y}" width="{length:.1f}" height="{row - 8}" '
            f'fill="{BAR_COLOR}"/>'
            f'<text x="{left + length + 6:.1f}" y="{y + 17}" font-size="14" '
            f'fill="{TEXT_COLOR}">{float(value):g}</text>'
        )
    axis = len(labels) * row + 4
    parts.append(
        f'<line x1="{left}" y1="{axis}" x2="{left + width}" y2="{axis}" stroke="{TEXT_COLOR}"/>'
        f'<text x="{left}" y="{axis + 18}" font-size="12" fill="{TEXT_COLOR}">0</text>'
        f'<text x="{left + width}" y="{axis + 18}" font-size="12" text-anchor="end" '
        f'fill="{TEXT_COLOR}">100</text></svg>'
    )
    return "".join(parts)
