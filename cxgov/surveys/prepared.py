"""What the worker prepares for the surveys app (decisions 0049 and 0063): a survey's responses
for SPSS, Stata, Excel or R as a file, served to those who may read the responses, each
download audited; and the results page's figures weighted to the population margins, which
rake every response of the survey."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.utils import translation

from cxgov.core.models import Agency
from cxgov.core.prepared import Built, BuiltData, prepared_builder
from cxgov.registry.models import Service
from cxgov.surveys.models import PopulationMargin, Question, Survey
from cxgov.surveys.research import RESEARCH_FORMATS, research_file
from cxgov.surveys.results.cells import weighted_tables
from cxgov.surveys.results.queries import ResultFilters
from cxgov.surveys.results.selectors import (
    WeightedResults,
    survey_margins,
    weightable_questions,
    weighted_results,
    weighting_error_text,
)
from cxgov.surveys.selectors import ResponseFilters, responses_for_survey, suppression_threshold

RESEARCH_EXPORT = "surveys.research_export"
# Responses have no cheap version (new ones arrive, some are marked spam): a file finished
# longer ago than this is built again when asked for, as the whole-agency export is.
RESEARCH_EXPORT_MAX_AGE = timedelta(minutes=15)


def research_params(*, survey: Survey, fmt: str, filters: ResponseFilters) -> dict[str, Any]:
    """The builder's parameters: the survey, the format and the filters the form chose."""
    return {
        "survey": survey.pk,
        "fmt": fmt,
        "date_from": filters.date_from.isoformat() if filters.date_from else None,
        "date_to": filters.date_to.isoformat() if filters.date_to else None,
        "service": filters.service.pk if filters.service else None,
        "channel": filters.channel,
        "status": filters.status,
    }


def _filters(agency: Agency, params: Mapping[str, Any]) -> ResponseFilters:
    service = None
    if params["service"] is not None:
        service = Service.objects.get(pk=params["service"], agency=agency)
    return ResponseFilters(
        date_from=date.fromisoformat(params["date_from"]) if params["date_from"] else None,
        date_to=date.fromisoformat(params["date_to"]) if params["date_to"] else None,
        service=service,
        channel=params["channel"],
        status=params["status"],
    )


@prepared_builder(RESEARCH_EXPORT)
def research_export_build(agency: Agency, params: Mapping[str, Any], version: str) -> Built:
    """The survey's filtered responses in one of RESEARCH_FORMATS."""
    survey = Survey.objects.select_related("agency").get(pk=params["survey"], agency=agency)
    fmt = str(params["fmt"])
    built, filename = research_file(
        survey=survey,
        responses=responses_for_survey(survey=survey, filters=_filters(agency, params)),
        fmt=fmt,
    )
    return Built(content=built, filename=filename, content_type=RESEARCH_FORMATS[fmt].content_type)


WEIGHTED_RESULTS = "surveys.weighted_results"
# New responses, and marks or deletions, change the raked sample without moving the version
# below: figures finished longer ago than this are built again when the page is read. A
# version that moved with every fold would rebuild the raking (seconds at a million
# responses) on nearly every read while intake runs.
WEIGHTED_RESULTS_MAX_AGE = timedelta(minutes=15)


def weighted_params(
    *, survey: Survey, filters: ResultFilters, breakdown: Question | None, language: str
) -> dict[str, Any]:
    """The builder's parameters: the survey, the page's filters and breakdown question, and the
    language of the tables' words."""
    return {
        "survey": survey.pk,
        "filters": {
            name: value.isoformat() if isinstance(value, date) else value
            for name, value in asdict(filters).items()
        },
        "breakdown": breakdown.pk if breakdown is not None else None,
        "language": language,
    }


def weighted_version(*, margins: Sequence[PopulationMargin]) -> str:
    """What the weighted figures depend on besides the parameters and the responses: the
    survey's margins as last saved (the page has read them), the trim cap and the shape of
    the built data (`WEIGHTED_DATA_SHAPE`)."""
    last = max((margin.updated_at.isoformat() for margin in margins), default="")
    return f"{WEIGHTED_DATA_SHAPE}:{len(margins)}:{last}:{settings.SURVEY_WEIGHT_TRIM}"


# Raised when the builder's data gains or changes keys, so figures built before are built again.
WEIGHTED_DATA_SHAPE = 2


def weighted_request(
    *, survey: Survey, filters: ResultFilters, breakdown: Question | None, language: str
) -> dict[str, Any] | None:
    """What to ask `prepared_file_request` for to get the survey's weighted figures; None for a
    survey that is not weighted (no population margins, or of employees)."""
    margins = [] if survey.is_employee else survey_margins(survey=survey)
    if not margins:
        return None
    return {
        "kind": WEIGHTED_RESULTS,
        "agency": survey.agency,
        "params": weighted_params(
            survey=survey, filters=filters, breakdown=breakdown, language=language
        ),
        "version": weighted_version(margins=margins),
        "max_age": WEIGHTED_RESULTS_MAX_AGE,
    }


def _result_filters(values: Mapping[str, Any]) -> ResultFilters:
    dates = {"start", "end"}
    return ResultFilters(
        **{
            name: date.fromisoformat(value) if name in dates and value else value
            for name, value in values.items()
        }
    )


@prepared_builder(WEIGHTED_RESULTS)
def weighted_results_build(agency: Agency, params: Mapping[str, Any], version: str) -> BuiltData:
    """The weighted tables of the results page, or why the margins cannot weight."""
    survey = Survey.objects.select_related("agency").get(pk=params["survey"], agency=agency)
    breakdown = None
    if params["breakdown"] is not None:
        breakdown = Question.objects.filter(survey=survey, pk=params["breakdown"]).first()
    with translation.override(str(params["language"])):
        weighted = weighted_results(
            survey=survey, filters=_result_filters(params["filters"]), breakdown=breakdown
        )
        if weighted is None:
            return BuiltData({"margin_count": 0})
        return BuiltData(
            {
                "margin_count": len(weighted.margins),
                "margins": [margin.variable for margin in weighted.margins],
                "trim": weighted.trim,
                "trimmed": weighted.weights.trimmed if weighted.weights is not None else 0,
                "error": weighting_error_text(weighted.error) if weighted.error is not None else "",
                "tables": [
                    table.to_json()
                    for table in weighted_tables(weighted, breakdown, suppression_threshold())
                ],
                "questions": _weighted_questions(survey, weighted),
            }
        )


def _weighted_questions(survey: Survey, weighted: WeightedResults) -> list[dict[str, Any]]:
    """Each weighted question's share positive and mean as numbers, for the API."""
    if weighted.error is not None:
        return []
    return [
        {
            "key": question.key,
            "text": question.text,
            "positive": asdict(row.positive) if row.positive is not None else None,
            "mean": asdict(row.mean) if row.mean is not None else None,
        }
        for question, row in zip(weightable_questions(survey=survey), weighted.rows, strict=True)
    ]
