"""Shapes of the A-11 export's query and of the quarterly reports."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Schema
from pydantic import Field

from cxgov.api.common import Out


class ExportQuery(Schema):
    fiscal_year: int = Field(ge=2000, le=2100)
    quarter: int = Field(ge=1, le=4)
    agency: str | None = Field(default=None, max_length=60)
    survey: int | None = Field(default=None, ge=1)


class CollectionOut(Out):
    """One service's A-11 quarterly report."""

    id: int
    agency: str = Field(validation_alias="agency.slug")
    service_id: int
    service: str = Field(validation_alias="service.name")
    fiscal_year: int
    quarter: int
    status: str = Field(description="draft, submitted, published or not_reported.")
    channel: str
    omb_control_number: str
    volume_of_customers: int | None
    volume_offered: int | None
    volume_of_respondents: int | None
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None
    published_at: datetime | None


class CollectionFilters(Schema):
    fiscal_year: int | None = Field(default=None, ge=2000, le=2100)
    quarter: int | None = Field(default=None, ge=1, le=4)
    status: Literal["draft", "submitted", "published", "not_reported"] | None = None
