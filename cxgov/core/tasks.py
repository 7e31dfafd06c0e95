"""Background tasks of core, run by `cxgov worker` through Django's Tasks API."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django_tasks import task


@task(queue_name="email")
def email_send(*, subject: str, body: str, to: list[str]) -> int:
    """Send one plain-text email; returns how many messages the backend accepted."""
    message = EmailMessage(
        subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=to
    )
    return message.send()
