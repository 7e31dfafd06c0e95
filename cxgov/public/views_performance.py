"""The public performance page of a service: how its customers rate it, its standards, its
complaints, how people reach it and what the agency changed. Summaries only (see
`cxgov.reports.performance`); the chart's numbers are in the table beside it."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from cxgov.insights.charts import line_svg
from cxgov.registry.selectors import service_public
from cxgov.reports.performance import ServicePerformance, service_performance


def _trust_chart(performance: ServicePerformance) -> SafeString | str:
    shown = [point for point in performance.trend if point.trust.shown]
    if len(shown) < 2:
        return ""
    return mark_safe(  # noqa: S308  # nosec B308 B703 - our own SVG, labels escaped
        line_svg(
            labels=[str(point.quarter) for point in shown],
            values=[float(point.trust.value or 0) for point in shown],
            title=_("Customers whose trust the service increased, by quarter (percent)"),
            value_label=_("Percent (0 to 100)"),
            description=_("The same numbers, with their intervals, are in the table that follows."),
            chart_id="trust-trend-chart",
            y_limits=(0, 100),
        )
    )


def service_performance_page(
    request: HttpRequest, agency_slug: str, service_slug: str
) -> HttpResponse:
    """How a published service is doing, from the figures its agency chose to publish."""
    service = service_public(agency_slug=agency_slug, service_slug=service_slug)
    performance = service_performance(service=service)
    return render(
        request,
        "public/performance.html",
        {
            "agency": service.agency,
            "service": service,
            "performance": performance,
            "trend": list(reversed(performance.trend)),
            "chart": _trust_chart(performance),
            "nav_section": "home",
        },
    )
