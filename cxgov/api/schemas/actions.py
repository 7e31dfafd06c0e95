"""Shapes of the agency's actions (its action plan)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from ninja import Schema
from pydantic import Field

from cxgov.actions.models import ActionItem
from cxgov.api.common import Out


class ActionSourceOut(Out):
    kind: str = Field(description="What prompted the action: a missed standard, a theme, …")
    label: str


class ActionOut(Out):
    id: int
    title: str
    description: str
    service_id: int | None
    owner: str = Field(description="The owner's name, or email when they gave none.")
    due_date: date
    status: str = Field(description="open, in_progress, done or dropped.")
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None
    sources: list[ActionSourceOut]

    @staticmethod
    def resolve_owner(action: ActionItem) -> str:
        return action.owner.full_name or action.owner.email


class ActionFiltersIn(Schema):
    status: Literal["open", "in_progress", "done", "dropped", "open_any"] | None = Field(
        None, description="One status, or `open_any` for open and in progress."
    )
    overdue: bool = Field(False, description="Only open actions past their due date.")
    service_id: int | None = Field(None, ge=1, le=2**31 - 1)
