"""Shapes of survey responses, in and out."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from ninja import Schema
from pydantic import Field

from cxgov.api.common import Out, utc_iso
from cxgov.registry.models import ChannelKind
from cxgov.surveys.models import Answer, Response


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


class ResponseBatchIn(Schema):
    responses: list[ResponseIn] = Field(
        ..., min_length=1, max_length=1000, description="1 to 1,000 responses."
    )


class BatchErrorOut(Schema):
    loc: list[str]
    msg: str
    type: str


class ResponseBatchItemOut(Schema):
    index: int = Field(description="The item's place in `responses`, from 0.")
    submission_id: str
    status: str = Field(description="`accepted` (stored now or before) or `rejected`.")
    id: int | None = Field(description="The stored response's id; null when rejected.")
    errors: list[BatchErrorOut] = Field(description="Why the item was rejected; empty if not.")


class ResponseBatchOut(Schema):
    accepted: int
    rejected: int
    results: list[ResponseBatchItemOut]


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
    count: int | None = Field(description="Every response listed, over all pages.")
    suppressed: bool
    threshold: int | None
    responses: list[ResponseRowOut]
    next_cursor: str | None = Field(
        description="Send it as `cursor` for the next page; null on the last page."
    )
    next: str | None = Field(description="The URL of the next page; null on the last page.")


class ResponseExportQuery(Schema):
    """The file and the filters of a response export: those of the staff responses page."""

    format: Literal["csv", "sav", "dta", "xlsx", "r"] = Field(
        description="csv: the responses CSV; sav: SPSS; dta: Stata; xlsx: Excel (data, "
        "variable labels, value labels); r: a zip of a CSV and an R script that labels it."
    )
    date_from: date | None = Field(default=None, description="Submitted on or after (UTC day).")
    date_to: date | None = Field(default=None, description="Submitted on or before (UTC day).")
    service: int | None = Field(
        default=None, ge=1, le=2**31 - 1, description="The id of a service of the agency."
    )
    channel: ChannelKind | None = None
    status: Literal["valid", "spam", "deleted"] | None = Field(
        default=None, description="Without it, valid and spam responses that are not deleted."
    )


class SurveyOut(Out):
    id: int
    public_id: str = Field(description="The id in the survey's public address.")
    title: str
    title_es: str
    audience: str = Field(description="`customer` or `employee`.")
    status: str
    opens_at: datetime | None
    closes_at: datetime | None
    omb_control_number: str
    omb_expiration_date: date | None
    results_public: bool
    response_count: int | None = Field(
        description="Responses counted in the results: valid, not deleted, imported "
        "respondents included; new ones once the worker has folded them in (seconds). "
        "Null for an employee survey that fewer than the suppression threshold answered, "
        "as its results withhold it."
    )
    created_at: datetime
    updated_at: datetime


class SurveyImportOut(Out):
    id: int
    public_id: str = Field(description="The id in the survey's public address.")
    title: str
    status: str = Field(description="Always `draft`: an imported survey is published by review.")
    questions: int = Field(description="How many questions the survey has.")


class SurveyFilters(Schema):
    status: str = Field(default="", max_length=16, description="Only surveys in this status.")
