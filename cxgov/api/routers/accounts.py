"""The signed-in user, their API tokens, and their agencies' members and audit log."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate
from pydantic import Field, field_validator

from cxgov.api.pagination import BoundedPagination
from cxgov.api.schemas import (
    AuditEventOut,
    ErrorOut,
    MemberOut,
    MembershipOut,
    MeOut,
    TokenCreatedOut,
    TokenIn,
    TokenOut,
)
from cxgov.core.models import ApiToken, AuditEvent, Membership, User
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

router = Router(tags=["accounts"])


class TokenCreateIn(TokenIn):
    name: str = Field(max_length=100, pattern=r"\S")

    @field_validator("name")
    @classmethod
    def name_is_not_blank(cls, value: str) -> str:
        value = value.strip()
        if not value or len(value) > 100:
            raise ValueError("name must be 1 to 100 characters")
        return value


def _user(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)  # noqa: S101 - the router's auth guarantees it
    return user


def _token_out(token: ApiToken) -> dict:
    return {
        "id": token.pk,
        "name": token.name,
        "prefix": token.prefix,
        "created_at": token.created_at,
        "last_used_at": token.last_used_at,
        "revoked_at": token.revoked_at,
    }


@router.get("/me", response=MeOut, summary="Who the token belongs to, and their roles")
def me(request: HttpRequest) -> dict:
    user = _user(request)
    return {
        "email": user.email,
        "full_name": user.full_name,
        "memberships": [
            MembershipOut(agency_slug=m.agency.slug, agency_name=m.agency.name, role=m.role)
            for m in memberships_for_user(user=user)
        ],
    }


@router.get("/tokens", response=list[TokenOut], summary="Your API tokens")
def token_list(request: HttpRequest) -> list[dict]:
    return [_token_out(token) for token in tokens_for_user(user=_user(request))]


@router.post(
    "/tokens",
    response={201: TokenCreatedOut, 422: ErrorOut},
    summary="Create an API token (the secret is returned once)",
)
def token_create_endpoint(request: HttpRequest, payload: TokenCreateIn) -> tuple[int, dict]:
    token, raw = token_create(user=_user(request), name=payload.name)
    return 201, {**_token_out(token), "token": raw}


@router.post(
    "/tokens/{token_id}/revoke",
    response={200: TokenOut, 404: ErrorOut},
    summary="Revoke one of your API tokens",
)
def token_revoke_endpoint(request: HttpRequest, token_id: int) -> dict:
    user = _user(request)
    token = token_revoke(token=access_token(user=user, token_id=token_id), actor=user)
    return _token_out(token)


@router.get(
    "/agencies/{slug}/members",
    response={200: list[MemberOut], 404: ErrorOut},
    summary="People with a role in the agency (agency administrators only)",
)
@paginate(BoundedPagination)
def member_list(request: HttpRequest, slug: str) -> list[dict]:
    agency = access_agency(user=_user(request), agency_slug=slug, need=Can.ADMINISTER_AGENCY)
    memberships: list[Membership] = list(members_for_agency(agency=agency))
    return [
        {"id": m.pk, "email": m.user.email, "full_name": m.user.full_name, "role": m.role}
        for m in memberships
    ]


@router.get(
    "/agencies/{slug}/audit-events",
    response={200: list[AuditEventOut], 404: ErrorOut},
    summary="The agency's audit log, newest first (agency administrators only)",
)
@paginate(BoundedPagination)
def audit_event_list(request: HttpRequest, slug: str) -> list[dict]:
    agency = access_agency(user=_user(request), agency_slug=slug, need=Can.ADMINISTER_AGENCY)
    events: list[AuditEvent] = list(audit_events_for_agency(agency=agency, limit=1000))
    return [
        {
            "id": e.pk,
            "created_at": e.created_at,
            "actor": e.actor_label,
            "action": e.action,
            "target_type": e.target_type,
            "target_id": e.target_id,
            "target_label": e.target_label,
        }
        for e in events
    ]
