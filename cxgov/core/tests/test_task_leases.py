"""Tasks stranded by a killed worker run again after their lease; old finished rows go."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from cxgov.core.models import AuditEvent, DeadLetter, TaskLease
from cxgov.core.services import task_lease_renew, task_lease_take, task_results_prune
from cxgov.core.tasks import retrying_task

RUNS: list[str] = []
LEASES_SEEN: list[bool] = []

DATABASE_QUEUE = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "email"]}
}


@retrying_task()
def record_run(*, label: str) -> None:
    """A task that notes each run and whether its lease was held meanwhile."""
    RUNS.append(label)
    LEASES_SEEN.append(TaskLease.objects.filter(lease_expires_at__gt=timezone.now()).exists())


@pytest.fixture(autouse=True)
def database_queue(settings):
    settings.TASKS = DATABASE_QUEUE
    settings.TASK_LEASE_SECONDS = 60
    settings.TASK_MAX_ATTEMPTS = 3
    RUNS.clear()
    LEASES_SEEN.clear()


def _killed_mid_task(*, runs: int, lease_left: timedelta | None) -> DBTaskResult:
    """A queued task that `runs` workers claimed and then died running (lease optional)."""
    record_run.enqueue(label="x")
    result = DBTaskResult.objects.get()
    result.status = TaskResultStatus.RUNNING
    result.started_at = timezone.now() - timedelta(hours=1)
    result.worker_ids = [f"dead-{n}" for n in range(runs)]
    result.save()
    if lease_left is not None:
        TaskLease.objects.create(
            task_id=result.id,
            worker_id=f"dead-{runs - 1}",
            lease_expires_at=timezone.now() + lease_left,
        )
    return result


@pytest.mark.django_db(transaction=True)
def test_task_stranded_by_a_killed_worker_runs_again_after_its_lease():
    stranded = _killed_mid_task(runs=1, lease_left=timedelta(seconds=-1))
    call_command("worker", "--batch")
    stranded.refresh_from_db()
    assert RUNS == ["x"]
    assert stranded.status == TaskResultStatus.SUCCESSFUL
    assert len(stranded.worker_ids) == 2
    assert not TaskLease.objects.exists()
    event = AuditEvent.objects.get(action="task.requeue")
    assert event.data == {"task": stranded.task_path, "attempts": 1}


@pytest.mark.django_db(transaction=True)
def test_running_task_with_a_live_lease_is_left_alone():
    running = _killed_mid_task(runs=1, lease_left=timedelta(seconds=30))
    call_command("worker", "--batch")
    running.refresh_from_db()
    assert RUNS == []
    assert running.status == TaskResultStatus.RUNNING


@pytest.mark.django_db(transaction=True)
def test_running_task_never_leased_is_stranded_once_a_lease_has_passed():
    _killed_mid_task(runs=1, lease_left=None)
    call_command("worker", "--batch")
    assert RUNS == ["x"]


@pytest.mark.django_db(transaction=True)
def test_task_stranded_on_its_last_attempt_is_dead_lettered():
    stranded = _killed_mid_task(runs=3, lease_left=timedelta(seconds=-1))
    call_command("worker", "--batch")
    stranded.refresh_from_db()
    assert RUNS == []
    assert stranded.status == TaskResultStatus.FAILED
    dead = DeadLetter.objects.get()
    assert dead.attempts == 3
    assert dead.kwargs == {"label": "x"}
    assert "lease expired" in dead.error
    assert AuditEvent.objects.filter(action="task.stranded").count() == 1


@pytest.mark.django_db(transaction=True)
def test_worker_holds_a_lease_while_a_task_runs_and_drops_it_after():
    record_run.enqueue(label="y")
    call_command("worker", "--batch")
    assert RUNS == ["y"]
    assert LEASES_SEEN == [True]
    assert not TaskLease.objects.exists()


@pytest.mark.django_db
def test_heartbeat_renews_only_the_workers_own_lease(settings):
    task_id = "0b7e3f3c-1111-4a5b-8c9d-000000000001"
    lease = task_lease_take(task_id=task_id, worker_id="w1")
    TaskLease.objects.filter(pk=task_id).update(lease_expires_at=timezone.now())
    assert task_lease_renew(task_id=task_id, worker_id="w1") is True
    renewed = TaskLease.objects.get(pk=task_id)
    assert renewed.lease_expires_at > timezone.now() + timedelta(seconds=50)
    assert renewed.lease_expires_at >= lease.lease_expires_at
    assert task_lease_renew(task_id=task_id, worker_id="someone-else") is False


@pytest.mark.django_db
def test_finished_task_rows_are_pruned_after_the_retention(settings):
    settings.TASK_RESULT_RETENTION_DAYS = 7
    for label in ("old", "recent", "waiting"):
        record_run.enqueue(label=label)
    old, recent, waiting = (
        DBTaskResult.objects.get(args_kwargs__kwargs__label=label)
        for label in ("old", "recent", "waiting")
    )
    now = timezone.now()
    DBTaskResult.objects.filter(pk=old.pk).update(
        status=TaskResultStatus.SUCCESSFUL, finished_at=now - timedelta(days=8)
    )
    DBTaskResult.objects.filter(pk=recent.pk).update(
        status=TaskResultStatus.FAILED, finished_at=now - timedelta(days=6)
    )
    assert task_results_prune() == 1
    assert set(DBTaskResult.objects.values_list("pk", flat=True)) == {recent.pk, waiting.pk}
    assert AuditEvent.objects.get(action="task.prune").data["deleted"] == 1


@pytest.mark.django_db(transaction=True)
def test_worker_upkeep_command_reports_what_it_did(capsys):
    _killed_mid_task(runs=1, lease_left=timedelta(seconds=-1))
    call_command("worker", "--upkeep")
    assert "Queued again: 1; dead-lettered: 0; finished rows pruned: 0." in capsys.readouterr().out
    assert DBTaskResult.objects.ready().count() == 1
