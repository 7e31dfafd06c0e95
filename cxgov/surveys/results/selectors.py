"""Reads behind the survey results pages: access, comments and key driver analysis.

Figures per question come from `surveys.results` (rollups). What the rollups cannot give is read
here: free-text comments (microdata, scrubbed, suppressed for small employee groups) and the
respondent-level matrix a key driver analysis needs (one query, pivoted with numpy).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta

import numpy as np
from django.db.models import Max, Min, QuerySet, Sum
from django.db.models.functions import Coalesce

from cxgov.core.models import Agency
from cxgov.core.selectors import agency_calendar
from cxgov.insights.drivers import key_drivers
from cxgov.insights.estimates import Estimate, wilson
from cxgov.insights.priority_matrix import Cuts, driver_quadrants
from cxgov.insights.scrub import scrub_text
from cxgov.surveys.models import (
    TEXT_KINDS,
    Answer,
    Question,
    QuestionKind,
    Response,
    ResponseStatus,
    Survey,
)
from cxgov.surveys.results import ResultFilters, period, positive_values, responses_shown
from cxgov.surveys.results.disclosure import survey_start_month
from cxgov.surveys.results.queries import filter_dimensions
from cxgov.surveys.rollups import survey_zone
from cxgov.surveys.selectors import suppression_threshold

# Who reads results: the agency's analysts and administrators, and oversight (read-only).
# Fewer complete answers than this and a driver analysis is mostly noise: refuse it.
MIN_DRIVER_RESPONSES = 30
# Fewer than two drivers leave nothing to rank.
MIN_DRIVERS = 2
# Kinds an outcome (trust, satisfaction) may be asked on; all are numbers on a fixed scale.
OUTCOME_KINDS = frozenset(
    {
        QuestionKind.LIKERT,
        QuestionKind.THUMBS,
        QuestionKind.YES_NO,
        QuestionKind.RATING_10,
        QuestionKind.NPS,
    }
)


def result_fiscal_years(*, survey: Survey) -> list[int]:
    """Fiscal years with responses, newest first, for the filter form."""
    span = Response.objects.filter(survey=survey).aggregate(
        first=Min("submitted_at"), last=Max("submitted_at")
    )
    first: datetime | None = span["first"]
    last: datetime | None = span["last"]
    if first is None or last is None:
        return []
    calendar = agency_calendar(agency=survey.agency)
    return list(range(calendar.fiscal_year(last), calendar.fiscal_year(first) - 1, -1))


def surveys_for_results(*, agency: Agency) -> QuerySet[Survey]:
    """Every survey of the agency with `counted`: responses in the rollups (0 when none)."""
    return (
        Survey.objects.filter(agency=agency)
        .annotate(counted=Coalesce(Sum("response_rollups__count"), 0))
        .select_related("agency")
        .order_by("-created_at", "-id")
    )


def filtered_responses(*, survey: Survey, filters: ResultFilters) -> QuerySet[Response]:
    """Valid, not deleted responses matching the filters.

    Days are the agency's local days, as in the rollups, so counts here and there agree.
    """
    responses = filter_dimensions(valid_responses(survey=survey), filters)
    first, last = period(filters, start_month=survey_start_month(survey))
    zone = survey_zone(survey)
    if first:
        responses = responses.filter(submitted_at__gte=datetime.combine(first, time(), zone))
    if last:
        after = datetime.combine(last + timedelta(days=1), time(), zone)
        responses = responses.filter(submitted_at__lt=after)
    return responses


# --- comments ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Comment:
    question: str
    text: str
    submitted: str  # an ISO date; empty for employee surveys


@dataclass(frozen=True)
class Comments:
    """Free-text answers matching the filters, or the fact they are suppressed."""

    answers: QuerySet[Answer]
    suppressed: bool
    threshold: int


def comments_for_survey(*, survey: Survey, filters: ResultFilters) -> Comments:
    """Non-empty text answers of valid responses, newest first (call access_survey first).

    An employee survey returns none unless the filtered group may be shown
    (`results.responses_shown`): at least the threshold, and no other view a reader can open
    that differs from it by a smaller group. Comments are scrubbed when shown (`comment_rows`).
    """
    responses = filtered_responses(survey=survey, filters=filters)
    threshold = suppression_threshold()
    answers = (
        Answer.objects.filter(survey=survey, question__kind__in=TEXT_KINDS, response__in=responses)
        .exclude(value_text="")
        .select_related("question", "response")
        .order_by("-response__submitted_at", "-id")
    )
    if survey.is_employee and not responses_shown(survey=survey, filters=filters):
        return Comments(answers=Answer.objects.none(), suppressed=True, threshold=threshold)
    return Comments(answers=answers, suppressed=False, threshold=threshold)


def comment_rows(*, survey: Survey, answers: Iterable[Answer]) -> list[Comment]:
    """Comments as shown and exported: scrubbed of personal data, employee answers undated."""
    rows = []
    for answer in answers:
        submitted = "" if survey.is_employee else answer.response.submitted_at.date().isoformat()
        rows.append(
            Comment(
                question=answer.question.display_text,
                text=scrub_text(answer.value_text),
                submitted=submitted,
            )
        )
    return rows


# --- key drivers ---------------------------------------------------------------------------


def outcome_questions(*, survey: Survey) -> list[Question]:
    """Questions that can be a driver analysis' outcome: trust first, then satisfaction."""
    found = [
        q
        for q in survey.questions.filter(kind__in=OUTCOME_KINDS).order_by("position", "id")
        if q.key == "trust" or "satisfaction" in q.key
    ]
    return sorted(found, key=lambda q: q.key != "trust")


def driver_questions(*, survey: Survey) -> list[Question]:
    """The survey's 5-point agreement questions that are not an outcome: its drivers."""
    outcomes = {q.pk for q in outcome_questions(survey=survey)}
    return [
        q
        for q in survey.questions.filter(kind=QuestionKind.LIKERT).order_by("position", "id")
        if q.pk not in outcomes
    ]


def survey_has_drivers(*, survey: Survey) -> bool:
    """True when a driver analysis can be asked for: an outcome and at least two drivers."""
    return bool(outcome_questions(survey=survey)) and (
        len(driver_questions(survey=survey)) >= MIN_DRIVERS
    )


def answer_matrix(
    *, survey: Survey, questions: Sequence[Question], filters: ResultFilters
) -> np.ndarray:
    """One row per valid response, one column per question in order, the answer's number or NaN.

    One query over the long answer table, pivoted in memory; rows follow the responses' order.
    """
    responses = filtered_responses(survey=survey, filters=filters)
    column_of = {q.pk: index for index, q in enumerate(questions)}
    rows = list(
        Answer.objects.filter(
            survey=survey,
            question_id__in=list(column_of),
            response__in=responses,
            value_int__isnull=False,
        ).values_list("response_id", "question_id", "value_int")
    )
    row_of = {response: index for index, response in enumerate(sorted({r[0] for r in rows}))}
    matrix = np.full((len(row_of), len(questions)), np.nan)
    for response_id, question_id, value in rows:
        cell = (row_of[response_id], column_of[question_id])
        if np.isnan(matrix[cell]):
            matrix[cell] = value
    return matrix


def _positive(question: Question, values: np.ndarray) -> Estimate:
    """Share answering positively, as `surveys.results.POSITIVE_VALUES` defines it."""
    positive = {int(v) for v in positive_values(question) or ()}
    return wilson(int(np.isin(values, list(positive)).sum()), int(values.size))


@dataclass(frozen=True)
class DriverRow:
    question: Question
    importance: float  # share of the explained variance, 0..1
    low: float  # bootstrap 95% interval of the importance
    high: float
    performance: Estimate  # percent positive among the complete responses
    quadrant: str


@dataclass(frozen=True)
class DriverResult:
    """A driver analysis, or why there is none (`refusal` and the complete count)."""

    outcome: Question
    complete: int
    refusal: str = ""  # "too_few" when complete < MIN_DRIVER_RESPONSES
    r_squared: float | None = None
    outcome_positive: Estimate | None = None
    rows: tuple[DriverRow, ...] = ()
    cuts: Cuts | None = None


def driver_analysis(
    *, survey: Survey, outcome: Question, drivers: Sequence[Question], filters: ResultFilters
) -> DriverResult:
    """Shapley R² importance of each driver for the outcome, with performance and quadrant.

    Only responses that answered the outcome and every driver count. Below
    MIN_DRIVER_RESPONSES of them the analysis is refused rather than shown as noise.
    """
    matrix = answer_matrix(survey=survey, questions=[outcome, *drivers], filters=filters)
    complete = matrix[~np.isnan(matrix).any(axis=1)]
    n = len(complete)
    if n < max(MIN_DRIVER_RESPONSES, len(drivers) + 2):
        return DriverResult(outcome=outcome, complete=n, refusal="too_few")
    column = {q.key: complete[:, index] for index, q in enumerate([outcome, *drivers])}
    analysis = key_drivers(
        outcome_name=outcome.key,
        outcome=column[outcome.key],
        drivers={q.key: column[q.key] for q in drivers},
    )
    performance = {q.key: _positive(q, column[q.key]) for q in drivers}
    cuts, quadrants = driver_quadrants(
        {d.name: d.relative_importance for d in analysis.drivers},
        {key: estimate.value or 0.0 for key, estimate in performance.items()},
    )
    by_key = {q.key: q for q in drivers}
    rows = tuple(
        DriverRow(
            question=by_key[d.name],
            importance=d.relative_importance,
            low=d.low,
            high=d.high,
            performance=performance[d.name],
            quadrant=quadrants[d.name],
        )
        for d in analysis.drivers
    )
    return DriverResult(
        outcome=outcome,
        complete=n,
        r_squared=analysis.r_squared,
        outcome_positive=_positive(outcome, column[outcome.key]),
        rows=tuple(sorted(rows, key=lambda row: -row.importance)),
        cuts=cuts,
    )


def valid_responses(*, survey: Survey) -> QuerySet[Response]:
    """The survey's valid, not deleted responses."""
    return Response.objects.filter(
        survey=survey, status=ResponseStatus.VALID, deleted_at__isnull=True
    )
