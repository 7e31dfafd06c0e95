"""`cxgov build_report --agency SLUG --fiscal-year Y [--quarter Q] --format {html,pdf,csv}`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cxgov.core.imports.commands import agency_argument, command_agency
from cxgov.reports.rendering import file_stem, report_html, report_pdf, table_csv, tables_zip
from cxgov.reports.selectors import ReportPeriod, report_build
from cxgov.reports.services import report_drivers_request


class Command(BaseCommand):
    help = (
        "Write an agency's survey report for a fiscal year or quarter as HTML, a tagged PDF, "
        "or its tables as CSV (a .zip file, or a directory of .csv files for any other path)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        agency_argument(parser)
        parser.add_argument("--fiscal-year", type=int, required=True, help="e.g. 2026")
        parser.add_argument("--quarter", type=int, choices=[1, 2, 3, 4], help="fiscal quarter")
        parser.add_argument("--format", choices=["html", "pdf", "csv"], default="pdf")
        parser.add_argument("--language", choices=["en", "es"], default="en")
        parser.add_argument(
            "--output",
            help="file to write (csv: a .zip file, or else a directory); "
            "default: <agency>-survey-report-<period>-<language>.<html|pdf|zip> here",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        agency = command_agency(options["agency"])
        try:
            ReportPeriod(options["fiscal_year"], options["quarter"])
        except ValueError as error:
            raise CommandError(f"--fiscal-year: {error}") from error
        report_drivers_request(
            agency=agency,
            fiscal_year=options["fiscal_year"],
            quarter=options["quarter"],
            wait=True,
        )
        data = report_build(
            agency=agency,
            fiscal_year=options["fiscal_year"],
            quarter=options["quarter"],
            language=options["language"],
        )
        kind = options["format"]
        default = {"html": ".html", "pdf": ".pdf", "csv": "-tables.zip"}[kind]
        output = Path(options["output"] or f"{file_stem(data)}{default}")
        try:
            if kind == "html":
                output.write_text(report_html(data, for_pdf=True), encoding="utf-8")
            elif kind == "pdf":
                output.write_bytes(report_pdf(data))
            elif output.suffix == ".zip":
                output.write_bytes(tables_zip(data))
            else:
                output.mkdir(parents=True, exist_ok=True)
                for table in data.tables():
                    (output / f"{table.id}.csv").write_text(table_csv(table), encoding="utf-8")
        except OSError as error:
            raise CommandError(f"--output: cannot write {output}: {error.strerror}") from error
        tables = len(data.tables())
        self.stdout.write(f"Wrote {output} ({data.title}; {tables} tables).")
