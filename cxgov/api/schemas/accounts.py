"""Shapes of the caller, their tokens, their agency's members and audit log."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema

from cxgov.api.common import Out


class MembershipOut(Out):
    agency_slug: str = Field(validation_alias="agency.slug")
    agency_name: str = Field(validation_alias="agency.name")
    role: str


class MeOut(Out):
    email: str
    full_name: str
    memberships: list[MembershipOut]


class MemberOut(Out):
    id: int
    email: str = Field(validation_alias="user.email")
    full_name: str = Field(validation_alias="user.full_name")
    role: str
    is_active: bool = Field(
        description="False for a membership an administrator deactivated: it grants nothing."
    )


class AuditEventOut(Out):
    id: int
    created_at: datetime
    actor: str = Field(validation_alias="actor_label")
    action: str
    target_type: str
    target_id: str
    target_label: str


class TokenIn(Schema):
    name: str


class TokenOut(Out):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
    scope: str
    areas: list[str] = Field(description="The areas the token may call.")
    all_areas: bool = Field(
        description="A token made before areas existed: it may call every area."
    )
    expires_at: datetime


class TokenCreatedOut(TokenOut):
    token: str
