"""Demo action plan of the Federal Benefits Administration ("fba"), linked to real prompts.

Each action is made from one of the agency's own suggestions (a missed standard, a weak
driver, a complaint theme, an employee barrier or idea), so its link reads like a real one.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from cxgov.actions.models import ActionItem, ActionPlan, ActionStatus, SourceKind
from cxgov.actions.selectors import (
    Suggestion,
    complaint_theme_suggestions,
    driver_gap_suggestions,
    employee_theme_suggestions,
    missed_standard_suggestions,
)
from cxgov.actions.selectors_plans import action_items_choosable
from cxgov.actions.services import SourceLink, action_create, action_status_set
from cxgov.actions.services_plans import (
    action_plan_create,
    action_plan_items_choose,
    action_plan_publish,
    action_plan_update,
)
from cxgov.core.models import Agency, User
from cxgov.core.selectors import agency_calendar

# (kind, title, description, owner email, days from today until due, status)
PLANS = [
    (
        SourceKind.MISSED_STANDARD,
        "Clear the backlog behind the missed standard",
        "Add a weekend processing shift until the share decided on time is back above target.",
        "manager@fba.example.gov",
        45,
        ActionStatus.IN_PROGRESS,
    ),
    (
        SourceKind.DRIVER_GAP,
        "Cut the time the retirement application takes",
        "Map the steps of the driver that matters most and scores lowest; remove one step.",
        "analyst@fba.example.gov",
        -10,
        ActionStatus.OPEN,
    ),
    (
        SourceKind.COMPLAINT_THEME,
        "Fix the cause of the top complaint theme",
        "Find the process step behind the most frequent complaint phrase and change it.",
        "manager@fba.example.gov",
        60,
        ActionStatus.OPEN,
    ),
    (
        SourceKind.EMPLOYEE_IDEA,
        "Try the front-line staff idea in two field offices",
        "Pilot the idea employees suggested most often and report back to the teams.",
        "admin@fba.example.gov",
        30,
        ActionStatus.OPEN,
    ),
    (
        SourceKind.EMPLOYEE_THEME,
        "Remove the barrier employees named most",
        "Work with the teams that raised it; tell them what changed.",
        "admin@fba.example.gov",
        -30,
        ActionStatus.DONE,
    ),
]


def _first(suggestions: list[Suggestion], kind: str) -> Suggestion | None:
    return next((item for item in suggestions if item.kind == kind), None)


def demo_load(*, today: date | None = None) -> list[ActionItem]:
    """The fba demo actions; running again changes nothing."""
    agency = Agency.objects.filter(slug="fba").first()
    if agency is None or ActionItem.objects.filter(agency=agency).exists():
        return list(ActionItem.objects.filter(agency=agency)) if agency else []
    today = today or timezone.localdate()
    found = [
        *missed_standard_suggestions(agency=agency, today=today),
        *driver_gap_suggestions(agency=agency),
        *complaint_theme_suggestions(agency=agency),
        *employee_theme_suggestions(agency=agency),
    ]
    actions = []
    for kind, title, description, email, days, status in PLANS:
        suggestion = _first(found, kind)
        owner = User.objects.filter(email=email).first()
        if suggestion is None or owner is None:
            continue
        action = action_create(
            actor=None,
            agency=agency,
            title=title,
            description=description,
            owner=owner,
            due_date=today + timedelta(days=days),
            service=agency.services.filter(pk=suggestion.service_id).first(),
            sources=[
                SourceLink(
                    kind=suggestion.kind, label=suggestion.label, reference=suggestion.reference
                )
            ],
        )
        action_status_set(actor=None, action=action, status=status)
        actions.append(action)
    return actions


ACTION_PLAN_SUMMARY = (
    "Next year we will fix what our customers told us hurts most: slow decisions, long waits "
    "on the phone and forms that are hard to follow. Each item below says what we will do, "
    "who asked for it and when it is due.",
    "El próximo año vamos a arreglar lo que más les molesta a nuestros clientes: decisiones "
    "lentas, esperas largas por teléfono y formularios difíciles. Cada punto dice qué haremos, "
    "quién lo pidió y para cuándo.",
)
ACTION_PLAN_BUDGET = (
    "The weekend shift is paid from the current operations budget. The new forms need no "
    "new money.",
    "El turno de fin de semana se paga con el presupuesto actual de operaciones. Los nuevos "
    "formularios no necesitan dinero nuevo.",
)


def action_plan_demo_load(*, today: date | None = None) -> ActionPlan | None:
    """The fba annual CX action plan for the next fiscal year, naming every open item and the
    items done this year (delivered last year, from the plan's point of view), published as
    the publish step of its review does; running again changes nothing."""
    agency = Agency.objects.filter(slug="fba").first()
    if agency is None:
        return None
    calendar = agency_calendar(agency=agency)
    year = calendar.fiscal_year(today or calendar.today()) + 1
    plan = ActionPlan.objects.filter(agency=agency, fiscal_year=year).first()
    if plan is not None:
        return plan
    plan = action_plan_create(actor=None, agency=agency, fiscal_year=year)
    action_plan_update(
        actor=None,
        plan=plan,
        summary_en=ACTION_PLAN_SUMMARY[0],
        summary_es=ACTION_PLAN_SUMMARY[1],
        budget_notes_en=ACTION_PLAN_BUDGET[0],
        budget_notes_es=ACTION_PLAN_BUDGET[1],
    )
    action_plan_items_choose(
        actor=None,
        plan=plan,
        items=list(action_items_choosable(agency=agency, fiscal_year=year)),
    )
    action_plan_publish(actor=None, plan=plan)
    return plan
