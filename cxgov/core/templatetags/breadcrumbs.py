"""`{% breadcrumbs "section" current=... %}`: the one trail at the top of every staff page.

Staff home › agency › the section's home › its parent object (a service, survey, standard...)
› the current page. The section's home and the parent link only appear below them; a page with
no `current` ends at its parent object or at the section's home. A section whose home needs a
capability the reader lacks leads to its open page instead (the complaint queue → analytics).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import template
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cxgov.core.permissions import Can, user_can

register = template.Library()


@dataclass(frozen=True)
class _Parent:
    """The object a section's pages hang from, as the context names it."""

    context_name: str
    url_name: str
    url_kwarg: str
    label: Callable[[Any], str]


@dataclass(frozen=True)
class _Section:
    label: Any
    url_name: str
    parent: _Parent | None = None
    need: Can | None = None  # what `url_name` needs beyond VIEW_AGENCY
    open_url_name: str = ""  # the section's page for those who lack `need`


def _short(text: str) -> str:
    return Truncator(text).words(8)


SECTIONS = {
    "registry": _Section(
        gettext_lazy("Services"),
        "registry:service_list",
        _Parent("service", "registry:service_detail", "service_id", lambda s: s.name),
    ),
    "surveys": _Section(
        gettext_lazy("Surveys"),
        "surveys:survey_list",
        _Parent("survey", "surveys:survey_detail", "survey_id", lambda s: s.title),
    ),
    "clearances": _Section(
        gettext_lazy("PRA clearances"),
        "surveys:clearance_list",
        _Parent("clearance", "surveys:clearance_detail", "clearance_id", lambda c: _short(c.title)),
    ),
    "standards": _Section(
        gettext_lazy("Service standards"),
        "standards:standard_list",
        _Parent(
            "standard", "standards:standard_detail", "standard_id", lambda s: _short(s.statement)
        ),
    ),
    "actions": _Section(
        gettext_lazy("Action plan"),
        "actions:action_list",
        _Parent("action", "actions:action_detail", "action_id", lambda a: _short(a.title)),
    ),
    "action_plans": _Section(
        gettext_lazy("Annual CX action plans"),
        "actions:action_plan_list",
        _Parent(
            "action_plan",
            "actions:action_plan_detail",
            "action_plan_id",
            lambda p: _("Fiscal year %(year)s") % {"year": p.fiscal_year},
        ),
    ),
    "complaints": _Section(
        gettext_lazy("Complaints"),
        "complaints:queue",
        need=Can.WORK_ASSIGNED_COMPLAINTS,
        open_url_name="complaints:analytics",
    ),
    "benchmarks": _Section(
        gettext_lazy("Benchmarks"),
        "benchmarks:agency",
        _Parent("service", "benchmarks:service", "service_id", lambda s: s.name),
    ),
    "a11": _Section(gettext_lazy("A-11 quarterly reporting"), "a11:collection_list"),
    "maturity": _Section(gettext_lazy("CX maturity"), "maturity:index"),
    "journeys": _Section(
        gettext_lazy("Journeys"),
        "journeys:journey_list",
        _Parent("journey", "journeys:journey_detail", "journey_id", lambda j: _short(j.title)),
    ),
    "members": _Section(gettext_lazy("Members"), "core:member_list"),
    "approvals": _Section(gettext_lazy("Reviews"), "core:approval_list"),
    "calendar": _Section(gettext_lazy("Calendar"), "core:agency_calendar"),
    "scim_tokens": _Section(gettext_lazy("SCIM provisioning tokens"), "core:scim_token_list"),
    "plans": _Section(
        gettext_lazy("Customer service plans"),
        "plans:plan_list",
        _Parent(
            "plan",
            "plans:plan_detail",
            "plan_id",
            lambda p: _("Fiscal year %(year)s") % {"year": p.year},
        ),
    ),
    "webhooks": _Section(
        gettext_lazy("Webhooks"),
        "webhooks:subscription_list",
        _Parent(
            "subscription",
            "webhooks:subscription_detail",
            "subscription_id",
            lambda s: _short(s.name),
        ),
    ),
}


@dataclass(frozen=True)
class Crumb:
    label: str
    url: str = ""


def trail(
    section: str,
    *,
    agency: Any,
    current: str,
    parent: Any = None,
    period: Any = None,
    user: Any = None,
) -> list[Crumb]:
    """The crumbs of a page of `section`; the last one is the page itself (no link)."""
    spec = SECTIONS[section]
    slug = agency.slug
    crumbs = [
        Crumb(_("Staff home"), reverse("core:staff_home")),
        Crumb(agency.display_name, reverse("core:agency_overview", kwargs={"slug": slug})),
    ]
    parent_crumb = None
    if spec.parent is not None and parent is not None and getattr(parent, "pk", None):
        url = reverse(spec.parent.url_name, kwargs={"slug": slug, spec.parent.url_kwarg: parent.pk})
        parent_crumb = Crumb(spec.parent.label(parent), url)
    if not current and parent_crumb is None:
        return [*crumbs, Crumb(str(spec.label))]
    home_name = spec.url_name
    if spec.need is not None and not user_can(user=user, agency=agency, need=spec.need):
        home_name = spec.open_url_name
    home = reverse(home_name, kwargs={"slug": slug})
    if period is not None:
        home += f"?fiscal_year={period.year}&quarter={period.quarter}"
    crumbs.append(Crumb(str(spec.label), home))
    if parent_crumb is None:
        return [*crumbs, Crumb(str(current))]
    if not current:
        return [*crumbs, Crumb(parent_crumb.label)]
    return [*crumbs, parent_crumb, Crumb(str(current))]


@register.inclusion_tag("includes/breadcrumbs.html", takes_context=True)
def breadcrumbs(context: template.Context, section: str, current: Any = "", **objects: Any) -> dict:
    """The trail of a staff page of `section`; `service=None` (etc.) leaves the parent out."""
    spec = SECTIONS[section]
    parent = None
    if spec.parent is not None:
        name = spec.parent.context_name
        parent = objects[name] if name in objects else context.get(name)
    period = context.get("period") if section == "a11" else None
    return {
        "crumbs": trail(
            section,
            agency=context["agency"],
            current=current or "",
            parent=parent,
            period=period,
            user=context.get("user"),
        )
    }
