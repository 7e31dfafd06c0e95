"""Staff pages for customer service plans: list, section editor, publish, versions, diff."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cxgov.core.pages import form_save
from cxgov.core.views_documents import (
    DocumentKind,
    document_choose_view,
    document_list_view,
    document_page,
    document_render,
    document_review,
    document_view,
)
from cxgov.insights.readability import FLESCH_KINCAID, SZIGRISZT_PAZOS, Readability, readability
from cxgov.plans import services
from cxgov.plans.document import plan_diff, plan_document
from cxgov.plans.forms import PlanCreateForm, PlanSurveysForm, SectionForm
from cxgov.plans.models import Plan, PlanSection, SectionKey
from cxgov.plans.selectors import (
    access_plan,
    plan_records,
    plan_sections,
    plan_snapshot_draft,
    plan_surveys_choosable,
    plan_surveys_chosen,
    plan_version,
    plan_versions,
    plans_for_agency,
)

PLAN = DocumentKind(
    review=services.REVIEW,
    label=gettext_lazy("Customer service plan"),
    access=access_plan,
    title=lambda plan: _("Customer service plan for fiscal year %(year)s") % {"year": plan.year},
    publish=services.plan_publish,
    unpublish=services.plan_unpublish,
    detail_url="plans:plan_detail",
    name="plan",
    list_template="plans/plan_list.html",
    records=plans_for_agency,
    start_form=PlanCreateForm,
    start=services.plan_create,
    started=gettext_lazy("Plan started. Write each section, then publish."),
    section="plans",
    form_cancel=False,
)


@dataclass
class SectionRow:
    section: PlanSection
    english: Readability
    spanish: Readability


def _row(section: PlanSection) -> SectionRow:
    return SectionRow(
        section=section,
        english=readability(section.text_en, language="en"),
        spanish=readability(section.text_es, language="es"),
    )


# The agency's plans by year, and a form to start the next one.
plan_list = document_list_view(PLAN)


@document_page(PLAN, "plans/plan_detail.html")
def plan_detail(request: HttpRequest, slug: str, plan: Plan) -> dict[str, Any]:
    """The draft's sections with their reading grades, publishing, and the versions so far."""
    versions = list(plan_versions(plan=plan))
    return {
        "rows": [_row(section) for section in plan_sections(plan=plan).values()],
        "versions": versions,
        "latest": versions[0] if versions else None,
        "chosen_surveys": plan_surveys_chosen(plan=plan),
        "english_formula": FLESCH_KINCAID,
        "spanish_formula": SZIGRISZT_PAZOS,
        **document_review(kind=PLAN, slug=slug, record=plan),
    }


@document_view(PLAN)
def section_edit(request: HttpRequest, slug: str, plan: Plan, key: str) -> HttpResponse:
    """Write one section in English and Spanish, beside the records it will show."""
    section = plan_sections(plan=plan).get(key)
    if section is None:
        raise Http404
    form = SectionForm(
        request.POST or None, initial={"text_en": section.text_en, "text_es": section.text_es}
    )
    saved = form_save(
        request,
        form,
        lambda data: services.plan_section_update(actor=request.user, plan=plan, key=key, **data),  # type: ignore[arg-type]
    )
    if saved:
        messages.success(request, _("Section saved. Publish the plan to make it public."))
        return redirect("plans:section_edit", slug=slug, plan_id=plan.pk, key=key)
    snapshot = plan_records(plan=plan)
    document = plan_document(snapshot)
    preview = next(s for s in document.sections if s.key == key)
    keys = list(SectionKey.values)
    position = keys.index(key)
    return document_render(
        request,
        "plans/section_edit.html",
        kind=PLAN,
        record=plan,
        status=400 if form.errors else 200,
        section=section,
        form=form,
        row=_row(section),
        preview=preview,
        document=document,
        previous_key=keys[position - 1] if position > 0 else "",
        next_key=keys[position + 1] if position + 1 < len(keys) else "",
    )


@document_page(PLAN, "plans/version_detail.html")
def plan_preview(request: HttpRequest, slug: str, plan: Plan) -> dict[str, Any]:
    """The plan as publishing it now would show it: today's records and the draft's text."""
    return {"version": None, "document": plan_document(plan_snapshot_draft(plan=plan))}


# Tick the surveys the plan names; only those appear in it.
plan_surveys = document_choose_view(
    PLAN,
    form_class=PlanSurveysForm,
    choices=lambda plan: plan_surveys_choosable(agency=plan.agency),
    chosen=plan_surveys_chosen,
    choose=services.plan_surveys_choose,
    saved=gettext_lazy("The plan's surveys are saved."),
    title=gettext_lazy("Surveys in the plan"),
)


@document_page(PLAN, "plans/version_detail.html")
def version_detail(request: HttpRequest, slug: str, plan: Plan, number: int) -> dict[str, Any]:
    """One published version, exactly as it was published."""
    version = plan_version(plan=plan, number=number)
    return {"version": version, "document": plan_document(version.snapshot)}


def _number(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isdecimal() and len(value) < 9 else None


@document_view(PLAN)
def version_diff(request: HttpRequest, slug: str, plan: Plan) -> HttpResponse:
    """What changed between two versions, section by section."""
    versions = list(plan_versions(plan=plan))
    numbers = [v.number for v in versions]
    if "from" in request.GET or "to" in request.GET:
        old_number, new_number = _number(request, "from"), _number(request, "to")
    else:
        # By default: the latest version against the one before it.
        new_number = numbers[0] if numbers else None
        old_number = numbers[1] if len(numbers) > 1 else new_number
    error = ""
    diffs = []
    if numbers and (old_number not in numbers or new_number not in numbers):
        error = _("Choose two versions of this plan.")
    elif numbers:
        old = plan_version(plan=plan, number=old_number)  # type: ignore[arg-type]
        new = plan_version(plan=plan, number=new_number)  # type: ignore[arg-type]
        diffs = plan_diff(old.snapshot, new.snapshot)
    return document_render(
        request,
        "plans/version_diff.html",
        kind=PLAN,
        record=plan,
        status=400 if error else 200,
        numbers=numbers,
        old_number=old_number,
        new_number=new_number,
        diffs=diffs,
        changed=any(d.changed for d in diffs),
        error=error,
    )
