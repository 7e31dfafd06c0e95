"""Every write in core: audit events, users, memberships and API tokens."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.models import Permission
from django.core import validators
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tasks.base import Task, TaskResultStatus
from django_tasks_db.models import DBTaskResult

from cxgov.core.languages import offered_languages_clean, site_language_codes
from cxgov.core.models import (
    Agency,
    AgencyClosure,
    ApiToken,
    AuditEvent,
    AuthoredTranslation,
    DeadLetter,
    MemberInvitation,
    Membership,
    PeriodicTaskRun,
    RecoveryCode,
    RecoveryCodeDevice,
    Role,
    SamlAssertionUse,
    ScimIdentity,
    TaskLease,
    TokenArea,
    TokenScope,
    TranslationSource,
    TranslationStatus,
    User,
)
from cxgov.core.partitions import (
    partitioned_tables,
    partitions_before,
    partitions_drop_before,
    retained_from,
)
from cxgov.core.permissions import SITE_CAPABILITIES, Can, user_can
from cxgov.core.selectors import account_shared, scim_users
from cxgov.core.tasks import (
    ATTEMPT_KWARG,
    email_send,
    member_invitation_email_send,
    task_enqueue_with_write,
)
from cxgov.core.tokens import (
    TOKEN_PREFIX,
    recovery_code_hashes,
    recovery_code_new,
    recovery_code_normalise,
    token_hash,
)
from cxgov.core.xliff import source_hash

logger = logging.getLogger(__name__)

M = TypeVar("M", bound=models.Model)


def audit_record(
    *,
    actor: User | None,
    action: str,
    agency: Agency | None = None,
    target: models.Model | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit event describing a write that just happened.

    The event belongs to `agency`, by default the target's own (its `agency` field) when it
    has one, so a write about an agency's record needs to name only the record."""
    if agency is None and target is not None:
        agency = getattr(target, "agency", None)
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        actor_label=str(actor) if actor is not None and actor.pk else "system",
        agency=agency,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=str(target)[:300] if target is not None else "",
        data=data or {},
    )


@transaction.atomic
def partitions_purge(
    *,
    table: str,
    months: int,
    action: str,
    now: datetime | None = None,
    dry_run: bool = False,
) -> list[str]:
    """Drop `table`'s whole months older than `months` months before the current one.

    PostgreSQL only (other databases keep plain tables); 0 months keeps everything. The drop
    is an audit event named `action`. Returns the partitions dropped (in a dry run, those that
    would be).
    """
    before = retained_from(months=months, now=now)
    if before is None:
        return []
    if dry_run:
        return partitions_before(table=table, before=before)
    dropped = partitions_drop_before(table=table, before=before)
    if dropped:
        audit_record(
            actor=None,
            action=action,
            data={"partitions": dropped, "before": before.isoformat(), "months": months},
        )
    return dropped


def months_purge(
    *,
    tables: Sequence[tuple[type[models.Model], str]],
    months: int,
    action: str,
    now: datetime | None = None,
    dry_run: bool = False,
) -> list[str]:
    """Remove the rows of whole months older than `months` months before the current one.

    `tables` pairs each model with the time column (a lookup path) that dates its rows, in the
    order to remove them, dependents first. A table partitioned by month on PostgreSQL loses
    whole partitions; any other table (every table on SQLite) loses its rows by a DELETE. One
    transaction and one audit event for the lot; 0 months keeps everything. Returns what was
    removed (in a dry run, what would be): partition names, or "<table>: N rows".
    """
    before = retained_from(months=months, now=now)
    if before is None:
        return []
    partitioned = {table.name for table in partitioned_tables()}
    removed: list[str] = []
    with transaction.atomic():
        for model, column in tables:
            table = model._meta.db_table
            if table in partitioned:
                drop = partitions_before if dry_run else partitions_drop_before
                removed += drop(table=table, before=before)
                continue
            due = model._default_manager.filter(
                **{f"{column}__lt": _month_bound(model, column, before)}
            )
            count = due.count() if dry_run else due.delete()[1].get(model._meta.label, 0)
            if count:
                removed.append(f"{table}: {count} rows")
        if removed and not dry_run:
            audit_record(
                actor=None,
                action=action,
                data={"removed": removed, "before": before.isoformat(), "months": months},
            )
    return removed


def _month_bound(model: type[models.Model], path: str, month: date) -> date | datetime:
    """`month`'s first day as the column at `path` compares: a date, or midnight UTC."""
    *relations, name = path.split("__")
    for relation in relations:
        model = model._meta.get_field(relation).related_model  # type: ignore[assignment]
    if isinstance(model._meta.get_field(name), models.DateTimeField):
        return datetime.combine(month, time.min, tzinfo=UTC)
    return month


def audit_log_partitions_purge(*, now: datetime | None = None, dry_run: bool = False) -> list[str]:
    """Drop the audit log's whole months older than settings.AUDIT_LOG_RETENTION_MONTHS."""
    return partitions_purge(
        table=AuditEvent._meta.db_table,
        months=settings.AUDIT_LOG_RETENTION_MONTHS,
        action="audit.partitions_drop",
        now=now,
        dry_run=dry_run,
    )


def sign_in_record(*, user: User | None, action: str, address: str, method: str = "") -> AuditEvent:
    """Record a sign-in, a refused sign-in or a sign-out, with the caller's address.

    A refused attempt names the account only when one exists for the email tried, so the log
    holds no list of addresses that strangers typed.
    """
    data: dict[str, Any] = {"address": address}
    if method:
        data["via"] = method
    return audit_record(actor=user, action=action, target=user, data=data)


def field_changes(*, instance: models.Model, fields: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Field → [old, new] for each field whose value differs, as JSON-friendly values."""
    changed: dict[str, list[Any]] = {}
    for name, new in fields.items():
        old = getattr(instance, name)
        if old != new:
            changed[name] = [_plain(old), _plain(new)]
    return changed


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str | list | dict):
        return value
    return str(value)


def fields_apply(*, instance: models.Model, fields: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Set the fields whose value differs, validate and save when any did; returns the changes."""
    changed = field_changes(instance=instance, fields=fields)
    for name in changed:
        setattr(instance, name, fields[name])
    if changed:
        instance.full_clean()
        instance.save()
    return changed


def object_create(*, actor: User | None, instance: M, action: str, agency: Agency | None) -> M:
    """Validate and save a new object and audit `action` for it."""
    instance.full_clean()
    instance.save()
    audit_record(actor=actor, action=action, agency=agency, target=instance)
    return instance


def object_update(
    *,
    actor: User | None,
    instance: models.Model,
    fields: Mapping[str, Any],
    action: str,
    agency: Agency | None,
) -> dict[str, list[Any]]:
    """Apply `fields` to the object and audit `action` with what changed, when anything did."""
    changed = fields_apply(instance=instance, fields=fields)
    if changed:
        audit_record(actor=actor, action=action, agency=agency, target=instance, data=changed)
    return changed


def related_replace(*, related: Any, objects: Iterable[models.Model], key: str) -> list[Any] | None:
    """Replace the objects of a many-to-many relation; [before, after], each the sorted `key`
    values, when that changed them, else None."""
    before = sorted(related.values_list(key, flat=True))
    related.set(list(objects))
    after = sorted(related.values_list(key, flat=True))
    return [before, after] if before != after else None


def fields_save(
    *,
    actor: User | None,
    instance: models.Model,
    fields: Mapping[str, Any],
    action: str,
    agency: Agency | None = None,
    data: dict[str, Any] | None = None,
) -> None:
    """Set `fields` on a stored object, save only them (and its `auto_now` time stamps) and
    audit `action` with `data`: the tail of a write that changes a few known fields."""
    for name, value in fields.items():
        setattr(instance, name, value)
    stamps = [
        field.name
        for field in instance._meta.concrete_fields
        if getattr(field, "auto_now", False) and field.name not in fields
    ]
    instance.save(update_fields=[*fields, *stamps])
    audit_record(actor=actor, action=action, agency=agency, target=instance, data=data)


def status_change(*, actor: User | None, instance: M, status: str, agency: Agency | None) -> M:
    """Give a model with `status` and an `auto_now` `updated_at` a new status and audit
    `<model>.<status>`; nothing when it already has that status. Returns the object."""
    stored: Any = instance
    old = stored.status
    if old == status:
        return instance
    fields_save(
        actor=actor,
        instance=instance,
        fields={"status": status},
        action=f"{instance._meta.model_name}.{status}",
        agency=agency,
        data={"status": [old, status]},
    )
    return instance


def position_move(*, items: Iterable[M], item: M, offset: int) -> list[M] | None:
    """Move `item` `offset` places among `items` (in their order; at most to either end) and
    store every item's `position` as 10, 20, 30…; the new order, or None when it did not move."""
    ordered: list[Any] = list(items)
    index = next(i for i, other in enumerate(ordered) if other.pk == item.pk)
    target = max(0, min(len(ordered) - 1, index + offset))
    if target == index:
        return None
    ordered.insert(target, ordered.pop(index))
    for position, other in enumerate(ordered, start=1):
        other.position = position * 10
    type(item)._default_manager.bulk_update(ordered, ["position"])
    return ordered


def position_move_record(
    *,
    actor: User | None,
    items: Iterable[M],
    item: M,
    offset: int,
    action: str,
    agency: Agency,
) -> None:
    """Move `item` among `items` as `position_move` does and, when it moved, record the new
    order (by name) as an audit event of `action` about the item."""
    ordered = position_move(items=items, item=item, offset=offset)
    if ordered is None:
        return
    audit_record(
        actor=actor,
        action=action,
        agency=agency,
        target=item,
        data={"order": [other.name for other in ordered]},  # type: ignore[attr-defined]
    )


@transaction.atomic
def user_create(
    *,
    email: str,
    password: str | None,
    full_name: str = "",
    actor: User | None = None,
) -> User:
    """Create a user who signs in with this email address."""
    user = User.objects.create_user(email=email, password=password, full_name=full_name)
    audit_record(actor=actor, action="user.create", target=user)
    return user


@transaction.atomic
def site_grant_give(*, user: User, need: Can, actor: User | None = None) -> None:
    """Give a person a site-wide capability (`cxgov.core.permissions.SITE_CAPABILITIES`), the
    Django permission the site admin also grants; giving one they hold changes nothing."""
    if need not in SITE_CAPABILITIES:
        raise ValueError(f"{need} is not a site-wide capability")
    permission = Permission.objects.get(content_type__app_label="core", codename=need.value)
    if user.user_permissions.filter(pk=permission.pk).exists():
        return
    user.user_permissions.add(permission)
    audit_record(
        actor=actor, action="user.site_grant", target=user, data={"capability": need.value}
    )


@transaction.atomic
def membership_grant(
    *, user: User, agency: Agency, role: Role | str, actor: User | None = None
) -> Membership:
    """Give a user a role in an agency; granting a role they hold changes nothing."""
    membership, created = Membership.objects.get_or_create(
        user=user, agency=agency, role=Role(role)
    )
    if created:
        audit_record(
            actor=actor,
            action="membership.grant",
            agency=agency,
            target=membership,
            data={"user": user.email, "role": str(role)},
        )
    return membership


@transaction.atomic
def membership_revoke(*, membership: Membership, actor: User | None = None) -> None:
    """Take a role away from a user."""
    audit_record(
        actor=actor,
        action="membership.revoke",
        target=membership,
        data={"user": membership.user.email, "role": membership.role},
    )
    membership.delete()


def _other_active_admins(*, membership: Membership) -> bool:
    """Whether the agency keeps an active administrator without this membership.

    The agency's administrator rows are locked first, so two administrators removing each
    other at once cannot both succeed (PostgreSQL; SQLite runs one write at a time anyway).
    """
    admins = Membership.objects.select_for_update().filter(
        agency_id=membership.agency_id, role=Role.AGENCY_ADMIN, is_active=True
    )
    return any(pk != membership.pk for pk in admins.values_list("pk", flat=True))


def _membership_change_guard(*, membership: Membership, actor: User | None, yourself: str) -> None:
    """Refuse a change that would leave the agency without an active administrator, or that
    the actor makes to their own membership (`yourself` says why, in the caller's words)."""
    if (
        membership.role == Role.AGENCY_ADMIN
        and membership.is_active
        and not _other_active_admins(membership=membership)
    ):
        raise ValidationError(
            _(
                "%(email)s is the agency's last active administrator. Make someone else an "
                "administrator first, so the agency is never left without one."
            )
            % {"email": membership.user.email}
        )
    if actor is not None and membership.user_id == actor.pk:
        raise ValidationError(yourself)


@transaction.atomic
def membership_role_change(*, membership: Membership, role: Role | str, actor: User) -> Membership:
    """Give a member another role in the same agency instead of the one this membership holds.

    Refused for the administrator's own membership, for the agency's last active administrator,
    and when the person already holds the new role there.
    """
    if role not in Role.values:
        raise ValidationError({"role": _("Choose one of the roles.")})
    new_role = Role(role)
    old_role = membership.role
    if new_role == old_role:
        return membership
    _membership_change_guard(
        membership=membership,
        actor=actor,
        yourself=_("You cannot change your own role. Ask another administrator."),
    )
    taken = Membership.objects.filter(
        user_id=membership.user_id, agency_id=membership.agency_id, role=new_role
    ).exclude(pk=membership.pk)
    if taken.exists():
        raise ValidationError(
            {
                "role": _("%(email)s already holds this role here.")
                % {"email": membership.user.email}
            }
        )
    fields_save(
        actor=actor,
        instance=membership,
        fields={"role": new_role},
        action="membership.role_change",
        data={"user": membership.user.email, "role": [str(old_role), str(new_role)]},
    )
    return membership


@transaction.atomic
def membership_deactivate(*, membership: Membership, actor: User) -> Membership:
    """Stop a membership granting its role; it stays listed so it can be reactivated.

    Refused for the administrator's own membership and the agency's last active administrator.
    """
    if not membership.is_active:
        return membership
    _membership_change_guard(
        membership=membership,
        actor=actor,
        yourself=_("You cannot deactivate yourself. Ask another administrator."),
    )
    return _membership_active_set(membership=membership, actor=actor, active=False)


@transaction.atomic
def membership_reactivate(*, membership: Membership, actor: User) -> Membership:
    """Let a deactivated membership grant its role again."""
    if membership.is_active:
        return membership
    return _membership_active_set(membership=membership, actor=actor, active=True)


def _membership_active_set(*, membership: Membership, actor: User, active: bool) -> Membership:
    fields_save(
        actor=actor,
        instance=membership,
        fields={"is_active": active},
        action="membership.reactivate" if active else "membership.deactivate",
        data={"user": membership.user.email, "role": membership.role},
    )
    return membership


@transaction.atomic
def member_invitation_create(
    *,
    agency: Agency,
    email: str,
    role: Role | str,
    language: str,
    actor: User,
) -> MemberInvitation:
    """Invite a person by email to take `role` in the agency, and email them the link.

    The email goes in the person's own language when they have an account, else in
    `language`. A newer invitation for the same address and agency
    replaces the older ones still pending, so only the latest link works.
    """
    email = User.objects.normalize_email(email.strip()).lower()
    if role not in Role.values:
        raise ValidationError({"role": _("Choose one of the roles.")})
    existing = User.objects.filter(email__iexact=email).first()
    if (
        existing is not None
        and Membership.objects.active().filter(user=existing, agency=agency, role=role).exists()
    ):
        raise ValidationError(
            {"email": _("%(email)s already holds this role here.") % {"email": email}}
        )
    if existing is not None:
        language = existing.preferred_language
    now = timezone.now()
    MemberInvitation.objects.filter(
        agency=agency,
        email__iexact=email,
        accepted_at__isnull=True,
        cancelled_at__isnull=True,
    ).update(cancelled_at=now)
    invitation = MemberInvitation(
        agency=agency,
        email=email,
        role=Role(role),
        language=language if language in ("en", "es") else settings.LANGUAGE_CODE,
        nonce=secrets.token_hex(16),
        invited_by=actor,
        created_at=now,
        expires_at=now + timedelta(days=settings.MEMBER_INVITATION_DAYS),
    )
    invitation.full_clean()
    invitation.save()
    audit_record(
        actor=actor,
        action="member_invitation.create",
        agency=agency,
        target=invitation,
        data={"email": email, "role": invitation.role, "existing_account": existing is not None},
    )
    # The task gets the invitation's id, never its link: the link is made when the email is sent.
    task_enqueue_with_write(member_invitation_email_send, invitation_id=invitation.pk)
    return invitation


@transaction.atomic
def member_invitation_cancel(*, invitation: MemberInvitation, actor: User) -> MemberInvitation:
    """Stop a pending invitation's link from working."""
    if invitation.accepted_at is not None:
        raise ValidationError(_("This invitation was already accepted; deactivate the member."))
    if invitation.cancelled_at is None:
        fields_save(
            actor=actor,
            instance=invitation,
            fields={"cancelled_at": timezone.now()},
            action="member_invitation.cancel",
            data={"email": invitation.email, "role": invitation.role},
        )
    return invitation


@transaction.atomic
def member_invitation_accept(
    *, invitation: MemberInvitation, full_name: str = "", password: str | None = None
) -> Membership:
    """Use an invitation: the invited address gets the role in the agency.

    A person without an account gets one with `password` (required then) and `full_name`; one
    with an account keeps it and only gains the role (a deactivated membership of that role is
    reactivated). The invitation works once, until it expires, unless it was cancelled.
    """
    invitation = MemberInvitation.objects.select_for_update().get(pk=invitation.pk)
    problem = member_invitation_problem(invitation=invitation)
    if problem:
        raise ValidationError(problem)
    user = User.objects.filter(email__iexact=invitation.email).first()
    created = user is None
    if user is None:
        if not password:
            raise ValidationError({"password": _("Choose a password.")})
        user = user_create(email=invitation.email, password=password, full_name=full_name.strip())
        user.preferred_language = invitation.language
        user.save(update_fields=["preferred_language"])
    membership, granted = Membership.objects.get_or_create(
        user=user, agency=invitation.agency, role=invitation.role
    )
    if not granted and not membership.is_active:
        membership.is_active = True
        membership.save(update_fields=["is_active"])
    fields_save(
        actor=user,
        instance=invitation,
        fields={"accepted_at": timezone.now(), "accepted_by": user},
        action="member_invitation.accept",
        data={
            "email": invitation.email,
            "role": invitation.role,
            "membership": membership.pk,
            "account_created": created,
        },
    )
    return membership


def member_invitation_problem(*, invitation: MemberInvitation) -> str:
    """Why an invitation's link no longer works, in words for the person; "" when it works."""
    if invitation.accepted_at is not None:
        return _(
            "This invitation was already used. Sign in with your email address and password; "
            "if you forgot the password, reset it from the sign-in page."
        )
    if invitation.cancelled_at is not None:
        return _(
            "This invitation was withdrawn or replaced by a newer one. Use the newest invitation "
            "email, or ask your agency administrator to invite you again."
        )
    if invitation.is_expired:
        return _("This invitation has expired. Ask your agency administrator to invite you again.")
    return ""


@transaction.atomic
def token_create(
    *,
    user: User,
    name: str,
    scope: TokenScope | str = TokenScope.WRITE,
    expires_in_days: int | None = None,
    agency: Agency | None = None,
    areas: Sequence[str] | None = None,
) -> tuple[ApiToken, str]:
    """Create an API token; the raw token is returned once and never stored.

    It may call the API `areas` (`TokenArea` values, at least one); None gives every area,
    for tokens made in code (the page and the API always name areas).
    It expires after `expires_in_days` (at most, and by default, settings.API_TOKEN_MAX_DAYS).
    A SCIM token provisions the members of one `agency`, which its owner must administer.
    """
    longest = settings.API_TOKEN_MAX_DAYS
    days = longest if expires_in_days is None else expires_in_days
    if not 1 <= days <= longest:
        raise ValidationError(
            {
                "expires_in_days": _("Choose from 1 to %(days)s days.") % {"days": longest},
            }
        )
    if scope not in TokenScope.values:
        raise ValidationError({"scope": _("Choose read or write.")})
    if scope == TokenScope.SCIM and not user_can(
        user=user, agency=agency, need=Can.ADMINISTER_AGENCY
    ):
        raise ValidationError(
            {"agency": _("A SCIM token needs an agency that its owner administers.")}
        )
    if scope != TokenScope.SCIM:
        agency = None
    if areas is not None:
        unknown = set(areas) - set(TokenArea.values)
        if not areas or unknown:
            raise ValidationError({"areas": _("Choose at least one area the token may use.")})
        # Stored in the order of TokenArea, each once.
        areas = [value for value in TokenArea.values if value in areas]
    prefix = secrets.token_hex(4)
    raw = f"{TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        user=user,
        name=name.strip()[:100],
        prefix=prefix,
        token_hash=token_hash(raw),
        scope=TokenScope(scope),
        expires_at=timezone.now() + timedelta(days=days),
        agency=agency,
        areas=list(areas or []),
        all_areas=areas is None,
    )
    audit_record(
        actor=user,
        action="token.create",
        agency=agency,
        target=token,
        data={
            "name": token.name,
            "scope": token.scope,
            "areas": "all" if token.all_areas else token.areas,
            "expires_in_days": days,
        },
    )
    security_notice_send(user=user, change="token.create", detail=token.name)
    return token, raw


@transaction.atomic
def token_revoke(*, token: ApiToken, actor: User) -> ApiToken:
    """Revoke a token so it no longer authenticates; revoking twice changes nothing."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action="token.revoke", target=token, data={"name": token.name})
    return token


def token_touch(*, token: ApiToken) -> None:
    """Record when a token was last used, at most once a minute to spare the database."""
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)


RECOVERY_CODE_COUNT = 10


@transaction.atomic
def mfa_device_start(*, user: User) -> TOTPDevice:
    """A new, unconfirmed authenticator-app device; earlier unconfirmed ones are dropped."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


@transaction.atomic
def mfa_device_confirm(*, user: User, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the device with a code from the app; returns fresh recovery codes, or None."""
    if device.user_id != user.pk or not device.verify_token(token.strip().replace(" ", "")):
        return None
    replaced, _by_model = (
        TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
    )
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _recovery_codes_issue(user=user)
    audit_record(actor=user, action="mfa.enrol", target=user, data={"replaced": bool(replaced)})
    security_notice_send(user=user, change="mfa.replace" if replaced else "mfa.enrol")
    return codes


def _recovery_codes_issue(*, user: User) -> list[str]:
    """Replace the person's recovery codes with new ones; only their hashes are stored."""
    device, _created = RecoveryCodeDevice.objects.get_or_create(
        user=user, defaults={"name": "Recovery codes", "confirmed": True}
    )
    device.codes.all().delete()
    # Codes left over from django-otp's backup codes are plaintext; none may outlive this.
    StaticDevice.objects.filter(user=user).delete()
    codes = [recovery_code_new() for _ in range(RECOVERY_CODE_COUNT)]
    RecoveryCode.objects.bulk_create(
        RecoveryCode(device=device, code_hash=recovery_code_hashes(code)[0]) for code in codes
    )
    return codes


@transaction.atomic
def recovery_codes_replace(*, user: User) -> list[str]:
    """New recovery codes for a person with an authenticator app; the old ones stop working."""
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise ValidationError(_("Set up two-step sign-in first; recovery codes come with it."))
    codes = _recovery_codes_issue(user=user)
    audit_record(actor=user, action="mfa.recovery_codes_replace", target=user)
    security_notice_send(user=user, change="mfa.recovery_codes_replace")
    return codes


def _looks_like_an_app_code(code: str) -> bool:
    return len(code) == 6 and code.isascii() and code.isdigit()


@transaction.atomic
def second_factor_verify(*, user: User, code: str) -> Device | None:
    """The device a typed code proves, or None: an authenticator-app code or a recovery code.

    Six digits go to the app, anything else to the recovery codes, so a good code of one kind
    never counts as a failure (and a slower next try) on the other. A used recovery code is
    audited and emailed with how many are left.
    """
    if _looks_like_an_app_code(code):
        for device in TOTPDevice.objects.filter(user=user, confirmed=True):
            if device.verify_token(code):
                return device
        return None
    recovery = RecoveryCodeDevice.objects.filter(user=user, confirmed=True).first()
    if recovery is None or not recovery_code_normalise(code):
        return None
    if not recovery.verify_token(code):
        return None
    left = recovery.codes.filter(used_at__isnull=True).count()
    audit_record(actor=user, action="mfa.recovery_code_use", target=user, data={"left": left})
    detail = ngettext("%(count)d recovery code left", "%(count)d recovery codes left", left) % {
        "count": left
    }
    security_notice_send(user=user, change="mfa.recovery_code_use", detail=detail)
    return recovery


@transaction.atomic
def mfa_reset(*, user: User, actor: User) -> None:
    """Remove a person's second factors so they enrol again at their next sign-in."""
    TOTPDevice.objects.filter(user=user).delete()
    RecoveryCodeDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    audit_record(actor=actor, action="mfa.reset", target=user)
    security_notice_send(user=user, change="mfa.reset")


@transaction.atomic
def password_change_record(*, user: User) -> None:
    """Audit a password the person changed (or reset by email), revoke their API tokens, and
    tell them by email.

    Whoever knew the old password may have made tokens with it; a new password ends them too.
    """
    revoked = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    audit_record(
        actor=user, action="password.change", target=user, data={"tokens_revoked": revoked}
    )
    security_notice_send(user=user, change="password.change")


def _security_notice_text(change: str, detail: str) -> tuple[str, str]:
    subjects = {
        "mfa.enrol": _("Two-step sign-in is set up on your cxgov account"),
        "mfa.replace": _("A new authenticator app replaced the old one on your cxgov account"),
        "mfa.reset": _("Two-step sign-in was reset on your cxgov account"),
        "mfa.recovery_code_use": _("A recovery code was used to sign in to your cxgov account"),
        "mfa.recovery_codes_replace": _(
            "New recovery codes were made for your cxgov account; the old ones no longer work"
        ),
        "password.change": _("Your cxgov password was changed"),
        "token.create": _("A new API token was created on your cxgov account"),
    }
    subject = str(subjects[change])
    lines = [subject + (f": {detail}" if detail else "") + "."]
    lines.append(
        _(
            "If you did not do this, tell your agency administrator now: someone may have "
            "your password. They can reset your two-step sign-in and you can revoke tokens "
            "on the API tokens page."
        )
    )
    return subject, "\n\n".join(lines) + "\n"


def security_notice_send(*, user: User, change: str, detail: str = "") -> None:
    """Email the person that a sign-in setting of their account changed, once the change commits.

    `change` is one of mfa.enrol, mfa.replace, mfa.reset, mfa.recovery_code_use,
    mfa.recovery_codes_replace, password.change, token.create.
    """
    if not user.email:
        return
    subject, body = _security_notice_text(change, detail)
    to = [user.email]
    transaction.on_commit(lambda: email_send.enqueue(subject=subject, body=body, to=to))


@transaction.atomic
def dead_letter_record(
    *,
    task_path: str,
    queue_name: str,
    args: list[Any],
    kwargs: dict[str, Any],
    attempts: int,
    error: str,
    traceback_text: str = "",
) -> DeadLetter:
    """Keep a task that failed its last allowed attempt; a task's `agency_id` scopes who sees it."""
    agency_id = kwargs.get("agency_id")
    agency = Agency.objects.filter(pk=agency_id).first() if isinstance(agency_id, int) else None
    dead = DeadLetter.objects.create(
        task_path=task_path[:200],
        queue_name=queue_name[:100],
        args=args,
        kwargs=kwargs,
        agency=agency,
        attempts=attempts,
        error=error[:5000],
        traceback=traceback_text[-20000:],
    )
    audit_record(
        actor=None,
        action="task.dead_letter",
        agency=agency,
        target=dead,
        data={"task": task_path, "attempts": attempts, "error": error[:500]},
    )
    return dead


@transaction.atomic
def dead_letter_retry(*, dead_letter: DeadLetter, actor: User) -> DeadLetter:
    """Queue a dead-lettered task again from its first attempt, once the cause is fixed."""
    if dead_letter.retried_at is not None:
        raise ValidationError(_("This task was already queued again."))
    the_task = import_string(dead_letter.task_path)
    if not isinstance(the_task, Task):
        raise ValidationError(_("This task no longer exists, so it cannot be queued again."))
    fields_save(
        actor=actor,
        instance=dead_letter,
        fields={"retried_at": timezone.now(), "retried_by": actor},
        action="task.retry",
        data={"task": dead_letter.task_path},
    )
    args, kwargs = list(dead_letter.args), dict(dead_letter.kwargs)
    transaction.on_commit(lambda: the_task.enqueue(*args, **kwargs))
    return dead_letter


def periodic_task_claim(*, name: str, interval: timedelta, worker_id: str, now: datetime) -> bool:
    """Mark periodic task `name` queued at `now` if it is due; False if it is not, or another
    worker claimed it first.

    Due: never queued, or last queued at least `interval` before `now`. The conditional UPDATE
    is the claim: on PostgreSQL a racing worker's UPDATE waits for this row and then finds it
    no longer due. Call it in the transaction that queues the task.
    """
    PeriodicTaskRun.objects.bulk_create([PeriodicTaskRun(name=name)], ignore_conflicts=True)
    due = models.Q(last_enqueued_at__isnull=True) | models.Q(last_enqueued_at__lte=now - interval)
    claimed = PeriodicTaskRun.objects.filter(due, name=name).update(
        last_enqueued_at=now, last_worker_id=worker_id[:64]
    )
    return claimed == 1


def task_lease_take(*, task_id: Any, worker_id: str) -> TaskLease:
    """Hold a lease of settings.TASK_LEASE_SECONDS on a task this worker has just claimed."""
    now = timezone.now()
    lease, _created = TaskLease.objects.update_or_create(
        task_id=task_id,
        defaults={
            "worker_id": worker_id[:64],
            "lease_expires_at": now + timedelta(seconds=settings.TASK_LEASE_SECONDS),
            "heartbeat_at": now,
        },
    )
    return lease


def task_lease_renew(*, task_id: Any, worker_id: str) -> bool:
    """The worker's heartbeat: extend its lease; False when the lease is no longer its own."""
    now = timezone.now()
    renewed = TaskLease.objects.filter(task_id=task_id, worker_id=worker_id[:64]).update(
        lease_expires_at=now + timedelta(seconds=settings.TASK_LEASE_SECONDS), heartbeat_at=now
    )
    return bool(renewed)


def task_lease_release(*, task_id: Any) -> None:
    """Drop the lease of a task that finished, successfully or not."""
    TaskLease.objects.filter(task_id=task_id).delete()


@dataclass(frozen=True)
class StrandedTasks:
    requeued: int
    dead_lettered: int


STRANDED_ERROR = "The worker running this task stopped before it finished (its lease expired)."


def tasks_stranded_recover(*, now: datetime | None = None) -> StrandedTasks:
    """Queue again every task left running past its lease, or dead-letter it after
    settings.TASK_MAX_ATTEMPTS runs.

    A running task without a lease (its worker stopped between claiming and leasing it) counts
    as stranded once settings.TASK_LEASE_SECONDS have passed since it started. Each run is one
    worker id on the task, so the attempt count survives the worker that was lost.
    """
    now = now or timezone.now()
    expired = TaskLease.objects.filter(lease_expires_at__lte=now).values("task_id")
    leased = TaskLease.objects.values("task_id")
    unleased_since = now - timedelta(seconds=settings.TASK_LEASE_SECONDS)
    requeued = dead_lettered = 0
    with transaction.atomic():
        stranded = list(
            DBTaskResult.objects.running()
            .filter(
                models.Q(id__in=expired)
                | (~models.Q(id__in=leased) & models.Q(started_at__lte=unleased_since))
            )
            .select_for_update(skip_locked=True)
        )
        for result in stranded:
            attempts = len(result.worker_ids)
            if attempts < settings.TASK_MAX_ATTEMPTS:
                result.status = TaskResultStatus.READY
                result.started_at = None
                result.save(update_fields=["status", "started_at"])
                requeued += 1
                action = "task.requeue"
            else:
                result.status = TaskResultStatus.FAILED
                result.finished_at = now
                result.exception_class_path = "cxgov.core.services.StrandedTask"
                result.traceback = STRANDED_ERROR
                result.save(
                    update_fields=["status", "finished_at", "exception_class_path", "traceback"]
                )
                kwargs = dict(result.args_kwargs.get("kwargs", {}))
                kwargs.pop(ATTEMPT_KWARG, None)
                dead_letter_record(
                    task_path=result.task_path,
                    queue_name=result.queue_name,
                    args=list(result.args_kwargs.get("args", [])),
                    kwargs=kwargs,
                    attempts=attempts,
                    error=STRANDED_ERROR,
                )
                dead_lettered += 1
                action = "task.stranded"
            TaskLease.objects.filter(task_id=result.id).delete()
            audit_record(
                actor=None,
                action=action,
                target=result,
                data={"task": result.task_path, "attempts": attempts},
            )
            logger.warning(
                "Task %s (%s) was stranded after %d run(s): %s",
                result.id,
                result.task_path,
                attempts,
                "queued again" if action == "task.requeue" else "dead-lettered",
            )
    return StrandedTasks(requeued=requeued, dead_lettered=dead_lettered)


@transaction.atomic
def task_results_prune(*, now: datetime | None = None) -> int:
    """Delete finished task rows older than settings.TASK_RESULT_RETENTION_DAYS; returns how many.

    Failures worth keeping are in the dead-letter list, which is not pruned.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.TASK_RESULT_RETENTION_DAYS)
    deleted, _by_model = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
    if deleted:
        audit_record(
            actor=None,
            action="task.prune",
            data={"deleted": deleted, "retention_days": settings.TASK_RESULT_RETENTION_DAYS},
        )
    return deleted


# --- SCIM provisioning (an agency's identity provider, /scim/v2/; docs/scim.md) -------------


def _scim_identity_for(*, agency: Agency, user: User, account_created: bool) -> ScimIdentity:
    identity, _created = ScimIdentity.objects.get_or_create(
        agency=agency, user=user, defaults={"account_created": account_created}
    )
    identity.user = user  # the caller's instance, so it sees every change made here
    return identity


def _scim_role_add(*, agency: Agency, user: User, role: str, active: bool, actor: User) -> None:
    membership = Membership.objects.filter(agency=agency, user=user, role=role).first()
    if membership is None:
        membership = membership_grant(user=user, agency=agency, role=role, actor=actor)
        if not active:
            membership_deactivate(membership=membership, actor=actor)
    elif active and not membership.is_active:
        membership_reactivate(membership=membership, actor=actor)


def _scim_role_remove(*, membership: Membership, actor: User) -> None:
    """Take a role away under the rules of the members page: never the agency's last active
    administrator, never the provider token owner's own role. The audit event stays."""
    _membership_change_guard(
        membership=membership,
        actor=actor,
        yourself=_("The owner of this SCIM token cannot change their own roles through it."),
    )
    membership_revoke(membership=membership, actor=actor)


def _scim_roles_set(
    *, agency: Agency, user: User, roles: Iterable[str], active: bool, actor: User
) -> None:
    wanted = set(roles)
    unknown = wanted - set(Role.values)
    if unknown:
        raise ValidationError(
            {"roles": _("Unknown role: %(roles)s.") % {"roles": ", ".join(sorted(unknown))}}
        )
    for membership in Membership.objects.filter(agency=agency, user=user).select_related("user"):
        if membership.role not in wanted:
            _scim_role_remove(membership=membership, actor=actor)
    for role in sorted(wanted):
        _scim_role_add(agency=agency, user=user, role=role, active=active, actor=actor)


def _scim_active_set(*, identity: ScimIdentity, active: bool, actor: User) -> None:
    """Deactivate or reactivate every membership of the person in the agency.

    The account is closed (no sign-in) when no active role anywhere is left, and reopened only
    if SCIM closed it."""
    user = identity.user
    memberships = Membership.objects.filter(agency=identity.agency, user=user).select_related(
        "user", "agency"
    )
    for membership in memberships:
        if active:
            membership_reactivate(membership=membership, actor=actor)
        else:
            membership_deactivate(membership=membership, actor=actor)
    identity.active = active
    if (
        not active
        and user.is_active
        and not (user.is_staff or user.is_superuser)
        and not Membership.objects.active().filter(user=user).exists()
    ):
        user.is_active = False
        user.save(update_fields=["is_active"])
        identity.account_closed = True
        audit_record(actor=actor, action="user.deactivate", agency=identity.agency, target=user)
    if active and identity.account_closed:
        identity.account_closed = False
        if not user.is_active:
            user.is_active = True
            user.save(update_fields=["is_active"])
            audit_record(actor=actor, action="user.reactivate", agency=identity.agency, target=user)


def _scim_account_change(
    *,
    identity: ScimIdentity,
    email: str | None,
    full_name: str | None,
    password: str | None,
) -> dict[str, list[Any]]:
    """Change the account's email, name or password: only one that SCIM created for this agency
    and that no other agency or the site administration uses."""
    user = identity.user
    fields: dict[str, Any] = {}
    if email is not None:
        fields["email"] = User.objects.normalize_email(email.strip()).lower()
    if full_name is not None:
        fields["full_name"] = full_name.strip()[:200]
    changes = field_changes(instance=user, fields=fields)
    if not changes and not password:
        return {}
    if not identity.account_created or account_shared(user=user, agency=identity.agency):
        raise ValidationError(
            _(
                "This account was not created by this agency's provisioning or is also used "
                "elsewhere: its email, name and password can only be changed by its owner."
            ),
            code="mutability",
        )
    if password:
        password_validation.validate_password(password, user)
        user.set_password(password)
        user.save(update_fields=["password"])
        changes["password"] = ["", "(set)"]
    changed = fields_apply(instance=user, fields=fields)
    return {**changes, **changed}


@transaction.atomic
def scim_user_create(
    *,
    agency: Agency,
    actor: User,
    email: str,
    full_name: str = "",
    external_id: str = "",
    active: bool = True,
    roles: Iterable[str] = (),
    password: str | None = None,
) -> User:
    """Provision a person for the agency: a new account (with `password` if given, else one
    that signs in through single sign-on), or an existing account that gains the roles.

    An account the agency's provider already sees is refused as a duplicate (code "unique");
    one it deleted comes back. An existing account keeps its name and password.
    """
    email = User.objects.normalize_email(email.strip()).lower()
    try:
        validators.validate_email(email)
    except ValidationError:
        raise ValidationError({"userName": _("Enter a valid email address.")}) from None
    user = User.objects.filter(email__iexact=email).first()
    if user is not None and scim_users(agency=agency).filter(pk=user.pk).exists():
        raise ValidationError(
            _("%(email)s is already provisioned for this agency.") % {"email": email},
            code="unique",
        )
    created = user is None
    if user is None:
        if password:
            password_validation.validate_password(password, User(email=email))
        user = user_create(email=email, password=password or None, full_name=full_name, actor=actor)
    identity = _scim_identity_for(agency=agency, user=user, account_created=created)
    identity.deleted_at = None
    identity.external_id = external_id.strip()[:200]
    identity.active = True
    _scim_roles_set(agency=agency, user=user, roles=roles, active=True, actor=actor)
    if not active:
        _scim_active_set(identity=identity, active=False, actor=actor)
    identity.updated_at = timezone.now()
    identity.save()
    audit_record(
        actor=actor,
        action="scim.user_create",
        agency=agency,
        target=user,
        data={
            "email": user.email,
            "roles": sorted(roles),
            "active": active,
            "account_created": created,
        },
    )
    return user


@transaction.atomic
def scim_user_update(
    *,
    agency: Agency,
    actor: User,
    user: User,
    email: str | None = None,
    full_name: str | None = None,
    external_id: str | None = None,
    active: bool | None = None,
    roles: Iterable[str] | None = None,
    password: str | None = None,
) -> User:
    """Apply what the agency's provider changed about a person it sees; None leaves a value.

    Roles are the person's whole set of roles in the agency: a role left out is taken away
    (never the last active administrator's). `active` false deactivates every membership in the
    agency, and closes the account when the person holds no active role anywhere.
    """
    identity = _scim_identity_for(agency=agency, user=user, account_created=False)
    changes = _scim_account_change(
        identity=identity, email=email, full_name=full_name, password=password
    )
    if external_id is not None and external_id.strip()[:200] != identity.external_id:
        changes["external_id"] = [identity.external_id, external_id.strip()[:200]]
        identity.external_id = external_id.strip()[:200]
    if roles is not None:
        roles = list(roles)
        changes["roles"] = [sorted(roles)]
        _scim_roles_set(agency=agency, user=user, roles=roles, active=identity.active, actor=actor)
    if active is not None and active != identity.active:
        changes["active"] = [identity.active, active]
        _scim_active_set(identity=identity, active=active, actor=actor)
    identity.updated_at = timezone.now()
    identity.save()
    if changes:
        audit_record(
            actor=actor, action="scim.user_update", agency=agency, target=user, data=changes
        )
    return user


@transaction.atomic
def scim_user_delete(*, agency: Agency, actor: User, user: User) -> None:
    """The provider's DELETE: deactivate the person in the agency and stop showing them to the
    provider. Nothing is removed: the account, memberships and audit trail stay."""
    identity = _scim_identity_for(agency=agency, user=user, account_created=False)
    if identity.active:
        _scim_active_set(identity=identity, active=False, actor=actor)
    identity.deleted_at = timezone.now()
    identity.updated_at = identity.deleted_at
    identity.save()
    audit_record(
        actor=actor,
        action="scim.user_delete",
        agency=agency,
        target=user,
        data={"email": user.email},
    )


@transaction.atomic
def scim_role_members_change(
    *,
    agency: Agency,
    actor: User,
    role: str,
    add: Iterable[User] = (),
    remove: Iterable[User] = (),
) -> None:
    """The provider changed a group's members: each added person gains the role (inactive while
    the person is), each removed person loses it (never the last active administrator)."""
    if role not in Role.values:
        raise ValidationError({"role": _("Choose one of the roles.")})
    for user in add:
        identity = _scim_identity_for(agency=agency, user=user, account_created=False)
        _scim_role_add(agency=agency, user=user, role=role, active=identity.active, actor=actor)
    for user in remove:
        membership = (
            Membership.objects.filter(agency=agency, user=user, role=role)
            .select_related("user", "agency")
            .first()
        )
        if membership is not None:
            _scim_role_remove(membership=membership, actor=actor)


# --- SAML single sign-on (decision 0033) --------------------------------------------------------


def saml_assertion_use(*, issuer: str, assertion_id: str, expires_at: datetime) -> None:
    """Record that an assertion signed someone in; refuse one already used (a replay).

    Rows are kept until the assertion expires (it cannot be accepted after that anyway)."""
    now = timezone.now()
    SamlAssertionUse.objects.filter(expires_at__lt=now).delete()
    try:
        with transaction.atomic():
            SamlAssertionUse.objects.create(
                issuer=issuer[:500],
                assertion_id=assertion_id[:200],
                expires_at=max(expires_at, now + timedelta(minutes=5)),
            )
    except IntegrityError:
        raise ValidationError(
            _(
                "This sign-in was already used. Start again from the sign-in page: each sign-in "
                "from your identity provider works once."
            ),
            code="replayed",
        ) from None


def saml_refusal_record(*, email: str, reason: str, address: str) -> AuditEvent:
    """Audit a refused SAML sign-in, naming the account only when one has that email."""
    user = User.objects.filter(email__iexact=email).first() if email else None
    return sign_in_record(
        user=user, action="account.sign_in_refused", address=address, method=f"saml:{reason}"
    )


@transaction.atomic
def saml_sign_in(
    *,
    email: str,
    full_name: str,
    roles: Iterable[tuple[str, str]],
    issuer: str,
    assertion_id: str,
    expires_at: datetime,
) -> User:
    """The account a verified SAML assertion signs in, after granting the roles it carries.

    Every agency and role named must exist (else "unknown_agency"). Roles are granted through
    `membership_grant` (audited) only where SAML_GRANT_AGENCIES and SAML_GRANT_ROLES allow; a
    role the person already holds, even deactivated by an administrator, is left as it is.
    An account is created only when SAML_CREATE_ACCOUNTS is on and an allowed role is granted.
    Nothing is taken away: removing roles is the administrators' or SCIM's work.
    """
    from cxgov.core.saml import grant_allowed

    saml_assertion_use(issuer=issuer, assertion_id=assertion_id, expires_at=expires_at)
    roles = list(roles)
    agencies = {
        agency.slug: agency
        for agency in Agency.objects.filter(slug__in={slug for slug, _role in roles})
    }
    unknown = sorted({slug for slug, _role in roles} - set(agencies))
    if unknown:
        raise ValidationError(
            _(
                "Your identity provider named the agency “%(agency)s”, which cxgov does not "
                "know. Ask your agency's IT team to correct it."
            )
            % {"agency": unknown[0][:80]},
            code="unknown_agency",
        )
    allowed = [
        (agencies[slug], role) for slug, role in roles if grant_allowed(agency_slug=slug, role=role)
    ]
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        if not (settings.SAML_CREATE_ACCOUNTS and allowed):
            raise ValidationError(
                _(
                    "There is no cxgov account for %(email)s, and your identity provider did not "
                    "give you a role that lets us create one. Ask your agency administrator to "
                    "invite you."
                )
                % {"email": email},
                code="no_account",
            )
        user = user_create(email=email, password=None, full_name=full_name[:200])
        audit_record(actor=None, action="saml.account_create", target=user, data={"email": email})
    elif not user.is_active:
        raise ValidationError(
            _("The cxgov account for %(email)s is closed. Ask your agency administrator.")
            % {"email": email},
            code="closed",
        )
    for agency, role in allowed:
        if not Membership.objects.filter(user=user, agency=agency, role=role).exists():
            membership_grant(user=user, agency=agency, role=role, actor=None)
    return user


# --- the agency's closed days ---------------------------------------------------------------

# What a change of the agency's closed days makes stale, kept by the apps that own it (open
# complaint deadlines, standards' elapsed times): each recomputes its part for one agency and a
# span of days and returns counts. core imports no domain app; each registers in `ready()`.
CalendarRecompute = Callable[..., dict[str, int]]
_CALENDAR_RECOMPUTES: dict[str, CalendarRecompute] = {}


def calendar_recompute_register(*, name: str, recompute: CalendarRecompute) -> None:
    """Declare what to compute again when closed days change: `recompute(actor=, agency=,
    first=, last=)` returns counts of what it changed and changes nothing when run twice.
    Registering a name again replaces it."""
    _CALENDAR_RECOMPUTES[name] = recompute


def calendar_recompute_request(
    *, actor: User | None, agency: Agency, first: date, last: date
) -> None:
    """Queue the recompute of the days `first` to `last` with the write that changed them (in
    its transaction: both are stored or neither; a write rolled back queues nothing)."""
    from cxgov.core.tasks import agency_calendar_recompute_task, task_enqueue_with_write

    task_enqueue_with_write(
        agency_calendar_recompute_task,
        agency_id=agency.pk,
        first=first.isoformat(),
        last=last.isoformat(),
        actor_id=actor.pk if actor is not None and actor.pk else None,
    )


@transaction.atomic
def agency_calendar_recompute(
    *, actor: User | None, agency: Agency, first: date, last: date
) -> dict[str, dict[str, int]]:
    """Compute again, on the agency's calendar as it is now, everything the days `first` to
    `last` count in (the background task of a closure change). One audit event tells what
    moved; a run that moves nothing (a second run of the same change) records none."""
    if last < first:
        first, last = last, first
    found = {
        name: _CALENDAR_RECOMPUTES[name](actor=actor, agency=agency, first=first, last=last)
        for name in sorted(_CALENDAR_RECOMPUTES)
    }
    if any(count for counts in found.values() for count in counts.values()):
        audit_record(
            actor=actor,
            action="agency.calendar_recompute",
            agency=agency,
            data={"first": first.isoformat(), "last": last.isoformat(), **found},
        )
    return found


@transaction.atomic
def closure_add(
    *,
    actor: User | None,
    agency: Agency,
    day: date,
    name: str,
    reason: str = "",
    recompute: bool = True,
) -> AgencyClosure:
    """Close the agency on a day: complaint deadlines and business-day standards skip it, the
    ones already set too (`calendar_recompute_request`, unless the caller asks for the
    recompute itself, as the importer does once per file).

    A day already closed is refused, naming the closure it has.
    """
    existing = AgencyClosure.objects.filter(agency=agency, day=day).first()
    if existing is not None:
        raise ValidationError(
            {
                "day": _("The agency is already closed on %(day)s (%(name)s).")
                % {"day": day.isoformat(), "name": existing.name}
            }
        )
    closure = AgencyClosure(agency=agency, day=day, name=name.strip(), reason=reason.strip())
    object_create(actor=actor, instance=closure, action="agency.closure_add", agency=agency)
    if recompute:
        calendar_recompute_request(actor=actor, agency=agency, first=day, last=day)
    return closure


@transaction.atomic
def closure_remove(*, actor: User | None, closure: AgencyClosure) -> None:
    """Open the agency again on a closed day: open complaint deadlines and business-day
    standards count it again (`calendar_recompute_request`)."""
    audit_record(
        actor=actor,
        action="agency.closure_remove",
        agency=closure.agency,
        data={"day": closure.day.isoformat(), "name": closure.name},
    )
    calendar_recompute_request(
        actor=actor, agency=closure.agency, first=closure.day, last=closure.day
    )
    closure.delete()


@transaction.atomic
def closure_save(
    *,
    actor: User | None,
    agency: Agency,
    day: date,
    name: str,
    reason: str = "",
    recompute: bool = True,
) -> str:
    """Close the agency on a day, or rename that day's closure: "created", "updated" or
    "unchanged" (the importer's write, so running a file twice changes nothing). A renamed
    closure changes no count, so only a new one is recomputed."""
    existing = AgencyClosure.objects.filter(agency=agency, day=day).first()
    if existing is None:
        closure_add(
            actor=actor, agency=agency, day=day, name=name, reason=reason, recompute=recompute
        )
        return "created"
    changed = object_update(
        actor=actor,
        instance=existing,
        fields={"name": name.strip(), "reason": reason.strip()},
        action="agency.closure_update",
        agency=agency,
    )
    return "updated" if changed else "unchanged"


@transaction.atomic
def agency_languages_set(
    *, actor: User | None, agency: Agency, languages: Iterable[str]
) -> dict[str, list[Any]]:
    """Set the languages the agency offers (codes of settings.LANGUAGES; English is always
    added); audited when they change."""
    codes = list(languages)
    unknown = sorted(set(codes) - set(site_language_codes()))
    if unknown:
        raise ValidationError(
            {
                "languages": _("The site does not offer these languages: %(codes)s.")
                % {"codes": ", ".join(unknown)}
            }
        )
    return object_update(
        actor=actor,
        instance=agency,
        fields={"languages": offered_languages_clean(codes)},
        action="agency.languages_set",
        agency=agency,
    )


@transaction.atomic
def agency_fiscal_year_start_set(
    *, actor: User | None, agency: Agency, fiscal_year_start_month: int
) -> dict[str, list[Any]]:
    """Set the month the agency's fiscal year starts (1 to 12); audited when it changes."""
    return object_update(
        actor=actor,
        instance=agency,
        fields={"fiscal_year_start_month": fiscal_year_start_month},
        action="agency.fiscal_year_start_set",
        agency=agency,
    )


def translation_source_record(
    *,
    agency_id: int,
    unit: str,
    language: str,
    source: str,
    keep: bool = False,
    status: str = TranslationStatus.HUMAN_REVIEWED,
) -> None:
    """Remember the English a translation was made from (`unit` as in the XLIFF files) and
    the translation's status. With `keep`, a text already remembered keeps its old English:
    the English changed under a translation that did not, which is then stale. Bookkeeping
    beside an audited write."""
    if keep:
        TranslationSource.objects.get_or_create(
            agency_id=agency_id,
            unit=unit,
            language=language,
            defaults={"source_hash": source_hash(source)},
        )
        return
    TranslationSource.objects.update_or_create(
        agency_id=agency_id,
        unit=unit,
        language=language,
        defaults={"source_hash": source_hash(source), "status": status},
    )


def authored_translation_save(
    *,
    actor: User | None,
    agency: Agency,
    record: models.Model,
    field: str,
    source: str,
    language: str,
    text: str,
    status: str,
    action: str,
) -> bool:
    """Write one text's translation into a language kept in `AuthoredTranslation`, made from
    its current English `source`, and audit `action` when its text or status changed (True).
    An empty text removes the translation: the text is missing again."""
    label = record._meta.label_lower
    key = {"model": label, "object_id": record.pk, "field": field, "language": language}
    row = AuthoredTranslation.objects.filter(**key).first()
    before = (row.text, row.status) if row else ("", "")
    after = (text, status) if text else ("", "")
    if not text:
        if row:
            row.delete()
    else:
        if row is None:
            row = AuthoredTranslation(agency=agency, **key)
        row.text, row.status, row.updated_by = text, status, actor
        row.source_hash = source_hash(source)
        row.save()
    if before == after:
        return False
    audit_record(
        actor=actor,
        action=action,
        agency=agency,
        target=record,
        data={
            "field": field,
            "language": language,
            "text": [before[0], after[0]],
            "status": [before[1], after[1]],
        },
    )
    return True
