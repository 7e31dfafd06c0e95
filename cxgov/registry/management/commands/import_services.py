"""`cxgov import_services FILE --format ...`: load a service inventory from a CSV file."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404

from cxgov.registry.importers import FORMATS, services_import
from cxgov.registry.selectors import agency_public


class Command(BaseCommand):
    help = (
        "Import services, channels and customer segments from a CSV file: our cxgov format, "
        "a GSA Touchpoints services export, or the Government of Canada Service Inventory. "
        "A file with any bad row changes nothing unless --skip-invalid is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The CSV file (UTF-8).")
        parser.add_argument("--format", required=True, choices=FORMATS)
        parser.add_argument(
            "--agency", metavar="SLUG", help="Put every row in this existing agency."
        )
        parser.add_argument(
            "--create-agencies",
            action="store_true",
            help="Create the agencies the file names that do not exist yet.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would change; write nothing."
        )
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="Import the good rows and report the bad ones, instead of rejecting the file.",
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
            skip_invalid=bool(options["skip_invalid"]),
        )
        for line in report.summary_lines():
            self.stdout.write(line)
        if report.dry_run:
            self.stdout.write("dry run: nothing was written")
        if report.rejected:
            raise CommandError("the file was rejected: nothing was written")
        if not report.dry_run:
            self.stdout.write(self.style.SUCCESS("import finished"))
