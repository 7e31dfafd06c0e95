"""`cxgov import_complaints FILE --format cfpb --agency SLUG`: all rows or none."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cxgov.complaints.importers import ComplaintImportError, parse_cfpb
from cxgov.complaints.services import complaints_import
from cxgov.registry.models import Agency


class Command(BaseCommand):
    help = "Import complaints from a CFPB Consumer Complaint Database CSV export."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--format", choices=["cfpb"], default="cfpb")
        parser.add_argument("--agency", required=True, help="slug of the agency")

    def handle(self, *args: Any, **options: Any) -> None:
        agency = Agency.objects.filter(slug=options["agency"]).first()
        if agency is None:
            raise CommandError(f"No agency with slug {options['agency']!r}.")
        path: Path = options["file"]
        try:
            content = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}") from None
        try:
            rows = parse_cfpb(content)
        except ComplaintImportError as error:
            for row_error in error.errors:
                self.stderr.write(str(row_error))
            raise CommandError(
                f"{path.name}: {len(error.errors)} problems; nothing was imported."
            ) from None
        result = complaints_import(agency=agency, rows=rows, actor=None, source="cfpb")
        self.stdout.write(
            f"{path.name}: {result.created} complaints imported, {result.skipped} already there, "
            f"{result.categories_created} new categories."
        )
