"""The signed-in user, their API tokens, and their agencies' members and audit log."""

from __future__ import annotations

from typing import Literal

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja.pagination import paginate
from pydantic import Field, field_validator

from cxgov.api.common import ACCOUNT_AREA, AreaRouter, CursorPagination, staff_user
from cxgov.api.schemas.accounts import (
    AuditEventOut,
    MemberOut,
    MeOut,
    TokenCreatedOut,
    TokenIn,
    TokenOut,
)
from cxgov.core.auth import second_factor_missing
from cxgov.core.models import ApiToken, AuditEvent, Membership, TokenArea
from cxgov.core.permissions import Can
from cxgov.core.selectors import (
    access_agency,
    access_token,
    audit_events_for_agency,
    members_for_agency,
    memberships_for_user,
    tokens_for_user,
)
from cxgov.core.services import token_create, token_revoke

router = AreaRouter(area=ACCOUNT_AREA, tags=["accounts"])
# The agency's members and audit log: the members area.
members_router = AreaRouter(area=TokenArea.MEMBERS, tags=["accounts"])


# TokenArea's values (a test keeps the two the same).
AreaName = Literal[
    "registry", "surveys", "standards", "complaints", "actions", "a11", "benchmarks", "members"
]


class TokenCreateIn(TokenIn):
    name: str = Field(max_length=100, pattern=r"\S")
    scope: Literal["read", "write"] = Field(
        "read", description="`read` may only read (GET); `write` may also write."
    )
    areas: list[AreaName] = Field(
        min_length=1,
        max_length=len(TokenArea.values),
        description="The areas the token may call, at least one: "
        + ", ".join(f"`{value}`" for value in TokenArea.values)
        + ". Every token may also call the `account` operations.",
    )
    expires_in_days: int | None = Field(
        None,
        ge=1,
        le=36500,
        description="Days until the token expires; at most, and by default, the site's maximum.",
    )

    @field_validator("name")
    @classmethod
    def name_is_not_blank(cls, value: str) -> str:
        value = value.strip()
        if not value or len(value) > 100:
            raise ValueError("name must be 1 to 100 characters")
        return value


@router.get("/me", response=MeOut, summary="Who the token belongs to, and their roles")
def me(request: HttpRequest) -> MeOut:
    user = staff_user(request)
    return MeOut(
        email=user.email,
        full_name=user.full_name,
        memberships=memberships_for_user(user=user),  # type: ignore[arg-type]
    )


@router.get("/tokens", response=list[TokenOut], summary="Your API tokens, newest first")
@paginate(CursorPagination, order=("-created_at", "-id"))
def token_list(request: HttpRequest) -> QuerySet[ApiToken]:
    return tokens_for_user(user=staff_user(request))


@router.post(
    "/tokens",
    response={201: TokenCreatedOut},
    summary="Create an API token (signed-in session only; the secret is returned once)",
)
def token_create_endpoint(
    request: HttpRequest, payload: TokenCreateIn
) -> tuple[int, TokenCreatedOut]:
    # A leaked token must not mint more of itself: only a person signed in on the site does.
    if getattr(request, "api_token", None) is not None:
        raise PermissionDenied(
            "A token cannot create tokens: create one on the API tokens page, or from a "
            "signed-in session that has passed two-step sign-in."
        )
    if second_factor_missing(request):
        raise PermissionDenied(
            "Enter your two-step sign-in code on the site first: this session has not passed it."
        )
    token, raw = token_create(
        user=staff_user(request),
        name=payload.name,
        scope=payload.scope,
        areas=payload.areas,
        expires_in_days=payload.expires_in_days,
    )
    return 201, TokenCreatedOut(**dict(TokenOut.from_orm(token)), token=raw)


@router.post(
    "/tokens/{token_id}/revoke",
    response=TokenOut,
    summary="Revoke one of your API tokens",
)
def token_revoke_endpoint(request: HttpRequest, token_id: int) -> ApiToken:
    user = staff_user(request)
    token = token_revoke(token=access_token(user=user, token_id=token_id), actor=user)
    return token


@members_router.get(
    "/agencies/{slug}/members",
    response=list[MemberOut],
    summary="People with a role in the agency (agency administrators only)",
)
@paginate(CursorPagination, order=("user__email", "id"))
def member_list(request: HttpRequest, slug: str) -> QuerySet[Membership]:
    agency = access_agency(user=staff_user(request), agency_slug=slug, need=Can.ADMINISTER_AGENCY)
    return members_for_agency(agency=agency)


@members_router.get(
    "/agencies/{slug}/audit-events",
    response=list[AuditEventOut],
    summary="The agency's audit log, newest first (agency administrators only)",
)
@paginate(CursorPagination, order=("-created_at", "-id"))
def audit_event_list(request: HttpRequest, slug: str) -> QuerySet[AuditEvent]:
    agency = access_agency(user=staff_user(request), agency_slug=slug, need=Can.ADMINISTER_AGENCY)
    return audit_events_for_agency(agency=agency, limit=None)
