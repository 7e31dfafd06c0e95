"""Every write to action plans: create, change, set status. Each one is audited."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Required, TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cxgov.actions.models import CLOSED_STATUSES, ActionItem, ActionSource, ActionStatus, SourceKind
from cxgov.core.models import Agency, Membership, User
from cxgov.core.services import audit_record, fields_save
from cxgov.registry.models import Service

TITLE_LIMIT = 200
LABEL_LIMIT = 300


@dataclass(frozen=True)
class SourceLink:
    """What prompted an action, as it reads now: kind, label and a snapshot reference."""

    kind: str
    label: str
    reference: dict[str, Any] = field(default_factory=dict)


class ActionFields(TypedDict, total=False):
    """What an action is, who owns it and by when. Left out, the description is empty and no
    service is named."""

    title: Required[str]
    owner: Required[User]
    due_date: Required[date]
    description: str
    service: Service | None


def _cleaned(*, agency: Agency, fields: ActionFields) -> dict[str, Any]:
    """The fields checked against the agency and trimmed, as an action stores them."""
    title, owner, service = fields["title"], fields["owner"], fields.get("service")
    _check(agency=agency, owner=owner, service=service, title=title)
    return {
        "title": title.strip(),
        "description": fields.get("description", "").strip(),
        "owner": owner,
        "due_date": fields["due_date"],
        "service": service,
    }


def _check(*, agency: Agency, owner: User, service: Service | None, title: str) -> None:
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = _("Give the action a title.")
    elif len(title) > TITLE_LIMIT:
        errors["title"] = _("Keep the title to %(limit)s characters.") % {"limit": TITLE_LIMIT}
    if not Membership.objects.active().filter(user_id=owner.pk, agency=agency).exists():
        errors["owner"] = _("The owner must be a member of this agency.")
    if service is not None and service.agency_id != agency.pk:
        errors["service"] = _("Choose one of this agency's services.")
    if errors:
        raise ValidationError(errors)


def _sources_check(sources: Sequence[SourceLink]) -> None:
    for source in sources:
        if source.kind not in SourceKind.values:
            raise ValidationError({"source": _("Unknown kind of source.")})
        if not source.label.strip():
            raise ValidationError({"source": _("Say what prompted the action.")})


@transaction.atomic
def action_create(
    *,
    actor: User | None,
    agency: Agency,
    sources: Sequence[SourceLink] = (),
    **fields: Unpack[ActionFields],
) -> ActionItem:
    """Add an open action to the agency's plan, with what prompted it."""
    cleaned = _cleaned(agency=agency, fields=fields)
    _sources_check(sources)
    action = ActionItem.objects.create(
        agency=agency, created_by=actor if actor is not None and actor.pk else None, **cleaned
    )
    for source in sources:
        ActionSource.objects.create(
            action=action,
            kind=source.kind,
            label=source.label.strip()[:LABEL_LIMIT],
            reference=source.reference,
        )
    audit_record(
        actor=actor,
        action="action.create",
        target=action,
        data={
            "owner": action.owner.email,
            "due_date": action.due_date.isoformat(),
            "sources": [source.kind for source in sources],
        },
    )
    return action


@transaction.atomic
def action_update(
    *, actor: User | None, action: ActionItem, **fields: Unpack[ActionFields]
) -> ActionItem:
    """Change what an action is, who owns it, and by when; its links are kept."""
    cleaned = _cleaned(agency=action.agency, fields=fields)
    changed = {
        name: [str(getattr(action, name)), str(value)]
        for name, value in cleaned.items()
        if getattr(action, name) != value
    }
    fields_save(
        actor=actor,
        instance=action,
        fields=cleaned,
        action="action.update",
        data={"changed": changed},
    )
    return action


@transaction.atomic
def action_status_set(*, actor: User | None, action: ActionItem, status: str) -> ActionItem:
    """Move an action to a status; done and dropped close it, open and in progress reopen it."""
    if status not in ActionStatus.values:
        raise ValidationError({"status": _("Choose one of the listed statuses.")})
    before = action.status
    if before == status:
        return action
    closed = status in CLOSED_STATUSES
    fields_save(
        actor=actor,
        instance=action,
        fields={
            "status": status,
            "closed_at": (action.closed_at or timezone.now()) if closed else None,
        },
        action="action.status",
        data={"from": before, "to": status},
    )
    return action
