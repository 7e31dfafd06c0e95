"""Shapes of survey results: the filters in, estimates and trends out."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Schema
from pydantic import Field

from cxgov.api.common import Out
from cxgov.surveys.results import (
    DistributionRow,
    QuestionResult,
    TrendPoint,
)


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
    key: str = Field(validation_alias="question.key")
    text: str = Field(validation_alias="question.text")
    kind: str = Field(validation_alias="question.kind")
    n: int
    suppressed: bool
    positive: EstimateOut | None = Field(description="Share answering positively.")
    mean: EstimateOut | None
    distribution: list[AnswerShareOut]

    @staticmethod
    def resolve_distribution(result: QuestionResult) -> list[DistributionRow]:
        return [] if result.suppressed else result.distribution


class WeightedEstimateOut(Out):
    value: float | None
    low: float | None = Field(description="Lower end of the 95% interval on the effective n.")
    high: float | None
    n: int = Field(description="Respondents behind the figure.")
    standard_error: float | None
    design_effect: float | None = Field(description="Kish's design effect of the weights.")
    effective_n: float | None


class WeightedQuestionOut(Out):
    key: str
    text: str
    positive: WeightedEstimateOut | None = Field(description="Weighted share positive.")
    mean: WeightedEstimateOut | None


class WeightedResultsOut(Out):
    status: Literal["ready", "preparing", "failed"] = Field(
        description=(
            "`preparing` until the worker has raked the responses (no figures yet; ask again "
            "after the Retry-After header's seconds), `failed` if it could not."
        )
    )
    prepared_at: datetime | None = Field(
        description="When the figures were prepared; newer responses count from the next build."
    )
    margins: list[str] = Field(description="The variables the responses are raked to.")
    trim: float | None = Field(description="Weights above this many times the mean are cut.")
    error: str | None = Field(description="Why the responses could not be weighted, if so.")
    questions: list[WeightedQuestionOut]


class SurveyResultsOut(Out):
    survey_id: int
    title: str
    responses: int | None = Field(
        description="Null for an employee survey's view that may not be shown."
    )
    response_rate: EstimateOut | None
    questions: list[QuestionResultOut]
    weighted: WeightedResultsOut | None = Field(
        default=None,
        description=(
            "The figures raked to the survey's population margins, when asked for with "
            "`weighted=true` and the survey has margins (employee surveys are never weighted)."
        ),
    )


class TrendPointOut(Out):
    quarter: str = Field(validation_alias="label")
    n: int
    positive: EstimateOut | None
    mean: EstimateOut | None
    change: float | None = Field(description="Difference from the quarter before.")
    significant: bool = Field(description="True only when the change is significant at 95%.")
    suppressed: bool

    @staticmethod
    def resolve_change(point: TrendPoint) -> float | None:
        return point.change.difference if point.change is not None else None
