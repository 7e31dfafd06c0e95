"""`cxgov publish_plan --agency SLUG --year YEAR`: publish an approved plan."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from cxgov.core.approvals import approval_kind
from cxgov.core.imports.commands import agency_argument
from cxgov.core.models import ApprovalAct
from cxgov.core.services_approvals import approval_step_take
from cxgov.plans.models import Plan
from cxgov.plans.selectors import plan_versions
from cxgov.plans.services import APPROVAL_KIND


class Command(BaseCommand):
    help = (
        "Publish an agency's customer service plan once a second member approved it on its "
        "review page: today's records and the draft's text, frozen and put on the public site."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        agency_argument(parser)
        parser.add_argument("--year", required=True, type=int, help="The plan's fiscal year.")

    def handle(self, *args: object, **options: object) -> None:
        slug, year = str(options["agency"]), int(str(options["year"]))
        plan = Plan.objects.filter(agency__slug=slug, year=year).select_related("agency").first()
        kind = approval_kind(APPROVAL_KIND)
        if plan is None or kind is None:
            raise CommandError(f"no plan for agency {slug!r} and fiscal year {year}")
        try:
            approval_step_take(actor=None, kind=kind, record=plan, act=ApprovalAct.PUBLISH)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        version = plan_versions(plan=plan).first()
        number = version.number if version is not None else 0
        self.stdout.write(f"{plan.agency.slug} FY{plan.year}: version {number} published")
