"""The demo data for tests: `load_demo` runs once per test session, later tests get a copy.

The first test that asks for `demo_data` runs the real `load_demo` command and keeps, in memory,
every row it added to every table. Each later test gets those rows inserted back with the same
primary keys in one transaction, which takes a fraction of a second instead of the command's
15-28 s. It works for plain `db` tests (the rows are rolled back with the test) and for
`transactional_db` / `live_server` tests (the database is flushed after each test).

The demo writes nothing outside the database (no media files, no cache entries), so the rows are
the whole demo. Ask for `demo_data` before fixtures that create rows of their own: the copy keeps
its primary keys, so rows made earlier in the same test could take one of them.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.backends.utils import CursorWrapper
from django.test import override_settings

Row = tuple[object, ...]


@dataclass(frozen=True)
class TableRows:
    """The rows one model's table gained from the demo, in its own column order."""

    model: type[models.Model]
    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    # Columns naming a permission, stored as (app label, codename): a flush between tests
    # makes the permissions again under new ids.
    permission_columns: tuple[int, ...] = ()


_snapshot: list[TableRows] | None = None


def _concrete_models() -> list[type[models.Model]]:
    """Every model that owns a table, many-to-many tables included, each table once."""
    seen: set[str] = set()
    found = []
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if not meta.managed or meta.proxy or meta.db_table in seen:
            continue
        seen.add(meta.db_table)
        found.append(model)
    return found


def _columns(model: type[models.Model]) -> tuple[str, ...]:
    return tuple(field.column for field in model._meta.local_concrete_fields)


def _read(model: type[models.Model], columns: tuple[str, ...]) -> list[Row]:
    quote = connection.ops.quote_name
    sql = "SELECT {} FROM {}".format(  # noqa: S608 - names come from the models, not from input
        ", ".join(quote(column) for column in columns), quote(model._meta.db_table)
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [tuple(_storable(value) for value in row) for row in cursor.fetchall()]


def _storable(value: object) -> object:
    # SQLite reads `time` columns back as `datetime.time`, which it has no adapter to write.
    if isinstance(value, datetime.time) and connection.vendor == "sqlite":
        return value.isoformat()
    if isinstance(value, memoryview):
        return value.tobytes()
    return value


def _primary_keys(model: type[models.Model]) -> set[object]:
    return {row[0] for row in _read(model, (model._meta.pk.column,))}


def demo_snapshot_take() -> list[TableRows]:
    """Run `load_demo` in the current database and return the rows it added, table by table."""
    tables = _concrete_models()
    before = {model: _primary_keys(model) for model in tables}
    with override_settings(DEBUG=True):  # the demo refuses to run on a production setup
        call_command("load_demo", verbosity=0)
    snapshot = []
    for model in tables:
        columns = _columns(model)
        pk_index = columns.index(model._meta.pk.column)
        added = tuple(row for row in _read(model, columns) if row[pk_index] not in before[model])
        if added:
            found = TableRows(model=model, columns=columns, rows=added)
            snapshot.append(_permissions_by_name(found))
    return snapshot


def _permission_columns(model: type[models.Model]) -> tuple[int, ...]:
    columns = _columns(model)
    return tuple(
        columns.index(field.column)
        for field in model._meta.local_concrete_fields
        if field.related_model is Permission
    )


def _permissions_by_name(table: TableRows) -> TableRows:
    """The table with each permission id replaced by its (app label, codename)."""
    if table.model is Permission:
        raise AssertionError("the demo must not make permissions: migrations declare them")
    indexes = _permission_columns(table.model)
    if not indexes:
        return table
    names = {
        p.pk: (p.content_type.app_label, p.codename)
        for p in Permission.objects.select_related("content_type")
    }
    rows = tuple(
        tuple(names[value] if i in indexes else value for i, value in enumerate(row))
        for row in table.rows
    )
    return TableRows(table.model, table.columns, rows, permission_columns=indexes)


def _permissions_by_id(table: TableRows) -> tuple[Row, ...]:
    """The table's rows with the permissions' ids as they are now."""
    if not table.permission_columns:
        return table.rows
    ids = {
        (p.content_type.app_label, p.codename): p.pk
        for p in Permission.objects.select_related("content_type")
    }
    return tuple(
        tuple(ids[value] if i in table.permission_columns else value for i, value in enumerate(row))
        for row in table.rows
    )


def _names(table: TableRows) -> tuple[str, str]:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(column) for column in table.columns)
    return quote(table.model._meta.db_table), columns


def _insert_sql(table: TableRows) -> str:
    name, columns = _names(table)
    placeholders = ", ".join(["%s"] * len(table.columns))
    return f"INSERT INTO {name} ({columns}) VALUES ({placeholders})"  # noqa: S608 - model names


def _copy(cursor: CursorWrapper, table: TableRows) -> None:
    # COPY loads the ~40,000 demo rows in well under a second; row-by-row INSERTs take seconds.
    name, columns = _names(table)
    with cursor.cursor.copy(f"COPY {name} ({columns}) FROM STDIN") as copy:
        for row in table.rows:
            copy.write_row(row)


def demo_snapshot_restore(snapshot: list[TableRows]) -> None:
    """Insert the demo rows back in one transaction; foreign keys are checked at its end."""
    with transaction.atomic(), connection.cursor() as cursor:
        for stored in snapshot:
            table = TableRows(stored.model, stored.columns, _permissions_by_id(stored))
            if connection.vendor == "postgresql":
                _copy(cursor, table)
            else:
                cursor.executemany(_insert_sql(table), table.rows)
        # PostgreSQL's sequences do not follow explicit keys; SQLite's AUTOINCREMENT does.
        for sql in connection.ops.sequence_reset_sql(no_style(), [t.model for t in snapshot]):
            cursor.execute(sql)
        if connection.vendor == "postgresql":
            # As `load_demo` does: a flush left the planner thinking the tables are empty.
            cursor.execute("ANALYZE")


def demo_load_once() -> None:
    """The demo in the test database: the real command the first time, a copy afterwards."""
    global _snapshot
    if _snapshot is None:
        _snapshot = demo_snapshot_take()
    else:
        demo_snapshot_restore(_snapshot)


def demo_snapshot_current() -> list[TableRows]:
    """The rows kept from this session's `load_demo` (empty before any test asked for them)."""
    return list(_snapshot or [])


@pytest.fixture
def demo_data(db: None) -> None:
    """The deterministic demo (`load_demo`) in the test database, loaded once per session."""
    demo_load_once()
