"""The benchmark library and comparisons.

The shared, published library is read by anyone; an agency's own series (uploads, own
measures) only by its members. Comparisons are per service and for the service's agency's
members only; other agencies' services answer 404, the same as missing ones.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.security import SessionAuth

from cxgov.api.auth import TokenAuth
from cxgov.api.routers.registry import _anonymous, _staff, _viewer
from cxgov.benchmarks.comparisons import Benchmark, service_comparisons
from cxgov.benchmarks.models import Observation, Series
from cxgov.benchmarks.selectors import (
    access_series,
    observations_for_series,
    series_public,
)
from cxgov.core.selectors import agencies_for_user
from cxgov.insights.acsi import ComparableMeasure
from cxgov.registry.selectors import access_service

router = Router(tags=["benchmarks"])
public_auth = [TokenAuth(), SessionAuth(), _anonymous]


class SeriesOut(Schema):
    id: int
    source: str
    source_kind: str
    agency: str | None
    service_id: int | None
    name: str
    entity: str
    metric: str
    scale: str
    wording: str
    mode: str
    population: str
    sector: str
    industry: str
    is_aggregate: bool
    url: str


class ObservationOut(Schema):
    period: str
    year: int
    value: float
    sample_size: int | None
    standard_error: float | None
    source_url: str
    derived: bool
    note: str


class MeasureOut(Schema):
    metric: str
    scale: str
    wording: str
    period: str
    value: float
    label: str
    n: int | None
    standard_error: float | None
    source: str
    approximate: bool


class BenchmarkOut(Schema):
    role: str
    label: str
    measure: MeasureOut
    comparable: bool
    reason: str
    conversion: str | None
    approximate: bool
    difference: float | None
    interval_low: float | None
    interval_high: float | None
    verdict: str | None
    series_id: int | None


class ComparisonOut(Schema):
    measure: MeasureOut
    benchmarks: list[BenchmarkOut]
    refused: list[BenchmarkOut]


def _series(series: Series) -> dict[str, Any]:
    return {
        "id": series.pk,
        "source": series.source.name,
        "source_kind": series.source.kind,
        "agency": series.agency.slug if series.agency_id and series.agency else None,
        "service_id": series.service_id,
        "name": series.name,
        "entity": series.entity,
        "metric": series.metric,
        "scale": series.scale,
        "wording": series.wording,
        "mode": series.mode,
        "population": series.population,
        "sector": series.sector,
        "industry": series.industry,
        "is_aggregate": series.is_aggregate,
        "url": series.url,
    }


def _observation(observation: Observation) -> dict[str, Any]:
    return {
        "period": observation.period,
        "year": observation.year,
        "value": float(observation.value),
        "sample_size": observation.sample_size,
        "standard_error": (
            float(observation.standard_error) if observation.standard_error is not None else None
        ),
        "source_url": observation.source_url,
        "derived": observation.derived,
        "note": observation.note,
    }


def _measure(measure: ComparableMeasure) -> dict[str, Any]:
    return {
        "metric": measure.metric,
        "scale": measure.scale,
        "wording": measure.wording,
        "period": measure.period,
        "value": measure.value,
        "label": measure.label,
        "n": measure.n,
        "standard_error": measure.error(),
        "source": measure.source,
        "approximate": measure.approximate,
    }


def _benchmark(benchmark: Benchmark) -> dict[str, Any]:
    conversion = benchmark.check.conversion
    gap = benchmark.gap
    return {
        "role": benchmark.role,
        "label": benchmark.label,
        "measure": _measure(benchmark.measure),
        "comparable": benchmark.check.comparable,
        "reason": benchmark.reason,
        "conversion": conversion.formula if conversion is not None else None,
        "approximate": bool(conversion is not None and conversion.approximate),
        "difference": gap.difference if gap else None,
        "interval_low": gap.low if gap else None,
        "interval_high": gap.high if gap else None,
        "verdict": gap.verdict if gap else None,
        "series_id": benchmark.series.pk if benchmark.series is not None else None,
    }


@router.get(
    "/benchmarks/series",
    response=list[SeriesOut],
    auth=public_auth,
    summary="List benchmark series",
    openapi_extra={"security": [{}]},
)
def series_list(request: HttpRequest) -> list[dict[str, Any]]:
    """The published library; a signed-in member also sees their agencies' own series."""
    user = _viewer(request)
    scope = Q(agency__isnull=True)
    if user is not None:
        scope |= Q(agency__in=agencies_for_user(user=user))
    queryset = Series.objects.filter(scope).select_related("source", "agency").order_by("pk")
    return [_series(series) for series in queryset[:5000]]


@router.get(
    "/benchmarks/series/{series_id}",
    response=SeriesOut,
    auth=public_auth,
    summary="Read a benchmark series",
    openapi_extra={"security": [{}]},
)
def series_read(request: HttpRequest, series_id: int) -> dict[str, Any]:
    """One series: published, or of an agency where the caller holds a role; else 404."""
    user = _viewer(request)
    series = (
        access_series(user=user, agency_slug=None, series_id=series_id)
        if user is not None
        else series_public(series_id=series_id)
    )
    return _series(series)


@router.get(
    "/benchmarks/series/{series_id}/observations",
    response=list[ObservationOut],
    auth=public_auth,
    summary="List the observations of a benchmark series",
    openapi_extra={"security": [{}]},
)
def series_observations(request: HttpRequest, series_id: int) -> list[dict[str, Any]]:
    """The values of one series by period, each with its source URL and `derived` flag."""
    user = _viewer(request)
    series = (
        access_series(user=user, agency_slug=None, series_id=series_id)
        if user is not None
        else series_public(series_id=series_id)
    )
    return [_observation(o) for o in observations_for_series(series=series)]


@router.get(
    "/benchmarks/services/{service_id}/comparisons",
    response=list[ComparisonOut],
    summary="Compare a service's own measures with benchmarks",
)
def comparisons(
    request: HttpRequest, service_id: int, period: str | None = None
) -> list[dict[str, Any]]:
    """Each own measure of the period (newest if omitted) beside its benchmarks, with gaps."""
    service = access_service(user=_staff(request), agency_slug=None, service_id=service_id)
    return [
        {
            "measure": _measure(row.measure),
            "benchmarks": [_benchmark(b) for b in row.benchmarks()],
            "refused": [_benchmark(b) for b in row.refused],
        }
        for row in service_comparisons(service=service, period=period)
    ]
