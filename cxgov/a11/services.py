"""Writes of A-11 collections: create, update and each step of the quarterly workflow.

draft -> submitted -> published, or draft -> not_reported; oversight rates any of them.
Every write is atomic and audited.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cxgov.a11.models import Collection, CollectionStatus, Rating, SurveyScale
from cxgov.a11.selectors import collection_checklist, question_by_key
from cxgov.a11.signals import report_submitted
from cxgov.core.models import ApprovalState, User
from cxgov.core.services import audit_record
from cxgov.core.signals import send_after_commit
from cxgov.insights.fiscal import FiscalQuarter
from cxgov.registry.models import Service
from cxgov.surveys.models import QuestionKind, Survey

# Fields an agency enters while the collection is a draft.
EDITABLE_FIELDS = (
    "channel",
    "transaction_point",
    "feedback_type",
    "survey_type",
    "trust_question_text",
    "omb_control_number",
    "omb_expiration_date",
    "volume_of_customers",
    "volume_offered",
    "volume_of_respondents",
    "reflection_text",
)


def _audit(actor: User | None, action: str, collection: Collection, **data: Any) -> None:
    audit_record(
        actor=actor,
        action=f"a11.collection.{action}",
        target=collection,
        data={"fiscal_year": collection.fiscal_year, "quarter": collection.quarter, **data},
    )


def _check_surveys(collection: Collection, surveys: Iterable[Survey]) -> list[Survey]:
    chosen = list(surveys)
    if any(s.agency_id != collection.agency_id for s in chosen):
        raise ValidationError({"surveys": _("Choose surveys of this agency only.")})
    return chosen


def _defaults_from_survey(collection: Collection, survey: Survey) -> None:
    """Fill what the survey already knows: its trust question, scale and OMB number."""
    trust = question_by_key(survey=survey, key="trust")
    if trust is not None:
        collection.trust_question_text = collection.trust_question_text or trust.text
        if not collection.survey_type and trust.kind in (QuestionKind.THUMBS, QuestionKind.LIKERT):
            collection.survey_type = (
                SurveyScale.THUMBS if trust.kind == QuestionKind.THUMBS else SurveyScale.LIKERT
            )
    if not collection.omb_control_number and survey.omb_control_number:
        collection.omb_control_number = survey.omb_control_number
        collection.omb_expiration_date = survey.omb_expiration_date


@transaction.atomic
def collection_create(
    *,
    actor: User | None,
    service: Service,
    fiscal_year: int,
    quarter: int,
    surveys: Iterable[Survey] | None = None,
    **fields: Any,
) -> Collection:
    """Start a draft report for a service and quarter.

    Without `surveys`, it links the service's A-11 surveys and copies their trust question,
    scale and OMB control number; the agency then enters the volumes.
    """
    try:
        period = FiscalQuarter(int(fiscal_year), int(quarter))
    except ValueError:
        raise ValidationError({"quarter": _("Choose a quarter from 1 to 4.")}) from None
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(
            {"__all__": _("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))}}
        )
    if Collection.objects.filter(
        service=service, fiscal_year=period.year, quarter=period.quarter
    ).exists():
        raise ValidationError(
            {"__all__": _("This service already has a report for %(q)s.") % {"q": str(period)}}
        )
    collection = Collection(
        agency=service.agency,
        service=service,
        fiscal_year=period.year,
        quarter=period.quarter,
        **fields,
    )
    if surveys is None:
        linked = [
            s
            for s in service.surveys.filter(agency_id=service.agency_id, audience="customer")
            .prefetch_related("questions")
            .order_by("pk")
            if s.template.startswith("a11")
        ]
    else:
        linked = _check_surveys(collection, surveys)
    for survey in linked:
        _defaults_from_survey(collection, survey)
    if not collection.channel:
        kinds = sorted({c.kind for c in service.channels.all()})
        if len(kinds) == 1:
            collection.channel = kinds[0]
    collection.full_clean(exclude=["agency", "service"])
    try:
        with transaction.atomic():
            collection.save()
    except IntegrityError:
        raise ValidationError(
            {"__all__": _("This service already has a report for %(q)s.") % {"q": str(period)}}
        ) from None
    collection.surveys.set(linked)
    _audit(actor, "create", collection, surveys=[s.pk for s in linked])
    return collection


@transaction.atomic
def collection_update(
    *,
    actor: User | None,
    collection: Collection,
    surveys: Iterable[Survey] | None = None,
    **fields: Any,
) -> Collection:
    """Change a draft's volumes, survey details and linked surveys."""
    collection = Collection.objects.select_for_update().get(pk=collection.pk)
    if not collection.editable:
        raise ValidationError({"__all__": _("Only a draft can be changed.")})
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(
            {"__all__": _("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))}}
        )
    changed = {}
    for name, value in fields.items():
        if getattr(collection, name) != value:
            changed[name] = str(value)
            setattr(collection, name, value)
    collection.full_clean(exclude=["agency", "service"])
    collection.save()
    if surveys is not None:
        chosen = _check_surveys(collection, surveys)
        before = set(collection.surveys.values_list("pk", flat=True))
        if before != {s.pk for s in chosen}:
            collection.surveys.set(chosen)
            changed["surveys"] = ",".join(str(s.pk) for s in chosen)
    _audit(actor, "update", collection, changed=sorted(changed))
    return collection


@transaction.atomic
def collection_submit(*, actor: User | None, collection: Collection) -> Collection:
    """Submit a complete draft; refused, naming each gap, while the checklist is not empty."""
    collection = Collection.objects.select_for_update().get(pk=collection.pk)
    missing = collection_checklist(collection=collection)
    if missing:
        raise ValidationError({"__all__": [item.message for item in missing]})
    collection.status = CollectionStatus.SUBMITTED
    collection.submitted_at = timezone.now()
    collection.submitted_by = actor if actor is not None and actor.pk else None
    collection.save(update_fields=["status", "submitted_at", "submitted_by", "updated_at"])
    _audit(actor, "submit", collection)
    send_after_commit(report_submitted, sender=Collection, collection=collection)
    return collection


@transaction.atomic
def collection_publish(*, actor: User | None, collection: Collection) -> Collection:
    """Publish a submitted report."""
    collection = Collection.objects.select_for_update().get(pk=collection.pk)
    if collection.status != CollectionStatus.SUBMITTED:
        raise ValidationError({"__all__": _("Only a submitted report can be published.")})
    collection.status = CollectionStatus.PUBLISHED
    collection.published_at = timezone.now()
    collection.published_by = actor if actor is not None and actor.pk else None
    collection.save(update_fields=["status", "published_at", "published_by", "updated_at"])
    _audit(actor, "publish", collection)
    return collection


# The key of A-11 reports among the kinds of publishable records (`core.approvals`).
APPROVAL_KIND = "a11_report"


def collection_review_check(*, collection: Collection) -> None:
    """Refuse to send a report for review while its checklist has gaps (naming each) or once
    it is published; a submitted report goes to review again only to be published."""
    if collection.status in (CollectionStatus.PUBLISHED, CollectionStatus.NOT_REPORTED):
        raise ValidationError(
            {
                "__all__": _("This report is %(status)s: it is not reviewed again.")
                % {"status": collection.get_status_display().lower()}
            }
        )
    if collection.status == CollectionStatus.DRAFT:
        missing = collection_checklist(collection=collection)
        if missing:
            raise ValidationError({"__all__": [item.message for item in missing]})


def collection_approve(*, actor: User | None, collection: Collection) -> Collection:
    """The approval of a reviewed report submits it: from then on it is read only."""
    if collection.status == CollectionStatus.DRAFT:
        return collection_submit(actor=actor, collection=collection)
    return collection


def collection_return_check(*, collection: Collection) -> None:
    """A submitted report is never returned to draft: it stays as it was submitted."""
    if collection.status != CollectionStatus.DRAFT:
        raise ValidationError(
            {
                "__all__": _(
                    "A submitted report stays as it was submitted: it cannot return to draft."
                )
            }
        )


@transaction.atomic
def collection_unpublish(*, actor: User | None, collection: Collection, reason: str) -> Collection:
    """Take a published report off the public data; it stays submitted and read only."""
    collection = Collection.objects.select_for_update().get(pk=collection.pk)
    if collection.status != CollectionStatus.PUBLISHED:
        raise ValidationError({"__all__": _("Only a published report can be unpublished.")})
    collection.status = CollectionStatus.SUBMITTED
    collection.published_at = None
    collection.published_by = None
    collection.save(update_fields=["status", "published_at", "published_by", "updated_at"])
    _audit(actor, "unpublish", collection, reason=reason)
    return collection


def collection_approval_state(collection: Collection) -> str:
    """Where a report with no approval row yet stands: a submitted one is approved."""
    if collection.status == CollectionStatus.SUBMITTED:
        return ApprovalState.APPROVED
    if collection.status == CollectionStatus.PUBLISHED:
        return ApprovalState.PUBLISHED
    return ApprovalState.DRAFT


def _note_text(value: str | None, field: str) -> str:
    """The text stripped; more than 2000 characters is refused under `field`."""
    text = (value or "").strip()
    if len(text) > 2000:
        raise ValidationError({field: _("Use 2000 characters or fewer.")})
    return text


@transaction.atomic
def collection_mark_not_reported(
    *, actor: User | None, collection: Collection, reason: str
) -> Collection:
    """Record that a service will not report this quarter, and why."""
    collection = Collection.objects.select_for_update().get(pk=collection.pk)
    if collection.status != CollectionStatus.DRAFT:
        raise ValidationError({"__all__": _("Only a draft can be marked as not reported.")})
    reason = _note_text(reason, "reason")
    if not reason:
        raise ValidationError({"reason": _("Say why the service is not reporting this quarter.")})
    collection.status = CollectionStatus.NOT_REPORTED
    collection.not_reported_reason = reason
    collection.save(update_fields=["status", "not_reported_reason", "updated_at"])
    _audit(actor, "not_reported", collection)
    return collection


@transaction.atomic
def collection_rate(
    *, actor: User | None, collection: Collection, rating: str, comment: str = ""
) -> Collection:
    """Oversight's rating of a quarter's report, with a comment (a late draft may be rated)."""
    collection = Collection.objects.select_for_update().get(pk=collection.pk)
    if rating not in Rating.values:
        raise ValidationError({"rating": _("Choose a rating from the list.")})
    comment = _note_text(comment, "comment")
    collection.rating = rating
    collection.rating_comment = comment
    collection.rated_at = timezone.now()
    collection.rated_by = actor if actor is not None and actor.pk else None
    collection.save(
        update_fields=["rating", "rating_comment", "rated_at", "rated_by", "updated_at"]
    )
    _audit(actor, "rate", collection, rating=rating)
    return collection
