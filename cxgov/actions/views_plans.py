"""Staff pages for annual CX action plans: list and start one, write its text, choose its
items, preview it; sending it for review, approving, publishing and unpublishing are steps of
the one review page (`core.views_approvals`)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cxgov.actions import services_plans as services
from cxgov.actions.forms_plans import ActionPlanCreateForm, ActionPlanItemsForm, ActionPlanTextForm
from cxgov.actions.models import ActionPlan
from cxgov.actions.plan_document import action_plan_document
from cxgov.actions.selectors_plans import (
    access_action_plan,
    action_items_choosable,
    action_plan_items_chosen,
    action_plan_items_split,
    action_plan_snapshot_draft,
    action_plans_for_agency,
)
from cxgov.core.views_documents import (
    DocumentKind,
    document_choose_view,
    document_form_page,
    document_list_view,
    document_page,
    document_review,
    document_view,
)

ACTION_PLAN = DocumentKind(
    review=services.REVIEW,
    label=gettext_lazy("Annual CX action plan"),
    access=access_action_plan,
    title=lambda plan: _("CX action plan for fiscal year %(year)s") % {"year": plan.fiscal_year},
    publish=services.action_plan_publish,
    unpublish=services.action_plan_unpublish,
    on_submit=services.action_plan_submit_check,
    detail_url="actions:action_plan_detail",
    name="action_plan",
    list_template="actions/action_plan_list.html",
    records=action_plans_for_agency,
    start_form=ActionPlanCreateForm,
    start=services.action_plan_create,
    started=gettext_lazy("Action plan started. Write its summary and choose its items."),
    section="action_plans",
)

# The agency's annual CX action plans by fiscal year, and a form to start the next one.
action_plan_list = document_list_view(ACTION_PLAN)


@document_page(ACTION_PLAN, "actions/action_plan_detail.html")
def action_plan_detail(request: HttpRequest, slug: str, plan: ActionPlan) -> dict[str, Any]:
    """The draft's text, its items in their two lists, and its review."""
    return {
        "split": action_plan_items_split(plan=plan),
        **document_review(kind=ACTION_PLAN, slug=slug, record=plan),
    }


@document_view(ACTION_PLAN)
def action_plan_edit(request: HttpRequest, slug: str, plan: ActionPlan) -> HttpResponse:
    """Write the plan's summary and budget notes in English and Spanish."""
    form = ActionPlanTextForm(
        request.POST or None,
        initial={name: getattr(plan, name) for name in ActionPlanTextForm.base_fields},
    )
    return document_form_page(
        request,
        slug,
        kind=ACTION_PLAN,
        record=plan,
        form=form,
        save=lambda data: services.action_plan_update(actor=request.user, plan=plan, **data),  # type: ignore[arg-type]
        saved=_("The action plan's text is saved."),
        title=_("Summary and budget notes"),
    )


# Tick the action items the plan shows; only those appear in it.
action_plan_items = document_choose_view(
    ACTION_PLAN,
    form_class=ActionPlanItemsForm,
    choices=lambda plan: action_items_choosable(agency=plan.agency, fiscal_year=plan.fiscal_year),
    chosen=action_plan_items_chosen,
    choose=services.action_plan_items_choose,
    saved=gettext_lazy("The action plan's items are saved."),
    title=gettext_lazy("Action items in the plan"),
)


@document_page(ACTION_PLAN, "actions/action_plan_preview.html")
def action_plan_preview(request: HttpRequest, slug: str, plan: ActionPlan) -> dict[str, Any]:
    """The plan as publishing it now would show it."""
    return {"document": action_plan_document(action_plan_snapshot_draft(plan=plan))}
