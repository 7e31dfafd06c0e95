"""`cxgov export_agency --agency SLUG --output FILE.zip`: all of one agency's data in one zip."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from cxgov.core.imports.commands import agency_output_arguments, command_agency, command_output
from cxgov.registry.transfer import agency_export_write


class Command(BaseCommand):
    help = (
        "Export one agency's data (inventory, surveys and responses, standards, complaints with "
        "attachments, benchmarks, audit log) as CSV and JSON files in a zip, with a manifest."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        agency_output_arguments(parser, metavar="FILE.zip")

    def handle(self, *args: Any, **options: Any) -> None:
        agency = command_agency(options["agency"])
        output = command_output(options)
        with output.open("wb") as out:
            result = agency_export_write(agency=agency, out=out)
        rows = sum(result.counts.values())
        self.stdout.write(
            f"wrote {output}: {rows} rows in {len(result.counts)} tables, {result.files} files"
        )
