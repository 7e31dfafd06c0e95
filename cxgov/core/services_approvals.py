"""Every write of an approval: its steps and comments, each audited (`core.approvals`)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from cxgov.core.approvals import (
    ACTS_NEEDING_TEXT,
    TRANSITIONS,
    ApprovalKind,
    approval_author_may_approve,
)
from cxgov.core.models import (
    APPROVAL_TEXT_MAX_LENGTH,
    Agency,
    Approval,
    ApprovalAct,
    ApprovalState,
    ApprovalStep,
    User,
)
from cxgov.core.services import audit_record


def _text(value: str, *, required: bool) -> str:
    """A comment or reason: trimmed, at most APPROVAL_TEXT_MAX_LENGTH characters, no NUL."""
    text = (value or "").strip()
    if "\x00" in text:
        raise ValidationError({"body": _("The text holds a character that cannot be stored.")})
    if len(text) > APPROVAL_TEXT_MAX_LENGTH:
        raise ValidationError(
            {"body": _("Write at most %(limit)s characters.") % {"limit": APPROVAL_TEXT_MAX_LENGTH}}
        )
    if required and not text:
        raise ValidationError({"body": _("Say why, for the record.")})
    return text


def _locked(kind: ApprovalKind, record: Model) -> Approval:
    """The record's approval row, locked; made on first use in the state the record is in."""
    agency: Agency = record.agency  # type: ignore[attr-defined]
    approval, _created = Approval.objects.select_for_update().get_or_create(
        kind=kind.key,
        object_id=record.pk,
        defaults={"agency": agency, "state": kind.state(record)},
    )
    if approval.agency_id != agency.pk:
        raise ValidationError(_("This record belongs to another agency."))
    return approval


def _actor(actor: User | None) -> User | None:
    return actor if actor is not None and actor.pk else None


def _step(
    *, approval: Approval, act: str, from_state: str, actor: User | None, body: str
) -> ApprovalStep:
    return ApprovalStep.objects.create(
        approval=approval,
        act=act,
        from_state=from_state,
        to_state=approval.state,
        actor=_actor(actor),
        actor_label=str(actor) if _actor(actor) else "system",
        body=body,
    )


@transaction.atomic
def approval_step_take(
    *, actor: User | None, kind: ApprovalKind, record: Model, act: str, body: str = ""
) -> Approval:
    """Take one step of the record's approval (send for review, return, approve, publish,
    unpublish), or refuse it, naming why: a step from a state it does not leave from (no
    skipping), approval by the member who sent it for review while the agency asks for a
    second member, a return or an unpublish without a reason, or the app's own check.

    Who may take it is checked before, by the record's `access` with `approval_need`.
    """
    if act not in TRANSITIONS:
        raise ValidationError(_("There is no such step."))
    text = _text(body, required=act in ACTS_NEEDING_TEXT)
    approval = _locked(kind, record)
    sources, target = TRANSITIONS[act]
    before = approval.state
    if before not in sources:
        raise ValidationError(
            _("This is %(state)s: it cannot be %(step)s now.")
            % {
                "state": ApprovalState(before).label.lower(),
                "step": ApprovalAct(act).label.lower(),
            }
        )
    agency: Agency = record.agency  # type: ignore[attr-defined]
    now = timezone.now()
    effects: dict[str, Any] = {"actor": actor, "record": record}
    if act == ApprovalAct.SUBMIT:
        if kind.on_submit is not None:
            kind.on_submit(**effects)
        approval.submitted_by = _actor(actor)
        approval.submitted_at = now
        approval.approved_by = None
        approval.approved_at = None
    elif act == ApprovalAct.APPROVE:
        if actor is None or not actor.pk:
            raise ValidationError(_("Only a member can approve."))
        if not approval_author_may_approve(
            agency_second_member=agency.approval_by_second_member,
            author=approval.submitted_by,
            actor=actor,
        ):
            raise ValidationError(
                _(
                    "You sent this for review: another member approves it. (The agency asks "
                    "for approval by a second member.)"
                )
            )
        if kind.on_approve is not None:
            kind.on_approve(**effects)
        approval.approved_by = actor
        approval.approved_at = now
    elif act == ApprovalAct.RETURN:
        if kind.on_return is not None:
            kind.on_return(**effects)
    elif act == ApprovalAct.PUBLISH:
        kind.on_publish(**effects)
        approval.published_by = _actor(actor)
        approval.published_at = now
        approval.unpublished_reason = ""
    elif act == ApprovalAct.UNPUBLISH:
        kind.on_unpublish(reason=text, **effects)
        approval.unpublished_reason = text
    approval.state = target
    approval.updated_at = now
    approval.save()
    _step(approval=approval, act=act, from_state=before, actor=actor, body=text)
    audit_record(
        actor=actor,
        action=f"approval.{act}",
        agency=agency,
        target=record,
        data={"kind": kind.key, "state": [before, target], "characters": len(text)},
    )
    return approval


@transaction.atomic
def approval_comment_add(
    *, actor: User | None, kind: ApprovalKind, record: Model, body: str
) -> ApprovalStep:
    """Add a comment to the record's review; the state stays as it is."""
    text = _text(body, required=True)
    approval = _locked(kind, record)
    step = _step(
        approval=approval,
        act=ApprovalAct.COMMENT,
        from_state=approval.state,
        actor=actor,
        body=text,
    )
    audit_record(
        actor=actor,
        action="approval.comment",
        agency=approval.agency,
        target=record,
        data={"kind": kind.key, "state": approval.state, "characters": len(text)},
    )
    return step
