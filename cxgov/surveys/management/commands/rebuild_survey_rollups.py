"""Recompute survey rollups from the stored answers (after a repair, restore or migration), and
the quarterly level from the days in the quarters of the agency's fiscal year now."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cxgov.surveys.models import Survey
from cxgov.surveys.rollups import rollups_rebuild


class Command(BaseCommand):
    help = (
        "Rebuild the answer and response rollups of one survey, an agency's surveys or all "
        "surveys from their answers, then their quarterly rollups from the daily ones in the "
        "agency's fiscal quarters. Imported quarterly figures are kept."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--survey", type=int, help="the survey's id")
        which.add_argument("--agency", help="the agency's short name (slug)")
        which.add_argument("--all", action="store_true", help="every survey")

    def handle(self, *args: Any, **options: Any) -> None:
        surveys = Survey.objects.select_related("agency").order_by("pk")
        if options["survey"] is not None:
            surveys = surveys.filter(pk=options["survey"])
            if not surveys.exists():
                raise CommandError(f"No survey with id {options['survey']}.")
        elif options["agency"]:
            surveys = surveys.filter(agency__slug=options["agency"])
            if not surveys.exists():
                raise CommandError(
                    f"No surveys for an agency with short name {options['agency']!r}."
                )
        total = 0
        for survey in surveys:
            result = rollups_rebuild(survey=survey)
            total += 1
            self.stdout.write(
                f"Survey {survey.pk} ({survey.title}): {result.responses} responses, "
                f"{result.answer_rows} answer rows, {result.response_rows} response rows."
            )
        self.stdout.write(f"Surveys rebuilt: {total}")
