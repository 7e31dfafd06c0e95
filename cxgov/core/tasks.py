"""Background tasks of core, run by `cxgov worker` through Django's Tasks API.

`retrying_task` makes a task try again after a failure, waiting `base_delay` seconds and doubling
the wait each time; after `max_attempts` failures it records the task as a dead letter that staff
can see and retry on the "Failed background tasks" page.
"""

from __future__ import annotations

import functools
import logging
import traceback
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.db import OperationalError, transaction
from django.template import loader
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tasks import task
from django_tasks.base import Task
from django_tasks.utils import get_module_path
from django_tasks_db.backend import DatabaseBackend

logger = logging.getLogger(__name__)

# The keyword that carries the attempt number from one try to the next.
ATTEMPT_KWARG = "retry_attempt"


def retry_delay(*, attempt: int, base_delay: float) -> timedelta:
    """The wait after failed attempt `attempt` (1-based): base, 2×base, 4×base, …"""
    return timedelta(seconds=base_delay * 2 ** (attempt - 1))


def retrying_task(
    *,
    max_attempts: int | None = None,
    base_delay: float | None = None,
    queue_name: str = "default",
) -> Callable[[Callable[..., Any]], Task[..., Any]]:
    """Like `@task`, but failures are retried with exponential backoff, then dead-lettered.

    `max_attempts` and `base_delay` default to settings.TASK_MAX_ATTEMPTS and
    settings.TASK_RETRY_BASE_SECONDS, read when the task fails.
    """

    def decorate(func: Callable[..., Any]) -> Task[..., Any]:
        @functools.wraps(func)
        def run(*args: Any, **kwargs: Any) -> Any:
            attempt = int(kwargs.pop(ATTEMPT_KWARG, 1))
            try:
                return func(*args, **kwargs)
            except Exception as error:
                limit = settings.TASK_MAX_ATTEMPTS if max_attempts is None else max_attempts
                base = settings.TASK_RETRY_BASE_SECONDS if base_delay is None else base_delay
                _failed(
                    the_task=this_task,
                    args=list(args),
                    kwargs=kwargs,
                    attempt=attempt,
                    max_attempts=limit,
                    base_delay=base,
                    error=error,
                )
                raise

        this_task: Task[..., Any] = task(queue_name=queue_name)(run)
        return this_task

    return decorate


def _failed(
    *,
    the_task: Task[..., Any],
    args: list[Any],
    kwargs: dict[str, Any],
    attempt: int,
    max_attempts: int,
    base_delay: float,
    error: Exception,
) -> None:
    path = get_module_path(the_task.func)
    if attempt < max_attempts:
        delay = retry_delay(attempt=attempt, base_delay=base_delay)
        logger.warning(
            "Task %s failed (attempt %d of %d): %s; trying again in %s",
            path,
            attempt,
            max_attempts,
            error,
            delay,
        )
        retry = the_task
        # The immediate backend (tests, no worker) cannot wait, so it retries at once.
        if the_task.get_backend().supports_defer and delay:
            retry = the_task.using(run_after=timezone.now() + delay)
        retry.enqueue(*args, **kwargs, **{ATTEMPT_KWARG: attempt + 1})
        return
    from cxgov.core.services import dead_letter_record

    logger.error("Task %s failed %d times; recorded as a dead letter: %s", path, attempt, error)
    dead_letter_record(
        task_path=path,
        queue_name=the_task.queue_name,
        args=args,
        kwargs=kwargs,
        attempts=attempt,
        error=f"{type(error).__name__}: {error}",
        traceback_text="".join(traceback.format_exception(error)),
    )


class TaskQueueError(OperationalError):
    """A task could not be queued with the write it belongs to.

    It rolls that write back and, as a database fault, answers 503 "try again"
    (cxgov.core.faults), so nobody is told that something was done when it was not.
    """


def task_enqueue_with_write(the_task: Task[..., Any], **kwargs: Any) -> None:
    """Queue a task inside the caller's transaction: the write and its task commit together.

    With the database queue the task row is part of the transaction; if it cannot be stored,
    TaskQueueError rolls the write back. A queue outside the database (the immediate one that
    runs tasks at once, in tests) gets the task once the write commits.
    """
    if not isinstance(the_task.get_backend(), DatabaseBackend):
        transaction.on_commit(lambda: the_task.enqueue(**kwargs))
        return
    try:
        the_task.enqueue(**kwargs)
    except Exception as error:
        raise TaskQueueError(f"{get_module_path(the_task.func)} could not be queued") from error


@retrying_task(queue_name="email")
def email_send(*, subject: str, body: str, to: list[str]) -> int:
    """Send one plain-text email; returns how many messages the backend accepted."""
    message = EmailMessage(
        subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=to
    )
    return message.send()


@retrying_task(queue_name="email")
def password_reset_email_send(
    *,
    user_id: int,
    domain: str,
    protocol: str,
    language: str,
    subject_template: str,
    body_template: str,
) -> int:
    """Email a password-reset link made now, from the user id.

    The link is a secret: it is never put in the task's arguments, which sit in the task table
    (and in the dead-letter list when sending fails), only in the email itself.
    """
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.has_usable_password():
        return 0
    context = {
        "email": user.email,
        "domain": domain,
        "site_name": domain,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "user": user,
        "token": default_token_generator.make_token(user),
        "protocol": protocol,
    }
    with translation.override(language):
        subject = "".join(loader.render_to_string(subject_template, context).splitlines())
        body = loader.render_to_string(body_template, context)
    message = EmailMessage(
        subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[user.email]
    )
    return message.send()


@retrying_task(queue_name="email")
def member_invitation_email_send(*, invitation_id: int) -> int:
    """Email an agency's invitation in the invitee's language, with a link made now.

    Like the password-reset link, the invitation link never sits in the task's arguments; an
    invitation that was used, cancelled or expired before the email went out is not sent.
    """
    from cxgov.core.models import MemberInvitation
    from cxgov.core.tokens import member_invitation_token

    invitation = (
        MemberInvitation.objects.select_related("agency", "invited_by")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or not invitation.is_pending:
        return 0
    token = member_invitation_token(invitation_id=invitation.pk, nonce=invitation.nonce)
    with translation.override(invitation.language):
        context = {
            "invitation": invitation,
            "agency_name": invitation.agency.display_name,
            "role": invitation.get_role_display(),
            "inviter": invitation.invited_by.get_full_name() if invitation.invited_by else "",
            "link": settings.SITE_URL.rstrip("/")
            + reverse("core:member_invitation_accept", args=[token]),
            "expires": invitation.expires_at,
        }
        subject = "".join(
            loader.render_to_string("core/email/member_invitation_subject.txt", context).split("\n")
        )
        body = loader.render_to_string("core/email/member_invitation.txt", context)
    message = EmailMessage(
        subject=subject.strip(),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[invitation.email],
    )
    return message.send()


@retrying_task()
def agency_calendar_recompute_task(
    *, agency_id: int, first: str, last: str, actor_id: int | None = None
) -> dict[str, dict[str, int]]:
    """Recompute what the agency's closed days from `first` to `last` (ISO dates) count in,
    after a closure was added or removed (`core.services.agency_calendar_recompute`)."""
    from datetime import date

    from cxgov.core.models import Agency, User
    from cxgov.core.services import agency_calendar_recompute

    agency = Agency.objects.filter(pk=agency_id).first()
    if agency is None:
        return {}
    actor = User.objects.filter(pk=actor_id).first() if actor_id is not None else None
    return agency_calendar_recompute(
        actor=actor,
        agency=agency,
        first=date.fromisoformat(first),
        last=date.fromisoformat(last),
    )


@task()
def prepared_file_build_task(*, prepared_id: int) -> str:
    """Build one prepared file (an agency export, a PDF) and store it (decision 0049)."""
    from cxgov.core.services_prepared import prepared_file_build

    return prepared_file_build(prepared_id=prepared_id)


@task()
def prepared_files_prune_task() -> int:
    """Remove prepared files finished more than a day ago (periodic, hourly)."""
    from cxgov.core.services_prepared import prepared_files_prune

    return prepared_files_prune()


@task()
def partitions_create_task() -> list[str]:
    """Keep the monthly partitions of the coming months ready on PostgreSQL (periodic, daily)."""
    from cxgov.core.partitions import partitions_create

    return partitions_create(months_ahead=settings.PARTITIONS_MONTHS_AHEAD)
