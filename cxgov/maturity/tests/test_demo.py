"""The demo agency has last year's and this year's maturity self-assessment, so the maturity
pages open populated, with a trend, and oversight's side-by-side page has its row."""

from __future__ import annotations

import pytest
from django.test import Client

from cxgov.core.models import Agency, AuditEvent, User
from cxgov.maturity.demo import demo_load
from cxgov.maturity.models import Assessment
from cxgov.maturity.selectors import current_fiscal_year, maturity_trend

pytestmark = pytest.mark.django_db


def _client(email: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(email=email))
    return client


def test_the_demo_agency_has_two_years_of_assessments_with_a_rising_trend(demo_data) -> None:
    agency = Agency.objects.get(slug="fba")
    this_year = current_fiscal_year(agency=agency)
    years = sorted(Assessment.objects.filter(agency=agency).values_list("fiscal_year", flat=True))
    assert years == [this_year - 1, this_year]
    trend = maturity_trend(agency=agency, fiscal_year=this_year)
    assert all(row.previous is not None and row.current is not None for row in trend)
    assert any(row.change and row.change > 0 for row in trend)
    assert not Assessment.objects.filter(agency__slug="nppo").exists()


def test_loading_again_changes_nothing(demo_data) -> None:
    events = AuditEvent.objects.count()
    assessments = list(Assessment.objects.order_by("pk").values_list("pk", "updated_at"))
    demo_load()
    assert AuditEvent.objects.count() == events
    assert list(Assessment.objects.order_by("pk").values_list("pk", "updated_at")) == assessments


def test_the_maturity_pages_show_the_demo_scores(demo_data) -> None:
    agency = Agency.objects.get(slug="fba")
    this_year = current_fiscal_year(agency=agency)
    page = _client("manager@fba.example.gov").get(f"/staff/agencies/fba/maturity/{this_year}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Forms tested with screen readers." in text
    assert "https://www.fba.example.gov/cx/standards" in text
    assert str(this_year - 1) in text
    oversight = _client("oversight@omb.example.gov").get(
        f"/staff/oversight/maturity/?fiscal_year={this_year}"
    )
    assert oversight.status_code == 200
    row = oversight.content.decode()
    assert "Federal Benefits Administration" in row
    assert "3.7" in row  # Measurement this year: (4 + 4 + 3) / 3
