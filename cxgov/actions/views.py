"""Staff pages for action plans: list and CSV, create and change, status, suggested prompts,
and employee survey themes."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cxgov.actions import services
from cxgov.actions.forms import (
    ActionFilterForm,
    ActionForm,
    StatusForm,
    source_from_token,
    source_token,
)
from cxgov.actions.models import SourceKind
from cxgov.actions.selectors import (
    CSV_COLUMNS,
    ActionFilters,
    access_action,
    access_actions,
    access_employee_survey,
    actions_for_agency,
    actions_rows,
    employee_surveys_for_agency,
    employee_themes,
    suggestions_for_agency,
    theme_suggestion,
)
from cxgov.core.forms import form_add_errors
from cxgov.core.pages import form_page, form_page_save
from cxgov.core.permissions import Can
from cxgov.core.selectors import access_agency
from cxgov.core.tables import csv_response
from cxgov.surveys.selectors import suppression_threshold


@login_required
def action_list(request: HttpRequest, slug: str) -> HttpResponse:
    """The agency's actions with filters; `?format=csv` downloads the same rows."""
    access = access_actions(user=request.user, agency_slug=slug)
    form = ActionFilterForm(request.GET or None, agency=access.agency)
    filters = ActionFilters()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = ActionFilters(
            status=data["status"],
            overdue=data["overdue"],
            kind=data["kind"],
            service_id=data["service"].pk if data["service"] else None,
        )
    today = timezone.localdate()
    actions = actions_for_agency(access=access, filters=filters, today=today)
    if request.GET.get("format") == "csv":
        return csv_response(
            CSV_COLUMNS,
            actions_rows(actions=actions, today=today),
            filename=f"{access.agency.slug}-actions.csv",
        )
    query = request.GET.copy()
    query["format"] = "csv"
    return render(
        request,
        "actions/action_list.html",
        {
            "agency": access.agency,
            "access": access,
            "form": form,
            "actions": [(action, action.is_overdue(today)) for action in actions],
            "csv_query": query.urlencode(),
            "nav_section": "staff",
        },
        status=400 if form.errors else 200,
    )


@login_required
def action_create(request: HttpRequest, slug: str) -> HttpResponse:
    """A new action; `?source=` (from a suggestion) pre-fills it and records what prompted it."""
    agency = access_agency(user=request.user, agency_slug=slug, need=Can.EDIT_ACTIONS)
    initial: dict[str, Any] = {"owner": request.user.pk}
    prompt = None
    token = request.GET.get("source", "")
    if token:
        prompt = source_from_token(agency=agency, token=token)
        if prompt is not None:
            initial["source"] = token
            initial["title"] = (_("Act on: %(label)s") % {"label": prompt.label})[:200]
    if request.GET.get("service", "").isascii() and request.GET.get("service", "").isdigit():
        initial["service"] = int(request.GET["service"])
    form = ActionForm(request.POST or None, agency=agency, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            try:
                action = services.action_create(
                    actor=request.user, agency=agency, sources=form.sources(), **form.values()
                )
            except ValidationError as error:
                form_add_errors(form, error)
            else:
                messages.success(request, _("Action added."))
                return redirect("actions:action_detail", slug=slug, action_id=action.pk)
        prompt = form.cleaned_data.get("source") if hasattr(form, "cleaned_data") else None
    return form_page(
        request,
        section="actions",
        template="actions/form.html",
        agency=agency,
        form=form,
        prompt=prompt,
        prompt_kind=SourceKind(prompt.kind).label if prompt else "",
        title=_("Add an action"),
    )


@login_required
def action_detail(request: HttpRequest, slug: str, action_id: int) -> HttpResponse:
    access = access_actions(user=request.user, agency_slug=slug)
    action = access_action(user=request.user, agency_slug=slug, action_id=action_id)
    return render(
        request,
        "actions/action_detail.html",
        {
            "agency": access.agency,
            "action": action,
            "overdue": action.is_overdue(),
            "sources": action.sources.all(),
            "can_edit": access.can_edit,
            "status_form": StatusForm(initial={"status": action.status}),
            "nav_section": "staff",
        },
    )


@login_required
def action_edit(request: HttpRequest, slug: str, action_id: int) -> HttpResponse:
    action = access_action(
        user=request.user, agency_slug=slug, action_id=action_id, need=Can.EDIT_ACTIONS
    )
    initial = {
        "title": action.title,
        "description": action.description,
        "owner": action.owner_id,
        "due_date": action.due_date,
        "service": action.service_id,
    }
    form = ActionForm(
        request.POST or None, agency=action.agency, initial=initial, with_sources=False
    )
    return form_page_save(
        request,
        section="actions",
        form=form,
        save=lambda _data: services.action_update(
            actor=request.user, action=action, **form.values()
        ),
        success_url=reverse("actions:action_detail", kwargs={"slug": slug, "action_id": action.pk}),
        success_message=_("Action changed."),
        page={"agency": action.agency, "action": action, "title": _("Change the action")},
    )


@login_required
@require_POST
def action_status(request: HttpRequest, slug: str, action_id: int) -> HttpResponse:
    action = access_action(
        user=request.user, agency_slug=slug, action_id=action_id, need=Can.EDIT_ACTIONS
    )
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the listed statuses."))
        return redirect("actions:action_detail", slug=slug, action_id=action.pk)
    services.action_status_set(
        actor=request.user, action=action, status=form.cleaned_data["status"]
    )
    messages.success(
        request, _("Status changed to %(status)s.") % {"status": action.get_status_display()}
    )
    return redirect("actions:action_detail", slug=slug, action_id=action.pk)


@login_required
def suggestions(request: HttpRequest, slug: str) -> HttpResponse:
    """Evidence that could prompt an action, each with a button that starts one."""
    agency = access_agency(user=request.user, agency_slug=slug, need=Can.EDIT_ACTIONS)
    found = suggestions_for_agency(agency=agency)
    sections = [
        (
            kind,
            label,
            [(item, source_token(agency=agency, suggestion=item)) for item in found[kind]],
        )
        for kind, label in (
            (SourceKind.MISSED_STANDARD, _("Standards missed in their latest period")),
            (SourceKind.DRIVER_GAP, _("Drivers that matter most and score lowest")),
            (SourceKind.COMPLAINT_THEME, _("Complaint themes")),
            (SourceKind.EMPLOYEE_THEME, _("Employee survey themes")),
        )
    ]
    return render(
        request,
        "actions/suggestions.html",
        {"agency": agency, "sections": sections, "nav_section": "staff"},
    )


@login_required
def employee_survey_list(request: HttpRequest, slug: str) -> HttpResponse:
    agency = access_agency(user=request.user, agency_slug=slug, need=Can.EDIT_ACTIONS)
    return render(
        request,
        "actions/employee_surveys.html",
        {
            "agency": agency,
            "surveys": employee_surveys_for_agency(agency=agency),
            "threshold": suppression_threshold(),
            "nav_section": "staff",
        },
    )


@login_required
def employee_survey_themes(request: HttpRequest, slug: str, survey_id: int) -> HttpResponse:
    """Themes of an employee survey's free text; nothing shown under the threshold."""
    survey = access_employee_survey(user=request.user, agency_slug=slug, survey_id=survey_id)
    agency = survey.agency
    result = employee_themes(survey=survey)
    questions = [
        (
            item,
            [
                (
                    theme,
                    source_token(
                        agency=agency,
                        suggestion=theme_suggestion(survey=survey, item=item, theme=theme),
                    ),
                )
                for theme in item.themes
            ],
        )
        for item in result.questions
    ]
    return render(
        request,
        "actions/employee_themes.html",
        {
            "agency": agency,
            "survey": survey,
            "result": result,
            "questions": questions,
            "nav_section": "staff",
        },
    )
