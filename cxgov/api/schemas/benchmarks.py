"""Shapes of the benchmark series, observations and comparisons."""

from __future__ import annotations

from pydantic import Field

from cxgov.api.common import Out
from cxgov.benchmarks.comparisons import Benchmark, ComparisonRow
from cxgov.benchmarks.models import Series
from cxgov.insights.acsi import ComparableMeasure


class SeriesOut(Out):
    id: int
    source: str = Field(validation_alias="source.name")
    source_kind: str = Field(validation_alias="source.kind")
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
