"""`cxgov import_services FILE --format ...`: load a service inventory from a CSV file."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404

from cxgov.core.imports.commands import import_arguments, import_finish
from cxgov.registry.importers import FORMATS, services_import
from cxgov.registry.selectors import agency_public


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
        agency = None
        if options["agency"]:
            try:
                agency = agency_public(slug=str(options["agency"]))
            except Http404:
                raise CommandError(f'no agency has the short name "{options["agency"]}"') from None
        file = options["file"]
        if not isinstance(file, Path):
            raise CommandError("give the path of a CSV file")
        report = services_import(
            actor=None,
            file=file,
            format=str(options["format"]),
            agency=agency,
            create_agencies=bool(options["create_agencies"]),
            dry_run=bool(options["dry_run"]),
            keep_valid=bool(options["keep_valid"]),
        )
        import_finish(self, report, rejected_csv=options["rejected_csv"])
