"""Survey reports: the staff pages, CSV downloads, written sections, access, and the command."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import zipfile
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cxgov.core.models import AuditEvent, Role
from cxgov.reports.models import SurveyReport
from cxgov.reports.selectors import SECTION_HEADINGS, report_build
from cxgov.reports.tests.factories import report_surveys
from cxgov.testing.factories import MembershipFactory, StandardFactory, UserFactory
from cxgov.testing.prepared import prepared_get

pytestmark = pytest.mark.django_db

HEADINGS = [str(heading) for heading in SECTION_HEADINGS.values()]
REPORT = "/staff/agencies/alpha/reports/fy2026/"
Q2 = "/staff/agencies/alpha/reports/fy2026-q2/"


@pytest.fixture(autouse=True)
def _prepared_files_kept_apart(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"  # where prepared files are stored


@pytest.fixture
def surveyed(agency_a):
    services, _surveys = report_surveys(agency_a)
    StandardFactory(service=services[0], source="reported")
    return agency_a


def _page_tables(html: str) -> dict[str, list[list[str]]]:
    """Every report table on the page by id: header row, then body rows, as text."""
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


def _csv_rows(text: str) -> list[list[str]]:
    """CSV rows with the formula guard (a leading ' before - + = @ text) taken off."""
    return [
        [cell[1:] if cell[:2] in {"'-", "'+", "'=", "'@"} else cell for cell in row]
        for row in csv.reader(io.StringIO(text))
    ]


def test_report_page_shows_every_section_in_order(analyst_a_client, surveyed):
    response = prepared_get(analyst_a_client, REPORT)
    assert response.status_code == 200
    html = response.content.decode()
    positions = [html.index(f'-heading">{heading}</h2>') for heading in HEADINGS]
    assert positions == sorted(positions)
    assert "<title>Customer experience survey report: Agency Alpha, FY2026 |" in html
    assert 'role="img"' in html


def test_every_csv_download_equals_the_table_on_the_page(analyst_a_client, surveyed):
    html = prepared_get(analyst_a_client, REPORT).content.decode()
    tables = _page_tables(html)
    assert {"methods", "results_questions", "results_service", "drivers"} <= set(tables)
    checked = 0
    for table_id, rows in tables.items():
        download = prepared_get(analyst_a_client, REPORT, data={"download": table_id})
        assert download["Content-Type"].startswith("text/csv")
        lines = _csv_rows(download.content.decode())
        if len(rows) == 2 and len(rows[1]) == 1:  # the "nothing to report" row
            assert lines == rows[:1]
            continue
        assert lines == rows
        checked += 1
    assert checked >= 5


def test_every_rate_has_its_interval_and_n(analyst_a_client, surveyed):
    html = prepared_get(analyst_a_client, REPORT).content.decode()
    rows = _page_tables(html)["results_questions"]
    header, body = rows[0], rows[1:]
    assert header[1:4] == ["Share positive (%)", "95% interval (%)", "n"]
    assert body
    for row in body:
        share, interval, n = float(row[1]), row[2], int(row[3])
        low, high = (float(x) for x in interval.split(" to "))
        assert low <= share <= high and n >= 5


def test_zip_holds_every_table_as_csv(analyst_a_client, surveyed):
    response = prepared_get(analyst_a_client, REPORT + "tables.zip")
    assert response["Content-Type"] == "application/zip"
    content = b"".join(response.streaming_content)
    names = zipfile.ZipFile(io.BytesIO(content)).namelist()
    data = report_build(agency=surveyed, fiscal_year=2026, quarter=None)
    assert names == [f"{table.id}.csv" for table in data.tables()]


def test_period_list_links_each_year_and_quarter_with_responses(analyst_a_client, surveyed):
    with CaptureQueriesContext(connection) as queries:
        html = analyst_a_client.get("/staff/agencies/alpha/reports/").content.decode()
    # The responses' span comes from the daily rollups, not from a million responses.
    assert not [q for q in queries.captured_queries if 'FROM "surveys_response"' in q["sql"]]
    assert 'href="/staff/agencies/alpha/reports/fy2026/"' in html
    assert 'href="/staff/agencies/alpha/reports/fy2026-q1/"' in html
    assert 'href="/staff/agencies/alpha/reports/fy2027-q1/"' in html
    assert "fy2024" not in html  # the first answers are from late FY2025


def test_unknown_table_and_bad_period_are_missing(analyst_a_client, surveyed):
    assert prepared_get(analyst_a_client, REPORT, data={"download": "nope"}).status_code == 404
    for period in ("fy26", "fy2026-q5", "2026", "fy9999"):
        assert analyst_a_client.get(f"/staff/agencies/alpha/reports/{period}/").status_code == 404


def test_other_agency_and_other_roles_get_404(client, handler_b_client, agency_a, agency_b):
    for path in ("", "fy2026/", "fy2026/report.pdf", "fy2026/tables.zip", "fy2026/edit/"):
        assert handler_b_client.get(f"/staff/agencies/alpha/reports/{path}").status_code == 404
    handler_a = UserFactory()
    MembershipFactory(user=handler_a, agency=agency_a, role=Role.COMPLAINT_HANDLER)
    client.force_login(handler_a)
    assert client.get(REPORT).status_code == 404


def test_oversight_reads_the_report_but_cannot_write(client, surveyed):
    reader = UserFactory()
    MembershipFactory(user=reader, agency=surveyed, role=Role.OVERSIGHT)
    client.force_login(reader)
    page = prepared_get(client, REPORT)
    assert page.status_code == 200
    assert "Write or edit the written sections" not in page.content.decode()
    assert client.get(REPORT + "edit/").status_code == 404
    assert client.post(REPORT + "edit/", {"what_we_heard": "x"}).status_code == 404
    assert not SurveyReport.objects.exists()


def test_analyst_writes_sections_and_spanish_report_uses_them(analyst_a_client, surveyed):
    response = analyst_a_client.post(
        "/staff/agencies/alpha/reports/fy2026-q2/edit/",
        {
            "what_we_heard": "Callers waited too long.",
            "what_we_heard_es": "Las personas esperaron demasiado.",
            "what_we_changed": "We added <b>evening</b> hours.",
            "management_and_budget": "",
        },
    )
    assert response.status_code == 302
    report = SurveyReport.objects.get(agency=surveyed, fiscal_year=2026, quarter=2)
    assert report.what_we_changed == "We added <b>evening</b> hours."
    event = AuditEvent.objects.get(action="survey_report.update")
    assert event.data["changed"] == ["what_we_changed", "what_we_heard", "what_we_heard_es"]
    english = prepared_get(analyst_a_client, Q2).content.decode()
    assert "Callers waited too long." in english
    assert "We added &lt;b&gt;evening&lt;/b&gt; hours." in english
    spanish = prepared_get(analyst_a_client, "/es" + Q2).content.decode()
    assert '<html lang="es">' in spanish
    assert "Las personas esperaron demasiado." in spanish
    # No Spanish text for this section: the English is shown rather than nothing.
    assert "We added &lt;b&gt;evening&lt;/b&gt; hours." in spanish
    assert "Callers waited too long." not in spanish


def test_too_long_section_is_refused_with_the_field_named(analyst_a_client, surveyed):
    response = analyst_a_client.post(REPORT + "edit/", {"what_we_heard": "x" * 20001})
    assert response.status_code == 400
    assert "What we heard" in response.content.decode()
    assert not SurveyReport.objects.exists()


def test_small_employee_group_has_no_themes(agency_a):
    from cxgov.surveys.demo import employee_rows
    from cxgov.surveys.rollups import rollups_fold
    from cxgov.surveys.services import response_bulk_create, survey_create, survey_publish

    employee = survey_create(actor=None, agency=agency_a, template="employee_barriers")
    survey_publish(actor=None, survey=employee)
    response_bulk_create(actor=None, survey=employee, rows=employee_rows()[:3])
    rollups_fold(survey_id=employee.pk)
    data = report_build(agency=agency_a, fiscal_year=2026, quarter=None)
    themes = next(s for s in data.sections if s.id == "themes")
    assert themes.tables[0].rows == []
    assert "Fewer than 5 employees answered" in themes.notes[0]
    methods = data.table("methods")
    assert methods is not None and methods.rows[0][2] == "Not shown"
    # The total does not count the hidden survey's 3: total minus the shown rows would give it.
    notes = next(s for s in data.sections if s.id == "methods").notes
    assert notes[0].startswith("0 valid responses") and "leaves out" in notes[1]


def test_employee_themes_are_scrubbed_and_large_enough(surveyed):
    data = report_build(agency=surveyed, fiscal_year=2026, quarter=None)
    themes = data.table("employee_themes")
    assert themes is not None and themes.rows
    text = " ".join(" ".join(row) for row in themes.rows)
    assert "Jane Smith" not in text and "202-555-0100" not in text
    assert all(int(row[1]) >= 5 for row in themes.rows)


def test_quarter_report_trends_the_four_quarters_ending_with_it(surveyed):
    data = report_build(agency=surveyed, fiscal_year=2027, quarter=1)
    trend = data.table("results_trend")
    assert trend is not None
    quarters = sorted({row[1] for row in trend.rows})
    assert quarters == ["FY2026 Q2", "FY2026 Q3", "FY2026 Q4", "FY2027 Q1"]


# --- the command ----------------------------------------------------------------------------


def _needs(binary: str) -> str:
    path = shutil.which(binary)
    if path is None:
        pytest.skip(f"{binary} is not installed (apt-get install poppler-utils)")
    return path


def test_build_report_pdf_is_tagged_titled_and_has_every_heading(surveyed, tmp_path):
    pdfinfo, pdftotext = _needs("pdfinfo"), _needs("pdftotext")
    output = tmp_path / "report.pdf"
    call_command("build_report", agency="alpha", fiscal_year=2026, format="pdf", output=str(output))
    info = subprocess.run(  # noqa: S603 - our own binary path and file
        [pdfinfo, str(output)], capture_output=True, text=True, check=True
    )
    fields = {
        line.split(":", 1)[0]: line.split(":", 1)[1].strip()
        for line in info.stdout.splitlines()
        if ":" in line
    }
    assert fields["Tagged"] == "yes"
    assert fields["Title"] == "Customer experience survey report: Agency Alpha, FY2026"
    assert int(fields["Pages"]) >= 2
    text = subprocess.run(  # noqa: S603 - our own binary path and file
        [pdftotext, str(output), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = " ".join(text.split())
    for heading in HEADINGS:
        assert heading in flat, heading


def test_build_report_spanish_pdf_has_spanish_headings_and_text(surveyed, tmp_path):
    pdftotext = _needs("pdftotext")
    SurveyReport.objects.create(
        agency=surveyed, fiscal_year=2026, what_we_heard="Heard", what_we_heard_es="Escuchamos"
    )
    output = tmp_path / "informe.pdf"
    call_command(
        "build_report",
        agency="alpha",
        fiscal_year=2026,
        format="pdf",
        language="es",
        output=str(output),
    )
    text = subprocess.run(  # noqa: S603 - our own binary path and file
        [pdftotext, str(output), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Escuchamos" in text and "Heard" not in text


def test_build_report_html_is_the_standalone_document(surveyed, tmp_path):
    output = tmp_path / "report.html"
    call_command(
        "build_report", agency="alpha", fiscal_year=2026, format="html", output=str(output)
    )
    html = output.read_text()
    assert html.startswith("<!DOCTYPE html>") or "<!DOCTYPE html>" in html[:200]
    assert '<html lang="en">' in html
    assert "<title>Customer experience survey report: Agency Alpha, FY2026</title>" in html
    assert "@page" in html
    for heading in HEADINGS:
        assert f">{heading}</h2>" in html
    # Charts are images whose alt text is the chart's title and summary.
    assert re.search(r'<img src="data:image/svg\+xml;base64,[^"]+" alt="[^"]{20,}">', html)


def test_build_report_csv_zip_and_directory_match_the_page(analyst_a_client, surveyed, tmp_path):
    zip_path = tmp_path / "tables.zip"
    call_command(
        "build_report", agency="alpha", fiscal_year=2026, format="csv", output=str(zip_path)
    )
    directory = tmp_path / "tables"
    call_command(
        "build_report", agency="alpha", fiscal_year=2026, format="csv", output=str(directory)
    )
    archive = zipfile.ZipFile(zip_path)
    assert sorted(archive.namelist()) == sorted(p.name for p in directory.iterdir())
    page = _page_tables(prepared_get(analyst_a_client, REPORT).content.decode())
    methods = _csv_rows(archive.read("methods.csv").decode())
    assert methods == page["methods"]
    results = _csv_rows((directory / "results_questions.csv").read_text())
    assert results == page["results_questions"]


def test_build_report_refuses_bad_input_clearly(agency_a, tmp_path):
    with pytest.raises(CommandError, match='no agency has the short name "nope"'):
        call_command("build_report", agency="nope", fiscal_year=2026, format="pdf")
    with pytest.raises(CommandError, match="--fiscal-year"):
        call_command("build_report", agency="alpha", fiscal_year=99, format="pdf")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(CommandError, match="--output"):
        call_command(
            "build_report",
            agency="alpha",
            fiscal_year=2026,
            format="csv",
            output=str(Path(blocker) / "dir"),
        )
