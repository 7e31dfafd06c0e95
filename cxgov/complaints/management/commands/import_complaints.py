"""`cxgov import_complaints FILE --format cfpb --agency SLUG`: all rows or none by default."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from cxgov.complaints.importers import cfpb_import
from cxgov.core.imports.commands import (
    agency_argument,
    command_agency,
    import_arguments,
    import_finish,
)


class Command(BaseCommand):
    help = "Import complaints from a CFPB Consumer Complaint Database export (CSV or XLSX)."

    def add_arguments(self, parser: CommandParser) -> None:
        import_arguments(parser)
        parser.add_argument("--format", choices=["cfpb"], default="cfpb")
        agency_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        agency = command_agency(options["agency"])
        report = cfpb_import(
            actor=None,
            agency=agency,
            file=options["file"],
            dry_run=options["dry_run"],
            keep_valid=options["keep_valid"],
        )
        import_finish(self, report, rejected_csv=options["rejected_csv"])
