"""The one way a survey, a customer service plan, a posted standard and an A-11 report reach
the public: draft → in review → approved → published, and unpublished with a reason.

Core imports no domain app: each app declares its kind of record with `approval_kind_register`
in its AppConfig.ready, naming how to find one (its `access_<noun>` selector), who edits and who
approves it (two capabilities of `core.permissions`), and the services that do what a step
means for that record (publishing a survey makes it live, after its Paperwork Reduction Act
check). The steps themselves, their order, the second-member rule, comments and the audit trail
are `core.services_approvals`, the same for every kind; the review page is
`core.views_approvals` (docs/decisions/0043).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from django.db.models import Model
from django.utils.functional import Promise

from cxgov.core.models import ApprovalAct, ApprovalState, User
from cxgov.core.permissions import Can

# Which states each step leaves from, and where it goes. A step from any other state is refused,
# so nothing is approved without a review, nor published without an approval.
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    ApprovalAct.SUBMIT: (
        frozenset({ApprovalState.DRAFT, ApprovalState.UNPUBLISHED, ApprovalState.PUBLISHED}),
        ApprovalState.IN_REVIEW,
    ),
    ApprovalAct.RETURN: (
        frozenset({ApprovalState.IN_REVIEW, ApprovalState.APPROVED}),
        ApprovalState.DRAFT,
    ),
    ApprovalAct.APPROVE: (frozenset({ApprovalState.IN_REVIEW}), ApprovalState.APPROVED),
    ApprovalAct.PUBLISH: (frozenset({ApprovalState.APPROVED}), ApprovalState.PUBLISHED),
    ApprovalAct.UNPUBLISH: (frozenset({ApprovalState.PUBLISHED}), ApprovalState.UNPUBLISHED),
}

# The steps an approver takes; the others (sending for review, comments) are the editors'.
APPROVER_ACTS = frozenset(
    {ApprovalAct.RETURN, ApprovalAct.APPROVE, ApprovalAct.PUBLISH, ApprovalAct.UNPUBLISH}
)
# The steps that say nothing without a reason.
ACTS_NEEDING_TEXT = frozenset({ApprovalAct.RETURN, ApprovalAct.UNPUBLISH})

Effect = Callable[..., Any]


@dataclass(frozen=True)
class ApprovalKind:
    """One kind of publishable record, as its app declares it.

    `access(user=, agency_slug=, need=, <id_name>=)` finds a record (404 for anyone else);
    `state(record)` is where a record stands when it has no approval row yet (a survey made live
    before approvals existed is published); `on_submit`, `on_approve`, `on_return`,
    `on_publish` and `on_unpublish` are the app's services run inside the step's transaction,
    called with `actor=`, `record=` (and `reason=` for unpublishing); a `ValidationError` from
    one refuses the step. `title(record)` and `url(record)` name the record and its own staff page.
    """

    key: str
    label: str | Promise
    access: Callable[..., Model]
    id_name: str
    edit: Can
    approve: Can
    state: Callable[[Any], str]
    title: Callable[[Any], str]
    url: Callable[[Any], str]
    on_publish: Effect
    on_unpublish: Effect
    on_submit: Effect | None = None
    on_approve: Effect | None = None
    on_return: Effect | None = None


def status_approval_state(*, published: Collection[str]) -> Callable[[Any], str]:
    """A kind's `state` read from the record's `status`: published while it is one of
    `published`, a draft otherwise."""

    def state(record: Any) -> str:
        return ApprovalState.PUBLISHED if record.status in published else ApprovalState.DRAFT

    return state


_KINDS: dict[str, ApprovalKind] = {}


def approval_kind_register(kind: ApprovalKind) -> None:
    """Declare a kind of publishable record; registering a key again replaces it."""
    _KINDS[kind.key] = kind


def approval_kind(key: str) -> ApprovalKind | None:
    """The kind declared under `key`, or None."""
    return _KINDS.get(key)


def approval_kinds() -> list[ApprovalKind]:
    """Every declared kind, by key."""
    return [_KINDS[key] for key in sorted(_KINDS)]


def approval_need(kind: ApprovalKind, act: str) -> Can:
    """The capability a step of this kind asks for."""
    return kind.approve if act in APPROVER_ACTS else kind.edit


def approval_acts_from(state: str) -> list[str]:
    """The steps that may leave `state`, in the order of the way to the public."""
    return [act for act, (sources, _target) in TRANSITIONS.items() if state in sources]


def approval_author_may_approve(
    *, agency_second_member: bool, author: User | None, actor: User
) -> bool:
    """Whether `actor` may approve what `author` sent for review under the agency's setting."""
    if not agency_second_member:
        return True
    return author is None or author.pk != actor.pk
