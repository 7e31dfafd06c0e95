"""Service standards: send transaction events in batches and read a standard's results.

Both are for members of the standard's agency; sending events needs an agency administrator or
service manager. A standard of another agency answers 404, the same as a missing one.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from cxgov.core.models import User
from cxgov.core.permissions import Can
from cxgov.standards import services
from cxgov.standards.ingest import IngestError, events_parse, rows_table
from cxgov.standards.selectors import access_standard, standard_results

router = Router(tags=["service standards"])

MAX_BATCH = 10_000


class EventIn(Schema):
    id: str = Field(
        ..., max_length=100, description="The transaction's own id; resending it replaces it."
    )
    start: str = Field(
        ..., max_length=40, description="ISO 8601; without an offset it is the agency's local time."
    )
    end: str | None = Field(
        None, max_length=40, description="Blank while the transaction is still open."
    )
    due: str | None = Field(
        None, max_length=40, description="A due time of its own, if it has one."
    )
    channel: str | None = Field(None, max_length=40)
    outcome: str | None = Field(None, max_length=100)
    pauses: list[list[str]] | None = Field(
        None, description="[[start, end], ...] when the clock stops."
    )
    statuses: list[list[str]] | None = Field(
        None, description="[[time, status], ...]; the standard's pause statuses stop the clock."
    )


class EventBatchIn(Schema):
    events: list[EventIn] = Field(..., max_length=MAX_BATCH)


class RowErrorOut(Schema):
    row: int
    field: str
    reason: str


class IngestOut(Schema):
    rows: int
    accepted: int
    replaced: int
    rejected: int
    errors: list[RowErrorOut]


class ResultOut(Schema):
    period: str
    start: str
    end: str
    n: int
    met: int
    share: float | None
    ci_low: float | None
    ci_high: float | None
    status: str
    median: float | None
    p90: float | None
    still_open: int
    closed: bool
    trend: str


class DetailOut(Schema):
    detail: str


def _staff(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)  # noqa: S101 - the API's staff auth guarantees it
    return user


@router.post(
    "/standards/{standard_id}/events",
    response={200: IngestOut, 404: DetailOut, 422: DetailOut},
    summary="Send a batch of up to 10,000 transaction events for a standard",
)
def standard_events_send(
    request: HttpRequest, standard_id: int, payload: EventBatchIn
) -> tuple[int, dict[str, Any]]:
    user = _staff(request)
    standard = access_standard(
        user=user, agency_slug=None, standard_id=standard_id, need=Can.EDIT_STANDARDS
    )
    rows = [event.model_dump(exclude_none=True) for event in payload.events]
    if not rows:
        return 422, {"detail": "The batch has no events."}
    try:
        batch = events_parse(rows_table(rows), standard=standard)
    except IngestError as error:
        return 422, {"detail": str(error)}
    summary = services.events_ingest(actor=user, standard=standard, batch=batch, source="api")
    services.standard_misses_check(actor=user, standard=standard)
    return 200, {
        **summary,
        "errors": [
            {"row": error.row, "field": error.field, "reason": error.reason}
            for error in batch.errors
        ],
    }


@router.get(
    "/standards/{standard_id}/results",
    response={200: list[ResultOut], 404: DetailOut},
    summary="A standard's result for every reporting period, oldest first",
)
def standard_results_list(
    request: HttpRequest, standard_id: int
) -> tuple[int, list[dict[str, Any]]]:
    standard = access_standard(user=_staff(request), agency_slug=None, standard_id=standard_id)
    return 200, [
        {
            "period": result.label,
            "start": result.start.isoformat(),
            "end": result.end.isoformat(),
            "n": result.n,
            "met": result.met,
            "share": result.share,
            "ci_low": result.ci_low,
            "ci_high": result.ci_high,
            "status": result.status,
            "median": result.median if result.median != float("inf") else None,
            "p90": result.p90 if result.p90 != float("inf") else None,
            "still_open": result.still_open,
            "closed": result.closed,
            "trend": result.trend,
        }
        for result in standard_results(standard=standard)
    ]
