"""Survey intake for mobile apps, phone (IVR) and paper batches, and a suppressed response list.

The API key is the bearer token of a member of the survey's agency whose role brings in responses
collected elsewhere (`Can.IMPORT_RESPONSES`); reading responses one by one needs
`Can.READ_RESPONSES`, and an employee survey's are never listed. Every response goes through
`surveys.services.response_submit`, the same path as the public page and the widget, with the
same per-survey limit per address.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from cxgov.api.common import staff_user
from cxgov.api.schemas.surveys import (
    ContextIn,
    ResponseBatchIn,
    ResponseBatchOut,
    ResponseIn,
    ResponseListOut,
    ResponseOut,
)
from cxgov.core.permissions import Can
from cxgov.core.ratelimit import client_address
from cxgov.core.services import audit_record
from cxgov.surveys.selectors import (
    access_survey,
    responses_for_survey,
    responses_listed,
    suppression_threshold,
)
from cxgov.surveys.services import (
    BatchItem,
    SubmissionContext,
    response_batch_submit,
    response_submit,
)

router = Router(tags=["surveys"])


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
    return SubmissionContext(
        source="api",
        language=given.language,
        service=given.service,
        channel=given.channel,
        stage=given.stage,
        segment=given.segment,
        location_code=given.location_code,
        ip_address=ip_address,
    )


@router.get(
    "/surveys/{survey_id}/responses",
    response=ResponseListOut,
    summary="The newest responses; none for an employee survey",
)
def response_list(request: HttpRequest, survey_id: int, limit: int = 100) -> dict[str, Any]:
    """Up to `limit` (at most 500) newest valid responses with their answers. An employee
    survey answers `suppressed` and no rows: its `results` give figures for groups of at least
    `threshold`."""
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
        }
    rows = responses.select_related("survey").prefetch_related("answers__question")
    audit_record(
        actor=staff_user(request),
        action="survey.responses_read",
        agency=survey.agency,
        target=survey,
        data={"via": "api", "limit": limit},
    )
    return {
        "count": responses.count(),
        "suppressed": False,
        "threshold": None,
        "responses": rows[: max(1, min(limit, 500))],
    }
