"""Pages that set agencies side by side (the public catalogue and performance pages, the
oversight home) count an agency's figures from its own today, in its time zone: the server's
clock, here in Tokyo and already on 1 October, does not move a Pacific agency into the next
quarter while it is still 30 September there."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from cxgov.complaints.models import Complaint, Status
from cxgov.complaints.services import complaint_create
from cxgov.core.models import Agency
from cxgov.insights.fiscal import FiscalQuarter
from cxgov.registry.models import Service
from cxgov.reports.oversight import LATE, OPEN, complaint_timeliness, reporting_calendar
from cxgov.reports.performance import latest_quarter
from cxgov.testing.factories import AgencyFactory, ServiceFactory

PACIFIC = ZoneInfo("America/Los_Angeles")
# 22:30 Pacific on 30 September 2026 is 14:30 on 1 October in Tokyo.
LATE_EVENING = datetime(2026, 9, 30, 22, 30, tzinfo=PACIFIC)

pytestmark = pytest.mark.django_db


@pytest.fixture
def pacific(settings) -> Agency:
    settings.TIME_ZONE = "Asia/Tokyo"
    return AgencyFactory(name="Pacific Agency", slug="pacific", time_zone="America/Los_Angeles")


@pytest.fixture
def service(pacific: Agency) -> Service:
    return ServiceFactory(agency=pacific, name="Renew a permit", slug="permit")


def test_the_latest_quarter_is_the_agencys_not_the_servers(pacific: Agency):
    with time_machine.travel(LATE_EVENING, tick=False):
        assert str(latest_quarter()) == "FY2026 Q4"  # the server's: 1 October in Tokyo
        assert str(latest_quarter(agency=pacific)) == "FY2026 Q3"


def test_public_pages_headline_the_quarter_ended_on_the_agencys_calendar(
    client: Client, service: Service
):
    with time_machine.travel(LATE_EVENING, tick=False):
        performance = client.get("/agencies/pacific/services/permit/performance/")
        home = client.get("/")
    assert performance.status_code == 200
    page = performance.content.decode()
    assert "FY2026 Q3" in page and "FY2026 Q4" not in page
    assert home.status_code == 200
    assert "FY2026 Q3" in home.content.decode()


def test_a_report_due_today_is_not_late_until_the_agencys_day_ends(
    pacific: Agency, service: Service
):
    # FY2026 Q3 ended on 30 June; its reports are due by 30 July.
    quarter = FiscalQuarter(2026, 3)
    with time_machine.travel(datetime(2026, 7, 30, 22, 30, tzinfo=PACIFIC), tick=False):
        (row,) = reporting_calendar(agencies=[pacific], quarter=quarter)
        assert row.latest.state == OPEN
    with time_machine.travel(datetime(2026, 7, 31, 0, 30, tzinfo=PACIFIC), tick=False):
        (row,) = reporting_calendar(agencies=[pacific], quarter=quarter)
        assert row.latest.state == LATE


def test_a_complaint_closed_late_on_the_quarters_last_evening_counts_in_that_quarter(
    pacific: Agency, service: Service
):
    with time_machine.travel(LATE_EVENING, tick=False):
        complaint = complaint_create(
            agency=pacific, service=service, what_happened="No reply.", send_acknowledgment=False
        )
    Complaint.objects.filter(pk=complaint.pk).update(
        status=Status.CLOSED, closed_at=LATE_EVENING, final_timely=True
    )
    (fourth,) = complaint_timeliness(agencies=[pacific], quarter=FiscalQuarter(2026, 4))
    assert fourth.closed == 1
    (first,) = complaint_timeliness(agencies=[pacific], quarter=FiscalQuarter(2027, 1))
    assert first.closed == 0
