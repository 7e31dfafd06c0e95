"""The public performance figures as open data: one row per figure the performance page shows.

Each row is read off `reports.performance.services_performance`, the function that feeds the
page, so the page and the feeds cannot disagree: the same surveys (only those whose staff set
`results_public`), the same measures, the same rounding and the same suppression (a figure
from fewer answers or cases than the threshold has its n and no value). See the data
dictionary of the `service-performance` dataset (`cxgov.public.open_data`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import translation

from cxgov.registry.models import Service
from cxgov.reports.performance import Figure, ServicePerformance, services_performance

PERFORMANCE_COLUMNS = (
    "agency",
    "service",
    "service_name",
    "section",
    "figure",
    "item",
    "label",
    "period",
    "period_start",
    "period_end",
    "measure",
    "value",
    "unit",
    "ci_low",
    "ci_high",
    "n",
    "count",
    "suppressed",
    "status",
)
# Columns written as numbers in the JSON file (empty: null).
DECIMAL_COLUMNS = ("value", "ci_low", "ci_high")
INTEGER_COLUMNS = ("n", "count")


def _figure(figure: Figure, unit: str = "percent") -> dict[str, Any]:
    return {
        "measure": figure.measure.key,
        "value": figure.value,
        "unit": unit,
        "ci_low": figure.low,
        "ci_high": figure.high,
        "n": figure.n,
        "suppressed": "yes" if figure.suppressed else "no",
    }


def _period(label: str, start: date | None, end: date | None) -> dict[str, Any]:
    return {
        "period": label,
        "period_start": start.isoformat() if start else "",
        "period_end": end.isoformat() if end else "",
    }


def _rows(performance: ServicePerformance) -> Iterator[dict[str, Any]]:
    quarter = performance.quarter
    latest = _period(str(quarter), quarter.start, quarter.end)
    for point in performance.trend:
        period = _period(str(point.quarter), point.quarter.start, point.quarter.end)
        for key, figure in (("trust", point.trust), ("satisfaction", point.satisfaction)):
            yield {"section": "survey", "figure": key, **period, **_figure(figure)}
    for group in performance.drivers:
        for row in group.rows:
            yield {
                "section": "drivers",
                "figure": group.key,
                "item": row.key,
                "label": row.label,
                **latest,
                **_figure(row.figure),
            }
    for standard_row in performance.standards:
        standard = standard_row.standard
        result = standard_row.result
        found: dict[str, Any] = {
            "section": "standards",
            "figure": "standard",
            "item": standard.source_id or str(standard.pk),
            "label": standard.statement,
            "status": standard_row.status,
        }
        if result is not None:
            found.update(_period(result.label, result.start, result.end))
        if standard_row.figure is not None:
            found.update(_figure(standard_row.figure))
        yield found
    complaints = performance.complaints
    yield {"section": "complaints", "figure": "received", **latest, "count": complaints.received}
    yield {"section": "complaints", "figure": "on_time", **latest, **_figure(complaints.on_time)}
    yield {
        "section": "complaints",
        "figure": "median_days",
        **latest,
        **_figure(complaints.median_days, "days"),
    }
    channels = performance.channels
    if channels is not None:
        # Counts of every transaction a year, not a sample: n is the total, no interval.
        for row in channels.rows:
            if row.volume is None:
                continue
            yield {
                "section": "channels",
                "figure": "channel_share",
                "item": row.channel.kind,
                "label": row.channel.name,
                "value": row.share_percent,
                "unit": "percent",
                "n": channels.total_volume,
                "count": row.volume,
                "suppressed": "no",
            }
        yield {
            "section": "channels",
            "figure": "digital_share",
            "value": channels.digital_share_percent,
            "unit": "percent",
            "n": channels.total_volume,
            "count": channels.digital_volume,
            "suppressed": "no",
        }


def performance_rows(*, services: Iterable[Service]) -> list[dict[str, Any]]:
    """Every public figure of each service's performance page, one dict per figure.

    Labels are in the site's default language: the files have one address in every language.
    """
    services = list(services)
    performances = services_performance(services=services)
    rows = []
    with translation.override(settings.LANGUAGE_CODE):
        for service in services:
            performance = performances[service.pk]
            for row in _rows(performance):
                rows.append(
                    {
                        "agency": service.agency.slug,
                        "service": service.slug,
                        "service_name": service.name,
                        **row,
                    }
                )
    return rows


def performance_json_row(row: dict[str, Any]) -> dict[str, Any]:
    """A row for the JSON file: every column, figures as numbers, missing ones as null."""
    out: dict[str, Any] = {}
    for column in PERFORMANCE_COLUMNS:
        value = row.get(column)
        if column in DECIMAL_COLUMNS:
            out[column] = None if value is None else float(Decimal(str(value)))
        elif column in INTEGER_COLUMNS:
            out[column] = None if value is None else int(value)
        else:
            out[column] = "" if value is None else str(value)
    return out
