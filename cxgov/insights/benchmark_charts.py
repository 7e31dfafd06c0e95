"""An accessible SVG line chart for benchmark series, following `cxgov.insights.charts`."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from cxgov.insights.charts import BAR_COLOR, TEXT_COLOR, figure_svg, plain_labels, plain_text


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
    """An inline SVG line chart (role img, title, description; no style attributes).

    Points are drawn with markers so single or gapped periods stay visible; the caller shows
    the same numbers in a table beside it.
    """
    figure, axes = plt.subplots(figsize=(7.5, 3.4), dpi=96)
    try:
        positions = list(range(len(labels)))
        axes.plot(positions, list(values), color=BAR_COLOR, marker="o", linewidth=2)
        step = max(1, len(labels) // 12)
        axes.set_xticks(positions[::step], labels=plain_labels(labels)[::step], color=TEXT_COLOR)
        axes.set_ylabel(plain_text(value_label), color=TEXT_COLOR)
        if y_limits is not None:
            axes.set_ylim(*y_limits)
        axes.tick_params(colors=TEXT_COLOR)
        axes.grid(axis="y", color="#dfe1e2")
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
        figure.tight_layout()
        return figure_svg(figure, title=title, description=description, chart_id=chart_id)
    finally:
        plt.close(figure)
