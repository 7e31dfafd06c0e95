"""The rollup queries every results read starts from: the filters, the days they allow, sums.

Callers pass querysets of `AnswerRollup` or `ResponseRollup` (and, for `period_rollups`, of
their quarterly levels) already narrowed to surveys they reached through an `access_*` selector.
`period_rollups` reads a period's whole fiscal quarters from the quarterly level and only the
days at its edges from the daily one (decision 0055); `rollup_sums` adds the two up.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, TypeVar

from django.db.models import (
    Case,
    IntegerField,
    Max,
    Min,
    Model,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)

from cxgov.core.selectors import filter_given
from cxgov.insights.fiscal import (
    FEDERAL_START_MONTH,
    FiscalQuarter,
    fiscal_quarter,
    fiscal_year_bounds,
)
from cxgov.surveys.models import AnswerRollup

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class ResultFilters:
    """Which answers to count. A fiscal year (and quarter) and start/end dates both narrow."""

    service_id: int | None = None
    channel: str = ""
    segment_id: int | None = None
    language: str = ""
    fiscal_year: int | None = None
    quarter: int | None = None  # FY Q1: the first three months of the agency's fiscal year
    start: date | None = None
    end: date | None = None


def period(
    filters: ResultFilters, *, start_month: int = FEDERAL_START_MONTH
) -> tuple[date | None, date | None]:
    """First and last day (inclusive) the filters allow, the fiscal year starting in
    `start_month` (the survey agency's); None where open."""
    start, end = filters.start, filters.end
    if filters.quarter is not None and filters.fiscal_year is None:
        raise ValueError("a quarter needs a fiscal year")
    if filters.fiscal_year is not None:
        if filters.quarter is not None:
            fq = FiscalQuarter(filters.fiscal_year, filters.quarter, start_month)
            low, high = fq.start, fq.end
        else:
            low, high = fiscal_year_bounds(filters.fiscal_year, start_month=start_month)
        start = max(start, low) if start else low
        end = min(end, high) if end else high
    return start, end


def filtered_rollups(
    queryset: QuerySet[Any], filters: ResultFilters, *, start_month: int = FEDERAL_START_MONTH
) -> QuerySet[Any]:
    """Rollup rows of the filters' service, channel, segment, language and period."""
    start, end = period(filters, start_month=start_month)
    return filter_given(filter_dimensions(queryset, filters), day__gte=start, day__lte=end)


def filter_dimensions(queryset: QuerySet[M], filters: ResultFilters) -> QuerySet[M]:
    """Rows (rollups or responses) of the filters' service, channel, segment and language."""
    return filter_given(
        queryset,
        service_id=filters.service_id,
        channel=filters.channel,
        segment_id=filters.segment_id,
        language=filters.language,
    )


def _by_quarter(
    queryset: QuerySet[AnswerRollup], start_month: int = FEDERAL_START_MONTH
) -> QuerySet[AnswerRollup]:
    """Rows annotated with their fiscal quarter numbered as year * 10 + quarter.

    Plain date comparisons over the quarters the rows span, so the database groups by quarter
    without a per-row function call (SQLite would call back into Python for each row).
    """
    bounds = queryset.aggregate(first=Min("day"), last=Max("day"))
    if bounds["first"] is None:
        return queryset.none().annotate(quarter=Value(0))
    quarter = fiscal_quarter(bounds["first"], start_month=start_month)
    last = fiscal_quarter(bounds["last"], start_month=start_month)
    # Rows added since the bounds were read stay out rather than fall outside every quarter.
    queryset = queryset.filter(day__gte=quarter.start, day__lte=last.end)
    whens = []
    while quarter <= last:
        whens.append(
            When(day__lt=quarter.next().start, then=Value(quarter.year * 10 + quarter.quarter))
        )
        quarter = quarter.next()
    return queryset.annotate(quarter=Case(*whens, default=Value(0), output_field=IntegerField()))


@dataclass(frozen=True)
class PeriodRollups:
    """A period's rows: its whole fiscal quarters from the quarterly level (`quarters`) and the
    days outside them from the daily level (`days`). Their sums are the daily level's alone."""

    days: QuerySet[Any]
    quarters: QuerySet[Any]

    def filter(self, **kwargs: Any) -> PeriodRollups:
        """Both levels narrowed by the same lookups (on columns both levels have)."""
        return replace(
            self, days=self.days.filter(**kwargs), quarters=self.quarters.filter(**kwargs)
        )

    def total(self, column: str = "count") -> int:
        """The summed `column` of both levels."""
        return sum(
            int(rows.aggregate(n=Sum(column))["n"] or 0) for rows in (self.days, self.quarters)
        )


def whole_quarters(
    start: date | None, end: date | None, *, start_month: int
) -> tuple[date | None, date | None, bool]:
    """First day of the first and last day of the last whole fiscal quarter in start..end
    (None where the period is open), and whether there is any."""
    first = last = None
    if start is not None:
        quarter = fiscal_quarter(start, start_month=start_month)
        first = quarter.start if quarter.start == start else quarter.next().start
    if end is not None:
        quarter = fiscal_quarter(end, start_month=start_month)
        last = end if quarter.end == end else quarter.previous().end
    return first, last, first is None or last is None or first < last


def period_rollups(
    days: QuerySet[Any],
    quarters: QuerySet[Any],
    filters: ResultFilters,
    *,
    start_month: int = FEDERAL_START_MONTH,
) -> PeriodRollups:
    """The filters' rows as whole quarters (`AnswerQuarterRollup`/`ResponseQuarterRollup` in
    `quarters`) and edge days (`AnswerRollup`/`ResponseRollup` in `days`), in the quarters of
    the fiscal year starting in `start_month`, the one the quarterly level was summed in."""
    start, end = period(filters, start_month=start_month)
    days = filter_given(filter_dimensions(days, filters), day__gte=start, day__lte=end)
    quarters = filter_dimensions(quarters, filters)
    first, last, any_whole = whole_quarters(start, end, start_month=start_month)
    if not any_whole:
        return PeriodRollups(days=days, quarters=quarters.none())
    quarters = filter_given(quarters, quarter_start__gte=first, quarter_start__lte=last)
    edges = Q(pk__in=[])
    if first is not None:
        edges |= Q(day__lt=first)
    if last is not None:
        edges |= Q(day__gt=last)
    return PeriodRollups(days=days.filter(edges), quarters=quarters)


# A fiscal year starting in one of these months has the federal fiscal quarters.
FEDERAL_QUARTER_MONTHS = (1, 4, 7, 10)


def federal_quarter_rollups(
    days: QuerySet[Any],
    quarters: QuerySet[Any],
    *,
    first: FiscalQuarter | None = None,
    last: FiscalQuarter | None = None,
) -> PeriodRollups:
    """Rows (`AnswerRollup` in `days`, `AnswerQuarterRollup` in `quarters`, filtered alike)
    to sum per federal fiscal quarter from `first` to `last` (open where None): whole quarters
    from the quarterly level where a survey's agency counts the federal quarters, a few rows
    a quarter instead of one a day, and the days of other agencies' surveys."""
    federal = Q(survey__agency__fiscal_year_start_month__in=FEDERAL_QUARTER_MONTHS)
    days = filter_given(
        days.exclude(federal),
        day__gte=first.start if first else None,
        day__lte=last.end if last else None,
    )
    quarters = filter_given(
        quarters.filter(federal),
        quarter_start__gte=first.start if first else None,
        quarter_start__lte=last.start if last else None,
    )
    return PeriodRollups(days=days, quarters=quarters)


def rollup_sums(
    queryset: QuerySet[AnswerRollup] | PeriodRollups,
    *group: str,
    start_month: int = FEDERAL_START_MONTH,
) -> Iterable[dict[str, Any]]:
    """Summed counts per group and value; a "quarter" group comes back as a FiscalQuarter of
    the fiscal year starting in `start_month`. From `PeriodRollups`, both levels added up."""
    if isinstance(queryset, PeriodRollups):
        return _period_sums(queryset, group, start_month)
    if "quarter" in group:
        queryset = _by_quarter(queryset, start_month)
    rows = (
        queryset.values(*group, "value_key")
        .annotate(n=Sum("count"), t=Sum("total"), s=Sum("total_squares"))
        .order_by()
    )
    if "quarter" not in group:
        return rows
    return (
        {**row, "quarter": FiscalQuarter(row["quarter"] // 10, row["quarter"] % 10, start_month)}
        for row in rows
    )


def _period_sums(
    rows: PeriodRollups, group: tuple[str, ...], start_month: int
) -> list[dict[str, Any]]:
    columns = [*group, "value_key"]
    sums: dict[tuple[Any, ...], list[Any]] = {}

    def add(row: dict[str, Any]) -> None:
        key = tuple(row[c] for c in columns)
        cell = sums.setdefault(key, [0, 0.0, 0.0])
        cell[0] += row["n"] or 0
        cell[1] += row["t"] or 0.0
        cell[2] += row["s"] or 0.0

    for row in rollup_sums(rows.days, *group, start_month=start_month):
        add(row)
    quarter_group = ["quarter_start" if c == "quarter" else c for c in group]
    for row in (
        rows.quarters.values(*quarter_group, "value_key")
        .annotate(n=Sum("count"), t=Sum("total"), s=Sum("total_squares"))
        .order_by()
    ):
        if "quarter" in group:
            row["quarter"] = fiscal_quarter(row.pop("quarter_start"), start_month=start_month)
        add(row)
    return [
        {**dict(zip(columns, key, strict=True)), "n": n, "t": t, "s": s}
        for key, (n, t, s) in sums.items()
    ]
