"""`cxgov import_services FILE --format ...`: load a service inventory from a CSV file."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from cxgov.core.imports.commands import (
    command_agency,
    command_file,
    import_arguments,
    import_finish,
)
from cxgov.registry.importers import FORMATS, services_import


class Command(BaseCommand):
    help = (
        "Import services, channels and customer segments from a CSV file: our cxgov format, "
        "a GSA Touchpoints services export, or the Government of Canada Service Inventory. "
        "A file with any bad row changes nothing unless --keep-valid is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        import_arguments(parser)
        parser.add_argument("--format", required=True, choices=FORMATS)
        parser.add_argument(
            "--agency", metavar="SLUG", help="Put every row in this existing agency."
        )
        parser.add_argument(
            "--create-agencies",
            action="store_true",
            help="Create the agencies the file names that do not exist yet.",
        )

    def handle(self, *args: object, **options: object) -> None:
        agency = command_agency(options["agency"]) if options["agency"] else None
        report = services_import(
            actor=None,
            file=command_file(options),
            format=str(options["format"]),
            agency=agency,
            create_agencies=bool(options["create_agencies"]),
            dry_run=bool(options["dry_run"]),
            keep_valid=bool(options["keep_valid"]),
        )
        import_finish(self, report, rejected_csv=options["rejected_csv"])
