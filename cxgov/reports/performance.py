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
from typing import Any

from django.db.models import QuerySet, prefetch_related_objects
from django.utils import timezone

from cxgov.actions.models import ActionItem
from cxgov.actions.selectors import actions_done_public_by_service
from cxgov.complaints.selectors import complaint_service_spans
from cxgov.core.calendar import AgencyCalendar
from cxgov.core.models import Agency
from cxgov.core.selectors import agency_calendar, agency_calendars
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
from cxgov.standards.selectors import standards_latest, standards_posted
from cxgov.surveys.models import (
    AnswerQuarterRollup,
    AnswerRollup,
    Audience,
    Question,
    QuestionKind,
    Survey,
)
from cxgov.surveys.results.estimates import MEASURE_SCALES
from cxgov.surveys.results.queries import federal_quarter_rollups, rollup_sums
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


def _published_rollups(
    services: Iterable[Service], model: type[AnswerRollup] | type[AnswerQuarterRollup]
) -> QuerySet[Any]:
    """Rollups of customer surveys whose staff allowed their results to be published."""
    return model.objects.filter(
        service__in=list(services),
        survey__results_public=True,
        survey__audience=Audience.CUSTOMER,
    ).exclude(survey__template__in=EXCLUDED_TEMPLATES)


def _quarter_sums(
    services: Iterable[Service],
    first: FiscalQuarter,
    last: FiscalQuarter,
    group: tuple[str, ...],
    **lookups: Any,
) -> Iterable[dict[str, Any]]:
    """`rollup_sums` of the published rollups per federal fiscal quarter from `first` to
    `last` and the `group` columns (`federal_quarter_rollups`)."""
    services = list(services)
    rows = federal_quarter_rollups(
        _published_rollups(services, AnswerRollup).filter(**lookups),
        _published_rollups(services, AnswerQuarterRollup).filter(**lookups),
        first=first,
        last=last,
    )
    return rollup_sums(rows, *group, "quarter")


# (service id, question key, quarter) -> [positive, n, measures]
_Cells = dict[tuple[int, str, FiscalQuarter], tuple[int, int, tuple[Measure, ...]]]


def _survey_cells(
    services: Iterable[Service], first: FiscalQuarter, last: FiscalQuarter
) -> tuple[_Cells, dict[int, set[int]]]:
    """Positive answers and n per service, question key and quarter; each service's surveys
    counted."""
    rows = _quarter_sums(
        services,
        first,
        last,
        ("service_id", "survey_id", "question__key", "question__kind"),
        question__key__in=SURVEY_MEASURES,
        question__kind__in=list(MEASURE_SCALES),
    )
    counts: dict[tuple[int, str, FiscalQuarter, str], dict[int, int]] = defaultdict(dict)
    surveys: dict[int, set[int]] = defaultdict(set)
    for row in rows:
        if not row["value_key"].lstrip("-").isdigit():
            continue
        key = (row["service_id"], row["question__key"], row["quarter"], row["question__kind"])
        value = int(row["value_key"])
        counts[key][value] = counts[key].get(value, 0) + int(row["n"] or 0)
        surveys[row["service_id"]].add(row["survey_id"])
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


def _drivers(
    services: list[Service], quarters: dict[int, FiscalQuarter], min_n: int
) -> dict[int, list[DriverGroup]]:
    """Each service's driver groups in its latest quarter, read for all services at once."""
    rows = _quarter_sums(
        services,
        min(quarters.values()),
        max(quarters.values()),
        ("service_id", "survey_id", "question__key"),
        question__key__in=DRIVER_QUESTIONS,
        question__kind=QuestionKind.MULTIPLE,
    )
    counts: dict[int, dict[str, dict[str, int]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(int))
    )
    surveys: dict[int, set[int]] = defaultdict(set)
    for row in rows:
        if row["quarter"] != quarters[row["service_id"]]:
            continue
        counts[row["service_id"]][row["question__key"]][row["value_key"]] += int(row["n"] or 0)
        surveys[row["service_id"]].add(row["survey_id"])
    questions = list(
        Question.objects.filter(
            survey_id__in={pk for found in surveys.values() for pk in found},
            key__in=DRIVER_QUESTIONS,
        ).order_by("id")
    )
    return {
        service.pk: _driver_groups(
            counts.get(service.pk, {}),
            [q for q in questions if q.survey_id in surveys.get(service.pk, set())],
            min_n,
        )
        for service in services
    }


def _driver_groups(
    counts: dict[str, dict[str, int]], questions: list[Question], min_n: int
) -> list[DriverGroup]:
    if not counts:
        return []
    labels: dict[str, list[tuple[str, str]]] = {}
    for question in questions:
        if question.key in counts:
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


def _standard_rows(
    services: list[Service], todays: dict[int, date], min_n: int
) -> dict[int, list[StandardRow]]:
    """Each service's posted standards with their latest results, read for all services."""
    standards = list(standards_posted(services=services).select_related("service__agency"))
    latest = standards_latest(standards=standards, todays=todays)
    rows: dict[int, list[StandardRow]] = {service.pk: [] for service in services}
    by_id = {service.pk: service for service in services}
    for standard in standards:
        if standard.agency_id != by_id[standard.service_id].agency_id:
            continue  # posted by another agency: not on this agency's service page
        result = latest[standard.pk]
        figure = None
        if result is not None and result.share is not None and result.n:
            figure = _figure(
                SHARE_WITHIN_TARGET, SHARE_WITHIN_TARGET.estimate_share(result.met, result.n), min_n
            )
        rows[standard.service_id].append(
            StandardRow(standard=standard, result=result, figure=figure)
        )
    return rows


def _complaints(
    services: list[Service],
    quarters: dict[int, FiscalQuarter],
    calendars: dict[int, AgencyCalendar],
    min_n: int,
) -> dict[int, ComplaintFigures]:
    spans = complaint_service_spans(
        spans={
            service.pk: calendars[service.agency_id].span(
                quarters[service.pk].start, quarters[service.pk].end
            )
            for service in services
        }
    )
    return {
        pk: ComplaintFigures(
            received=span.received,
            on_time=_figure(
                SHARE_TIMELY,
                SHARE_TIMELY.estimate_share(span.answered_on_time, span.answered),
                min_n,
            ),
            median_days=_figure(
                MEDIAN_DAYS, MEDIAN_DAYS.estimate_median(span.days_to_respond), min_n
            ),
        )
        for pk, span in spans.items()
    }


def service_performance(*, service: Service, today: date | None = None) -> ServicePerformance:
    """Everything the public performance page of a published service shows, as of today on
    its agency's calendar unless `today` is given."""
    return services_performance(services=[service], today=today)[service.pk]


def services_performance(
    *, services: Iterable[Service], today: date | None = None
) -> dict[int, ServicePerformance]:
    """`service_performance` of many services by id, in a fixed number of queries however
    many services there are: each kind of figure is read once for all of them."""
    services = list(services)
    if not services:
        return {}
    prefetch_related_objects(services, "channels")
    calendars = agency_calendars(agencies={s.agency_id: s.agency for s in services}.values())
    todays = {s.pk: today or calendars[s.agency_id].today() for s in services}
    min_n = suppression_threshold()
    lasts = {pk: latest_quarter(day) for pk, day in todays.items()}
    firsts = {pk: _quarters(last, TREND_QUARTERS)[0] for pk, last in lasts.items()}
    cells, survey_ids = _survey_cells(services, min(firsts.values()), max(lasts.values()))
    drivers = _drivers(services, lasts, min_n)
    standards = _standard_rows(services, todays, min_n)
    complaints = _complaints(services, lasts, calendars, min_n)
    actions = actions_done_public_by_service(services=services)
    surveys = Survey.objects.filter(
        pk__in={pk for found in survey_ids.values() for pk in found}
    ).order_by("title")
    found = {}
    for service in services:
        insight = channel_insight(service=service)
        found[service.pk] = ServicePerformance(
            service=service,
            quarter=lasts[service.pk],
            threshold=min_n,
            trend=[
                SurveyQuarter(
                    quarter=quarter,
                    trust=_cell_figure(cells, (service.pk, "trust", quarter), min_n),
                    satisfaction=_cell_figure(cells, (service.pk, "satisfaction", quarter), min_n),
                )
                for quarter in _quarters(lasts[service.pk], TREND_QUARTERS)
            ],
            drivers=drivers[service.pk],
            standards=standards[service.pk],
            complaints=complaints[service.pk],
            channels=insight if insight.total_volume else None,
            actions=actions[service.pk],
            surveys=[s for s in surveys if s.pk in survey_ids.get(service.pk, set())],
        )
    return found


def service_headlines(
    *, services: Iterable[Service], today: date | None = None
) -> dict[int, ServiceHeadline]:
    """Trust, standards met and complaints answered on time in the latest quarter, per service:
    the quarter that has ended by today on each service's agency's calendar, unless `today`
    is given."""
    services = list(services)
    if not services:
        return {}
    calendars = agency_calendars(agencies={s.agency_id: s.agency for s in services}.values())
    todays = {s.pk: today or calendars[s.agency_id].today() for s in services}
    min_n = suppression_threshold()
    lasts = {pk: latest_quarter(day) for pk, day in todays.items()}
    cells, _surveys = _survey_cells(services, min(lasts.values()), max(lasts.values()))
    standards = _standard_rows(services, todays, min_n)
    complaints = _complaints(services, lasts, calendars, min_n)
    headlines = {}
    for service in services:
        last = lasts[service.pk]
        rows = standards[service.pk]
        headlines[service.pk] = ServiceHeadline(
            service=service,
            quarter=last,
            trust=_cell_figure(cells, (service.pk, "trust", last), min_n),
            standards_met=sum(1 for row in rows if row.status == "met"),
            standards_judged=sum(1 for row in rows if row.status in ("met", "not_met")),
            on_time=complaints[service.pk].on_time,
        )
    return headlines
