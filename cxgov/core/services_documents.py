"""Write steps every reviewed plan document shares (the customer service plan and the annual
CX action plan): the lock on edits during review, choosing the records it names, unpublishing."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils import timezone

from cxgov.core.models import Approval, ApprovalState, User
from cxgov.core.services import audit_record

M = TypeVar("M", bound=Model)


def document_editable(*, kind: str, record: Model, refused: str) -> None:
    """Refuse a change while the record is in review or approved: what was reviewed is
    published."""
    if Approval.objects.filter(
        kind=kind,
        object_id=record.pk,
        state__in=[ApprovalState.IN_REVIEW, ApprovalState.APPROVED],
    ).exists():
        raise ValidationError(refused)


def document_approval_state(*, published: bool) -> str:
    """Where a record with no approval row yet stands: published if the public sees it."""
    return ApprovalState.PUBLISHED if published else ApprovalState.DRAFT


def document_records_choose(
    *,
    actor: User | None,
    record: Model,
    relation: str,
    chosen: Iterable[Model],
    allowed: QuerySet[Model],
    refused: str,
    action: str,
) -> list[int]:
    """Name the records of `relation` the document shows: only these, each among `allowed`.
    Audited with the ids before and after, unless nothing changed."""
    allowed_ids = set(allowed.values_list("pk", flat=True))
    ids = sorted({each.pk for each in chosen})
    if any(pk not in allowed_ids for pk in ids):
        raise ValidationError({relation: refused})
    related = getattr(record, relation)
    before = sorted(related.values_list("pk", flat=True))
    if before == ids:
        return ids
    related.set(ids)
    type(record)._default_manager.filter(pk=record.pk).update(updated_at=timezone.now())
    audit_record(actor=actor, action=action, target=record, data={relation: [before, ids]})
    return ids


@transaction.atomic
def document_unpublish(
    *,
    actor: User | None,
    record: M,
    reason: str,
    statuses: tuple[str, str],
    refused: str,
    action: str,
) -> M:
    """Take the record off the public site (`statuses`: published, unpublished); what it
    published stays for staff."""
    published, unpublished = statuses
    manager = type(record)._default_manager
    locked = manager.select_for_update().filter(pk=record.pk, status=published).first()
    if locked is None:
        raise ValidationError(refused)
    manager.filter(pk=locked.pk).update(status=unpublished, updated_at=timezone.now())
    record.refresh_from_db(fields=["status"])
    audit_record(actor=actor, action=action, target=locked, data={"reason": reason})
    return record
