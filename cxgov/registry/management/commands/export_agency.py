"""`cxgov export_agency --agency SLUG --output FILE.zip`: all of one agency's data in one zip."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cxgov.core.imports.commands import command_agency
from cxgov.registry.transfer import agency_export_write


class Command(BaseCommand):
    help = (
        "Export one agency's data (inventory, surveys and responses, standards, complaints with "
        "attachments, benchmarks, audit log) as CSV and JSON files in a zip, with a manifest."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--agency", required=True, metavar="SLUG")
        parser.add_argument("--output", required=True, type=Path, metavar="FILE.zip")

    def handle(self, *args: Any, **options: Any) -> None:
        agency = command_agency(options["agency"])
        output: Path = options["output"]
        if not output.parent.is_dir():
            raise CommandError(f"the folder {output.parent} does not exist")
        with output.open("wb") as out:
            result = agency_export_write(agency=agency, out=out)
        rows = sum(result.counts.values())
        self.stdout.write(
            f"wrote {output}: {rows} rows in {len(result.counts)} tables, {result.files} files"
        )
