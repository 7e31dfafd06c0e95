"""Survey results: figures per question with n, 95% intervals and suppression flags.

The same selectors as the staff results pages. Analysts, administrators and oversight users of
the survey's agency read them; other surveys answer 404, the same as missing ones.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from cxgov.api.common import Out, field_error, staff_user
from cxgov.core.permissions import Can
from cxgov.surveys.models import Survey
from cxgov.surveys.results import (
    DistributionRow,
    QuestionResult,
    ResultFilters,
    TrendPoint,
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


class EstimateOut(Out):
    value: float | None = Field(description="Null when suppressed.")
    low: float | None = Field(description="Lower end of the 95% interval.")
    high: float | None
    n: int
    suppressed: bool


class AnswerShareOut(Out):
    value: str
    label: str
    count: int | None
    share: EstimateOut | None

    @staticmethod
    def resolve_value(row: DistributionRow) -> str:
        return row.value_key


class QuestionResultOut(Out):
    key: str
    text: str
    kind: str
    n: int
    suppressed: bool
    positive: EstimateOut | None = Field(description="Share answering positively.")
    mean: EstimateOut | None
    distribution: list[AnswerShareOut]

    @staticmethod
    def resolve_key(result: QuestionResult) -> str:
        return result.question.key

    @staticmethod
    def resolve_text(result: QuestionResult) -> str:
        return result.question.text

    @staticmethod
    def resolve_kind(result: QuestionResult) -> str:
        return result.question.kind

    @staticmethod
    def resolve_distribution(result: QuestionResult) -> list[DistributionRow]:
        return [] if result.suppressed else result.distribution


class SurveyResultsOut(Out):
    survey_id: int
    title: str
    responses: int
    response_rate: EstimateOut | None
    questions: list[QuestionResultOut]


class TrendPointOut(Out):
    quarter: str
    n: int
    positive: EstimateOut | None
    mean: EstimateOut | None
    change: float | None = Field(description="Difference from the quarter before.")
    significant: bool = Field(description="True only when the change is significant at 95%.")
    suppressed: bool

    @staticmethod
    def resolve_quarter(point: TrendPoint) -> str:
        return point.label

    @staticmethod
    def resolve_change(point: TrendPoint) -> float | None:
        return point.change.difference if point.change is not None else None


def _survey(request: HttpRequest, survey_id: int) -> Survey:
    return access_survey(
        user=staff_user(request), agency_slug=None, survey_id=survey_id, need=Can.VIEW_RESULTS
    )


def _filters(filters: FiltersIn) -> ResultFilters:
    if filters.quarter and not filters.fiscal_year:
        raise field_error(
            "quarter", "A quarter needs a fiscal_year.", type="value_error", where="query"
        )
    return ResultFilters(
        service_id=filters.service_id,
        channel=filters.channel,
        segment_id=filters.segment_id,
        language=filters.language,
        fiscal_year=filters.fiscal_year,
        quarter=filters.quarter,
    )


@router.get(
    "/surveys/{survey_id}/results",
    response=SurveyResultsOut,
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
    return {
        "survey_id": survey.pk,
        "title": survey.title,
        "responses": response_counts(survey=survey, filters=wanted),
        "response_rate": response_rate(survey=survey, filters=wanted),
        "questions": question_results(survey=survey, filters=wanted),
    }


@router.get(
    "/surveys/{survey_id}/results/{question_key}/trend",
    response=list[TrendPointOut],
    summary="One question's results by fiscal quarter",
)
def question_trend(
    request: HttpRequest, survey_id: int, question_key: str, filters: Query[FiltersIn]
) -> list[TrendPoint]:
    """Per fiscal quarter: n, percent positive and mean with intervals, and the change."""
    survey = _survey(request, survey_id)
    question = survey.questions.filter(key=question_key[:60]).first()
    if question is None:
        raise Http404
    return quarterly_trend(survey=survey, question=question, filters=_filters(filters))
