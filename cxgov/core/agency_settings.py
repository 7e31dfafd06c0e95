"""An agency's settings that every write reads (routing rules, SLA policies, closed days,
webhook subscriptions), kept in the shared cache and in each process under a per-agency version.

Every change to such a setting gives the agency a new version (`agency_settings_changed`,
called from the `post_save` and `post_delete` receivers its app connects, so a cascade from a
deleted team or category counts too). A reader asks the shared cache for the version (one
round trip, the only one while nothing changed), and reuses what this process, or else any
process, read under it. Versions are random tokens, never counters: an evicted or reset key
starts a version no process has seen, so nothing read before can come back (decision 0065).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import transaction

T = TypeVar("T")

# How long a settings value stays in the shared cache when nothing changes it: it is read
# again at most daily. The version itself never expires (an eviction only costs a read).
VALUE_SECONDS = 24 * 3600
# Part of every value's key: a release that changes what a reader keeps reads afresh.
FORMAT = 1

# (name, agency id) -> (version, value): what this process read under the version.
_KEPT: dict[tuple[str, int], tuple[str, Any]] = {}
_MISSING = object()


def _version_key(agency_id: int) -> str:
    return f"agency-settings-version:{agency_id}"


def _version_new(agency_id: int) -> str:
    version = secrets.token_hex(8)
    cache.set(_version_key(agency_id), version, timeout=None)
    return version


def agency_settings_changed(*, agency_id: int) -> None:
    """Give the agency a new settings version, now and again once the transaction commits.

    Now: a database cache stores it with the change, atomically. At the commit: a cache outside
    the database (Redis) could have been read between the first version and the commit, with
    the old settings kept under it; the second version leaves that behind.
    """
    _version_new(agency_id)
    if not _bump_queued(agency_id):
        transaction.on_commit(partial(_version_new, agency_id), robust=True)


def _bump_queued(agency_id: int) -> bool:
    """Whether this transaction already bumps the agency's version at the commit: a file of a
    thousand closed days queues one bump, not a thousand. Django drops the queued callbacks of a
    savepoint rolled back, so the list read here is always the one that will run."""
    queued = getattr(transaction.get_connection(), "run_on_commit", [])
    return any(
        isinstance(func, partial) and func.func is _version_new and func.args == (agency_id,)
        for _savepoints, func, *_robust in queued
    )


def agency_settings_read(*, agency_id: int, name: str, compute: Callable[[], T]) -> T:
    """The agency's `name` settings: kept in this process or the shared cache under the current
    version, else `compute()`d from the database and kept. The value is shared: don't change it.
    """
    version_key = _version_key(agency_id)
    version = cache.get(version_key)
    if version is None:
        fresh = secrets.token_hex(8)
        version = fresh if cache.add(version_key, fresh, timeout=None) else cache.get(version_key)
        if version is None:
            return compute()
    kept = _KEPT.get((name, agency_id))
    if kept is not None and kept[0] == version:
        return kept[1]
    value_key = f"agency-settings:{FORMAT}:{name}:{agency_id}:{version}"
    value = cache.get(value_key, _MISSING)
    if value is _MISSING:
        value = compute()
        cache.set(value_key, value, timeout=VALUE_SECONDS)
    _KEPT[(name, agency_id)] = (version, value)
    return value


def agency_settings_receiver(sender: Any, *, instance: Any, **_: Any) -> None:
    """For `post_save` and `post_delete` of a model with `agency_id`: its agency's settings
    changed."""
    agency_settings_changed(agency_id=instance.agency_id)


def agency_created_receiver(sender: Any, *, instance: Any, created: bool, **_: Any) -> None:
    """For the agency's `post_save`: a new agency starts with a version of its own, whatever a
    cache kept under its id before (a test database reuses ids)."""
    if created:
        agency_settings_changed(agency_id=instance.pk)
