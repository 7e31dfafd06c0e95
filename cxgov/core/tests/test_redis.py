"""Redis as the store every process shares: rate limits counted there, and tasks run from its
queues by several `cxgov worker` processes, each task once.

Uses the Redis server on 127.0.0.1:6379, one database per test database vendor so the SQLite
and PostgreSQL runs of the suite can run side by side.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from django.db import connection
from django.test import override_settings
from django_tasks import task

from cxgov.core.ratelimit import RateLimited, rate_check

REPOSITORY = Path(__file__).resolve().parents[3]


def _redis_answers() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), 2).close()
    except OSError:
        return False
    return True


pytestmark = pytest.mark.skipif(
    not _redis_answers(), reason="Redis is not answering on 127.0.0.1:6379"
)


def _redis_url() -> str:
    return f"redis://127.0.0.1:6379/{15 if connection.vendor == 'postgresql' else 14}"


@task()
def batch_record(*, batch: int, key: str, redis_url: str) -> None:
    """Note which batch ran and where; a short pause lets the other worker take some."""
    time.sleep(0.05)
    redis.Redis.from_url(redis_url).rpush(key, f"{batch}:{os.getpid()}")


@pytest.fixture
def redis_db() -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(_redis_url())
    client.flushdb()
    yield client
    client.flushdb()


def test_rate_limits_counted_in_redis_admit_exactly_the_limit_across_threads(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _redis_url(),
            "KEY_PREFIX": uuid.uuid4().hex,
        }
    }
    admitted: list[int] = []
    refused: list[int] = []
    start = threading.Barrier(8)

    def caller() -> None:
        start.wait()
        for _ in range(5):
            try:
                rate_check(scope="test.redis", key="203.0.113.9", limit=10)
            except RateLimited as limited:
                refused.append(limited.retry_after)
            else:
                admitted.append(1)

    threads = [threading.Thread(target=caller) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(admitted) == 10
    assert len(refused) == 30
    assert all(wait >= 1 for wait in refused)


def test_two_workers_on_the_redis_queue_run_every_task_once(redis_db):
    url = _redis_url()
    key = f"ran:{uuid.uuid4().hex}"
    tasks = {
        "default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]},
    }
    queues = {"default": {"URL": url, "DEFAULT_TIMEOUT": 60}}
    with override_settings(TASKS=tasks, RQ_QUEUES=queues):
        for batch in range(40):
            batch_record.enqueue(batch=batch, key=key, redis_url=url)
    env = {
        **os.environ,
        "TASKS_BACKEND": "django_tasks_rq.RQBackend",
        "REDIS_URL": url,
        "PYTHONPATH": str(REPOSITORY),
    }
    command = [sys.executable, "manage.py", "worker", "--batch", "--queue-name", "default"]
    workers = [
        subprocess.Popen(  # noqa: S603 - our own command, no shell
            command, cwd=REPOSITORY, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        for _ in range(2)
    ]
    outputs = [worker.communicate(timeout=120)[0].decode() for worker in workers]
    assert [worker.returncode for worker in workers] == [0, 0], outputs
    ran = [entry.decode().split(":")[0] for entry in redis_db.lrange(key, 0, -1)]
    assert sorted(int(batch) for batch in ran) == list(range(40))
