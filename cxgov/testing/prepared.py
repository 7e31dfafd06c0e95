"""Fetching a prepared file (decision 0049) in a test, with the worker's build run between."""

from __future__ import annotations

from typing import Any

from django.test import Client, TestCase


def prepared_get(client: Client, url: str, **extra: Any) -> Any:
    """GET a prepared file's address as a person who reloads the "being prepared" page once.

    Tests run inside a transaction that never commits, so a build queued by the first request
    would never start: its commit callbacks run here instead, and with the immediate task
    backend the file is built before the second request."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.get(url, **extra)
    if response.status_code == 202:
        response = client.get(url, **extra)
    return response
