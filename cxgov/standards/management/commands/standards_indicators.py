"""`cxgov standards_indicators --format csv`: oversight indicators per agency."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from cxgov.core.tables import csv_lines
from cxgov.standards.selectors import indicators

COLUMNS = (
    "agency",
    "services",
    "services_with_standard",
    "share_services_with_standard",
    "standards_judged",
    "standards_met",
    "share_standards_met",
)


def _share(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


class Command(BaseCommand):
    help = (
        "Print per agency the share of services with at least one standard and the share of "
        "standards met in their latest period."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=("csv",), default="csv")

    def handle(self, *args: object, **options: object) -> None:
        rows = (
            (
                row.agency.slug,
                row.services,
                row.services_with_standard,
                _share(row.share_services_with_standard),
                row.standards_with_result,
                row.standards_met,
                _share(row.share_standards_met),
            )
            for row in indicators()
        )
        for line in csv_lines(COLUMNS, rows, line_end="\n"):
            self.stdout.write(line, ending="")
