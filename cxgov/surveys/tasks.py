"""Background tasks of surveys: invitation and reminder messages (email or text), each with a
single-use link, an opt-out link and the PRA statement; the scheduled reminders; the daily
closing of expired surveys and the daily PRA clearance warnings; the key driver analyses and
an employee survey's disclosure decision, made again when its responses change; and the fold of
new responses into the rollups, queued by intake and on a schedule (decision 0068)."""

from __future__ import annotations

import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMessage
from django_tasks import task

from cxgov.core.sms import SmsError, SmsRefusedError, sms_send
from cxgov.core.tasks import retrying_task
from cxgov.surveys.distribution import (
    invitation_message,
    invitation_message_id,
    sms_status_url,
)
from cxgov.surveys.models import Invitation, InvitationChannel, Survey
from cxgov.surveys.results.disclosure import disclosure_decide
from cxgov.surveys.rollups import rollups_fold, rollups_fold_due
from cxgov.surveys.services import (
    clearances_alert,
    drivers_compute,
    invitation_delivery_failed,
    invitations_issue,
    surveys_close_expired,
    surveys_with_reminders_due,
)

logger = logging.getLogger(__name__)


class InvitationsNotSentError(Exception):
    """Some messages could not leave now; they stay queued for the next try."""


def _deliver(survey: Survey, invitation: Invitation, token: str, *, reminder: bool) -> bool:
    """Send one message; False when it did not leave (bounced, or queued again)."""
    message = invitation_message(
        survey=survey, invitation=invitation, token=token, reminder=reminder
    )
    try:
        if invitation.channel == InvitationChannel.SMS:
            sms_send(
                to=invitation.phone,
                body=message.body,
                status_callback=sms_status_url(invitation),
            )
        else:
            EmailMessage(
                subject=message.subject,
                body=message.body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[invitation.email],
                headers={"Message-ID": invitation_message_id(invitation)},
            ).send()
    except (SmsRefusedError, smtplib.SMTPRecipientsRefused) as refused:
        logger.info("invitation %s bounced: %s", invitation.pk, refused)
        invitation_delivery_failed(invitation=invitation, reminder=reminder, bounced=True)
        return False
    except (SmsError, smtplib.SMTPException, OSError) as error:
        logger.warning("invitation %s not sent, kept for a retry: %s", invitation.pk, error)
        invitation_delivery_failed(invitation=invitation, reminder=reminder, bounced=False)
        raise InvitationsNotSentError(str(error)) from error
    return True


def invitations_deliver(*, survey: Survey, reminder: bool, due_only: bool = False) -> int:
    """Send everyone due an invitation (or a reminder) a fresh link; returns how many left.

    A provider that is down stops the run: that message and the ones after it stay due, and
    the task is retried.
    """
    if survey.open_problem():
        return 0
    sent = 0
    issued = invitations_issue(survey=survey, reminder=reminder, due_only=due_only)
    for position, (invitation, token) in enumerate(issued):
        try:
            sent += _deliver(survey, invitation, token, reminder=reminder)
        except InvitationsNotSentError:
            for later, _token in issued[position + 1 :]:
                invitation_delivery_failed(invitation=later, reminder=reminder, bounced=False)
            raise
    return sent


@retrying_task(queue_name="email")
def invitations_send(*, survey_id: int, reminder: bool = False) -> int:
    """Message everyone due an invitation (or a reminder); returns how many messages left."""
    survey = Survey.objects.select_related("agency").filter(pk=survey_id).first()
    if survey is None:
        return 0
    return invitations_deliver(survey=survey, reminder=reminder)


@task(queue_name="email")
def invitation_reminders_task() -> int:
    """Remind non-respondents of every survey with a reminder schedule (periodic)."""
    sent = 0
    for survey_id in surveys_with_reminders_due():
        survey = Survey.objects.select_related("agency").get(pk=survey_id)
        sent += invitations_deliver(survey=survey, reminder=True, due_only=True)
    return sent


@task()
def surveys_close_expired_task() -> int:
    """Close live surveys past their close date or OMB expiration (periodic, daily)."""
    return surveys_close_expired()


@task()
def clearances_alert_task() -> int:
    """Email administrators about clearances near their burden cap or expiry (periodic, daily)."""
    return clearances_alert()


@retrying_task()
def drivers_compute_task(*, survey_id: int) -> int:
    """Recompute the survey's stale key driver analyses (2,000 resamples each).

    A failure (a database that went away, a worker stopped mid-way) is tried again with growing
    waits, then kept as a dead letter: the analyses stay stale until then, and computing them
    again is harmless, as each is stored only if no newer change came meanwhile."""
    return drivers_compute(survey_id=survey_id)


@task()
def disclosure_decide_task(*, survey_id: int) -> bool:
    """Make an employee survey's disclosure decision for its new responses, before a page asks."""
    return disclosure_decide(survey_id=survey_id)


@retrying_task()
def rollups_fold_task(*, survey_id: int) -> int:
    """Fold the survey's responses stored since the last fold into its rollups (queued by
    intake). A failure leaves them past the watermark; the retry, or the next fold, adds them."""
    return rollups_fold(survey_id=survey_id)


@task()
def rollups_fold_due_task() -> int:
    """Fold every survey with a fold requested and not done (periodic: a lost task's safety net)."""
    return rollups_fold_due()
