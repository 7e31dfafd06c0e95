"""`cxgov import_a11_quarterly FILE --format performance-gov --as EMAIL`: A-11 quarters."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cxgov.a11.importers_performance_gov import FORMATS, a11_quarterly_import
from cxgov.core.imports.commands import import_arguments, import_finish
from cxgov.core.permissions import Can, site_permission
from cxgov.core.selectors import site_grant_holder


class Command(BaseCommand):
    help = (
        "Import A-11 Section 280 quarterly survey figures (performance.gov layout): agencies, "
        "services and closed A-11 v1 surveys are matched or created, and each row's counts are "
        "stored as imported results. A file with any bad cell changes nothing unless "
        "--keep-valid is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        import_arguments(parser, formats=FORMATS)
        parser.add_argument(
            "--as",
            dest="actor",
            required=True,
            metavar="EMAIL",
            help="Who runs the import; they need the site-wide grant to import government data.",
        )

    def handle(self, *args: object, **options: object) -> None:
        actor = site_grant_holder(email=str(options["actor"]), need=Can.IMPORT_GOVERNMENT_DATA)
        if actor is None:
            raise CommandError(
                f"{options['actor']} may not import government data: an administrator grants "
                f"{site_permission(Can.IMPORT_GOVERNMENT_DATA)} in the site admin"
            )
        report = a11_quarterly_import(
            actor=actor,
            text=options["file"],  # type: ignore[arg-type]
            dry_run=bool(options["dry_run"]),
            keep_valid=bool(options["keep_valid"]),
        )
        import_finish(self, report, rejected_csv=options["rejected_csv"])
