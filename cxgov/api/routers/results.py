"""Survey results: figures per question with n, 95% intervals and suppression flags.

The same selectors as the staff results pages. Analysts, administrators and oversight users of
the survey's agency read them; other surveys answer 404, the same as missing ones.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Query

from cxgov.api.common import AreaRouter, field_error, prepared_figures, staff_user
from cxgov.api.schemas.results import FiltersIn, SurveyResultsOut, TrendPointOut
from cxgov.core.models import PreparedFileStatus, TokenArea
from cxgov.core.permissions import Can
from cxgov.core.services_prepared import prepared_file_request
from cxgov.surveys.models import Survey
from cxgov.surveys.prepared import weighted_request
from cxgov.surveys.results import (
    ResultFilters,
    TrendPoint,
    quarterly_trend,
    question_results,
    response_counts,
    response_rate,
)
from cxgov.surveys.selectors import access_survey

router = AreaRouter(area=TokenArea.SURVEYS, tags=["survey results"])


def _survey(request: HttpRequest, survey_id: int) -> Survey:
    return access_survey(
        user=staff_user(request), agency_slug=None, survey_id=survey_id, need=Can.VIEW_RESULTS
    )


def _filters(filters: FiltersIn) -> ResultFilters:
    if filters.quarter and not filters.fiscal_year:
        raise field_error(
            "quarter", "A quarter needs a fiscal_year.", type="value_error", where="query"
        )
    # The query's fields are the results filters' own names, so a new one passes straight on.
    return ResultFilters(**filters.model_dump())


@router.get(
    "/surveys/{survey_id}/results",
    response=SurveyResultsOut,
    summary="A survey's results per question, filtered",
)
def survey_results(
    request: HttpRequest,
    response: HttpResponse,
    survey_id: int,
    filters: Query[FiltersIn],
    weighted: bool = False,
) -> dict[str, Any]:
    """Counts, shares, percent positive and means, each with n and its 95% interval.

    Suppressed cells carry `suppressed: true` and no figures. With `weighted=true`, also the
    figures raked to the survey's population margins, as the results page shows them. The
    worker prepares those: until they are ready `weighted.status` is `preparing`, with no
    figures and a Retry-After header; ready figures say when they were prepared.
    """
    survey = _survey(request, survey_id)
    wanted = _filters(filters)
    return {
        "survey_id": survey.pk,
        "title": survey.title,
        "responses": response_counts(survey=survey, filters=wanted),
        "response_rate": response_rate(survey=survey, filters=wanted),
        "questions": question_results(survey=survey, filters=wanted),
        "weighted": _weighted(survey, wanted, response) if weighted else None,
    }


def _weighted(
    survey: Survey, filters: ResultFilters, response: HttpResponse
) -> dict[str, Any] | None:
    wanted = weighted_request(
        survey=survey, filters=filters, breakdown=None, language=get_language() or "en"
    )
    if wanted is None:
        return None
    prepared = prepared_file_request(**wanted)
    failed = prepared.status == PreparedFileStatus.FAILED
    data = prepared_figures(prepared, response)
    if data is None:
        return {
            "status": "failed" if failed else "preparing",
            "prepared_at": None,
            "margins": [],
            "trim": None,
            "error": _("The figures could not be prepared") if failed else None,
            "questions": [],
        }
    if not data["margin_count"]:
        return None
    return {
        "status": "ready",
        "prepared_at": prepared.finished_at,
        "margins": data["margins"],
        "trim": data["trim"],
        "error": data["error"] or None,
        "questions": data["questions"],
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
