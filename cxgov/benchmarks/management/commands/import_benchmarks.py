"""`cxgov import_benchmarks FILE --format {cxgov,acsi-published,performance-gov}`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from cxgov.benchmarks.importers import FORMATS, benchmarks_import
from cxgov.core.imports.commands import command_agency, import_arguments, import_run


class Command(BaseCommand):
    help = (
        "Import benchmark sources, series and observations from a CSV file (our cxgov format, "
        "the published ACSI scores file or performance.gov A-11 quarterly data) into the "
        "shared benchmark library, or with "
        "--agency into that agency's own library. A file with any bad row changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        import_arguments(parser, formats=FORMATS)
        parser.add_argument("--agency", metavar="SLUG", help="Import into this agency's library.")

    def handle(self, *args: object, **options: Any) -> None:
        agency = command_agency(options["agency"]) if options["agency"] else None
        import_run(self, benchmarks_import, options, agency=agency)
