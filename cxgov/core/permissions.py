"""Who may do what: one table of roles × capabilities, and the site-wide grants.

Every access check in views, API routers and commands names a capability (`need=Can.X`);
only this module knows which roles hold it. Agency capabilities come from an active
`Membership` in that agency (`Membership.objects.active()`). Site-wide capabilities act beyond
any one agency (an import that creates agencies), so no agency role holds them: they are
Django permissions on the user (`core.<capability>`), granted to a person in the site admin;
superusers hold them all.

`docs/permissions.md` is rendered from this table (`python manage.py permissions_doc`).
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from cxgov.core.models import Membership, Role, User

if TYPE_CHECKING:
    from cxgov.core.models import Agency


class Can(StrEnum):
    """A capability an access check asks for."""

    VIEW_AGENCY = "view_agency"
    ADMINISTER_AGENCY = "administer_agency"
    EDIT_SERVICES = "edit_services"
    EDIT_STANDARDS = "edit_standards"
    POST_STANDARDS = "post_standards"
    HANDLE_COMPLAINTS = "handle_complaints"
    HANDLE_ALL_COMPLAINTS = "handle_all_complaints"
    WORK_ASSIGNED_COMPLAINTS = "work_assigned_complaints"
    SET_UP_COMPLAINTS = "set_up_complaints"
    REVIEW_NARRATIVES = "review_narratives"
    EDIT_SURVEYS = "edit_surveys"
    PUBLISH_SURVEYS = "publish_surveys"
    READ_RESPONSES = "read_responses"
    MANAGE_CLEARANCES = "manage_clearances"
    VIEW_RESULTS = "view_results"
    WEIGHT_RESULTS = "weight_results"
    EDIT_BENCHMARKS = "edit_benchmarks"
    VIEW_REPORTS = "view_reports"
    EDIT_REPORTS = "edit_reports"
    EDIT_PLANS = "edit_plans"
    PUBLISH_PLANS = "publish_plans"
    VIEW_ACTIONS = "view_actions"
    EDIT_ACTIONS = "edit_actions"
    EDIT_A11_REPORTS = "edit_a11_reports"
    PUBLISH_A11_REPORTS = "publish_a11_reports"
    IMPORT_RESPONSES = "import_responses"
    OVERSEE_AGENCIES = "oversee_agencies"
    RATE_A11_REPORTS = "rate_a11_reports"
    MANAGE_WEBHOOKS = "manage_webhooks"
    MANAGE_CALENDAR = "manage_calendar"
    MANAGE_TRANSLATIONS = "manage_translations"
    VIEW_MATURITY = "view_maturity"
    MANAGE_MATURITY = "manage_maturity"
    MANAGE_JOURNEYS = "manage_journeys"
    IMPORT_GOVERNMENT_DATA = "import_government_data"
    OVERSEE_GOVERNMENT = "oversee_government"


CAPABILITY_TEXT: dict[Can, str] = {
    Can.VIEW_AGENCY: (
        "Read the agency's staff pages that hold no one's personal data: services, standards, "
        "survey builders, aggregate figures (any role)."
    ),
    Can.ADMINISTER_AGENCY: (
        "Members: invite by email, change roles, deactivate and reactivate (never the last "
        "active administrator, never oneself); SCIM provisioning tokens for the identity "
        "provider (create, shown once, revoke); audit log, two-step sign-in resets, retention "
        "periods, whole-agency export, failed tasks."
    ),
    Can.EDIT_SERVICES: "Change services, channels, hours, journey stages and customer segments.",
    Can.EDIT_STANDARDS: (
        "Change service standards, upload events, handle missed periods; send a standard for "
        "review and comment on its review."
    ),
    Can.POST_STANDARDS: (
        "Approve a standard sent for review (not one you sent yourself, unless the agency turned "
        "approval by a second member off), return it to draft, post it and take it down."
    ),
    Can.HANDLE_COMPLAINTS: (
        "Work the complaint queue; read complaint cases, their contact details and attachments; "
        "file complaints received by phone, mail, the API or Open311; list, read and work cases "
        "through the API as on the case page. Only the cases routed to a team you belong to or "
        "lead, cases routed to no team, and cases assigned to you, unless you also hold "
        "`HANDLE_ALL_COMPLAINTS`."
    ),
    Can.HANDLE_ALL_COMPLAINTS: (
        "Every complaint case of the agency, whatever team it is routed to: in the queue, on "
        "the case page, its attachments, the API and narrative review; webhook subscriptions "
        "to complaint events."
    ),
    Can.WORK_ASSIGNED_COMPLAINTS: (
        "Open and work the complaint cases assigned to you (the queue lists only those), and "
        "be offered as an assignee. Nothing else of the complaints but the analytics."
    ),
    Can.SET_UP_COMPLAINTS: (
        "Change complaint categories, routing, SLA policies, case number formats and when "
        "narratives may be published."
    ),
    Can.REVIEW_NARRATIVES: (
        "Review consented complaint narratives for the public data: read the original beside "
        "the scrubbed text, then approve, edit and approve, or withhold it."
    ),
    Can.EDIT_SURVEYS: (
        "Build surveys, questions, invitations and QR links; mark responses as spam or delete "
        "them; send a survey for review and comment on its review."
    ),
    Can.PUBLISH_SURVEYS: (
        "Approve a survey sent for review (not one you sent yourself, unless the agency turned "
        "approval by a second member off), return it to draft, publish it (a public survey "
        "needs its Paperwork Reduction Act clearance) and unpublish it."
    ),
    Can.READ_RESPONSES: (
        "Read customer survey responses one by one: the response list and CSV, the API list and "
        "the per-response Touchpoints A-11 file. Employee surveys are never listed one by one."
    ),
    Can.MANAGE_CLEARANCES: (
        "Record and change the agency's Paperwork Reduction Act clearances and exemptions; "
        "download each survey instrument's PRA request package (PDF and JSON); receive their "
        "burden and expiry warnings on the staff home and by email (agency administrators)."
    ),
    Can.VIEW_RESULTS: "Read survey results.",
    Can.WEIGHT_RESULTS: (
        "Give a survey's population margins, to which its results, report and CSVs are raked."
    ),
    Can.EDIT_BENCHMARKS: "Upload benchmarks, enter own measures, choose best in business.",
    Can.VIEW_REPORTS: "Read survey reports and the scorecard.",
    Can.EDIT_REPORTS: "Write the authored sections of reports.",
    Can.EDIT_PLANS: (
        "Read and write customer service plans and annual CX action plans, choose the surveys "
        "a plan names and the action items an action plan shows, send a plan for review and "
        "comment on its review."
    ),
    Can.PUBLISH_PLANS: (
        "Approve a customer service plan or an annual CX action plan sent for review (not one "
        "you sent yourself, unless the agency turned approval by a second member off), return "
        "it to draft, publish it and unpublish it."
    ),
    Can.VIEW_ACTIONS: "Read every action (others read only employee-prompted ones).",
    Can.EDIT_ACTIONS: "Create and change actions.",
    Can.EDIT_A11_REPORTS: (
        "Start and fill in A-11 quarterly reports, send one for review and comment on its review."
    ),
    Can.PUBLISH_A11_REPORTS: (
        "Approve an A-11 quarterly report sent for review, which submits it (not one you sent "
        "yourself, unless the agency turned approval by a second member off), return it to "
        "draft, publish it and unpublish it."
    ),
    Can.IMPORT_RESPONSES: (
        "Bring responses collected elsewhere into the agency's surveys: response files and the API."
    ),
    Can.OVERSEE_AGENCIES: "Read every agency where you hold this role side by side.",
    Can.RATE_A11_REPORTS: "Rate A-11 reports of the agencies where you hold this role.",
    Can.MANAGE_WEBHOOKS: (
        "Create, change and turn off the agency's webhook subscriptions, read their delivery "
        "log (payloads included) and replay deliveries."
    ),
    Can.MANAGE_CALENDAR: (
        "Add, import and remove the agency's closed days (executive orders, emergencies): "
        "complaint deadlines and standards in business days skip them like federal holidays."
    ),
    Can.MANAGE_TRANSLATIONS: (
        "The agency's translations page: the languages the agency offers, how much of the "
        "authored text (services, surveys, plans, standards, canned responses, categories) each "
        "language has, which is missing, a machine draft, reviewed or stale; edit one text's "
        "translation; download a language as XLIFF for a translation vendor and upload the "
        "translated file."
    ),
    Can.VIEW_MATURITY: (
        "Read the agency's annual CX maturity self-assessments, the indicators cxgov measures "
        "beside them and their year-on-year trend."
    ),
    Can.MANAGE_MATURITY: (
        "Fill in and change the agency's annual CX maturity self-assessment: a score, an "
        "evidence link and a note per statement."
    ),
    Can.MANAGE_JOURNEYS: (
        "Create and change the agency's journey maps, their stages (actions, channels, pain "
        "points, moments that matter, measured burden and what attaches to each) and personas."
    ),
    Can.IMPORT_GOVERNMENT_DATA: (
        "Import the performance.gov A-11 quarterly file, which creates and updates agencies "
        "and their records site-wide."
    ),
    Can.OVERSEE_GOVERNMENT: (
        "The oversight home across every agency: the A-11 reporting calendar, trust by "
        "provider, standards missed and complaint timeliness, all as aggregates and never "
        "anyone's personal data; open any submitted or published A-11 report read-only and "
        "rate it; every agency's CX maturity scores side by side; the site-wide life "
        "experiences that agencies' journeys are tagged with."
    ),
}

_EDITORS = frozenset({Can.VIEW_AGENCY, Can.VIEW_ACTIONS, Can.VIEW_REPORTS})
# The work of running services: the inventory, standards and the complaint system.
_SERVICE_WORK = frozenset(
    {
        Can.EDIT_SERVICES,
        Can.EDIT_STANDARDS,
        Can.POST_STANDARDS,
        Can.HANDLE_COMPLAINTS,
        Can.HANDLE_ALL_COMPLAINTS,
        Can.WORK_ASSIGNED_COMPLAINTS,
        Can.SET_UP_COMPLAINTS,
    }
)
# The work of asking customers: surveys, their responses, clearances and results.
_SURVEY_WORK = frozenset(
    {
        Can.EDIT_SURVEYS,
        Can.PUBLISH_SURVEYS,
        Can.READ_RESPONSES,
        Can.MANAGE_CLEARANCES,
        Can.VIEW_RESULTS,
        Can.WEIGHT_RESULTS,
        Can.IMPORT_RESPONSES,
    }
)
# What every editing role writes from the figures: benchmarks, reports, plans, actions, A-11.
_PLANNING_WORK = frozenset(
    {
        Can.EDIT_BENCHMARKS,
        Can.EDIT_REPORTS,
        Can.EDIT_PLANS,
        Can.EDIT_ACTIONS,
        Can.EDIT_A11_REPORTS,
    }
)

ROLE_CAPABILITIES: dict[Role, frozenset[Can]] = {
    Role.AGENCY_ADMIN: _EDITORS
    | _SERVICE_WORK
    | _SURVEY_WORK
    | _PLANNING_WORK
    | {
        Can.ADMINISTER_AGENCY,
        Can.REVIEW_NARRATIVES,
        Can.PUBLISH_PLANS,
        Can.PUBLISH_A11_REPORTS,
        Can.MANAGE_WEBHOOKS,
        Can.MANAGE_CALENDAR,
        Can.MANAGE_TRANSLATIONS,
        Can.VIEW_MATURITY,
        Can.MANAGE_MATURITY,
        Can.MANAGE_JOURNEYS,
    },
    Role.SERVICE_MANAGER: _EDITORS
    | _SERVICE_WORK
    | _PLANNING_WORK
    | {
        Can.PUBLISH_PLANS,
        Can.MANAGE_TRANSLATIONS,
        Can.VIEW_MATURITY,
        Can.MANAGE_MATURITY,
        Can.MANAGE_JOURNEYS,
    },
    Role.CX_ANALYST: _EDITORS
    | _SURVEY_WORK
    | _PLANNING_WORK
    | {Can.VIEW_MATURITY, Can.MANAGE_JOURNEYS},
    Role.COMPLAINT_HANDLER: frozenset(
        {
            Can.VIEW_AGENCY,
            Can.VIEW_ACTIONS,
            Can.HANDLE_COMPLAINTS,
            Can.WORK_ASSIGNED_COMPLAINTS,
            Can.REVIEW_NARRATIVES,
        }
    ),
    Role.FRONTLINE_EMPLOYEE: frozenset({Can.VIEW_AGENCY, Can.WORK_ASSIGNED_COMPLAINTS}),
    Role.OVERSIGHT: _EDITORS
    | {
        Can.VIEW_RESULTS,
        Can.VIEW_MATURITY,
        Can.PUBLISH_A11_REPORTS,
        Can.OVERSEE_AGENCIES,
        Can.RATE_A11_REPORTS,
    },
}

# Capabilities no agency role holds: Django permissions on the user (app label "core").
SITE_CAPABILITIES: frozenset[Can] = frozenset({Can.IMPORT_GOVERNMENT_DATA, Can.OVERSEE_GOVERNMENT})


def roles_with(need: Can) -> frozenset[Role]:
    """The agency roles that hold a capability (none for a site-wide one)."""
    return frozenset(role for role, caps in ROLE_CAPABILITIES.items() if need in caps)


def site_permission(need: Can) -> str:
    """The Django permission name of a site-wide capability."""
    return f"core.{need.value}"


def user_can(*, user: User | object, agency: Agency | None, need: Can) -> bool:
    """Whether the user may do `need`: in `agency` for an agency capability, anywhere for a
    site-wide one (then `agency` is ignored). Pages ask this to show or hide buttons."""
    if not isinstance(user, User) or not user.is_active:
        return False
    if need in SITE_CAPABILITIES:
        return user.has_perm(site_permission(need))
    if agency is None:
        return False
    return (
        Membership.objects.active()
        .filter(user=user, agency=agency, role__in=roles_with(need))
        .exists()
    )


def capabilities_in(*, user: User | object, agency: Agency) -> frozenset[Can]:
    """Every agency capability the user holds in `agency`, for pages that show or hide several
    links at once (`{% if "handle_complaints" in can %}`)."""
    if not isinstance(user, User) or not user.is_active:
        return frozenset()
    roles = (
        Membership.objects.active().filter(user=user, agency=agency).values_list("role", flat=True)
    )
    return frozenset().union(*(ROLE_CAPABILITIES[Role(role)] for role in roles))


def capabilities_anywhere(*, user: User | object) -> frozenset[Can]:
    """Every capability the user holds in some agency, plus the site-wide ones granted, for
    menus of pages that belong to no one agency (the staff home, the header). Superusers hold
    them all."""
    if not isinstance(user, User) or not user.is_active:
        return frozenset()
    if user.is_superuser:
        return frozenset(Can)
    roles = Membership.objects.active().filter(user=user).values_list("role", flat=True)
    site = {need for need in SITE_CAPABILITIES if user.has_perm(site_permission(need))}
    return frozenset(site).union(*(ROLE_CAPABILITIES[Role(role)] for role in set(roles)))


def permissions_markdown() -> str:
    """docs/permissions.md: the role table and the site-wide grants, rendered from this module."""
    roles = list(ROLE_CAPABILITIES)
    agency_caps = [can for can in Can if can not in SITE_CAPABILITIES]
    lines = [
        "# Permissions",
        "",
        "Generated from `cxgov/core/permissions.py` by `python manage.py permissions_doc`;",
        "a test fails when this file and the table disagree. Do not edit by hand.",
        "",
        "Every access check names a capability (`need=Can.X`). A capability in an agency comes",
        "from a role held there; a check that fails answers 404, the same as a missing object.",
        "Only active memberships count: one an administrator deactivated grants nothing until",
        "it is reactivated (the person still signs in, and sees no agency of it).",
        "",
        "## Agency roles",
        "",
        "| capability | " + " | ".join(f"`{role.value}`" for role in roles) + " | what it allows |",
        "|---|" + "---|" * len(roles) + "---|",
    ]
    for can in agency_caps:
        marks = " | ".join("yes" if can in ROLE_CAPABILITIES[role] else "" for role in roles)
        lines.append(f"| `{can.name}` | {marks} | {CAPABILITY_TEXT[can]} |")
    lines += [
        "",
        "## Site-wide grants",
        "",
        "No agency role holds these. Grant the Django permission to a person in the site admin",
        "(`/site-admin/`, user → user permissions); superusers hold them all.",
        "",
        "| capability | Django permission | what it allows |",
        "|---|---|---|",
    ]
    for can in sorted(SITE_CAPABILITIES):
        lines.append(f"| `{can.name}` | `{site_permission(can)}` | {CAPABILITY_TEXT[can]} |")
    return "\n".join(lines) + "\n"
