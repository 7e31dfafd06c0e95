"""Write steps every reviewed plan document shares (the customer service plan and the annual
CX action plan): the lock on edits during review, choosing the records it names, unpublishing."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils import timezone

from cxgov.core.models import Approval, ApprovalState, DocumentStatus, User
from cxgov.core.services import audit_record

M = TypeVar("M", bound=Model)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class DocumentReview:
    """What the review of one kind of document differs by: its approval key (also the prefix of
    its audit actions), the records it names (`relation`), and why a change is refused. Every
    kind's model keeps its status in `status`, a `DocumentStatus`."""

    kind: str
    relation: str
    in_review: StrOrPromise
    not_published: StrOrPromise
    not_among: StrOrPromise

    def editable(self, record: Model) -> None:
        """Refuse a change while the record is in review or approved: what was reviewed is
        published."""
        if Approval.objects.filter(
            kind=self.kind,
            object_id=record.pk,
            state__in=[ApprovalState.IN_REVIEW, ApprovalState.APPROVED],
        ).exists():
            raise ValidationError(self.in_review)

    def state(self, record: Any) -> str:
        """Where a record with no approval row yet stands: published if the public sees it."""
        published = record.status == DocumentStatus.PUBLISHED
        return ApprovalState.PUBLISHED if published else ApprovalState.DRAFT


def document_records_choose(
    *,
    actor: User | None,
    record: Model,
    review: DocumentReview,
    chosen: Iterable[Model],
    allowed: QuerySet[Any],
) -> list[int]:
    """Name the records the document shows (`review.relation`): only these, each among
    `allowed`. Audited with the ids before and after, unless nothing changed."""
    review.editable(record)
    allowed_ids = set(allowed.values_list("pk", flat=True))
    ids = sorted({each.pk for each in chosen})
    if any(pk not in allowed_ids for pk in ids):
        raise ValidationError({review.relation: review.not_among})
    related = getattr(record, review.relation)
    before = sorted(related.values_list("pk", flat=True))
    if before == ids:
        return ids
    related.set(ids)
    type(record)._default_manager.filter(pk=record.pk).update(updated_at=timezone.now())
    audit_record(
        actor=actor,
        action=f"{review.kind}.{review.relation}_choose",
        target=record,
        data={review.relation: [before, ids]},
    )
    return ids


@transaction.atomic
def document_unpublish(*, actor: User | None, record: M, reason: str, review: DocumentReview) -> M:
    """Take the record off the public site; what it published stays for staff."""
    manager = type(record)._default_manager
    locked = (
        manager.select_for_update().filter(pk=record.pk, status=DocumentStatus.PUBLISHED).first()
    )
    if locked is None:
        raise ValidationError(review.not_published)
    manager.filter(pk=locked.pk).update(
        status=DocumentStatus.UNPUBLISHED, updated_at=timezone.now()
    )
    record.refresh_from_db(fields=["status"])
    audit_record(
        actor=actor, action=f"{review.kind}.unpublish", target=locked, data={"reason": reason}
    )
    return record
