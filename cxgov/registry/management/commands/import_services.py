"""`cxgov import_services FILE --format ...`: load a service inventory from a CSV file."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from cxgov.core.imports.commands import command_agency, import_arguments, import_run
from cxgov.registry.importers import FORMATS, services_import


class Command(BaseCommand):
    help = (
        "Import services, channels and customer segments from a CSV file: our cxgov format, "
        "a GSA Touchpoints services export, or the Government of Canada Service Inventory. "
        "A file with any bad row changes nothing unless --keep-valid is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        import_arguments(parser, formats=FORMATS, create_agencies=True)
        parser.add_argument(
            "--agency", metavar="SLUG", help="Put every row in this existing agency."
        )

    def handle(self, *args: object, **options: Any) -> None:
        agency = command_agency(options["agency"]) if options["agency"] else None
        import_run(self, services_import, options, agency=agency)
