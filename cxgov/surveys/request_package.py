"""The Paperwork Reduction Act request package of one survey instrument: what an agency files to
have it approved under a generic clearance (a fast-track request) or on its own.

One dictionary, in the page's language, is both the JSON download (documented by
docs/formats/pra-request-package.schema.json) and the context of the PDF template. The burden
estimate is expected responses × minutes per response / 60. Expected responses are the agency's
own expected respondents × responses per respondent when it entered them (decision 0057), else
the responses of the 365 days before the package was made (the response rollups); minutes are
the agency's own expected minutes when entered, else the survey's estimated minutes. The package
says which source each came from.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cxgov.surveys.models import (
    LIKERT_LABELS,
    SCALE_RANGES,
    Audience,
    Clearance,
    Question,
    QuestionKind,
    ResponseRollup,
    Survey,
)

FORMAT = "cxgov-pra-request-package/2"
# The window of past responses the expected number per year is read from.
EXPECTED_RESPONSES_DAYS = 365
_YES_NO: dict[str, tuple[tuple[int, Any], ...]] = {
    QuestionKind.YES_NO: ((1, gettext_lazy("Yes")), (0, gettext_lazy("No"))),
    QuestionKind.THUMBS: ((1, gettext_lazy("Thumbs up")), (0, gettext_lazy("Thumbs down"))),
}


def _options(question: Question) -> list[dict[str, str]]:
    """The answers a respondent can choose, as {value, label}; none for free answers."""
    if question.kind == QuestionKind.LIKERT:
        return [{"value": value, "label": str(label)} for value, label in LIKERT_LABELS]
    if question.kind in _YES_NO:
        pairs = _YES_NO[question.kind]
        return [{"value": str(value), "label": str(label)} for value, label in pairs]
    if question.kind in SCALE_RANGES:
        low, high = SCALE_RANGES[question.kind]
        return [{"value": str(n), "label": str(n)} for n in range(low, high + 1)]
    options = [{"value": value, "label": label} for value, label in question.display_options()]
    if question.allow_other:
        options.append({"value": "other", "label": _("Other (with a text box)")})
    return options


def _questions(survey: Survey) -> list[dict[str, Any]]:
    """The questions respondents see, in order (hidden context fields are not asked)."""
    return [
        {
            "key": question.key,
            "kind": question.kind,
            "kind_label": str(question.get_kind_display()),
            "text": question.display_text,
            "hint": question.display_help_text,
            "required": question.required,
            "options": _options(question),
        }
        for question in survey.questions.exclude(kind=QuestionKind.HIDDEN).order_by(
            "position", "id"
        )
    ]


def _collection_methods(survey: Survey) -> list[dict[str, str]]:
    """How the instrument reaches respondents, from how the survey is set up."""
    methods = [
        {
            "method": "web_form",
            "description": _("An accessible web form in English and Spanish, at a public link."),
        }
    ]
    if survey.allowed_origins:
        methods.append(
            {
                "method": "embedded",
                "description": _("The same form embedded on the agency's own web pages."),
            }
        )
    if survey.invitations.exists():
        methods.append(
            {
                "method": "email_invitation",
                "description": _("Email invitations with a single-use link, and one reminder."),
            }
        )
    return methods


def _clearance(clearance: Clearance | None) -> dict[str, Any] | None:
    if clearance is None:
        return None
    parent = clearance.parent
    return {
        "title": clearance.title,
        "kind": clearance.kind,
        "kind_label": str(clearance.get_kind_display()),
        "omb_control_number": clearance.omb_number or None,
        "expires_on": None if clearance.is_exempt else _iso(clearance.expiry),
        "generic_clearance": None
        if parent is None
        else {"title": parent.title, "omb_control_number": parent.control_number or None},
        "approved_burden_hours": clearance.burden_hours,
        "exemption_reason": clearance.exemption_reason or None if clearance.is_exempt else None,
    }


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def _population(survey: Survey) -> str:
    services = [service.name for service in survey.services.order_by("name")]
    audience = (
        _("The agency's employees")
        if survey.audience == Audience.EMPLOYEE
        else _("Members of the public who used the agency's services")
    )
    if not services:
        return f"{audience}."
    return _("%(audience)s: %(services)s.") % {
        "audience": audience,
        "services": ", ".join(services),
    }


def _burden(survey: Survey, today: date) -> dict[str, Any]:
    """Expected responses × minutes per response, each from the agency's own estimate when it
    entered one (decision 0057), else from the past year's responses and the survey's minutes."""
    if survey.expected_respondents and survey.responses_per_respondent:
        responses = survey.expected_respondents * survey.responses_per_respondent
        responses_source = "agency_estimate"
        basis = _(
            "The agency expects %(respondents)s respondents a year, each responding "
            "%(frequency)s times a year."
        ) % {
            "respondents": survey.expected_respondents,
            "frequency": survey.responses_per_respondent,
        }
    else:
        since = today - timedelta(days=EXPECTED_RESPONSES_DAYS)
        responses = int(
            ResponseRollup.objects.filter(survey=survey, day__gt=since, day__lte=today).aggregate(
                n=Sum("count")
            )["n"]
            or 0
        )
        responses_source = "past_responses"
        basis = _("Responses received in the %(days)s days to %(day)s.") % {
            "days": EXPECTED_RESPONSES_DAYS,
            "day": today.isoformat(),
        }
    if survey.expected_minutes:
        minutes: int | None = survey.expected_minutes
        minutes_source: str | None = "agency_estimate"
    else:
        minutes = survey.burden_minutes
        minutes_source = None if minutes is None else "survey_settings"
    return {
        "expected_respondents": survey.expected_respondents
        if responses_source == "agency_estimate"
        else None,
        "responses_per_respondent": survey.responses_per_respondent
        if responses_source == "agency_estimate"
        else None,
        "expected_responses": responses,
        "expected_responses_source": responses_source,
        "expected_responses_basis": basis,
        "minutes_per_response": minutes,
        "minutes_per_response_source": minutes_source,
        "hours": None if minutes is None else round(responses * minutes / 60, 1),
    }


def request_package(*, survey: Survey, today: date | None = None) -> dict[str, Any]:
    """The survey's request package (call access_survey first); text in the active language."""
    today = today or timezone.localdate()
    purpose = survey.display_intro.strip()
    return {
        "format": FORMAT,
        "generated_on": today.isoformat(),
        "agency": {"name": survey.agency.name, "abbreviation": survey.agency.abbreviation},
        "instrument": {
            "title": str(survey.display_title),
            "public_id": survey.public_id,
            "url": reverse("public:survey", kwargs={"public_id": survey.public_id}),
            "audience": survey.audience,
            "languages": ["en", "es"],
        },
        "purpose": purpose
        or _("To learn how customers experienced the service, so that it can be improved."),
        "population": _population(survey),
        "collection_methods": _collection_methods(survey),
        "questions": _questions(survey),
        "burden": _burden(survey, today),
        "clearance": _clearance(survey.clearance),
    }
