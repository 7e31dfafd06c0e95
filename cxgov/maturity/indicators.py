"""What cxgov measures itself about an agency's CX capacity in one fiscal year.

Each indicator is a count or a share with its n and a definition a reader can recompute from
the records; one without data says "not measured" rather than 0. Every figure is read from
stored rows of the other apps (services and channels, standards' daily rollups and reported
results, the survey answer rollups, complaints, action items), for the agency's fiscal year on
its own calendar. A year still running is measured up to today.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from statistics import median

from django.db.models import Max, Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from cxgov.actions.models import ActionItem, ActionStatus
from cxgov.complaints.models import Channel as ComplaintChannel
from cxgov.complaints.models import Complaint, Status
from cxgov.core.models import Agency
from cxgov.core.selectors import agency_calendar
from cxgov.registry.models import Channel, ChannelKind, Service, ServiceStatus
from cxgov.standards.models import DailyRollup, ReportedResult, StandardStatus
from cxgov.surveys.models import AnswerRollup, Audience, RollupSource

SHARE = "share"
DAYS = "days"
NOT_MEASURED_STATUSES = (Status.DUPLICATE, Status.WITHDRAWN)


@dataclass(frozen=True)
class Indicator:
    """One measured figure: `value` is a share (0 to 1) or a number of days, None when there
    is nothing to measure (then `n` is 0 and the page says "not measured")."""

    key: str
    dimension: str
    label: str | Promise
    definition: str | Promise
    unit: str
    value: float | None
    n: int

    @classmethod
    def share(
        cls,
        *,
        key: str,
        dimension: str,
        label: str | Promise,
        definition: str | Promise,
        part: int,
        whole: int,
    ) -> Indicator:
        """The share `part` of `whole`, with `whole` as its n: not measured when `whole` is 0."""
        return cls(
            key=key,
            dimension=dimension,
            label=label,
            definition=definition,
            unit=SHARE,
            value=part / whole if whole else None,
            n=whole,
        )

    @property
    def measured(self) -> bool:
        return self.value is not None

    @property
    def percent(self) -> float | None:
        return None if self.value is None or self.unit != SHARE else round(self.value * 100, 1)


@dataclass(frozen=True)
class YearSpan:
    year: int
    first: date
    last: date  # the year's last day, or today while the year runs


def year_span(*, agency: Agency, fiscal_year: int, today: date | None = None) -> YearSpan:
    calendar = agency_calendar(agency=agency)
    first, last = calendar.fiscal_year_bounds(fiscal_year)
    return YearSpan(fiscal_year, first, min(last, today or calendar.today()))


def services_with_live_standards(*, agency: Agency, span: YearSpan) -> Indicator:
    services = Service.objects.filter(agency=agency, status=ServiceStatus.PUBLISHED)
    measured = Q(standards__rollups__day__range=(span.first, span.last)) & Q(
        standards__rollups__total__gt=0
    )
    reported = (
        Q(standards__reported__period_start__lte=span.last)
        & Q(standards__reported__period_end__gte=span.first)
        & Q(standards__reported__total_volume__gt=0)
    )
    with_results = (
        services.filter(standards__status=StandardStatus.POSTED)
        .filter(measured | reported)
        .distinct()
        .count()
    )
    total = services.count()
    return Indicator.share(
        key="standards_live",
        dimension="measurement",
        label=_("Services with posted standards and results"),
        definition=_(
            "Published services with at least one posted standard that has results in the "
            "fiscal year (events or reported results), out of n published services."
        ),
        part=with_results,
        whole=total,
    )


def feedback_coverage(*, agency: Agency, span: YearSpan) -> list[Indicator]:
    """Per kind of channel: the share of the agency's channels of that kind whose service got
    customer survey answers through that kind of channel in the year."""
    channels = sorted(
        set(
            Channel.objects.filter(service__agency=agency)
            .exclude(service__status=ServiceStatus.ARCHIVED)
            .order_by()
            .values_list("service_id", "kind")
            .distinct()
        )
    )
    answered = set(
        AnswerRollup.objects.filter(
            survey__agency=agency,
            survey__audience=Audience.CUSTOMER,
            source=RollupSource.RESPONSES,
            day__range=(span.first, span.last),
            count__gt=0,
            service__isnull=False,
        )
        .exclude(channel="")
        .order_by()
        .values_list("service_id", "channel")
        .distinct()
    )
    labels = dict(ChannelKind.choices)
    found = []
    for kind in sorted({kind for _service, kind in channels}):
        offered = [pair for pair in channels if pair[1] == kind]
        covered = sum(1 for pair in offered if pair in answered)
        found.append(
            Indicator.share(
                key=f"feedback_{kind}",
                dimension="measurement",
                label=_("Feedback coverage: %(channel)s") % {"channel": labels.get(kind, kind)},
                definition=_(
                    "Services offering this kind of channel whose customers answered a survey "
                    "through it in the fiscal year, out of n services offering it."
                ),
                part=covered,
                whole=len(offered),
            )
        )
    if not found:
        found.append(
            Indicator.share(
                key="feedback",
                dimension="measurement",
                label=_("Feedback coverage by channel"),
                definition=_("The agency's services list no channels."),
                part=0,
                whole=0,
            )
        )
    return found


def _median_days(pairs: list[tuple[object, object]]) -> tuple[float | None, int]:
    days = [
        (answered - received).total_seconds() / 86400  # type: ignore[operator]
        for received, answered in pairs
        if answered is not None
    ]
    return (round(median(days), 1) if days else None), len(days)


def closed_loop(*, agency: Agency, span: YearSpan) -> list[Indicator]:
    """Median days from receipt to the agency's response, for the follow-up cases opened on low
    survey scores and for complaints, each received in the year."""
    start, end = agency_calendar(agency=agency).span(span.first, span.last)
    cases = Complaint.objects.filter(
        agency=agency, received_at__gte=start, received_at__lt=end
    ).exclude(status__in=NOT_MEASURED_STATUSES)
    followups = cases.filter(channel=ComplaintChannel.SURVEY_FOLLOWUP)
    complaints = cases.exclude(channel=ComplaintChannel.SURVEY_FOLLOWUP)
    low_days, low_n = _median_days(list(followups.values_list("received_at", "responded_at")))
    days, n = _median_days(list(complaints.values_list("received_at", "responded_at")))
    return [
        Indicator(
            key="loop_low_scores",
            dimension="understanding",
            label=_("Closed loop on low survey scores"),
            definition=_(
                "Median calendar days from a low score's follow-up case to the agency's "
                "response; n follow-up cases opened in the fiscal year and answered."
            ),
            unit=DAYS,
            value=low_days,
            n=low_n,
        ),
        Indicator(
            key="loop_complaints",
            dimension="understanding",
            label=_("Closed loop on complaints"),
            definition=_(
                "Median calendar days from receiving a complaint to the agency's response; n "
                "complaints received in the fiscal year and answered (duplicates and "
                "withdrawn ones left out)."
            ),
            unit=DAYS,
            value=days,
            n=n,
        ),
    ]


def action_completion(*, agency: Agency, span: YearSpan) -> Indicator:
    due = ActionItem.objects.filter(agency=agency, due_date__range=(span.first, span.last)).exclude(
        status=ActionStatus.DROPPED
    )
    total = due.count()
    done = due.filter(status=ActionStatus.DONE).count()
    return Indicator.share(
        key="actions_done",
        dimension="governance",
        label=_("Action completion"),
        definition=_(
            "Actions due in the fiscal year that are done, out of n actions due in it (dropped "
            "ones left out)."
        ),
        part=done,
        whole=total,
    )


def _age(latest: date | None, span: YearSpan) -> float | None:
    return None if latest is None else float((span.last - latest).days)


def data_freshness(*, agency: Agency, span: YearSpan) -> list[Indicator]:
    """Days from the last day with data to the year's end (or today), per source; n days with
    data (complaints: complaints received) in the year."""
    calendar = agency_calendar(agency=agency)
    survey_days = AnswerRollup.objects.filter(
        survey__agency=agency, day__range=(span.first, span.last), count__gt=0
    )
    standard_days = DailyRollup.objects.filter(
        standard__agency=agency, day__range=(span.first, span.last), total__gt=0
    )
    reported = ReportedResult.objects.filter(
        standard__agency=agency, period_end__range=(span.first, span.last)
    )
    start, end = calendar.span(span.first, span.last)
    complaints = Complaint.objects.filter(
        agency=agency, received_at__gte=start, received_at__lt=end
    )
    latest_standard = max(
        (
            day
            for day in (
                standard_days.aggregate(last=Max("day"))["last"],
                reported.aggregate(last=Max("period_end"))["last"],
            )
            if day is not None
        ),
        default=None,
    )
    latest_complaint = complaints.aggregate(last=Max("received_at"))["last"]
    sources = (
        (
            "fresh_surveys",
            _("Freshness of survey answers"),
            survey_days.aggregate(last=Max("day"))["last"],
            survey_days.order_by().values("day").distinct().count(),
        ),
        (
            "fresh_standards",
            _("Freshness of standards results"),
            latest_standard,
            standard_days.order_by().values("day").distinct().count() + reported.count(),
        ),
        (
            "fresh_complaints",
            _("Freshness of complaints"),
            calendar.local_date(latest_complaint) if latest_complaint else None,
            complaints.count(),
        ),
    )
    return [
        Indicator(
            key=key,
            dimension="measurement",
            label=label,
            definition=_(
                "Days from the last day with data to the end of the fiscal year (or today "
                "while it runs); n days with data in the year (complaints: complaints "
                "received, standards: days of events plus reported periods)."
            ),
            unit=DAYS,
            value=_age(latest, span),
            n=n,
        )
        for key, label, latest, n in sources
    ]


# Where the accessibility figure comes from: (criteria supported, criteria that apply) of the
# public site's conformance report. The public site registers it (`cxgov.public.apps`), since
# a domain app may not import the public site.
_conformance_sources: list[Callable[[], tuple[int, int]]] = []


def accessibility_conformance_register(source: Callable[[], tuple[int, int]]) -> None:
    """Give the counts behind the accessibility indicator (one source: a second replaces it)."""
    _conformance_sources[:] = [source]


def accessibility_tests() -> Indicator:
    """The share of the WCAG 2.2 A and AA criteria that apply to the pages cxgov serves for the
    agency and that its conformance report finds supported; its evidence is the project's own
    axe and keyboard tests, which run on every change."""
    if not _conformance_sources:
        return Indicator.share(
            key="accessibility",
            dimension="design",
            label=_("Accessibility test pass rate"),
            definition=_("cxgov does not record the agency's accessibility test runs."),
            part=0,
            whole=0,
        )
    supported, applicable = _conformance_sources[0]()
    return Indicator.share(
        key="accessibility",
        dimension="design",
        label=_("Accessibility test pass rate"),
        definition=_(
            "Share of the WCAG 2.2 A and AA success criteria that apply to the public pages "
            "cxgov serves for the agency and that its accessibility conformance report finds "
            "supported; the project's axe and keyboard tests are its evidence. Documents the "
            "agency uploads are not tested."
        ),
        part=supported,
        whole=applicable,
    )


def indicators_for(
    *, agency: Agency, fiscal_year: int, today: date | None = None
) -> list[Indicator]:
    """Every indicator of the agency's fiscal year, in the order the page shows them."""
    span = year_span(agency=agency, fiscal_year=fiscal_year, today=today)
    if span.last < span.first:
        # A year not begun: nothing can be measured yet.
        span = YearSpan(fiscal_year, span.first, span.first)
    return [
        services_with_live_standards(agency=agency, span=span),
        *feedback_coverage(agency=agency, span=span),
        *data_freshness(agency=agency, span=span),
        action_completion(agency=agency, span=span),
        *closed_loop(agency=agency, span=span),
        accessibility_tests(),
    ]
