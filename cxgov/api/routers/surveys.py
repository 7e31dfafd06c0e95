"""Survey intake for mobile apps, phone (IVR) and paper batches, and a suppressed response list.

The API key is the bearer token of a member of the survey's agency. Every response goes through
`surveys.services.response_submit`, the same path as the public page and the widget.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from cxgov.api.common import Out, staff_user, utc_iso
from cxgov.surveys.models import Answer, Response
from cxgov.surveys.selectors import (
    access_survey,
    employee_group_visible,
    responses_for_survey,
    suppression_threshold,
    survey_for_api,
)
from cxgov.surveys.services import SubmissionContext, response_submit

router = Router(tags=["surveys"])


class ContextIn(Schema):
    service: str = Field(default="", max_length=80, description="The service's short name or id.")
    channel: str = Field(
        default="", max_length=20, description="A channel kind, e.g. phone, paper."
    )
    stage: str = Field(default="", max_length=20)
    segment: str = Field(default="", max_length=20)
    location_code: str = Field(default="", max_length=40)
    language: str = Field(default="en", max_length=5)


class ResponseIn(Schema):
    submission_id: str = Field(
        ..., max_length=64, description="Your id for this response; sending it again is safe."
    )
    answers: dict[str, Any] = Field(..., description="Question key → answer.")
    context: ContextIn | None = None
    consent_to_contact: bool = False
    token: str = Field(
        default="", max_length=200, description="A single-use invitation token, if any."
    )
    access_code: str = Field(default="", max_length=80)


class ResponseOut(Out):
    id: int
    submission_id: str
    submitted_at: datetime


class AnswerOut(Out):
    question: str = Field(validation_alias="question.key")
    value: str

    @staticmethod
    def resolve_value(answer: Answer) -> str:
        return str(answer.value)


class ResponseRowOut(Out):
    id: int
    submitted: str = Field(
        description="UTC, ISO 8601 with Z; only the date for an employee survey."
    )
    language: str
    channel: str
    answers: list[AnswerOut]

    @staticmethod
    def resolve_submitted(response: Response) -> str:
        if response.survey.is_employee:
            return response.submitted_at.date().isoformat()
        return utc_iso(response.submitted_at)


class ResponseListOut(Out):
    count: int | None
    suppressed: bool
    threshold: int | None
    responses: list[ResponseRowOut]


@router.post(
    "/surveys/{survey_id}/responses",
    response={201: ResponseOut},
    summary="Submit one response",
)
def response_create(request: HttpRequest, survey_id: int, payload: ResponseIn) -> tuple[int, Any]:
    """Store one response; the same `submission_id` again returns the stored one."""
    survey = survey_for_api(survey_id=survey_id)
    access_survey(user=staff_user(request), agency_slug=survey.agency.slug, survey_id=survey.pk)
    context = payload.context or ContextIn()
    response = response_submit(
        survey=survey,
        answers=payload.answers,
        submission_id=payload.submission_id,
        context=SubmissionContext(
            source="api",
            language=context.language,
            service=context.service,
            channel=context.channel,
            stage=context.stage,
            segment=context.segment,
            location_code=context.location_code,
        ),
        token=payload.token,
        access_code=payload.access_code,
        consent_to_contact=payload.consent_to_contact,
    )
    return 201, response


@router.get(
    "/surveys/{survey_id}/responses",
    response=ResponseListOut,
    summary="The newest responses, suppressed for small employee groups",
)
def response_list(request: HttpRequest, survey_id: int, limit: int = 100) -> dict[str, Any]:
    """Up to `limit` (at most 500) newest valid responses with their answers."""
    survey = survey_for_api(survey_id=survey_id)
    survey = access_survey(
        user=staff_user(request), agency_slug=survey.agency.slug, survey_id=survey.pk
    )
    responses = responses_for_survey(survey=survey)
    if not employee_group_visible(survey=survey, responses=responses):
        return {
            "count": None,
            "suppressed": True,
            "threshold": suppression_threshold(),
            "responses": [],
        }
    rows = responses.select_related("survey").prefetch_related("answers__question")
    return {
        "count": responses.count(),
        "suppressed": False,
        "threshold": suppression_threshold() if survey.is_employee else None,
        "responses": rows[: max(1, min(limit, 500))],
    }
