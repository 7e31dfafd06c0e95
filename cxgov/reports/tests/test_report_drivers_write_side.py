"""The survey report's key driver analyses are asked for on the write side: the worker that
runs when responses change stores each fiscal year's analysis, and reading the report writes
nothing to the database."""

from __future__ import annotations

import pytest

from cxgov.reports.selectors.drivers import report_driver_specs, report_drivers_missing
from cxgov.reports.tests.factories import report_surveys
from cxgov.surveys import services
from cxgov.surveys.models import DriverRun
from cxgov.testing.prepared import prepared_get

pytestmark = pytest.mark.django_db

REPORT = "/staff/agencies/alpha/reports/fy2026/"
COMPUTING = "The key driver analysis is being computed"


def test_reading_the_fiscal_year_report_asks_for_nothing(
    analyst_a_client, agency_a, monkeypatch: pytest.MonkeyPatch
) -> None:
    report_surveys(agency_a, employees=False)
    runs = list(DriverRun.objects.order_by("pk").values_list("pk", "key", "stale"))
    queued: list[int] = []
    monkeypatch.setattr(services, "_drivers_queue", queued.append)
    for _reading in range(2):
        assert prepared_get(analyst_a_client, REPORT).status_code == 200
    assert list(DriverRun.objects.order_by("pk").values_list("pk", "key", "stale")) == runs
    assert queued == []


def test_the_worker_stores_each_fiscal_years_report_analysis_when_responses_change(
    analyst_a_client, agency_a
) -> None:
    _services, surveys = report_surveys(agency_a, employees=False)
    assert report_drivers_missing(agency=agency_a, fiscal_year=2026, quarter=None)
    specs = {survey.template: report_driver_specs(survey) for survey in surveys}
    assert specs["a11_v1"], "the v1 survey's agreement questions have an analysis"
    assert all(spec["filters"] for found in specs.values() for spec in found)
    for survey in surveys:
        services.drivers_compute(survey_id=survey.pk)
    assert report_drivers_missing(agency=agency_a, fiscal_year=2026, quarter=None) == []
    assert not DriverRun.objects.filter(survey__in=surveys, stale=True).exists()
    html = prepared_get(analyst_a_client, REPORT).content.decode()
    assert COMPUTING not in html
    # A second run finds nothing more to ask for.
    before = DriverRun.objects.count()
    services.drivers_compute(survey_id=surveys[0].pk)
    assert DriverRun.objects.count() == before


def test_employee_surveys_get_no_report_analysis(agency_a) -> None:
    _services, surveys = report_surveys(agency_a)
    employee = next(s for s in surveys if s.is_employee)
    assert report_driver_specs(employee) == []


def test_a_quarter_report_asks_for_its_analyses_only_when_the_button_is_pressed(
    analyst_a_client, agency_a, monkeypatch: pytest.MonkeyPatch
) -> None:
    report_surveys(agency_a, employees=False)
    quarter = "/staff/agencies/alpha/reports/fy2026-q2/"
    missing = report_drivers_missing(agency=agency_a, fiscal_year=2026, quarter=2)
    assert missing, "the quarter's analyses are not stored by the worker"
    before = DriverRun.objects.count()
    queued: list[int] = []
    monkeypatch.setattr(services, "_drivers_queue", queued.append)
    html = prepared_get(analyst_a_client, quarter).content.decode()
    assert 'id="drivers-missing"' in html and "Compute the key driver analyses" in html
    assert "has not been computed yet" in html
    assert DriverRun.objects.count() == before and queued == []
    reply = analyst_a_client.post(quarter)
    assert reply.status_code == 302 and reply["Location"] == quarter
    assert DriverRun.objects.count() == before + len(missing)
    assert report_drivers_missing(agency=agency_a, fiscal_year=2026, quarter=2) == []
    # Pressed again, nothing more is asked for, and the page now says they are being computed.
    analyst_a_client.post(quarter)
    assert DriverRun.objects.count() == before + len(missing)
    html = prepared_get(analyst_a_client, quarter).content.decode()
    assert 'id="drivers-missing"' not in html and COMPUTING in html


def test_another_agencys_staff_cannot_ask_for_the_analyses(handler_b_client, agency_a) -> None:
    report_surveys(agency_a, employees=False)
    before = DriverRun.objects.count()
    assert handler_b_client.post("/staff/agencies/alpha/reports/fy2026-q2/").status_code == 404
    assert DriverRun.objects.count() == before
