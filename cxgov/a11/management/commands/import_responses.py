"""`cxgov import_responses FILE --survey ID --format FORMAT [--dry-run]`: response files."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cxgov.a11.formats import IMPORT_FORMATS
from cxgov.a11.importers import responses_import
from cxgov.core.imports.commands import import_arguments, import_finish
from cxgov.insights.fiscal import FiscalQuarter
from cxgov.surveys.models import Survey


class Command(BaseCommand):
    help = (
        "Import response-level rows into a survey: Touchpoints' 17-column A-11 v2 file, a "
        "Touchpoints form export, or our own response CSV. A file with any bad row stores "
        "nothing; importing the same file again adds nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        import_arguments(parser, formats=IMPORT_FORMATS, keep_valid=False)
        parser.add_argument("--survey", required=True, type=int, help="The survey's id.")
        parser.add_argument(
            "--fiscal-year", type=int, help="When the responses were collected (A-11 v2 file)."
        )
        parser.add_argument("--quarter", type=int, choices=(1, 2, 3, 4))
        parser.add_argument("--service", default="", help="Service slug for rows naming none.")
        parser.add_argument("--channel", default="", help="Channel for rows naming none.")

    def handle(self, *args: object, **options: object) -> None:
        survey = Survey.objects.filter(pk=options["survey"]).select_related("agency").first()
        if survey is None:
            raise CommandError(f"no survey has the id {options['survey']}")
        year, quarter = options["fiscal_year"], options["quarter"]
        if (year is None) != (quarter is None):
            raise CommandError("give both --fiscal-year and --quarter, or neither")
        if year is not None and not (isinstance(year, int) and 2000 <= year <= 2100):
            raise CommandError("--fiscal-year must be a year from 2000 to 2100")
        period = FiscalQuarter(int(str(year)), int(str(quarter))) if year is not None else None
        report = responses_import(
            actor=None,
            survey=survey,
            data=options["file"],  # type: ignore[arg-type]
            format=str(options["format"]),
            dry_run=bool(options["dry_run"]),
            period=period,
            service=str(options["service"]),
            channel=str(options["channel"]),
        )
        import_finish(self, report)
