"""Every write of complaints: intake, the lifecycle state machine, assignment, notes,
messages, the customer's review and escalations. Each write records an audit event.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from functools import partial
from typing import Any, Required, TypedDict, Unpack
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cxgov.core.addresses import STATE_CODES, PostalAddress, zip_code_clean
from cxgov.core.bulk import planner_statistics_refresh
from cxgov.core.calendar import AgencyCalendar
from cxgov.core.languages import language_for
from cxgov.core.models import Agency, User
from cxgov.core.permissions import Can, user_can
from cxgov.core.selectors import agency_calendar
from cxgov.core.services import audit_record, fields_save
from cxgov.core.tasks import email_send, task_enqueue_with_write
from cxgov.insights import complaint_classifier, sla
from cxgov.insights.complaint_scrub import (
    PatternProblem,
    case_patterns_check,
    case_patterns_compile,
    scrub_narrative,
)
from cxgov.registry.models import Service

from .attachments import MAX_ATTACHMENTS, AttachmentCheck
from .importers import ImportedComplaint
from .inbound import InboundMail
from .models import (
    OPEN_STATUSES,
    RESPONSE_CATEGORY_CFPB,
    Attachment,
    CannedResponse,
    Category,
    Channel,
    ClassifierModel,
    Complaint,
    ComplaintSettings,
    Escalation,
    IntakeKey,
    Message,
    NarrativeReview,
    Note,
    Pause,
    ResponseCategory,
    Review,
    RoutingRule,
    SavedQueueFilter,
    SlaPolicy,
    Status,
    Team,
    Transition,
)
from .selectors import (
    NO_REPLY_STATUSES,
    TRACKING_ALPHABET,
    complaint_settings_for,
    intake_settings,
    narrative_scrubbed,
    queue_query_clean,
    sla_policy_for,
)
from .signals import complaint_changed_after_commit

logger = logging.getLogger(__name__)

# The longest message or response, as the forms allow.
MAX_MESSAGE_CHARS = 10000

# The state machine: from each status, where a complaint may go next.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.RECEIVED: frozenset(
        {
            Status.ACKNOWLEDGED,
            Status.IN_PROGRESS,
            Status.AWAITING_CUSTOMER,
            Status.RESPONDED,
            Status.REFERRED,
            Status.WITHDRAWN,
            Status.DUPLICATE,
        }
    ),
    Status.ACKNOWLEDGED: frozenset(
        {
            Status.IN_PROGRESS,
            Status.AWAITING_CUSTOMER,
            Status.RESPONDED,
            Status.REFERRED,
            Status.WITHDRAWN,
            Status.DUPLICATE,
        }
    ),
    Status.IN_PROGRESS: frozenset(
        {
            Status.AWAITING_CUSTOMER,
            Status.RESPONDED,
            Status.REFERRED,
            Status.WITHDRAWN,
            Status.DUPLICATE,
        }
    ),
    Status.AWAITING_CUSTOMER: frozenset(
        {Status.IN_PROGRESS, Status.RESPONDED, Status.WITHDRAWN, Status.DUPLICATE}
    ),
    Status.RESPONDED: frozenset({Status.CLOSED, Status.IN_PROGRESS}),
    Status.CLOSED: frozenset({Status.IN_PROGRESS}),
    Status.REFERRED: frozenset(),
    Status.WITHDRAWN: frozenset(),
    Status.DUPLICATE: frozenset(),
}


class TransitionError(ValidationError):
    """A status change the state machine does not allow."""


def tracking_number_new() -> str:
    """A readable, unguessable tracking number: C- and 12 base-32 characters (60 random bits)."""
    body = "".join(secrets.choice(TRACKING_ALPHABET) for _i in range(12))
    return f"C-{body[:4]}-{body[4:8]}-{body[8:]}"


def _tracking_numbers_unused(complaints: list[Complaint]) -> None:
    """Draw again each number of `complaints` that another complaint of any agency holds or
    that two of them share: a bulk import checks site-wide what the per-agency constraint does
    not (decision 0070), one query per 500 numbers."""
    numbers: set[str] = set()
    for start in range(0, len(complaints), 500):
        chunk = complaints[start : start + 500]
        held = set(
            Complaint.objects.filter(
                tracking_number__in=[c.tracking_number for c in chunk]
            ).values_list("tracking_number", flat=True)
        )
        for complaint in chunk:
            while complaint.tracking_number in held or complaint.tracking_number in numbers:
                complaint.tracking_number = tracking_number_new()
            numbers.add(complaint.tracking_number)


def _pauses(complaint: Complaint) -> list[sla.Pause]:
    return [(pause.started_at, pause.ended_at) for pause in complaint.pauses.all()]


def _deadlines_refresh(
    complaint: Complaint,
    *,
    policy: SlaPolicy,
    now: datetime,
    calendar: AgencyCalendar | None = None,
) -> None:
    """Recompute the three deadlines from the policy on the agency's calendar (weekends,
    federal holidays and its closed days skipped), skipping the days the clock paused."""
    calendar = calendar or agency_calendar(agency=complaint.agency)
    pauses = _pauses(complaint) if complaint.pk else []
    start = complaint.received_at
    complaint.acknowledge_due_at = calendar.due_at(
        start=start, days=policy.acknowledge_business_days, business_days=True
    )
    # The response and final deadlines run on the same clock; only their length differs.
    paused_due_at = partial(
        calendar.due_at,
        start=start,
        business_days=policy.respond_in_business_days,
        pauses=pauses,
        now=now,
    )
    complaint.respond_due_at = paused_due_at(days=policy.respond_days)
    complaint.final_due_at = paused_due_at(days=policy.final_days)


def _policy(complaint: Complaint) -> SlaPolicy:
    return sla_policy_for(
        agency=complaint.agency, service=complaint.service, category=complaint.category
    )


# The deadlines of each clock, and the moment that stops it: a clock already stopped keeps the
# deadline it was judged against.
_CLOCKS = (
    ("acknowledge_due_at", "acknowledged_at"),
    ("respond_due_at", "responded_at"),
    ("final_due_at", "closed_at"),
)


@transaction.atomic
def complaint_deadlines_recompute(
    *, agency: Agency, first: date, last: date, now: datetime | None = None
) -> dict[str, int]:
    """The agency's closed days changed between `first` and `last`: move the deadlines of its
    open complaints whose clocks run across those days onto the calendar as it is now.

    Only clocks still running move (an acknowledged complaint keeps the acknowledgment
    deadline it was judged against); closed, referred, withdrawn and duplicate complaints keep
    their record. A complaint awaiting the customer is left alone: its clock is paused, and its
    deadlines are set again on the calendar of the day the pause ends. Running it twice changes
    nothing the second time. Returns the count of
    complaints moved, for the one audit event of the change
    (`core.services.agency_calendar_recompute`).
    """
    now = now or timezone.now()
    calendar = agency_calendar(agency=agency)
    span_start, span_end = calendar.span(first, last)
    candidates = (
        Complaint.objects.filter(agency=agency, status__in=OPEN_STATUSES, received_at__lt=span_end)
        .exclude(status=Status.AWAITING_CUSTOMER)
        .filter(
            Q(acknowledge_due_at__gte=span_start)
            | Q(respond_due_at__gte=span_start)
            | Q(final_due_at__gte=span_start)
        )
        .select_related("agency", "service", "category")
        .prefetch_related("pauses")
        .order_by("pk")
    )
    policies: dict[tuple[int | None, int | None], SlaPolicy] = {}
    moved = 0
    for complaint in candidates.iterator(chunk_size=500):
        key = (complaint.service_id, complaint.category_id)
        if key not in policies:
            policies[key] = _policy(complaint)
        before = {field: getattr(complaint, field) for field, _stop in _CLOCKS}
        _deadlines_refresh(complaint, policy=policies[key], now=now, calendar=calendar)
        changed = []
        for field, stop in _CLOCKS:
            if getattr(complaint, stop) is not None:
                setattr(complaint, field, before[field])
            elif getattr(complaint, field) != before[field]:
                changed.append(field)
        if changed:
            complaint.save(update_fields=[*changed, "updated_at"])
            moved += 1
    return {"complaints": moved}


def _acknowledgment_enqueue(complaint: Complaint, *, site_url: str = "") -> None:
    """Queue the acknowledgment in the complaint's own transaction: both are stored, or neither."""
    from .tasks import complaint_acknowledgment_send

    task_enqueue_with_write(
        complaint_acknowledgment_send, complaint_id=complaint.pk, site_url=site_url
    )


def _intake_key_hash(*, scope: str, key: str) -> str:
    return hashlib.sha256(f"{scope}\x00{key}".encode()).hexdigest()


def _intake_request_hash(
    *, agency: Agency, service: Service | None, category: Category | None, text: str, email: str
) -> str:
    parts = [agency.pk, service.pk if service else "", category.pk if category else "", text, email]
    return hashlib.sha256("\x00".join(str(part) for part in parts).encode()).hexdigest()


def _complaint_for_key(*, agency: Agency, key_hash: str, request_hash: str) -> Complaint | None:
    """The complaint filed earlier with this key, or None; the key with another complaint is
    refused, so a key never reveals someone else's complaint."""
    earlier = (
        IntakeKey.objects.filter(agency=agency, key_hash=key_hash)
        .select_related("complaint")
        .first()
    )
    if earlier is None:
        return None
    if earlier.request_hash != request_hash:
        raise ValidationError(
            {
                "idempotency_key": _(
                    "This key was already used to file a different complaint. Send a new key "
                    "for a new complaint."
                )
            }
        )
    return earlier.complaint


class _KeyTakenError(Exception):
    """Another request with the same idempotency key filed its complaint first."""


class _TrackingNumberTakenError(Exception):
    """The complaint's INSERT failed, as when its tracking number is another's: draw again."""

    def __init__(self, error: IntegrityError) -> None:
        super().__init__(str(error))
        self.error = error


def _email_enqueue(*, subject: str, body: str, to: list[str]) -> None:
    recipients = [address for address in to if address]
    if recipients:
        transaction.on_commit(lambda: email_send.enqueue(subject=subject, body=body, to=recipients))


# Tracking numbers drawn for one complaint before giving up (60 random bits: a second draw is
# already one in a quintillion).
TRACKING_DRAWS = 5


def complaint_create(
    *,
    agency: Agency,
    what_happened: str,
    channel: str = Channel.WEB,
    actor: User | None = None,
    service: Service | None = None,
    category: Category | None = None,
    desired_resolution: str = "",
    contact_name: str = "",
    contact_email: str = "",
    contact_phone: str = "",
    postal_address: str = "",
    postal: PostalAddress | None = None,
    contact_preference: str = "email",
    consent_to_publish: bool = False,
    language: str = "en",
    received_at: datetime | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
    address_string: str = "",
    attributes: dict | None = None,
    media_url: str = "",
    source: str = "",
    source_ref: str = "",
    attachments: Sequence[UploadedFile | AttachmentCheck] = (),
    send_acknowledgment: bool = True,
    idempotency_key: str = "",
    idempotency_scope: str = "",
    site_url: str = "",
) -> Complaint:
    """File a complaint: tracking number, SLA deadlines, routing, and the acknowledgment email.

    Attachments are checked by content and size before anything is stored. The acknowledgment
    is queued in the same transaction (TaskQueueError stores nothing); its links start with
    `site_url` (the address the person used), else SITE_URL. With an
    `idempotency_key` (unique within `idempotency_scope`, who sent it), a retry of the same
    complaint returns the complaint first filed with the key and files nothing new.
    """
    if not what_happened.strip():
        raise ValidationError({"what_happened": _("Tell us what happened.")})
    if service is not None and service.agency_id != agency.pk:
        raise ValidationError({"service": _("This service belongs to another agency.")})
    if category is not None and category.agency_id != agency.pk:
        raise ValidationError({"category": _("This category belongs to another agency.")})
    if postal is not None:
        postal = _postal_checked(postal)
    checked = [
        item if isinstance(item, AttachmentCheck) else AttachmentCheck.of(item)
        for item in attachments
    ]
    key_hash = request_hash = ""
    if idempotency_key:
        key_hash = _intake_key_hash(scope=idempotency_scope, key=idempotency_key)
        request_hash = _intake_request_hash(
            agency=agency,
            service=service,
            category=category,
            text=what_happened.strip(),
            email=contact_email.strip().lower(),
        )
        earlier = _complaint_for_key(agency=agency, key_hash=key_hash, request_hash=request_hash)
        if earlier is not None:
            return earlier
    postal = postal or PostalAddress()
    complaint = Complaint(
        agency=agency,
        service=service,
        category=category,
        channel=Channel(channel),
        what_happened=what_happened.strip(),
        desired_resolution=desired_resolution.strip(),
        contact_name=contact_name.strip()[:200],
        contact_email=contact_email.strip().lower()[:254],
        contact_phone=contact_phone.strip()[:40],
        postal_address=postal_address.strip() or postal.formatted(),
        postal_line_1=postal.line_1.strip()[:200],
        postal_line_2=postal.line_2.strip()[:200],
        postal_city=postal.city.strip()[:100],
        postal_state=postal.state.strip()[:2],
        postal_zip=postal.zip_code.strip()[:10],
        contact_preference=contact_preference,
        consent_to_publish=consent_to_publish,
        # The complaint is written to in this language while its agency offers it.
        language=language_for(agency=agency, language=language),
        received_at=received_at or timezone.now(),
        latitude=latitude,
        longitude=longitude,
        address_string=address_string.strip()[:300],
        attributes=attributes or {},
        media_url=media_url[:500],
        open311_token=secrets.token_urlsafe(16) if channel == Channel.OPEN311 else "",
        source=source,
        source_ref=source_ref[:100],
    )
    store = partial(
        _complaint_store,
        complaint,
        actor=actor,
        checked=checked,
        send_acknowledgment=send_acknowledgment,
        key_hash=key_hash,
        request_hash=request_hash,
        site_url=site_url,
    )
    # Each attempt is the whole transaction (a savepoint only inside a caller's transaction):
    # a taken tracking number or idempotency key undoes it, with no savepoint round trips in
    # the common case where nothing is taken (decision 0065).
    draws_left = TRACKING_DRAWS
    while True:
        draws_left -= 1
        try:
            with transaction.atomic():
                return store()
        except _TrackingNumberTakenError as taken:
            if not draws_left:
                raise taken.error from None
        except _KeyTakenError:
            earlier = _complaint_for_key(
                agency=agency, key_hash=key_hash, request_hash=request_hash
            )
            if earlier is None:
                raise
            return earlier


def _postal_checked(postal: PostalAddress) -> PostalAddress:
    """The address with its ZIP code written the one way; an unknown state is refused."""
    if postal.state and postal.state not in STATE_CODES:
        raise ValidationError({"postal_state": _("Choose a state, territory or military post.")})
    if not postal.zip_code:
        return postal
    try:
        zip_code = zip_code_clean(postal.zip_code)
    except ValidationError as error:
        raise ValidationError({"postal_zip": error.messages}) from None
    return replace(postal, zip_code=zip_code)


def _complaint_store(
    complaint: Complaint,
    *,
    actor: User | None,
    checked: list[AttachmentCheck],
    send_acknowledgment: bool,
    key_hash: str,
    request_hash: str,
    site_url: str,
) -> Complaint:
    """Route, time and save the unsaved `complaint` with a fresh tracking number, with its first
    transition, attachments, intake key and acknowledgment: one attempt of `complaint_create`."""
    now = timezone.now()
    agency, service, category = complaint.agency, complaint.service, complaint.category
    # A retry keeps the time of the first attempt: the complaint was received once.
    complaint.received_at = complaint.received_at or now
    setup = intake_settings(agency=agency)
    complaint.team_id = setup.team_id_for(
        service=service,
        category=category,
        channel=complaint.channel,
        text=f"{complaint.what_happened} {complaint.desired_resolution}",
    )
    _deadlines_refresh(
        complaint,
        policy=setup.policy_for(agency=agency, service=service, category=category),
        now=now,
        calendar=agency_calendar(agency=agency, closures=setup.closures),
    )
    complaint.tracking_number = tracking_number_new()
    try:
        complaint.save(force_insert=True)
    except IntegrityError as error:
        # The transaction is undone and drawn again (complaint_create); PostgreSQL refuses any
        # statement after the error, so there is nothing to try here.
        raise _TrackingNumberTakenError(error) from error
    Transition.objects.create(
        agency_id=complaint.agency_id,
        complaint=complaint,
        from_status="",
        to_status=Status.RECEIVED,
        actor=actor,
        created_at=complaint.received_at,
    )
    for check in checked:
        check.stored(complaint).save()
    if category is None and setup.has_classifier:
        _suggestion_enqueue(complaint)
    if key_hash:
        try:
            IntakeKey.objects.create(
                agency_id=complaint.agency_id,
                complaint=complaint,
                key_hash=key_hash,
                request_hash=request_hash,
            )
        except IntegrityError:
            raise _KeyTakenError from None
    audit_record(
        actor=actor,
        action="complaint.create",
        target=complaint,
        data={"channel": complaint.channel, "attachments": len(checked)},
    )
    if send_acknowledgment and complaint.contact_email:
        _acknowledgment_enqueue(complaint, site_url=site_url)
    complaint_changed_after_commit(complaint, kind="created")
    return complaint


@transaction.atomic
def complaint_transition(
    *,
    complaint: Complaint,
    to_status: str,
    actor: User | None,
    reason: str = "",
    at: datetime | None = None,
    duplicate_of: Complaint | None = None,
    referred_to: str = "",
    site_url: str = "",
    notify_customer: bool = True,
) -> Complaint:
    """Move a complaint to another status: the one path for every status change.

    Records timestamps and timely flags, opens and closes pauses (the clock stops while
    awaiting the customer), recomputes deadlines and writes the transition and audit event.
    A closed complaint's customer is emailed (links from `site_url`, else SITE_URL) unless
    `notify_customer` is false (history loaded after the fact).
    """
    complaint = Complaint.objects.select_for_update().select_related("agency").get(pk=complaint.pk)
    now = at or timezone.now()
    source = complaint.status
    target = Status(to_status)
    if target not in TRANSITIONS[source]:
        raise TransitionError(
            _("A complaint that is %(from)s cannot become %(to)s.")
            % {"from": Status(source).label, "to": target.label}
        )
    if target == Status.DUPLICATE:
        if duplicate_of is None or duplicate_of.pk == complaint.pk:
            raise TransitionError(_("Name the complaint this one duplicates."))
        if duplicate_of.agency_id != complaint.agency_id:
            raise TransitionError(_("A duplicate must link to a complaint of the same agency."))
        complaint.duplicate_of = duplicate_of
    if target == Status.REFERRED:
        if not referred_to.strip():
            raise TransitionError(_("Name the agency the complaint is referred to."))
        complaint.referred_to = referred_to.strip()[:300]

    policy = _policy(complaint)
    if source == Status.AWAITING_CUSTOMER:
        complaint.pauses.filter(ended_at__isnull=True).update(ended_at=now)
    if target == Status.AWAITING_CUSTOMER:
        Pause.objects.create(agency_id=complaint.agency_id, complaint=complaint, started_at=now)
    if source == Status.RECEIVED and complaint.acknowledged_at is None:
        complaint.acknowledged_at = now
        complaint.acknowledged_timely = bool(
            complaint.acknowledge_due_at
            and sla.is_timely(done_at=now, deadline=complaint.acknowledge_due_at)
        )
    _deadlines_refresh(complaint, policy=policy, now=now)
    if target == Status.RESPONDED:
        if complaint.responded_at is None:
            complaint.responded_at = now
            complaint.timely = bool(
                complaint.respond_due_at
                and sla.is_timely(done_at=now, deadline=complaint.respond_due_at)
            )
        complaint.review_due_at = now + timedelta(days=policy.review_days)
    if target == Status.CLOSED:
        complaint.closed_at = now
        complaint.final_timely = bool(
            complaint.final_due_at and sla.is_timely(done_at=now, deadline=complaint.final_due_at)
        )
        closed_id = complaint.pk
        transaction.on_commit(lambda: _post_resolution_survey(closed_id))
        if notify_customer:
            _notice_enqueue(complaint, kind="closure", site_url=site_url)
    if target == Status.IN_PROGRESS and source in (Status.RESPONDED, Status.CLOSED):
        complaint.closed_at = None
        complaint.final_timely = None
    complaint.status = target
    complaint.save()
    complaint.transitions.create(
        agency_id=complaint.agency_id,
        from_status=source,
        to_status=target,
        actor=actor,
        reason=reason.strip(),
        created_at=now,
    )
    audit_record(
        actor=actor,
        action="complaint.transition",
        target=complaint,
        data={"from": source, "to": str(target), "reason": reason.strip()[:500]},
    )
    if target == Status.RESPONDED:
        complaint_changed_after_commit(complaint, kind="responded", change="status")
    else:
        complaint_changed_after_commit(complaint, kind="updated", change="status")
    return complaint


def _post_resolution_survey(complaint_id: int) -> None:
    from cxgov.complaints.integrations import post_resolution_survey_invite

    post_resolution_survey_invite(complaint_id=complaint_id)


@transaction.atomic
def complaint_review(*, complaint: Complaint, decision: str, comment: str = "") -> Complaint:
    """The customer accepts the response (the case closes) or disputes it (the case reopens).

    Allowed while the review window is open, on a responded or closed complaint.
    """
    now = timezone.now()
    complaint = Complaint.objects.select_related("agency").get(pk=complaint.pk)
    if complaint.status not in (Status.RESPONDED, Status.CLOSED) or complaint.review:
        raise ValidationError({"decision": _("This complaint is not waiting for your review.")})
    if complaint.review_due_at is None or now > complaint.review_due_at:
        raise ValidationError({"decision": _("The time to review this response has passed.")})
    review = Review(decision)
    if review == Review.NONE:
        raise ValidationError({"decision": _("Choose whether you accept the response.")})
    if comment.strip():
        Message.objects.create(
            agency_id=complaint.agency_id,
            complaint=complaint,
            direction=Message.Direction.FROM_CUSTOMER,
            body=comment.strip(),
            via=Message.Via.WEB,
        )
    Complaint.objects.filter(pk=complaint.pk).update(review=review, reviewed_at=now)
    audit_record(
        actor=None,
        action="complaint.review",
        target=complaint,
        data={"decision": str(review)},
    )
    if review == Review.DISPUTED:
        return complaint_transition(
            complaint=complaint, to_status=Status.IN_PROGRESS, actor=None, reason="dispute"
        )
    if complaint.status == Status.RESPONDED:
        return complaint_transition(
            complaint=complaint, to_status=Status.CLOSED, actor=None, reason="accepted"
        )
    complaint.refresh_from_db()
    return complaint


@transaction.atomic
def complaint_assign(
    *, complaint: Complaint, actor: User, assignee: User | None, team: Team | None = None
) -> Complaint:
    """Give a complaint to a person (and optionally a team) of its agency."""
    if team is not None and team.agency_id != complaint.agency_id:
        raise ValidationError({"team": _("This team belongs to another agency.")})
    if (
        assignee is not None
        and not assignee.memberships.active().filter(agency_id=complaint.agency_id).exists()
    ):
        raise ValidationError({"assignee": _("This person is not a member of the agency.")})
    if assignee is not None and not user_can(
        user=assignee, agency=complaint.agency, need=Can.WORK_ASSIGNED_COMPLAINTS
    ):
        # Their role may not open cases (oversight, analysts): the case would hang unread.
        raise ValidationError({"assignee": _("This person's role does not work complaint cases.")})
    complaint.assignee = assignee
    if team is not None:
        complaint.team = team
    complaint.save(update_fields=["assignee", "team", "updated_at"])
    audit_record(
        actor=actor,
        action="complaint.assign",
        target=complaint,
        data={"assignee": assignee.email if assignee else "", "team": str(team or "")},
    )
    complaint_changed_after_commit(complaint, kind="updated", change="assignment")
    return complaint


@transaction.atomic
def complaints_assign_bulk(
    *, agency: Agency, complaint_ids: Sequence[int], actor: User, assignee: User | None
) -> int:
    """Assign many complaints of one agency at once; ids of other agencies are ignored."""
    count = 0
    for complaint in Complaint.objects.filter(agency=agency, pk__in=list(complaint_ids)):
        complaint_assign(complaint=complaint, actor=actor, assignee=assignee)
        count += 1
    return count


@transaction.atomic
def complaint_categorize(*, complaint: Complaint, actor: User, category: Category) -> Complaint:
    """Set (confirm or change) the complaint's category; the next training learns from it."""
    if category.agency_id != complaint.agency_id:
        raise ValidationError({"category": _("This category belongs to another agency.")})
    previous = complaint.category_id
    fields_save(
        actor=actor,
        instance=complaint,
        fields={"category": category},
        action="complaint.categorize",
        data={
            "from": previous,
            "to": category.pk,
            "suggested": complaint.suggested_category_id,
        },
    )
    complaint_changed_after_commit(complaint, kind="updated", change="category")
    return complaint


@transaction.atomic
def complaint_note_add(*, complaint: Complaint, actor: User, body: str) -> Note:
    """An internal note for staff; the customer never sees it."""
    if not body.strip():
        raise ValidationError({"body": _("Write the note.")})
    note = Note.objects.create(
        agency_id=complaint.agency_id, complaint=complaint, author=actor, body=body.strip()
    )
    audit_record(actor=actor, action="complaint.note", target=complaint)
    return note


# --- the conversation with the customer -----------------------------------------------------


def _notice_enqueue(
    complaint: Complaint, *, kind: str, message: Message | None = None, site_url: str = ""
) -> None:
    """Queue an email to the customer (in their language, with a signed link) in this write."""
    if not complaint.contact_email:
        return
    from .tasks import complaint_notice_send

    task_enqueue_with_write(
        complaint_notice_send,
        complaint_id=complaint.pk,
        kind=kind,
        message_id=message.pk if message else None,
        site_url=site_url,
    )


def _checked(attachments: Sequence[UploadedFile | AttachmentCheck]) -> list[AttachmentCheck]:
    if len(attachments) > MAX_ATTACHMENTS:
        raise ValidationError({"attachments": _("Attach at most 3 files.")})
    return [
        item if isinstance(item, AttachmentCheck) else AttachmentCheck.of(item)
        for item in attachments
    ]


def _message_store(
    *,
    complaint: Complaint,
    direction: str,
    body: str,
    checked: list[AttachmentCheck],
    author: User | None = None,
    via: str = Message.Via.STAFF,
    response_category: str = "",
    email_message_id: str = "",
) -> Message:
    message = Message.objects.create(
        agency_id=complaint.agency_id,
        complaint=complaint,
        direction=direction,
        author=author,
        body=body,
        via=via,
        response_category=response_category,
        email_message_id=email_message_id,
    )
    for check in checked:
        check.stored(complaint, message).save()
    complaint_changed_after_commit(complaint, kind="updated", change="message", message=message)
    return message


def _clean_text(body: str, *, field: str, missing: str) -> str:
    text = (body or "").replace("\x00", "").strip()
    if not text:
        raise ValidationError({field: missing})
    if len(text) > MAX_MESSAGE_CHARS:
        raise ValidationError(
            {field: _("Keep it under %(n)s characters.") % {"n": f"{MAX_MESSAGE_CHARS:,}"}}
        )
    return text


@transaction.atomic
def complaint_message_send(
    *,
    complaint: Complaint,
    actor: User,
    body: str,
    attachments: Sequence[UploadedFile | AttachmentCheck] = (),
    await_reply: bool = False,
    site_url: str = "",
) -> Message:
    """A message to the customer: shown on the status page and emailed with a signed link.

    With `await_reply` the complaint waits for the customer (the clock pauses) until they
    answer. Files are checked by content before anything is stored.
    """
    text = _clean_text(body, field="body", missing=_("Write the message."))
    checked = _checked(attachments)
    message = _message_store(
        complaint=complaint,
        direction=Message.Direction.TO_CUSTOMER,
        body=text,
        checked=checked,
        author=actor,
    )
    if await_reply and complaint.status != Status.AWAITING_CUSTOMER:
        complaint_transition(
            complaint=complaint,
            to_status=Status.AWAITING_CUSTOMER,
            actor=actor,
            reason="question to the customer",
        )
    _notice_enqueue(complaint, kind="message", message=message, site_url=site_url)
    audit_record(
        actor=actor,
        action="complaint.message",
        target=complaint,
        data={"attachments": len(checked), "await_reply": await_reply},
    )
    return message


@transaction.atomic
def complaint_reply_add(
    *,
    complaint: Complaint,
    body: str,
    attachments: Sequence[UploadedFile | AttachmentCheck] = (),
    via: str = Message.Via.WEB,
    email_message_id: str = "",
    site_url: str = "",
) -> Message:
    """The customer's message, from the status page or by email.

    A reply to a complaint waiting for the customer restarts its clock (the pause ends). A
    reply to a closed complaint opens a follow-up case, linked to it, which holds the message
    (`message.complaint`; decision 0035). The assignee, else the team lead, is told by email,
    without the customer's words.
    """
    complaint = Complaint.objects.select_for_update().select_related("agency").get(pk=complaint.pk)
    if complaint.status == Status.DUPLICATE and complaint.duplicate_of is not None:
        raise ValidationError(
            {
                "body": _("We handle this complaint with complaint %(number)s: write to us there.")
                % {"number": complaint.duplicate_of.tracking_number}
            }
        )
    if complaint.status in NO_REPLY_STATUSES:
        raise ValidationError(
            {"body": _("This complaint no longer takes messages. File a new complaint instead.")}
        )
    text = _clean_text(body, field="body", missing=_("Write your message."))
    checked = _checked(attachments)
    if complaint.status == Status.CLOSED:
        # Decision 0035: a closed case stays closed; the message opens a follow-up case.
        complaint = _follow_up_open(complaint, text=text, via=via, site_url=site_url)
    message = _message_store(
        complaint=complaint,
        direction=Message.Direction.FROM_CUSTOMER,
        body=text,
        checked=checked,
        via=via,
        email_message_id=email_message_id[:250],
    )
    if complaint.status == Status.AWAITING_CUSTOMER:
        complaint_transition(
            complaint=complaint,
            to_status=Status.IN_PROGRESS,
            actor=None,
            reason="the customer replied",
        )
    audit_record(
        actor=None,
        action="complaint.reply",
        target=complaint,
        data={"via": str(via), "attachments": len(checked)},
    )
    staff = complaint.assignee or (complaint.team.lead if complaint.team else None)
    if staff is not None and staff.email:
        base = (site_url or settings.SITE_URL).rstrip("/")
        case_path = reverse(
            "complaints:case",
            kwargs={"slug": complaint.agency.slug, "complaint_id": complaint.pk},
        )
        _email_enqueue(
            subject=_("The customer wrote about complaint %(number)s")
            % {"number": complaint.tracking_number},
            body=f"{base}{case_path}",
            to=[staff.email],
        )
    return message


def _contact_of(complaint: Complaint) -> dict[str, Any]:
    """The person's contact details and language, as `complaint_create` takes them, for a case
    opened from another (a follow-up or a split)."""
    return {
        "contact_name": complaint.contact_name,
        "contact_email": complaint.contact_email,
        "contact_phone": complaint.contact_phone,
        "postal_address": complaint.postal_address,
        "postal": PostalAddress(
            line_1=complaint.postal_line_1,
            line_2=complaint.postal_line_2,
            city=complaint.postal_city,
            state=complaint.postal_state,
            zip_code=complaint.postal_zip,
        ),
        "contact_preference": complaint.contact_preference,
        "language": complaint.language,
    }


def _follow_up_open(closed: Complaint, *, text: str, via: str, site_url: str) -> Complaint:
    """A new case for the customer's message about a closed one: same customer, service,
    category, team and assignee, linked to it, acknowledged with its own tracking number."""
    follow_up = complaint_create(
        agency=closed.agency,
        what_happened=text,
        channel=Channel.EMAIL if via == Message.Via.EMAIL else Channel.WEB,
        service=closed.service,
        category=closed.category,
        **_contact_of(closed),
        source="follow_up",
        source_ref=closed.tracking_number,
        site_url=site_url,
    )
    follow_up.follow_up_of = closed
    follow_up.team = closed.team or follow_up.team
    follow_up.assignee = closed.assignee
    follow_up.save(update_fields=["follow_up_of", "team", "assignee", "updated_at"])
    audit_record(
        actor=None,
        action="complaint.follow_up",
        target=closed,
        data={"follow_up": follow_up.tracking_number, "via": str(via)},
    )
    return follow_up


def _response_target(complaint: Complaint, category: ResponseCategory) -> str:
    """The status a response moves the complaint to: "In progress" keeps it open."""
    if category == ResponseCategory.IN_PROGRESS:
        return Status.IN_PROGRESS
    return Status.RESPONDED


@transaction.atomic
def complaint_respond(
    *,
    complaint: Complaint,
    actor: User,
    body: str,
    category: str,
    attachments: Sequence[UploadedFile | AttachmentCheck] = (),
    site_url: str = "",
) -> Message:
    """The agency's response: text, files and a CFPB-like category, emailed to the customer.

    Any category but "In progress" makes the complaint responded: the customer then accepts or
    disputes it (a dispute reopens it). "In progress" tells the customer where things stand
    and keeps the case open. A response after a dispute clears the earlier review, so the
    customer can answer the new one; the dispute stays in the history and the audit trail.
    """
    complaint = Complaint.objects.select_for_update().select_related("agency").get(pk=complaint.pk)
    try:
        chosen = ResponseCategory(category)
    except ValueError:
        raise ValidationError({"category": _("Choose a response category.")}) from None
    text = _clean_text(body, field="body", missing=_("Write the response."))
    target = _response_target(complaint, chosen)
    # Only an "In progress" response may leave the status as it is.
    stays = target == complaint.status == Status.IN_PROGRESS
    if not stays and target not in TRANSITIONS[complaint.status]:
        raise TransitionError(
            _("A complaint that is %(from)s cannot get a response now.")
            % {"from": Status(complaint.status).label}
        )
    checked = _checked(attachments)
    message = _message_store(
        complaint=complaint,
        direction=Message.Direction.TO_CUSTOMER,
        body=text,
        checked=checked,
        author=actor,
        response_category=chosen,
    )
    Complaint.objects.filter(pk=complaint.pk).update(
        company_response=RESPONSE_CATEGORY_CFPB[chosen],
        **({"review": Review.NONE, "reviewed_at": None} if target == Status.RESPONDED else {}),
    )
    if not stays:
        complaint_transition(
            complaint=complaint, to_status=target, actor=actor, reason=f"response: {chosen.value}"
        )
    _notice_enqueue(complaint, kind="response", message=message, site_url=site_url)
    audit_record(
        actor=actor,
        action="complaint.respond",
        target=complaint,
        data={"category": chosen.value, "attachments": len(checked)},
    )
    return message


@transaction.atomic
def canned_response_save(
    *,
    agency: Agency,
    actor: User,
    title: str,
    body: str,
    body_es: str = "",
    response_category: str = "",
    is_active: bool = True,
    canned: CannedResponse | None = None,
) -> CannedResponse:
    """Add a canned response of the agency, or change `canned`."""
    if canned is not None and canned.agency_id != agency.pk:
        raise ValidationError({"title": _("This canned response belongs to another agency.")})
    title = title.strip()[:200]
    if not title or not body.strip():
        raise ValidationError({"body": _("Give a title and the English text.")})
    if response_category and response_category not in ResponseCategory.values:
        raise ValidationError({"response_category": _("Choose a response category.")})
    taken = CannedResponse.objects.filter(agency=agency, title=title)
    if canned is not None:
        taken = taken.exclude(pk=canned.pk)
    if taken.exists():
        raise ValidationError({"title": _("A canned response with this title already exists.")})
    saved = canned or CannedResponse(agency=agency)
    saved.title = title
    saved.body = body.replace("\x00", "").strip()[:MAX_MESSAGE_CHARS]
    saved.body_es = body_es.replace("\x00", "").strip()[:MAX_MESSAGE_CHARS]
    saved.response_category = response_category
    saved.is_active = is_active
    saved.save()
    audit_record(
        actor=actor,
        action="complaint.canned_response.save",
        agency=agency,
        target=saved,
        data={"created": canned is None},
    )
    return saved


# --- inbound email -------------------------------------------------------------------------


class InboundOutcome(StrEnum):
    THREADED = "threaded"
    CREATED = "created"
    AUTOMATIC = "automatic"
    DUPLICATE = "duplicate"
    UNMATCHED = "unmatched"
    REFUSED = "refused"
    BOUNCED_INVITATION = "bounced_invitation"


def _inbound_case(mail: InboundMail) -> Complaint | None:
    """The complaint a mail answers: a tracking number it names, sent from that complaint's
    own email address (as on the status page, the number alone is not enough)."""
    from .selectors import complaint_by_tracking_number, normalize_tracking_number

    for raw in mail.tracking_numbers():
        complaint = complaint_by_tracking_number(tracking_number=normalize_tracking_number(raw))
        if complaint is not None and hmac.compare_digest(
            complaint.contact_email.lower().encode(), mail.sender.encode()
        ):
            return complaint
    return None


def _invitation_bounces_record(mail: InboundMail) -> bool:
    """Mark bounced the survey invitations a bounce names (by their signed Message-ID); True
    when it names any, even if they were bounced already (the same report read again)."""
    from cxgov.surveys.distribution import invitation_id_of_message
    from cxgov.surveys.services import invitation_bounce_reported

    named = [invitation_id_of_message(ident) for ident in mail.bounced_message_ids]
    for invitation_id in dict.fromkeys(ident for ident in named if ident is not None):
        invitation_bounce_reported(invitation_id=invitation_id)
    return any(ident is not None for ident in named)


def inbound_mail_receive(*, mail: InboundMail, agency: Agency | None) -> InboundOutcome:
    """File one email: a reply threads into its complaint, other mail becomes a complaint of
    `agency` for triage, a bounce of a survey invitation marks that invitation bounced, and
    other bounces and auto-replies change nothing.

    A mail already filed (same Message-ID) is not filed again. Files that fail the attachment
    checks are left out and named in the message.
    """
    if mail.automatic:
        if _invitation_bounces_record(mail):
            return InboundOutcome.BOUNCED_INVITATION
        return InboundOutcome.AUTOMATIC
    if mail.message_id and (
        Message.objects.filter(email_message_id=mail.message_id).exists()
        or Complaint.objects.filter(source="email", source_ref=mail.message_id[:100]).exists()
    ):
        return InboundOutcome.DUPLICATE
    checked: list[AttachmentCheck] = []
    left_out: list[str] = []
    for file in mail.files:
        try:
            if len(checked) >= MAX_ATTACHMENTS:
                raise ValidationError({"attachments": _("Attach at most 3 files.")})
            checked.append(AttachmentCheck.of_bytes(name=file.name, content=file.content))
        except ValidationError:
            left_out.append(file.name[:200])
    body = mail.body or mail.subject
    if left_out:
        body += "\n\n[" + _("Files not kept: %(names)s") % {"names": ", ".join(left_out)} + "]"
    complaint = _inbound_case(mail)
    try:
        if complaint is not None:
            complaint_reply_add(
                complaint=complaint,
                body=body or _("(empty email)"),
                attachments=checked,
                via=Message.Via.EMAIL,
                email_message_id=mail.message_id,
            )
            return InboundOutcome.THREADED
        if agency is None:
            return InboundOutcome.UNMATCHED
        complaint_create(
            agency=agency,
            what_happened=f"{mail.subject}\n\n{body}".strip() or _("(empty email)"),
            channel=Channel.EMAIL,
            contact_name=mail.sender_name,
            contact_email=mail.sender,
            language=mail.language,
            source="email",
            source_ref=mail.message_id[:100],
            attachments=checked,
        )
    except ValidationError:
        return InboundOutcome.REFUSED
    return InboundOutcome.CREATED


@transaction.atomic
def followup_case_open(
    *,
    agency: Agency,
    service: Service | None,
    contact_email: str,
    summary: str,
    source: str,
    source_ref: str,
) -> Complaint:
    """Open a follow-up case for a survey respondent who had a poor experience.

    Idempotent per (source, source_ref): a second call returns the case already open.
    """
    existing = Complaint.objects.filter(
        agency=agency, source=source, source_ref=source_ref[:100]
    ).first()
    if existing is not None and source_ref:
        return existing
    return complaint_create(
        agency=agency,
        service=service,
        what_happened=summary or _("Follow-up of a survey response."),
        channel=Channel.SURVEY_FOLLOWUP,
        contact_email=contact_email,
        source=source,
        source_ref=source_ref,
    )


@dataclass(frozen=True)
class EscalationResult:
    """What one escalation run did."""

    due_soon: int
    overdue: int
    closed_after_review_window: int


def _clock(complaint: Complaint) -> tuple[str, datetime | None]:
    if complaint.status == Status.RECEIVED:
        return "acknowledge", complaint.acknowledge_due_at
    if complaint.responded_at is None:
        return "respond", complaint.respond_due_at
    return "final", complaint.final_due_at


@transaction.atomic
def complaints_escalate(*, now: datetime | None = None) -> EscalationResult:
    """Warn the assignee and team lead of clocks due soon or overdue, once per deadline.

    Clocks paused while awaiting the customer are not escalated. Responded complaints whose
    review window passed without an answer are closed.
    """
    from .selectors import complaints_running_clocks

    moment = now or timezone.now()
    due_soon = overdue = closed = 0
    calendars: dict[int, AgencyCalendar] = {}
    for complaint in complaints_running_clocks():
        if complaint.status == Status.RESPONDED:
            if complaint.review_due_at and moment > complaint.review_due_at:
                complaint_transition(
                    complaint=complaint,
                    to_status=Status.CLOSED,
                    actor=None,
                    reason="review window passed",
                    at=moment,
                )
                closed += 1
            continue
        if complaint.status == Status.AWAITING_CUSTOMER:
            continue
        clock, deadline = _clock(complaint)
        if deadline is None:
            continue
        policy = _policy(complaint)
        if complaint.agency_id not in calendars:
            calendars[complaint.agency_id] = agency_calendar(agency=complaint.agency)
        state = calendars[complaint.agency_id].clock_state(
            now=moment,
            deadline=deadline,
            due_soon_business_days=policy.due_soon_business_days,
        )
        if state.state == "ok":
            continue
        if Escalation.objects.filter(
            complaint=complaint, clock=clock, level=state.state, deadline=deadline
        ).exists():
            continue
        recipients = [
            user.email
            for user in (complaint.assignee, complaint.team.lead if complaint.team else None)
            if user is not None
        ]
        Escalation.objects.create(
            agency_id=complaint.agency_id,
            complaint=complaint,
            clock=clock,
            level=state.state,
            deadline=deadline,
            notified=recipients,
            created_at=moment,
        )
        body = render_to_string(
            "complaints/email/escalation.txt",
            {"complaint": complaint, "clock": clock, "level": state.state, "deadline": deadline},
        )
        subject = (
            _("Overdue complaint %(number)s")
            if state.state == "overdue"
            else _("Complaint %(number)s is due soon")
        ) % {"number": complaint.tracking_number}
        _email_enqueue(subject=subject, body=body, to=recipients)
        audit_record(
            actor=None,
            action=f"complaint.escalate.{state.state}",
            target=complaint,
            data={"clock": clock, "deadline": deadline.isoformat(), "notified": recipients},
        )
        if state.state == "overdue":
            overdue += 1
        else:
            due_soon += 1
    return EscalationResult(due_soon=due_soon, overdue=overdue, closed_after_review_window=closed)


@dataclass(frozen=True)
class ImportResult:
    created: int
    skipped: int
    categories_created: int


@transaction.atomic
def complaints_import(
    *, agency: Agency, rows: Sequence[ImportedComplaint], actor: User | None, source: str = "cfpb"
) -> ImportResult:
    """Add parsed historical complaints in one transaction, keyed by the source's ids.

    Products become top-level categories and issues their children; rows whose id is already
    imported are skipped, so running the same file twice changes nothing.
    """
    zone = ZoneInfo(agency.time_zone)
    existing = set(
        Complaint.objects.filter(agency=agency, source=source).values_list("source_ref", flat=True)
    )
    categories: dict[tuple[str, str], Category] = {}
    created_categories = 0

    def category_for(product: str, issue: str) -> Category:
        nonlocal created_categories
        key = (product, issue)
        if key not in categories:
            parent, made_parent = Category.objects.get_or_create(
                agency=agency, parent=None, name=product
            )
            child, made_child = Category.objects.get_or_create(
                agency=agency, parent=parent, name=issue
            )
            created_categories += int(made_parent) + int(made_child)
            categories[key] = child
        return categories[key]

    new: list[Complaint] = []
    skipped = 0
    for row in rows:
        if row.source_id in existing:
            skipped += 1
            continue
        existing.add(row.source_id)
        received_at = datetime.combine(row.received, time(12), tzinfo=zone)
        new.append(
            Complaint(
                agency=agency,
                category=category_for(row.product, row.issue),
                tracking_number=tracking_number_new(),
                status=Status.IN_PROGRESS if row.in_progress else Status.CLOSED,
                channel=row.channel,
                source=source,
                source_ref=row.source_id,
                what_happened=row.narrative,
                consent_to_publish=row.consent and bool(row.narrative),
                company_response=row.company_response,
                attributes={**row.extra, "submitted_via": row.submitted_via},
                received_at=received_at,
                timely=row.timely,
                review=Review.DISPUTED if row.disputed else Review.NONE,
            )
        )
    _tracking_numbers_unused(new)
    Complaint.objects.bulk_create(new, batch_size=500)
    Transition.objects.bulk_create(
        [
            Transition(
                agency_id=complaint.agency_id,
                complaint=complaint,
                from_status="",
                to_status=complaint.status,
                reason=f"imported from {source}",
                created_at=complaint.received_at,
            )
            for complaint in new
        ],
        batch_size=500,
    )
    planner_statistics_refresh(tables=[Complaint, Transition], rows=len(new))
    audit_record(
        actor=actor,
        action="complaint.import",
        agency=agency,
        data={"source": source, "created": len(new), "skipped": skipped},
    )
    return ImportResult(created=len(new), skipped=skipped, categories_created=created_categories)


@transaction.atomic
def complaint_classifier_train(*, agency: Agency, actor: User | None) -> ClassifierModel:
    """Train a new version on the agency's categorised complaints (staff corrections included).

    Raises ValidationError when there are too few labelled complaints.
    """
    from .selectors import labelled_complaints

    texts, labels = labelled_complaints(agency=agency)
    try:
        trained = complaint_classifier.train(texts, labels)
    except ValueError as error:
        raise ValidationError(str(error)) from None
    last = ClassifierModel.objects.filter(agency=agency).order_by("-version").first()
    stored = ClassifierModel.objects.create(
        agency=agency,
        version=(last.version + 1) if last else 1,
        model=trained.model,
        labels=trained.labels,
        accuracy=trained.accuracy,
        macro_f1=trained.macro_f1,
        n_train=trained.n_train,
        n_test=trained.n_test,
    )
    audit_record(
        actor=actor,
        action="complaint.classifier.train",
        target=stored,
        data={
            "version": stored.version,
            "accuracy": round(trained.accuracy, 4),
            "macro_f1": round(trained.macro_f1, 4),
            "n": trained.n_train + trained.n_test,
        },
    )
    return stored


def complaint_categories_suggest(*, complaint_ids: Sequence[int]) -> int:
    """Fill the suggested category and confidence of these complaints from their agency's
    newest classifier, one prediction per agency for all of them; returns how many got one.

    Run by the worker after intake (`tasks.complaint_category_suggest`), and in bulk by the
    demo. A complaint staff categorised meanwhile, or one already suggested, is left alone.
    """
    from .selectors import classifier_loaded

    pending = list(
        Complaint.objects.filter(
            pk__in=complaint_ids, category__isnull=True, suggested_category__isnull=True
        )
        .select_related("agency")
        .only("pk", "what_happened", "desired_resolution", "agency")
        .order_by("pk")
    )
    by_agency: dict[int, list[Complaint]] = {}
    for complaint in pending:
        by_agency.setdefault(complaint.agency_id, []).append(complaint)
    filled = 0
    for complaints in by_agency.values():
        agency = complaints[0].agency
        try:
            current = classifier_loaded(agency=agency)
        except complaint_classifier.ClassifierFormatError as error:
            # The complaints stay filed; staff categorise them and retrain the classifier.
            logger.warning(
                "the classifier of %s is not used: %s (cxgov train_complaint_classifier "
                "--agency %s)",
                agency.slug,
                error,
                agency.slug,
            )
            continue
        if current is None:
            continue
        texts = [f"{c.what_happened}\n{c.desired_resolution}" for c in complaints]
        suggestions = complaint_classifier.loaded_suggest(current.model, texts)
        labels = {int(label) for label, _confidence in suggestions if label.isdigit()}
        existing = set(
            Category.objects.filter(agency=agency, pk__in=labels).values_list("pk", flat=True)
        )
        for complaint, (label, confidence) in zip(complaints, suggestions, strict=True):
            if not label.isdigit() or int(label) not in existing:
                continue
            filled += Complaint.objects.filter(
                pk=complaint.pk, category__isnull=True, suggested_category__isnull=True
            ).update(suggested_category_id=int(label), suggested_confidence=round(confidence, 4))
    return filled


def _suggestion_enqueue(complaint: Complaint) -> None:
    """Ask the worker for the category suggestion (the caller knows the agency has a
    classifier); the complaint is filed and shown without one meanwhile (decision 0064)."""
    from .tasks import complaint_category_suggest

    task_enqueue_with_write(complaint_category_suggest, complaint_id=complaint.pk)


@transaction.atomic
def category_create(
    *,
    agency: Agency,
    actor: User,
    name: str,
    name_es: str = "",
    parent: Category | None = None,
    extra_fields: list | None = None,
) -> Category:
    """Add a category (a product, or an issue beneath one) to the agency's taxonomy."""
    if parent is not None and parent.agency_id != agency.pk:
        raise ValidationError({"parent": _("This category belongs to another agency.")})
    if Category.objects.filter(agency=agency, parent=parent, name=name.strip()).exists():
        raise ValidationError({"name": _("A category with this name already exists here.")})
    category = Category.objects.create(
        agency=agency,
        parent=parent,
        name=name.strip()[:200],
        name_es=name_es.strip()[:200],
        extra_fields=extra_fields or [],
    )
    audit_record(actor=actor, action="complaint.category.create", target=category)
    return category


# The category every accessibility barrier report is filed under (OMB M-24-08), its questions
# (asked as Open311 attributes too) and the promise made for it: acknowledge the next business
# day, answer in ten business days, finish within thirty days.
BARRIER_CATEGORY_NAME = "Accessibility barrier"
BARRIER_CATEGORY_NAME_ES = "Barrera de accesibilidad"
BARRIER_FIELDS = [
    {
        "code": "page_url",
        "datatype": "string",
        "required": True,
        "description": "The page or place where you met the barrier",
    },
    {
        "code": "assistive_technology",
        "datatype": "string",
        "required": False,
        "description": "Assistive technology you used, if any",
    },
]
BARRIER_SLA = {
    "acknowledge_business_days": 1,
    "respond_days": 10,
    "respond_in_business_days": True,
    "final_days": 30,
}


@transaction.atomic
def barrier_category_ensure(*, agency: Agency) -> Category:
    """The agency's "Accessibility barrier" category, created with its SLA policy on first use.

    An agency that changed the category's policy keeps its own: only a missing category or
    policy is created. The agency row is locked so two first reports make one category.
    """
    Agency.objects.select_for_update().filter(pk=agency.pk).first()
    category = Category.objects.filter(
        agency=agency, parent=None, name=BARRIER_CATEGORY_NAME
    ).first()
    if category is None:
        category = Category.objects.create(
            agency=agency,
            name=BARRIER_CATEGORY_NAME,
            name_es=BARRIER_CATEGORY_NAME_ES,
            extra_fields=BARRIER_FIELDS,
        )
        audit_record(actor=None, action="complaint.category.create", target=category)
    policy, created = SlaPolicy.objects.get_or_create(
        agency=agency, service=None, category=category, defaults=BARRIER_SLA
    )
    if created:
        audit_record(
            actor=None,
            action="complaint.sla_policy.save",
            target=policy,
            data={"respond_days": policy.respond_days, "final_days": policy.final_days},
        )
    return category


class Filing(TypedDict, total=False):
    """What a public form passes alike to `complaint_create`: the agency, how to reach the
    person (`postal`: the mailing address of someone who asks for a letter), the page
    language and the idempotency key. Left out, each takes `complaint_create`'s default."""

    agency: Required[Agency]
    contact_name: str
    contact_email: str
    contact_phone: str
    contact_preference: str
    postal: PostalAddress | None
    language: str
    idempotency_key: str


@transaction.atomic
def barrier_report_create(
    *, page_url: str, what_happened: str, assistive_technology: str = "", **filing: Unpack[Filing]
) -> Complaint:
    """File an accessibility barrier report: a complaint in the barrier category, through
    `complaint_create`, with the page and assistive technology as the category's attributes."""
    if not page_url.strip():
        raise ValidationError({"page_url": _("Tell us the page where you met the barrier.")})
    attributes = {"page_url": page_url.strip()[:500]}
    if assistive_technology.strip():
        attributes["assistive_technology"] = assistive_technology.strip()[:200]
    return complaint_create(
        category=barrier_category_ensure(agency=filing["agency"]),
        what_happened=what_happened,
        attributes=attributes,
        channel=Channel.WEB,
        idempotency_scope="web-barrier",
        **filing,
    )


@transaction.atomic
def team_create(*, agency: Agency, actor: User, name: str, lead: User | None = None) -> Team:
    """Add a team of complaint handlers, with a lead who hears of escalations."""
    if Team.objects.filter(agency=agency, name=name.strip()).exists():
        raise ValidationError({"name": _("A team with this name already exists.")})
    if lead is not None and not lead.memberships.active().filter(agency=agency).exists():
        raise ValidationError({"lead": _("This person is not a member of the agency.")})
    team = Team.objects.create(agency=agency, name=name.strip()[:200], lead=lead)
    audit_record(actor=actor, action="complaint.team.create", target=team)
    return team


def _check_same_agency(agency: Agency, **related: Team | Service | Category | None) -> None:
    """A ValidationError naming the first given object that belongs to another agency."""
    for field, value in related.items():
        if value is not None and value.agency_id != agency.pk:
            raise ValidationError({field: _("This belongs to another agency.")})


@transaction.atomic
def routing_rule_create(
    *,
    agency: Agency,
    actor: User,
    team: Team,
    service: Service | None = None,
    category: Category | None = None,
    channel: str = "",
    keywords: str = "",
    position: int = 0,
) -> RoutingRule:
    """Send complaints matching every given condition to a team."""
    _check_same_agency(agency, team=team, service=service, category=category)
    rule = RoutingRule.objects.create(
        agency=agency,
        team=team,
        service=service,
        category=category,
        channel=channel,
        keywords=keywords.strip()[:500],
        position=position,
    )
    audit_record(actor=actor, action="complaint.routing_rule.create", target=rule)
    return rule


@transaction.atomic
def sla_policy_save(
    *,
    agency: Agency,
    actor: User,
    service: Service | None = None,
    category: Category | None = None,
    acknowledge_business_days: int,
    respond_days: int,
    final_days: int,
    respond_in_business_days: bool = False,
    due_soon_business_days: int = 2,
    review_days: int = 30,
) -> SlaPolicy:
    """Create or replace the SLA policy of one scope (agency, service, category).

    Deadlines of complaints already filed keep their dates until their clock next changes.
    """
    _check_same_agency(agency, service=service, category=category)
    if not acknowledge_business_days <= respond_days <= final_days and not respond_in_business_days:
        raise ValidationError(
            {"final_days": _("Acknowledge, respond and final deadlines must not go backwards.")}
        )
    policy, _created = SlaPolicy.objects.update_or_create(
        agency=agency,
        service=service,
        category=category,
        defaults={
            "acknowledge_business_days": acknowledge_business_days,
            "respond_days": respond_days,
            "final_days": final_days,
            "respond_in_business_days": respond_in_business_days,
            "due_soon_business_days": due_soon_business_days,
            "review_days": review_days,
        },
    )
    audit_record(
        actor=actor,
        action="complaint.sla_policy.save",
        agency=agency,
        target=policy,
        data={"respond_days": respond_days, "final_days": final_days},
    )
    return policy


# --- narratives for the public data -------------------------------------------------------

MAX_NARRATIVE = 10000


@dataclass(frozen=True)
class NarrativeApproval:
    """What approving did: whether the reviewer changed the proposed text, and whether the
    scrubber still found something in the reviewer's text (then it was removed)."""

    complaint: Complaint
    edited: bool
    rescrubbed: bool


def narrative_approve(*, complaint: Complaint, actor: User, text: str) -> NarrativeApproval:
    """Approve the text the public will read for this narrative (the scrubbed one, or the
    reviewer's edit of it). The approved text is scrubbed once more, so an edit cannot bring
    back what the scrubber removes. It reaches the public once the agency has responded."""
    if not complaint.consent_to_publish:
        raise ValidationError(
            {"text": _("The person did not consent to publishing this narrative.")}
        )
    cleaned = text.replace("\x00", "").replace("\r\n", "\n").strip()
    if not cleaned:
        raise ValidationError({"text": _("Give the text to publish, or withhold the narrative.")})
    if len(cleaned) > MAX_NARRATIVE:
        raise ValidationError({"text": _("The text is longer than 10,000 characters.")})
    settings = complaint_settings_for(agency=complaint.agency)
    proposed = narrative_scrubbed(complaint=complaint, settings=settings)
    patterns = case_patterns_compile(settings.case_number_patterns.splitlines())
    final = scrub_narrative(cleaned, case_patterns=patterns)
    edited = cleaned != proposed.strip()
    _narrative_decide(
        complaint=complaint,
        actor=actor,
        review=NarrativeReview.APPROVED,
        action="complaint.narrative.approve",
        public_text=final,
        data={"edited": edited, "rescrubbed": final != cleaned, "characters": len(final)},
    )
    return NarrativeApproval(complaint=complaint, edited=edited, rescrubbed=final != cleaned)


def narrative_withhold(*, complaint: Complaint, actor: User, reason: str = "") -> Complaint:
    """Keep the narrative out of the public data (also after an earlier approval)."""
    _narrative_decide(
        complaint=complaint,
        actor=actor,
        review=NarrativeReview.WITHHELD,
        action="complaint.narrative.withhold",
        public_text="",
        data={"reason": reason.strip()[:500]},
    )
    return complaint


def _narrative_decide(
    *,
    complaint: Complaint,
    actor: User,
    review: str,
    action: str,
    public_text: str,
    data: dict[str, object],
) -> None:
    """Record a reviewer's decision and the text the public may read; audited."""
    complaint.narrative_review = review
    complaint.narrative_public = public_text
    complaint.narrative_reviewer = actor
    complaint.narrative_reviewed_at = timezone.now()
    complaint.save(
        update_fields=[
            "narrative_review",
            "narrative_public",
            "narrative_reviewer",
            "narrative_reviewed_at",
            "updated_at",
        ]
    )
    audit_record(
        actor=actor,
        action=action,
        target=complaint,
        data=data,
    )


def _pattern_message(problem: PatternProblem) -> str:
    reasons = {
        "too_long": _("it is longer than %(detail)s characters."),
        "invalid": _("it is not a regular expression (%(detail)s)."),
        "backreference": _("back-references such as \\1 are not allowed."),
        "nested_repeat": _(
            "a repeated group holds another repetition, such as (a+)+, which can take "
            "exponential time: write the repetition once."
        ),
        "matches_empty": _("it matches an empty text."),
        "matches_ordinary": _("it matches the ordinary text “%(detail)s”: make it more specific."),
    }
    if problem.code == "too_many":
        return _("Give at most 20 patterns, not %(n)s.") % {"n": problem.detail}
    reason = reasons[problem.code] % {"detail": problem.detail}
    return _("Pattern %(line)s (%(pattern)s): %(reason)s") % {
        "line": problem.line,
        "pattern": problem.pattern[:60],
        "reason": reason,
    }


def complaint_settings_save(
    *,
    agency: Agency,
    actor: User,
    narrative_publish_after_days: int | None,
    case_number_patterns: str,
) -> ComplaintSettings:
    """Save when narratives may be published without a response, and the agency's own claim
    and case number formats (each checked to be a safe regular expression)."""
    lines = [line.strip() for line in case_number_patterns.splitlines() if line.strip()]
    problems = case_patterns_check(lines)
    if problems:
        raise ValidationError({"case_number_patterns": [_pattern_message(p) for p in problems]})
    if narrative_publish_after_days is not None and not 0 <= narrative_publish_after_days <= 3650:
        raise ValidationError(
            {"narrative_publish_after_days": _("Give a number of days from 0 to 3650.")}
        )
    saved, _created = ComplaintSettings.objects.update_or_create(
        agency=agency,
        defaults={
            "narrative_publish_after_days": narrative_publish_after_days,
            "case_number_patterns": "\n".join(lines),
        },
    )
    audit_record(
        actor=actor,
        action="complaint.settings.save",
        agency=agency,
        target=saved,
        data={
            "narrative_publish_after_days": narrative_publish_after_days,
            "case_number_patterns": lines,
        },
    )
    return saved


# --- case tools: merge, split, bulk status change, saved queue filters ----------------------


@transaction.atomic
def complaint_merge(
    *, complaint: Complaint, into: Complaint, actor: User, reason: str = "", site_url: str = ""
) -> Complaint:
    """Merge a duplicate case into the case that carries on (`into`), and return that case.

    Nothing is copied or moved: the merged case keeps its messages, files and history, which
    the surviving case page shows, and takes the surviving case's team and assignee so that
    whoever works one may open the other. The merged case becomes a duplicate "merged into"
    the surviving number; its customer is told so in a message, and its status page points
    to the surviving case. Cases already merged into it follow it to the surviving case.
    """
    merged = Complaint.objects.select_for_update().select_related("agency").get(pk=complaint.pk)
    survivor = Complaint.objects.select_for_update().get(pk=into.pk)
    if merged.pk == survivor.pk:
        raise ValidationError({"into": _("A complaint cannot be merged into itself.")})
    if merged.agency_id != survivor.agency_id:
        raise ValidationError(
            {"into": _("A duplicate must link to a complaint of the same agency.")}
        )
    if merged.status not in OPEN_STATUSES:
        raise ValidationError(
            {
                "into": _(
                    "Only an open complaint can be merged into another. This one is %(status)s."
                )
                % {"status": Status(merged.status).label}
            }
        )
    if survivor.status in NO_REPLY_STATUSES:
        raise ValidationError(
            {
                "into": _(
                    "Complaint %(number)s is %(status)s: merge into the case that carries on."
                )
                % {"number": survivor.tracking_number, "status": Status(survivor.status).label}
            }
        )
    if merged.contact_email:
        with translation.override(merged.language):
            text = _(
                "We are handling your complaint together with complaint %(number)s. From now "
                "on, follow it and write to us there."
            ) % {"number": survivor.tracking_number}
        complaint_message_send(complaint=merged, actor=actor, body=text, site_url=site_url)
    note = f"merged into {survivor.tracking_number}"
    complaint_transition(
        complaint=merged,
        to_status=Status.DUPLICATE,
        actor=actor,
        reason=f"{note}: {reason.strip()}" if reason.strip() else note,
        duplicate_of=survivor,
        notify_customer=False,
    )
    Complaint.objects.filter(pk=merged.pk).update(team=survivor.team, assignee=survivor.assignee)
    Complaint.objects.filter(duplicate_of=merged).update(duplicate_of=survivor)
    audit_record(
        actor=actor,
        action="complaint.merge",
        target=merged,
        data={"into": survivor.tracking_number, "reason": reason.strip()[:500]},
    )
    audit_record(
        actor=actor,
        action="complaint.merge.receive",
        target=survivor,
        data={"from": merged.tracking_number},
    )
    complaint_changed_after_commit(survivor, kind="updated", change="merge")
    survivor.refresh_from_db()
    return survivor


def _attachment_copy(
    attachment: Attachment, *, complaint: Complaint, message: Message | None
) -> None:
    """A copy of the file under a new random name, so either case may lose its own."""
    with attachment.file.open("rb") as stored:
        content = stored.read()
    # Stored the way a new upload is; the file passed the checks when it first came.
    checked = AttachmentCheck(
        name=attachment.original_name,
        content=content,
        content_type=attachment.content_type,
        extension=attachment.file.name.rsplit(".", 1)[-1][:8],
    )
    copy = checked.stored(complaint, message)
    copy.created_at = attachment.created_at
    copy.save()


@transaction.atomic
def complaint_split(
    *,
    complaint: Complaint,
    actor: User,
    what_happened: str,
    message_ids: Sequence[int] = (),
    attachment_ids: Sequence[int] = (),
    move: bool = False,
    category: Category | None = None,
    site_url: str = "",
) -> Complaint:
    """A new case from part of one: `what_happened` is its narrative, the chosen messages and
    files are copied (or, with `move`, moved) to it, and the two are linked both ways.

    The new case has the customer's contact details, language, service and channel, is routed
    like any complaint (to the original's team when no rule matches) and is acknowledged to the
    customer with its own tracking number. Moved messages take their files with them; a
    copied response is copied as a plain message (the new case has not been answered yet).
    """
    original = Complaint.objects.select_for_update().select_related("agency").get(pk=complaint.pk)
    if original.status in NO_REPLY_STATUSES:
        raise ValidationError(
            {
                "what_happened": _("A complaint that is %(status)s cannot be split.")
                % {"status": Status(original.status).label}
            }
        )
    messages = list(original.messages.filter(pk__in=list(message_ids)))
    attachments = list(original.attachments.filter(pk__in=list(attachment_ids)))
    if len(messages) != len(set(message_ids)) or len(attachments) != len(set(attachment_ids)):
        raise ValidationError({"message_ids": _("Choose messages and files of this complaint.")})
    split = complaint_create(
        agency=original.agency,
        what_happened=what_happened,
        channel=original.channel,
        actor=actor,
        service=original.service,
        category=category if category is not None else original.category,
        **_contact_of(original),
        source="split",
        source_ref=original.tracking_number,
        site_url=site_url,
    )
    split.split_from = original
    if split.team_id is None:
        split.team = original.team
    split.save(update_fields=["split_from", "team", "updated_at"])
    moved_with_message = {a.pk for a in attachments if a.message_id in {m.pk for m in messages}}
    if move:
        Message.objects.filter(pk__in=[m.pk for m in messages]).update(complaint=split)
        Attachment.objects.filter(message__in=[m.pk for m in messages]).update(complaint=split)
        Attachment.objects.filter(
            pk__in=[a.pk for a in attachments if a.pk not in moved_with_message]
        ).update(complaint=split, message=None)
    else:
        for message in messages:
            copy = Message.objects.create(
                agency_id=split.agency_id,
                complaint=split,
                direction=message.direction,
                author=message.author,
                body=message.body,
                via=message.via,
                created_at=message.created_at,
            )
            for attachment in message.attachments.all():
                _attachment_copy(attachment, complaint=split, message=copy)
        for attachment in attachments:
            if attachment.pk not in moved_with_message:
                _attachment_copy(attachment, complaint=split, message=None)
    data = {
        "messages": len(messages),
        "attachments": len(attachments),
        "moved": move,
    }
    audit_record(
        actor=actor,
        action="complaint.split",
        target=original,
        data={"into": split.tracking_number, **data},
    )
    audit_record(
        actor=actor,
        action="complaint.split.receive",
        target=split,
        data={"from": original.tracking_number, **data},
    )
    complaint_changed_after_commit(original, kind="updated", change="split")
    return split


# Statuses a bulk change may set: those that need nothing more than a reason.
BULK_STATUSES = (Status.ACKNOWLEDGED, Status.IN_PROGRESS, Status.CLOSED, Status.WITHDRAWN)


@dataclass(frozen=True)
class BulkTransitionResult:
    """Which complaints moved, and which could not, each with why."""

    moved: list[Complaint]
    refused: list[tuple[Complaint, str]]


@transaction.atomic
def complaints_transition_bulk(
    *,
    agency: Agency,
    complaint_ids: Sequence[int],
    actor: User,
    to_status: str,
    reason: str,
    site_url: str = "",
) -> BulkTransitionResult:
    """Move many complaints of one agency to one status, with one reason.

    Each complaint moves only where the state machine allows; those that cannot are returned
    with the reason, never silently skipped. Ids of other agencies are ignored.
    """
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the change.")})
    if to_status not in BULK_STATUSES:
        raise ValidationError({"to_status": _("Choose a status that can be set for many cases.")})
    target = Status(to_status)
    moved: list[Complaint] = []
    refused: list[tuple[Complaint, str]] = []
    complaints = Complaint.objects.filter(agency=agency, pk__in=list(complaint_ids))
    for complaint in complaints.order_by("tracking_number"):
        if complaint.status == target:
            refused.append((complaint, _("It is already %(status)s.") % {"status": target.label}))
            continue
        try:
            with transaction.atomic():
                moved.append(
                    complaint_transition(
                        complaint=complaint,
                        to_status=target,
                        actor=actor,
                        reason=reason,
                        site_url=site_url,
                    )
                )
        except ValidationError as error:
            refused.append((complaint, " ".join(error.messages)))
    audit_record(
        actor=actor,
        action="complaint.transition_bulk",
        agency=agency,
        data={
            "to": str(target),
            "reason": reason.strip()[:500],
            "moved": [c.tracking_number for c in moved],
            "refused": [c.tracking_number for c, _why in refused],
        },
    )
    return BulkTransitionResult(moved=moved, refused=refused)


@transaction.atomic
def queue_filter_save(*, user: User, agency: Agency, name: str, query: str) -> SavedQueueFilter:
    """Save the queue's filters under a name for this person (the same name is replaced)."""
    name = name.replace("\x00", "").strip()[:100]
    if not name:
        raise ValidationError({"name": _("Name the filter.")})
    saved, created = SavedQueueFilter.objects.update_or_create(
        user=user, agency=agency, name=name, defaults={"query": queue_query_clean(query)}
    )
    audit_record(
        actor=user,
        action="complaint.queue_filter.save",
        agency=agency,
        target=saved,
        data={"created": created},
    )
    return saved


@transaction.atomic
def queue_filter_delete(*, user: User, saved: SavedQueueFilter) -> None:
    """Delete one of this person's saved queue filters."""
    if saved.user_id != user.pk:
        raise ValidationError({"name": _("This filter is someone else's.")})
    audit_record(
        actor=user,
        action="complaint.queue_filter.delete",
        agency=saved.agency,
        target=saved,
        data={"name": saved.name},
    )
    saved.delete()
