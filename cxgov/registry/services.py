"""Every write to the service inventory. Each is atomic and leaves an audit event."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.text import slugify

from cxgov.complaints.models import FINAL_STATUSES, Attachment, Complaint, Transition
from cxgov.core.models import Agency, User
from cxgov.core.services import (
    audit_log_partitions_purge,
    audit_record,
    fields_apply,
    object_create,
    object_update,
    position_move_record,
    related_replace,
    status_change,
)
from cxgov.core.services_prepared import prepared_files_discard
from cxgov.registry.models import (
    DIGITAL_KINDS,
    Channel,
    ChannelClosure,
    ChannelVolume,
    CustomerSegment,
    OpeningHours,
    RetentionPolicy,
    Service,
    ServiceStage,
    ServiceStatus,
)
from cxgov.standards.services import events_months_purge
from cxgov.surveys.models import Invitation, Response, ResponseDraft
from cxgov.surveys.services import responses_months_purge
from cxgov.webhooks.models import Attempt, Delivery, DeliveryStatus

DEFAULT_STAGES = [("Start", "Inicio"), ("Process", "Proceso"), ("End", "Fin")]


def _next_position(siblings: QuerySet[Any]) -> int:
    """A position after the last of these siblings, leaving room to insert between."""
    last = siblings.order_by("-position").values_list("position", flat=True).first() or 0
    return last + 10


def unique_slug(*, agency: Agency, name: str, exclude_id: int | None = None) -> str:
    """A slug for a service name that no other service of the agency uses."""
    base = slugify(name)[:70] or "service"
    slug, counter = base, 2
    taken = Service.objects.filter(agency=agency)
    if exclude_id is not None:
        taken = taken.exclude(pk=exclude_id)
    while taken.filter(slug=slug).exists():
        slug, counter = f"{base}-{counter}", counter + 1
    return slug


@transaction.atomic
def agency_create(*, actor: User | None, name: str, slug: str, **fields: Any) -> Agency:
    """Create an agency."""
    agency = Agency(name=name, slug=slug, **fields)
    agency.full_clean()
    agency.save()
    audit_record(actor=actor, action="agency.create", agency=agency, target=agency)
    return agency


@transaction.atomic
def agency_update(*, actor: User | None, agency: Agency, **fields: Any) -> dict[str, list[Any]]:
    """Change an agency's fields; returns what changed."""
    return object_update(
        actor=actor, instance=agency, fields=fields, action="agency.update", agency=agency
    )


@transaction.atomic
def service_create(
    *,
    actor: User | None,
    agency: Agency,
    name: str,
    slug: str = "",
    segments: Iterable[CustomerSegment] = (),
    **fields: Any,
) -> Service:
    """Create a service with the default start, process and end stages."""
    service = Service(
        agency=agency, name=name, slug=slug or unique_slug(agency=agency, name=name), **fields
    )
    service.full_clean()
    service.save()
    service.segments.set(segments)
    ServiceStage.objects.bulk_create(
        ServiceStage(service=service, name=en, name_es=es, position=(i + 1) * 10)
        for i, (en, es) in enumerate(DEFAULT_STAGES)
    )
    audit_record(actor=actor, action="service.create", agency=agency, target=service)
    return service


@transaction.atomic
def service_update(
    *,
    actor: User | None,
    service: Service,
    segments: Iterable[CustomerSegment] | None = None,
    **fields: Any,
) -> dict[str, list[Any]]:
    """Change a service's fields and, if given, its segments; returns what changed."""
    changed = fields_apply(instance=service, fields=fields)
    if segments is not None:
        change = related_replace(related=service.segments, objects=segments, key="name")
        if change:
            changed["segments"] = change
    if changed:
        audit_record(
            actor=actor,
            action="service.update",
            target=service,
            data=changed,
        )
    return changed


@transaction.atomic
def service_publish(*, actor: User | None, service: Service) -> Service:
    """Show the service on the public site."""
    return status_change(
        actor=actor, instance=service, status=ServiceStatus.PUBLISHED, agency=service.agency
    )


@transaction.atomic
def service_archive(*, actor: User | None, service: Service) -> Service:
    """Take the service off the public site, keeping its history."""
    return status_change(
        actor=actor, instance=service, status=ServiceStatus.ARCHIVED, agency=service.agency
    )


@transaction.atomic
def service_unpublish(*, actor: User | None, service: Service) -> Service:
    """Return the service to draft."""
    return status_change(
        actor=actor, instance=service, status=ServiceStatus.DRAFT, agency=service.agency
    )


@transaction.atomic
def segment_create(
    *, actor: User | None, agency: Agency, name: str, **fields: Any
) -> CustomerSegment:
    """Create a customer segment of an agency."""
    return object_create(
        actor=actor,
        instance=CustomerSegment(agency=agency, name=name, **fields),
        action="segment.create",
        agency=agency,
    )


@transaction.atomic
def segment_update(
    *, actor: User | None, segment: CustomerSegment, **fields: Any
) -> dict[str, list[Any]]:
    """Change a customer segment; returns what changed."""
    return object_update(
        actor=actor, instance=segment, fields=fields, action="segment.update", agency=segment.agency
    )


@transaction.atomic
def segment_delete(*, actor: User | None, segment: CustomerSegment) -> None:
    """Remove a customer segment (services keep existing without it)."""
    audit_record(actor=actor, action="segment.delete", target=segment)
    segment.delete()


@transaction.atomic
def stage_create(*, actor: User | None, service: Service, name: str, **fields: Any) -> ServiceStage:
    """Add a journey stage at the end of the service's stages."""
    fields.setdefault("position", _next_position(service.stages.all()))
    return object_create(
        actor=actor,
        instance=ServiceStage(service=service, name=name, **fields),
        action="stage.create",
        agency=service.agency,
    )


@transaction.atomic
def stage_update(*, actor: User | None, stage: ServiceStage, **fields: Any) -> dict[str, list[Any]]:
    """Change a journey stage; returns what changed."""
    return object_update(
        actor=actor,
        instance=stage,
        fields=fields,
        action="stage.update",
        agency=stage.service.agency,
    )


@transaction.atomic
def stage_move(*, actor: User | None, stage: ServiceStage, offset: int) -> None:
    """Move a stage up (negative offset) or down among its service's stages."""
    position_move_record(
        actor=actor,
        items=stage.service.stages.all(),
        item=stage,
        offset=offset,
        action="stage.move",
        agency=stage.service.agency,
    )


@transaction.atomic
def stage_delete(*, actor: User | None, stage: ServiceStage) -> None:
    """Remove a journey stage."""
    audit_record(actor=actor, action="stage.delete", agency=stage.service.agency, target=stage)
    stage.delete()


@transaction.atomic
def channel_create(
    *, actor: User | None, service: Service, kind: str, name: str, **fields: Any
) -> Channel:
    """Add a channel to a service; digital unless said otherwise when its kind is digital."""
    fields.setdefault("is_digital", kind in DIGITAL_KINDS)
    fields.setdefault("position", _next_position(service.channels.all()))
    return object_create(
        actor=actor,
        instance=Channel(service=service, kind=kind, name=name, **fields),
        action="channel.create",
        agency=service.agency,
    )


@transaction.atomic
def channel_update(*, actor: User | None, channel: Channel, **fields: Any) -> dict[str, list[Any]]:
    """Change a channel; returns what changed."""
    return object_update(
        actor=actor,
        instance=channel,
        fields=fields,
        action="channel.update",
        agency=channel.service.agency,
    )


@transaction.atomic
def channel_volume_record(
    *,
    actor: User | None,
    channel: Channel,
    fiscal_year: str,
    annual_volume: int | None,
    annual_enquiries: int | None,
) -> str:
    """Keep a channel's volumes for one fiscal year; "created", "updated" or "unchanged"."""
    values = {"annual_volume": annual_volume, "annual_enquiries": annual_enquiries}
    existing = ChannelVolume.objects.filter(channel=channel, fiscal_year=fiscal_year).first()
    if existing is not None and all(getattr(existing, k) == v for k, v in values.items()):
        return "unchanged"
    if existing is None:
        ChannelVolume.objects.create(channel=channel, fiscal_year=fiscal_year, **values)
    else:
        fields_apply(instance=existing, fields=values)
    audit_record(
        actor=actor,
        action="channel.volume_record",
        agency=channel.service.agency,
        target=channel,
        data={"fiscal_year": fiscal_year, **values},
    )
    return "created" if existing is None else "updated"


def channel_delete(*, actor: User | None, channel: Channel) -> None:
    """Remove a channel from its service."""
    audit_record(
        actor=actor, action="channel.delete", agency=channel.service.agency, target=channel
    )
    channel.delete()


@transaction.atomic
def channel_hours_set(
    *,
    actor: User | None,
    channel: Channel,
    weekly_hours: Mapping[int, Iterable[tuple[time, time]]],
) -> None:
    """Replace a channel's weekly opening hours (weekday 0 = Monday)."""
    before = [str(h) for h in channel.hours.all()]
    channel.hours.all().delete()
    rows = [
        OpeningHours(channel=channel, weekday=weekday, opens=opens, closes=closes)
        for weekday, intervals in weekly_hours.items()
        for opens, closes in intervals
    ]
    for row in rows:
        row.full_clean(exclude=["channel"])
    OpeningHours.objects.bulk_create(rows)
    after = [str(h) for h in channel.hours.all()]
    if before != after:
        audit_record(
            actor=actor,
            action="channel.hours",
            agency=channel.service.agency,
            target=channel,
            data={"hours": [before, after]},
        )


@transaction.atomic
def channel_closure_add(
    *, actor: User | None, channel: Channel, day: date, name: str = ""
) -> ChannelClosure:
    """Close a channel on a date besides federal holidays."""
    closure, _created = ChannelClosure.objects.update_or_create(
        channel=channel, date=day, defaults={"name": name}
    )
    audit_record(
        actor=actor,
        action="channel.closure_add",
        agency=channel.service.agency,
        target=channel,
        data={"date": day.isoformat(), "name": name},
    )
    return closure


@transaction.atomic
def channel_closure_remove(*, actor: User | None, closure: ChannelClosure) -> None:
    """Reopen a channel on a date it was closed."""
    audit_record(
        actor=actor,
        action="channel.closure_remove",
        agency=closure.channel.service.agency,
        target=closure.channel,
        data={"date": closure.date.isoformat()},
    )
    closure.delete()


# --- retention of personal details -----------------------------------------------------------

RETENTION_FIELDS = (
    "complaint_contact_days",
    "survey_ip_days",
    "survey_contact_days",
    "invitation_email_days",
)
# Invitation addresses are replaced, not emptied, so the survey's invitation count survives
# (and the survey-plus-email uniqueness still holds).
PURGED_EMAIL_DOMAIN = "purged.invalid"
COMPLAINT_CONTACT_FIELDS = (
    "contact_name",
    "contact_email",
    "contact_phone",
    "postal_address",
    "postal_line_1",
    "postal_line_2",
    "postal_city",
    "postal_state",
    "postal_zip",
)


def retention_policy_for(*, agency: Agency) -> RetentionPolicy:
    """The agency's policy, or an unsaved one holding the environment's defaults."""
    policy = RetentionPolicy.objects.filter(agency=agency).first()
    return policy if policy is not None else RetentionPolicy(agency=agency)


@transaction.atomic
def retention_policy_update(
    *, actor: User | None, agency: Agency, **fields: int
) -> dict[str, list[Any]]:
    """Set an agency's retention periods (days); returns field → [old, new] for what changed."""
    unknown = set(fields) - set(RETENTION_FIELDS)
    if unknown:
        raise ValueError(f"unknown retention fields: {', '.join(sorted(unknown))}")
    policy = retention_policy_for(agency=agency)
    changed = fields_apply(instance=policy, fields=fields)
    if policy.pk is None:  # the defaults, unchanged: kept as the agency's own from now on
        policy.full_clean()
        policy.save()
    if changed:
        audit_record(
            actor=actor,
            action="retention.policy_update",
            agency=agency,
            target=policy,
            data={"changed": changed},
        )
    return changed


@dataclass
class AgencyPurge:
    """What one agency's purge removed (or, in a dry run, would remove)."""

    agency: str
    complaints_contact_removed: int = 0
    attachments_deleted: int = 0
    survey_ip_addresses_removed: int = 0
    survey_contact_emails_removed: int = 0
    invitation_emails_removed: int = 0
    webhook_bodies_removed: int = 0
    survey_drafts_deleted: int = 0

    @property
    def total(self) -> int:
        return (
            self.complaints_contact_removed
            + self.attachments_deleted
            + self.survey_ip_addresses_removed
            + self.survey_contact_emails_removed
            + self.invitation_emails_removed
            + self.webhook_bodies_removed
            + self.survey_drafts_deleted
        )

    def as_dict(self) -> dict[str, int]:
        return {
            "complaints_contact_removed": self.complaints_contact_removed,
            "attachments_deleted": self.attachments_deleted,
            "survey_ip_addresses_removed": self.survey_ip_addresses_removed,
            "survey_contact_emails_removed": self.survey_contact_emails_removed,
            "invitation_emails_removed": self.invitation_emails_removed,
            "webhook_bodies_removed": self.webhook_bodies_removed,
            "survey_drafts_deleted": self.survey_drafts_deleted,
        }


@dataclass
class PurgeReport:
    """The purge of every agency, agency by agency (only agencies with something to remove)."""

    now: datetime
    dry_run: bool
    agencies: list[AgencyPurge] = field(default_factory=list)
    audit_partitions: list[str] = field(default_factory=list)
    responses_months: list[str] = field(default_factory=list)
    events_months: list[str] = field(default_factory=list)

    @property
    def months_removed(self) -> dict[str, list[str]]:
        """What each whole-month purge removed: partitions, or "<table>: N rows"."""
        return {
            "audit log": self.audit_partitions,
            "responses": self.responses_months,
            "events": self.events_months,
        }

    @property
    def total(self) -> int:
        return sum(item.total for item in self.agencies)


def _complaints_due(agency: Agency, policy: RetentionPolicy, now: datetime) -> QuerySet:
    """Finished complaints (closed, referred, withdrawn, duplicate) past the period, with details.

    Only closing stamps `closed_at`; for the other final statuses the clock starts at the
    status change that ended the complaint.
    """
    cutoff = now - timedelta(days=policy.complaint_contact_days)
    has_contact = Q()
    for name in COMPLAINT_CONTACT_FIELDS:
        has_contact |= ~Q(**{name: ""})
    ended = Transition.objects.filter(
        complaint=OuterRef("pk"), to_status=OuterRef("status")
    ).order_by("-created_at")
    return (
        Complaint.objects.filter(agency=agency, status__in=FINAL_STATUSES)
        .filter(has_contact | Q(attachments__isnull=False))
        .annotate(ended_at=Coalesce("closed_at", Subquery(ended.values("created_at")[:1])))
        .filter(ended_at__lte=cutoff)
        .distinct()
    )


def _agency_purge(*, agency: Agency, now: datetime, dry_run: bool) -> AgencyPurge:
    policy = retention_policy_for(agency=agency)
    result = AgencyPurge(agency=agency.slug)

    complaint_ids = list(_complaints_due(agency, policy, now).values_list("pk", flat=True))
    attachments = Attachment.objects.filter(complaint_id__in=complaint_ids)
    result.complaints_contact_removed = len(complaint_ids)
    result.attachments_deleted = attachments.count()

    ip_due = Response.objects.filter(
        survey__agency=agency,
        ip_address__isnull=False,
        submitted_at__lte=now - timedelta(days=policy.survey_ip_days),
    )
    contact_due = Response.objects.filter(
        survey__agency=agency,
        submitted_at__lte=now - timedelta(days=policy.survey_contact_days),
    ).exclude(contact_email="")
    invitations_due = Invitation.objects.filter(
        survey__agency=agency,
        created_at__lte=now - timedelta(days=policy.invitation_email_days),
    ).exclude(email__endswith="@" + PURGED_EMAIL_DOMAIN)
    result.survey_ip_addresses_removed = ip_due.count()
    result.survey_contact_emails_removed = contact_due.count()
    result.invitation_emails_removed = invitations_due.count()
    deliveries_due = Delivery.objects.filter(
        subscription__agency=agency,
        created_at__lte=now - timedelta(days=settings.WEBHOOK_DELIVERY_RETENTION_DAYS),
    ).exclude(Q(status=DeliveryStatus.PENDING) | Q(body=""))
    result.webhook_bodies_removed = deliveries_due.count()
    # Unfinished multi-page answers past SURVEY_DRAFT_DAYS: their resume links no longer work.
    drafts_due = ResponseDraft.objects.filter(survey__agency=agency, expires_at__lte=now)
    result.survey_drafts_deleted = drafts_due.count()
    if dry_run or result.total == 0:
        return result

    for attachment in attachments:
        # The file first: a row without its file is harmless, a file without its row is not.
        attachment.file.delete(save=False)
        attachment.delete()
    Complaint.objects.filter(pk__in=complaint_ids).update(
        **dict.fromkeys(COMPLAINT_CONTACT_FIELDS, ""), updated_at=now
    )
    ip_due.update(ip_address=None)
    drafts_due.delete()
    contact_due.update(contact_email="", consent_to_contact=False)
    for invitation in invitations_due.only("pk"):
        Invitation.objects.filter(pk=invitation.pk).update(
            email=f"removed-{invitation.pk}@{PURGED_EMAIL_DOMAIN}", phone=""
        )
    # The body as sent and the receiver's answers may hold a complaint's or a response's
    # details; the delivery log keeps when, what event and how each try went.
    due_ids = list(deliveries_due.values_list("pk", flat=True))
    Attempt.objects.filter(delivery_id__in=due_ids).update(response_excerpt="")
    Delivery.objects.filter(pk__in=due_ids).update(body="")
    # A prepared export (or PDF) may still hold what was just removed.
    prepared_files_discard(agency=agency)
    audit_record(
        actor=None,
        action="retention.purge",
        agency=agency,
        target=policy if policy.pk else None,
        data={
            **result.as_dict(),
            "policy": {name: getattr(policy, name) for name in RETENTION_FIELDS},
            "webhook_delivery_days": settings.WEBHOOK_DELIVERY_RETENTION_DAYS,
        },
    )
    return result


def retention_purge(*, now: datetime | None = None, dry_run: bool = False) -> PurgeReport:
    """Remove personal details past each agency's retention periods; keep the records.

    Contact details and attachments of complaints closed long enough ago, IP addresses and
    contact emails of old survey responses, old invitation addresses, expired unfinished
    survey answers (drafts), and the bodies (and
    receivers' answers) of finished webhook deliveries older than
    settings.WEBHOOK_DELIVERY_RETENTION_DAYS. Complaints,
    responses, answers and the audit log stay; each agency purged gets one audit event.
    Whole months go too, each purge audited: on PostgreSQL, the audit log's older than
    settings.AUDIT_LOG_RETENTION_MONTHS; responses and answers older than
    settings.RESPONSE_RETENTION_MONTHS and standards events older than
    settings.EVENT_RETENTION_MONTHS, when those are set (decision 0074).
    """
    now = now or timezone.now()
    report = PurgeReport(now=now, dry_run=dry_run)
    for agency in Agency.objects.order_by("slug"):
        with transaction.atomic():
            result = _agency_purge(agency=agency, now=now, dry_run=dry_run)
        if result.total:
            report.agencies.append(result)
    report.audit_partitions = audit_log_partitions_purge(now=now, dry_run=dry_run)
    report.responses_months = responses_months_purge(now=now, dry_run=dry_run)
    report.events_months = events_months_purge(now=now, dry_run=dry_run)
    return report
