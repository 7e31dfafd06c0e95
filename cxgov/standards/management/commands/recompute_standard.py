"""`cxgov recompute_standard ID`: rebuild a standard's daily rollups from its raw events."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cxgov.standards import services
from cxgov.standards.models import Standard


class Command(BaseCommand):
    help = "Rebuild every daily rollup of a standard from the raw events kept for it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("standard", type=int)

    def handle(self, *args: object, **options: object) -> None:
        standard = Standard.objects.select_related("agency").filter(pk=options["standard"]).first()
        if standard is None:
            raise CommandError(f"no standard has the id {options['standard']}")
        days = services.standard_recompute(actor=None, standard=standard)
        self.stdout.write(f"{days} days recomputed")
