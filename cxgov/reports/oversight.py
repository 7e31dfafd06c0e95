"""The oversight home: A-11 reporting and the headline figures of every agency, as aggregates.

For people holding the site-wide oversight grant (`Can.OVERSEE_GOVERNMENT`, call
`access_site` first). Every figure is a count or a share with its n and interval; nothing here
reads a name, an email address or a free-text answer. Everything is read from stored rows:
A-11 collections and imported performance.gov quarters, the survey answer rollups, missed
periods of standards, and one grouped count of complaints per agency. No response or answer
row is read.

- The reporting calendar: per provider (agency) and fiscal quarter, how many of its services
  submitted or published a report (an imported performance.gov quarter counts), and whether
  it is late: a quarter's reports are due `REPORT_DUE_DAYS` days after the quarter ends.
- Trust: government-wide percent positive on the trust question of customer surveys per
  quarter, and each provider's figure, interval and position in the quarter. A fall from the
  quarter before is flagged only when the two-proportion test survives Benjamini-Hochberg over
  every provider's change and is at least the provider's minimum change
  (`Agency.minimum_change_points`), the same test the results pages use.
- Standards missed in the quarter, and complaint timeliness (closed within the final-response
  SLA) per agency.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from cxgov.a11.models import Collection, CollectionStatus, ImportedQuarter
from cxgov.complaints.models import OPEN_STATUSES, Complaint, Status
from cxgov.core.calendar import AgencyCalendar
from cxgov.core.models import Agency
from cxgov.insights.estimates import (
    Change,
    Estimate,
    change_shown,
    significant_changes,
)
from cxgov.insights.fiscal import FiscalQuarter
from cxgov.insights.measures import (
    AGREEMENT_1_5,
    SHARE_TIMELY,
    TWO_WAY,
    minimum_effect,
    positive_measure,
)
from cxgov.registry.models import Service, ServiceStatus
from cxgov.standards.models import MissedPeriod, Standard, StandardStatus
from cxgov.surveys.models import AnswerRollup, Audience, QuestionKind
from cxgov.surveys.results import rollup_sums
from cxgov.surveys.selectors import suppression_threshold

# OMB asks for each quarter's A-11 data within 30 days of the quarter's end.
REPORT_DUE_DAYS = 30
# How many quarters the calendar and the trust trend show, ending with the chosen one.
CALENDAR_QUARTERS = 4
TREND_QUARTERS = 8
# Surveys about something other than the service itself (complaint handling) are left out,
# as on the scorecard.
EXCLUDED_TEMPLATES = ("post_resolution",)
# The trust question's scale, by question kind, in the measure registry.
TRUST_SCALES = {QuestionKind.LIKERT: AGREEMENT_1_5, QuestionKind.THUMBS: TWO_WAY}
REPORTED = (CollectionStatus.SUBMITTED, CollectionStatus.PUBLISHED)

ON_TIME = "on_time"
REPORTED_LATE = "reported_late"
LATE = "late"
OPEN = "open"
NOTHING_TO_REPORT = "nothing"


def report_due(quarter: FiscalQuarter) -> date:
    """The last day a quarter's A-11 reports are on time."""
    return quarter.end + timedelta(days=REPORT_DUE_DAYS)


def quarters_ending(quarter: FiscalQuarter, count: int) -> list[FiscalQuarter]:
    """`count` quarters, oldest first, the last being `quarter`."""
    found = [quarter]
    while len(found) < count:
        found.insert(0, found[0].previous())
    return found


# --- the reporting calendar ----------------------------------------------------------------


@dataclass(frozen=True)
class CalendarCell:
    """One provider's A-11 reporting for one quarter."""

    quarter: FiscalQuarter
    due: date
    services: int
    reported: int
    not_reported: int
    last_reported: date | None
    state: str
    days_late: int = 0

    @property
    def missing(self) -> int:
        return max(0, self.services - self.reported - self.not_reported)


@dataclass
class CalendarRow:
    agency: Agency
    cells: list[CalendarCell]

    @property
    def latest(self) -> CalendarCell:
        return self.cells[-1]


def _calendar_state(cell: CalendarCell, *, today: date) -> CalendarCell:
    """The cell with its state and days late as of `today`, from what it counts as reported."""
    reported, due = cell.reported, cell.due
    if cell.services == 0 and reported == 0:
        return replace(cell, state=NOTHING_TO_REPORT)
    if reported + cell.not_reported >= cell.services:
        last = cell.last_reported
        if last is not None and last > due:
            return replace(cell, state=REPORTED_LATE, days_late=(last - due).days)
        return replace(cell, state=ON_TIME)
    if today > due:
        return replace(cell, state=LATE, days_late=(today - due).days)
    return replace(cell, state=OPEN)


def reporting_calendar(
    *, agencies: list[Agency], quarter: FiscalQuarter, today: date | None = None
) -> list[CalendarRow]:
    """Per agency, its reporting in the `CALENDAR_QUARTERS` quarters ending with `quarter`.

    Services to report are the agency's services not archived. A service reported when its
    collection was submitted or published, or when a performance.gov quarter was imported for
    a survey about it; a collection marked not reported is counted apart. A report's day and
    today (unless `today` is given) are the agency's own, in its time zone, not the server's.
    """
    calendars = {agency.pk: AgencyCalendar(time_zone=agency.time_zone) for agency in agencies}
    quarters = quarters_ending(quarter, CALENDAR_QUARTERS)
    wanted = {(q.year, q.quarter) for q in quarters}
    services_by_agency = dict(
        Service.objects.exclude(status=ServiceStatus.ARCHIVED)
        .values_list("agency_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    reported: dict[tuple[int, FiscalQuarter], set[int]] = defaultdict(set)
    not_reported: dict[tuple[int, FiscalQuarter], set[int]] = defaultdict(set)
    last: dict[tuple[int, FiscalQuarter], date] = {}
    years = sorted({q.year for q in quarters})
    collections = Collection.objects.filter(
        fiscal_year__in=years,
        status__in=[*REPORTED, CollectionStatus.NOT_REPORTED],
    ).values_list("agency_id", "service_id", "fiscal_year", "quarter", "status", "submitted_at")
    for agency_id, service_id, year, number, status, submitted_at in collections:
        if (year, number) not in wanted:
            continue
        key = (agency_id, FiscalQuarter(year, number))
        if status == CollectionStatus.NOT_REPORTED:
            not_reported[key].add(service_id)
            continue
        reported[key].add(service_id)
        if submitted_at is not None:
            calendar = calendars.get(agency_id)
            day = (
                calendar.local_date(submitted_at) if calendar else timezone.localdate(submitted_at)
            )
            last[key] = max(last.get(key, day), day)
    imported = ImportedQuarter.objects.filter(fiscal_year__in=years).values_list(
        "survey__agency_id", "survey__services", "fiscal_year", "quarter", "imported_at"
    )
    for agency_id, service_id, year, number, _imported_at in imported:
        if (year, number) not in wanted:
            continue
        # Published figures were reported on time to performance.gov; the import date is ours.
        reported[(agency_id, FiscalQuarter(year, number))].add(service_id or -1)
    rows = []
    for agency in agencies:
        agency_today = today or calendars[agency.pk].today()
        cells = []
        for q in quarters:
            key = (agency.pk, q)
            done = reported.get(key, set())
            skipped = not_reported.get(key, set()) - done
            services = max(services_by_agency.get(agency.pk, 0), len(done | skipped))
            cell = CalendarCell(
                quarter=q,
                due=report_due(q),
                services=services,
                reported=len(done),
                not_reported=len(skipped),
                last_reported=last.get(key),
                state=OPEN,
            )
            cells.append(_calendar_state(cell, today=agency_today))
        rows.append(CalendarRow(agency=agency, cells=cells))
    return rows


# --- trust ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProviderTrust:
    """One provider's trust in the quarter, its quarter before, and where it stands."""

    agency: Agency
    now: Estimate
    before: Estimate
    change: Change | None
    fell: bool = False
    rose: bool = False
    position: int | None = None  # 1 = highest shown figure in the quarter
    versus_government: str = ""  # "above", "below" or "overlaps" the government-wide figure


@dataclass
class TrustPicture:
    quarters: list[FiscalQuarter]
    government: list[Estimate]
    providers: list[ProviderTrust] = field(default_factory=list)

    @property
    def current(self) -> Estimate:
        return self.government[-1]

    @property
    def fell(self) -> list[ProviderTrust]:
        return [p for p in self.providers if p.fell]

    @property
    def shown(self) -> int:
        return sum(1 for p in self.providers if p.position is not None)


def trust_counts(
    *, quarters: list[FiscalQuarter]
) -> dict[tuple[int, FiscalQuarter], tuple[int, int]]:
    """(positive answers, answers) per (agency id, quarter) to the trust question of customer
    surveys, from the answer rollups. Positive is the registry's definition for the question's
    scale: 4 or 5 on the agreement scale, thumbs up on two-way."""
    rows = (
        AnswerRollup.objects.filter(
            survey__audience=Audience.CUSTOMER,
            question__key="trust",
            question__kind__in=list(TRUST_SCALES),
            day__gte=quarters[0].start,
            day__lte=quarters[-1].end,
        )
        .exclude(survey__template__in=EXCLUDED_TEMPLATES)
        .order_by()
    )
    counts: dict[tuple[int, FiscalQuarter, str], dict[int, int]] = defaultdict(
        lambda: defaultdict(int)
    )
    for row in rollup_sums(rows, "survey__agency_id", "question__kind", "quarter"):
        if not row["value_key"].lstrip("-").isdigit():
            continue
        key = (row["survey__agency_id"], row["quarter"], row["question__kind"])
        counts[key][int(row["value_key"])] += int(row["n"] or 0)
    totals: dict[tuple[int, FiscalQuarter], tuple[int, int]] = {}
    for (agency_id, q, kind), by_value in counts.items():
        scale = TRUST_SCALES[kind]
        positive, n = positive_measure(scale).successes(by_value, scale)
        before = totals.get((agency_id, q), (0, 0))
        totals[(agency_id, q)] = (before[0] + positive, before[1] + n)
    return totals


def trust_picture(*, agencies: list[Agency], quarter: FiscalQuarter) -> TrustPicture:
    """The government-wide trend over `TREND_QUARTERS` quarters and each provider in `quarter`.

    Providers' cells under the suppression threshold show no figure and take no position.
    """
    quarters = quarters_ending(quarter, TREND_QUARTERS)
    totals = trust_counts(quarters=quarters)
    min_n = suppression_threshold()
    government = []
    for q in quarters:
        positive = sum(v[0] for (_a, qq), v in totals.items() if qq == q)
        n = sum(v[1] for (_a, qq), v in totals.items() if qq == q)
        government.append(positive_measure(TWO_WAY).estimate_share(positive, n, min_n=min_n))
    previous = quarter.previous()
    gov_now = government[-1]
    changes: list[Change | None] = []
    minimums: list[float] = []
    drafts = []
    for agency in agencies:
        now_counts = totals.get((agency.pk, quarter), (0, 0))
        before_counts = totals.get((agency.pk, previous), (0, 0))
        if now_counts[1] == 0 and before_counts[1] == 0:
            continue
        now = positive_measure(TWO_WAY).estimate_share(*now_counts, min_n=min_n)
        before = positive_measure(TWO_WAY).estimate_share(*before_counts, min_n=min_n)
        change = change_shown(before_counts, now_counts, min_n=min_n)
        changes.append(change)
        minimums.append(minimum_effect(float(agency.minimum_change_points), scale=None, share=True))
        drafts.append((agency, now, before, change))
    flags = significant_changes(changes, minimum_effect=minimums)
    ranked = sorted(
        (d for d in drafts if d[1].value is not None), key=lambda d: -(d[1].value or 0.0)
    )
    positions = {d[0].pk: i for i, d in enumerate(ranked, start=1)}
    providers = []
    for (agency, now, before, change), flag in zip(drafts, flags, strict=True):
        versus = ""
        if now.value is not None and gov_now.value is not None:
            if now.low is not None and now.low > gov_now.value:
                versus = "above"
            elif now.high is not None and now.high < gov_now.value:
                versus = "below"
            else:
                versus = "overlaps"
        providers.append(
            ProviderTrust(
                agency=agency,
                now=now,
                before=before,
                change=change,
                fell=flag and change is not None and change.difference < 0,
                rose=flag and change is not None and change.difference > 0,
                position=positions.get(agency.pk),
                versus_government=versus,
            )
        )
    providers.sort(key=lambda p: (p.position is None, p.position or 0, p.agency.name))
    return TrustPicture(quarters=quarters, government=government, providers=providers)


# --- standards missed ----------------------------------------------------------------------


@dataclass(frozen=True)
class AgencyMisses:
    agency: Agency
    posted: int
    misses: int
    standards_missed: int
    unacknowledged: int


def standards_missed(
    *, agencies: list[Agency], quarter: FiscalQuarter
) -> tuple[list[AgencyMisses], list[MissedPeriod]]:
    """Per agency, its posted standards and the periods ending in the quarter they missed;
    and the missed periods themselves (standard, service, period, share and n)."""
    posted = dict(
        Standard.objects.filter(status=StandardStatus.POSTED)
        .values_list("agency_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    misses = list(
        MissedPeriod.objects.filter(period_end__gte=quarter.start, period_end__lte=quarter.end)
        .select_related("standard__agency", "standard__service")
        .order_by(
            "standard__agency__name", "standard__service__name", "standard_id", "period_start"
        )
    )
    by_agency: dict[int, list[MissedPeriod]] = defaultdict(list)
    for miss in misses:
        by_agency[miss.standard.agency_id].append(miss)
    rows = [
        AgencyMisses(
            agency=agency,
            posted=posted.get(agency.pk, 0),
            misses=len(by_agency.get(agency.pk, [])),
            standards_missed=len({m.standard_id for m in by_agency.get(agency.pk, [])}),
            unacknowledged=sum(
                1 for m in by_agency.get(agency.pk, []) if m.acknowledged_at is None
            ),
        )
        for agency in agencies
        if posted.get(agency.pk) or by_agency.get(agency.pk)
    ]
    return rows, misses


# --- complaint timeliness ------------------------------------------------------------------


@dataclass(frozen=True)
class AgencyTimeliness:
    agency: Agency
    closed: int
    timely: Estimate  # share closed within the final-response SLA
    open_overdue: int  # open now, past the final-response deadline


def complaint_timeliness(
    *, agencies: list[Agency], quarter: FiscalQuarter
) -> list[AgencyTimeliness]:
    """Per agency: complaints closed in the quarter, the share closed within the
    final-response SLA (the registry's `share_timely`, Wilson interval), and how many open
    complaints are past their final-response deadline now. One grouped count; cells under the
    suppression threshold show no share. The quarter's days are each agency's own, in its
    time zone."""
    if not agencies:
        return []
    now = timezone.now()
    in_quarter = Q()
    for agency in agencies:
        start, end = AgencyCalendar(time_zone=agency.time_zone).span(quarter.start, quarter.end)
        in_quarter |= Q(agency_id=agency.pk, closed_at__gte=start, closed_at__lt=end)
    closed_in_quarter = Q(status=Status.CLOSED) & in_quarter
    counts = {
        row["agency_id"]: row
        for row in Complaint.objects.values("agency_id")
        .annotate(
            closed=Count("id", filter=closed_in_quarter),
            timely=Count("id", filter=closed_in_quarter & Q(final_timely=True)),
            overdue=Count("id", filter=Q(status__in=OPEN_STATUSES, final_due_at__lt=now)),
        )
        .order_by()
    }
    min_n = suppression_threshold()
    rows = []
    for agency in agencies:
        row = counts.get(agency.pk)
        if row is None:
            continue
        closed, timely = int(row["closed"]), int(row["timely"])
        share = SHARE_TIMELY.estimate_share(timely, closed, min_n=min_n)
        rows.append(
            AgencyTimeliness(
                agency=agency, closed=closed, timely=share, open_overdue=int(row["overdue"])
            )
        )
    return rows


# --- the reports ---------------------------------------------------------------------------


def reports_in_quarter(*, quarter: FiscalQuarter) -> list[Collection]:
    """Every agency's submitted, published or not-reported A-11 collections of the quarter."""
    return list(
        Collection.objects.filter(
            fiscal_year=quarter.year,
            quarter=quarter.quarter,
            status__in=[*REPORTED, CollectionStatus.NOT_REPORTED],
        )
        .select_related("agency", "service")
        .order_by("agency__name", "service__name", "pk")
    )


@dataclass
class OversightHome:
    quarter: FiscalQuarter
    calendar: list[CalendarRow]
    trust: TrustPicture
    misses_by_agency: list[AgencyMisses]
    misses: list[MissedPeriod]
    timeliness: list[AgencyTimeliness]
    reports: list[Collection]

    @property
    def late(self) -> list[CalendarRow]:
        """Providers late with the chosen quarter's reports."""
        return [row for row in self.calendar if row.latest.state == LATE]


def oversight_home(*, quarter: FiscalQuarter, today: date | None = None) -> OversightHome:
    """Everything the oversight home shows for a quarter (call `access_site` first)."""
    agencies = list(Agency.objects.order_by("name"))
    misses_by_agency, misses = standards_missed(agencies=agencies, quarter=quarter)
    return OversightHome(
        quarter=quarter,
        calendar=reporting_calendar(agencies=agencies, quarter=quarter, today=today),
        trust=trust_picture(agencies=agencies, quarter=quarter),
        misses_by_agency=misses_by_agency,
        misses=misses,
        timeliness=complaint_timeliness(agencies=agencies, quarter=quarter),
        reports=reports_in_quarter(quarter=quarter),
    )
