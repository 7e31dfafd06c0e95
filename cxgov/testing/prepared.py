"""Fetching a prepared file or a page's prepared figures (decisions 0049 and 0063) in a test,
with the worker's builds run between."""

from __future__ import annotations

from typing import Any

from django.test import Client, TestCase

from cxgov.core.models import PreparedFile, PreparedFileStatus
from cxgov.core.services_prepared import prepared_file_build


def prepared_work() -> None:
    """Run every queued build as the worker would (tests run inside a transaction that never
    commits, so a build a request queued never starts by itself)."""
    queued = PreparedFile.objects.filter(status=PreparedFileStatus.QUEUED)
    with TestCase.captureOnCommitCallbacks(execute=True):  # the build's own commit callbacks
        for prepared_id in queued.values_list("pk", flat=True):
            prepared_file_build(prepared_id=prepared_id)


def _states() -> set[tuple[Any, ...]]:
    return set(PreparedFile.objects.values_list("pk", "status", "finished_at"))


def prepared_get(client: Client, url: str, **extra: Any) -> Any:
    """GET a prepared file's or page's address as a person who reloads it once when it was
    being prepared, after the worker has run what was queued earlier in the test.

    The request's commit callbacks run here (the immediate task backend builds at once), and
    builds queued before are run as the worker would run them. The page is asked for again
    when the first answer was "being prepared" (202) or when the request got something built
    (a page that shows one section as being prepared answers 200)."""
    prepared_work()
    before = _states()
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.get(url, **extra)
    if response.status_code != 202 and (response.status_code != 200 or _states() == before):
        return response
    prepared_work()
    return client.get(url, **extra)
