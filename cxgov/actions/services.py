"""Every write to action plans: create, change, set status. Each one is audited."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

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
    title: str,
    owner: User,
    due_date: date,
    description: str = "",
    service: Service | None = None,
    sources: Sequence[SourceLink] = (),
) -> ActionItem:
    """Add an open action to the agency's plan, with what prompted it."""
    _check(agency=agency, owner=owner, service=service, title=title)
    _sources_check(sources)
    action = ActionItem.objects.create(
        agency=agency,
        service=service,
        title=title.strip(),
        description=description.strip(),
        owner=owner,
        due_date=due_date,
        created_by=actor if actor is not None and actor.pk else None,
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
        agency=agency,
        target=action,
        data={
            "owner": owner.email,
            "due_date": due_date.isoformat(),
            "sources": [source.kind for source in sources],
        },
    )
    return action


@transaction.atomic
def action_update(
    *,
    actor: User | None,
    action: ActionItem,
    title: str,
    owner: User,
    due_date: date,
    description: str = "",
    service: Service | None = None,
) -> ActionItem:
    """Change what an action is, who owns it, and by when; its links are kept."""
    _check(agency=action.agency, owner=owner, service=service, title=title)
    fields: dict[str, Any] = {
        "title": title.strip(),
        "description": description.strip(),
        "owner": owner,
        "due_date": due_date,
        "service": service,
    }
    changed = {
        name: [str(getattr(action, name)), str(value)]
        for name, value in fields.items()
        if getattr(action, name) != value
    }
    fields_save(
        actor=actor,
        instance=action,
        fields=fields,
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
