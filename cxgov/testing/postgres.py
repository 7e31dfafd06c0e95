"""What tests read from PostgreSQL's catalogue."""

from __future__ import annotations

from django.db import connection


def visible_pages(table: str) -> tuple[int, int]:
    """Pages and all-visible pages of the table, summed over its partitions if it has any."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sum(c.relpages), sum(c.relallvisible) FROM pg_partition_tree(%s::regclass) t "
            "JOIN pg_class c ON c.oid = t.relid WHERE t.isleaf",
            [table],
        )
        pages, visible = cursor.fetchone()
    return int(pages), int(visible)
