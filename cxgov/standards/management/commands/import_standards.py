"""`cxgov import_standards FILE --format {cxgov,canada-ss}`: load standards and results."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cxgov.standards.importers import FORMATS, standards_import


class Command(BaseCommand):
    help = (
        "Import posted service standards and their reported results from a CSV file. "
        "A file with any bad row changes nothing; every bad row is listed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--format", required=True, choices=FORMATS)
        parser.add_argument(
            "--create-agencies",
            action="store_true",
            help="Create the agencies the file names that do not exist yet.",
        )

    def handle(self, *args: object, **options: object) -> None:
        file = options["file"]
        if not isinstance(file, Path):
            raise CommandError("give the path of a file")
        if not file.exists():
            raise CommandError(f"no file at {file}")
        try:
            report = standards_import(
                actor=None,
                file=file,
                format=str(options["format"]),
                create_agencies=bool(options["create_agencies"]),
            )
        except ValueError as error:
            raise CommandError(str(error)) from None
        for problem in report.problems:
            self.stdout.write(str(problem))
        if report.rejected:
            raise CommandError("the file was rejected: nothing was written")
        self.stdout.write(
            f"{report.rows} rows: {report.standards_created} standards created, "
            f"{report.standards_updated} updated, {report.results_recorded} results recorded, "
            f"{report.agencies_created} agencies created"
        )
