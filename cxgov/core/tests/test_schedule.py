"""Periodic tasks are queued by the worker when due, once across racing workers."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from cxgov.core import schedule
from cxgov.core.models import PeriodicTaskRun
from cxgov.core.schedule import (
    periodic_enqueue_if_due,
    periodic_register,
    periodic_tasks,
    schedule_run,
)

RUNS: list[str] = []

DATABASE_QUEUE = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "email"]}
}


@task()
def tick() -> None:
    RUNS.append("tick")


@pytest.fixture(autouse=True)
def only_tick(settings, monkeypatch):
    """A schedule holding only `tick`, every 10 minutes, on the database queue."""
    settings.TASKS = DATABASE_QUEUE
    settings.SCHEDULE_TICK_MINUTES = 10
    monkeypatch.setattr(schedule, "_PERIODIC", {})
    periodic_register(name="test.tick", task=tick, every_setting="SCHEDULE_TICK_MINUTES")
    RUNS.clear()


def _queued() -> int:
    return DBTaskResult.objects.filter(task_path__endswith=".tick").count()


@pytest.mark.django_db
def test_due_task_is_queued_then_not_again_before_its_interval():
    start = timezone.now()
    assert schedule_run(now=start) == ["test.tick"]
    assert schedule_run(now=start + timedelta(minutes=9)) == []
    assert _queued() == 1
    assert schedule_run(now=start + timedelta(minutes=10)) == ["test.tick"]
    assert _queued() == 2
    assert PeriodicTaskRun.objects.get().last_enqueued_at == start + timedelta(minutes=10)


@pytest.mark.django_db
def test_interval_of_zero_or_an_unmet_condition_turns_a_task_off(settings):
    settings.SCHEDULE_TICK_MINUTES = 0
    assert schedule_run() == []
    settings.SCHEDULE_TICK_MINUTES = 10
    periodic_register(
        name="test.tick", task=tick, every_setting="SCHEDULE_TICK_MINUTES", when=lambda: False
    )
    assert schedule_run() == []
    assert _queued() == 0


def test_registering_with_a_missing_setting_is_refused():
    with pytest.raises(ValueError, match="SCHEDULE_NOPE_MINUTES"):
        periodic_register(name="test.nope", task=tick, every_setting="SCHEDULE_NOPE_MINUTES")


@pytest.mark.django_db(transaction=True)
def test_worker_batch_with_schedule_queues_and_runs_a_due_task_once():
    call_command("worker", "--batch", "--schedule")
    call_command("worker", "--batch", "--schedule")
    assert RUNS == ["tick"]
    call_command("worker", "--batch")
    assert RUNS == ["tick"]


@pytest.mark.django_db(transaction=True)
def test_worker_batch_leaves_the_schedule_alone_by_default():
    call_command("worker", "--batch")
    assert RUNS == []
    assert not PeriodicTaskRun.objects.exists()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite runs one writer at a time: no race to lose"
)
@pytest.mark.django_db(transaction=True)
def test_racing_workers_queue_a_due_task_once():
    workers = 4
    for round_number in range(5):
        now = timezone.now() + timedelta(minutes=10 * round_number)
        start = threading.Barrier(workers)
        claimed: list[bool] = []
        errors: list[BaseException] = []

        def check(worker_id: str, now=now, start=start, claimed=claimed, errors=errors) -> None:
            try:
                start.wait(timeout=10)
                (periodic,) = periodic_tasks()
                claimed.append(
                    periodic_enqueue_if_due(periodic=periodic, worker_id=worker_id, now=now)
                )
            except BaseException as error:  # reported in the main thread
                errors.append(error)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=check, args=(f"w{n}",)) for n in range(workers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert errors == []
        assert sorted(claimed) == [False] * (workers - 1) + [True]
        assert _queued() == round_number + 1
