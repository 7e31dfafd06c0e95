"""`cxgov import_agency FILE.zip`: restore a signed `export_agency` zip into a database without
the agency."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cxgov.registry.transfer import TransferError, agency_import


class Command(BaseCommand):
    help = (
        "Restore one agency from an export_agency zip into a database (migrated to the same "
        "version) that does not have that agency. The zip must be signed with this "
        "installation's AGENCY_ARCHIVE_SIGNING_KEY; only the agency's own tables are written "
        "and people get no password and no site-wide rights. All or nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, metavar="FILE.zip")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path} is not a file")
        try:
            with path.open("rb") as file:
                result = agency_import(file=file)
        except TransferError as error:
            raise CommandError(f"nothing was restored: {error}") from None
        for warning in result.report.warnings:
            self.stdout.write(f"left out or changed: {warning}")
        rows = sum(result.counts.values())
        self.stdout.write(f"restored {result.agency}: {rows} rows, {result.files} files")
