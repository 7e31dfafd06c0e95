"""`cxgov import_benchmarks FILE --format {cxgov,acsi-published,performance-gov}`."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from cxgov.benchmarks.importers import FORMATS, benchmarks_import
from cxgov.core.imports.commands import (
    command_agency,
    command_file,
    import_arguments,
    import_finish,
)


class Command(BaseCommand):
    help = (
        "Import benchmark sources, series and observations from a CSV file (our cxgov format, "
        "the published ACSI scores file or performance.gov A-11 quarterly data) into the "
        "shared benchmark library, or with "
        "--agency into that agency's own library. A file with any bad row changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        import_arguments(parser)
        parser.add_argument("--format", required=True, choices=FORMATS)
        parser.add_argument("--agency", metavar="SLUG", help="Import into this agency's library.")

    def handle(self, *args: object, **options: object) -> None:
        agency = command_agency(options["agency"]) if options["agency"] else None
        report = benchmarks_import(
            actor=None,
            file=command_file(options),
            format=str(options["format"]),
            agency=agency,
            dry_run=bool(options["dry_run"]),
            keep_valid=bool(options["keep_valid"]),
        )
        import_finish(self, report, rejected_csv=options["rejected_csv"])
