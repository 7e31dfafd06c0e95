"""`cxgov create_partitions [--months-ahead N]`: make the coming months' partitions ready.

On PostgreSQL each partitioned table gets a partition for this month and the N after it
(rows a default partition holds for those months move in); a month that has one is skipped,
so it can run any number of times. The worker runs it daily by itself. On SQLite it does
nothing. See docs/scale.md.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from cxgov.core.partitions import partitioned_tables, partitions_create


class Command(BaseCommand):
    help = "Create the monthly partitions of this month and the coming months (PostgreSQL)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--months-ahead",
            type=int,
            default=None,
            help="Months after this one to make ready (default: PARTITIONS_MONTHS_AHEAD).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        months = options["months_ahead"]
        months = settings.PARTITIONS_MONTHS_AHEAD if months is None else months
        if months < 0:
            raise CommandError("--months-ahead must be 0 or more")
        if connection.vendor != "postgresql":
            self.stdout.write(f"nothing to do: {connection.vendor} keeps plain tables")
            return
        created = partitions_create(months_ahead=months)
        tables = ", ".join(table.name for table in partitioned_tables())
        for name in created:
            self.stdout.write(f"created {name}")
        self.stdout.write(f"{len(created)} partitions created; partitioned tables: {tables}")
