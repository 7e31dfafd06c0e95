"""The rollup queries every results read starts from: the filters, the days they allow, sums.

Callers pass querysets of `AnswerRollup` or `ResponseRollup` already narrowed to surveys they
reached through an `access_*` selector.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from django.db.models import Case, IntegerField, Max, Min, Model, QuerySet, Sum, Value, When

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


def rollup_sums(
    queryset: QuerySet[AnswerRollup], *group: str, start_month: int = FEDERAL_START_MONTH
) -> Iterable[dict[str, Any]]:
    """Summed counts per group and value; a "quarter" group comes back as a FiscalQuarter of
    the fiscal year starting in `start_month`."""
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
