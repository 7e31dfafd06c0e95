"""`cxgov export_a11_quarterly --fiscal-year Y --quarter Q --format FORMAT [--output FILE]`."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cxgov.a11.exporters import csv_lines, export_table
from cxgov.a11.formats import EXPORT_FORMATS
from cxgov.core.imports.commands import command_agencies
from cxgov.insights.fiscal import FiscalQuarter


class Command(BaseCommand):
    help = (
        "Write an A-11 quarterly file: the per-question summary, Touchpoints' 17-column A-11 "
        "v2 response file, or Touchpoints' CX collection detail file. All agencies unless "
        "--agency is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--fiscal-year", required=True, type=int)
        parser.add_argument("--quarter", required=True, type=int, choices=(1, 2, 3, 4))
        parser.add_argument("--agency", metavar="SLUG", help="Only this agency.")
        parser.add_argument("--survey", type=int, help="Only this survey (A-11 v2 file).")
        parser.add_argument("--format", required=True, choices=EXPORT_FORMATS)
        parser.add_argument("--output", type=Path, help="Write here instead of standard output.")

    def handle(self, *args: object, **options: object) -> None:
        year = options["fiscal_year"]
        if not isinstance(year, int) or not 2000 <= year <= 2100:
            raise CommandError("--fiscal-year must be a year from 2000 to 2100")
        period = FiscalQuarter(year, int(str(options["quarter"])))
        agencies = command_agencies(options["agency"]).order_by("name")
        survey = options["survey"]
        header, rows = export_table(
            format=str(options["format"]),
            agencies=agencies,
            period=period,
            survey_id=survey if isinstance(survey, int) else None,
        )
        output = options["output"]
        if isinstance(output, Path):
            try:
                with output.open("w", encoding="utf-8", newline="") as handle:
                    handle.writelines(csv_lines(header, rows))
            except OSError as error:
                raise CommandError(f"cannot write {output} ({error.strerror})") from None
            self.stderr.write(f"wrote {output}")
        else:
            for line in csv_lines(header, rows):
                self.stdout.write(line, ending="")
