"""Background tasks of surveys: invitation and reminder emails, each with a single-use link, the
daily closing of expired surveys and the daily PRA clearance warnings, and the key driver
analyses and an employee survey's disclosure decision, made again when its responses change."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from cxgov.surveys.models import Survey
from cxgov.surveys.results.disclosure import disclosure_decide
from cxgov.surveys.services import (
    clearances_alert,
    drivers_compute,
    invitations_issue,
    surveys_close_expired,
)


def _link(survey: Survey, token: str, language: str) -> str:
    with translation.override(language):
        path = reverse("public:survey", kwargs={"public_id": survey.public_id})
    return f"{settings.SITE_URL.rstrip('/')}{path}?t={token}"


@task(queue_name="email")
def invitations_send(*, survey_id: int, reminder: bool = False) -> int:
    """Email everyone due an invitation (or a reminder) a fresh link; returns how many."""
    survey = Survey.objects.select_related("agency").filter(pk=survey_id).first()
    if survey is None or survey.open_problem():
        return 0
    sent = 0
    for email, token in invitations_issue(survey=survey, reminder=reminder):
        subject = (_("Reminder: %(title)s") if reminder else _("%(agency)s asks: %(title)s")) % {
            "title": survey.title,
            "agency": survey.agency.name,
        }
        body = "\n\n".join(
            [
                _("%(agency)s would like to hear how your experience went.")
                % {"agency": survey.agency.name},
                _("Answer here (the link works once):") + "\n" + _link(survey, token, "en"),
                "Responda en español:\n" + _link(survey, token, "es"),
                _("This link replaces any earlier one we sent you.") if reminder else "",
            ]
        ).strip()
        sent += EmailMessage(
            subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[email]
        ).send()
    return sent


@task()
def surveys_close_expired_task() -> int:
    """Close live surveys past their close date or OMB expiration (periodic, daily)."""
    return surveys_close_expired()


@task()
def clearances_alert_task() -> int:
    """Email administrators about clearances near their burden cap or expiry (periodic, daily)."""
    return clearances_alert()


@task()
def drivers_compute_task(*, survey_id: int) -> int:
    """Recompute the survey's stale key driver analyses (2,000 resamples each)."""
    return drivers_compute(survey_id=survey_id)


@task()
def disclosure_decide_task(*, survey_id: int) -> bool:
    """Make an employee survey's disclosure decision for its new responses, before a page asks."""
    return disclosure_decide(survey_id=survey_id)
