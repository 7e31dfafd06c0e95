"""Limit/offset pages whose numbers are bounded, so no database is asked for an impossible row."""

from __future__ import annotations

from django.conf import settings
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

# An offset beyond any table we hold; larger ones overflow the database's integers.
MAX_OFFSET = 2**31 - 1


class BoundedPagination(LimitOffsetPagination):
    """LimitOffsetPagination with `offset` capped at MAX_OFFSET (a bigger one answers 422)."""

    class Input(Schema):
        limit: int = Field(settings.NINJA_PAGINATION_PER_PAGE, ge=1, le=MAX_OFFSET)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)
