"""Background tasks of complaints, run by `cxgov worker` through Django's Tasks API."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from cxgov.core.tasks import retrying_task

from .models import Complaint, Status


@retrying_task(queue_name="email")
def complaint_acknowledgment_send(*, complaint_id: int) -> int:
    """Email the person their tracking number; the complaint is then acknowledged."""
    from .services import complaint_transition

    complaint = (
        Complaint.objects.select_related("agency", "service").filter(pk=complaint_id).first()
    )
    if complaint is None or not complaint.contact_email:
        return 0
    with translation.override(complaint.language):
        subject = _("We received your complaint %(number)s") % {"number": complaint.tracking_number}
        body = render_to_string(
            "complaints/email/acknowledgment.txt",
            {"complaint": complaint, "site_url": settings.SITE_URL},
        )
    sent = EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[complaint.contact_email],
    ).send()
    if complaint.status == Status.RECEIVED:
        complaint_transition(
            complaint=complaint,
            to_status=Status.ACKNOWLEDGED,
            actor=None,
            reason="acknowledgment email sent",
        )
    return sent


@task()
def complaints_escalate_task() -> dict[str, int]:
    """Send due-soon and overdue warnings and close responses past their review window."""
    from .services import complaints_escalate

    result = complaints_escalate()
    return {
        "due_soon": result.due_soon,
        "overdue": result.overdue,
        "closed_after_review_window": result.closed_after_review_window,
    }
