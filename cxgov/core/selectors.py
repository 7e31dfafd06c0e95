"""Reads in core, and the access_* chokepoints every view, API endpoint and command uses.

Every app's access_<noun>(*, user, agency_slug, <noun>_id, need=Can.X) is built on
`access_agency_object`: Http404 alike when an object is missing, when it belongs to an agency
the user is not a member of, and when their role there lacks `need` (cxgov.core.permissions),
so nobody can learn what exists elsewhere.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from datetime import date
from operator import attrgetter
from typing import Generic, TypeVar

from django.db.models import Model, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from cxgov.core.approvals import ApprovalKind, approval_kinds
from cxgov.core.calendar import AgencyCalendar
from cxgov.core.models import (
    Agency,
    AgencyClosure,
    ApiToken,
    Approval,
    ApprovalState,
    ApprovalStep,
    AuditEvent,
    AuthoredTranslation,
    DeadLetter,
    MemberInvitation,
    Membership,
    RecoveryCode,
    Role,
    ScimIdentity,
    TokenScope,
    TranslationSource,
    User,
)
from cxgov.core.permissions import SITE_CAPABILITIES, Can, roles_with, user_can
from cxgov.core.tokens import member_invitation_read, token_hash

M = TypeVar("M", bound=Model)


def filter_given(queryset: QuerySet[M], **lookups: object) -> QuerySet[M]:
    """The queryset narrowed by each lookup that was given: one whose value is not None or ""."""
    return queryset.filter(
        **{lookup: value for lookup, value in lookups.items() if value is not None and value != ""}
    )


def _member_agency_ids(user: User, need: Can) -> QuerySet:
    roles = [str(role) for role in roles_with(need)]
    return Membership.objects.active().filter(user=user, role__in=roles).values("agency_id")


def memberships_for_user(*, user: User) -> QuerySet[Membership]:
    """The user's active roles, agency by agency."""
    return (
        Membership.objects.active()
        .filter(user=user)
        .select_related("agency")
        .order_by("agency__name", "role")
    )


def roles_for_user(*, user: User, agency: Agency) -> set[str]:
    """The roles the user holds in one agency, for display (checks ask `user_can`)."""
    roles = Membership.objects.active().filter(user=user, agency=agency)
    return set(roles.values_list("role", flat=True))


def agencies_for_user(*, user: User, need: Can = Can.VIEW_AGENCY) -> QuerySet[Agency]:
    """Agencies where the user holds a role with the capability `need` (any role by default)."""
    if not user.is_authenticated or not user.is_active:
        return Agency.objects.none()
    return Agency.objects.filter(id__in=_member_agency_ids(user, need)).order_by("name")


def access_agency_object(
    *,
    queryset: QuerySet[M],
    pk: int | None,
    user: User,
    agency_slug: str | None,
    agency_field: str,
    need: Can,
) -> M:
    """The chokepoint under every access_* selector: the object with this pk if its agency
    (reached by `agency_field`) is the one in the URL and the user's role there holds `need`.

    One query; Http404 alike for a missing object, another agency's, and one of the user's
    agency that their role may not touch. `agency_slug=None` is for API paths that name the
    object by its id alone: any agency where the user holds `need` will do. `pk=None` leaves
    the queryset as the caller narrowed it.
    """
    if not user.is_authenticated or not user.is_active:
        raise Http404
    agencies = agencies_for_user(user=user, need=need)
    if agency_slug is not None:
        agencies = agencies.filter(slug=agency_slug)
    if pk is not None:
        queryset = queryset.filter(pk=pk)
    found = queryset.filter(**{f"{agency_field}__in": agencies}).first()
    if found is None:
        raise Http404
    return found


class AgencyObjectAccess(Generic[M]):
    """An `access_<noun>(*, user, agency_slug, <noun>_id, need=...)` selector for one model.

    Calls `access_agency_object` with this queryset, the object id passed as `id_name`, the
    agency reached by `agency_field`, and `need` defaulting to `default_need`.
    """

    def __init__(
        self,
        queryset: QuerySet[M],
        *,
        id_name: str,
        agency_field: str = "agency",
        default_need: Can = Can.VIEW_AGENCY,
        doc: str,
    ) -> None:
        self.queryset = queryset
        self.id_name = id_name
        self.agency_field = agency_field
        self.default_need = default_need
        self.__doc__ = doc

    def __call__(
        self, *, user: User, agency_slug: str | None, need: Can | None = None, **object_id: int
    ) -> M:
        if object_id.keys() != {self.id_name}:
            raise TypeError(f"expected the keyword {self.id_name}, got {sorted(object_id)}")
        return access_agency_object(
            queryset=self.queryset,
            pk=object_id[self.id_name],
            user=user,
            agency_slug=agency_slug,
            agency_field=self.agency_field,
            need=self.default_need if need is None else need,
        )

    def url(self, url_name: str, found: M) -> str:
        """The address of a page of `found` that this selector reads back: `url_name` with the
        slug of its agency and its id as `id_name`."""
        agency = attrgetter(self.agency_field.replace("__", "."))(found)
        return reverse(url_name, kwargs={"slug": agency.slug, self.id_name: found.pk})


def part_access(
    model: type[M], *, parent: str, id_name: str, noun: str, need: Can = Can.VIEW_AGENCY
) -> AgencyObjectAccess[M]:
    """`access_<part>` for a part of another record (a survey's question, a service's channel):
    its agency is its `parent`'s, read in the same query."""
    agency_field = f"{parent}__agency"
    queryset = model._default_manager.select_related(agency_field)
    doc = f"{noun} of a {parent} of the agency in the URL."
    return AgencyObjectAccess(
        queryset, id_name=id_name, agency_field=agency_field, default_need=need, doc=doc
    )


def access_agency(*, user: User, agency_slug: str, need: Can = Can.VIEW_AGENCY) -> Agency:
    """The agency with this slug if the user's role there holds `need`."""
    return access_agency_object(
        queryset=Agency.objects.filter(slug=agency_slug),
        pk=None,
        user=user,
        agency_slug=agency_slug,
        agency_field="pk",
        need=need,
    )


def access_site(*, user: User, need: Can) -> User:
    """The signed-in person if they hold the site-wide capability `need`; Http404 otherwise,
    the same answer as a missing page, so nobody learns the page exists."""
    if need not in SITE_CAPABILITIES:
        raise ValueError(f"{need} is not a site-wide capability")
    if not user_can(user=user, agency=None, need=need):
        raise Http404
    return user


def site_grant_holder(*, email: str, need: Can) -> User | None:
    """The active person with this email if they hold the site-wide capability `need`."""
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None or not user_can(user=user, agency=None, need=need):
        return None
    return user


access_membership = AgencyObjectAccess(
    Membership.objects.select_related("user", "agency"),
    id_name="membership_id",
    default_need=Can.ADMINISTER_AGENCY,
    doc="A membership of an agency the user administers.",
)


def members_for_agency(*, agency: Agency) -> QuerySet[Membership]:
    """Everyone who holds a role in the agency, deactivated ones included (call access_agency
    first)."""
    return (
        Membership.objects.filter(agency=agency)
        .select_related("user")
        .order_by("user__email", "role")
    )


access_member_invitation = AgencyObjectAccess(
    MemberInvitation.objects.select_related("agency"),
    id_name="invitation_id",
    default_need=Can.ADMINISTER_AGENCY,
    doc="An invitation of an agency the user administers.",
)


def member_invitations_pending(*, agency: Agency) -> QuerySet[MemberInvitation]:
    """The agency's invitations not yet used, cancelled or expired (call access_agency first)."""
    return (
        MemberInvitation.objects.filter(
            agency=agency,
            accepted_at__isnull=True,
            cancelled_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .select_related("invited_by")
        .order_by("email", "-created_at")
    )


def account_exists(*, email: str) -> bool:
    """Whether someone signs in with this email address."""
    return User.objects.filter(email__iexact=email.strip()).exists()


def member_invitation_for_link(*, token: str) -> MemberInvitation | None:
    """The invitation a link names, used or not, or None when the link was not made here (a
    bad signature, an unknown invitation, or a nonce that does not match)."""
    found = member_invitation_read(token)
    if found is None:
        return None
    invitation_id, nonce = found
    invitation = MemberInvitation.objects.select_related("agency").filter(pk=invitation_id).first()
    if invitation is None or not secrets.compare_digest(invitation.nonce, nonce):
        return None
    return invitation


def audit_events_for_agency(*, agency: Agency, limit: int | None = 100) -> QuerySet[AuditEvent]:
    """The agency's newest audit events, all of them with `limit=None` (call access_agency
    first)."""
    events = AuditEvent.objects.filter(agency=agency).select_related("actor")
    return events if limit is None else events[:limit]


def tokens_for_user(*, user: User) -> QuerySet[ApiToken]:
    """The user's own API tokens, newest first."""
    return ApiToken.objects.filter(user=user)


def access_token(*, user: User, token_id: int) -> ApiToken:
    """One of the user's own tokens; anyone else's is missing."""
    token = ApiToken.objects.filter(user=user, pk=token_id).first()
    if token is None:
        raise Http404
    return token


def scim_tokens_for_agency(*, agency: Agency) -> QuerySet[ApiToken]:
    """The agency's SCIM tokens, newest first, with their owners (call access_agency first)."""
    return ApiToken.objects.filter(scope=TokenScope.SCIM, agency=agency).select_related("user")


def access_scim_token(*, agency: Agency, token_id: int) -> ApiToken:
    """One SCIM token of the agency (call access_agency first); any other token is missing."""
    token = scim_tokens_for_agency(agency=agency).filter(pk=token_id).first()
    if token is None:
        raise Http404
    return token


def token_authenticate(*, raw: str, scim: bool = False) -> ApiToken | None:
    """The live token matching a presented secret, with its active user, or None.

    Revoked and expired tokens are refused alike, the same as unknown ones. A SCIM token
    authenticates only where `scim` is asked for (/scim/v2/) and every other token only where
    it is not, and a SCIM token only while its owner still administers its agency.
    """
    if not raw or len(raw) > 200:
        return None
    tokens = ApiToken.objects.filter(
        token_hash=token_hash(raw), revoked_at__isnull=True, expires_at__gt=timezone.now()
    )
    tokens = tokens.filter(scope=TokenScope.SCIM) if scim else tokens.exclude(scope=TokenScope.SCIM)
    token = tokens.select_related("user", "agency").first()
    if token is None or not token.user.is_active:
        return None
    if scim and not user_can(user=token.user, agency=token.agency, need=Can.ADMINISTER_AGENCY):
        return None
    return token


def scim_users(*, agency: Agency) -> QuerySet[User]:
    """The people an agency's identity provider sees over SCIM: its members (active or not)
    and those it provisioned, less those it deleted."""
    deleted = ScimIdentity.objects.filter(agency=agency, deleted_at__isnull=False)
    members = Membership.objects.filter(agency=agency).values("user_id")
    provisioned = ScimIdentity.objects.filter(agency=agency).values("user_id")
    return (
        User.objects.filter(Q(pk__in=members) | Q(pk__in=provisioned))
        .exclude(pk__in=deleted.values("user_id"))
        .order_by("pk")
    )


def access_scim_user(*, agency: Agency, user_id: str) -> User:
    """One person the agency's identity provider sees; Http404 for anyone else."""
    if not user_id.isdigit() or len(user_id) > 18:
        raise Http404
    user = scim_users(agency=agency).filter(pk=int(user_id)).first()
    if user is None:
        raise Http404
    return user


def scim_identity(*, agency: Agency, user: User) -> ScimIdentity | None:
    """How the agency's identity provider knows this person, if it provisioned them."""
    return ScimIdentity.objects.filter(agency=agency, user=user).first()


def scim_roles(*, agency: Agency, user: User) -> list[str]:
    """The roles the person holds in the agency (active or not), in the table's order."""
    held = set(Membership.objects.filter(agency=agency, user=user).values_list("role", flat=True))
    return [role for role in Role.values if role in held]


def scim_role_members(*, agency: Agency, role: str) -> QuerySet[User]:
    """The people the agency's identity provider sees holding a role (the SCIM group)."""
    holders = Membership.objects.filter(agency=agency, role=role).values("user_id")
    return scim_users(agency=agency).filter(pk__in=holders)


def scim_user_active(*, agency: Agency, user: User, identity: ScimIdentity | None) -> bool:
    """SCIM's `active`: the provider's word once it provisioned the person, else whether any of
    their memberships in the agency is active."""
    if identity is not None:
        return identity.active
    return Membership.objects.active().filter(agency=agency, user=user).exists()


def account_shared(*, user: User, agency: Agency) -> bool:
    """Whether an account is also used outside this agency (another agency's membership or the
    site administration), so this agency's provider must not change its email, name or password."""
    if user.is_staff or user.is_superuser:
        return True
    return Membership.objects.filter(user=user).exclude(agency=agency).exists()


def dead_letters_for_user(*, user: User) -> QuerySet[DeadLetter]:
    """Dead letters a person may see: all for a superuser, their agencies' for agency admins."""
    letters = DeadLetter.objects.select_related("agency", "retried_by")
    if user.is_superuser:
        return letters
    return letters.filter(agency__in=_member_agency_ids(user, Can.ADMINISTER_AGENCY))


def may_see_dead_letters(*, user: User) -> bool:
    """Whether the failed-task list is open to the person: superusers and agency admins."""
    return user.is_superuser or agencies_for_user(user=user, need=Can.ADMINISTER_AGENCY).exists()


def access_dead_letter(*, user: User, dead_letter_id: int) -> DeadLetter:
    """One dead letter the person may see and retry; 404 alike for missing and not-yours."""
    dead = dead_letters_for_user(user=user).filter(pk=dead_letter_id).first()
    if dead is None:
        raise Http404
    return dead


def fresh_copy(instance: M, *related: str) -> M:
    """A fresh copy of an object the caller already passed through its access check.

    A ModelForm writes into its instance while validating, so a service edits this copy instead.
    """
    queryset = type(instance)._default_manager.all()
    if related:
        queryset = queryset.select_related(*related)
    return queryset.get(pk=instance.pk)


def mfa_device_pending(*, user: User, device_id: int) -> TOTPDevice | None:
    """The person's authenticator-app device still waiting for its first code, if any."""
    return TOTPDevice.objects.filter(pk=device_id, user=user, confirmed=False).first()


def recovery_codes_left(*, user: User) -> int:
    """How many of the person's recovery codes are still unused."""
    return RecoveryCode.objects.filter(
        device__user=user, device__confirmed=True, used_at__isnull=True
    ).count()


def approval_of(*, kind: ApprovalKind, record: Model) -> Approval:
    """The record's approval; before its first step, an unsaved one in the record's own state."""
    found = Approval.objects.filter(kind=kind.key, object_id=record.pk).first()
    if found is not None:
        return found
    return Approval(
        agency=record.agency,  # type: ignore[attr-defined]
        kind=kind.key,
        object_id=record.pk,
        state=kind.state(record),
    )


def approval_steps(*, approval: Approval) -> QuerySet[ApprovalStep]:
    """The approval's steps and comments, oldest first."""
    if approval.pk is None:
        return ApprovalStep.objects.none()
    return approval.steps.select_related("actor").order_by("created_at", "pk")


def approvals_waiting(*, user: User, agency: Agency) -> list[Approval]:
    """The agency's records in review or approved, of the kinds the user may approve there."""
    kinds = [
        kind.key
        for kind in approval_kinds()
        if user_can(user=user, agency=agency, need=kind.approve)
    ]
    return list(
        Approval.objects.filter(
            agency=agency,
            kind__in=kinds,
            state__in=[ApprovalState.IN_REVIEW, ApprovalState.APPROVED],
        ).order_by("updated_at", "pk")
    )


# --- the agency's calendar ------------------------------------------------------------------


def agency_closure_days(*, agency: Agency) -> dict[date, str]:
    """The agency's closed days, with their names."""
    return dict(AgencyClosure.objects.filter(agency=agency).values_list("day", "name"))


def agency_calendar(
    *, agency: Agency, closures: Mapping[date, str] | None = None
) -> AgencyCalendar:
    """The agency's one calendar: its time zone, fiscal year start and dated closures (read
    here unless the caller kept `agency_closure_days` already)."""
    return AgencyCalendar(
        time_zone=agency.time_zone,
        fiscal_year_start_month=agency.fiscal_year_start_month,
        closures=closures if closures is not None else agency_closure_days(agency=agency),
    )


def agency_calendars(*, agencies: Iterable[Agency]) -> dict[int, AgencyCalendar]:
    """Each agency's calendar by agency id, with every agency's closures read at once."""
    by_id = {agency.pk: agency for agency in agencies}
    closures: dict[int, dict[date, str]] = {pk: {} for pk in by_id}
    rows = AgencyClosure.objects.filter(agency_id__in=list(by_id)).values_list(
        "agency_id", "day", "name"
    )
    for agency_id, day, name in rows:
        closures[agency_id][day] = name
    return {
        pk: agency_calendar(agency=agency, closures=closures[pk]) for pk, agency in by_id.items()
    }


def closures_for_agency(*, agency: Agency) -> QuerySet[AgencyClosure]:
    """The agency's dated closures, oldest first (call access_agency first)."""
    return AgencyClosure.objects.filter(agency=agency).order_by("day")


access_closure: AgencyObjectAccess[AgencyClosure] = AgencyObjectAccess(
    AgencyClosure.objects.all(),
    id_name="closure_id",
    default_need=Can.MANAGE_CALENDAR,
    doc="One closure of the agency in the URL, for holders of `MANAGE_CALENDAR`.",
)


def translation_sources(*, agency: Agency, language: str) -> dict[str, tuple[str, str]]:
    """The hash of the English each remembered Spanish translation was made from and the
    translation's status, by unit id."""
    return {
        unit: (digest, status)
        for unit, digest, status in TranslationSource.objects.filter(
            agency=agency, language=language
        ).values_list("unit", "source_hash", "status")
    }


def authored_translations(*, agency: Agency, language: str) -> dict[str, AuthoredTranslation]:
    """The agency's translations into a language kept in `AuthoredTranslation`, by unit id."""
    return {
        row.unit: row
        for row in AuthoredTranslation.objects.filter(agency=agency, language=language)
    }


def authored_texts_frozen(*, agency: Agency, model: str) -> dict[int, dict[str, dict[str, str]]]:
    """The agency's translations of one model's texts kept in `AuthoredTranslation`, as plain
    data for a snapshot: object id → English field → {language: text}."""
    found: dict[int, dict[str, dict[str, str]]] = {}
    rows = AuthoredTranslation.objects.filter(agency=agency, model=model).exclude(text="")
    for object_id, field, language, text in rows.values_list(
        "object_id", "field", "language", "text"
    ):
        found.setdefault(object_id, {}).setdefault(field, {})[language] = text
    return found


def agency_by_slug(*, slug: str) -> Agency | None:
    """The agency with this short name, or None."""
    return Agency.objects.filter(slug=slug).first()
