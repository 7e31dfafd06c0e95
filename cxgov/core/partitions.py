"""Monthly range partitions of the large tables on PostgreSQL (decision 0066).

A partitioned table is split by the month of one time column into partitions named
`<table>_pYYYY_MM`, plus `<table>_default` for rows outside every month created, so no insert
ever fails. Migrations turn a plain table into a partitioned one (`table_partition`); the
database itself then says which tables are partitioned and by which column, so
`partitions_create` and `partitions_drop_before` need no list of their own. On any other
database every function here does nothing: SQLite keeps plain tables.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime

from django.db import connection, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper
from django.utils import timezone

MONTHS_AHEAD = 3
_MONTH_NAME = re.compile(r"_p(\d{4})_(\d{2})$")


@dataclass(frozen=True)
class PartitionedTable:
    """A table partitioned by the month of `column` (a date or a timestamp with time zone)."""

    name: str
    column: str
    column_type: str

    def bound(self, month: date) -> str:
        """The literal of the first instant of `month` in the column's type, in UTC."""
        if self.column_type == "date":
            return f"'{month.isoformat()}'"
        return f"'{month.isoformat()} 00:00:00+00'"


def month_start(day: date) -> date:
    """The first day of `day`'s month."""
    return day.replace(day=1)


def month_add(month: date, months: int) -> date:
    """The first day of the month `months` after `month`'s (before, if negative)."""
    index = month.year * 12 + month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def retained_from(*, months: int, now: datetime | None = None) -> date | None:
    """The first day of the oldest month a retention of `months` keeps, or None for 0 (all).

    The current month and the `months` whole months before it are kept.
    """
    if months <= 0:
        return None
    return month_add(month_start((now or timezone.now()).date()), -months)


def partition_name(*, table: str, month: date) -> str:
    """The name of `table`'s partition for `month`."""
    return f"{table}_p{month.year:04d}_{month.month:02d}"


def _is_postgresql(db: BaseDatabaseWrapper) -> bool:
    return db.vendor == "postgresql"


def partitioned_tables(*, db: BaseDatabaseWrapper = connection) -> list[PartitionedTable]:
    """Every table the migrations partitioned by range, with its column; none off PostgreSQL."""
    if not _is_postgresql(db):
        return []
    with db.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod) "
            "FROM pg_partitioned_table p "
            "JOIN pg_class c ON c.oid = p.partrelid "
            "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = p.partattrs[0] "
            "WHERE p.partstrat = 'r' AND c.relnamespace = current_schema()::regnamespace "
            "ORDER BY c.relname"
        )
        return [PartitionedTable(name, column, kind) for name, column, kind in cursor.fetchall()]


def _partitions(cursor: CursorWrapper, table: str) -> list[str]:
    cursor.execute(
        "SELECT child.relname FROM pg_inherits i "
        "JOIN pg_class parent ON parent.oid = i.inhparent "
        "JOIN pg_class child ON child.oid = i.inhrelid "
        "WHERE parent.relname = %s AND parent.relnamespace = current_schema()::regnamespace "
        "ORDER BY child.relname",
        [table],
    )
    return [name for (name,) in cursor.fetchall()]


def _month_of(name: str) -> date | None:
    found = _MONTH_NAME.search(name)
    return date(int(found[1]), int(found[2]), 1) if found else None


def _month_partition_add(
    cursor: CursorWrapper, db: BaseDatabaseWrapper, table: PartitionedTable, month: date
) -> None:
    """Attach `month`'s partition, moving in any rows the default partition holds for it.

    PostgreSQL refuses to add a partition while the default one holds rows of its range, so
    the partition is made on its own, filled from the default one, then attached.
    """
    quote = db.ops.quote_name
    name = quote(partition_name(table=table.name, month=month))
    parent = quote(table.name)
    column = quote(table.column)
    low, high = table.bound(month), table.bound(month_add(month, 1))
    # Only our own identifiers, quoted by the backend, and ISO dates are put into the text.
    cursor.execute(f"CREATE TABLE {name} (LIKE {parent} INCLUDING DEFAULTS)")
    cursor.execute(
        f"WITH moved AS (DELETE FROM {quote(table.name + '_default')} "  # noqa: S608  # nosec B608
        f"WHERE {column} >= {low} AND {column} < {high} RETURNING *) "
        f"INSERT INTO {name} SELECT * FROM moved"
    )
    cursor.execute(
        f"ALTER TABLE {parent} ATTACH PARTITION {name} FOR VALUES FROM ({low}) TO ({high})"
    )


def partitions_create(
    *,
    months_ahead: int = MONTHS_AHEAD,
    today: date | None = None,
    db: BaseDatabaseWrapper = connection,
) -> list[str]:
    """Create each partitioned table's partitions from this month to `months_ahead` months on.

    Idempotent: a month that has its partition is skipped. Returns the names created.
    """
    if not _is_postgresql(db):
        return []
    first = month_start(today or timezone.now().date())
    created = []
    with transaction.atomic(using=db.alias), db.cursor() as cursor:
        # A run by hand while the worker runs it waits, then finds the months made.
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext('cxgov.partitions_create'))")
        for table in partitioned_tables(db=db):
            created += partitions_months_add(
                db=db, table=table.name, first=first, last=month_add(first, months_ahead)
            )
    return created


def partitions_before(
    *, table: str, before: date, db: BaseDatabaseWrapper = connection
) -> list[str]:
    """`table`'s monthly partitions whose whole month is before the month of `before`."""
    if not _is_postgresql(db):
        return []
    limit = month_start(before)
    with db.cursor() as cursor:
        names = _partitions(cursor, table)
    return [name for name in names if (month := _month_of(name)) is not None and month < limit]


def partitions_drop_before(
    *, table: str, before: date, db: BaseDatabaseWrapper = connection
) -> list[str]:
    """Detach and drop `table`'s partitions of months before `before`'s; returns their names.

    Rows the default partition holds from before that month are deleted too, so nothing older
    than the cutoff stays. Callers record the drop (the audit log's own purge is audited).
    """
    dropped = partitions_before(table=table, before=before, db=db)
    if not dropped:
        return []
    quote = db.ops.quote_name
    tables = {item.name: item for item in partitioned_tables(db=db)}
    # PostgreSQL drops no table with foreign-key checks still deferred in this transaction.
    db.check_constraints()
    with db.cursor() as cursor:
        for name in dropped:
            cursor.execute(f"ALTER TABLE {quote(table)} DETACH PARTITION {quote(name)}")
            cursor.execute(f"DROP TABLE {quote(name)}")
        partitioned = tables[table]
        cursor.execute(
            f"DELETE FROM {quote(table + '_default')} "  # noqa: S608  # nosec B608
            f"WHERE {quote(partitioned.column)} < {partitioned.bound(month_start(before))}"
        )
    return dropped


def table_partition(
    *, db: BaseDatabaseWrapper, table: str, column: str, months_ahead: int = MONTHS_AHEAD
) -> None:
    """Turn the plain `table` into one partitioned by the month of `column` (PostgreSQL only).

    For a migration: the rows are copied into a new partitioned table with a partition for
    every month they cover and the months ahead, and the old table's indexes and foreign keys
    are made again under their own names, so later migrations find them. The primary key
    becomes (id, column), as PostgreSQL requires the partition column in every unique
    constraint; Django still uses `id` alone, which one sequence keeps unique.
    """
    if not _is_postgresql(db):
        return
    quote = db.ops.quote_name
    old = f"{table}_unpartitioned"
    with db.cursor() as cursor:
        if _unique_constraints(cursor, table):
            raise ValueError(f"{table}: a unique constraint without {column} cannot be kept")
        with _table_rebuilt(
            cursor, db, table=table, old=old, key=("id", column), partition_by=column
        ):
            cursor.execute(
                f"CREATE TABLE {quote(table + '_default')} PARTITION OF {quote(table)} DEFAULT"
            )
            earliest_sql = f"SELECT min({quote(column)}) FROM {quote(old)}"  # noqa: S608  # nosec B608
            cursor.execute(earliest_sql)
            (earliest,) = cursor.fetchone()
            today = timezone.now().date()
            first = month_start(_as_date(earliest) if earliest is not None else today)
            last = month_add(today, months_ahead)
            partitions_months_add(db=db, table=table, first=first, last=last)


def table_unpartition(*, db: BaseDatabaseWrapper, table: str) -> None:
    """Turn the partitioned `table` back into a plain one with `id` as its primary key."""
    if not _is_postgresql(db):
        return
    with (
        db.cursor() as cursor,
        _table_rebuilt(
            cursor, db, table=table, old=f"{table}_partitioned", key=("id",), cascade=True
        ),
    ):
        # A plain table takes the rows as it is: nothing to make before they move in.
        pass


def partitions_months_add(
    *, db: BaseDatabaseWrapper, table: str, first: date, last: date
) -> list[str]:
    """Add `table`'s partitions for every month from `first`'s to `last`'s that lacks one."""
    if not _is_postgresql(db):
        return []
    partitioned = {item.name: item for item in partitioned_tables(db=db)}[table]
    created = []
    with db.cursor() as cursor:
        existing = set(_partitions(cursor, table))
        month = month_start(first)
        while month <= last:
            name = partition_name(table=table, month=month)
            if name not in existing:
                _month_partition_add(cursor, db, partitioned, month)
                created.append(name)
            month = month_add(month, 1)
    return created


@contextmanager
def _table_rebuilt(
    cursor: CursorWrapper,
    db: BaseDatabaseWrapper,
    *,
    table: str,
    old: str,
    key: tuple[str, ...],
    partition_by: str = "",
    cascade: bool = False,
) -> Iterator[None]:
    """Set `table` aside as `old` and make it again, empty, alike and partitioned by the range
    of `partition_by` if given; after the block, move the rows in, drop `old` (with what
    depends on it if `cascade`), and make the primary key on `key`, the indexes and the
    foreign keys again under their own names."""
    quote = db.ops.quote_name
    indexes, foreign_keys = _indexes_and_foreign_keys(cursor, table)
    cursor.execute(f"ALTER TABLE {quote(table)} RENAME TO {quote(old)}")
    partitioned = f" PARTITION BY RANGE ({quote(partition_by)})" if partition_by else ""
    cursor.execute(
        f"CREATE TABLE {quote(table)} (LIKE {quote(old)} INCLUDING DEFAULTS "
        f"INCLUDING IDENTITY){partitioned}"
    )
    yield
    _rows_copy(cursor, db, source=old, target=table)
    cursor.execute(f"DROP TABLE {quote(old)}" + (" CASCADE" if cascade else ""))
    columns = ", ".join(quote(name) for name in key)
    cursor.execute(
        f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(table + '_pkey')} "
        f"PRIMARY KEY ({columns})"
    )
    _indexes_and_foreign_keys_make(cursor, db, table, indexes, foreign_keys)


def _rows_copy(cursor: CursorWrapper, db: BaseDatabaseWrapper, *, source: str, target: str) -> None:
    """Copy every row, ids included, and start the target's id sequence after the last one."""
    quote = db.ops.quote_name
    # Only our own identifiers, quoted by the backend, are put into the text.
    copy = f"INSERT INTO {quote(target)} OVERRIDING SYSTEM VALUE SELECT * FROM {quote(source)}"  # noqa: S608  # nosec B608
    last = f"SELECT coalesce(max({quote('id')}), 0) + 1 FROM {quote(source)}"  # noqa: S608  # nosec B608
    cursor.execute(copy)
    cursor.execute(last)
    (following,) = cursor.fetchone()
    cursor.execute(
        "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s, false)", [target, following]
    )


def _as_date(value: object) -> date:
    return value.date() if hasattr(value, "date") else value  # type: ignore[return-value]


def _unique_constraints(cursor: CursorWrapper, table: str) -> list[str]:
    cursor.execute(
        "SELECT c.conname FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid "
        "WHERE t.relname = %s AND t.relnamespace = current_schema()::regnamespace "
        "AND c.contype = 'u'",
        [table],
    )
    return [name for (name,) in cursor.fetchall()]


def _indexes_and_foreign_keys(
    cursor: CursorWrapper, table: str
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The table's indexes (other than its primary key's) and its foreign keys: name, text."""
    cursor.execute(
        "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
        "JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid "
        "WHERE t.relname = %s AND t.relnamespace = current_schema()::regnamespace "
        "AND NOT x.indisprimary AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid AND c.conrelid = t.oid) "
        "ORDER BY i.relname",
        [table],
    )
    indexes = list(cursor.fetchall())
    cursor.execute(
        "SELECT c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
        "JOIN pg_class t ON t.oid = c.conrelid "
        "WHERE t.relname = %s AND t.relnamespace = current_schema()::regnamespace "
        "AND c.contype = 'f' ORDER BY c.conname",
        [table],
    )
    return indexes, list(cursor.fetchall())


def _indexes_and_foreign_keys_make(
    cursor: CursorWrapper,
    db: BaseDatabaseWrapper,
    table: str,
    indexes: list[tuple[str, str]],
    foreign_keys: list[tuple[str, str]],
) -> None:
    quote = db.ops.quote_name
    for _name, definition in indexes:
        # The definition names the table as it was read; it has that name again now.
        cursor.execute(definition)
    for name, definition in foreign_keys:
        cursor.execute(f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}")
