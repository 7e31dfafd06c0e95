"""`cxgov import_standards FILE --format {cxgov,canada-ss}`: load standards and results."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from cxgov.core.imports.commands import import_arguments, import_run
from cxgov.standards.importers import FORMATS, standards_import


class Command(BaseCommand):
    help = (
        "Import posted service standards and their reported results from a CSV file. "
        "A file with any bad row changes nothing; every bad row is listed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        import_arguments(parser, formats=FORMATS, keep_valid=False, create_agencies=True)

    def handle(self, *args: object, **options: Any) -> None:
        import_run(self, standards_import, options)
