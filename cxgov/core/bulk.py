"""Planner statistics after bulk loads, so PostgreSQL plans the next query on real sizes, and
the visibility map, so reads of the new rows that an index covers need not visit the table."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, models, transaction

# Autovacuum analyses a table only on its next round after 10% of it changed; a load this
# large can leave the planner thinking a table empty and choosing nested loops over it.
ANALYZE_AFTER_ROWS = 10_000


def planner_statistics_refresh(
    *, tables: Iterable[type[models.Model]], rows: int, visibility: bool = False
) -> None:
    """Once the surrounding transaction commits, ANALYZE these models' tables on PostgreSQL.

    With `visibility`, VACUUM (ANALYZE) them instead: freshly loaded pages are not marked
    all-visible until a vacuum, so until autovacuum's next round an index-only scan over the
    new rows still reads every row's table page (the exact quantiles of millions of events were
    seven times slower). Does nothing on SQLite or for loads under `ANALYZE_AFTER_ROWS` rows,
    which autovacuum's own rounds cover.
    """
    if connection.vendor != "postgresql" or rows < ANALYZE_AFTER_ROWS:
        return
    names = sorted({model._meta.db_table for model in tables})

    def analyze() -> None:
        # VACUUM cannot run inside a transaction block (a caller's outer one, or a test's).
        command = "VACUUM (ANALYZE)" if visibility and not connection.in_atomic_block else "ANALYZE"
        with connection.cursor() as cursor:
            for name in names:
                cursor.execute(f"{command} {connection.ops.quote_name(name)}")  # nosec B608

    transaction.on_commit(analyze)
