"""The benchmark library and comparisons.

The shared, published library is read by anyone; an agency's own series (uploads, own
measures) only by its members. Comparisons are per service and for the service's agency's
members only; other agencies' services answer 404, the same as missing ones.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router

from cxgov.api.common import PUBLIC, Out, public_auth, staff_user, viewer
from cxgov.benchmarks.comparisons import Benchmark, ComparisonRow, service_comparisons
from cxgov.benchmarks.models import Observation, Series
from cxgov.benchmarks.selectors import (
    access_series,
    observations_for_series,
    series_for_viewer,
    series_public,
)
from cxgov.insights.acsi import ComparableMeasure
from cxgov.registry.selectors import access_service

router = Router(tags=["benchmarks"])


class SeriesOut(Out):
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

    @staticmethod
    def resolve_source(series: Series) -> str:
        return series.source.name

    @staticmethod
    def resolve_source_kind(series: Series) -> str:
        return series.source.kind

    @staticmethod
    def resolve_agency(series: Series) -> str | None:
        return series.agency.slug if series.agency_id and series.agency else None


class ObservationOut(Out):
    period: str
    year: int
    value: float
    sample_size: int | None
    standard_error: float | None
    source_url: str
    derived: bool
    note: str


class MeasureOut(Out):
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

    @staticmethod
    def resolve_standard_error(measure: ComparableMeasure) -> float | None:
        return measure.error()


class BenchmarkOut(Out):
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

    @staticmethod
    def resolve_comparable(benchmark: Benchmark) -> bool:
        return benchmark.check.comparable

    @staticmethod
    def resolve_conversion(benchmark: Benchmark) -> str | None:
        conversion = benchmark.check.conversion
        return conversion.formula if conversion is not None else None

    @staticmethod
    def resolve_approximate(benchmark: Benchmark) -> bool:
        conversion = benchmark.check.conversion
        return bool(conversion is not None and conversion.approximate)

    @staticmethod
    def resolve_difference(benchmark: Benchmark) -> float | None:
        return benchmark.gap.difference if benchmark.gap else None

    @staticmethod
    def resolve_interval_low(benchmark: Benchmark) -> float | None:
        return benchmark.gap.low if benchmark.gap else None

    @staticmethod
    def resolve_interval_high(benchmark: Benchmark) -> float | None:
        return benchmark.gap.high if benchmark.gap else None

    @staticmethod
    def resolve_verdict(benchmark: Benchmark) -> str | None:
        return benchmark.gap.verdict if benchmark.gap else None

    @staticmethod
    def resolve_series_id(benchmark: Benchmark) -> int | None:
        return benchmark.series.pk if benchmark.series is not None else None


class ComparisonOut(Out):
    measure: MeasureOut
    benchmarks: list[BenchmarkOut]
    refused: list[BenchmarkOut]

    @staticmethod
    def resolve_benchmarks(row: ComparisonRow) -> list[Benchmark]:
        return row.benchmarks()


@router.get(
    "/benchmarks/series",
    response=list[SeriesOut],
    auth=public_auth,
    summary="List benchmark series",
    openapi_extra=PUBLIC,
)
def series_list(request: HttpRequest) -> QuerySet[Series]:
    """The published library; a signed-in member also sees their agencies' own series."""
    return series_for_viewer(user=viewer(request))


@router.get(
    "/benchmarks/series/{series_id}",
    response=SeriesOut,
    auth=public_auth,
    summary="Read a benchmark series",
    openapi_extra=PUBLIC,
)
def series_read(request: HttpRequest, series_id: int) -> Series:
    """One series: published, or of an agency where the caller holds a role; else 404."""
    user = viewer(request)
    series = (
        access_series(user=user, agency_slug=None, series_id=series_id)
        if user is not None
        else series_public(series_id=series_id)
    )
    return series


@router.get(
    "/benchmarks/series/{series_id}/observations",
    response=list[ObservationOut],
    auth=public_auth,
    summary="List the observations of a benchmark series",
    openapi_extra=PUBLIC,
)
def series_observations(request: HttpRequest, series_id: int) -> QuerySet[Observation]:
    """The values of one series by period, each with its source URL and `derived` flag."""
    user = viewer(request)
    series = (
        access_series(user=user, agency_slug=None, series_id=series_id)
        if user is not None
        else series_public(series_id=series_id)
    )
    return observations_for_series(series=series)


@router.get(
    "/benchmarks/services/{service_id}/comparisons",
    response=list[ComparisonOut],
    summary="Compare a service's own measures with benchmarks",
)
def comparisons(
    request: HttpRequest, service_id: int, period: str | None = None
) -> list[ComparisonRow]:
    """Each own measure of the period (newest if omitted) beside its benchmarks, with gaps."""
    service = access_service(user=staff_user(request), agency_slug=None, service_id=service_id)
    return service_comparisons(service=service, period=period)
