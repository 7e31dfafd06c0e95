"""Reads in core, and the access_* chokepoints every view, API endpoint and command uses.

An access_* selector raises Http404 alike when an object is missing and when it belongs to
an agency the user is not a member of, so nobody can learn what exists elsewhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from django.db.models import Model, QuerySet
from django.http import Http404

from cxgov.core.models import ApiToken, AuditEvent, DeadLetter, Membership, Role, User
from cxgov.core.tokens import token_hash
from cxgov.registry.models import Agency

M = TypeVar("M", bound=Model)


def _member_agency_ids(user: User, roles: Iterable[Role | str] | None = None) -> QuerySet:
    memberships = Membership.objects.filter(user=user)
    if roles is not None:
        memberships = memberships.filter(role__in=[str(role) for role in roles])
    return memberships.values("agency_id")


def memberships_for_user(*, user: User) -> QuerySet[Membership]:
    """The user's roles, agency by agency."""
    return (
        Membership.objects.filter(user=user)
        .select_related("agency")
        .order_by("agency__name", "role")
    )


def roles_for_user(*, user: User, agency: Agency) -> set[str]:
    """The roles the user holds in one agency."""
    return set(Membership.objects.filter(user=user, agency=agency).values_list("role", flat=True))


def agencies_for_user(*, user: User, roles: Iterable[Role | str] | None = None) -> QuerySet[Agency]:
    """Agencies whose data the user may read, optionally only those where they hold a role."""
    if not user.is_authenticated:
        return Agency.objects.none()
    return Agency.objects.filter(id__in=_member_agency_ids(user, roles)).order_by("name")


def access_agency(*, user: User, slug: str, roles: Iterable[Role | str] | None = None) -> Agency:
    """The agency with this slug if the user holds one of `roles` there (any role if None)."""
    if not user.is_authenticated or not user.is_active:
        raise Http404
    agency = agencies_for_user(user=user, roles=roles).filter(slug=slug).first()
    if agency is None:
        raise Http404
    return agency


def access_agency_object(
    *,
    queryset: QuerySet[M],
    pk: int,
    user: User,
    agency_field: str,
    roles: Iterable[Role | str] | None = None,
) -> M:
    """The object with this pk if its agency (reached by `agency_field`) is one of the user's.

    The building block of every app's access_* selectors: one query, and Http404 alike for a
    missing object and one of an agency where the user holds none of `roles`.
    """
    if not user.is_authenticated or not user.is_active:
        raise Http404
    found = queryset.filter(
        pk=pk, **{f"{agency_field}__in": agencies_for_user(user=user, roles=roles)}
    ).first()
    if found is None:
        raise Http404
    return found


def access_membership(*, user: User, agency: Agency, membership_id: int) -> Membership:
    """A membership of an agency the user administers."""
    access_agency(user=user, slug=agency.slug, roles=[Role.AGENCY_ADMIN])
    membership = (
        Membership.objects.filter(agency=agency, pk=membership_id).select_related("user").first()
    )
    if membership is None:
        raise Http404
    return membership


def members_for_agency(*, agency: Agency) -> QuerySet[Membership]:
    """Everyone who holds a role in the agency (call access_agency first)."""
    return (
        Membership.objects.filter(agency=agency)
        .select_related("user")
        .order_by("user__email", "role")
    )


def audit_events_for_agency(*, agency: Agency, limit: int = 100) -> QuerySet[AuditEvent]:
    """The agency's newest audit events (call access_agency first)."""
    return AuditEvent.objects.filter(agency=agency).select_related("actor")[:limit]


def tokens_for_user(*, user: User) -> QuerySet[ApiToken]:
    """The user's own API tokens, newest first."""
    return ApiToken.objects.filter(user=user)


def access_token(*, user: User, token_id: int) -> ApiToken:
    """One of the user's own tokens; anyone else's is missing."""
    token = ApiToken.objects.filter(user=user, pk=token_id).first()
    if token is None:
        raise Http404
    return token


def token_authenticate(*, raw: str) -> ApiToken | None:
    """The live token matching a presented secret, with its active user, or None."""
    if not raw or len(raw) > 200:
        return None
    token = (
        ApiToken.objects.filter(token_hash=token_hash(raw), revoked_at__isnull=True)
        .select_related("user")
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    return token


def dead_letters_for_user(*, user: User) -> QuerySet[DeadLetter]:
    """Dead letters a person may see: all for a superuser, their agencies' for agency admins."""
    letters = DeadLetter.objects.select_related("agency", "retried_by")
    if user.is_superuser:
        return letters
    return letters.filter(agency__in=_member_agency_ids(user, [Role.AGENCY_ADMIN]))


def access_dead_letter(*, user: User, dead_letter_id: int) -> DeadLetter:
    """One dead letter the person may see and retry; 404 alike for missing and not-yours."""
    dead = dead_letters_for_user(user=user).filter(pk=dead_letter_id).first()
    if dead is None:
        raise Http404
    return dead
