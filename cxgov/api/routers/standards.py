"""Service standards: send transaction events in batches and read a standard's results.

Both are for members of the standard's agency; sending events needs an agency administrator or
service manager. A standard of another agency answers 404, the same as a missing one.
"""

from __future__ import annotations

import math
from datetime import date

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from cxgov.api.common import Out, staff_user
from cxgov.core.permissions import Can
from cxgov.standards import services
from cxgov.standards.ingest import events_parse, rows_table
from cxgov.standards.results import PeriodResult
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


class RowErrorOut(Out):
    row: int
    field: str
    reason: str


class IngestOut(Out):
    rows: int
    accepted: int
    replaced: int
    rejected: int
    errors: list[RowErrorOut]


def _finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


class ResultOut(Out):
    period: str
    start: date
    end: date
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

    @staticmethod
    def resolve_period(result: PeriodResult) -> str:
        return result.label

    @staticmethod
    def resolve_median(result: PeriodResult) -> float | None:
        return _finite(result.median)

    @staticmethod
    def resolve_p90(result: PeriodResult) -> float | None:
        return _finite(result.p90)


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
    batch = events_parse(rows_table(rows), standard=standard)
    summary = services.events_ingest(actor=user, standard=standard, batch=batch, source="api")
    services.standard_misses_check(actor=user, standard=standard)
    return IngestOut.model_validate({**summary, "errors": batch.errors})


@router.get(
    "/standards/{standard_id}/results",
    response=list[ResultOut],
    summary="A standard's result for every reporting period, oldest first",
)
def standard_results_list(request: HttpRequest, standard_id: int) -> list[PeriodResult]:
    standard = access_standard(user=staff_user(request), agency_slug=None, standard_id=standard_id)
    return standard_results(standard=standard)
