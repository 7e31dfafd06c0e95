"""Public "Our service standards" pages and the machine-readable standards feeds.

Every share comes from the daily rollups or the reported results; the median and 90th
percentile of elapsed time are exact, read as order statistics from the stored events
(`standards.selectors.ElapsedQuantiles`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import formats
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from cxgov.core.models import Agency
from cxgov.core.tables import csv_response, dict_rows
from cxgov.insights.charts import horizontal_bar_svg
from cxgov.registry.models import Service
from cxgov.registry.selectors import agency_public
from cxgov.standards.models import Standard
from cxgov.standards.results import PeriodResult
from cxgov.standards.selectors import (
    FEED_COLUMNS,
    feed_rows,
    service_public_by_slug,
    standards_posted,
    standards_results,
)

HISTORY_PERIODS = 12


def _percent(share: float | None) -> str:
    if share is None:
        return ""
    return formats.number_format(share * 100, 1) + " %"


@dataclass
class ResultRow:
    result: PeriodResult
    share: str
    interval: str
    median: str
    p90: str


@dataclass
class StandardView:
    standard: Standard
    target: str
    latest: ResultRow | None
    history: list[ResultRow]
    chart: SafeString | str


def _duration(value: float | None, unit: str) -> str:
    if value is None:
        return ""
    return f"{formats.number_format(value, 1)} {unit}"


def _row(result: PeriodResult, unit: str) -> ResultRow:
    interval = ""
    if result.ci_low is not None and result.ci_high is not None:
        interval = f"{_percent(result.ci_low)} – {_percent(result.ci_high)}"
    return ResultRow(
        result=result,
        share=_percent(result.share),
        interval=interval,
        median=_duration(result.median, unit),
        p90=_duration(result.p90, unit),
    )


def _standard_view(standard: Standard, results: list[PeriodResult]) -> StandardView:
    unit = standard.get_threshold_unit_display()
    results = results[-HISTORY_PERIODS:]
    rows = [_row(result, unit) for result in results]
    judged = [r for r in rows if r.result.status != "no_data"]
    closed = [r for r in judged if r.result.closed]
    latest = closed[-1] if closed else (judged[-1] if judged else None)
    charted = [r for r in rows if r.result.share is not None]
    chart: SafeString | str = ""
    if len(charted) > 1:
        chart = mark_safe(  # noqa: S308  # nosec B308 B703 - our own SVG, labels escaped
            horizontal_bar_svg(
                labels=[r.result.label for r in charted],
                values=[(r.result.share or 0) * 100 for r in charted],
                title=_("Share meeting the standard, by period"),
                value_label=_("Percent meeting the standard"),
                description=_("The same numbers are in the table that follows."),
                chart_id=f"standard-{standard.pk}-chart",
            )
        )
    return StandardView(
        standard=standard,
        target=_percent(float(standard.target)),
        latest=latest,
        history=list(reversed(rows)),
        chart=chart,
    )


def _page(request: HttpRequest, *, agency: Agency, service: Service | None) -> HttpResponse:
    standards = list(
        standards_posted(agency=agency, service=service).select_related("service__agency")
    )
    results = standards_results(standards=standards)
    by_service: dict[Service, list[StandardView]] = {}
    for standard in standards:
        view = _standard_view(standard, results[standard.pk])
        by_service.setdefault(standard.service, []).append(view)
    updated = max(
        (s.results_updated_at for s in standards if s.results_updated_at is not None),
        default=None,
    )
    return render(
        request,
        "public/standards/standards.html",
        {
            "agency": agency,
            "service": service,
            "groups": list(by_service.items()),
            "updated": updated,
            "nav_section": "home",
        },
    )


def agency_standards(request: HttpRequest, slug: str) -> HttpResponse:
    """Every posted standard of an agency, its latest result and its history."""
    return _page(request, agency=agency_public(slug=slug), service=None)


def service_standards(request: HttpRequest, agency_slug: str, service_slug: str) -> HttpResponse:
    """The posted standards of one service."""
    agency = agency_public(slug=agency_slug)
    return _page(
        request, agency=agency, service=service_public_by_slug(agency=agency, slug=service_slug)
    )


def _csv(rows: list[dict[str, object]], filename: str) -> HttpResponse:
    return csv_response(
        FEED_COLUMNS, dict_rows(FEED_COLUMNS, rows), filename=filename, inline=True, line_end="\n"
    )


def _json(rows: list[dict[str, object]]) -> HttpResponse:
    return HttpResponse(
        json.dumps({"columns": list(FEED_COLUMNS), "standards": rows}, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )


def feed_csv(request: HttpRequest) -> HttpResponse:
    """All agencies' posted standards and results, one row per period, as CSV."""
    return _csv(feed_rows(), "standards.csv")


def feed_json(request: HttpRequest) -> HttpResponse:
    """All agencies' posted standards and results as JSON."""
    return _json(feed_rows())


def agency_feed_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """One agency's posted standards and results as CSV."""
    agency = agency_public(slug=slug)
    return _csv(feed_rows(agency=agency), f"{agency.slug}-standards.csv")


def agency_feed_json(request: HttpRequest, slug: str) -> HttpResponse:
    """One agency's posted standards and results as JSON."""
    return _json(feed_rows(agency=agency_public(slug=slug)))
