"""Declaring a kind of publishable record in one call from an app's AppConfig.ready, for the
usual shape: found by an `access_<noun>` selector, shown on a staff page named by the agency's
slug and the record's id, published and unpublished by services that take it as `<noun>=`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise

from cxgov.core.approvals import ApprovalKind, Effect, approval_kind_register
from cxgov.core.permissions import Can
from cxgov.core.selectors import AgencyObjectAccess


def record_kind_register(
    *,
    key: str,
    label: str | Promise,
    access: AgencyObjectAccess[Any],
    edit: Can,
    approve: Can,
    state: Callable[[Any], str],
    title: Callable[[Any], str],
    url_name: str,
    noun: str,
    publish: Callable[..., Any],
    unpublish: Callable[..., Any],
    on_submit: Effect | None = None,
    on_approve: Effect | None = None,
    on_return: Effect | None = None,
) -> None:
    """Register the approval kind `key` (see `ApprovalKind`), its record's page at `url_name`."""
    id_name = access.id_name
    approval_kind_register(
        ApprovalKind(
            key=key,
            label=label,
            access=access,
            id_name=id_name,
            edit=edit,
            approve=approve,
            state=state,
            title=title,
            url=lambda record: reverse(
                url_name, kwargs={"slug": record.agency.slug, id_name: record.pk}
            ),
            on_publish=lambda *, actor, record: publish(actor=actor, **{noun: record}),
            on_unpublish=lambda *, actor, record, reason: unpublish(
                actor=actor, reason=reason, **{noun: record}
            ),
            on_submit=on_submit,
            on_approve=on_approve,
            on_return=on_return,
        )
    )
