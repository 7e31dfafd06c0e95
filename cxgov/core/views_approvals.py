"""The one review page of every publishable record (`core.approvals`): where it stands, its
steps and comments, and the buttons of the steps the member may take; and the agency's list of
what waits for review. Plain forms: nothing needs JavaScript."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from cxgov.core.approvals import (
    ACTS_NEEDING_TEXT,
    ApprovalKind,
    approval_acts_from,
    approval_kind,
    approval_need,
)
from cxgov.core.models import APPROVAL_TEXT_MAX_LENGTH, ApprovalAct, User
from cxgov.core.notices import StaffNotice
from cxgov.core.pages import post_action
from cxgov.core.permissions import Can, user_can
from cxgov.core.selectors import (
    access_agency,
    agencies_for_user,
    approval_of,
    approval_steps,
    approvals_waiting,
)
from cxgov.core.services_approvals import approval_comment_add, approval_step_take

# Each step's button, and the message once it is taken.
_BUTTONS: dict[str, tuple[Promise, Promise]] = {
    ApprovalAct.SUBMIT: (gettext_lazy("Send for review"), gettext_lazy("Sent for review.")),
    ApprovalAct.APPROVE: (gettext_lazy("Approve"), gettext_lazy("Approved.")),
    ApprovalAct.PUBLISH: (
        gettext_lazy("Publish"),
        gettext_lazy("Published: the public can see it now."),
    ),
    ApprovalAct.RETURN: (
        gettext_lazy("Return to draft"),
        gettext_lazy("Returned to draft with your comment."),
    ),
    ApprovalAct.UNPUBLISH: (
        gettext_lazy("Unpublish"),
        gettext_lazy("Unpublished: the public no longer sees it."),
    ),
    ApprovalAct.COMMENT: (gettext_lazy("Add the comment"), gettext_lazy("Comment added.")),
}


def _kind(key: str) -> ApprovalKind:
    kind = approval_kind(key)
    if kind is None:
        raise Http404
    return kind


def _record(
    request: HttpRequest, kind: ApprovalKind, slug: str, object_id: int, need: Can
) -> Model:
    return kind.access(user=request.user, agency_slug=slug, need=need, **{kind.id_name: object_id})


def _readable(request: HttpRequest, kind: ApprovalKind, slug: str, object_id: int) -> Model:
    """The record for its editors and its approvers alike (a 404 for anyone else)."""
    try:
        return _record(request, kind, slug, object_id, kind.edit)
    except Http404:
        return _record(request, kind, slug, object_id, kind.approve)


@dataclass(frozen=True)
class Button:
    act: str
    label: str | Promise
    needs_text: bool
    url: str


def approval_url(*, kind: ApprovalKind, record: Model) -> str:
    """The review page of a record."""
    return reverse(
        "core:approval_detail",
        kwargs={
            "slug": record.agency.slug,  # type: ignore[attr-defined]
            "kind": kind.key,
            "object_id": record.pk,
        },
    )


@login_required
def approval_detail(request: HttpRequest, slug: str, kind: str, object_id: int) -> HttpResponse:
    """Where the record stands, its steps and comments, and the steps the member may take."""
    found = _kind(kind)
    record = _readable(request, found, slug, object_id)
    agency = record.agency  # type: ignore[attr-defined]
    approval = approval_of(kind=found, record=record)
    buttons = [
        Button(
            act=act,
            label=_BUTTONS[act][0],
            needs_text=act in ACTS_NEEDING_TEXT,
            url=reverse(
                "core:approval_step",
                kwargs={"slug": slug, "kind": found.key, "object_id": record.pk, "act": act},
            ),
        )
        for act in approval_acts_from(approval.state)
        if user_can(user=request.user, agency=agency, need=approval_need(found, act))
    ]
    return render(
        request,
        "core/approval_detail.html",
        {
            "agency": agency,
            "kind": found,
            "record": record,
            "title": found.title(record),
            "record_url": found.url(record),
            "approval": approval,
            "steps": approval_steps(approval=approval),
            "buttons": buttons,
            "comment_url": reverse(
                "core:approval_step",
                kwargs={
                    "slug": slug,
                    "kind": found.key,
                    "object_id": record.pk,
                    "act": ApprovalAct.COMMENT,
                },
            ),
            "text_limit": APPROVAL_TEXT_MAX_LENGTH,
            "nav_section": "staff",
        },
    )


@login_required
@require_POST
def approval_step(
    request: HttpRequest, slug: str, kind: str, object_id: int, act: str
) -> HttpResponse:
    """Take one step (or add a comment), then back to the review page."""
    found = _kind(kind)
    if act not in _BUTTONS:
        raise Http404
    actor: User = request.user  # type: ignore[assignment]
    body = request.POST.get("body", "")
    if act == ApprovalAct.COMMENT:
        record = _readable(request, found, slug, object_id)

        def take() -> object:
            return approval_comment_add(actor=actor, kind=found, record=record, body=body)

    else:
        record = _record(request, found, slug, object_id, approval_need(found, act))

        def take() -> object:
            return approval_step_take(actor=actor, kind=found, record=record, act=act, body=body)

    return post_action(
        request,
        take,
        done=str(_BUTTONS[act][1]),
        next_url=approval_url(kind=found, record=record),
    )


@dataclass(frozen=True)
class Waiting:
    kind: ApprovalKind
    title: str
    state: str
    url: str


@login_required
def approval_list(request: HttpRequest, slug: str) -> HttpResponse:
    """What waits in the agency for a review or a publication the member may give."""
    agency = access_agency(user=request.user, agency_slug=slug)  # type: ignore[arg-type]
    rows = []
    for approval in approvals_waiting(user=request.user, agency=agency):  # type: ignore[arg-type]
        kind = approval_kind(approval.kind)
        if kind is None:
            continue
        try:
            record = _record(request, kind, slug, approval.object_id, kind.approve)
        except Http404:
            continue
        rows.append(
            Waiting(
                kind=kind,
                title=kind.title(record),
                state=approval.get_state_display(),
                url=approval_url(kind=kind, record=record),
            )
        )
    return render(
        request,
        "core/approval_list.html",
        {"agency": agency, "rows": rows, "nav_section": "staff"},
    )


def approval_notices(user: User) -> list[StaffNotice]:
    """The staff home's line per agency where records wait for the member's review."""
    notices = []
    for agency in agencies_for_user(user=user):
        waiting = len(approvals_waiting(user=user, agency=agency))
        if waiting:
            notices.append(
                StaffNotice(
                    agency=agency,
                    key="core.approvals",
                    count=waiting,
                    text=ngettext(
                        "%(n)s record waits for your review or publication.",
                        "%(n)s records wait for your review or publication.",
                        waiting,
                    )
                    % {"n": waiting},
                    url=reverse("core:approval_list", kwargs={"slug": agency.slug}),
                )
            )
    return notices
