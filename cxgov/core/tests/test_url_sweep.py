"""Every URL and API operation keeps agencies apart and refuses cross-site POSTs.

The sweep walks the whole URLconf (English and /es/) and the OpenAPI document. Each staff URL
is called, by GET and by POST, as a person holding every role in another agency and as each
role of the agency that lacks the capability the URL needs: the answer must be byte for byte
the answer for a missing object. A POST without a CSRF token from a signed-in member is
refused. A URL or API operation without an entry in the tables below fails the sweep: say what
it needs when you add one.

Each API operation is called with the body a permitted caller sends, which must succeed for
that caller, so a refusal is the access check's and never the body's 422; refused writes store
nothing. Open311 requests, filed with an API token as `api_key`, are swept the same way.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection
from django.db.models import Model
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone, translation

from cxgov.a11.models import Collection
from cxgov.actions.models import ActionItem, ActionPlan
from cxgov.benchmarks.models import Selection, Series
from cxgov.complaints.models import Attachment, CannedResponse, Category, Complaint, Team
from cxgov.complaints.services import TRANSITIONS
from cxgov.core.models import (
    Agency,
    AgencyClosure,
    ApiToken,
    AuditEvent,
    DeadLetter,
    MemberInvitation,
    Membership,
    Role,
    ScimIdentity,
    TokenScope,
    User,
)
from cxgov.core.permissions import ROLE_CAPABILITIES, SITE_CAPABILITIES, Can, roles_with
from cxgov.core.services import site_grant_give, token_create
from cxgov.journeys.models import Journey, JourneyStage, Persona
from cxgov.plans.models import Plan
from cxgov.registry.models import Channel, ChannelClosure, CustomerSegment, Service, ServiceStage
from cxgov.standards.models import MissedPeriod, Standard, StandardEvent
from cxgov.surveys.models import (
    Audience,
    Clearance,
    PopulationMargin,
    Question,
    Quota,
    Response,
    Survey,
)
from cxgov.testing.demo import demo_load_once
from cxgov.testing.public_pages import public_address
from cxgov.webhooks.models import Delivery
from cxgov.webhooks.models import Event as WebhookEvent
from cxgov.webhooks.services import subscription_create

PUBLIC = "public"  # anyone, signed in or not
SIGNED_IN = "signed in"  # any signed-in person; nothing of an agency's in the URL
OWN = "own"  # the person's own objects (tokens)
KEY = "api key"  # an API token sent as a request parameter, not the session: OPEN311_SWEEP
MISSING = 999_999_999

Kwargs = Callable[["World"], dict[str, Any]]


@dataclass
class World:
    """The demo agency (every kind of object) and the people who call its URLs."""

    agency: Agency
    ids: dict[str, Any]
    outsider: User  # every role in another agency, none in this one
    holder: User  # every role in this agency
    by_role: dict[Role, User] = field(default_factory=dict)
    tokens: dict[int, str] = field(default_factory=dict)


def _agency(w: World) -> dict[str, Any]:
    return {"slug": w.agency.slug}


def _with(*kinds: str, **fixed: Any) -> Kwargs:
    """URL kwargs: the agency slug, the world's object ids by kind, and fixed values."""

    def build(w: World) -> dict[str, Any]:
        return {"slug": w.agency.slug, **{f"{k}_id": w.ids[k] for k in kinds}, **fixed}

    return build


def _review(kind: str, world_kind: str, **fixed: Any) -> Kwargs:
    """URL kwargs of a record's review page (`core.approvals`): its kind and id."""

    def build(w: World) -> dict[str, Any]:
        return {"slug": w.agency.slug, "kind": kind, "object_id": w.ids[world_kind], **fixed}

    return build


# URL name → (kwargs, capability for GET, capability for POST).
SWEEP: dict[str, tuple[Kwargs | None, Any, Any]] = {
    # public site, feeds, sign-in and Open311: no agency's staff data
    **dict.fromkeys(
        (
            "api_unknown_path",
            "scim_unknown_path",
            "oidc_authentication_init",
            "oidc_callback",
            # SAML sign-in (404 unless configured); the provider posts to the ACS from its own
            # site, so the ACS takes no CSRF token: the signed request cookie binds the browser.
            "saml_login",
            "saml_acs",
            "saml_metadata",
            "open311:discovery",
            "open311:services",
            "open311:service_definition",
            "open311:request",
            "open311:token",
            "feeds:standards_csv",
            "feeds:standards_json",
            "feeds:agency_standards_csv",
            "feeds:agency_standards_json",
            "feeds:data_catalogue",
            "feeds:a11_quarterly_csv",
            "feeds:a11_quarterly_json",
            "feeds:performance_csv",
            "feeds:performance_json",
            "feeds:agency_performance_csv",
            "feeds:agency_performance_json",
            "core:login",
            "core:logout",
            "core:password_reset",
            "core:password_reset_done",
            "core:password_reset_confirm",
            "core:password_reset_complete",
            "core:member_invitation_accept",
            "public:home",
            "public:agency",
            "public:service",
            "public:agency_standards",
            "public:service_standards",
            "public:service_performance",
            "public:agency_plan",
            "public:agency_plan_pdf",
            "public:agency_action_plan",
            "public:agency_action_plan_pdf",
            "public:data_index",
            "public:data_dictionary",
            "public:feedback",
            "public:complaint_start",
            "public:survey",
            "public:survey_thanks",
            "public:survey_embed",
            "public:survey_widget",
            "public:survey_widget_submit",
            "public:survey_widget_page",
            "public:survey_opt_out",
            # A private "finish later" link: its token is the respondent's only key.
            "public:survey_resume",
            # Twilio's delivery reports: signed by Twilio (X-Twilio-Signature), not by a session.
            "public:sms_status",
            "public:complaint_new",
            "public:complaint_status",
            "public:complaints_data",
            "public:complaint_track",
            "public:complaint_filed",
            "public:accessibility",
            "public:accessibility_conformance",
            "public:accessibility_openacr",
            "public:barrier_start",
            "public:barrier_new",
            "public:barrier_filed",
            "public:complaint_reply",
            "public:complaint_attachment",
            "public:complaint_link",
        ),
        (None, PUBLIC, PUBLIC),
    ),
    **dict.fromkeys(
        (
            "core:password_change",
            "core:keepalive",
            "core:mfa_setup",
            "core:mfa_verify",
            "core:mfa_recovery_codes",
            "core:staff_home",
            "core:token_list",
            "core:dead_letters",
        ),
        (None, SIGNED_IN, SIGNED_IN),
    ),
    # Open311 requests: anyone reads them; filing one needs the api_key of a permitted person.
    "open311:requests": (None, PUBLIC, KEY),
    "core:token_revoke": (lambda w: {"token_id": w.ids["token"]}, OWN, OWN),
    "core:dead_letter_retry": (
        lambda w: {"dead_letter_id": w.ids["dead_letter"]},
        Can.ADMINISTER_AGENCY,
        Can.ADMINISTER_AGENCY,
    ),
    "core:agency_overview": (_agency, Can.VIEW_AGENCY, Can.VIEW_AGENCY),
    # Site-wide oversight: no agency in the address; no agency role holds the grant.
    "oversight:home": (lambda w: {}, Can.OVERSEE_GOVERNMENT, Can.OVERSEE_GOVERNMENT),
    "oversight:report": (
        lambda w: {"collection_id": w.ids["handed_in_collection"]},
        Can.OVERSEE_GOVERNMENT,
        Can.OVERSEE_GOVERNMENT,
    ),
    "maturity_oversight:scores": (lambda w: {}, Can.OVERSEE_GOVERNMENT, Can.OVERSEE_GOVERNMENT),
    "life_experiences:list": (lambda w: {}, Can.OVERSEE_GOVERNMENT, Can.OVERSEE_GOVERNMENT),
    "core:member_mfa_reset": (
        _with("membership"),
        Can.ADMINISTER_AGENCY,
        Can.ADMINISTER_AGENCY,
    ),
    "core:member_list": (_agency, Can.ADMINISTER_AGENCY, Can.ADMINISTER_AGENCY),
    "core:scim_token_list": (_agency, Can.ADMINISTER_AGENCY, Can.ADMINISTER_AGENCY),
    "core:agency_calendar": (_agency, Can.VIEW_AGENCY, Can.MANAGE_CALENDAR),
    "core:closure_import": (_agency, Can.MANAGE_CALENDAR, Can.MANAGE_CALENDAR),
    "core:closure_remove": (
        lambda w: {"slug": w.agency.slug, "closure_id": w.ids["agency_closure"]},
        Can.MANAGE_CALENDAR,
        Can.MANAGE_CALENDAR,
    ),
    "core:scim_token_revoke": (_with("scim_token"), Can.ADMINISTER_AGENCY, Can.ADMINISTER_AGENCY),
    "core:member_invite": (_agency, Can.ADMINISTER_AGENCY, Can.ADMINISTER_AGENCY),
    "core:member_edit": (_with("membership"), Can.ADMINISTER_AGENCY, Can.ADMINISTER_AGENCY),
    "core:member_status": (
        _with("membership", action="deactivate"),
        Can.ADMINISTER_AGENCY,
        Can.ADMINISTER_AGENCY,
    ),
    "core:member_invitation_cancel": (
        _with("invitation"),
        Can.ADMINISTER_AGENCY,
        Can.ADMINISTER_AGENCY,
    ),
    # registry
    "registry:agency_privacy": (_agency, Can.ADMINISTER_AGENCY, Can.ADMINISTER_AGENCY),
    "registry:agency_export": (_agency, Can.ADMINISTER_AGENCY, Can.ADMINISTER_AGENCY),
    "registry:service_list": (_agency, Can.VIEW_AGENCY, Can.VIEW_AGENCY),
    "registry:service_create": (_agency, Can.EDIT_SERVICES, Can.EDIT_SERVICES),
    "registry:service_import": (_agency, Can.EDIT_SERVICES, Can.EDIT_SERVICES),
    "registry:service_export": (_with(fmt="csv"), Can.VIEW_AGENCY, Can.VIEW_AGENCY),
    "registry:service_detail": (_with("service"), Can.VIEW_AGENCY, Can.VIEW_AGENCY),
    "registry:service_edit": (_with("service"), Can.EDIT_SERVICES, Can.EDIT_SERVICES),
    "registry:service_status": (
        _with("service", action="archive"),
        Can.EDIT_SERVICES,
        Can.EDIT_SERVICES,
    ),
    "registry:stage_create": (_with("service"), Can.EDIT_SERVICES, Can.EDIT_SERVICES),
    "registry:stage_edit": (_with("stage"), Can.EDIT_SERVICES, Can.EDIT_SERVICES),
    "registry:stage_move": (
        _with("stage", direction="down"),
        Can.EDIT_SERVICES,
        Can.EDIT_SERVICES,
    ),
    "registry:stage_delete": (_with("stage"), Can.EDIT_SERVICES, Can.EDIT_SERVICES),
    "registry:channel_create": (_with("service"), Can.EDIT_SERVICES, Can.EDIT_SERVICES),
    "registry:channel_edit": (_with("channel"), Can.EDIT_SERVICES, Can.EDIT_SERVICES),
    "registry:channel_delete": (_with("channel"), Can.EDIT_SERVICES, Can.EDIT_SERVICES),
    "registry:channel_hours": (_with("channel"), Can.EDIT_SERVICES, Can.EDIT_SERVICES),
    "registry:closure_add": (_with("channel"), Can.EDIT_SERVICES, Can.EDIT_SERVICES),
    "registry:closure_remove": (
        _with("channel", "closure"),
        Can.EDIT_SERVICES,
        Can.EDIT_SERVICES,
    ),
    "registry:segment_list": (_agency, Can.VIEW_AGENCY, Can.VIEW_AGENCY),
    "registry:segment_create": (_agency, Can.EDIT_SERVICES, Can.EDIT_SERVICES),
    "registry:segment_edit": (_with("segment"), Can.EDIT_SERVICES, Can.EDIT_SERVICES),
    "registry:segment_delete": (_with("segment"), Can.EDIT_SERVICES, Can.EDIT_SERVICES),
    # complaints
    # the queue, cases and attachments hold contact details: roles that work cases only, and
    # each case only for those `complaints_visible` lets open it (TEAM_SWEEP below)
    "complaints:queue": (_agency, Can.WORK_ASSIGNED_COMPLAINTS, Can.HANDLE_COMPLAINTS),
    "complaints:new": (_agency, Can.HANDLE_COMPLAINTS, Can.HANDLE_COMPLAINTS),
    "complaints:analytics": (_agency, Can.VIEW_AGENCY, Can.VIEW_AGENCY),
    "complaints:setup": (_agency, Can.VIEW_AGENCY, Can.SET_UP_COMPLAINTS),
    "complaints:case": (_with("complaint"), Can.HANDLE_COMPLAINTS, Can.HANDLE_COMPLAINTS),
    **{
        f"complaints:{name}": (_with("complaint"), Can.HANDLE_COMPLAINTS, Can.HANDLE_COMPLAINTS)
        for name in (
            "transition",
            "assign",
            "categorize",
            "note",
            "message",
            "respond",
            "merge",
            "split",
        )
    },
    # each person's own saved queue filters; another's answers like a missing one
    "complaints:filters": (_agency, Can.WORK_ASSIGNED_COMPLAINTS, Can.WORK_ASSIGNED_COMPLAINTS),
    "complaints:canned_list": (_agency, Can.VIEW_AGENCY, Can.VIEW_AGENCY),
    "complaints:canned_create": (_agency, Can.SET_UP_COMPLAINTS, Can.SET_UP_COMPLAINTS),
    "complaints:canned_edit": (
        _with("canned"),
        Can.SET_UP_COMPLAINTS,
        Can.SET_UP_COMPLAINTS,
    ),
    "complaints:attachment": (
        _with("complaint", "attachment"),
        Can.HANDLE_COMPLAINTS,
        Can.HANDLE_COMPLAINTS,
    ),
    # consented narratives, original beside scrubbed: reviewers of that agency only
    "complaints:narratives": (_agency, Can.REVIEW_NARRATIVES, Can.REVIEW_NARRATIVES),
    "complaints:narrative_review": (
        _with("complaint"),
        Can.REVIEW_NARRATIVES,
        Can.REVIEW_NARRATIVES,
    ),
    # benchmarks
    "benchmarks:agency": (_agency, Can.VIEW_AGENCY, Can.VIEW_AGENCY),
    "benchmarks:library": (_agency, Can.VIEW_AGENCY, Can.VIEW_AGENCY),
    "benchmarks:series": (_with("series"), Can.VIEW_AGENCY, Can.VIEW_AGENCY),
    "benchmarks:upload": (_agency, Can.EDIT_BENCHMARKS, Can.EDIT_BENCHMARKS),
    "benchmarks:oversight": (_agency, Can.VIEW_AGENCY, Can.VIEW_AGENCY),
    "benchmarks:service": (_with("service"), Can.VIEW_AGENCY, Can.VIEW_AGENCY),
    "benchmarks:measure_create": (_with("service"), Can.EDIT_BENCHMARKS, Can.EDIT_BENCHMARKS),
    "benchmarks:selection_create": (
        _with("service"),
        Can.EDIT_BENCHMARKS,
        Can.EDIT_BENCHMARKS,
    ),
    "benchmarks:selection_delete": (
        _with("selection"),
        Can.EDIT_BENCHMARKS,
        Can.EDIT_BENCHMARKS,
    ),
    # survey results
    "survey_results:index": (_agency, Can.VIEW_RESULTS, Can.VIEW_RESULTS),
    "survey_results:oversight": (_agency, Can.VIEW_RESULTS, Can.VIEW_RESULTS),
    "survey_results:survey": (_with("survey"), Can.VIEW_RESULTS, Can.VIEW_RESULTS),
    "survey_results:drivers": (_with("survey"), Can.VIEW_RESULTS, Can.VIEW_RESULTS),
    "survey_results:margins": (_with("survey"), Can.WEIGHT_RESULTS, Can.WEIGHT_RESULTS),
    "survey_results:margin_edit": (_with("survey"), Can.WEIGHT_RESULTS, Can.WEIGHT_RESULTS),
    "survey_results:margin_delete": (_with("margin"), Can.WEIGHT_RESULTS, Can.WEIGHT_RESULTS),
    # surveys
    "surveys:survey_list": (_agency, Can.VIEW_AGENCY, Can.VIEW_AGENCY),
    "surveys:survey_create": (_agency, Can.EDIT_SURVEYS, Can.EDIT_SURVEYS),
    "surveys:survey_import": (_agency, Can.EDIT_SURVEYS, Can.EDIT_SURVEYS),
    "surveys:survey_definition": (_with("survey"), Can.VIEW_AGENCY, Can.VIEW_AGENCY),
    "surveys:survey_version": (_with("survey", number=1), Can.VIEW_AGENCY, Can.VIEW_AGENCY),
    "surveys:quota_list": (_with("survey"), Can.EDIT_SURVEYS, Can.EDIT_SURVEYS),
    "surveys:quota_remove": (_with("quota"), Can.EDIT_SURVEYS, Can.EDIT_SURVEYS),
    "surveys:survey_detail": (_with("survey"), Can.VIEW_AGENCY, Can.VIEW_AGENCY),
    "surveys:clearance_list": (_agency, Can.VIEW_AGENCY, Can.VIEW_AGENCY),
    "surveys:clearance_create": (_agency, Can.MANAGE_CLEARANCES, Can.MANAGE_CLEARANCES),
    "surveys:clearance_detail": (_with("clearance"), Can.VIEW_AGENCY, Can.VIEW_AGENCY),
    "surveys:clearance_edit": (
        _with("clearance"),
        Can.MANAGE_CLEARANCES,
        Can.MANAGE_CLEARANCES,
    ),
    "surveys:survey_edit": (_with("survey"), Can.EDIT_SURVEYS, Can.EDIT_SURVEYS),
    "surveys:survey_preview": (_with("survey"), Can.VIEW_AGENCY, Can.VIEW_AGENCY),
    "surveys:survey_qr": (_with("survey"), Can.VIEW_AGENCY, Can.VIEW_AGENCY),
    # the PRA request package (JSON here; the PDF answers the same check)
    "surveys:request_package": (
        _with("survey", fmt="json"),
        Can.MANAGE_CLEARANCES,
        Can.MANAGE_CLEARANCES,
    ),
    # the agency's own expected collection for the request package (a form page)
    "surveys:burden_estimate": (
        _with("survey"),
        Can.MANAGE_CLEARANCES,
        Can.MANAGE_CLEARANCES,
    ),
    "surveys:invitation_upload": (_with("survey"), Can.EDIT_SURVEYS, Can.EDIT_SURVEYS),
    "surveys:invitation_remind": (_with("survey"), Can.EDIT_SURVEYS, Can.EDIT_SURVEYS),
    # The contacts of the invitations: read by those who invite, each read audited.
    "surveys:invitation_list": (_with("survey"), Can.EDIT_SURVEYS, Can.EDIT_SURVEYS),
    "surveys:invitation_export": (_with("survey"), Can.EDIT_SURVEYS, Can.EDIT_SURVEYS),
    "surveys:access_codes_issue": (
        lambda w: {"slug": w.agency.slug, "survey_id": w.ids["employee_survey"]},
        Can.EDIT_SURVEYS,
        Can.EDIT_SURVEYS,
    ),
    "surveys:question_create": (_with("survey"), Can.EDIT_SURVEYS, Can.EDIT_SURVEYS),
    "surveys:question_library": (_with("survey"), Can.EDIT_SURVEYS, Can.EDIT_SURVEYS),
    "surveys:response_list": (_with("survey"), Can.READ_RESPONSES, Can.READ_RESPONSES),
    "surveys:response_export": (_with("survey"), Can.READ_RESPONSES, Can.READ_RESPONSES),
    "surveys:response_research_export": (
        _with("survey", fmt="sav"),
        Can.READ_RESPONSES,
        Can.READ_RESPONSES,
    ),
    "surveys:response_action": (
        _with("survey", "response", action="spam"),
        Can.EDIT_SURVEYS,
        Can.EDIT_SURVEYS,
    ),
    "surveys:survey_action": (
        _with("survey", action="close"),
        Can.EDIT_SURVEYS,
        Can.EDIT_SURVEYS,
    ),
    "surveys:question_edit": (_with("question"), Can.EDIT_SURVEYS, Can.EDIT_SURVEYS),
    "surveys:question_logic": (_with("question"), Can.EDIT_SURVEYS, Can.EDIT_SURVEYS),
    "surveys:question_move": (
        _with("question", direction="down"),
        Can.EDIT_SURVEYS,
        Can.EDIT_SURVEYS,
    ),
    "surveys:question_remove": (_with("question"), Can.EDIT_SURVEYS, Can.EDIT_SURVEYS),
    # standards
    "standards:standard_list": (_agency, Can.VIEW_AGENCY, Can.VIEW_AGENCY),
    "standards:standard_create": (_agency, Can.EDIT_STANDARDS, Can.EDIT_STANDARDS),
    "standards:standard_detail": (_with("standard"), Can.VIEW_AGENCY, Can.VIEW_AGENCY),
    "standards:standard_edit": (_with("standard"), Can.EDIT_STANDARDS, Can.EDIT_STANDARDS),
    "standards:events_upload": (_with("standard"), Can.EDIT_STANDARDS, Can.EDIT_STANDARDS),
    "standards:result_add": (_with("standard"), Can.EDIT_STANDARDS, Can.EDIT_STANDARDS),
    "standards:standard_status": (
        _with("standard", action="retire"),
        Can.EDIT_STANDARDS,
        Can.EDIT_STANDARDS,
    ),
    "standards:miss_acknowledge": (_with("miss"), Can.EDIT_STANDARDS, Can.EDIT_STANDARDS),
    #
    "a11:collection_list": (_agency, Can.VIEW_AGENCY, Can.VIEW_AGENCY),
    "a11:collection_start": (_with("service"), Can.EDIT_A11_REPORTS, Can.EDIT_A11_REPORTS),
    "a11:collection": (_with("collection"), Can.VIEW_AGENCY, Can.EDIT_A11_REPORTS),
    "a11:collection_not_reported": (
        _with("collection"),
        Can.EDIT_A11_REPORTS,
        Can.EDIT_A11_REPORTS,
    ),
    "a11:collection_rate": (_with("collection"), Can.RATE_A11_REPORTS, Can.RATE_A11_REPORTS),
    "a11:oversight": (_agency, Can.OVERSEE_AGENCIES, Can.OVERSEE_AGENCIES),
    # Response files need IMPORT_RESPONSES; the performance.gov file the site-wide grant.
    "a11:upload": (_agency, Can.IMPORT_RESPONSES, Can.IMPORT_RESPONSES),
    "a11:export": (_agency, Can.VIEW_AGENCY, Can.VIEW_AGENCY),
    # One row per response; the summary and collection files need VIEW_AGENCY (a11 tests).
    "a11:export_download": (
        _with(format="touchpoints-a11-v2"),
        Can.READ_RESPONSES,
        Can.READ_RESPONSES,
    ),
    # reports
    "reports:list": (_agency, Can.VIEW_REPORTS, Can.VIEW_REPORTS),
    "reports:scorecard": (_agency, Can.VIEW_AGENCY, Can.VIEW_AGENCY),
    "reports:report": (_with(period="fy2025"), Can.VIEW_REPORTS, Can.VIEW_REPORTS),
    "reports:pdf": (_with(period="fy2025"), Can.VIEW_REPORTS, Can.VIEW_REPORTS),
    "reports:tables_zip": (_with(period="fy2025"), Can.VIEW_REPORTS, Can.VIEW_REPORTS),
    "reports:edit": (_with(period="fy2025"), Can.EDIT_REPORTS, Can.EDIT_REPORTS),
    # plans
    "plans:plan_list": (_agency, Can.EDIT_PLANS, Can.EDIT_PLANS),
    "plans:plan_detail": (_with("plan"), Can.EDIT_PLANS, Can.EDIT_PLANS),
    "plans:plan_preview": (_with("plan"), Can.EDIT_PLANS, Can.EDIT_PLANS),
    "plans:section_edit": (_with("plan", key="customers"), Can.EDIT_PLANS, Can.EDIT_PLANS),
    "plans:plan_surveys": (_with("plan"), Can.EDIT_PLANS, Can.EDIT_PLANS),
    # reviews of publishable records, one page for every kind (a plan here)
    "core:approval_list": (_agency, Can.VIEW_AGENCY, Can.VIEW_AGENCY),
    "core:approval_detail": (_review("plan", "plan"), Can.EDIT_PLANS, Can.EDIT_PLANS),
    "core:approval_step": (
        _review("plan", "plan", act="approve"),
        Can.PUBLISH_PLANS,
        Can.PUBLISH_PLANS,
    ),
    "plans:version_detail": (_with("plan", number=1), Can.EDIT_PLANS, Can.EDIT_PLANS),
    "plans:version_diff": (_with("plan"), Can.EDIT_PLANS, Can.EDIT_PLANS),
    # actions
    "actions:action_list": (_agency, Can.VIEW_AGENCY, Can.VIEW_AGENCY),
    "maturity:index": (_agency, Can.VIEW_MATURITY, Can.VIEW_MATURITY),
    "maturity:year": (_with(fiscal_year=2026), Can.VIEW_MATURITY, Can.VIEW_MATURITY),
    "maturity:edit": (_with(fiscal_year=2026), Can.MANAGE_MATURITY, Can.MANAGE_MATURITY),
    "journeys:journey_list": (_agency, Can.VIEW_AGENCY, Can.VIEW_AGENCY),
    "journeys:journey_create": (_agency, Can.MANAGE_JOURNEYS, Can.MANAGE_JOURNEYS),
    "journeys:journey_detail": (_with("journey"), Can.VIEW_AGENCY, Can.VIEW_AGENCY),
    "journeys:journey_edit": (_with("journey"), Can.MANAGE_JOURNEYS, Can.MANAGE_JOURNEYS),
    "journeys:stage_create": (_with("journey"), Can.MANAGE_JOURNEYS, Can.MANAGE_JOURNEYS),
    "journeys:stage_edit": (_with("journey_stage"), Can.MANAGE_JOURNEYS, Can.MANAGE_JOURNEYS),
    "journeys:stage_delete": (_with("journey_stage"), Can.MANAGE_JOURNEYS, Can.MANAGE_JOURNEYS),
    "journeys:stage_move": (
        _with("journey_stage", direction="down"),
        Can.MANAGE_JOURNEYS,
        Can.MANAGE_JOURNEYS,
    ),
    "journeys:persona_create": (_agency, Can.MANAGE_JOURNEYS, Can.MANAGE_JOURNEYS),
    "journeys:persona_edit": (_with("persona"), Can.MANAGE_JOURNEYS, Can.MANAGE_JOURNEYS),
    "actions:action_create": (_agency, Can.EDIT_ACTIONS, Can.EDIT_ACTIONS),
    "actions:suggestions": (_agency, Can.EDIT_ACTIONS, Can.EDIT_ACTIONS),
    "actions:employee_surveys": (_agency, Can.EDIT_ACTIONS, Can.EDIT_ACTIONS),
    "actions:employee_themes": (
        lambda w: {"slug": w.agency.slug, "survey_id": w.ids["employee_survey"]},
        Can.EDIT_ACTIONS,
        Can.EDIT_ACTIONS,
    ),
    "actions:action_detail": (_with("action"), Can.VIEW_AGENCY, Can.VIEW_AGENCY),
    "actions:action_edit": (_with("action"), Can.EDIT_ACTIONS, Can.EDIT_ACTIONS),
    "actions:action_status": (_with("action"), Can.EDIT_ACTIONS, Can.EDIT_ACTIONS),
    # annual CX action plans: written by plan editors, reviewed through core:approval_*
    "actions:action_plan_list": (_agency, Can.EDIT_PLANS, Can.EDIT_PLANS),
    "actions:action_plan_detail": (_with("action_plan"), Can.EDIT_PLANS, Can.EDIT_PLANS),
    "actions:action_plan_edit": (_with("action_plan"), Can.EDIT_PLANS, Can.EDIT_PLANS),
    "actions:action_plan_items": (_with("action_plan"), Can.EDIT_PLANS, Can.EDIT_PLANS),
    "actions:action_plan_preview": (_with("action_plan"), Can.EDIT_PLANS, Can.EDIT_PLANS),
    # webhooks: deliveries carry what each subscription's scope reads; administrators only
    **{
        f"webhooks:{name}": (_agency, Can.MANAGE_WEBHOOKS, Can.MANAGE_WEBHOOKS)
        for name in ("subscription_list", "subscription_create")
    },
    **{
        f"webhooks:{name}": (_with("subscription"), Can.MANAGE_WEBHOOKS, Can.MANAGE_WEBHOOKS)
        for name in ("subscription_detail", "subscription_edit", "subscription_secret")
    },
    "webhooks:subscription_status": (
        _with("subscription", action="disable"),
        Can.MANAGE_WEBHOOKS,
        Can.MANAGE_WEBHOOKS,
    ),
    **{
        f"webhooks:{name}": (_with("delivery"), Can.MANAGE_WEBHOOKS, Can.MANAGE_WEBHOOKS)
        for name in ("delivery_detail", "delivery_replay")
    },
    # translations: the authored texts as XLIFF, and the upload of a translated file
    **{
        f"translations:{name}": (_agency, Can.MANAGE_TRANSLATIONS, Can.MANAGE_TRANSLATIONS)
        for name in ("page", "export")
    },
    "translations:edit": (
        lambda w: {
            "slug": w.agency.slug,
            "language": "es",
            "unit": f"registry.service/{w.ids['service']}/name",
        },
        Can.MANAGE_TRANSLATIONS,
        Can.MANAGE_TRANSLATIONS,
    ),
}


# Pages of the site-wide grants: their address names no agency.
SITE_WIDE = frozenset(
    {"oversight:home", "oversight:report", "maturity_oversight:scores", "life_experiences:list"}
)

# Query parameters a page needs beyond its path.
QUERY = {"a11:export_download": {"fiscal_year": 2025, "quarter": 1}}


def _names(patterns: list[Any], namespace: str = "") -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in ("admin", "api", "scim"):
                # The site admin has its own superuser gate (core.admin_site); the API is
                # swept operation by operation from its OpenAPI document below, and SCIM,
                # which only a SCIM token reaches, by SCIM_SWEEP.
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield namespace + pattern.name
        elif isinstance(pattern, URLPattern) and not str(pattern.pattern).startswith("api/"):
            yield f"<unnamed {pattern.pattern}>"


def url_names() -> set[str]:
    """Every named URL of the site, the API and the site admin aside."""
    return set(_names(get_resolver().url_patterns))


def test_every_url_has_a_sweep_entry():
    missing = sorted(url_names() - set(SWEEP))
    assert not missing, f"add these URLs to SWEEP in {__file__}: {missing}"
    stale = sorted(set(SWEEP) - url_names())
    assert not stale, f"these SWEEP entries name no URL any more: {stale}"


# --- the world -----------------------------------------------------------------------------


def _first_pk(queryset: Any, kind: str) -> int:
    found = queryset.order_by("pk").values_list("pk", flat=True).first()
    assert found is not None, f"the demo has no {kind} in its first agency"
    return int(found)


def _world_ids(agency: Agency, holder: User) -> dict[str, Any]:
    channel = Channel.objects.filter(service__agency=agency).order_by("pk").first()
    assert channel is not None
    closure, _ = ChannelClosure.objects.get_or_create(channel=channel, date=date(2030, 1, 2))
    complaint = Complaint.objects.filter(agency=agency).order_by("pk").first()
    assert complaint is not None
    attachment = Attachment.objects.create(
        agency=agency,
        complaint=complaint,
        file=ContentFile(b"note", name="sweep.txt"),
        original_name="sweep.txt",
        content_type="text/plain",
        size=4,
    )
    series = Series.objects.filter(agency__isnull=True).order_by("pk").first()
    assert series is not None
    own_series = Series.objects.create(
        source=series.source,
        agency=agency,
        key="sweep-own",
        name="Own measure",
        entity=agency.name,
        metric=series.metric,
        scale=series.scale,
        sector=series.sector,
    )
    dead = DeadLetter.objects.create(
        task_path="cxgov.core.tasks.email_send", agency=agency, attempts=3, error="refused"
    )
    survey_pk = _first_pk(
        Survey.objects.filter(agency=agency).exclude(audience=Audience.EMPLOYEE), "survey"
    )
    _, secret = token_create(user=holder, name="sweep")
    subscription, _ = subscription_create(
        agency=agency,
        actor=holder,
        name="Sweep receiver",
        url="https://93.184.215.14/hooks",
        events=["complaint.created"],
        areas=[],
    )
    event = WebhookEvent.objects.create(
        agency=agency, type="complaint.created", object_type="complaint", object_id="1"
    )
    delivery = Delivery.objects.create(
        agency=agency, subscription=subscription, event=event, body="{}"
    )
    service = Service.objects.filter(agency=agency).order_by("pk").first()
    assert service is not None
    response = Response.objects.filter(survey_id=survey_pk).order_by("pk").first()
    assert response is not None
    journey = Journey.objects.create(agency=agency, title="Sweep journey")
    return {
        "journey": journey.pk,
        "journey_stage": JourneyStage.objects.create(journey=journey, name="Sweep stage").pk,
        "persona": Persona.objects.create(agency=agency, name="Sweep persona").pk,
        "service": service.pk,
        "service_slug": service.slug,
        "draft_service": Service.objects.create(
            agency=agency, name="A service still drafted", slug="sweep-draft"
        ).pk,
        "category": _first_pk(
            Category.objects.filter(agency=agency, is_active=True, extra_fields=[]), "category"
        ),
        # A permitted caller's answers: those of a stored response to the required questions.
        "answers": {
            answer.question.key: answer.value
            for answer in response.answers.select_related("question")
            if answer.question.required
        },
        "stage": _first_pk(ServiceStage.objects.filter(service__agency=agency), "stage"),
        "channel": channel.pk,
        "closure": closure.pk,
        "segment": _first_pk(CustomerSegment.objects.filter(agency=agency), "segment"),
        "complaint": complaint.pk,
        "attachment": attachment.pk,
        "canned": CannedResponse.objects.get_or_create(
            agency=agency, title="Sweep", defaults={"body": "Hello {name}."}
        )[0].pk,
        "series": own_series.pk,
        "selection": _first_pk(Selection.objects.filter(agency=agency), "selection"),
        "survey": survey_pk,
        "margin": PopulationMargin.objects.get_or_create(
            agency=agency,
            survey_id=survey_pk,
            variable="channel",
            defaults={"counts": {"web": 900, "phone": 100}},
        )[0].pk,
        "clearance": _first_pk(Clearance.objects.filter(agency=agency), "clearance"),
        "employee_survey": _first_pk(
            Survey.objects.filter(agency=agency, audience=Audience.EMPLOYEE), "employee survey"
        ),
        "question": _first_pk(Question.objects.filter(survey__agency=agency), "question"),
        "quota": Quota.objects.get_or_create(
            survey_id=survey_pk, segment="language", key="", value="es", defaults={"limit": 10**6}
        )[0].pk,
        "response": response.pk,
        "standard": _first_pk(Standard.objects.filter(agency=agency), "standard"),
        "miss": _first_pk(MissedPeriod.objects.filter(standard__agency=agency), "missed period"),
        "collection": _first_pk(Collection.objects.filter(agency=agency), "A-11 collection"),
        "handed_in_collection": _first_pk(
            Collection.objects.filter(agency=agency, status__in=["submitted", "published"]),
            "submitted A-11 collection",
        ),
        "plan": _first_pk(Plan.objects.filter(agency=agency), "plan"),
        "action": _first_pk(ActionItem.objects.filter(agency=agency), "action"),
        "action_plan": _first_pk(ActionPlan.objects.filter(agency=agency), "action plan"),
        "membership": _first_pk(Membership.objects.filter(agency=agency), "membership"),
        "invitation": MemberInvitation.objects.create(
            agency=agency,
            email="invited@sweep.example.gov",
            role=Role.CX_ANALYST,
            nonce="sweep",
            expires_at=timezone.now() + timedelta(days=7),
        ).pk,
        "dead_letter": dead.pk,
        "subscription": subscription.pk,
        "delivery": delivery.pk,
        "token": _first_pk(ApiToken.objects.filter(user=holder), "token"),
        "scim_token": token_create(
            user=holder, name="sweep provider", scope=TokenScope.SCIM, agency=agency
        )[0].pk,
        "holder_secret": secret,
        "agency_closure": AgencyClosure.objects.create(
            agency=agency, day=date(2030, 1, 2), name="Sweep closure"
        ).pk,
    }


def _person(email: str, agency: Agency, roles: list[Role]) -> User:
    user = User.objects.create_user(email, "sweep-pw-7c1d9e")
    for role in roles:
        Membership.objects.create(user=user, agency=agency, role=role)
    return user


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    """The demo, once for the module, and one person per role; flushed afterwards."""
    with django_db_blocker.unblock():
        demo_load_once()
        agency = Agency.objects.get(slug="fba")
        other = Agency.objects.exclude(pk=agency.pk).order_by("pk").first()
        assert other is not None
        holder = _person("holder@sweep.example.gov", agency, list(Role))
        w = World(
            agency=agency,
            ids=_world_ids(agency, holder),
            outsider=_person("outsider@sweep.example.gov", other, list(Role)),
            holder=holder,
        )
        for role in Role:
            w.by_role[role] = _person(f"{role.value}@sweep.example.gov", agency, [role])
        # The demo routes every complaint to its one team: the sweep's handler works there.
        for team in Team.objects.filter(agency=agency):
            team.members.add(w.by_role[Role.COMPLAINT_HANDLER])
        for user in [w.outsider, holder, *w.by_role.values()]:
            _, secret = token_create(user=user, name="sweep")
            w.tokens[user.pk] = secret
        yield w
        call_command("flush", interactive=False, verbosity=0)


# --- comparing answers ---------------------------------------------------------------------

_CSRF = re.compile(rb'(value|content)="[A-Za-z0-9]{32,64}"')


def _normalised(content: bytes, path: str) -> bytes:
    """The body without the echoed address and the per-response CSRF mask."""
    # A page that is not there links its own address as each other language's (nothing to
    # translate).
    prefixes = [f"/{code}" for code, _name in settings.LANGUAGES if code != "en"]
    for prefix in prefixes:
        content = content.replace(prefix.encode() + path.encode(), path.encode())
    content = content.replace(path.encode(), b"PATH")
    bare = next((path[len(p) :] for p in prefixes if path.startswith(p + "/")), path)
    for prefix in [*prefixes, ""]:
        content = content.replace(prefix.encode() + bare.encode(), b"PATH")
    return _CSRF.sub(b"", content)


def _client(user: User, *, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(user)
    return client


def _missing_kwargs(kwargs: dict[str, Any]) -> dict[str, Any]:
    return {k: (MISSING if isinstance(v, int) else v) for k, v in kwargs.items()}


def _denials(w: World, need: Any) -> list[tuple[str, User]]:
    """Who must be refused: another agency's member, and each role of this one lacking `need`."""
    if not isinstance(need, Can):
        return []
    people = [("another agency", w.outsider)]
    people += [(role.value, w.by_role[role]) for role in Role if role not in roles_with(need)]
    return people


def _call(client: Client, method: str, url: str) -> Any:
    return client.get(url) if method == "GET" else client.post(url, {})


def _agency_urls(w: World) -> Iterator[tuple[str, dict[str, Any], Any, Any]]:
    for name, (build, need_get, need_post) in sorted(SWEEP.items()):
        if build is not None:
            yield name, build(w), need_get, need_post


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "es"])
def test_not_yours_and_not_allowed_answer_like_missing(world: World, language: str):
    failures = []
    clients: dict[int, Client] = {}
    for name, kwargs, need_get, need_post in _agency_urls(world):
        with translation.override(language):
            url = reverse(name, kwargs=kwargs)
            missing_url = reverse(name, kwargs=_missing_kwargs(kwargs))
        for method, need in (("GET", need_get), ("POST", need_post)):
            people = _denials(world, need)
            if language == "es":
                people = people[:1]  # Spanish: the other agency's member; roles are English
            for who, user in people:
                client = clients.setdefault(user.pk, _client(user))
                got = _call(client, method, url)
                if got.status_code == 405:
                    continue  # the method is refused to everyone before any lookup
                if name == "core:dead_letter_retry" or name in SITE_WIDE:
                    # No agency in the address: a missing object, or a page that is not there.
                    missing = _call(
                        client, method, missing_url if kwargs else url + "no-such-page/"
                    )
                else:
                    missing = _call(
                        client, method, url.replace(f"/{world.agency.slug}/", "/no-such-agency/", 1)
                    )
                if got.status_code != 404 or _normalised(got.content, url) != _normalised(
                    missing.content, missing.wsgi_request.path
                ):
                    failures.append(f"{method} {url} as {who}: {got.status_code}")
    assert not failures, "answers that differ from a missing object:\n" + "\n".join(failures)


# The most queries one page may run on the demo. A page that lists records runs a fixed number
# of queries however many there are; one that exceeds this has a query per record (N+1).
PAGE_QUERY_CAP = 50
# Pages over the cap today, each with its figure on the demo and why: they may not grow.
PAGE_QUERY_CAP_KNOWN: dict[str, int] = {}


def _queries(client: Client, url: str, data: dict[str, Any]) -> tuple[int, int]:
    """The page's status and the number of queries it ran."""
    with CaptureQueriesContext(connection) as queries:
        status = client.get(url, data).status_code
    return status, len(queries)


def _over_cap(name: str, url: str, count: int) -> str | None:
    cap = PAGE_QUERY_CAP_KNOWN.get(name, PAGE_QUERY_CAP)
    return f"{url}: {count} queries (cap {cap})" if count > cap else None


@pytest.mark.django_db
def test_the_sweep_reaches_real_objects_within_the_query_cap(world: World):
    """The holder of every role is not refused, so the 404s above are about access; and no
    page runs a query per record it lists."""
    for need in SITE_CAPABILITIES:  # rolled back with the test
        site_grant_give(user=world.holder, need=need)
    client = _client(world.holder)
    refused, heavy = [], []
    for name, kwargs, need_get, _ in _agency_urls(world):
        if name in {"reports:pdf", "reports:tables_zip", "registry:agency_export"}:
            continue  # slow to build and read no other way than the report page
        if not isinstance(need_get, Can):
            continue
        with translation.override("en"):
            url = reverse(name, kwargs=kwargs)
        status, count = _queries(client, url, QUERY.get(name, {}))
        if status == 404:
            refused.append(url)
        heavy.append(_over_cap(name, url, count))
    assert not refused, f"the sweep's objects are not reachable by their own agency: {refused}"
    assert not any(heavy), "pages over the query cap: " + "; ".join(filter(None, heavy))


@pytest.mark.django_db
def test_public_pages_stay_within_the_query_cap(world: World):
    """Signed out, as the public reads them, no public page or file runs a query per record."""
    client = Client()
    heavy, walked = [], 0
    for name, (build, need_get, _need_post) in sorted(SWEEP.items()):
        if need_get != PUBLIC:
            continue
        with translation.override("en"):
            try:
                url = (
                    reverse(name, kwargs=build(world))
                    if build
                    else public_address(name, world.agency)
                )
            except NoReverseMatch:
                continue  # needs a signed token or a filed complaint: a form's own page
        _status, count = _queries(client, url, QUERY.get(name, {}))
        heavy.append(_over_cap(name, url, count))
        walked += 1
    assert walked > 30, "the walk missed the public pages"
    assert not any(heavy), "pages over the query cap: " + "; ".join(filter(None, heavy))


@pytest.mark.django_db
def test_post_without_csrf_token_is_refused(world: World):
    client = _client(world.holder, csrf=True)
    accepted = []
    for name, (build, _, need_post) in sorted(SWEEP.items()):
        if need_post in (PUBLIC, KEY):
            continue  # anyone may post, or the request carries its key (OPEN311_SWEEP)
        with translation.override("en"):
            url = reverse(name, kwargs=build(world) if build else None)
        status = client.post(url, {}).status_code
        if status != 403:
            accepted.append(f"{url}: {status}")
    assert not accepted, "POSTs without a CSRF token that were not refused:\n" + "\n".join(accepted)


# --- the API -------------------------------------------------------------------------------

ApiParams = Callable[[World], dict[str, Any]]
Body = Callable[[World], Any]


@dataclass(frozen=True)
class Op:
    """One API operation: where its object is, who may call it and what a permitted caller
    sends. The object is named in the path (`*_id`, `slug`), the query (`?agency`) or the
    body (`missing`: the body fields naming it, each with a value that names none)."""

    params: ApiParams
    need: Any  # a capability, SIGNED_IN, OWN or PUBLIC (anyone reads the published data)
    body: Body | None = None
    missing: dict[str, Any] = field(default_factory=dict)
    writes: tuple[type[Model], ...] = ()  # tables a successful call adds rows to
    session_only: bool = False  # a person signed in on the site may call it; a token may not


def _p(*kinds: str, **fixed: Any) -> ApiParams:
    def build(w: World) -> dict[str, Any]:
        return {**{f"{k}_id": w.ids[k] for k in kinds}, **fixed}

    return build


def _slug(w: World) -> dict[str, Any]:
    return {"slug": w.agency.slug}


def _complaint(w: World) -> dict[str, Any]:
    return {
        "agency": w.agency.slug,
        "service": w.ids["service_slug"],
        "what_happened": "The office was closed during its posted hours.",
    }


def _case(w: World) -> dict[str, Any]:
    return {"slug": w.agency.slug, "complaint_id": w.ids["complaint"]}


def _case_status(w: World) -> str:
    return Complaint.objects.get(pk=w.ids["complaint"]).status


def _case_move(w: World) -> dict[str, Any]:
    """A status the sweep's complaint may move to now that leaves it open to the next call."""
    allowed = TRANSITIONS[_case_status(w)]
    wanted = ("in_progress", "acknowledged", "awaiting_customer", "responded", "closed")
    return {"to_status": next(status for status in wanted if status in allowed)}


def _case_response(w: World) -> dict[str, Any]:
    status = _case_status(w)
    keeps_open = status == "in_progress" or "in_progress" in TRANSITIONS[status]
    category = "in_progress" if keeps_open else "closed_with_explanation"
    return {"body": "We have looked into it.", "category": category}


API_SWEEP: dict[str, Op] = {
    "GET /api/v1/me": Op(_p(), SIGNED_IN),
    "GET /api/v1/tokens": Op(_p(), SIGNED_IN),
    "POST /api/v1/tokens": Op(
        _p(),
        SIGNED_IN,
        body=lambda w: {"name": "sweep", "areas": ["surveys"]},
        writes=(ApiToken,),
        session_only=True,
    ),
    "POST /api/v1/tokens/{token_id}/revoke": Op(_p("token"), OWN),
    "GET /api/v1/agencies/{slug}/members": Op(_slug, Can.ADMINISTER_AGENCY),
    "GET /api/v1/agencies/{slug}/audit-events": Op(_slug, Can.ADMINISTER_AGENCY),
    "GET /api/v1/agencies": Op(_p(), PUBLIC),
    "GET /api/v1/agencies/{slug}/services": Op(_slug, PUBLIC),
    "POST /api/v1/agencies/{slug}/services": Op(
        _slug,
        Can.EDIT_SERVICES,
        body=lambda w: {"name": "Renew a sweep permit", "slug": "sweep-permit"},
        writes=(Service,),
    ),
    "GET /api/v1/services/{service_id}": Op(_p("service"), PUBLIC),
    "PATCH /api/v1/services/{service_id}": Op(
        _p("service"), Can.EDIT_SERVICES, body=lambda w: {"kind": "Sweep"}
    ),
    "POST /api/v1/services/{service_id}/publish": Op(
        lambda w: {"service_id": w.ids["draft_service"]}, Can.EDIT_SERVICES
    ),
    "POST /api/v1/services/{service_id}/archive": Op(_p("service"), Can.EDIT_SERVICES),
    "POST /api/v1/services/{service_id}/channels": Op(
        _p("service"),
        Can.EDIT_SERVICES,
        body=lambda w: {"kind": "phone", "name": "Sweep line", "phone": "800-555-0100"},
        writes=(Channel,),
    ),
    "PATCH /api/v1/channels/{channel_id}": Op(
        _p("channel"), Can.EDIT_SERVICES, body=lambda w: {"instructions": "Call first."}
    ),
    "PUT /api/v1/channels/{channel_id}/hours": Op(
        _p("channel"),
        Can.EDIT_SERVICES,
        body=lambda w: [{"weekday": 0, "opens": "09:00", "closes": "17:00"}],
    ),
    "POST /api/v1/standards/{standard_id}/events": Op(
        _p("standard"),
        Can.EDIT_STANDARDS,
        body=lambda w: {
            "events": [
                {"id": "sweep-1", "start": "2026-01-05T09:00:00Z", "end": "2026-01-05T10:00:00Z"}
            ]
        },
        writes=(StandardEvent,),
    ),
    "GET /api/v1/standards/{standard_id}/results": Op(_p("standard"), Can.VIEW_AGENCY),
    "GET /api/v1/benchmarks/series": Op(_p(), PUBLIC),
    "GET /api/v1/benchmarks/series/{series_id}": Op(_p("series"), Can.VIEW_AGENCY),
    "GET /api/v1/benchmarks/series/{series_id}/observations": Op(_p("series"), Can.VIEW_AGENCY),
    "GET /api/v1/benchmarks/services/{service_id}/comparisons": Op(_p("service"), Can.VIEW_AGENCY),
    # The agency is named in the body: another agency's answers like one that does not exist.
    "POST /api/v1/complaints": Op(
        _p(),
        Can.HANDLE_COMPLAINTS,
        body=_complaint,
        missing={"agency": "no-such-agency"},
        writes=(Complaint,),
    ),
    "GET /api/v1/agencies/{slug}/complaints/{complaint_id}": Op(_case, Can.HANDLE_COMPLAINTS),
    # Each role that works cases lists those it may open; the others get the missing answer.
    "GET /api/v1/agencies/{slug}/complaints": Op(_slug, Can.WORK_ASSIGNED_COMPLAINTS),
    "POST /api/v1/agencies/{slug}/complaints/{complaint_id}/assign": Op(
        _case, Can.HANDLE_COMPLAINTS, body=lambda w: {"assignee_id": None}
    ),
    "POST /api/v1/agencies/{slug}/complaints/{complaint_id}/category": Op(
        _case, Can.HANDLE_COMPLAINTS, body=lambda w: {"category_id": w.ids["category"]}
    ),
    "POST /api/v1/agencies/{slug}/complaints/{complaint_id}/transition": Op(
        _case, Can.HANDLE_COMPLAINTS, body=_case_move
    ),
    "POST /api/v1/agencies/{slug}/complaints/{complaint_id}/messages": Op(
        _case, Can.HANDLE_COMPLAINTS, body=lambda w: {"body": "Which office did you visit?"}
    ),
    "POST /api/v1/agencies/{slug}/complaints/{complaint_id}/notes": Op(
        _case, Can.HANDLE_COMPLAINTS, body=lambda w: {"body": "Called the office."}
    ),
    "POST /api/v1/agencies/{slug}/complaints/{complaint_id}/respond": Op(
        _case, Can.HANDLE_COMPLAINTS, body=_case_response
    ),
    "GET /api/v1/services/{service_id}/channels": Op(_p("service"), PUBLIC),
    "GET /api/v1/agencies/{slug}/surveys": Op(_slug, Can.VIEW_AGENCY),
    "GET /api/v1/agencies/{slug}/standards": Op(_slug, Can.VIEW_AGENCY),
    "GET /api/v1/agencies/{slug}/actions": Op(_slug, Can.VIEW_AGENCY),
    "GET /api/v1/agencies/{slug}/a11/reports": Op(_slug, Can.VIEW_AGENCY),
    "POST /api/v1/surveys/{survey_id}/responses": Op(
        _p("survey"),
        Can.IMPORT_RESPONSES,
        body=lambda w: {"submission_id": "sweep-1", "answers": w.ids["answers"]},
        writes=(Response,),
    ),
    "POST /api/v1/surveys/{survey_id}/responses:batch": Op(
        _p("survey"),
        Can.IMPORT_RESPONSES,
        body=lambda w: {"responses": [{"submission_id": "sweep-2", "answers": w.ids["answers"]}]},
        writes=(Response,),
    ),
    "GET /api/v1/surveys/{survey_id}/responses": Op(_p("survey"), Can.READ_RESPONSES),
    "GET /api/v1/surveys/{survey_id}/definition": Op(_p("survey"), Can.VIEW_AGENCY),
    "POST /api/v1/agencies/{slug}/surveys:import": Op(
        _slug,
        Can.EDIT_SURVEYS,
        body=lambda w: {
            "format": "cxgov-survey/1",
            "title": "Swept in",
            "questions": [{"key": "q1", "kind": "short_text", "text": "Anything else?"}],
        },
        writes=(Survey,),
    ),
    "GET /api/v1/surveys/{survey_id}/responses/export": Op(
        _p("survey", **{"?format": "sav"}), Can.READ_RESPONSES
    ),
    # One row per response; the summary and collection files need VIEW_AGENCY (a11 tests).
    "GET /api/v1/a11/exports/{format}": Op(
        lambda w: {
            "format": "touchpoints-a11-v2",
            "?agency": w.agency.slug,
            "?fiscal_year": 2025,
            "?quarter": 1,
        },
        Can.READ_RESPONSES,
    ),
    "GET /api/v1/surveys/{survey_id}/results": Op(_p("survey"), Can.VIEW_RESULTS),
    "GET /api/v1/surveys/{survey_id}/results/{question_key}/trend": Op(
        _p("survey", question_key="trust"), Can.VIEW_RESULTS
    ),
}


def _operations(client: Client) -> list[tuple[str, str]]:
    document = json.loads(client.get("/api/v1/openapi.json").content)
    return [
        (method.upper(), path) for path, methods in document["paths"].items() for method in methods
    ]


def test_every_api_operation_has_a_sweep_entry(client: Client, db: None):
    operations = {f"{method} {path}" for method, path in _operations(client)}
    assert operations, "the OpenAPI document lists no operations"
    missing = sorted(operations - set(API_SWEEP))
    assert not missing, f"add these operations to API_SWEEP in {__file__}: {missing}"
    assert not sorted(set(API_SWEEP) - operations), "API_SWEEP names operations that are gone"


def test_every_api_write_sends_a_body_it_declares(client: Client, db: None):
    """A write with a request body has a body builder, so no call is refused as invalid."""
    document = json.loads(client.get("/api/v1/openapi.json").content)
    unbuilt = [
        f"{method.upper()} {path}"
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
        if "requestBody" in operation and API_SWEEP[f"{method.upper()} {path}"].body is None
    ]
    assert not unbuilt, f"give these API_SWEEP entries a body: {unbuilt}"


def _names_an_object(op: Op, params: dict[str, Any]) -> bool:
    return bool(op.missing) or any(k.endswith("_id") or k in ("slug", "?agency") for k in params)


def _api_url(path: str, params: dict[str, Any], *, missing: bool) -> str:
    query = {k[1:]: v for k, v in params.items() if k.startswith("?")}
    for key, value in params.items():
        if key.startswith("?"):
            continue
        if missing and key.endswith("_id"):
            value = MISSING
        if missing and key == "slug":
            value = "no-such-agency"
        path = path.replace("{" + key + "}", str(value))
    if missing and "agency" in query:
        query["agency"] = "no-such-agency"
    if query:
        path += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return path


def _api_body(op: Op, w: World, *, missing: bool) -> Any:
    if op.body is None:
        return None
    body = op.body(w)
    return {**body, **op.missing} if missing and op.missing else body


def _api_call(client: Client, method: str, url: str, secret: str, body: Any) -> Any:
    extra: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    if body is not None:
        extra.update(data=json.dumps(body), content_type="application/json")
    return client.generic(method, url, **extra)


def _permitted(w: World, need: Any) -> User:
    """The least-privileged single-role person who holds `need`; the holder for the rest."""
    if not isinstance(need, Can):
        return w.holder
    role = min(roles_with(need), key=lambda role: len(ROLE_CAPABILITIES[role]))
    return w.by_role[role]


def _api_denials(w: World, need: Any) -> list[tuple[str, User]]:
    """`_denials`, and for the holder's own objects everyone else."""
    if need == OWN:
        return [("another agency", w.outsider), *((r.value, w.by_role[r]) for r in Role)]
    return _denials(w, need)


def _rows(models: tuple[type[Model], ...]) -> list[int]:
    """Row counts that a write changes: the audit log (every write records an event) and
    the tables the operation adds to."""
    return [model.objects.count() for model in (AuditEvent, *models)]


@pytest.fixture
def no_write_limits(settings: Any) -> None:
    """The sweep sends many writes from one address and token; the limits have own tests."""
    settings.API_WRITES_PER_MINUTE = 0
    settings.PUBLIC_WRITES_PER_MINUTE = 0
    settings.SURVEY_RATE_LIMIT_PER_HOUR = 0


@pytest.mark.django_db
def test_api_sweep_bodies_succeed_for_a_permitted_caller(
    world: World, client: Client, no_write_limits: None
):
    """Each operation, called by the least-privileged role allowed with the sweep's body,
    succeeds: the bodies are valid, so the refusals below come from the access check."""
    failures = []
    for method, path in _operations(client):
        op = API_SWEEP[f"{method} {path}"]
        user = _permitted(world, op.need)
        url = _api_url(path, op.params(world), missing=False)
        body = _api_body(op, world, missing=False)
        before = _rows(op.writes)
        if op.session_only:
            by_token = _api_call(client, method, url, world.tokens[user.pk], body)
            if by_token.status_code != 403 or _rows(op.writes) != before:
                failures.append(f"{method} {url} by token: {by_token.status_code}, not refused")
            got = _client(user).generic(
                method, url, data=json.dumps(body), content_type="application/json"
            )
        else:
            got = _api_call(client, method, url, world.tokens[user.pk], body)
        after = _rows(op.writes)
        if not 200 <= got.status_code < 300:
            failures.append(f"{method} {url}: {got.status_code} {got.content[:160]!r}")
        elif method != "GET" and not all(b < a for b, a in zip(before, after, strict=True)):
            failures.append(f"{method} {url}: wrote no audit event or row ({before} → {after})")
    assert not failures, "the sweep's calls that a permitted caller cannot make:\n" + "\n".join(
        failures
    )


@pytest.mark.django_db
def test_api_not_yours_and_not_allowed_answer_like_missing(
    world: World, client: Client, no_write_limits: None
):
    """Another agency's member and each role lacking the capability, sending the permitted
    caller's body, get byte for byte the answer a permitted caller gets for a missing object,
    and nothing is written."""
    failures = []
    swept = calls = 0
    for method, path in _operations(client):
        op = API_SWEEP[f"{method} {path}"]
        people = _api_denials(world, op.need)
        params = op.params(world)
        if not people:
            continue
        assert _names_an_object(op, params), f"{method} {path}: say where its object is named"
        swept += 1
        url = _api_url(path, params, missing=False)
        missing_url = _api_url(path, params, missing=True)
        body = _api_body(op, world, missing=False)
        missing_body = _api_body(op, world, missing=True)
        permitted = world.tokens[_permitted(world, op.need).pk]
        expected = _api_call(client, method, missing_url, permitted, missing_body)
        if expected.status_code != 404:
            failures.append(
                f"{method} {missing_url}: a missing object answers {expected.status_code}"
            )
        before = _rows(op.writes)
        for who, user in people:
            secret = world.tokens[user.pk]
            got = _api_call(client, method, url, secret, body)
            missing = _api_call(client, method, missing_url, secret, missing_body)
            calls += 2
            answers = {(r.status_code, r.content) for r in (got, missing, expected)}
            if len(answers) != 1:
                failures.append(f"{method} {url} as {who}: {got.status_code} {got.content[:80]!r}")
        if _rows(op.writes) != before:
            failures.append(f"{method} {url}: a refused call wrote ({before} → {_rows(op.writes)})")
    assert swept >= 20 and calls >= 150, f"the sweep shrank: {swept} operations, {calls} calls"
    assert not failures, "API answers that differ from a missing object:\n" + "\n".join(failures)


@pytest.mark.django_db
def test_api_writes_by_session_need_a_csrf_token(world: World, no_write_limits: None):
    client = _client(world.holder, csrf=True)
    accepted = []
    for method, path in _operations(client):
        if method == "GET":
            continue
        op = API_SWEEP[f"{method} {path}"]
        url = _api_url(path, op.params(world), missing=False)
        body = _api_body(op, world, missing=False)
        got = client.generic(
            method,
            url,
            data=json.dumps(body) if body is not None else "",
            content_type="application/json",
        )
        if got.status_code != 403:
            accepted.append(f"{method} {url}: {got.status_code}")
    assert not accepted, "API writes by session without a CSRF token:\n" + "\n".join(accepted)


@pytest.mark.django_db
def test_a_complaint_names_only_services_of_its_own_agency(world: World, client: Client):
    """Another agency's member filing into their own agency with this agency's service gets
    the answer for a service that exists nowhere."""
    other = Membership.objects.filter(user=world.outsider).values_list("agency__slug", flat=True)[0]
    assert not Service.objects.filter(agency__slug=other, slug=world.ids["service_slug"]).exists()
    secret = world.tokens[world.outsider.pk]
    answers = []
    for slug in (world.ids["service_slug"], "no-such-service"):
        body = {**_complaint(world), "agency": other, "service": slug}
        answers.append(_api_call(client, "POST", "/api/v1/complaints", secret, body))
    assert answers[0].status_code == 422
    assert answers[0].content == answers[1].content
    assert not Complaint.objects.filter(agency__slug=other, what_happened__startswith="The office")


# --- Open311 writes ------------------------------------------------------------------------

# URL name → (form fields of a request a permitted key sends, capability, the field naming
# the object). The api_key is added per caller; the object field becomes MISSING.
OPEN311_SWEEP: dict[str, tuple[Callable[[World], dict[str, str]], Can, str]] = {
    "open311:requests": (
        lambda w: {
            "jurisdiction_id": w.agency.slug,
            "service_code": str(w.ids["category"]),
            "address_string": "1 Main St",
            "description": "The sidewalk is broken.",
        },
        Can.HANDLE_COMPLAINTS,
        "service_code",
    ),
}


def test_every_keyed_url_has_an_open311_sweep_entry():
    keyed = {
        name for name, (_, need_get, need_post) in SWEEP.items() if KEY in (need_get, need_post)
    }
    assert keyed == set(OPEN311_SWEEP), "OPEN311_SWEEP and the KEY entries of SWEEP differ"


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_open311_writes_of_another_agency_or_a_lower_role_answer_like_a_missing_service(
    world: World, client: Client, no_write_limits: None, fmt: str
):
    failures = []
    for name, (build, need, object_field) in OPEN311_SWEEP.items():
        url = reverse(name, kwargs={"fmt": fmt})
        fields = build(world)
        missing_fields = {**fields, object_field: str(MISSING)}
        permitted = world.tokens[_permitted(world, need).pk]
        expected = client.post(url, {**missing_fields, "api_key": permitted})
        assert expected.status_code == 404, expected.content
        before = _rows((Complaint,))
        for who, user in _denials(world, need):
            key = world.tokens[user.pk]
            got = client.post(url, {**fields, "api_key": key})
            missing = client.post(url, {**missing_fields, "api_key": key})
            if len({(r.status_code, r.content) for r in (got, missing, expected)}) != 1:
                failures.append(f"POST {url} as {who}: {got.status_code} {got.content[:80]!r}")
        if _rows((Complaint,)) != before:
            failures.append(f"POST {url}: a refused key filed a complaint")
        got = client.post(url, {**fields, "api_key": permitted})
        if got.status_code != 200 or _rows((Complaint,))[1] != before[1] + 1:
            failures.append(f"POST {url} with a permitted key: {got.status_code} {got.content!r}")
    assert not failures, "Open311 writes that differ from a missing service:\n" + "\n".join(
        failures
    )


# --- complaint cases: need to know within the agency -------------------------------------------


@pytest.mark.django_db
def test_another_teams_case_answers_like_missing_everywhere(world: World, client: Client):
    """Every URL and API operation naming a complaint, called by a handler of another team and
    by a front-line employee the case is not assigned to, answers like a missing complaint:
    the page, each case action, the attachment, narrative review and the API read."""
    complaint = Complaint.objects.select_related("team").get(pk=world.ids["complaint"])
    assert complaint.team is not None and complaint.assignee_id is None
    other_team = Team.objects.create(agency=world.agency, name="Sweep other team")
    handler = _person("other-team@sweep.example.gov", world.agency, [Role.COMPLAINT_HANDLER])
    other_team.members.add(handler)
    _, secret = token_create(user=handler, name="sweep")
    people = [
        ("handler of another team", handler, secret),
        (
            "front-line employee",
            world.by_role[Role.FRONTLINE_EMPLOYEE],
            world.tokens[world.by_role[Role.FRONTLINE_EMPLOYEE].pk],
        ),
    ]
    names = [
        name for name, (build, _, _) in SWEEP.items() if build and "complaint_id" in build(world)
    ]
    assert len(names) >= 9, names  # case, its actions, attachment, narrative review
    failures = []
    for who, user, token in people:
        web = _client(user)
        for name in sorted(names):
            with translation.override("en"):
                url = reverse(name, kwargs=SWEEP[name][0](world))  # type: ignore[misc]
            for method in ("GET", "POST"):
                got = _call(web, method, url)
                if got.status_code == 405:
                    continue
                missing = _call(web, method, url.replace(f"/{complaint.pk}/", f"/{MISSING}/", 1))
                if got.status_code != 404 or _normalised(got.content, url) != _normalised(
                    missing.content, missing.wsgi_request.path
                ):
                    failures.append(f"{method} {url} as {who}: {got.status_code}")
        api = f"/api/v1/agencies/{world.agency.slug}/complaints/"
        got = _api_call(client, "GET", f"{api}{complaint.pk}", token, None)
        missing = _api_call(client, "GET", f"{api}{MISSING}", token, None)
        if got.status_code != 404 or got.content != missing.content:
            failures.append(f"GET {api}{complaint.pk} as {who}: {got.status_code}")
        queue = web.get(reverse("complaints:queue", kwargs={"slug": world.agency.slug}))
        if f"/{complaint.pk}/".encode() in queue.content:
            failures.append(f"the queue lists {complaint.tracking_number} to {who}")
    assert not failures, "another team's case reached:\n" + "\n".join(failures)


# --- SCIM: only a SCIM token of the agency reaches its people -----------------------------------

ScimPath = Callable[[World], str]


def _scim_user(w: World) -> str:
    return f"/scim/v2/Users/{w.by_role[Role.CX_ANALYST].pk}"


def _scim_member_patch(w: World) -> dict[str, Any]:
    return {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [
            {"op": "add", "path": "members", "value": [{"value": str(w.ids["scim_member"])}]}
        ],
    }


def _scim_user_body(w: World) -> dict[str, Any]:
    return {"userName": "cx_analyst@sweep.example.gov", "active": False}


# (method, URL name) → (path, body, the path or body naming nothing). Each object operation is
# called with another agency's SCIM token and must answer as for a missing object.
SCIM_SWEEP: dict[tuple[str, str], tuple[ScimPath, Body | None, ScimPath | Body | None]] = {
    ("GET", "scim:service_provider_config"): (
        lambda w: "/scim/v2/ServiceProviderConfig",
        None,
        None,
    ),
    ("GET", "scim:resource_types"): (lambda w: "/scim/v2/ResourceTypes", None, None),
    ("GET", "scim:resource_type"): (lambda w: "/scim/v2/ResourceTypes/User", None, None),
    ("GET", "scim:schemas"): (lambda w: "/scim/v2/Schemas", None, None),
    ("GET", "scim:schema"): (
        lambda w: "/scim/v2/Schemas/urn:ietf:params:scim:schemas:core:2.0:User",
        None,
        None,
    ),
    ("GET", "scim:users"): (lambda w: "/scim/v2/Users", None, None),
    ("POST", "scim:users"): (
        lambda w: "/scim/v2/Users",
        lambda w: {"userName": "scim-sweep@sweep.example.gov"},
        None,
    ),
    ("GET", "scim:user"): (_scim_user, None, lambda w: f"/scim/v2/Users/{MISSING}"),
    ("PUT", "scim:user"): (_scim_user, _scim_user_body, lambda w: f"/scim/v2/Users/{MISSING}"),
    ("PATCH", "scim:user"): (
        _scim_user,
        lambda w: {
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{"op": "replace", "path": "active", "value": False}],
        },
        lambda w: f"/scim/v2/Users/{MISSING}",
    ),
    ("DELETE", "scim:user"): (_scim_user, None, lambda w: f"/scim/v2/Users/{MISSING}"),
    ("GET", "scim:groups"): (lambda w: "/scim/v2/Groups", None, None),
    ("POST", "scim:groups"): (
        lambda w: "/scim/v2/Groups",
        lambda w: {"displayName": f"{w.agency.slug}:cx_analyst"},
        None,
    ),
    ("GET", "scim:group"): (lambda w: "/scim/v2/Groups/cx_analyst", None, None),
    # Groups are every agency's roles; the member named is what belongs to an agency.
    ("PATCH", "scim:group"): (
        lambda w: "/scim/v2/Groups/cx_analyst",
        _scim_member_patch,
        lambda w: {
            **_scim_member_patch(w),
            "Operations": [{"op": "add", "path": "members", "value": [{"value": str(MISSING)}]}],
        },
    ),
    ("PUT", "scim:group"): (
        lambda w: "/scim/v2/Groups/cx_analyst",
        lambda w: {"members": [{"value": str(w.ids["scim_member"])}]},
        lambda w: {"members": [{"value": str(MISSING)}]},
    ),
    ("DELETE", "scim:group"): (lambda w: "/scim/v2/Groups/cx_analyst", None, None),
}


def _scim_call(client: Client, method: str, path: str, token: str | None, body: Any) -> Any:
    extra: dict[str, Any] = {}
    if token is not None:
        extra["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    if body is not None:
        extra.update(data=json.dumps(body), content_type="application/scim+json")
    return client.generic(method, path, **extra)


def _scim_tokens(w: World) -> tuple[str, str]:
    """SCIM tokens of the holder (this agency) and of the outsider (their own agency)."""
    other = Agency.objects.get(memberships__user=w.outsider, memberships__role=Role.AGENCY_ADMIN)
    _, mine = token_create(user=w.holder, name="idp", scope="scim", agency=w.agency)
    _, theirs = token_create(user=w.outsider, name="idp", scope="scim", agency=other)
    return mine, theirs


def test_every_scim_url_has_a_sweep_entry():
    (resolver,) = [
        p for p in get_resolver().url_patterns if getattr(p, "namespace", None) == "scim"
    ]
    names = {f"scim:{p.name}" for p in resolver.url_patterns if isinstance(p, URLPattern)}
    names.discard("scim:api-root")  # /scim/v2/ itself: the unknown path's 404 for anyone
    assert names == {name for _, name in SCIM_SWEEP}, "SCIM_SWEEP and /scim/v2/ differ"


@pytest.mark.django_db
def test_scim_answers_401_without_a_scim_token_and_404_to_another_agency(
    world: World, client: Client, no_write_limits: None
):
    """No token, a wrong one or a REST API token: 401 everywhere. Another agency's SCIM token:
    its people and groups are its own, so this agency's person answers like a missing one and
    nothing is written. The agency's own token reaches them."""
    world.ids["scim_member"] = world.by_role[Role.CX_ANALYST].pk
    mine, theirs = _scim_tokens(world)
    failures = []
    for (method, name), (path_of, body_of, missing_of) in sorted(SCIM_SWEEP.items()):
        path = path_of(world)
        body = body_of(world) if body_of else None
        for token in (None, "cxg_00000000_nothing", world.tokens[world.holder.pk]):
            got = _scim_call(client, method, path, token, body)
            if got.status_code != 401 or b"urn:ietf:params:scim:api:messages:2.0:Error" not in (
                got.content
            ):
                failures.append(f"{method} {path} with {str(token)[:12]}: {got.status_code}")
        if missing_of is None:
            continue
        before = _rows((Membership, ScimIdentity))
        if method in ("GET", "DELETE") or name == "scim:user":
            missing_path, missing_body = str(missing_of(world)), body
        else:
            missing_path, missing_body = path, missing_of(world)
        got = _scim_call(client, method, path, theirs, body)
        missing = _scim_call(client, method, missing_path, theirs, missing_body)
        if got.status_code not in (400, 404) or (got.status_code, got.content) != (
            missing.status_code,
            missing.content,
        ):
            failures.append(f"{method} {path} by another agency: {got.status_code} {got.content!r}")
        if _rows((Membership, ScimIdentity)) != before:
            failures.append(f"{method} {path} by another agency wrote")
    reached = _scim_call(client, "GET", _scim_user(world), mine, None)
    if reached.status_code != 200:
        failures.append(f"the agency's own token: {reached.status_code}")
    assert not failures, "SCIM answers that let a caller through:\n" + "\n".join(failures)
