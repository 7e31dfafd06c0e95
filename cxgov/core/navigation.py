"""The staff menus: each link names the capability its page asks for, from the one table.

A menu shows only the links the member may open. `visible_links` takes the capabilities
computed once for the page (`capabilities_in` for one agency, `capabilities_anywhere` for the
staff home and header), so a menu costs no query per link. Core imports no app: pages are named
by their URL names. `core/tests/test_navigation_links.py` opens every link as every role, so a
link naming the wrong capability fails there.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from cxgov.core.permissions import Can, capabilities_anywhere


@dataclass(frozen=True)
class MenuLink:
    """A link to `url_name`, shown to those holding `need` (everyone signed in when None);
    `section` is the `nav_section` of the pages the header marks it current on."""

    url_name: str
    label: str | Promise
    need: Can | None = None
    section: str = ""


# The agency page (`core:agency_overview`): every staff page of one agency, reversed with its slug.
AGENCY_MENU: tuple[MenuLink, ...] = (
    MenuLink("registry:service_list", _("Services and channels"), Can.VIEW_AGENCY),
    MenuLink("registry:segment_list", _("Customer segments"), Can.VIEW_AGENCY),
    MenuLink("standards:standard_list", _("Service standards and results"), Can.VIEW_AGENCY),
    MenuLink("surveys:survey_list", _("Surveys and responses"), Can.VIEW_AGENCY),
    MenuLink("survey_results:index", _("Survey results"), Can.VIEW_RESULTS),
    MenuLink("reports:list", _("Survey reports"), Can.VIEW_REPORTS),
    MenuLink("complaints:queue", _("Complaints queue"), Can.WORK_ASSIGNED_COMPLAINTS),
    MenuLink("complaints:analytics", _("Complaint analytics"), Can.VIEW_AGENCY),
    MenuLink("benchmarks:agency", _("Benchmarks against the best in business"), Can.VIEW_AGENCY),
    MenuLink("a11:collection_list", _("A-11 quarterly reporting"), Can.VIEW_AGENCY),
    MenuLink("plans:plan_list", _("Customer service plans"), Can.EDIT_PLANS),
    MenuLink("actions:action_plan_list", _("Annual CX action plans"), Can.EDIT_PLANS),
    MenuLink("core:approval_list", _("Reviews waiting for you"), Can.VIEW_AGENCY),
    MenuLink("actions:action_list", _("Action plan"), Can.VIEW_AGENCY),
    MenuLink("maturity:index", _("CX maturity assessment"), Can.VIEW_MATURITY),
    MenuLink("journeys:journey_list", _("Journeys and personas"), Can.VIEW_AGENCY),
    MenuLink("reports:scorecard", _("Management scorecard"), Can.VIEW_AGENCY),
    MenuLink("webhooks:subscription_list", _("Webhooks"), Can.MANAGE_WEBHOOKS),
    MenuLink("public:agency", _("The agency's public page"), Can.VIEW_AGENCY),
    MenuLink("core:agency_calendar", _("Calendar: closed days and fiscal year"), Can.VIEW_AGENCY),
    MenuLink("translations:page", _("Translations"), Can.MANAGE_TRANSLATIONS),
    MenuLink("core:member_list", _("Members and invitations"), Can.ADMINISTER_AGENCY),
    MenuLink("core:scim_token_list", _("SCIM provisioning tokens"), Can.ADMINISTER_AGENCY),
    MenuLink("registry:agency_privacy", _("Data retention and export"), Can.ADMINISTER_AGENCY),
)

# The header's staff links (`includes/header.html`).
HEADER_MENU: tuple[MenuLink, ...] = (
    MenuLink("core:staff_home", _("Staff home"), section="staff"),
    MenuLink("oversight:home", _("Oversight"), Can.OVERSEE_GOVERNMENT, section="oversight"),
)

# The staff home: the oversight home for holders of the site-wide grant.
OVERSIGHT_MENU: tuple[MenuLink, ...] = (
    MenuLink(
        "oversight:home",
        _("The oversight home: A-11 reporting, trust, standards and complaints of every agency"),
        Can.OVERSEE_GOVERNMENT,
    ),
    MenuLink(
        "maturity_oversight:scores",
        _("CX maturity of every agency, side by side"),
        Can.OVERSEE_GOVERNMENT,
    ),
    MenuLink(
        "life_experiences:list",
        _("Life experiences across agencies"),
        Can.OVERSEE_GOVERNMENT,
    ),
)

# The staff home's "Your account"; failed tasks are open to administrators of any agency.
ACCOUNT_MENU: tuple[MenuLink, ...] = (
    MenuLink("core:token_list", _("API tokens")),
    MenuLink("core:password_change", _("Change your password")),
    MenuLink("core:mfa_recovery_codes", _("Recovery codes for two-step sign-in")),
    MenuLink("core:dead_letters", _("Failed background tasks"), Can.ADMINISTER_AGENCY),
)


@dataclass(frozen=True)
class ShownLink:
    url: str
    label: str | Promise
    section: str = ""


def visible_links(
    menu: Iterable[MenuLink], *, can: frozenset[Can], **url_kwargs: Any
) -> list[ShownLink]:
    """The links of `menu` whose capability is in `can`, reversed with `url_kwargs` in the
    active language."""
    return [
        ShownLink(
            url=reverse(link.url_name, kwargs=url_kwargs or None),
            label=link.label,
            section=link.section,
        )
        for link in menu
        if link.need is None or link.need in can
    ]


def capabilities_of_request(request: HttpRequest) -> frozenset[Can]:
    """`capabilities_anywhere` of the signed-in person, computed once per request."""
    cached: frozenset[Can] | None = getattr(request, "_capabilities_anywhere", None)
    if cached is None:
        cached = capabilities_anywhere(user=getattr(request, "user", None))
        request._capabilities_anywhere = cached  # type: ignore[attr-defined]
    return cached
