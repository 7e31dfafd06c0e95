"""An action plan snapshot as the reader sees it, in the page's language.

One renderer serves the public page, the PDF and the staff preview, so what staff review is
what the public reads. Fixed words (statuses, kinds of evidence) are translated here; the
snapshot keeps their codes. The summary, budget notes, agency name and service names have
every language frozen with them (older snapshots English and Spanish only; a missing language
falls back to English); action items are written in English only. English on
a page in another language is marked `lang="en"` and noted once on the page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _

from cxgov.actions.models import ActionStatus, SourceKind
from cxgov.core.i18n import SPANISH, english_only, localized_frozen


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
    summary_lang: str  # "en" when the page shows the English text for want of its own
    budget_notes: str
    budget_notes_lang: str
    planned: list[PlanItem]
    delivered: list[PlanItem]
    item_lang: str  # "en" on a page in another language: items are written in English


def _lang(text: str) -> str:
    return str(getattr(text, "lang", ""))


def _day(value: str | None) -> str:
    return formats.date_format(date.fromisoformat(value), "DATE_FORMAT") if value else ""


def _text(texts: dict[str, str]) -> tuple[str, str]:
    """The text in the page's language, or the English one, and "en" then."""
    shown = localized_frozen(str(texts.get("en") or ""), texts)
    return shown, _lang(shown)


def _label(choices: Any, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _item(record: dict[str, Any]) -> PlanItem:
    service = localized_frozen(
        str(record.get("service") or ""),
        {
            **(record.get("service_translations") or {}),
            SPANISH: str(record.get("service_es") or ""),
        },
    )
    return PlanItem(
        title=english_only(str(record.get("title") or "")),
        description=str(record.get("description") or ""),
        service=service,
        service_lang=_lang(service),
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
    name = localized_frozen(
        str(agency.get("name") or ""),
        {
            **(agency.get("translations") or {}).get("name", {}),
            SPANISH: str(agency.get("name_es") or ""),
        },
    )
    planned = [_item(record) for record in snapshot.get("planned") or []]
    delivered = [_item(record) for record in snapshot.get("delivered") or []]
    # Every item's title is English alone, so the first tells whether items are marked.
    item_lang = next((_lang(item.title) for item in planned + delivered), "")
    return ActionPlanDocument(
        title=_("CX action plan for fiscal year %(year)s") % {"year": year},
        agency_name=name,
        agency_slug=str(agency.get("slug") or ""),
        fiscal_year=year,
        first_day=_day(snapshot.get("first_day")),
        last_day=_day(snapshot.get("last_day")),
        summary=summary,
        summary_lang=summary_lang,
        budget_notes=budget,
        budget_notes_lang=budget_lang,
        planned=planned,
        delivered=delivered,
        item_lang=item_lang,
    )
