"""Every write of the plans app: create a draft, write a section, choose its surveys, publish
a version and unpublish the plan. Publishing and unpublishing are steps of the plan's approval
(`core.approvals`, declared in apps.py): nothing else calls them but that path, the demo and
tests."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cxgov.core.models import Agency, DocumentStatus, User
from cxgov.core.services import audit_record
from cxgov.core.services_documents import (
    DocumentReview,
    document_records_choose,
    document_unpublish,
)
from cxgov.core.signals import send_after_commit
from cxgov.plans.models import Plan, PlanSection, PlanVersion, SectionKey
from cxgov.plans.selectors import plan_snapshot_draft, plan_surveys_choosable
from cxgov.plans.signals import plan_published
from cxgov.surveys.models import Survey

# The key of plans among the kinds of publishable records (`core.approvals`).
APPROVAL_KIND = "plan"


REVIEW = DocumentReview(
    kind=APPROVAL_KIND,
    relation="surveys",
    in_review=gettext_lazy("The plan is in review: return it to draft before you change it."),
    not_published=gettext_lazy("Only a published plan can be unpublished."),
    not_among=gettext_lazy("Choose among the agency's customer surveys."),
)


@transaction.atomic
def plan_create(*, actor: User | None, agency: Agency, year: int) -> Plan:
    """Start a draft plan for a fiscal year, with an empty text for every section."""
    if Plan.objects.filter(agency=agency, year=year).exists():
        raise ValidationError(
            {"year": _("There is already a plan for fiscal year %(year)s.") % {"year": year}}
        )
    plan = Plan(agency=agency, year=year)
    plan.full_clean()
    plan.save()
    PlanSection.objects.bulk_create(PlanSection(plan=plan, key=key) for key in SectionKey.values)
    audit_record(actor=actor, action="plan.create", agency=agency, target=plan)
    return plan


@transaction.atomic
def plan_section_update(
    *, actor: User | None, plan: Plan, key: str, text_en: str, text_es: str
) -> PlanSection:
    """Replace the draft's own text for one section, in both languages."""
    if key not in SectionKey.values:
        raise ValidationError({"key": _("There is no such section.")})
    REVIEW.editable(plan)
    section = PlanSection.objects.select_for_update().get(plan=plan, key=key)
    section.text_en = text_en.strip()
    section.text_es = text_es.strip()
    section.updated_at = timezone.now()
    section.full_clean()
    section.save()
    Plan.objects.filter(pk=plan.pk).update(updated_at=section.updated_at)
    audit_record(
        actor=actor,
        action="plan.section_update",
        target=plan,
        data={
            "section": key,
            "characters_en": len(section.text_en),
            "characters_es": len(section.text_es),
        },
    )
    return section


@transaction.atomic
def plan_publish(*, actor: User | None, plan: Plan) -> PlanVersion:
    """Freeze the live records and the draft's text into a new public version."""
    locked = Plan.objects.select_for_update().get(pk=plan.pk)
    number = (locked.versions.aggregate(last=Max("number"))["last"] or 0) + 1
    now = timezone.now()
    version = PlanVersion.objects.create(
        plan=locked,
        number=number,
        snapshot=plan_snapshot_draft(plan=locked),
        created_by=actor if actor is not None and actor.pk else None,
        created_at=now,
        published_at=now,
    )
    Plan.objects.filter(pk=locked.pk).update(status=DocumentStatus.PUBLISHED, updated_at=now)
    plan.status = DocumentStatus.PUBLISHED
    audit_record(
        actor=actor,
        action="plan.publish",
        target=locked,
        data={"version": number},
    )
    send_after_commit(plan_published, sender=PlanVersion, version=version)
    return version


@transaction.atomic
def plan_surveys_choose(*, actor: User | None, plan: Plan, surveys: list[Survey]) -> list[int]:
    """Name the surveys the plan tells the public about: only these, each a customer survey of
    the plan's agency that is a draft or live."""
    return document_records_choose(
        actor=actor,
        record=plan,
        review=REVIEW,
        chosen=surveys,
        allowed=plan_surveys_choosable(agency=plan.agency),
    )


def plan_unpublish(*, actor: User | None, plan: Plan, reason: str) -> Plan:
    """Take the plan off the public site; its versions are kept for staff."""
    return document_unpublish(actor=actor, record=plan, reason=reason, review=REVIEW)
