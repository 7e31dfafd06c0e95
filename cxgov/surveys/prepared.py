"""A survey's responses for SPSS, Stata, Excel or R as a prepared file: built by the worker and
served to those who may read the responses, each download audited (decisions 0049 and 0063)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from cxgov.core.models import Agency
from cxgov.core.prepared import Built, prepared_builder
from cxgov.registry.models import Service
from cxgov.surveys.models import Survey
from cxgov.surveys.research import RESEARCH_FORMATS, research_file
from cxgov.surveys.selectors import ResponseFilters, responses_for_survey

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
