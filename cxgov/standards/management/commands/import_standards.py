"""`cxgov import_standards FILE --format {cxgov,canada-ss}`: load standards and results."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from cxgov.core.imports.commands import import_arguments, import_finish
from cxgov.standards.importers import FORMATS, standards_import


class Command(BaseCommand):
    help = (
        "Import posted service standards and their reported results from a CSV file. "
        "A file with any bad row changes nothing; every bad row is listed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        import_arguments(parser, keep_valid=False)
        parser.add_argument("--format", required=True, choices=FORMATS)
        parser.add_argument(
            "--create-agencies",
            action="store_true",
            help="Create the agencies the file names that do not exist yet.",
        )

    def handle(self, *args: object, **options: object) -> None:
        report = standards_import(
            actor=None,
            file=options["file"],  # type: ignore[arg-type]
            format=str(options["format"]),
            create_agencies=bool(options["create_agencies"]),
            dry_run=bool(options["dry_run"]),
        )
        import_finish(self, report)
