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
from cxgov.insights.fiscal import FiscalQuarter, fiscal_quarter, fiscal_year_bounds
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
    quarter: int | None = None  # FY Q1 = Oct-Dec
    start: date | None = None
    end: date | None = None


def period(filters: ResultFilters) -> tuple[date | None, date | None]:
    """First and last day (inclusive) the filters allow; None where open."""
    start, end = filters.start, filters.end
    if filters.quarter is not None and filters.fiscal_year is None:
        raise ValueError("a quarter needs a fiscal year")
    if filters.fiscal_year is not None:
        if filters.quarter is not None:
            fq = FiscalQuarter(filters.fiscal_year, filters.quarter)
            low, high = fq.start, fq.end
        else:
            low, high = fiscal_year_bounds(filters.fiscal_year)
        start = max(start, low) if start else low
        end = min(end, high) if end else high
    return start, end


def filtered_rollups(queryset: QuerySet[Any], filters: ResultFilters) -> QuerySet[Any]:
    """Rollup rows of the filters' service, channel, segment, language and period."""
    start, end = period(filters)
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


def _by_quarter(queryset: QuerySet[AnswerRollup]) -> QuerySet[AnswerRollup]:
    """Rows annotated with their fiscal quarter numbered as year * 10 + quarter.

    Plain date comparisons over the quarters the rows span, so the database groups by quarter
    without a per-row function call (SQLite would call back into Python for each row).
    """
    bounds = queryset.aggregate(first=Min("day"), last=Max("day"))
    if bounds["first"] is None:
        return queryset.none().annotate(quarter=Value(0))
    quarter, last = fiscal_quarter(bounds["first"]), fiscal_quarter(bounds["last"])
    # Rows added since the bounds were read stay out rather than fall outside every quarter.
    queryset = queryset.filter(day__gte=quarter.start, day__lte=last.end)
    whens = []
    while quarter <= last:
        whens.append(
            When(day__lt=quarter.next().start, then=Value(quarter.year * 10 + quarter.quarter))
        )
        quarter = quarter.next()
    return queryset.annotate(quarter=Case(*whens, default=Value(0), output_field=IntegerField()))


def rollup_sums(queryset: QuerySet[AnswerRollup], *group: str) -> Iterable[dict[str, Any]]:
    """Summed counts per group and value; a "quarter" group comes back as a FiscalQuarter."""
    if "quarter" in group:
        queryset = _by_quarter(queryset)
    rows = (
        queryset.values(*group, "value_key")
        .annotate(n=Sum("count"), t=Sum("total"), s=Sum("total_squares"))
        .order_by()
    )
    if "quarter" not in group:
        return rows
    return (
        {**row, "quarter": FiscalQuarter(row["quarter"] // 10, row["quarter"] % 10)} for row in rows
    )
