"""Reads of annual CX action plans: access checks, the action items a plan may name, what was
delivered in the year before the plan's, and the published plan the public site shows.

Fiscal years are the agency's own (`core.selectors.agency_calendar`): an item was delivered
last year when it was done and closed on a local day of the fiscal year before the plan's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from cxgov.actions.models import ActionItem, ActionPlan, ActionStatus
from cxgov.core.calendar import AgencyCalendar
from cxgov.core.models import Agency, DocumentStatus
from cxgov.core.selectors import agency_calendar, authored_texts_frozen
from cxgov.core.selectors_documents import document_access
from cxgov.registry.models import Service

# 2: each item's service name carries its other languages (`service_translations`).
# 3: so do the summary, the budget notes (by language code beside "en" and "es") and the
# agency's name (`translations`).
SNAPSHOT_SCHEMA = 3

access_action_plan = document_access(
    ActionPlan,
    id_name="action_plan_id",
    doc="An annual CX action plan of the agency in the URL, if the user's role there holds `need`.",
)


def action_plans_for_agency(*, agency: Agency) -> QuerySet[ActionPlan]:
    """The agency's action plans, newest fiscal year first (call access_agency first)."""
    return ActionPlan.objects.filter(agency=agency).order_by("-fiscal_year")


def _previous_year_start(calendar: AgencyCalendar, fiscal_year: int) -> date:
    return calendar.fiscal_year_bounds(fiscal_year - 1)[0]


def action_items_choosable(*, agency: Agency, fiscal_year: int) -> QuerySet[ActionItem]:
    """The agency's action items a plan for `fiscal_year` may name: every item not dropped,
    except those done before the previous fiscal year began (too old to report)."""
    calendar = agency_calendar(agency=agency)
    since = calendar.day_start(_previous_year_start(calendar, fiscal_year))
    return (
        ActionItem.objects.filter(agency=agency)
        .exclude(status=ActionStatus.DROPPED)
        .exclude(Q(status=ActionStatus.DONE) & Q(closed_at__lt=since))
        .select_related("service")
        .order_by("due_date", "pk")
    )


def action_items_delivered(*, agency: Agency, fiscal_year: int) -> QuerySet[ActionItem]:
    """The agency's items done and closed during fiscal year `fiscal_year` (its own calendar)."""
    calendar = agency_calendar(agency=agency)
    start, end = calendar.span(*calendar.fiscal_year_bounds(fiscal_year))
    return ActionItem.objects.filter(
        agency=agency, status=ActionStatus.DONE, closed_at__gte=start, closed_at__lt=end
    ).order_by("closed_at", "pk")


def action_plan_items_chosen(*, plan: ActionPlan) -> QuerySet[ActionItem]:
    """The items staff chose for the plan, and only those, with their evidence."""
    return (
        plan.items.filter(agency=plan.agency)
        .select_related("service")
        .prefetch_related("sources")
        .order_by("due_date", "pk")
    )


@dataclass(frozen=True)
class ActionPlanItems:
    """A plan's chosen items in its two lists."""

    planned: list[ActionItem]
    delivered: list[ActionItem]


def action_plan_items_split(*, plan: ActionPlan) -> ActionPlanItems:
    """The chosen items as the plan shows them: those delivered in the fiscal year before the
    plan's (done, closed in it by the agency's calendar), and every other one as this year's."""
    calendar = agency_calendar(agency=plan.agency)
    planned: list[ActionItem] = []
    delivered: list[ActionItem] = []
    for item in action_plan_items_chosen(plan=plan):
        done_last_year = (
            item.status == ActionStatus.DONE
            and item.closed_at is not None
            and calendar.fiscal_year(item.closed_at) == plan.fiscal_year - 1
        )
        (delivered if done_last_year else planned).append(item)
    return ActionPlanItems(planned=planned, delivered=delivered)


def _item(
    item: ActionItem, calendar: AgencyCalendar, names: dict[int, dict[str, dict[str, str]]]
) -> dict[str, Any]:
    return {
        "id": item.pk,
        "title": item.title,
        "description": item.description,
        "service": item.service.name if item.service else "",
        "service_es": item.service.name_es if item.service else "",
        "service_translations": names.get(item.service_id, {}).get("name", {})
        if item.service_id
        else {},
        "due_date": item.due_date.isoformat(),
        "status": item.status,
        "closed_on": calendar.local_date(item.closed_at).isoformat() if item.closed_at else None,
        "evidence": [[source.kind, source.label] for source in item.sources.all()],
    }


def action_plan_snapshot_draft(*, plan: ActionPlan) -> dict[str, Any]:
    """What publishing the plan now would freeze: its text and the agency's name in every
    language they have, and its chosen items (their service names likewise), split into this
    year's and last year's delivered ones, as JSON-ready data."""
    agency = plan.agency
    calendar = agency_calendar(agency=agency)
    first, last = calendar.fiscal_year_bounds(plan.fiscal_year)
    split = action_plan_items_split(plan=plan)
    names = authored_texts_frozen(agency=agency, model=Service._meta.label_lower)
    texts = authored_texts_frozen(agency=agency, model=ActionPlan._meta.label_lower).get(
        plan.pk, {}
    )
    agency_texts = authored_texts_frozen(agency=agency, model=Agency._meta.label_lower).get(
        agency.pk, {}
    )
    return {
        "schema": SNAPSHOT_SCHEMA,
        "assembled_at": timezone.now().isoformat(),
        "fiscal_year": plan.fiscal_year,
        "first_day": first.isoformat(),
        "last_day": last.isoformat(),
        "agency": {
            "slug": agency.slug,
            "name": agency.name,
            "name_es": agency.name_es,
            "translations": {"name": agency_texts.get("name", {})},
        },
        "summary": {
            **texts.get("summary_en", {}),
            "en": plan.summary_en,
            "es": plan.summary_es,
        },
        "budget_notes": {
            **texts.get("budget_notes_en", {}),
            "en": plan.budget_notes_en,
            "es": plan.budget_notes_es,
        },
        "planned": [_item(item, calendar, names) for item in split.planned],
        "delivered": [_item(item, calendar, names) for item in split.delivered],
    }


def action_plan_published_latest(*, agency: Agency) -> ActionPlan | None:
    """The agency's published action plan of the latest fiscal year, for the public site."""
    return (
        ActionPlan.objects.filter(agency=agency, status=DocumentStatus.PUBLISHED)
        .select_related("agency")
        .order_by("-fiscal_year")
        .first()
    )


def has_published_action_plan(*, agency: Agency) -> bool:
    """Whether the public site has an action plan to show for the agency."""
    return ActionPlan.objects.filter(agency=agency, status=DocumentStatus.PUBLISHED).exists()
