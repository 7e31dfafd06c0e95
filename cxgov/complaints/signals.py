"""Signals other apps listen to, sent once the write they report has committed."""

from __future__ import annotations

from functools import partial

from django.db import transaction
from django.dispatch import Signal

# sender=Complaint, complaint=<Complaint>, kind="created" | "updated" | "responded",
# change="" or what an update changed ("status", "assignment", "category", "message"),
# message=<Message> or None (the message an update sent to the customer).
complaint_changed = Signal()


def complaint_changed_after_commit(
    complaint: object, *, kind: str, change: str = "", message: object = None
) -> None:
    """Send `complaint_changed` when the current transaction commits (never if it rolls back)."""
    transaction.on_commit(
        partial(
            complaint_changed.send,
            sender=type(complaint),
            complaint=complaint,
            kind=kind,
            change=change,
            message=message,
        ),
        robust=True,
    )
