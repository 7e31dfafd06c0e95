"""A database of its own for tests of one migration: built forward, never undone.

Undoing the shared test database's migrations back to an old state and redoing them took
1.5-2 minutes per test on SQLite (every undone field change rebuilds its table). An empty
database migrated forward to the old state and then to the latest costs a few seconds, and
leaves the shared test database as it was.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.state import StateApps

Node = tuple[str, str]


@contextmanager
def fresh_database(*, directory: Path) -> Iterator[None]:
    """An empty database stands in for `default` inside the block.

    SQLite gets a file in `directory`; PostgreSQL a database named after the test database,
    dropped afterwards. Content types are cached by id, so the cache is cleared on the way in
    and out.
    """
    shared = connections["default"]
    settings = {**shared.settings_dict}
    if shared.vendor == "sqlite":
        settings["NAME"] = str(directory / "migrating.sqlite3")
    else:
        settings["NAME"] = f"{shared.settings_dict['NAME']}_migrating"
        _postgres_database(shared, settings["NAME"], create=True)
    own = type(shared)(settings, "default")
    ContentType.objects.clear_cache()
    connections["default"] = own
    try:
        yield
    finally:
        own.close()
        connections["default"] = shared
        ContentType.objects.clear_cache()
        if shared.vendor != "sqlite":
            _postgres_database(shared, settings["NAME"], create=False)


@pytest.fixture
def migrating_database(django_db_setup: None, django_db_blocker, tmp_path: Path) -> Iterator[None]:
    """The test runs on an empty database of its own (`fresh_database`)."""
    with django_db_blocker.unblock(), fresh_database(directory=tmp_path):
        yield


def _postgres_database(shared: BaseDatabaseWrapper, name: str, *, create: bool) -> None:
    quoted = shared.ops.quote_name(name)
    with shared._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {quoted}")
        if create:
            cursor.execute(f"CREATE DATABASE {quoted}")


def migrate_to_before(targets: list[Node]) -> StateApps:
    """Migrate the default database to where `targets` are their apps' latest migrations.

    Everything that does not depend on a later migration of those apps is applied too, as it
    would be on a database made before them. Returns the models as they were then.
    """
    executor = MigrationExecutor(connections["default"])
    graph = executor.loader.graph
    later: set[Node] = set()
    for app, name in targets:
        for child in graph.node_map[(app, name)].children:
            if child.key[0] == app:
                later.update(graph.backwards_plan(child.key))
    full = executor.migration_plan(graph.leaf_nodes(), clean_start=True)
    plan = [(m, False) for m, _ in full if (m.app_label, m.name) not in later]
    executor.migrate(targets, plan=plan)
    applied = {(m.app_label, m.name) for m, _ in plan}
    leaves = [
        node
        for node in applied
        if not any(child.key in applied for child in graph.node_map[node].children)
    ]
    return executor.loader.project_state(leaves).apps


def migrate_to_latest() -> None:
    """Apply every migration the default database does not have yet."""
    executor = MigrationExecutor(connections["default"])
    executor.migrate(executor.loader.graph.leaf_nodes())
