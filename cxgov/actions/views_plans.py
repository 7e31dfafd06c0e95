"""Staff pages for annual CX action plans: list and start one, write its text, choose its
items, preview it; sending it for review, approving, publishing and unpublishing are steps of
the one review page (`core.views_approvals`)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from cxgov.actions import services_plans as services
from cxgov.actions.forms_plans import ActionPlanCreateForm, ActionPlanItemsForm, ActionPlanTextForm
from cxgov.actions.plan_document import action_plan_document
from cxgov.actions.selectors_plans import (
    access_action_plan,
    action_items_choosable,
    action_plan_items_chosen,
    action_plan_items_split,
    action_plan_snapshot_draft,
    action_plans_for_agency,
)
from cxgov.core.approvals import ApprovalKind, approval_kind
from cxgov.core.pages import form_page_save, form_save
from cxgov.core.permissions import Can
from cxgov.core.selectors import access_agency, approval_of


def _approval_kind() -> ApprovalKind:
    kind = approval_kind(services.APPROVAL_KIND)
    if kind is None:
        raise Http404
    return kind


@login_required
def action_plan_list(request: HttpRequest, slug: str) -> HttpResponse:
    """The agency's annual CX action plans by fiscal year, and a form to start the next one."""
    agency = access_agency(user=request.user, agency_slug=slug, need=Can.EDIT_PLANS)  # type: ignore[arg-type]
    form = ActionPlanCreateForm(request.POST or None)
    saved = form_save(
        request,
        form,
        lambda data: services.action_plan_create(
            actor=request.user,  # type: ignore[arg-type]
            agency=agency,
            fiscal_year=data["fiscal_year"],
        ),
    )
    if saved:
        messages.success(request, _("Action plan started. Write its summary and choose its items."))
        return redirect("actions:action_plan_detail", slug=slug, action_plan_id=saved.value.pk)
    return render(
        request,
        "actions/action_plan_list.html",
        {
            "agency": agency,
            "plans": action_plans_for_agency(agency=agency),
            "form": form,
            "nav_section": "staff",
        },
        status=400 if form.errors else 200,
    )


@login_required
def action_plan_detail(request: HttpRequest, slug: str, action_plan_id: int) -> HttpResponse:
    """The draft's text, its items in their two lists, and its review."""
    plan = access_action_plan(user=request.user, agency_slug=slug, action_plan_id=action_plan_id)  # type: ignore[arg-type]
    return render(
        request,
        "actions/action_plan_detail.html",
        {
            "agency": plan.agency,
            "action_plan": plan,
            "split": action_plan_items_split(plan=plan),
            "approval": approval_of(kind=_approval_kind(), record=plan),
            "review_url": reverse(
                "core:approval_detail",
                kwargs={"slug": slug, "kind": services.APPROVAL_KIND, "object_id": plan.pk},
            ),
            "nav_section": "staff",
        },
    )


@login_required
def action_plan_edit(request: HttpRequest, slug: str, action_plan_id: int) -> HttpResponse:
    """Write the plan's summary and budget notes in English and Spanish."""
    plan = access_action_plan(user=request.user, agency_slug=slug, action_plan_id=action_plan_id)  # type: ignore[arg-type]
    form = ActionPlanTextForm(
        request.POST or None,
        initial={
            "summary_en": plan.summary_en,
            "summary_es": plan.summary_es,
            "budget_notes_en": plan.budget_notes_en,
            "budget_notes_es": plan.budget_notes_es,
        },
    )
    detail = reverse("actions:action_plan_detail", kwargs={"slug": slug, "action_plan_id": plan.pk})
    return form_page_save(
        request,
        section="action_plans",
        form=form,
        save=lambda data: services.action_plan_update(actor=request.user, plan=plan, **data),  # type: ignore[arg-type]
        success_url=detail,
        success_message=_("The action plan's text is saved."),
        page={
            "agency": plan.agency,
            "action_plan": plan,
            "title": _("Summary and budget notes"),
            "cancel_url": detail,
        },
    )


@login_required
def action_plan_items(request: HttpRequest, slug: str, action_plan_id: int) -> HttpResponse:
    """Tick the action items the plan shows; only those appear in it."""
    plan = access_action_plan(user=request.user, agency_slug=slug, action_plan_id=action_plan_id)  # type: ignore[arg-type]
    form = ActionPlanItemsForm(
        request.POST or None,
        choices=action_items_choosable(agency=plan.agency, fiscal_year=plan.fiscal_year),
        initial={"items": list(action_plan_items_chosen(plan=plan))},
    )
    detail = reverse("actions:action_plan_detail", kwargs={"slug": slug, "action_plan_id": plan.pk})
    return form_page_save(
        request,
        section="action_plans",
        form=form,
        save=lambda data: services.action_plan_items_choose(
            actor=request.user,  # type: ignore[arg-type]
            plan=plan,
            items=list(data["items"]),
        ),
        success_url=detail,
        success_message=_("The action plan's items are saved."),
        page={
            "agency": plan.agency,
            "action_plan": plan,
            "title": _("Action items in the plan"),
            "cancel_url": detail,
        },
    )


@login_required
def action_plan_preview(request: HttpRequest, slug: str, action_plan_id: int) -> HttpResponse:
    """The plan as publishing it now would show it."""
    plan = access_action_plan(user=request.user, agency_slug=slug, action_plan_id=action_plan_id)  # type: ignore[arg-type]
    return render(
        request,
        "actions/action_plan_preview.html",
        {
            "agency": plan.agency,
            "action_plan": plan,
            "document": action_plan_document(action_plan_snapshot_draft(plan=plan)),
            "nav_section": "staff",
        },
    )
