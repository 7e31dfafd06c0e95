"""An action plan snapshot as the reader sees it, in the page's language.

One renderer serves the public page, the PDF and the staff preview, so what staff review is
what the public reads. Action items are written in English only: on a Spanish page their
texts are marked `lang="en"`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cxgov.actions.models import ActionStatus, SourceKind


@dataclass
class Evidence:
    kind: str
    label: str


@dataclass
class PlanItem:
    title: str
    description: str
    service: str
    service_lang: str
    due: str
    status: str
    closed: str
    evidence: list[Evidence] = field(default_factory=list)


@dataclass
class ActionPlanDocument:
    title: str
    agency_name: str
    agency_slug: str
    fiscal_year: int
    first_day: str
    last_day: str
    summary: str
    summary_lang: str  # "en" when a Spanish page shows the English text
    budget_notes: str
    budget_notes_lang: str
    planned: list[PlanItem]
    delivered: list[PlanItem]
    item_lang: str  # "en" on a Spanish page: items are written in English


def _spanish() -> bool:
    return (get_language() or "").startswith("es")


def _day(value: str | None) -> str:
    return formats.date_format(date.fromisoformat(value), "DATE_FORMAT") if value else ""


def _text(texts: dict[str, str]) -> tuple[str, str]:
    """The text in the page's language, or the English one marked as English."""
    english, spanish = str(texts.get("en") or ""), str(texts.get("es") or "")
    if _spanish():
        return (spanish, "") if spanish else (english, "en" if english else "")
    return english, ""


def _label(choices: Any, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _item(record: dict[str, Any]) -> PlanItem:
    service_en, service_es = str(record.get("service") or ""), str(record.get("service_es") or "")
    spanish_service = _spanish() and bool(service_es)
    return PlanItem(
        title=str(record.get("title") or ""),
        description=str(record.get("description") or ""),
        service=service_es if spanish_service else service_en,
        service_lang="en" if _spanish() and service_en and not service_es else "",
        due=_day(record.get("due_date")),
        status=_label(ActionStatus, str(record.get("status") or "")),
        closed=_day(record.get("closed_on")),
        evidence=[
            Evidence(kind=_label(SourceKind, str(kind)), label=str(label))
            for kind, label in record.get("evidence") or []
        ],
    )


def action_plan_document(snapshot: dict[str, Any]) -> ActionPlanDocument:
    """The snapshot of a plan, localized for the active language."""
    agency = snapshot.get("agency") or {}
    year = int(snapshot.get("fiscal_year") or 0)
    summary, summary_lang = _text(snapshot.get("summary") or {})
    budget, budget_lang = _text(snapshot.get("budget_notes") or {})
    name = str(agency.get("name_es") or "") if _spanish() else ""
    return ActionPlanDocument(
        title=_("CX action plan for fiscal year %(year)s") % {"year": year},
        agency_name=name or str(agency.get("name") or ""),
        agency_slug=str(agency.get("slug") or ""),
        fiscal_year=year,
        first_day=_day(snapshot.get("first_day")),
        last_day=_day(snapshot.get("last_day")),
        summary=summary,
        summary_lang=summary_lang,
        budget_notes=budget,
        budget_notes_lang=budget_lang,
        planned=[_item(record) for record in snapshot.get("planned") or []],
        delivered=[_item(record) for record in snapshot.get("delivered") or []],
        item_lang="en" if _spanish() else "",
    )
