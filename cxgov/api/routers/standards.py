"""Service standards: send transaction events in batches and read a standard's results.

Both are for members of the standard's agency; sending events needs an agency administrator or
service manager. A standard of another agency answers 404, the same as a missing one.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.pagination import paginate

from cxgov.api.common import AreaRouter, CursorPagination, staff_user
from cxgov.api.schemas.standards import EventBatchIn, IngestOut, ResultOut, StandardOut
from cxgov.core.models import TokenArea
from cxgov.core.permissions import Can
from cxgov.core.selectors import access_agency
from cxgov.standards.importers import events_apply
from cxgov.standards.ingest import events_parse, rows_table
from cxgov.standards.models import Standard
from cxgov.standards.results import PeriodResult
from cxgov.standards.selectors import access_standard, standard_results, standards_for_agency

router = AreaRouter(area=TokenArea.STANDARDS, tags=["service standards"])


@router.post(
    "/standards/{standard_id}/events",
    response=IngestOut,
    summary="Send a batch of up to 10,000 transaction events for a standard",
)
def standard_events_send(
    request: HttpRequest, standard_id: int, payload: EventBatchIn
) -> IngestOut:
    user = staff_user(request)
    standard = access_standard(
        user=user, agency_slug=None, standard_id=standard_id, need=Can.EDIT_STANDARDS
    )
    rows = [event.model_dump(exclude_none=True) for event in payload.events]
    if not rows:
        raise HttpError(422, "The batch has no events.")
    frame = rows_table(rows)
    batch = events_parse(frame, standard=standard)
    report = events_apply(
        actor=user, standard=standard, batch=batch, frame=frame, source="api", keep_valid=True
    )
    return IngestOut.model_validate(
        {
            "rows": report.rows_read,
            "accepted": report.created + report.updated,
            "replaced": report.updated,
            "rejected": report.rows_rejected,
            "errors": [
                {"row": error.row, "field": error.column, "reason": error.reason}
                for error in report.errors
            ],
        }
    )


@router.get(
    "/standards/{standard_id}/results",
    response=list[ResultOut],
    summary="A standard's result for every reporting period, oldest first",
)
@paginate(CursorPagination, order=("start",))
def standard_results_list(request: HttpRequest, standard_id: int) -> list[PeriodResult]:
    standard = access_standard(user=staff_user(request), agency_slug=None, standard_id=standard_id)
    return standard_results(standard=standard)


@router.get(
    "/agencies/{slug}/standards",
    response=list[StandardOut],
    summary="The agency's service standards, any status",
)
@paginate(CursorPagination, order=("id",))
def standard_list(request: HttpRequest, slug: str) -> QuerySet[Standard]:
    """Every standard of the agency, for its members (any role); 404 for anyone else."""
    agency = access_agency(user=staff_user(request), agency_slug=slug)
    return standards_for_agency(agency=agency)
