"""`cxgov import_a11_quarterly FILE --format performance-gov`: load published A-11 quarters."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from cxgov.core.imports.commands import import_arguments, import_finish
from cxgov.surveys.importers_a11 import FORMATS, a11_quarterly_import


class Command(BaseCommand):
    help = (
        "Import A-11 Section 280 quarterly survey figures (performance.gov layout): agencies, "
        "services and closed A-11 v1 surveys are matched or created, and each row's counts are "
        "stored as imported results. A file with any bad cell changes nothing unless "
        "--keep-valid is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        import_arguments(parser)
        parser.add_argument("--format", required=True, choices=FORMATS)

    def handle(self, *args: object, **options: object) -> None:
        report = a11_quarterly_import(
            actor=None,
            text=options["file"],  # type: ignore[arg-type]
            dry_run=bool(options["dry_run"]),
            keep_valid=bool(options["keep_valid"]),
        )
        import_finish(self, report, rejected_csv=options["rejected_csv"])
