"""The survey report page reads figures the worker prepared, and its zip of tables is a prepared
file (decisions 0049 and 0063): 202 before, the same figures after, refreshed when asked or
when old, an error page with "Try again" when a build fails, and no heavy work in the request."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import timedelta
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from django.test import Client, TestCase
from django.utils import timezone

from cxgov.core import prepared as core_prepared
from cxgov.core.models import PreparedFile, PreparedFileStatus
from cxgov.reports import prepared as report_prepared
from cxgov.reports.prepared import REPORT_PAGE, REPORT_TABLES
from cxgov.reports.rendering import report_html, tables_zip
from cxgov.reports.selectors import drivers as report_drivers
from cxgov.reports.selectors import report_build
from cxgov.reports.tests.factories import report_surveys
from cxgov.testing.prepared import prepared_get, prepared_work

pytestmark = pytest.mark.django_db
REPORT = "/staff/agencies/alpha/reports/fy2026/"


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def surveyed(agency_a):
    report_surveys(agency_a, customers=40, employees=False)
    return agency_a


def _tables(html: str) -> dict[str, list[list[str]]]:
    tables = {}
    for table_id, body in re.findall(
        r'<table[^>]*id="table-([\w-]+)"[^>]*>(.*?)</table>', html, re.S
    ):
        rows = []
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
            cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
            rows.append([unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in cells])
        tables[table_id] = rows
    return tables


def _boom(*_args: Any, **_kwargs: Any) -> Any:
    raise AssertionError("the heavy builder ran")


def test_the_page_answers_202_then_the_figures_the_report_computes(
    analyst_a_client: Client, surveyed
):
    waiting = analyst_a_client.get(REPORT)
    assert waiting.status_code == 202
    assert "Being prepared" in waiting.content.decode()
    page = prepared_get(analyst_a_client, REPORT)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Figures as of" in html and 'name="prepared" value="refresh"' in html
    computed = report_html(
        report_build(agency=surveyed, fiscal_year=2026, quarter=None), for_pdf=False
    )
    assert _tables(html) == _tables(computed)
    assert len(_tables(html)) >= 5


def test_the_request_does_not_build_the_report_once_its_figures_are_ready(
    analyst_a_client: Client, surveyed, monkeypatch: pytest.MonkeyPatch
):
    assert prepared_get(analyst_a_client, REPORT).status_code == 200
    monkeypatch.setattr(report_prepared, "report_build", _boom)
    monkeypatch.setattr(report_drivers, "report_drivers_missing", _boom)
    page = analyst_a_client.get(REPORT)
    assert page.status_code == 200
    assert "Key drivers" in page.content.decode()
    download = analyst_a_client.get(REPORT, {"download": "methods"})
    assert download.status_code == 200 and download["Content-Type"].startswith("text/csv")


def test_the_drivers_flag_comes_from_the_prepared_report(
    analyst_a_client: Client, surveyed, monkeypatch: pytest.MonkeyPatch
):
    # The page asks nothing of the drivers itself: the flag is part of the prepared figures.
    monkeypatch.setattr(report_drivers, "report_drivers_missing", _boom)
    quarter = prepared_get(analyst_a_client, "/staff/agencies/alpha/reports/fy2026-q2/")
    assert quarter.status_code == 200
    assert 'id="drivers-missing"' in quarter.content.decode()
    row = PreparedFile.objects.get(kind=REPORT_PAGE, params__quarter=2)
    assert row.data["drivers_missing"] is True


def test_refresh_rebuilds_the_figures_with_the_changed_data(analyst_a_client: Client, surveyed):
    assert "Agency Alpha, FY2026" in prepared_get(analyst_a_client, REPORT).content.decode()
    surveyed.name = "Agency Renamed"
    surveyed.save()
    # Within their age the prepared figures are shown as they are, with their time.
    assert "Agency Alpha, FY2026" in analyst_a_client.get(REPORT).content.decode()
    with TestCase.captureOnCommitCallbacks(execute=True):
        asked = analyst_a_client.post(REPORT, {"prepared": "refresh"})
    assert asked.status_code == 302 and asked["Location"] == REPORT
    assert "Agency Renamed, FY2026" in analyst_a_client.get(REPORT).content.decode()
    assert PreparedFile.objects.filter(kind=REPORT_PAGE).count() == 1


def test_old_figures_are_shown_while_newer_ones_are_built(analyst_a_client: Client, surveyed):
    prepared_get(analyst_a_client, REPORT)
    surveyed.name = "Agency Renamed"
    surveyed.save()
    PreparedFile.objects.filter(kind=REPORT_PAGE).update(
        finished_at=timezone.now() - timedelta(hours=1)
    )
    stale = analyst_a_client.get(REPORT)  # the rebuild is queued, not yet run
    assert stale.status_code == 200
    html = stale.content.decode()
    assert "Agency Alpha, FY2026" in html and "Newer figures are being prepared" in html
    prepared_work()
    assert "Agency Renamed, FY2026" in analyst_a_client.get(REPORT).content.decode()


def test_a_failed_build_offers_try_again(
    analyst_a_client: Client, surveyed, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setitem(core_prepared._BUILDERS, REPORT_PAGE, _boom)
    failed = prepared_get(analyst_a_client, REPORT)
    assert failed.status_code == 200
    html = failed.content.decode()
    assert "The figures could not be prepared" in html and "Try again" in html
    assert "the heavy builder ran" not in html  # the error is for the operators
    monkeypatch.setitem(core_prepared._BUILDERS, REPORT_PAGE, report_prepared.report_page_build)
    with TestCase.captureOnCommitCallbacks(execute=True):
        again = analyst_a_client.post(REPORT, {"prepared": "again"})
    assert again.status_code == 302
    assert PreparedFile.objects.get(kind=REPORT_PAGE).status == PreparedFileStatus.READY
    assert "Key drivers" in analyst_a_client.get(REPORT).content.decode()


def test_the_spanish_page_waits_in_spanish(analyst_a_client: Client, surveyed):
    waiting = analyst_a_client.get("/es" + REPORT)
    assert waiting.status_code == 202
    assert "Se está preparando" in waiting.content.decode()


def test_the_prepared_zip_holds_what_the_request_used_to_build(analyst_a_client: Client, surveyed):
    assert analyst_a_client.get(REPORT + "tables.zip").status_code == 202
    response = prepared_get(analyst_a_client, REPORT + "tables.zip")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert "alpha-survey-report-fy2026-en-tables.zip" in response["Content-Disposition"]
    prepared = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    built = zipfile.ZipFile(
        io.BytesIO(tables_zip(report_build(agency=surveyed, fiscal_year=2026, quarter=None)))
    )
    assert prepared.namelist() == built.namelist()
    for name in built.namelist():
        assert prepared.read(name) == built.read(name), name
    assert PreparedFile.objects.filter(kind=REPORT_TABLES).count() == 1


def test_other_agencies_and_roles_ask_for_nothing(
    handler_b_client: Client, client: Client, surveyed
):
    for path in ("", "tables.zip"):
        assert handler_b_client.get(REPORT + path).status_code == 404
        assert handler_b_client.post(REPORT + path, {"prepared": "refresh"}).status_code == 404
    assert client.get(REPORT).status_code == 302  # signed out: to the sign-in page
    assert not PreparedFile.objects.exists()
