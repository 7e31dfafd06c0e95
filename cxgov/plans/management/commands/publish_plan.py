"""`cxgov publish_plan --agency SLUG --year YEAR`: publish a new version of a plan."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cxgov.plans.models import Plan
from cxgov.plans.services import plan_publish


class Command(BaseCommand):
    help = (
        "Publish a new version of an agency's customer service plan: today's records and the "
        "draft's text, frozen and put on the public site. Run it after records change."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--agency", required=True, help="The agency's short name (slug).")
        parser.add_argument("--year", required=True, type=int, help="The plan's fiscal year.")

    def handle(self, *args: object, **options: object) -> None:
        slug, year = str(options["agency"]), int(str(options["year"]))
        plan = Plan.objects.filter(agency__slug=slug, year=year).select_related("agency").first()
        if plan is None:
            raise CommandError(f"no plan for agency {slug!r} and fiscal year {year}")
        version = plan_publish(actor=None, plan=plan)
        self.stdout.write(f"{plan.agency.slug} FY{plan.year}: version {version.number} published")
