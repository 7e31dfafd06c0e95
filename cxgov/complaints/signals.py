"""Signals other apps listen to, sent once the write they report has committed."""

from __future__ import annotations

from django.dispatch import Signal

from cxgov.core.signals import send_after_commit

# sender=Complaint, complaint=<Complaint>, kind="created" | "updated" | "responded",
# change="" or what an update changed ("status", "assignment", "category", "message"),
# message=<Message> or None (the message an update sent to the customer).
complaint_changed = Signal()


def complaint_changed_after_commit(
    complaint: object, *, kind: str, change: str = "", message: object = None
) -> None:
    """Send `complaint_changed` when the current transaction commits (never if it rolls back)."""
    send_after_commit(
        complaint_changed,
        sender=type(complaint),
        complaint=complaint,
        kind=kind,
        change=change,
        message=message,
    )
