"""Survey answers as results elsewhere: satisfaction standards and benchmarkable own measures.

- A service standard whose source is "survey" ("85% of customers are satisfied") counts, per
  reporting period, the customers of the service who answered the overall question positively.
- Benchmark comparisons get the service's A-11 percent agree and point scale per driver, and its
  ACSI-style index, per fiscal year.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING

from django.db.models import QuerySet, Sum

from cxgov.benchmarks.importers import ACSI_WORDING
from cxgov.benchmarks.models import Metric, Scale
from cxgov.core.calendar import AgencyCalendar
from cxgov.core.models import Agency
from cxgov.core.selectors import agency_calendar, agency_calendars
from cxgov.insights.acsi import ComparableMeasure, acsi_index
from cxgov.insights.measures import AGREEMENT_1_5, POINT_SCALE, TOP_2_BOX, positive_measure
from cxgov.registry.models import Service
from cxgov.surveys.models import (
    CHOICE_KINDS,
    Answer,
    AnswerQuarterRollup,
    AnswerRollup,
    Audience,
    QuestionKind,
    ResponseStatus,
    RollupSource,
)
from cxgov.surveys.results.estimates import MEASURE_SCALES
from cxgov.surveys.results.queries import federal_quarter_rollups, rollup_sums

if TYPE_CHECKING:
    from cxgov.standards.models import Standard
    from cxgov.standards.results import PeriodCounts

# The overall question of a survey, by key, in order of preference.
OVERALL_KEYS = ("satisfaction", "acsi_satisfaction", "trust")
# A positive answer on each scale, as the measure registry defines it (the results pages
# count the same answers): 4-5, thumbs up or yes, and 8-10 on 0-10 and 1-10 ratings.
POSITIVE = {kind: positive_measure(scale).positive for kind, scale in MEASURE_SCALES.items()}
A11_DRIVERS = (
    "satisfaction",
    "trust",
    "effectiveness",
    "ease",
    "efficiency",
    "transparency",
    "employee",
)
ACSI_KEYS = ("acsi_satisfaction", "acsi_expectations", "acsi_ideal")


def _customer_answers_of(service_ids: Iterable[int]) -> QuerySet[Answer]:
    """The services' valid customer answers with a number."""
    return Answer.objects.filter(
        response__service__in=list(service_ids),
        response__status=ResponseStatus.VALID,
        response__deleted_at__isnull=True,
        survey__audience=Audience.CUSTOMER,
        value_int__isnull=False,
    )


def satisfaction_standard_counts(standard: Standard) -> list[PeriodCounts]:
    """Per reporting period: customers who answered the overall question, and positively.

    Each survey's overall question is the first of `OVERALL_KEYS` it has answers to. Read from
    the daily answer rollups (the survey's agency's local days, valid responses only), as the
    results pages are, so the counts trail intake by the fold (seconds) and never read an
    answer."""
    from cxgov.standards.results import PeriodCounts

    calendar = agency_calendar(agency=standard.service.agency)
    rows = (
        AnswerRollup.objects.filter(
            service=standard.service,
            source=RollupSource.RESPONSES,
            survey__audience=Audience.CUSTOMER,
            question__key__in=OVERALL_KEYS,
        )
        .exclude(question__kind__in=CHOICE_KINDS)
        .exclude(value_key="")
        .values_list("survey_id", "question__key", "question__kind", "day", "value_key")
        .annotate(n=Sum("count"))
        .order_by()
    )
    # Choices and empty keys left out, every key is a scale answer as a number (`value_key`).
    counted = [row for row in rows if row[5]]
    chosen: dict[int, str] = {}
    for survey_id, key, *_rest in counted:
        current = chosen.get(survey_id)
        if current is None or OVERALL_KEYS.index(key) < OVERALL_KEYS.index(current):
            chosen[survey_id] = key
    periods: dict[date, PeriodCounts] = {}
    for survey_id, key, kind, day, value, n in counted:
        if chosen[survey_id] != key:
            continue
        first, last, label = calendar.period_bounds(standard.period, day)
        counts = periods.setdefault(
            first, PeriodCounts(start=first, end=last, label=label, n=0, met=0)
        )
        counts.n = (counts.n or 0) + n
        if kind in POSITIVE and int(value) in POSITIVE[kind]:
            counts.met = (counts.met or 0) + n
    return [periods[start] for start in sorted(periods)]


def _fiscal_year(calendar: AgencyCalendar, day: date) -> str:
    return f"FY{calendar.fiscal_year(day)}"


def _calendars(services: Sequence[Service]) -> dict[int, AgencyCalendar]:
    """Each service's agency calendar by service id, the agencies and closures read at once."""
    agencies = Agency.objects.filter(pk__in={service.agency_id for service in services})
    calendars = agency_calendars(agencies=agencies)
    return {service.pk: calendars[service.agency_id] for service in services}


def a11_measures(services: Sequence[Service]) -> dict[int, list[ComparableMeasure]]:
    """A-11 percent agree and point scale of each driver question, per federal fiscal year
    (performance.gov's), the days counted in each agency's time zone, by service id.

    Read from the answer rollups (the agency's local days, valid responses only), once for
    all the services: whole quarters from the quarterly level where the agency counts the
    federal quarters, else its days (`federal_quarter_rollups`)."""
    counts: dict[int, dict[tuple[str, str, str], dict[int, int]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(int))
    )
    lookups = {
        "service__in": [service.pk for service in services],
        "source": RollupSource.RESPONSES,
        "survey__audience": Audience.CUSTOMER,
        "question__kind": QuestionKind.LIKERT,
        "question__key__in": A11_DRIVERS,
    }
    rows = federal_quarter_rollups(
        AnswerRollup.objects.filter(**lookups).exclude(value_key=""),
        AnswerQuarterRollup.objects.filter(**lookups).exclude(value_key=""),
    )
    for row in rollup_sums(rows, "service_id", "question__key", "question__text", "quarter"):
        year = f"FY{row['quarter'].year}"
        counts[row["service_id"]][(row["question__key"], row["question__text"], year)][
            int(row["value_key"])
        ] += int(row["n"])
    return {service.pk: list(_a11_estimates(counts[service.pk])) for service in services}


def _a11_estimates(
    counts: Mapping[tuple[str, str, str], Mapping[int, int]],
) -> Iterator[ComparableMeasure]:
    """One service's percent agree and point scale per driver question and year."""
    # Percent agree (a share, written as a percent) and the point scale (a mean on 1-5).
    kinds = (
        (TOP_2_BOX, Metric.PERCENT_AGREE, Scale.PERCENT, 100.0, "percent agree"),
        (POINT_SCALE, Metric.A11_POINTS, Scale.MEAN_1_5, 1.0, "point scale"),
    )
    for (key, text, year), by_value in sorted(counts.items()):
        for measure, metric, scale, factor, name in kinds:
            estimate = measure.estimate(by_value, AGREEMENT_1_5)
            if estimate.value is not None:
                yield ComparableMeasure(
                    metric=metric,
                    scale=scale,
                    wording=text,
                    period=year,
                    value=factor * estimate.value,
                    label=f"A-11 {key}: {name}",
                    n=estimate.n,
                    # None for a share: comparisons derive it from n and the value.
                    standard_error=estimate.standard_error,
                    source="surveys",
                )


def acsi_measures(services: Sequence[Service]) -> dict[int, list[ComparableMeasure]]:
    """The ACSI-style index from surveys carrying the three ACSI items, per fiscal year of
    each agency's calendar, by service id: the answers read once for all the services."""
    calendars = _calendars(services)
    rows = (
        _customer_answers_of(calendars)
        .filter(question__key__in=ACSI_KEYS)
        .values_list(
            "response__service_id",
            "response_id",
            "response__submitted_at",
            "question__key",
            "value_int",
        )
    )
    by_response: dict[int, dict[int, tuple[date, dict[str, int | None]]]] = defaultdict(dict)
    for service_id, response_id, submitted_at, key, value in rows:
        entry = by_response[service_id].setdefault(
            response_id, (calendars[service_id].local_date(submitted_at), {})
        )
        entry[1][key] = value
    found: dict[int, list[ComparableMeasure]] = {}
    for service in services:
        by_year: dict[str, list[list[float | None]]] = defaultdict(list)
        for day, given in by_response[service.pk].values():
            by_year[_fiscal_year(calendars[service.pk], day)].append(
                [given.get(key) for key in ACSI_KEYS]
            )
        found[service.pk] = list(_acsi_indexes(by_year))
    return found


def _acsi_indexes(by_year: Mapping[str, list[list[float | None]]]) -> Iterator[ComparableMeasure]:
    """One service's ACSI-style index per year with enough answers."""
    for year, answers in sorted(by_year.items()):
        result = acsi_index(answers)
        if result.value is None:
            continue
        yield ComparableMeasure(
            metric=Metric.ACSI_INDEX,
            scale=Scale.INDEX_0_100,
            wording=ACSI_WORDING,
            period=year,
            value=result.value,
            label="ACSI-style index",
            n=result.n,
            standard_error=result.standard_error,
            source="surveys",
        )
