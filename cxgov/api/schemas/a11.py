"""Shapes of the A-11 export's query."""

from __future__ import annotations

from ninja import Schema
from pydantic import Field


class ExportQuery(Schema):
    fiscal_year: int = Field(ge=2000, le=2100)
    quarter: int = Field(ge=1, le=4)
    agency: str | None = Field(default=None, max_length=60)
    survey: int | None = Field(default=None, ge=1)
