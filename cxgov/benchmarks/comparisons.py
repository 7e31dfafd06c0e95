"""Comparisons for a service and period: each own measure beside its benchmarks.

For every own measure of the period: the best comparable private-sector value, the federal
average, the agency's own prior period and the benchmarks the agency chose as best in
business. A benchmark is taken from its latest observation in or before the measure's year.
"Best private sector" is the most recent comparable private-sector figure (the highest of that
year); a benchmark more than `STALE_YEARS` years older than the own measure carries its age,
which the pages say beside it. Anything of the same metric that may not be compared is listed
with the reason.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy

from cxgov.benchmarks.measures import observation_measure, own_measures, own_measures_by_service
from cxgov.benchmarks.models import Metric, Observation, Scale, Series
from cxgov.benchmarks.selectors import selections_for_service, series_with_observations
from cxgov.core.models import Agency
from cxgov.insights.acsi import Comparability, ComparableMeasure, Gap, measure_gap, wording_key
from cxgov.registry.models import Service

_YEAR = re.compile(r"^(\d{4})")
# A benchmark older than this, in years before the own measure, is shown with its age.
STALE_YEARS = 10

# A gap's verdict (`insights.acsi.Gap.verdict`) as pages and reports say it.
VERDICT_LABELS = {
    "higher": gettext_lazy("Higher (significant at 95%)"),
    "lower": gettext_lazy("Lower (significant at 95%)"),
    "no significant difference": gettext_lazy("No significant difference"),
    "unknown": gettext_lazy("Not known: a standard error is missing"),
}

# A benchmark's role (`Benchmark.role`) as pages and reports say it.
ROLE_LABELS = {
    "private": gettext_lazy("Best private sector"),
    "federal": gettext_lazy("Federal average"),
    "prior": gettext_lazy("Own prior period"),
    "selected": gettext_lazy("Chosen best in business"),
}

# The headings of a comparison table after the own measure's name: the own figure, then the
# benchmark beside it and the gap.
COMPARISON_COLUMNS = (
    gettext_lazy("Period"),
    gettext_lazy("Value"),
    gettext_lazy("n"),
    gettext_lazy("Compared with"),
    gettext_lazy("Benchmark"),
    gettext_lazy("Benchmark value"),
    gettext_lazy("Gap"),
    gettext_lazy("95% interval of the gap"),
    gettext_lazy("Verdict"),
)


def period_year(period: str) -> int | None:
    """The year a period starts with ("2024-Q1" → 2024), or None."""
    match = _YEAR.match(period.strip())
    return int(match.group(1)) if match else None


@dataclass(frozen=True)
class Benchmark:
    """One benchmark figure set beside an own measure, or refused with the reason."""

    role: str  # "private", "federal", "prior", "selected"
    measure: ComparableMeasure
    check: Comparability
    gap: Gap | None
    observation: Observation | None = None
    years_older: int = 0  # years between the benchmark's figure and the own measure's

    @property
    def label(self) -> str:
        return self.measure.label

    @property
    def reason(self) -> str:
        """Why the figures cannot be compared; empty where they can."""
        return self.check.reason

    @property
    def series(self) -> Series | None:
        """The library series of the figure; None for the own prior period."""
        return self.observation.series if self.observation is not None else None

    @property
    def stale(self) -> bool:
        """More than `STALE_YEARS` years older than the measure it is set beside."""
        return self.years_older > STALE_YEARS


@dataclass
class ComparisonRow:
    """An own measure and what it is compared with."""

    measure: ComparableMeasure
    best_private: Benchmark | None = None
    federal_average: Benchmark | None = None
    prior: Benchmark | None = None
    selected: list[Benchmark] = field(default_factory=list)
    refused: list[Benchmark] = field(default_factory=list)

    def benchmarks(self) -> list[Benchmark]:
        """Every comparable benchmark of the row, in the order the pages show them."""
        found = [self.best_private, self.federal_average, self.prior, *self.selected]
        return [benchmark for benchmark in found if benchmark is not None]


def series_measure(series: Series, observation: Observation) -> ComparableMeasure:
    """A benchmark observation in the shape comparisons take."""
    return observation_measure(
        series,
        observation,
        label=str(series),
        source=observation.source_url or series.url,
        approximate=observation.derived,
    )


def _latest_by(series: Series, year: int | None) -> Observation | None:
    observations = list(series.observations.all())
    if year is not None:
        observations = [o for o in observations if o.year <= year]
    return observations[-1] if observations else None


def _benchmark(
    role: str, own: ComparableMeasure, series: Series, observation: Observation
) -> Benchmark:
    other = series_measure(series, observation)
    check, difference = measure_gap(own, other)
    year = period_year(own.period)
    return Benchmark(
        role=role,
        measure=other,
        check=check,
        gap=difference,
        observation=observation,
        years_older=max(0, year - observation.year) if year is not None else 0,
    )


def _more_recent_or_higher(benchmark: Benchmark, best: Benchmark | None) -> bool:
    """Best in business is the most recent comparable figure, the highest of its year."""
    if best is None or best.observation is None or best.gap is None:
        return True
    if benchmark.observation is None or benchmark.gap is None:
        return False
    if benchmark.observation.year != best.observation.year:
        return benchmark.observation.year > best.observation.year
    return benchmark.gap.difference < best.gap.difference  # a lower gap: a higher value


def _measure_key(measure: ComparableMeasure) -> tuple[str, str, str]:
    return (measure.metric, measure.scale, wording_key(measure.wording))


def compare_measure(
    own: ComparableMeasure,
    *,
    history: Sequence[ComparableMeasure],
    library: Iterable[Series],
    selected: Iterable[Series] = (),
) -> ComparisonRow:
    """One own measure against the library, its own history and the chosen benchmarks."""
    row = ComparisonRow(measure=own)
    year = period_year(own.period)
    for series in library:
        if series.metric != own.metric or series.service_id is not None:
            continue
        observation = _latest_by(series, year)
        if observation is None:
            continue
        benchmark = _benchmark(series.sector, own, series, observation)
        if not benchmark.check.comparable:
            row.refused.append(benchmark)
            continue
        if benchmark.gap is None:
            continue
        if series.sector == "private":
            if _more_recent_or_higher(benchmark, row.best_private):
                row.best_private = benchmark
        elif series.sector == "federal" and series.is_aggregate:
            current = row.federal_average
            if current is None or (
                current.observation is not None and observation.year > current.observation.year
            ):
                row.federal_average = benchmark
    earlier = [m for m in history if _measure_key(m) == _measure_key(own) and m.period < own.period]
    if earlier:
        previous = earlier[-1]
        check, difference = measure_gap(own, previous)
        row.prior = Benchmark(role="prior", measure=previous, check=check, gap=difference)
    for series in selected:
        observation = _latest_by(series, year)
        if observation is None:
            continue
        benchmark = _benchmark("selected", own, series, observation)
        (row.selected if benchmark.check.comparable else row.refused).append(benchmark)
    return row


def services_periods(
    *,
    services: Iterable[Service],
    prepared: Mapping[int, Iterable[ComparableMeasure]] | None = None,
) -> dict[int, list[str]]:
    """The periods each service has own measures for, newest first, by service id: each
    measure provider asked once for all the services (the respondent-level ones read from
    `prepared` when given, see `own_measures_by_service`)."""
    found = own_measures_by_service(services=services, prepared=prepared)
    return {
        service_id: sorted({m.period for m in measures}, reverse=True)
        for service_id, measures in found.items()
    }


def service_periods(*, service: Service) -> list[str]:
    """The periods the service has own measures for, newest first."""
    return services_periods(services=[service])[service.pk]


def _comparable(rows: list[ComparisonRow]) -> bool:
    """Whether any row has a benchmark from the library (not only its own prior period)."""
    return any(row.best_private or row.federal_average or row.selected for row in rows)


@dataclass(frozen=True)
class ServiceComparison:
    """The comparison page of a service: its periods (newest first), the period shown and
    its rows."""

    periods: list[str]
    period: str | None
    rows: list[ComparisonRow]


def service_comparison(
    *,
    service: Service,
    period: str | None = None,
    prepared: Mapping[int, Iterable[ComparableMeasure]] | None = None,
) -> ServiceComparison:
    """The service's own measures beside their benchmarks in `period`, read once (the
    respondent-level ones from `prepared` when given, see `own_measures_by_service`).

    Without a period the service has, the page opens on the newest period with a comparable
    benchmark: a service whose newest measures have nothing comparable yet (a new survey's
    fiscal quarter, say) opens on the newest period that has; with none, on its newest period.
    Call an access_* selector for the service first.
    """
    measures = own_measures(service=service, prepared=prepared)
    periods = sorted({m.period for m in measures}, reverse=True)
    if not periods:
        return ServiceComparison(periods=[], period=None, rows=[])
    library = list(series_with_observations(agency=service.agency))
    selected = _selected(service, library)

    def rows_of(wanted: str) -> list[ComparisonRow]:
        return [
            compare_measure(m, history=measures, library=library, selected=selected)
            for m in measures
            if m.period == wanted
        ]

    if period in periods:
        return ServiceComparison(periods=periods, period=period, rows=rows_of(period))
    for candidate in periods:
        rows = rows_of(candidate)
        if _comparable(rows):
            return ServiceComparison(periods=periods, period=candidate, rows=rows)
    return ServiceComparison(periods=periods, period=periods[0], rows=rows_of(periods[0]))


def service_comparison_period(*, service: Service) -> str | None:
    """The period the comparison page opens on (see `service_comparison`)."""
    return service_comparison(service=service).period


def _selected(service: Service, library: list[Series]) -> list[Series]:
    selected_ids = {selection.series_id for selection in selections_for_service(service=service)}
    return [series for series in library if series.pk in selected_ids]


def service_comparisons(
    *,
    service: Service,
    period: str | None = None,
    prepared: Mapping[int, Iterable[ComparableMeasure]] | None = None,
) -> list[ComparisonRow]:
    """Each own measure of the service in `period` (the newest if None) beside its benchmarks
    (the respondent-level ones from `prepared` when given, see `own_measures_by_service`).

    Call an access_* selector for the service first: the library read includes its agency's
    own series.
    """
    measures = own_measures(service=service, prepared=prepared)
    if not measures:
        return []
    if period is None:
        period = max(m.period for m in measures)
    library = list(series_with_observations(agency=service.agency))
    selected = _selected(service, library)
    return [
        compare_measure(m, history=measures, library=library, selected=selected)
        for m in measures
        if m.period == period
    ]


@dataclass(frozen=True)
class RankedMeasure:
    """One service's latest value of a comparable measure, for the oversight ranking."""

    agency: Agency
    service: Service
    measure: ComparableMeasure


def oversight_ranking(
    *, services: Iterable[Service]
) -> list[tuple[tuple[str, str, str], list[RankedMeasure]]]:
    """Services grouped by comparable measure (metric, scale, wording), best value first.

    Only services that share metric, scale and wording are ranked together; each service
    counts with its latest period. Time to serve ranks shortest first.
    """
    services = list(services)
    measures = own_measures_by_service(services=services)
    groups: dict[tuple[str, str, str], dict[int, RankedMeasure]] = {}
    for service in services:
        for m in measures[service.pk]:
            group = groups.setdefault(_measure_key(m), {})
            current = group.get(service.pk)
            if current is None or m.period > current.measure.period:
                group[service.pk] = RankedMeasure(service.agency, service, m)
    ranked = []
    for key in sorted(groups):
        rows = list(groups[key].values())
        rows.sort(key=lambda r: r.measure.value, reverse=key[0] != "time_to_serve")
        ranked.append((key, rows))
    return ranked


def number_text(value: float | None, places: int = 1) -> str:
    """A figure as the benchmark pages write it ("" when there is none)."""
    return "" if value is None else f"{value:.{places}f}"


def measure_labels(metric: str, scale: str) -> tuple[str, str]:
    """The labels of a metric and a scale (their own codes when unknown)."""
    return str(Metric(metric).label) if metric in Metric.values else metric, (
        str(Scale(scale).label) if scale in Scale.values else scale
    )
