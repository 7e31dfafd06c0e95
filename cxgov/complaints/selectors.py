"""Reads of complaints.

Staff reads start with an access_* selector that answers 404 alike for a missing complaint
and one of an agency the user has no role in. The public reads one complaint only with its
tracking number and the email address given with it.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import parse_qsl, urlencode

from django.db.models import Count, F, Max, Prefetch, Q, QuerySet
from django.db.models.functions import TruncDate
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import translation

from cxgov.core.agency_settings import agency_settings_read
from cxgov.core.i18n import localized
from cxgov.core.models import Agency, User
from cxgov.core.permissions import Can, capabilities_in
from cxgov.core.selectors import (
    AgencyObjectAccess,
    access_agency_object,
    agency_calendar,
    agency_closure_days,
)
from cxgov.insights.complaint_classifier import LoadedModel, model_load
from cxgov.insights.complaint_metrics import ComplaintFact
from cxgov.insights.complaint_scrub import case_patterns_compile, scrub_narrative
from cxgov.insights.sla import days_between
from cxgov.registry.models import Service

from .models import (
    OPEN_STATUSES,
    Attachment,
    CannedResponse,
    Category,
    ClassifierModel,
    Complaint,
    ComplaintSettings,
    Message,
    NarrativeReview,
    Note,
    RoutingRule,
    SavedQueueFilter,
    SlaPolicy,
    Status,
    Team,
)

# Letters a tracking number may hold: Crockford's base 32, no I, L, O or U to misread.
TRACKING_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# Statuses in which the customer can no longer write: the case is elsewhere or gone.
NO_REPLY_STATUSES = (Status.REFERRED, Status.WITHDRAWN, Status.DUPLICATE)
# Compared against when no complaint has the number, so both failures cost the same.
_DUMMY_EMAIL = "nobody@invalid.invalid"


def normalize_tracking_number(raw: str) -> str:
    """Upper case without spaces; hyphens put back in groups of four after the prefix."""
    cleaned = "".join(ch for ch in (raw or "").upper() if ch.isalnum())[:20]
    cleaned = cleaned.replace("O", "0").replace("I", "1").replace("L", "1")
    if not cleaned.startswith("C"):
        return ""
    body = cleaned[1:]
    return "C-" + "-".join(body[i : i + 4] for i in range(0, len(body), 4))


def complaint_by_tracking_number(
    *, tracking_number: str, agency: Agency | None = None
) -> Complaint | None:
    """The complaint with this (normalized) tracking number, within one agency when given.

    Numbers are unique within an agency; without one, a number two agencies hold (60 random
    bits make it a near impossibility) names no complaint rather than a guessed one (0070).
    """
    if agency is not None:
        return (
            Complaint.objects.filter(agency=agency, tracking_number=tracking_number)
            .select_related("agency", "service")
            .first()
        )
    holders = _number_holders(tracking_number)
    return holders[0] if len(holders) == 1 else None


# Holders of one number read at most: one is the rule, two already an ambiguity.
_HOLDERS_READ = 2


def _number_holders(number: str) -> list[Complaint]:
    """The complaints, of any agency, with this tracking number (none for an empty one)."""
    if not number:
        return []
    return list(
        Complaint.objects.filter(tracking_number=number)
        .select_related("agency", "service")
        .order_by("pk")[:_HOLDERS_READ]
    )


def complaint_public_lookup(*, tracking_number: str, email: str) -> Complaint | None:
    """The complaint with this tracking number if `email` is the address given with it.

    A wrong number and a wrong email give the same answer (None) after the same comparison.
    """
    holders = _number_holders(normalize_tracking_number(tracking_number))
    given = (email or "").strip().lower().encode()
    found: Complaint | None = None
    # Each holder of the number is compared (agencies' numbers are unique only in practice).
    candidates: list[Complaint | None] = [*holders] or [None]
    for complaint in candidates:
        stored = complaint.contact_email if complaint is not None else _DUMMY_EMAIL
        matches = hmac.compare_digest(given, (stored or _DUMMY_EMAIL).strip().lower().encode())
        if complaint is not None and matches and complaint.contact_email:
            found = complaint
    return found


def _digits(text: str) -> str:
    return "".join(ch for ch in (text or "") if ch.isdigit())


def _phone_key(text: str) -> str:
    """A US phone number as its ten digits (a leading country code 1 dropped)."""
    digits = _digits(text)
    return digits[1:] if len(digits) == 11 and digits.startswith("1") else digits


def complaint_public_lookup_by_contact(*, tracking_number: str, contact: str) -> Complaint | None:
    """For a complaint filed without an email address (by phone or letter): the complaint with
    this tracking number if `contact` is the phone number or the 5-digit ZIP code given with it.

    Complaints with an email address are looked up with it (and its signed links) only. Wrong
    number, wrong phone, wrong ZIP and a complaint with an email all give None after the same
    comparisons.
    """
    holders = _number_holders(normalize_tracking_number(tracking_number))
    given = _digits(contact)
    found: Complaint | None = None
    candidates: list[Complaint | None] = [*holders] or [None]
    for complaint in candidates:
        phone = _phone_key(complaint.contact_phone) if complaint is not None else ""
        zip5 = _digits(complaint.postal_zip)[:5] if complaint is not None else ""
        phone_matches = hmac.compare_digest(
            _phone_key(given).encode(), (phone if len(phone) >= 7 else "-").encode()
        )
        zip_matches = hmac.compare_digest(
            given[:5].encode(), (zip5 if len(zip5) == 5 else "-").encode()
        )
        zip_matches = zip_matches and len(given) in (5, 9)
        if complaint is not None and not complaint.contact_email and (phone_matches or zip_matches):
            found = complaint
    return found


def complaint_by_status_link(*, token: str) -> Complaint | None:
    """The complaint a signed status link opens, while it is unexpired and the complaint's
    email address is still the one it was made for."""
    from .links import email_matches, status_link_read

    read = status_link_read(token)
    if read is None:
        return None
    for complaint in _number_holders(read[0]):
        if email_matches(digest=read[1], email=complaint.contact_email):
            return complaint
    return None


def complaint_public_history(*, complaint: Complaint) -> dict[str, object]:
    """What the customer may see: status changes, messages with their files and the latest
    response, never internal notes."""
    messages = list(complaint.messages.prefetch_related("attachments"))
    responses = [message for message in messages if message.response_category]
    return {
        "transitions": list(complaint.transitions.all()),
        "messages": messages,
        "response": responses[-1] if responses else None,
    }


def complaint_public_attachment(*, complaint: Complaint, attachment_id: int) -> Attachment | None:
    """A file of the complaint's conversation or of the complaint itself, for its customer."""
    return complaint.attachments.filter(pk=attachment_id).first()


_PLACEHOLDER = re.compile(r"\{(tracking_number|name|service)\}")


def canned_response_text(*, canned: CannedResponse, complaint: Complaint) -> str:
    """The canned text in the complaint's language, its placeholders filled in.

    Only `{tracking_number}`, `{name}` and `{service}` are replaced; other braces stay as
    written (no format string is ever evaluated).
    """
    # The one chokepoint, in the complaint's language rather than the staff page's.
    with translation.override(complaint.language or "en"):
        text = localized(canned.body, canned.body_es, record=canned, field="body", page=False)
        service = ""
        if complaint.service is not None:
            service = localized(
                complaint.service.name,
                complaint.service.name_es,
                record=complaint.service,
                field="name",
                page=False,
            )
    values = {
        "tracking_number": complaint.tracking_number,
        "name": complaint.contact_name,
        "service": service,
    }
    return _PLACEHOLDER.sub(lambda match: values[match.group(1)], text)


def canned_responses_for_agency(*, agency: Agency) -> QuerySet[CannedResponse]:
    return CannedResponse.objects.filter(agency=agency)


def canned_response_for_agency(*, agency: Agency, canned_id: int) -> CannedResponse | None:
    return CannedResponse.objects.filter(agency=agency, pk=canned_id).first()


access_canned_response = AgencyObjectAccess(
    CannedResponse.objects.select_related("agency"),
    id_name="canned_id",
    default_need=Can.SET_UP_COMPLAINTS,
    doc="One canned response of the agency in the URL, if the user's role there holds `need`.",
)


@dataclass(frozen=True)
class _Route:
    team_id: int
    service_id: int | None
    category_id: int | None
    channel: str
    words: tuple[str, ...]


@dataclass(frozen=True)
class IntakeSettings:
    """What filing a complaint reads of its agency's setup: routing rules (by position), SLA
    policies, closed days and whether a classifier exists. Kept per settings version
    (`core.agency_settings`, decision 0065); shared, so never changed."""

    routes: tuple[_Route, ...]
    policies: tuple[SlaPolicy, ...]
    closures: dict[date, str]
    has_classifier: bool

    def policy_for(
        self, *, agency: Agency, service: Service | None, category: Category | None
    ) -> SlaPolicy:
        """The most specific SLA policy, or the CFPB-like default when the agency has none."""
        service_id = service.pk if service else None
        category_id = category.pk if category else None
        best: SlaPolicy | None = None
        best_rank = -1
        for policy in self.policies:
            if policy.service_id not in (None, service_id):
                continue
            if policy.category_id not in (None, category_id):
                continue
            rank = (2 if policy.service_id else 0) + (1 if policy.category_id else 0)
            if rank > best_rank:
                best, best_rank = policy, rank
        return best if best is not None else SlaPolicy(agency=agency)

    def team_id_for(
        self, *, service: Service | None, category: Category | None, channel: str, text: str
    ) -> int | None:
        """The team of the first routing rule (by position) whose every condition matches."""
        lowered = text.lower()
        service_id = service.pk if service else None
        category_id = category.pk if category else None
        for route in self.routes:
            if route.service_id and route.service_id != service_id:
                continue
            if route.category_id and route.category_id != category_id:
                continue
            if route.channel and route.channel != channel:
                continue
            if route.words and not any(word in lowered for word in route.words):
                continue
            return route.team_id
        return None


def _intake_settings_read(agency: Agency) -> IntakeSettings:
    rows = RoutingRule.objects.filter(agency=agency).values_list(
        "team_id", "service_id", "category_id", "channel", "keywords"
    )
    routes = tuple(
        _Route(
            team_id=team_id,
            service_id=service_id,
            category_id=category_id,
            channel=channel,
            words=tuple(word.strip().lower() for word in keywords.split(",") if word.strip()),
        )
        for team_id, service_id, category_id, channel, keywords in rows
    )
    return IntakeSettings(
        routes=routes,
        policies=tuple(SlaPolicy.objects.filter(agency=agency)),
        closures=agency_closure_days(agency=agency),
        has_classifier=ClassifierModel.objects.filter(agency=agency).exists(),
    )


def intake_settings(*, agency: Agency) -> IntakeSettings:
    """The agency's intake settings as they are now: one cache round trip while none changed."""
    return agency_settings_read(
        agency_id=agency.pk,
        name="complaints.intake",
        compute=lambda: _intake_settings_read(agency),
    )


def sla_policy_for(
    *, agency: Agency, service: Service | None, category: Category | None
) -> SlaPolicy:
    """The most specific SLA policy, or the CFPB-like default when the agency has none."""
    return intake_settings(agency=agency).policy_for(
        agency=agency, service=service, category=category
    )


# --- staff ---------------------------------------------------------------------------------


def complaints_visible(*, user: User, agency: Agency) -> QuerySet[Complaint]:
    """The agency's complaints this person may open: the one need-to-know rule.

    `HANDLE_ALL_COMPLAINTS` (administrators, service managers): every case. `HANDLE_COMPLAINTS`
    (complaint handlers): cases routed to a team they belong to or lead, cases routed to no
    team yet (someone has to triage them), and cases assigned to them.
    `WORK_ASSIGNED_COMPLAINTS` (front-line employees): only the cases assigned to them. Anyone
    else (oversight, analysts, deactivated members): none.
    """
    caps = capabilities_in(user=user, agency=agency)
    complaints = Complaint.objects.filter(agency=agency)
    if Can.HANDLE_ALL_COMPLAINTS in caps:
        return complaints
    if Can.HANDLE_COMPLAINTS in caps:
        teams = Team.objects.filter(Q(members=user) | Q(lead=user), agency=agency).values("pk")
        return complaints.filter(
            Q(team__isnull=True) | Q(team_id__in=teams) | Q(assignee_id=user.pk)
        )
    if Can.WORK_ASSIGNED_COMPLAINTS in caps:
        return complaints.filter(assignee_id=user.pk)
    return complaints.none()


def access_complaint(*, user: User, agency_slug: str | None, complaint_id: int) -> Complaint:
    """One complaint of the agency in the URL that `complaints_visible` lets the user open.

    A case holds contact details and attachments: Http404 alike for a missing complaint, one
    of another agency, and one outside the user's teams or assignments.
    """
    return _visible_complaint(
        queryset=Complaint.objects.select_related(
            "agency", "service", "category", "team", "assignee", "suggested_category"
        ),
        user=user,
        agency_slug=agency_slug,
        complaint_id=complaint_id,
        need=Can.WORK_ASSIGNED_COMPLAINTS,
    )


def access_complaint_to_handle(
    *, user: User, agency_slug: str | None, complaint_id: int
) -> Complaint:
    """As `access_complaint`, for the tools of complaint handlers (merge, split): the role must
    hold `HANDLE_COMPLAINTS`, so a front-line employee's assigned case is not enough."""
    return _visible_complaint(
        queryset=Complaint.objects.select_related("agency", "service", "category", "team"),
        user=user,
        agency_slug=agency_slug,
        complaint_id=complaint_id,
        need=Can.HANDLE_COMPLAINTS,
    )


def _visible_complaint(
    *,
    queryset: QuerySet[Complaint],
    user: User,
    agency_slug: str | None,
    complaint_id: int,
    need: Can,
) -> Complaint:
    """The complaint if the user's role in the agency in the URL holds `need` and
    `complaints_visible` lets them open it; Http404 alike otherwise."""
    complaint = access_agency_object(
        queryset=queryset,
        pk=complaint_id,
        user=user,
        agency_slug=agency_slug,
        agency_field="agency",
        need=need,
    )
    if not complaints_visible(user=user, agency=complaint.agency).filter(pk=complaint.pk).exists():
        raise Http404
    return complaint


@dataclass(frozen=True)
class QueueFilters:
    """What the queue page narrows by."""

    status: str = ""
    team_id: int | None = None
    assignee_id: int | None = None
    category_id: int | None = None
    service_id: int | None = None
    overdue_only: bool = False
    query: str = ""


def complaint_queue(
    *, agency: Agency, user: User, filters: QueueFilters, now: datetime
) -> QuerySet[Complaint]:
    """The agency's complaints the user may open (`complaints_visible`), filtered, soonest
    deadline first (call access_agency first)."""
    complaints = complaints_visible(user=user, agency=agency).select_related(
        "service", "category", "team", "assignee"
    )
    if filters.status == "open":
        complaints = complaints.filter(status__in=OPEN_STATUSES)
    elif filters.status:
        complaints = complaints.filter(status=filters.status)
    if filters.team_id:
        complaints = complaints.filter(team_id=filters.team_id)
    if filters.assignee_id:
        complaints = complaints.filter(assignee_id=filters.assignee_id)
    if filters.category_id:
        complaints = complaints.filter(category_id=filters.category_id)
    if filters.service_id:
        complaints = complaints.filter(service_id=filters.service_id)
    if filters.overdue_only:
        complaints = complaints.filter(
            status__in=OPEN_STATUSES, respond_due_at__lt=now, responded_at__isnull=True
        )
    if filters.query:
        complaints = complaints.filter(
            Q(tracking_number__icontains=filters.query) | Q(what_happened__icontains=filters.query)
        )
    return complaints.order_by("respond_due_at", "received_at", "id")


# The queue's filter parameters, the only ones a saved filter keeps.
QUEUE_FILTER_KEYS = ("status", "team", "assignee", "category", "service", "overdue", "q")


def queue_query_clean(query: str) -> str:
    """A queue query string kept to the queue's filter keys, each value at most 100 characters."""
    pairs = parse_qsl((query or "").lstrip("?")[:2000], keep_blank_values=True)
    kept = [
        (key, value.replace("\x00", "")[:100]) for key, value in pairs if key in QUEUE_FILTER_KEYS
    ]
    return urlencode(kept)[:500]


def queue_filters_of(*, user: User, agency: Agency) -> QuerySet[SavedQueueFilter]:
    """The queue filters this person saved for this agency; nobody else's."""
    return SavedQueueFilter.objects.filter(user=user, agency=agency)


def access_queue_filter(*, user: User, agency: Agency, filter_id: int) -> SavedQueueFilter:
    """One of the person's own saved filters; Http404 alike for missing and someone else's."""
    saved = queue_filters_of(user=user, agency=agency).filter(pk=filter_id).first()
    if saved is None:
        raise Http404
    return saved


def teams_for_agency(*, agency: Agency) -> QuerySet[Team]:
    return Team.objects.filter(agency=agency).select_related("lead")


def category_for_agency(*, agency: Agency, category_id: int) -> Category | None:
    """One of the agency's complaint categories, or None when the agency has no such category."""
    return Category.objects.filter(agency=agency, pk=category_id).first()


def categories_for_agency(*, agency: Agency) -> QuerySet[Category]:
    return Category.objects.filter(agency=agency, is_active=True).select_related("parent")


def complaint_case(*, complaint: Complaint) -> dict[str, object]:
    """Everything the case page shows, internal notes apart from customer messages."""
    return {
        "transitions": list(complaint.transitions.select_related("actor")),
        "notes": list(complaint.notes.select_related("author")),
        "messages": list(
            complaint.messages.select_related("author").prefetch_related("attachments")
        ),
        "pauses": list(complaint.pauses.all()),
        "attachments": list(complaint.attachments.filter(message__isnull=True)),
        # Cases merged into this one, each with its conversation, files and history.
        "merged": list(
            complaint.duplicates.filter(status=Status.DUPLICATE).prefetch_related(
                "messages__attachments", "transitions", "attachments"
            )
        ),
        "split_cases": list(complaint.split_cases.all()),
        "follow_ups": list(complaint.follow_ups.all()),
    }


def access_attachment(
    *, user: User, agency_slug: str, complaint_id: int, attachment_id: int
) -> Attachment:
    """One attachment of a complaint the user may open (`access_complaint`)."""
    complaint = access_complaint(user=user, agency_slug=agency_slug, complaint_id=complaint_id)
    return get_object_or_404(
        Attachment.objects.select_related("complaint__agency"),
        complaint=complaint,
        pk=attachment_id,
    )


# --- escalation and standards --------------------------------------------------------------


def complaints_running_clocks() -> QuerySet[Complaint]:
    """Open complaints, and responded ones whose review window may have passed."""
    return Complaint.objects.filter(status__in=(*OPEN_STATUSES, Status.RESPONDED)).select_related(
        "agency", "team__lead", "assignee", "service", "category"
    )


@dataclass(frozen=True)
class DayTimeliness:
    day: date
    closed: int
    closed_timely: int


def complaint_timeliness_by_day(*, service: Service, start: date, end: date) -> list[DayTimeliness]:
    """Per day (the agency's local date of closing), complaints closed and closed on time.

    "On time" is the final-response clock of the complaint's SLA policy. For a posted
    service standard on complaint handling.
    """
    calendar = agency_calendar(agency=service.agency)
    low, high = calendar.span(start, end)
    rows = (
        Complaint.objects.filter(
            service=service,
            status=Status.CLOSED,
            closed_at__gte=low,
            closed_at__lt=high,
        )
        .annotate(day=TruncDate("closed_at", tzinfo=calendar.zone))
        .values("day")
        .annotate(closed=Count("id"), closed_timely=Count("id", filter=Q(final_timely=True)))
        .order_by("day")
    )
    return [
        DayTimeliness(day=row["day"], closed=row["closed"], closed_timely=row["closed_timely"])
        for row in rows
    ]


@dataclass(frozen=True)
class ServiceComplaintSpan:
    """One service's complaints over a span of days, as the public performance page needs."""

    received: int
    answered: int  # responded in the span, with an on-time flag
    answered_on_time: int
    days_to_respond: list[float]


def complaint_service_span(*, service: Service, start: date, end: date) -> ServiceComplaintSpan:
    """Complaints received in the span (duplicates left out), and those answered in it.

    "On time" is the response clock of the complaint's SLA policy (`Complaint.timely`), as
    the complaint measures count it; days to respond are the same days as theirs.
    """
    low, high = agency_calendar(agency=service.agency).span(start, end)
    complaints = Complaint.objects.filter(service=service).exclude(status=Status.DUPLICATE)
    received = complaints.filter(received_at__gte=low, received_at__lt=high).count()
    answered = list(
        complaints.filter(responded_at__gte=low, responded_at__lt=high).values_list(
            "received_at", "responded_at", "timely"
        )
    )
    known = [timely for _received, _responded, timely in answered if timely is not None]
    return ServiceComplaintSpan(
        received=received,
        answered=len(known),
        answered_on_time=sum(1 for timely in known if timely),
        days_to_respond=[days_between(got, done) for got, done, _timely in answered if done],
    )


def complaint_service_spans(
    *, spans: Mapping[int, tuple[datetime, datetime]]
) -> dict[int, ServiceComplaintSpan]:
    """`complaint_service_span` of many services at once, by service id; `spans` gives each
    service's bounds as its agency's calendar puts them (`AgencyCalendar.span`)."""
    if not spans:
        return {}
    low = min(bounds[0] for bounds in spans.values())
    high = max(bounds[1] for bounds in spans.values())
    rows = (
        Complaint.objects.filter(service_id__in=list(spans))
        .exclude(status=Status.DUPLICATE)
        .filter(
            Q(received_at__gte=low, received_at__lt=high)
            | Q(responded_at__gte=low, responded_at__lt=high)
        )
        .values_list("service_id", "received_at", "responded_at", "timely")
    )
    received: dict[int, int] = dict.fromkeys(spans, 0)
    answered: dict[int, list[tuple[datetime, datetime, bool | None]]] = {pk: [] for pk in spans}
    for service_id, got, done, timely in rows:
        start, end = spans[service_id]
        if got is not None and start <= got < end:
            received[service_id] += 1
        if done is not None and start <= done < end:
            answered[service_id].append((got, done, timely))
    found = {}
    for pk, items in answered.items():
        known = [timely for _received, _responded, timely in items if timely is not None]
        found[pk] = ServiceComplaintSpan(
            received=received[pk],
            answered=len(known),
            answered_on_time=sum(1 for timely in known if timely),
            days_to_respond=[days_between(got, done) for got, done, _timely in items if done],
        )
    return found


METRIC_DIMENSIONS = ("category", "issue", "service", "channel", "month")


def complaint_facts(*, agency: Agency, by: str) -> list[ComplaintFact]:
    """One fact per complaint of the agency, grouped by a dimension (call access_agency first)."""
    if by not in METRIC_DIMENSIONS:
        raise ValueError(f"by must be one of {', '.join(METRIC_DIMENSIONS)}")
    complaints = Complaint.objects.filter(agency=agency).select_related(
        "category__parent", "service"
    )
    calendar = agency_calendar(agency=agency)
    facts = []
    for complaint in complaints.iterator(chunk_size=2000):
        if by == "category":
            category = complaint.category
            group = (category.parent.name if category.parent else category.name) if category else ""
        elif by == "issue":
            group = complaint.category.name if complaint.category else ""
        elif by == "service":
            group = complaint.service.name if complaint.service else ""
        elif by == "channel":
            group = complaint.get_channel_display()
        else:
            group = calendar.local_month(complaint.received_at)
        days = None
        if complaint.responded_at is not None:
            days = days_between(complaint.received_at, complaint.responded_at)
        facts.append(
            ComplaintFact(
                group=group or "(none)",
                timely=complaint.timely,
                days_to_respond=days,
                disputed=complaint.review == "disputed",
            )
        )
    return facts


def complaints_public(*, agency: Agency) -> QuerySet[Complaint]:
    """Complaints for the public data set: everything but duplicates, oldest first."""
    return (
        Complaint.objects.filter(agency=agency)
        .exclude(status=Status.DUPLICATE)
        .select_related("category__parent", "service")
        .order_by("received_at", "id")
    )


def labelled_complaints(*, agency: Agency) -> tuple[list[str], list[str]]:
    """Texts and category ids of the agency's categorised complaints, for training."""
    rows = (
        Complaint.objects.filter(agency=agency, category__isnull=False)
        .exclude(what_happened="")
        .values_list("what_happened", "desired_resolution", "category_id")
        .order_by("id")
    )
    texts = [f"{what}\n{wanted}" for what, wanted, _category in rows]
    labels = [str(category) for _what, _wanted, category in rows]
    return texts, labels


def classifier_current(*, agency: Agency) -> ClassifierModel | None:
    """The agency's newest trained classifier, if any."""
    return ClassifierModel.objects.filter(agency=agency).order_by("-version").first()


@dataclass(frozen=True)
class LoadedClassifier:
    """An agency's newest classifier, read once and kept in this process."""

    pk: int
    version: int
    created_at: datetime
    model: LoadedModel


# agency id -> the newest classifier this process read. A retrained (or replaced) classifier is
# another row (id and time), so the next look-up misses and reads it; one entry per agency.
_CLASSIFIERS: dict[int, LoadedClassifier] = {}


def classifier_loaded(*, agency: Agency) -> LoadedClassifier | None:
    """The agency's newest classifier, ready to suggest, or None when it has none.

    Asks the database only which row is newest (not its bytes); the stored model is fetched and
    read once per row and process. Raises ClassifierFormatError when the newest row is not in
    the data format (it is not kept, so a retrained one replaces it).
    """
    newest = (
        ClassifierModel.objects.filter(agency=agency)
        .order_by("-version")
        .values_list("pk", "version", "created_at")
        .first()
    )
    if newest is None:
        _CLASSIFIERS.pop(agency.pk, None)
        return None
    pk, version, created_at = newest
    kept = _CLASSIFIERS.get(agency.pk)
    if kept is not None and (kept.pk, kept.created_at) == (pk, created_at):
        return kept
    blob = ClassifierModel.objects.filter(pk=pk).values_list("model", flat=True).first()
    if blob is None:
        return None
    loaded = LoadedClassifier(
        pk=pk, version=version, created_at=created_at, model=model_load(bytes(blob))
    )
    _CLASSIFIERS[agency.pk] = loaded
    return loaded


def narratives_for_agency(*, agency: Agency, limit: int = 20000) -> list[str]:
    """Complaint narratives of the agency, newest first (call access_agency first)."""
    return list(
        Complaint.objects.filter(agency=agency)
        .exclude(what_happened="")
        .order_by("-received_at")
        .values_list("what_happened", flat=True)[:limit]
    )


def routing_rules_for_agency(*, agency: Agency) -> QuerySet[RoutingRule]:
    return RoutingRule.objects.filter(agency=agency).select_related("team", "service", "category")


def sla_policies_for_agency(*, agency: Agency) -> QuerySet[SlaPolicy]:
    return SlaPolicy.objects.filter(agency=agency).select_related("service", "category")


# --- narratives on their way to the public ------------------------------------------------


def complaint_settings_for(*, agency: Agency) -> ComplaintSettings:
    """The agency's complaint settings, or the defaults (unsaved) when it has set none."""
    found = ComplaintSettings.objects.filter(agency=agency).first()
    return found if found is not None else ComplaintSettings(agency=agency)


def narrative_scrubbed(*, complaint: Complaint, settings: ComplaintSettings) -> str:
    """The narrative scrubbed with the agency's own case number formats: what a reviewer
    starts from."""
    patterns = case_patterns_compile(settings.case_number_patterns.splitlines())
    return scrub_narrative(complaint.what_happened, case_patterns=patterns)


def narrative_due(*, complaint: Complaint, settings: ComplaintSettings, now: datetime) -> bool:
    """Whether the agency has had its say: it responded (or closed the complaint), or the
    agency's waiting period since filing has passed."""
    if complaint.responded_at is not None or complaint.status == Status.CLOSED:
        return True
    days = settings.narrative_publish_after_days
    return days is not None and complaint.received_at + timedelta(days=days) <= now


def narrative_published(*, complaint: Complaint, settings: ComplaintSettings, now: datetime) -> str:
    """The narrative as every public feed shows it, or "" while it may not be shown.

    Shown only with the person's consent, once the agency has responded (or its waiting
    period passed), and only the text a reviewer approved (scrubbed, maybe edited), never
    the original. `settings` are the complaint's agency's (`complaint_settings_for`).
    """
    if not (
        complaint.consent_to_publish
        and complaint.narrative_review == NarrativeReview.APPROVED
        and complaint.narrative_public
    ):
        return ""
    return (
        complaint.narrative_public
        if narrative_due(complaint=complaint, settings=settings, now=now)
        else ""
    )


def access_narrative(*, user: User, agency_slug: str, complaint_id: int) -> Complaint:
    """A complaint whose narrative the user may review for publication in the agency in the
    URL: their role there holds `REVIEW_NARRATIVES` and `complaints_visible` lets them open the
    case (the original narrative is the complainant's own words)."""
    return _visible_complaint(
        queryset=Complaint.objects.select_related("agency"),
        user=user,
        agency_slug=agency_slug,
        complaint_id=complaint_id,
        need=Can.REVIEW_NARRATIVES,
    )


@dataclass(frozen=True)
class NarrativeItem:
    """One narrative in the review queue: the original beside the text to publish."""

    complaint: Complaint
    original: str
    proposed: str
    due: bool


NARRATIVE_STATES = tuple(NarrativeReview.values)


def narratives_in_state(*, agency: Agency, user: User, state: str) -> QuerySet[Complaint]:
    """Consented narratives of the complaints the user may open in one review state (the
    review queue's rows, and the staff home's count of those waiting)."""
    return (
        complaints_visible(user=user, agency=agency)
        .filter(consent_to_publish=True, narrative_review=state)
        .exclude(what_happened="")
        .exclude(status=Status.DUPLICATE)
    )


def narrative_review_queue(
    *, agency: Agency, user: User, state: str, now: datetime, limit: int = 50
) -> tuple[list[NarrativeItem], int]:
    """Consented narratives of the complaints the user may open (`complaints_visible`) in one
    review state, those the agency has already answered first, oldest first; and how many
    there are in that state (call access_agency with REVIEW_NARRATIVES first)."""
    settings = complaint_settings_for(agency=agency)
    complaints = narratives_in_state(agency=agency, user=user, state=state)
    total = complaints.count()
    rows = complaints.order_by(
        F("responded_at").asc(nulls_last=True), "received_at", "id"
    ).select_related("narrative_reviewer")[:limit]
    items = [
        NarrativeItem(
            complaint=complaint,
            original=complaint.what_happened,
            proposed=complaint.narrative_public
            if state == NarrativeReview.APPROVED
            else narrative_scrubbed(complaint=complaint, settings=settings),
            due=narrative_due(complaint=complaint, settings=settings, now=now),
        )
        for complaint in rows
    ]
    return items, total


def complaints_updated_by_agency() -> list[tuple[int, datetime]]:
    """(agency id, last change) of each agency's complaints, duplicates aside: the public feed's
    modified date."""
    rows = (
        Complaint.objects.exclude(status=Status.DUPLICATE)
        .order_by()
        .values_list("agency_id")
        .annotate(m=Max("updated_at"))
    )
    return [(agency_id, when) for agency_id, when in rows if when is not None]


def complaint_detail(*, complaint: Complaint) -> Complaint:
    """The complaint with its conversation, notes and relations, for the API's case read (call
    access_complaint first)."""
    return (
        Complaint.objects.filter(pk=complaint.pk)
        .select_related("agency", "service", "category", "team", "assignee")
        .prefetch_related(
            Prefetch(
                "messages",
                queryset=Message.objects.select_related("author").prefetch_related("attachments"),
            ),
            Prefetch("notes", queryset=Note.objects.select_related("author")),
        )
        .get()
    )


def agency_member_by_id(*, agency: Agency, user_id: int) -> User | None:
    """The person with an active role in the agency, or None; the assign service checks the role."""
    return (
        User.objects.filter(pk=user_id, memberships__agency=agency, memberships__is_active=True)
        .distinct()
        .first()
    )
