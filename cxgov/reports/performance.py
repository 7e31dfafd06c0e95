"""One service's public performance: the figures its public page and its agency's page show.

Read from summaries only, never from answers, responses or events: survey figures from the
`AnswerRollup` rows of surveys whose staff set `Survey.results_public`; standards from their
daily rollups or reported results (`standards.selectors.standard_latest`); complaints from
each complaint's dates and on-time flag; channel take-up from the channels' yearly volumes.
Every survey, standard and complaint figure is a measure of `cxgov.insights.measures` with
its n and 95% interval, and one from fewer than `SURVEY_SUPPRESSION_THRESHOLD` answers or
cases is suppressed: only its n is given.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone

from cxgov.actions.models import ActionItem
from cxgov.actions.selectors import actions_done_public
from cxgov.complaints.selectors import complaint_service_span
from cxgov.core.models import Agency
from cxgov.core.selectors import agency_calendar
from cxgov.insights.estimates import Estimate, suppress
from cxgov.insights.fiscal import FiscalQuarter, fiscal_quarter
from cxgov.insights.measures import (
    CHOSEN_OR_NOT,
    MEDIAN_DAYS,
    SHARE_CHOOSING,
    SHARE_TIMELY,
    SHARE_WITHIN_TARGET,
    TOP_2_BOX,
    Measure,
    positive_measure,
)
from cxgov.registry.models import Service
from cxgov.registry.selectors import ChannelInsight, channel_insight
from cxgov.standards.models import Standard
from cxgov.standards.results import PeriodResult
from cxgov.standards.selectors import standard_latest, standards_posted
from cxgov.surveys.models import AnswerRollup, Audience, Question, QuestionKind, Survey
from cxgov.surveys.results.estimates import MEASURE_SCALES
from cxgov.surveys.results.queries import rollup_sums
from cxgov.surveys.selectors import suppression_threshold

# Survey questions the page reads, by key: the A-11 trust and satisfaction questions.
SURVEY_MEASURES = ("trust", "satisfaction")
# The A-11 v2 choose-any questions asked after trust: what went well, what did not.
DRIVER_QUESTIONS = ("went_well", "went_poorly")
TREND_QUARTERS = 8
# Surveys about something other than the service itself (complaint handling) are left out.
EXCLUDED_TEMPLATES = ("post_resolution",)


@dataclass(frozen=True)
class Figure:
    """A published figure: its measure and estimate, suppressed below the threshold."""

    measure: Measure
    estimate: Estimate

    @property
    def n(self) -> int:
        return self.estimate.n

    @property
    def shown(self) -> bool:
        return self.estimate.value is not None and not self.estimate.suppressed

    @property
    def suppressed(self) -> bool:
        return self.estimate.suppressed and self.estimate.n > 0

    def _published(self, value: float | None) -> Decimal | None:
        return self.measure.publish(value) if self.shown else None

    @property
    def value(self) -> Decimal | None:
        return self._published(self.estimate.value)

    @property
    def low(self) -> Decimal | None:
        return self._published(self.estimate.low)

    @property
    def high(self) -> Decimal | None:
        return self._published(self.estimate.high)


def _figure(measure: Measure, estimate: Estimate, min_n: int) -> Figure:
    return Figure(measure=measure, estimate=suppress(estimate, min_n=min_n))


@dataclass(frozen=True)
class SurveyQuarter:
    quarter: FiscalQuarter
    trust: Figure
    satisfaction: Figure


@dataclass(frozen=True)
class DriverRow:
    label: str
    figure: Figure
    key: str = ""  # the option's value, as the survey stores it


@dataclass(frozen=True)
class DriverGroup:
    """One A-11 v2 choose-any question: respondents who answered it, and each option's share."""

    key: str
    n: int
    rows: list[DriverRow]


@dataclass(frozen=True)
class StandardRow:
    standard: Standard
    result: PeriodResult | None
    figure: Figure | None

    @property
    def status(self) -> str:
        """A key of `standards.results.STATUS_LABELS`: met, not_met, unclear, too_few, no_data."""
        return self.result.status if self.result is not None else "no_data"


@dataclass(frozen=True)
class ComplaintFigures:
    received: int
    on_time: Figure
    median_days: Figure


@dataclass
class ServicePerformance:
    service: Service
    quarter: FiscalQuarter
    threshold: int
    trend: list[SurveyQuarter]
    drivers: list[DriverGroup]
    standards: list[StandardRow]
    complaints: ComplaintFigures
    channels: ChannelInsight | None
    actions: list[ActionItem]
    surveys: list[Survey] = field(default_factory=list)

    @property
    def latest(self) -> SurveyQuarter:
        return self.trend[-1]

    @property
    def standards_met(self) -> int:
        return sum(1 for row in self.standards if row.status == "met")

    @property
    def standards_judged(self) -> int:
        return sum(1 for row in self.standards if row.status in ("met", "not_met"))


@dataclass(frozen=True)
class ServiceHeadline:
    """The three figures the agency page shows beside each service."""

    service: Service
    quarter: FiscalQuarter
    trust: Figure
    standards_met: int
    standards_judged: int
    on_time: Figure


def latest_quarter(today: date | None = None, *, agency: Agency | None = None) -> FiscalQuarter:
    """The latest federal fiscal quarter that has ended: the one the pages headline. Without
    `today` it is the agency's today (its time zone, `core.selectors.agency_calendar`); only a
    page that names no agency falls back on the server's date."""
    if today is None:
        today = agency_calendar(agency=agency).today() if agency else timezone.localdate()
    return fiscal_quarter(today).previous()


def _agency_today(service: Service, found: dict[int, date]) -> date:
    """Today on the calendar of the service's agency, once per agency."""
    if service.agency_id not in found:
        found[service.agency_id] = agency_calendar(agency=service.agency).today()
    return found[service.agency_id]


def _published_rollups(services: Iterable[Service]) -> QuerySet[AnswerRollup]:
    """Rollups of customer surveys whose staff allowed their results to be published."""
    return AnswerRollup.objects.filter(
        service__in=list(services),
        survey__results_public=True,
        survey__audience=Audience.CUSTOMER,
    ).exclude(survey__template__in=EXCLUDED_TEMPLATES)


# (service id, question key, quarter) -> [positive, n, measures]
_Cells = dict[tuple[int, str, FiscalQuarter], tuple[int, int, tuple[Measure, ...]]]


def _survey_cells(
    services: Iterable[Service], first: FiscalQuarter, last: FiscalQuarter
) -> tuple[_Cells, set[int]]:
    """Positive answers and n per service, question key and quarter; the surveys counted."""
    rows = rollup_sums(
        _published_rollups(services).filter(
            question__key__in=SURVEY_MEASURES,
            question__kind__in=list(MEASURE_SCALES),
            day__gte=first.start,
            day__lte=last.end,
        ),
        "service_id",
        "survey_id",
        "question__key",
        "question__kind",
        "quarter",
    )
    counts: dict[tuple[int, str, FiscalQuarter, str], dict[int, int]] = defaultdict(dict)
    surveys: set[int] = set()
    for row in rows:
        if not row["value_key"].lstrip("-").isdigit():
            continue
        key = (row["service_id"], row["question__key"], row["quarter"], row["question__kind"])
        value = int(row["value_key"])
        counts[key][value] = counts[key].get(value, 0) + int(row["n"] or 0)
        surveys.add(row["survey_id"])
    cells: dict[tuple[int, str, FiscalQuarter], list] = {}
    for (service_id, question, quarter, kind), values in counts.items():
        scale = MEASURE_SCALES[kind]
        measure = positive_measure(scale)
        positive, n = measure.successes(values, scale)
        cell = cells.setdefault((service_id, question, quarter), [0, 0, ()])
        cell[0] += positive
        cell[1] += n
        if measure not in cell[2]:
            cell[2] = (*cell[2], measure)
    return {key: (c[0], c[1], c[2]) for key, c in cells.items()}, surveys


def _cell_figure(cells: _Cells, key: tuple[int, str, FiscalQuarter], min_n: int) -> Figure:
    positive, n, measures = cells.get(key, (0, 0, ()))
    # Every positive measure is a Wilson share; the first names it (trust on thumbs is
    # percent positive, on 1-5 top-2-box) and publishes it.
    measure = measures[0] if measures else TOP_2_BOX
    return _figure(measure, measure.estimate_share(positive, n), min_n)


def _quarters(last: FiscalQuarter, count: int) -> list[FiscalQuarter]:
    quarters = [last]
    while len(quarters) < count:
        quarters.insert(0, quarters[0].previous())
    return quarters


def _drivers(service: Service, quarter: FiscalQuarter, min_n: int) -> list[DriverGroup]:
    rollups = _published_rollups([service]).filter(
        question__key__in=DRIVER_QUESTIONS,
        question__kind=QuestionKind.MULTIPLE,
        day__gte=quarter.start,
        day__lte=quarter.end,
    )
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in rollup_sums(rollups, "question__key"):
        counts[row["question__key"]][row["value_key"]] += int(row["n"] or 0)
    if not counts:
        return []
    labels: dict[str, list[tuple[str, str]]] = {}
    questions = Question.objects.filter(
        survey__in=rollups.values("survey_id").distinct(), key__in=list(counts)
    ).order_by("id")
    for question in questions:
        labels.setdefault(question.key, question.display_options())
    groups = []
    for key in DRIVER_QUESTIONS:
        if key not in counts:
            continue
        # Choose-any: people who answered are counted once under the empty key.
        n = counts[key].get("", 0)
        rows = [
            DriverRow(
                label=label,
                figure=_figure(
                    SHARE_CHOOSING,
                    SHARE_CHOOSING.estimate(
                        {1: counts[key].get(value, 0), 0: n - counts[key].get(value, 0)},
                        CHOSEN_OR_NOT,
                    ),
                    min_n,
                ),
                key=value,
            )
            for value, label in labels.get(key, [])
        ]
        rows.sort(key=lambda row: -(row.figure.estimate.value or 0))
        groups.append(DriverGroup(key=key, n=n, rows=rows))
    return groups


def _standard_rows(service: Service, today: date, min_n: int) -> list[StandardRow]:
    rows = []
    for standard in standards_posted(agency=service.agency, service=service):
        result = standard_latest(standard=standard, today=today)
        figure = None
        if result is not None and result.share is not None and result.n:
            figure = _figure(
                SHARE_WITHIN_TARGET, SHARE_WITHIN_TARGET.estimate_share(result.met, result.n), min_n
            )
        rows.append(StandardRow(standard=standard, result=result, figure=figure))
    return rows


def _complaints(service: Service, quarter: FiscalQuarter, min_n: int) -> ComplaintFigures:
    span = complaint_service_span(service=service, start=quarter.start, end=quarter.end)
    return ComplaintFigures(
        received=span.received,
        on_time=_figure(
            SHARE_TIMELY, SHARE_TIMELY.estimate_share(span.answered_on_time, span.answered), min_n
        ),
        median_days=_figure(MEDIAN_DAYS, MEDIAN_DAYS.estimate_median(span.days_to_respond), min_n),
    )


def service_performance(*, service: Service, today: date | None = None) -> ServicePerformance:
    """Everything the public performance page of a published service shows, as of today on
    its agency's calendar unless `today` is given."""
    today = today or agency_calendar(agency=service.agency).today()
    min_n = suppression_threshold()
    last = latest_quarter(today)
    quarters = _quarters(last, TREND_QUARTERS)
    cells, survey_ids = _survey_cells([service], quarters[0], last)
    trend = [
        SurveyQuarter(
            quarter=quarter,
            trust=_cell_figure(cells, (service.pk, "trust", quarter), min_n),
            satisfaction=_cell_figure(cells, (service.pk, "satisfaction", quarter), min_n),
        )
        for quarter in quarters
    ]
    insight = channel_insight(service=service)
    return ServicePerformance(
        service=service,
        quarter=last,
        threshold=min_n,
        trend=trend,
        drivers=_drivers(service, last, min_n),
        standards=_standard_rows(service, today, min_n),
        complaints=_complaints(service, last, min_n),
        channels=insight if insight.total_volume else None,
        actions=actions_done_public(service=service),
        surveys=list(Survey.objects.filter(pk__in=survey_ids).order_by("title")),
    )


def service_headlines(
    *, services: Iterable[Service], today: date | None = None
) -> dict[int, ServiceHeadline]:
    """Trust, standards met and complaints answered on time in the latest quarter, per service:
    the quarter that has ended by today on each service's agency's calendar, unless `today`
    is given."""
    services = list(services)
    found: dict[int, date] = {}
    todays = {service.pk: today or _agency_today(service, found) for service in services}
    if not services:
        return {}
    min_n = suppression_threshold()
    lasts = {pk: latest_quarter(day) for pk, day in todays.items()}
    cells, _surveys = _survey_cells(services, min(lasts.values()), max(lasts.values()))
    headlines = {}
    for service in services:
        last = lasts[service.pk]
        standards = _standard_rows(service, todays[service.pk], min_n)
        complaints = _complaints(service, last, min_n)
        headlines[service.pk] = ServiceHeadline(
            service=service,
            quarter=last,
            trust=_cell_figure(cells, (service.pk, "trust", last), min_n),
            standards_met=sum(1 for row in standards if row.status == "met"),
            standards_judged=sum(1 for row in standards if row.status in ("met", "not_met")),
            on_time=complaints.on_time,
        )
    return headlines
