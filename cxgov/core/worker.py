"""The `cxgov worker` process: django-tasks-db's worker, with leases, a heartbeat and upkeep.

With TASKS_BACKEND=django_tasks_rq.RQBackend it is an RQ worker on the Redis queues instead
(`redis_worker_run`); the schedule runs the same way beside either.

Each task it runs holds a lease (`TaskLease`) that a heartbeat thread renews every third of
settings.TASK_LEASE_SECONDS while the task runs. Upkeep, at start and then every half lease in
a background thread, queues again (or dead-letters) tasks stranded by a worker that stopped
mid-task, and prunes finished task rows past their retention. The schedule
(cxgov.core.schedule), at start and then every settings.SCHEDULE_CHECK_SECONDS, queues the
periodic tasks that are due, once across every worker.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from rq import SimpleWorker

from cxgov.core.schedule import schedule_run
from cxgov.core.services import (
    task_lease_release,
    task_lease_renew,
    task_lease_take,
    task_results_prune,
    tasks_stranded_recover,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Upkeep:
    requeued: int
    dead_lettered: int
    pruned: int


def upkeep_run() -> Upkeep:
    """Recover stranded tasks and prune old finished ones, once."""
    stranded = tasks_stranded_recover()
    pruned = task_results_prune()
    return Upkeep(requeued=stranded.requeued, dead_lettered=stranded.dead_lettered, pruned=pruned)


class _Repeating:
    """Call `action` every `interval` seconds in a daemon thread until stopped."""

    def __init__(self, action: Any, interval: float, name: str) -> None:
        self._action = action
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name=name, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=self._interval)

    def _loop(self) -> None:
        try:
            while not self._stop.wait(self._interval):
                try:
                    self._action()
                except DatabaseError:
                    # The database may be briefly away; the next beat tries again.
                    logger.exception("%s failed", self._thread.name)
        finally:
            connection.close()


class LeasedWorker(Worker):
    """A worker whose running tasks hold a lease renewed by a heartbeat.

    With `schedule`, it also queues the periodic tasks that are due: once at start, then (unless
    it runs a batch) every settings.SCHEDULE_CHECK_SECONDS.
    """

    def __init__(self, *args: Any, schedule: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.schedule = schedule

    def _schedule_run(self) -> None:
        schedule_run(worker_id=self.worker_id)

    def run(self) -> None:
        upkeep_run()
        if self.schedule:
            self._schedule_run()
        repeating = []
        if not self.batch:
            repeating.append(_Repeating(upkeep_run, settings.TASK_LEASE_SECONDS / 2, "task-upkeep"))
            if self.schedule:
                repeating.append(
                    _Repeating(self._schedule_run, settings.SCHEDULE_CHECK_SECONDS, "schedule")
                )
        for thread in repeating:
            thread.start()
        try:
            super().run()
        finally:
            for thread in repeating:
                thread.stop()

    def run_task(self, db_task_result: DBTaskResult) -> None:
        task_id, worker_id = db_task_result.id, self.worker_id
        task_lease_take(task_id=task_id, worker_id=worker_id)
        heartbeat = _Repeating(
            lambda: task_lease_renew(task_id=task_id, worker_id=worker_id),
            settings.TASK_LEASE_SECONDS / 3,
            f"task-heartbeat-{task_id}",
        )
        heartbeat.start()
        try:
            super().run_task(db_task_result)
        finally:
            heartbeat.stop()
            task_lease_release(task_id=task_id)


def uses_redis_queue() -> bool:
    """True when tasks go to Redis (TASKS_BACKEND=django_tasks_rq.RQBackend)."""
    return str(settings.TASKS["default"]["BACKEND"]) == "django_tasks_rq.RQBackend"


class _DjangoWorker(SimpleWorker):
    """RQ's in-process worker, with database connections checked around every task.

    In process rather than forked per task: a fork would share the parent's database sockets.
    """

    def perform_job(self, *args: Any, **kwargs: Any) -> bool:
        close_old_connections()
        try:
            return bool(super().perform_job(*args, **kwargs))
        finally:
            close_old_connections()


def redis_worker_run(
    *, queue_names: list[str], batch: bool, schedule: bool, worker_id: str
) -> None:
    """Run tasks from the Redis queues: until stopped, or until they are empty with `batch`.

    Any number of these may run on any machines; RQ hands each task to one of them. Retries
    that wait (`retrying_task`) are moved to their queue by RQ's scheduler, which one worker at
    a time holds. A task whose worker died is marked failed by RQ when its timeout passes.
    """
    from django_rq.queues import get_queues
    from django_tasks_rq import Job

    names = list(settings.TASKS["default"]["QUEUES"]) if queue_names == ["*"] else queue_names
    queues = get_queues(*names, job_class=Job)
    worker = _DjangoWorker(queues, name=worker_id, connection=queues[0].connection, job_class=Job)
    repeating = []
    if schedule:
        schedule_run(worker_id=worker_id)
        if not batch:
            repeating.append(
                _Repeating(
                    lambda: schedule_run(worker_id=worker_id),
                    settings.SCHEDULE_CHECK_SECONDS,
                    "schedule",
                )
            )
    for thread in repeating:
        thread.start()
    try:
        worker.work(burst=batch, with_scheduler=True)
    finally:
        for thread in repeating:
            thread.stop()
