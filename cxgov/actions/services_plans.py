"""Every write of annual CX action plans: start one for a fiscal year, write its text, choose
its items, and what the steps of its review mean (`core.approvals`, declared in apps.py):
sending it for review checks it is complete, publishing freezes it for the public site,
unpublishing takes it off. Each write is audited."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cxgov.actions.models import ActionItem, ActionPlan
from cxgov.actions.selectors_plans import (
    action_items_choosable,
    action_items_delivered,
    action_plan_snapshot_draft,
)
from cxgov.core.models import Agency, DocumentStatus, User
from cxgov.core.services import audit_record
from cxgov.core.services_documents import (
    DocumentReview,
    document_records_choose,
    document_unpublish,
)

# The key of annual CX action plans among the kinds of publishable records (`core.approvals`).
APPROVAL_KIND = "action_plan"

_TEXT_FIELDS = ("summary_en", "summary_es", "budget_notes_en", "budget_notes_es")


def _actor(actor: User | None) -> User | None:
    return actor if actor is not None and actor.pk else None


REVIEW = DocumentReview(
    kind=APPROVAL_KIND,
    relation="items",
    in_review=gettext_lazy(
        "The action plan is in review: return it to draft before you change it."
    ),
    not_published=gettext_lazy("Only a published action plan can be unpublished."),
    not_among=gettext_lazy("Choose among the agency's action items."),
)


@transaction.atomic
def action_plan_create(*, actor: User | None, agency: Agency, fiscal_year: int) -> ActionPlan:
    """Start a draft plan for a fiscal year, naming at first the items delivered the year
    before (staff untick any they leave out)."""
    if ActionPlan.objects.filter(agency=agency, fiscal_year=fiscal_year).exists():
        raise ValidationError(
            {
                "fiscal_year": _("There is already an action plan for fiscal year %(year)s.")
                % {"year": fiscal_year}
            }
        )
    plan = ActionPlan(agency=agency, fiscal_year=fiscal_year, created_by=_actor(actor))
    plan.full_clean()
    plan.save()
    delivered = list(action_items_delivered(agency=agency, fiscal_year=fiscal_year - 1))
    plan.items.set(delivered)
    audit_record(
        actor=actor,
        action="action_plan.create",
        target=plan,
        data={"fiscal_year": fiscal_year, "items": [item.pk for item in delivered]},
    )
    return plan


@transaction.atomic
def action_plan_update(
    *,
    actor: User | None,
    plan: ActionPlan,
    summary_en: str,
    summary_es: str,
    budget_notes_en: str,
    budget_notes_es: str,
) -> ActionPlan:
    """Replace the plan's own text: its summary and budget notes, in English and Spanish."""
    REVIEW.editable(plan)
    texts = {
        "summary_en": summary_en,
        "summary_es": summary_es,
        "budget_notes_en": budget_notes_en,
        "budget_notes_es": budget_notes_es,
    }
    for name, value in texts.items():
        if "\x00" in value:
            raise ValidationError({name: _("The text holds a character that cannot be stored.")})
        setattr(plan, name, value.strip())
    plan.updated_at = timezone.now()
    plan.full_clean()
    plan.save(update_fields=[*_TEXT_FIELDS, "updated_at"])
    audit_record(
        actor=actor,
        action="action_plan.update",
        target=plan,
        data={name: len(getattr(plan, name)) for name in _TEXT_FIELDS},
    )
    return plan


@transaction.atomic
def action_plan_items_choose(
    *, actor: User | None, plan: ActionPlan, items: list[ActionItem]
) -> list[int]:
    """Name the action items the plan shows: only these, each an item of the plan's agency
    that is not dropped nor done before the previous fiscal year."""
    return document_records_choose(
        actor=actor,
        record=plan,
        review=REVIEW,
        chosen=items,
        allowed=action_items_choosable(agency=plan.agency, fiscal_year=plan.fiscal_year),
    )


def action_plan_submit_check(*, actor: User | None, record: ActionPlan) -> None:
    """Refuse sending for review a plan with no summary or no item: there is nothing to read."""
    if not record.summary_en.strip():
        raise ValidationError(_("Write the plan's summary in English before you send it."))
    if not record.items.exists():
        raise ValidationError(_("Choose the plan's action items before you send it."))


@transaction.atomic
def action_plan_publish(*, actor: User | None, plan: ActionPlan) -> ActionPlan:
    """Freeze the plan's text and chosen items, as they are now, for the public site."""
    locked = ActionPlan.objects.select_for_update().select_related("agency").get(pk=plan.pk)
    now = timezone.now()
    snapshot = action_plan_snapshot_draft(plan=locked)
    ActionPlan.objects.filter(pk=locked.pk).update(
        status=DocumentStatus.PUBLISHED, snapshot=snapshot, published_at=now, updated_at=now
    )
    plan.status, plan.snapshot, plan.published_at = DocumentStatus.PUBLISHED, snapshot, now
    audit_record(
        actor=actor,
        action="action_plan.publish",
        target=locked,
        data={
            "fiscal_year": locked.fiscal_year,
            "planned": [item["id"] for item in snapshot["planned"]],
            "delivered": [item["id"] for item in snapshot["delivered"]],
        },
    )
    return plan


def action_plan_unpublish(*, actor: User | None, plan: ActionPlan, reason: str) -> ActionPlan:
    """Take the plan off the public site; its last published text stays for staff."""
    return document_unpublish(actor=actor, record=plan, reason=reason, review=REVIEW)
