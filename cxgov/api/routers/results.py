"""Survey results: figures per question with n, 95% intervals and suppression flags.

The same selectors as the staff results pages. Analysts, administrators and oversight users of
the survey's agency read them; other surveys answer 404, the same as missing ones.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import ValidationError
from pydantic import Field

from cxgov.api.schemas import ErrorOut, ValidationErrorOut
from cxgov.core.models import User
from cxgov.core.permissions import Can
from cxgov.insights.estimates import Estimate
from cxgov.surveys.models import Survey
from cxgov.surveys.results import (
    ResultFilters,
    quarterly_trend,
    question_results,
    response_counts,
    response_rate,
)
from cxgov.surveys.selectors import access_survey

router = Router(tags=["survey results"])


class FiltersIn(Schema):
    service_id: int | None = None
    channel: str = Field(default="", max_length=20)
    segment_id: int | None = None
    language: str = Field(default="", max_length=8)
    fiscal_year: int | None = Field(default=None, ge=1990, le=2200)
    quarter: int | None = Field(default=None, ge=1, le=4)


class EstimateOut(Schema):
    value: float | None = Field(description="Null when suppressed.")
    low: float | None = Field(description="Lower end of the 95% interval.")
    high: float | None
    n: int
    suppressed: bool


class AnswerShareOut(Schema):
    value: str
    label: str
    count: int | None
    share: EstimateOut | None


class QuestionResultOut(Schema):
    key: str
    text: str
    kind: str
    n: int
    suppressed: bool
    positive: EstimateOut | None = Field(description="Share answering positively.")
    mean: EstimateOut | None
    distribution: list[AnswerShareOut]


class SurveyResultsOut(Schema):
    survey_id: int
    title: str
    responses: int
    response_rate: EstimateOut | None
    questions: list[QuestionResultOut]


class TrendPointOut(Schema):
    quarter: str
    n: int
    positive: EstimateOut | None
    mean: EstimateOut | None
    change: float | None = Field(description="Difference from the quarter before.")
    significant: bool = Field(description="True only when the change is significant at 95%.")
    suppressed: bool


def _staff(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)  # noqa: S101 - the API's staff auth guarantees it
    return user


def _survey(request: HttpRequest, survey_id: int) -> Survey:
    return access_survey(
        user=_staff(request), agency_slug=None, survey_id=survey_id, need=Can.VIEW_RESULTS
    )


def _filters(filters: FiltersIn) -> ResultFilters:
    if filters.quarter and not filters.fiscal_year:
        raise ValidationError(
            [
                {
                    "type": "value_error",
                    "loc": ["query", "quarter"],
                    "msg": "A quarter needs a fiscal_year.",
                }
            ]
        )
    return ResultFilters(
        service_id=filters.service_id,
        channel=filters.channel,
        segment_id=filters.segment_id,
        language=filters.language,
        fiscal_year=filters.fiscal_year,
        quarter=filters.quarter,
    )


def _estimate(estimate: Estimate | None) -> dict[str, Any] | None:
    if estimate is None:
        return None
    return {
        "value": estimate.value,
        "low": estimate.low,
        "high": estimate.high,
        "n": estimate.n,
        "suppressed": estimate.suppressed,
    }


@router.get(
    "/surveys/{survey_id}/results",
    response={200: SurveyResultsOut, 404: ErrorOut, 422: ValidationErrorOut},
    summary="A survey's results per question, filtered",
)
def survey_results(
    request: HttpRequest, survey_id: int, filters: Query[FiltersIn]
) -> dict[str, Any]:
    """Counts, shares, percent positive and means, each with n and its 95% interval.

    Suppressed cells carry `suppressed: true` and no figures.
    """
    survey = _survey(request, survey_id)
    wanted = _filters(filters)
    results = question_results(survey=survey, filters=wanted)
    return {
        "survey_id": survey.pk,
        "title": survey.title,
        "responses": response_counts(survey=survey, filters=wanted),
        "response_rate": _estimate(response_rate(survey=survey, filters=wanted)),
        "questions": [
            {
                "key": r.question.key,
                "text": r.question.text,
                "kind": r.question.kind,
                "n": r.n,
                "suppressed": r.suppressed,
                "positive": _estimate(r.positive),
                "mean": _estimate(r.mean),
                "distribution": []
                if r.suppressed
                else [
                    {"value": key, "label": label, "count": count, "share": _estimate(share)}
                    for key, label, count, share in r.distribution
                ],
            }
            for r in results
        ],
    }


@router.get(
    "/surveys/{survey_id}/results/{question_key}/trend",
    response={200: list[TrendPointOut], 404: ErrorOut, 422: ValidationErrorOut},
    summary="One question's results by fiscal quarter",
)
def question_trend(
    request: HttpRequest, survey_id: int, question_key: str, filters: Query[FiltersIn]
) -> list[dict[str, Any]]:
    """Per fiscal quarter: n, percent positive and mean with intervals, and the change."""
    survey = _survey(request, survey_id)
    question = survey.questions.filter(key=question_key[:60]).first()
    if question is None:
        raise Http404
    return [
        {
            "quarter": point.label,
            "n": point.n,
            "positive": _estimate(point.positive),
            "mean": _estimate(point.mean),
            "change": point.change.difference if point.change is not None else None,
            "significant": point.significant,
            "suppressed": point.suppressed,
        }
        for point in quarterly_trend(survey=survey, question=question, filters=_filters(filters))
    ]
