"""Background tasks of complaints, run by `cxgov worker` through Django's Tasks API.

Every email to a customer is written here, in the customer's language, with a signed link to
the status page made when the email is sent: the link is never stored in a task's arguments.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from cxgov.core.languages import language_for
from cxgov.core.tasks import retrying_task

from .links import status_link_url
from .models import Complaint, Message, ResponseCategory, Status

NOTICE_KINDS = ("acknowledgment", "message", "response", "closure")


def _subject(kind: str, complaint: Complaint) -> str:
    number = {"number": complaint.tracking_number}
    if kind == "acknowledgment":
        return _("We received your complaint %(number)s") % number
    if kind == "response":
        return _("Our response to your complaint %(number)s") % number
    if kind == "closure":
        return _("Your complaint %(number)s is closed") % number
    return _("About your complaint %(number)s") % number


def _reply_to(complaint: Complaint) -> list[str]:
    """The mailbox's plus-address for this complaint, so a reply threads into it."""
    address = settings.COMPLAINTS_REPLY_ADDRESS
    if "@" not in address:
        return []
    local, domain = address.rsplit("@", 1)
    return [f"{local}+{complaint.tracking_number}@{domain}"]


def notice_email(
    *, complaint: Complaint, kind: str, message: Message | None = None, site_url: str = ""
) -> EmailMessage:
    """The email of one notice, in the complaint's language when its agency still offers it
    (else English), with a signed status link."""
    with translation.override(language_for(agency=complaint.agency, language=complaint.language)):
        context = {
            "complaint": complaint,
            "message": message,
            "link": status_link_url(
                tracking_number=complaint.tracking_number,
                email=complaint.contact_email,
                site_url=site_url,
            ),
            "asks_review": bool(
                message
                and message.response_category
                and message.response_category != ResponseCategory.IN_PROGRESS
            ),
        }
        subject = _subject(kind, complaint)
        body = render_to_string(f"complaints/email/{kind}.txt", context)
    email = EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[complaint.contact_email],
        reply_to=_reply_to(complaint),
    )
    for attachment in message.attachments.all() if message is not None else ():
        with attachment.file.open("rb") as handle:
            email.attach(attachment.original_name, handle.read(), attachment.content_type)
    return email


@retrying_task(queue_name="email")
def complaint_acknowledgment_send(*, complaint_id: int, site_url: str = "") -> int:
    """Email the person their tracking number; the complaint is then acknowledged."""
    from .services import complaint_transition

    complaint = (
        Complaint.objects.select_related("agency", "service").filter(pk=complaint_id).first()
    )
    if complaint is None or not complaint.contact_email:
        return 0
    sent = notice_email(complaint=complaint, kind="acknowledgment", site_url=site_url).send()
    if complaint.status == Status.RECEIVED:
        complaint_transition(
            complaint=complaint,
            to_status=Status.ACKNOWLEDGED,
            actor=None,
            reason="acknowledgment email sent",
        )
    return sent


@retrying_task(queue_name="email")
def complaint_notice_send(
    *, complaint_id: int, kind: str, message_id: int | None = None, site_url: str = ""
) -> int:
    """Email the customer a message, a response or the closure of their complaint."""
    if kind not in NOTICE_KINDS:
        raise ValueError(f"unknown notice {kind!r}")
    complaint = (
        Complaint.objects.select_related("agency", "service").filter(pk=complaint_id).first()
    )
    if complaint is None or not complaint.contact_email:
        return 0
    message = None
    if message_id is not None:
        message = complaint.messages.filter(pk=message_id).first()
        if message is None:
            return 0
    return notice_email(complaint=complaint, kind=kind, message=message, site_url=site_url).send()


@retrying_task()
def complaint_category_suggest(*, complaint_id: int) -> int:
    """Suggest the category of a complaint filed without one (1), or nothing to do (0)."""
    from .services import complaint_categories_suggest

    return complaint_categories_suggest(complaint_ids=[complaint_id])


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


@task()
def complaints_fetch_mail_task() -> dict[str, int]:
    """Read the complaints mailbox (COMPLAINTS_IMAP_*) once; nothing while it is not set."""
    from .mailbox import mailbox_fetch_configured

    if not settings.COMPLAINTS_IMAP_HOST:
        return {}
    return mailbox_fetch_configured().as_dict()
