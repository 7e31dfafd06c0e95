"""Periodic tasks: what `cxgov worker` queues by itself, so no cron line is needed.

Each app declares its periodic tasks in its AppConfig.ready with `periodic_register`, naming
the setting that holds the interval in minutes (0 turns the task off); core imports no app.
The worker calls `schedule_run` at start and every settings.SCHEDULE_CHECK_SECONDS. A task is
due when it was never queued or was last queued at least its interval ago; the worker whose
conditional UPDATE moves `PeriodicTaskRun.last_enqueued_at` forward
(`core.services.periodic_task_claim`) queues it, in the same transaction, so several workers
checking at once queue it exactly once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks.base import Task

from cxgov.core.services import periodic_task_claim
from cxgov.core.tasks import task_enqueue_with_write

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Periodic:
    """A task queued every `interval` (from the setting `every_setting`, in minutes)."""

    name: str
    task: Task[..., Any]
    every_setting: str
    when: Callable[[], bool] | None = None

    @property
    def interval(self) -> timedelta | None:
        """The interval now in the settings; None while the task is turned off."""
        minutes = int(getattr(settings, self.every_setting))
        if minutes <= 0 or (self.when is not None and not self.when()):
            return None
        return timedelta(minutes=minutes)


_PERIODIC: dict[str, Periodic] = {}


def periodic_register(
    *,
    name: str,
    task: Task[..., Any],
    every_setting: str,
    when: Callable[[], bool] | None = None,
) -> None:
    """Declare a periodic task (from an AppConfig.ready); registering a name again replaces it.

    `every_setting` names a setting in minutes, read at each check; `when` is an extra
    condition read at each check (for example "the mailbox is configured").
    """
    if not hasattr(settings, every_setting):
        raise ValueError(f"{name}: there is no setting {every_setting}")
    _PERIODIC[name] = Periodic(name=name, task=task, every_setting=every_setting, when=when)


def periodic_tasks() -> list[Periodic]:
    """Every declared periodic task, by name."""
    return [_PERIODIC[name] for name in sorted(_PERIODIC)]


def periodic_enqueue_if_due(
    *, periodic: Periodic, worker_id: str = "", now: datetime | None = None
) -> bool:
    """Queue `periodic` if it is due and no other worker queued it first; True if queued."""
    interval = periodic.interval
    if interval is None:
        return False
    now = now or timezone.now()
    with transaction.atomic():
        claimed = periodic_task_claim(
            name=periodic.name, interval=interval, worker_id=worker_id, now=now
        )
        if claimed:
            # With the database queue the task row commits with the claim, or neither does.
            task_enqueue_with_write(periodic.task)
    if claimed:
        logger.info("Queued periodic task %s", periodic.name)
    return claimed


def schedule_run(*, worker_id: str = "", now: datetime | None = None) -> list[str]:
    """Queue every periodic task that is due; returns the names queued by this call."""
    return [
        periodic.name
        for periodic in periodic_tasks()
        if periodic_enqueue_if_due(periodic=periodic, worker_id=worker_id, now=now)
    ]
