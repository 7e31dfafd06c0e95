"""The management scorecard: one page per agency and fiscal quarter, one row per service.

Per service: customer satisfaction and trust (percent positive, 95% Wilson interval, n, and a
marker only when the change from the previous quarter survives Benjamini-Hochberg over all the
scorecard's markers and is at least the agency's minimum change), posted standards met in
the quarter (each with its attainment interval), complaint timeliness (share closed within the
final-response SLA) and open and overdue actions. Cells with fewer answers than the
suppression threshold show no figure.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Sum

from cxgov.actions.selectors import ActionCounts, open_actions_by_service
from cxgov.complaints.selectors import complaint_timeliness_by_day
from cxgov.core.models import Agency
from cxgov.core.selectors import agency_calendar
from cxgov.insights.estimates import (
    Change,
    Estimate,
    change_shown,
    significant_changes,
    wilson_shown,
)
from cxgov.insights.fiscal import FiscalQuarter
from cxgov.insights.measures import minimum_effect
from cxgov.registry.models import Service, ServiceStatus
from cxgov.standards.models import ResultSource, Standard, StandardStatus
from cxgov.standards.results import PeriodCounts, PeriodResult, results_from_counts
from cxgov.standards.selectors import results_between, standard_results
from cxgov.surveys.models import AnswerRollup, Audience
from cxgov.surveys.results import POSITIVE_VALUES
from cxgov.surveys.selectors import suppression_threshold

# Survey questions the scorecard reads, by key.
MEASURES = ("satisfaction", "trust")
# Surveys about something other than the service itself (complaint handling) are left out.
EXCLUDED_TEMPLATES = ("post_resolution",)


@dataclass(frozen=True)
class Rate:
    """A share for the quarter, with the previous quarter's and a significant-change marker."""

    estimate: Estimate
    previous: Estimate
    change: str = ""  # "up" or "down", only when flagged over the whole scorecard

    @property
    def shown(self) -> bool:
        return self.estimate.value is not None and not self.estimate.suppressed

    @property
    def percents(self) -> tuple[int, int, int] | None:
        """Value, low and high as whole percents, for display."""
        return _percents(self.estimate.value, self.estimate.low, self.estimate.high)


@dataclass(frozen=True)
class StandardLine:
    standard: Standard
    result: PeriodResult | None

    @property
    def percents(self) -> tuple[int, int, int] | None:
        if self.result is None:
            return None
        return _percents(self.result.share, self.result.ci_low, self.result.ci_high)


def _percents(
    value: float | None, low: float | None, high: float | None
) -> tuple[int, int, int] | None:
    if value is None or low is None or high is None:
        return None
    return round(100 * value), round(100 * low), round(100 * high)


@dataclass
class ServiceRow:
    service: Service
    satisfaction: Rate
    trust: Rate
    complaints: Rate
    standards: list[StandardLine] = field(default_factory=list)
    actions: ActionCounts = field(default_factory=ActionCounts)

    @property
    def standards_met(self) -> int:
        return sum(1 for line in self.standards if line.result and line.result.status == "met")

    @property
    def standards_judged(self) -> int:
        return sum(
            1 for line in self.standards if line.result and line.result.status in ("met", "not_met")
        )


@dataclass
class Scorecard:
    agency: Agency
    quarter: FiscalQuarter
    threshold: int
    rows: list[ServiceRow]
    agency_actions: ActionCounts
    generated: date

    @property
    def standards_posted(self) -> int:
        return sum(len(row.standards) for row in self.rows)


def default_quarter(*, agency: Agency, today: date | None = None) -> FiscalQuarter:
    """The latest quarter of the agency's fiscal year that has ended."""
    calendar = agency_calendar(agency=agency)
    return calendar.fiscal_quarter(today or calendar.today()).previous()


def _rate(
    now: tuple[int, int], before: tuple[int, int], min_n: int, *, tested: Change | None, flag: bool
) -> Rate:
    """A Rate from (positive, n) now and before; suppressed cells never get a marker."""
    change = ""
    if tested is not None and flag:
        change = "up" if tested.difference > 0 else "down"
    return Rate(
        estimate=wilson_shown(*now, min_n=min_n),
        previous=wilson_shown(*before, min_n=min_n),
        change=change,
    )


def survey_counts(
    *, agency: Agency, quarter: FiscalQuarter
) -> dict[tuple[int | None, str], tuple[int, int]]:
    """(positive, n) per (service id, measure) for the agency's customer surveys in the quarter.

    Read from the survey rollups (agency-local days, imported figures included); "positive"
    is `surveys.results.POSITIVE_VALUES`, the one definition the results pages use.
    """
    rows = (
        AnswerRollup.objects.filter(
            survey__agency=agency,
            survey__audience=Audience.CUSTOMER,
            question__key__in=MEASURES,
            question__kind__in=list(POSITIVE_VALUES),
            day__gte=quarter.start,
            day__lte=quarter.end,
        )
        .exclude(survey__template__in=EXCLUDED_TEMPLATES)
        .values_list("service_id", "question__key", "question__kind", "value_key")
        .annotate(answers=Sum("count"))
        .order_by()
    )
    totals: dict[tuple[int | None, str], list[int]] = defaultdict(lambda: [0, 0])
    for service_id, key, kind, value, count in rows:
        cell = totals[(service_id, key)]
        cell[1] += int(count or 0)
        if value in POSITIVE_VALUES[kind]:
            cell[0] += int(count or 0)
    return {key: (cell[0], cell[1]) for key, cell in totals.items()}


def complaint_counts(*, service: Service, quarter: FiscalQuarter) -> tuple[int, int]:
    """(closed within the final-response SLA, closed) for the service in the quarter."""
    days = complaint_timeliness_by_day(service=service, start=quarter.start, end=quarter.end)
    return sum(day.closed_timely for day in days), sum(day.closed for day in days)


def standard_quarter(
    *, standard: Standard, quarter: FiscalQuarter, today: date
) -> PeriodResult | None:
    """The standard's result over the quarter: events summed from daily rollups, reported
    results summed over the periods that fall inside the quarter."""
    if standard.source == ResultSource.EVENTS:
        counts = results_between(standard=standard, first=quarter.start, last=quarter.end)
        counts.label = str(quarter)
    else:
        inside = [
            result
            for result in standard_results(standard=standard, today=today)
            if result.start >= quarter.start and result.end <= quarter.end
        ]
        if not inside:
            return None
        known = [r for r in inside if r.share is not None]
        counts = PeriodCounts(
            start=quarter.start,
            end=quarter.end,
            label=str(quarter),
            n=sum(r.n for r in known) if known else None,
            met=sum(r.met for r in known) if known else None,
            reported_target_met=(
                inside[0].status == "met"
                if len(inside) == 1 and inside[0].status in ("met", "not_met")
                else None
            ),
        )
    if not counts.n:
        return None
    return results_from_counts(
        [counts], target=float(standard.target), threshold=standard.threshold, today=today
    )[0]


def scorecard_build(
    *, agency: Agency, quarter: FiscalQuarter, today: date | None = None
) -> Scorecard:
    """The agency's scorecard for the quarter (call access_agency first)."""
    today = today or agency_calendar(agency=agency).today()
    threshold = suppression_threshold()
    now = survey_counts(agency=agency, quarter=quarter)
    before = survey_counts(agency=agency, quarter=quarter.previous())
    actions = open_actions_by_service(agency=agency, today=today)
    standards: dict[int, list[Standard]] = defaultdict(list)
    for standard in Standard.objects.filter(agency=agency, status=StandardStatus.POSTED).order_by(
        "id"
    ):
        standards[standard.service_id].append(standard)
    services = list(
        Service.objects.filter(agency=agency)
        .exclude(status=ServiceStatus.ARCHIVED)
        .order_by("name")
    )
    counts: dict[tuple[int, str], tuple[tuple[int, int], tuple[int, int]]] = {}
    for service in services:
        for measure in ("satisfaction", "trust"):
            key = (service.pk, measure)
            counts[key] = (now.get(key, (0, 0)), before.get(key, (0, 0)))
        counts[(service.pk, "complaints")] = (
            complaint_counts(service=service, quarter=quarter),
            complaint_counts(service=service, quarter=quarter.previous()),
        )
    # Every marker on the scorecard is one family: Benjamini-Hochberg over all of them, and
    # only changes of at least the agency's minimum.
    # The change from the quarter before, when both quarters are shown.
    tested = {key: change_shown(pair[1], pair[0], min_n=threshold) for key, pair in counts.items()}
    flags = dict(
        zip(
            tested,
            significant_changes(
                list(tested.values()),
                minimum_effect=minimum_effect(
                    float(agency.minimum_change_points), scale=None, share=True
                ),
            ),
            strict=True,
        )
    )

    def rate(service: Service, measure: str) -> Rate:
        key = (service.pk, measure)
        return _rate(*counts[key], threshold, tested=tested[key], flag=flags[key])

    rows = [
        ServiceRow(
            service=service,
            satisfaction=rate(service, "satisfaction"),
            trust=rate(service, "trust"),
            complaints=rate(service, "complaints"),
            standards=[
                StandardLine(
                    standard=standard,
                    result=standard_quarter(standard=standard, quarter=quarter, today=today),
                )
                for standard in standards.get(service.pk, [])
            ],
            actions=actions.get(service.pk, ActionCounts()),
        )
        for service in services
    ]
    return Scorecard(
        agency=agency,
        quarter=quarter,
        threshold=threshold,
        rows=rows,
        agency_actions=actions.get(None, ActionCounts()),
        generated=today,
    )


CSV_COLUMNS = (
    "fiscal_quarter",
    "service",
    "measure",
    "value",
    "ci_low",
    "ci_high",
    "n",
    "suppressed",
    "change_vs_previous_quarter",
)


def _cells(estimate: Estimate) -> list[object]:
    if estimate.value is None:
        return ["", "", "", estimate.n, "yes" if estimate.suppressed else "no"]
    return [
        round(estimate.value, 4),
        round(estimate.low or 0, 4),
        round(estimate.high or 0, 4),
        estimate.n,
        "no",
    ]


def scorecard_rows(*, card: Scorecard) -> Iterator[list[object]]:
    """The scorecard in long format under `CSV_COLUMNS`: one row per service and measure."""
    label = str(card.quarter)
    for row in card.rows:
        slug = row.service.slug
        for measure, rate in (
            ("satisfaction_positive", row.satisfaction),
            ("trust_positive", row.trust),
            ("complaints_closed_within_sla", row.complaints),
        ):
            yield [label, slug, measure, *_cells(rate.estimate), rate.change]
        for line in row.standards:
            result = line.result
            estimate = (
                Estimate(value=result.share, low=result.ci_low, high=result.ci_high, n=result.n)
                if result is not None and result.share is not None
                else Estimate.empty()
            )
            yield [label, slug, f"standard_{line.standard.pk}_met", *_cells(estimate), ""]
        yield [
            label,
            slug,
            "standards_met",
            row.standards_met,
            "",
            "",
            len(row.standards),
            "no",
            "",
        ]
        yield [label, slug, "actions_open", row.actions.open, "", "", "", "no", ""]
        yield [label, slug, "actions_overdue", row.actions.overdue, "", "", "", "no", ""]
    yield [label, "", "actions_open", card.agency_actions.open, "", "", "", "no", ""]
    yield [label, "", "actions_overdue", card.agency_actions.overdue, "", "", "", "no", ""]
