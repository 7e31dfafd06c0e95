"""Shapes of the service standards operations: event batches in, results out."""

from __future__ import annotations

import math
from datetime import date, datetime

from ninja import Field, Schema

from cxgov.api.common import Out
from cxgov.standards.models import Standard
from cxgov.standards.results import PeriodResult

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
    period: str = Field(validation_alias="label")
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
    def resolve_median(result: PeriodResult) -> float | None:
        return _finite(result.median)

    @staticmethod
    def resolve_p90(result: PeriodResult) -> float | None:
        return _finite(result.p90)


class StandardOut(Out):
    id: int
    agency: str = Field(validation_alias="agency.slug")
    service_id: int
    channel_id: int | None
    kind: str
    statement: str
    statement_es: str
    how_measured: str
    target: float = Field(description="The share of transactions that must meet it, 0 to 1.")
    threshold: float | None
    threshold_unit: str
    period: str = Field(description="The reporting period: month, quarter, …")
    status: str
    version: int
    effective_from: date | None
    effective_to: date | None
    posted_at: datetime | None
    updated_at: datetime

    @staticmethod
    def resolve_target(standard: Standard) -> float:
        return float(standard.target)
