"""The report's shape (sections, tables, charts) and how its figures are written."""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cxgov.core.models import Agency
from cxgov.core.tables import Table
from cxgov.insights.charts import horizontal_bar_svg, line_svg
from cxgov.insights.estimates import Change, change_shown, significant_changes
from cxgov.reports.models import SurveyReport
from cxgov.reports.selectors.periods import ReportPeriod

SECTION_HEADINGS: dict[str, Any] = {
    "methods": gettext_lazy("Methods"),
    "results": gettext_lazy("Results by service and channel"),
    "drivers": gettext_lazy("Key drivers"),
    "benchmarks": gettext_lazy("Benchmark gaps"),
    "standards": gettext_lazy("Standards attainment"),
    "complaints": gettext_lazy("Complaints"),
    "themes": gettext_lazy("Employee survey themes"),
    "what_we_heard": gettext_lazy("What we heard"),
    "what_we_changed": gettext_lazy("What we changed"),
    "management_and_budget": gettext_lazy("How this informed management and budget"),
}
AUTHORED_SECTIONS = ("what_we_heard", "what_we_changed", "management_and_budget")


# --- the report's shape --------------------------------------------------------------------


@dataclass(frozen=True)
class Chart:
    """An inline SVG chart; `table_id` names the table with the same numbers."""

    id: str
    svg: str
    title: str
    description: str
    table_id: str

    @property
    def image_src(self) -> str:
        """The chart as a data: URI, for an <img> whose alt text WeasyPrint tags in the PDF."""
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode()).decode("ascii")


@dataclass
class Section:
    """One report section: stable id and heading, notes, charts, tables, or authored text."""

    id: str
    heading: str
    notes: list[str] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    text: str = ""
    authored: bool = False


@dataclass
class ReportData:
    """Everything a report shows, in one language."""

    agency: Agency
    period: ReportPeriod
    language: str
    title: str
    sections: list[Section]
    report: SurveyReport | None
    threshold: int
    generated_at: Any
    # An analysis the drivers section needs was never asked for: the page offers to ask.
    drivers_missing: bool = False

    def tables(self) -> list[Table]:
        return [table for section in self.sections for table in section.tables]

    def table(self, table_id: str) -> Table | None:
        return next((t for t in self.tables() if t.id == table_id), None)


def _section(key: str, *tables: Table) -> Section:
    """A generated section under its standard heading, showing `tables`."""
    return Section(key, str(SECTION_HEADINGS[key]), tables=list(tables))


# --- formatting ----------------------------------------------------------------------------


def _pct(value: float | None) -> str:
    return "" if value is None else f"{100 * value:.1f}"


def _interval(low: float | None, high: float | None, scale: float = 100.0, places: int = 1) -> str:
    if low is None or high is None:
        return ""
    return f"{scale * low:.{places}f} {_('to')} {scale * high:.{places}f}"


@dataclass
class _PendingChange:
    """A change from the period before, written once the whole section's changes are known."""

    change: Change


@dataclass
class _ChangeFamily:
    """The changes one section shows, flagged together.

    A change is reported as up or down only when it survives Benjamini-Hochberg over every
    change in the section at 5% and is at least the agency's smallest change worth flagging:
    with dozens of rows, testing each at 95% alone would flag some by chance.
    """

    minimum_effect: float
    pending: list[_PendingChange] = field(default_factory=list)

    def cell(
        self, before: tuple[int, int] | None, after: tuple[int, int] | None, min_n: int
    ) -> str | _PendingChange:
        change = change_shown(before, after, min_n=min_n)
        if change is None:
            return _("No earlier figure to compare")
        pending = _PendingChange(change)
        self.pending.append(pending)
        return pending

    def settle(self, tables: Iterable[Table]) -> None:
        """Write every pending change in `tables` as text, flagged over the whole family."""
        flags = significant_changes(
            [p.change for p in self.pending], minimum_effect=self.minimum_effect
        )
        words = {
            id(p): _change_words(p.change, flag)
            for p, flag in zip(self.pending, flags, strict=True)
        }
        for table in tables:
            for row in table.rows:
                row[:] = [words[id(c)] if isinstance(c, _PendingChange) else c for c in row]


def _change_words(change: Change, flagged: bool) -> str:
    if not flagged:
        return _("No significant change")
    points = f"{abs(100 * change.difference):.1f}"
    if change.difference > 0:
        return _("Up %(points)s points (significant)") % {"points": points}
    return _("Down %(points)s points (significant)") % {"points": points}


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _add_chart(
    section: Section,
    table: Table,
    *,
    chart_id: str,
    title: str,
    description: str,
    data: Sequence[tuple[str, float]],
    value_label: str,
    draw: Callable[..., str] = horizontal_bar_svg,
) -> None:
    """Add to the section a chart of (label, value) pairs drawn by `horizontal_bar_svg` or
    `_percent_line_svg`, giving `table` as the one with the same numbers."""
    svg = draw(
        labels=[d[0] for d in data],
        values=[d[1] for d in data],
        title=title,
        value_label=value_label,
        description=description,
        chart_id=chart_id,
    )
    section.charts.append(
        Chart(id=chart_id, svg=svg, title=title, description=description, table_id=table.id)
    )


def _add_bar_chart(
    section: Section,
    table: Table,
    *,
    chart_id: str,
    title: str,
    description: str,
    bars: Sequence[tuple[str, float]],
    value_label: str,
) -> None:
    """Add to the section a bar chart of `bars`, its `description` filled in with how many
    bars there are (`count`), the lowest and highest value (`low`, `high`) and `table`'s
    caption (`table`)."""
    _add_chart(
        section,
        table,
        chart_id=chart_id,
        title=title,
        description=description % _bar_range(bars, table),
        data=bars,
        value_label=value_label,
    )


def _bar_range(bars: Sequence[tuple[str, float]], table: Table) -> dict[str, Any]:
    """How many bars, the lowest and the highest, and the table beside them: for a chart's
    description."""
    return {
        "count": len(bars),
        "low": f"{min(b[1] for b in bars):.1f}",
        "high": f"{max(b[1] for b in bars):.1f}",
        "table": table.caption,
    }


# Trend lines of shares run on a fixed 0-100 axis so quarters compare at a glance.
_percent_line_svg = partial(line_svg, y_limits=(0, 100))
