"""Event files split into batches: each batch stored once, rollups equal to one process's."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import polars as pl
import pytest
import redis
from django.db import connection
from django.test import override_settings

from cxgov.core.models import Agency
from cxgov.standards.models import (
    BatchStatus,
    EventFileBatch,
    EventFileRun,
    Standard,
    StandardEvent,
)
from cxgov.standards.services_batches import event_file_batch_ingest
from cxgov.standards.tests.stored import events_and_rollups, ingest_events
from cxgov.testing.factories import ServiceFactory, StandardFactory

REPOSITORY = Path(__file__).resolve().parents[3]


def _events_file(path: Path, count: int) -> Path:
    """Events over two months, some still open, and some ids given twice (the last row wins)."""
    rng = np.random.default_rng(17)
    first = datetime(2026, 3, 1, tzinfo=UTC).timestamp()
    starts = first + rng.uniform(0, 60 * 86400, count)
    ends = starts + rng.gamma(2.0, 3.0, count) * 86400
    ids = np.arange(count).astype(str)
    ids[-50:] = ids[:50]
    frame = pl.DataFrame(
        {
            "id": ids,
            "start": [datetime.fromtimestamp(s, UTC).isoformat() for s in starts],
            "end": [
                "" if i % 37 == 0 else datetime.fromtimestamp(e, UTC).isoformat()
                for i, e in enumerate(ends)
            ],
        }
    )
    frame.write_csv(path)
    return path


def _standard(agency: Agency) -> Standard:
    return StandardFactory(service=ServiceFactory(agency=agency))


@pytest.mark.django_db
def test_a_file_in_eight_batches_stores_what_one_process_stores(
    agency_a: Agency, tmp_path: Path, settings
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    path = _events_file(tmp_path / "events.csv", 3000)
    whole, split = _standard(agency_a), _standard(agency_a)
    ingest_events(path, whole)
    ingest_events(path, split, "--batches", "8")

    run = EventFileRun.objects.get(standard=split)
    batches = list(run.parts.all())
    assert [batch.number for batch in batches] == list(range(8))
    assert sum(batch.rows for batch in batches) == 3000
    for batch in batches:
        assert event_file_batch_ingest(batch_id=batch.pk, worker="one")
    # A batch handed out again (a retried task, a second worker) is not stored twice.
    assert not event_file_batch_ingest(batch_id=batches[0].pk, worker="two")
    run.refresh_from_db()
    assert run.status == BatchStatus.DONE
    assert not Path(run.directory).exists()

    whole_events, whole_rollups = events_and_rollups(whole)
    split_events, split_rollups = events_and_rollups(split)
    assert len(whole_events) == 2950
    assert split_events == whole_events
    assert split_rollups == whole_rollups


@pytest.mark.django_db
def test_a_file_queued_again_replaces_its_events_and_keeps_the_rollups(
    agency_a: Agency, tmp_path: Path, settings
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    path = _events_file(tmp_path / "events.csv", 500)
    standard = _standard(agency_a)
    for _time in range(2):
        ingest_events(path, standard, "--batches", "3")
        for batch in EventFileBatch.objects.filter(status=BatchStatus.QUEUED):
            event_file_batch_ingest(batch_id=batch.pk, worker="one")
    once = _standard(agency_a)
    ingest_events(path, once)
    assert events_and_rollups(standard) == events_and_rollups(once)
    assert sum(
        EventFileBatch.objects.filter(run__standard=standard).values_list("replaced", flat=True)
    ) == (450)


def _redis_answers() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), 2).close()
    except OSError:
        return False
    return True


def _database_url() -> str:
    database = connection.settings_dict
    user, host = database["USER"] or "postgres", database["HOST"] or "127.0.0.1"
    password = f":{database['PASSWORD']}" if database["PASSWORD"] else ""
    return f"postgres://{user}{password}@{host}:{database['PORT'] or 5432}/{database['NAME']}"


def _stopped(worker: subprocess.Popen[bytes]) -> str:
    """Its output once stopped: asked to stop, then killed if it waits on Redis too long."""
    worker.send_signal(signal.SIGTERM)
    try:
        return worker.communicate(timeout=10)[0].decode()
    except subprocess.TimeoutExpired:
        worker.kill()
        return worker.communicate()[0].decode()


@pytest.mark.skipif(not _redis_answers(), reason="Redis is not answering on 127.0.0.1:6379")
@pytest.mark.django_db(transaction=True)
def test_two_redis_workers_store_each_batch_once(agency_a: Agency, tmp_path: Path, settings):
    if connection.vendor != "postgresql":
        pytest.skip("worker processes need a test database they can open: run on PostgreSQL")
    url = "redis://127.0.0.1:6379/13"
    client = redis.Redis.from_url(url)
    client.flushdb()
    settings.MEDIA_ROOT = tmp_path / "media"
    env = {
        **os.environ,
        "TASKS_BACKEND": "django_tasks_rq.RQBackend",
        "REDIS_URL": url,
        "DATABASE_URL": _database_url(),
        "CXGOV_VAR_DIR": str(tmp_path),
        "PYTHONPATH": str(REPOSITORY),
    }
    command = [sys.executable, "manage.py", "worker", "--no-schedule", "--queue-name", "default"]
    workers = [
        subprocess.Popen(  # noqa: S603 - our own command, no shell
            command, cwd=REPOSITORY, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        for _ in range(2)
    ]
    try:
        # Both wait on the queue before anything is queued, so both can take batches.
        deadline = time.monotonic() + 60
        while len(client.smembers("rq:workers")) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        path = _events_file(tmp_path / "events.csv", 4000)
        split = _standard(agency_a)
        tasks = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
        queues = {"default": {"URL": url, "DEFAULT_TIMEOUT": 60}}
        with override_settings(TASKS=tasks, RQ_QUEUES=queues):
            ingest_events(path, split, "--batches", "8")
        run = EventFileRun.objects.get(standard=split)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            run.refresh_from_db()
            if run.status == BatchStatus.DONE:
                break
            time.sleep(0.2)
    finally:
        outputs = [_stopped(worker) for worker in workers]
        client.flushdb()
    assert run.status == BatchStatus.DONE, outputs
    batches = list(run.parts.all())
    assert [batch.status for batch in batches] == [BatchStatus.DONE] * 8
    assert len({batch.worker for batch in batches}) == 2, [b.worker for b in batches]
    assert sum(batch.accepted for batch in batches) == 3950
    whole = _standard(agency_a)
    ingest_events(path, whole)
    assert events_and_rollups(split) == events_and_rollups(whole)


@pytest.mark.django_db
def test_a_batch_keeps_its_good_rows_and_names_its_bad_ones(
    agency_a: Agency, tmp_path: Path, settings
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    path = tmp_path / "events.csv"
    path.write_text(
        "id,start,end\n"
        "a,2026-03-02T09:00:00Z,2026-03-03T09:00:00Z\n"
        "b,never,\n"
        "c,2026-03-04T09:00:00Z,\n"
    )
    standard = _standard(agency_a)
    ingest_events(path, standard, "--batches", "2")
    for batch in EventFileBatch.objects.filter(run__standard=standard):
        event_file_batch_ingest(batch_id=batch.pk, worker="one")
    errors = [
        error
        for errors in EventFileBatch.objects.values_list("errors", flat=True)
        for error in errors
    ]
    assert errors == [[3, "start", '"never" is not a date.']]
    assert sorted(StandardEvent.objects.values_list("event_id", flat=True)) == ["a", "c"]
