"""Deterministic demo data of the whole site: two fictional agencies and one user per role.

Each app adds its own records through `demo_load` in its demo module; this calls them in order.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection, transaction

from cxgov.a11.demo import demo_load as a11_demo_load
from cxgov.actions.demo import action_plan_demo_load
from cxgov.actions.demo import demo_load as actions_demo_load
from cxgov.benchmarks.demo import demo_load as benchmarks_demo_load
from cxgov.complaints.demo import demo_load as complaints_demo_load
from cxgov.core.models import Agency, Role, User
from cxgov.core.permissions import Can
from cxgov.core.services import audit_record, membership_grant, site_grant_give, user_create
from cxgov.maturity.demo import demo_load as maturity_demo_load
from cxgov.plans.demo import demo_load as plans_demo_load
from cxgov.registry.demo import demo_load as registry_demo_load
from cxgov.reports.selectors import report_periods
from cxgov.reports.services import report_drivers_request
from cxgov.standards.demo import demo_load as standards_demo_load
from cxgov.surveys.demo import demo_load as surveys_demo_load
from cxgov.surveys.rollups import rollups_fold_due

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - printed for the local demo only


def demo_refuse_without_debug() -> None:
    """Stop the demo commands on anything but a development machine (DEBUG on).

    They create accounts whose password is published, so on a production database they would
    open the site to anyone who read the README.
    """
    if not settings.DEBUG:
        raise CommandError(
            "The demo creates accounts with a published password, so it runs only with "
            "DEBUG=true on a development machine. DEBUG is off here; nothing was changed."
        )


@dataclass(frozen=True)
class DemoUser:
    email: str
    full_name: str
    role: Role
    agency_slug: str


DEMO_USERS = [
    DemoUser("admin@fba.example.gov", "Alex Admin", Role.AGENCY_ADMIN, "fba"),
    DemoUser("manager@fba.example.gov", "Morgan Manager", Role.SERVICE_MANAGER, "fba"),
    DemoUser("analyst@fba.example.gov", "Ana Analyst", Role.CX_ANALYST, "fba"),
    DemoUser("handler@fba.example.gov", "Hugo Handler", Role.COMPLAINT_HANDLER, "fba"),
    DemoUser("frontline@fba.example.gov", "Frankie Frontline", Role.FRONTLINE_EMPLOYEE, "fba"),
    DemoUser("oversight@omb.example.gov", "Olivia Oversight", Role.OVERSIGHT, "fba"),
    DemoUser("admin@nppo.example.gov", "Noor Admin", Role.AGENCY_ADMIN, "nppo"),
]


# A site administrator (Django superuser): the site admin at /site-admin/, no agency role.
DEMO_SITE_ADMIN_EMAIL = "siteadmin@cxgov.example.gov"


def _site_admin_load() -> None:
    if User.objects.filter(email=DEMO_SITE_ADMIN_EMAIL).exists():
        return
    user = User.objects.create_superuser(
        DEMO_SITE_ADMIN_EMAIL, DEMO_PASSWORD, full_name="Sam Site-Admin"
    )
    audit_record(actor=None, action="user.create", target=user, data={"superuser": True})


@transaction.atomic
def demo_load() -> list[DemoUser]:
    """Create the demo records once; running again changes nothing."""
    agencies = registry_demo_load()
    for demo_user in DEMO_USERS:
        user = User.objects.filter(email=demo_user.email).first()
        if user is None:
            user = user_create(
                email=demo_user.email, password=DEMO_PASSWORD, full_name=demo_user.full_name
            )
        membership_grant(user=user, agency=agencies[demo_user.agency_slug], role=demo_user.role)
    # Oversight reads across agencies: give the demo oversight user the second agency too.
    oversight = User.objects.get(email="oversight@omb.example.gov")
    membership_grant(user=oversight, agency=agencies["nppo"], role=Role.OVERSIGHT)
    # And the site-wide oversight grant: the oversight home across every agency.
    site_grant_give(user=oversight, need=Can.OVERSEE_GOVERNMENT)
    _site_admin_load()
    standards_demo_load()
    benchmarks_demo_load()
    surveys_demo_load()
    complaints_demo_load()
    a11_demo_load()
    actions_demo_load()
    action_plan_demo_load()
    maturity_demo_load()
    # Responses other apps' demos stored, folded into the rollups as the worker would.
    rollups_fold_due()
    # Last: the plan is assembled from every other app's demo records.
    plans_demo_load()
    if connection.vendor == "postgresql":
        # Fresh planner statistics after the bulk loads: without them the report's answer
        # queries are planned as nested loops over the whole table.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    _report_drivers_load(agencies.values())
    return DEMO_USERS


def _report_drivers_load(agencies: Iterable[Agency]) -> None:
    """Store the key driver analyses of each fiscal year's survey report, as the worker leaves
    them, so the demo's reports open complete."""
    for agency in agencies:
        for row in report_periods(agency=agency):
            report_drivers_request(
                agency=agency, fiscal_year=row.fiscal_year, quarter=None, wait=True
            )
