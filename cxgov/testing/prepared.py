"""Fetching a prepared file (decision 0049) in a test, with the worker's build run between."""

from __future__ import annotations

from typing import Any

from django.test import Client, TestCase

from cxgov.core.models import PreparedFile, PreparedFileStatus
from cxgov.core.services_prepared import prepared_file_build


def prepared_get(client: Client, url: str, **extra: Any) -> Any:
    """GET a prepared file's address as a person who reloads the "being prepared" page once.

    Tests run inside a transaction that never commits, so the build a request queues would never
    start: its commit callbacks run here (the immediate task backend builds the file), and a
    build queued earlier in the test is run as the worker would run it."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.get(url, **extra)
    if response.status_code != 202:
        return response
    queued = PreparedFile.objects.filter(status=PreparedFileStatus.QUEUED)
    with TestCase.captureOnCommitCallbacks(execute=True):  # the build's own commit callbacks
        for prepared_id in queued.values_list("pk", flat=True):
            prepared_file_build(prepared_id=prepared_id)
    return client.get(url, **extra)
