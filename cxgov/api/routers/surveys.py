"""Survey intake for mobile apps, phone (IVR) and paper batches, a suppressed response list and
the response files (CSV, SPSS, Stata, Excel, R).

The API key is the bearer token of a member of the survey's agency whose role brings in responses
collected elsewhere (`Can.IMPORT_RESPONSES`); reading responses one by one needs
`Can.READ_RESPONSES`, and an employee survey's are never listed. Every response goes through
`surveys.services.response_submit`, the same path as the public page and the widget, with the
same per-survey limit per address.
"""

# No `from __future__ import annotations`: ninja reads a paginated endpoint's Query schema
# from its annotations through the paginator's wrapper, where a string cannot be resolved.

from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponseBase
from ninja import Query
from ninja.errors import ValidationError
from ninja.pagination import paginate

from cxgov.api.common import AreaRouter, CursorInput, CursorPagination, cursor_page, staff_user
from cxgov.api.schemas.surveys import (
    ContextIn,
    ResponseBatchIn,
    ResponseBatchOut,
    ResponseExportQuery,
    ResponseIn,
    ResponseListOut,
    ResponseOut,
    SurveyFilters,
    SurveyImportOut,
    SurveyOut,
)
from cxgov.core.models import TokenArea
from cxgov.core.permissions import Can
from cxgov.core.ratelimit import client_address
from cxgov.core.selectors import access_agency
from cxgov.core.services import audit_record
from cxgov.core.tables import CSV_TYPE, csv_stream_response, file_response
from cxgov.surveys.definition import (
    SCHEMA_ID,
    DefinitionError,
    survey_definition,
)
from cxgov.surveys.forms import ResponseFilterForm
from cxgov.surveys.models import Survey
from cxgov.surveys.research import RESEARCH_FORMATS, research_file
from cxgov.surveys.selectors import (
    access_survey,
    responses_for_survey,
    responses_listed,
    responses_rows,
    suppression_threshold,
    surveys_for_agency,
)
from cxgov.surveys.services import (
    BatchItem,
    SubmissionContext,
    response_batch_submit,
    response_submit,
    survey_import,
)

router = AreaRouter(area=TokenArea.SURVEYS, tags=["surveys"])


@router.post(
    "/surveys/{survey_id}/responses",
    response={201: ResponseOut},
    summary="Submit one response",
)
def response_create(request: HttpRequest, survey_id: int, payload: ResponseIn) -> tuple[int, Any]:
    """Store one response; the same `submission_id` again returns the stored one."""
    survey = access_survey(
        user=staff_user(request), agency_slug=None, survey_id=survey_id, need=Can.IMPORT_RESPONSES
    )
    response = response_submit(
        survey=survey,
        answers=payload.answers,
        submission_id=payload.submission_id,
        context=_context(payload.context, ip_address=client_address(request)),
        token=payload.token,
        access_code=payload.access_code,
        consent_to_contact=payload.consent_to_contact,
    )
    return 201, response


@router.post(
    "/surveys/{survey_id}/responses:batch",
    response={200: ResponseBatchOut},
    summary="Submit up to 1,000 responses, each accepted or rejected on its own",
)
def response_batch_create(
    request: HttpRequest, survey_id: int, payload: ResponseBatchIn
) -> dict[str, Any]:
    """Store every valid response at once; each result says `accepted` with the stored id
    (also for a `submission_id` stored before) or `rejected` with the reasons. One audit event
    for the batch. Unlike single responses, a batch is not held to the public form's hourly
    limit per address: like a response file, it comes from a signed-in importer."""
    user = staff_user(request)
    survey = access_survey(
        user=user, agency_slug=None, survey_id=survey_id, need=Can.IMPORT_RESPONSES
    )
    outcomes = response_batch_submit(
        actor=user,
        survey=survey,
        items=[
            BatchItem(
                answers=item.answers,
                submission_id=item.submission_id,
                context=_context(item.context, ip_address=""),
                token=item.token,
                access_code=item.access_code,
                consent_to_contact=item.consent_to_contact,
            )
            for item in payload.responses
        ],
    )
    accepted = sum(1 for outcome in outcomes if outcome.accepted)
    return {
        "accepted": accepted,
        "rejected": len(outcomes) - accepted,
        "results": [
            {
                "index": outcome.index,
                "submission_id": outcome.submission_id,
                "status": "accepted" if outcome.accepted else "rejected",
                "id": outcome.response.pk if outcome.response else None,
                "errors": [
                    {
                        "loc": ["body", "payload", "responses", str(outcome.index), "answers", key],
                        "msg": message,
                        "type": outcome.code,
                    }
                    for key, message in outcome.errors.items()
                ],
            }
            for outcome in outcomes
        ],
    }


def _context(context: ContextIn | None, *, ip_address: str) -> SubmissionContext:
    given = context or ContextIn()
    return SubmissionContext(source="api", ip_address=ip_address, **given.model_dump())


@router.get(
    "/surveys/{survey_id}/responses",
    response=ResponseListOut,
    summary="The responses, newest first, a page at a time; none for an employee survey",
)
def response_list(request: HttpRequest, survey_id: int, page: Query[CursorInput]) -> dict[str, Any]:
    """Valid responses with their answers, newest first, `limit` a page; `next_cursor` asks
    for the next page. An employee survey answers `suppressed` and no rows: its `results`
    give figures for groups of at least `threshold`."""
    survey = access_survey(
        user=staff_user(request), agency_slug=None, survey_id=survey_id, need=Can.READ_RESPONSES
    )
    responses = responses_for_survey(survey=survey)
    if not responses_listed(survey=survey):
        return {
            "count": None,
            "suppressed": True,
            "threshold": suppression_threshold(),
            "responses": [],
            "next_cursor": None,
            "next": None,
        }
    rows = responses.select_related("survey").prefetch_related("answers__question")
    found = cursor_page(
        request, rows, cursor=page.cursor, limit=page.limit, order=("-submitted_at", "-id")
    )
    audit_record(
        actor=staff_user(request),
        action="survey.responses_read",
        agency=survey.agency,
        target=survey,
        data={"via": "api", "limit": page.limit},
    )
    return {
        "count": responses.count(),
        "suppressed": False,
        "threshold": None,
        "responses": found.items,
        "next_cursor": found.next_cursor,
        "next": found.next,
    }


@router.get(
    "/agencies/{slug}/surveys",
    response=list[SurveyOut],
    summary="The agency's surveys, newest first, with how many responses each has",
)
@paginate(CursorPagination, order=("-created_at", "-id"))
def survey_list(request: HttpRequest, slug: str, filters: Query[SurveyFilters]) -> QuerySet[Survey]:
    """Every survey of the agency in any status (or the status asked), for its members (any
    role); 404 for anyone else."""
    agency = access_agency(user=staff_user(request), agency_slug=slug)
    surveys = surveys_for_agency(agency=agency)
    return surveys.filter(status=filters.status) if filters.status else surveys


_EXPORT_TYPES = {"csv": CSV_TYPE} | {
    name: chosen.content_type for name, chosen in RESEARCH_FORMATS.items()
}


@router.get(
    "/surveys/{survey_id}/responses/export",
    summary="Download the responses as CSV, SPSS, Stata, Excel or R",
    response={200: str},
    openapi_extra={
        "responses": {
            200: {
                "description": "The file, as an attachment named in Content-Disposition.",
                "content": {content_type: {} for content_type in _EXPORT_TYPES.values()},
            }
        }
    },
)
def response_export(
    request: HttpRequest, survey_id: int, query: Query[ResponseExportQuery]
) -> HttpResponseBase:
    """Every response the filters match, one row each, as the staff responses page downloads
    it. The SPSS, Stata, Excel and R files label each variable with its question and each coded
    answer with its option; a choose-any question is one 0/1 variable per option. An employee
    survey's file has its variables and no rows (a note says why), as its CSV has a header and
    a line saying so."""
    user = staff_user(request)
    survey = access_survey(
        user=user, agency_slug=None, survey_id=survey_id, need=Can.READ_RESPONSES
    )
    given = {k: str(v) for k, v in query.model_dump(exclude={"format"}, exclude_none=True).items()}
    form = ResponseFilterForm(given, agency=survey.agency)
    if not form.is_valid():
        if "service" in form.errors:
            raise Http404  # a service of another agency is as missing as one that is not
        raise ValidationError(
            [
                {"type": "invalid", "loc": ["query", name], "msg": messages[0]}
                for name, messages in form.errors.items()
            ]
        )
    responses = responses_for_survey(survey=survey, filters=form.filters())
    audit_record(
        actor=user,
        action="survey.responses_export",
        agency=survey.agency,
        target=survey,
        data={"via": "api", "format": query.format, "filters": given},
    )
    if query.format == "csv":
        rows = responses_rows(survey=survey, responses=responses)
        return csv_stream_response(None, rows, filename=f"survey-{survey.pk}-responses.csv")
    built, filename = research_file(survey=survey, responses=responses, fmt=query.format)
    return file_response(built, content_type=_EXPORT_TYPES[query.format], filename=filename)


# The document's own JSON Schema (draft 2020-12) is published beside the API: named here, not
# inlined, so this document keeps one schema dialect.
_DOCUMENT = {
    "type": "object",
    "description": f"A survey definition document: see {SCHEMA_ID} "
    "(docs/survey-definition.schema.json).",
}


@router.get(
    "/surveys/{survey_id}/definition",
    summary="The survey's definition document",
    response={200: dict[str, Any]},
    openapi_extra={
        "responses": {
            200: {
                "description": "The document, valid against the survey definition schema.",
                "content": {"application/json": {"schema": _DOCUMENT}},
            }
        }
    },
)
def survey_definition_read(request: HttpRequest, survey_id: int) -> dict[str, Any]:
    """The survey as one JSON document (`docs/survey-definition.schema.json`): its texts in
    English and Spanish, audience and questions. Any member of the survey's agency may read
    it; `POST /agencies/{slug}/surveys:import` reads it back as a new draft."""
    survey = access_survey(user=staff_user(request), agency_slug=None, survey_id=survey_id)
    return survey_definition(survey)


@router.post(
    "/agencies/{slug}/surveys:import",
    response={201: SurveyImportOut},
    summary="Create a draft survey from a definition document",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": _DOCUMENT}},
        }
    },
)
def survey_import_create(request: HttpRequest, slug: str) -> tuple[int, Any]:
    """The body is a survey definition document (at most 2 MB). A document with problems is
    refused with 422, each problem located by its JSON pointer in `loc`; nothing is stored."""
    user = staff_user(request)
    agency = access_agency(user=user, agency_slug=slug, need=Can.EDIT_SURVEYS)
    try:
        survey = survey_import(actor=user, agency=agency, raw=request.body)
    except DefinitionError as refused:
        raise ValidationError(
            [
                {
                    "type": "definition",
                    "loc": ["body", *problem.pointer.split("/")[1:]],
                    "msg": problem.message,
                }
                for problem in refused.problems
            ]
        ) from None
    return 201, {
        "id": survey.pk,
        "public_id": survey.public_id,
        "title": survey.title,
        "status": survey.status,
        "questions": survey.questions.count(),
    }
