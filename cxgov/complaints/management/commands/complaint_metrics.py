"""`cxgov complaint_metrics --agency SLUG --by category --format csv`."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from cxgov.complaints.selectors import METRIC_DIMENSIONS, complaint_facts
from cxgov.core.imports.commands import command_agencies
from cxgov.core.tables import csv_lines
from cxgov.insights.complaint_metrics import MIN_CELL, measures_by_group

COLUMNS = [
    "group",
    "complaints",
    "timely_n",
    "timely",
    "timely_share",
    "timely_ci_low",
    "timely_ci_high",
    "median_days_to_respond",
    "disputed",
    "dispute_rate",
]


class Command(BaseCommand):
    help = "Complaint volume, share timely (n, 95% CI), median days to respond and dispute rate."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--agency", help="slug; every agency when left out")
        parser.add_argument("--by", choices=METRIC_DIMENSIONS, default="category")
        parser.add_argument("--format", choices=["csv", "json"], default="csv")
        parser.add_argument(
            "--min-n", type=int, default=MIN_CELL, help="suppress shares of smaller groups"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        agencies = command_agencies(options["agency"])
        facts = [
            fact for agency in agencies for fact in complaint_facts(agency=agency, by=options["by"])
        ]
        measures = measures_by_group(facts, min_cell=max(1, options["min_n"]))
        if options["format"] == "json":
            self.stdout.write(json.dumps([asdict(m) for m in measures], indent=2))
            return
        header = [options["by"] if c == "group" else c for c in COLUMNS]
        rows = (
            [
                f"{value:.4f}" if isinstance(value, float) else value
                for value in (asdict(measure)[c] for c in COLUMNS)
            ]
            for measure in measures
        )
        for line in csv_lines(header, rows):
            self.stdout.write(line, ending="")
