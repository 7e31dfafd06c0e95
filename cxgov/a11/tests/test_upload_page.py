"""The staff upload page: response files into a survey, and the legacy quarterly file."""

from __future__ import annotations

import importlib.util

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cxgov.a11.tests.conftest import FIXTURES
from cxgov.surveys.models import Response
from cxgov.testing.data import SHARED_DATA

pytestmark = pytest.mark.django_db

URL = "/staff/agencies/alpha/a11/import/"
PERFORMANCE_FILE = SHARED_DATA / "performance_gov/hisp_cx_quarterly_fy2021.csv"


def _upload(client, target, *, data: bytes, dry_run: bool, **fields):
    form = {
        "file": SimpleUploadedFile("responses.csv", data, content_type="text/csv"),
        "format": "touchpoints-a11-v2",
        "survey": target.pk,
        "fiscal_year": "2026",
        "quarter": "2",
        "service": "apply",
        **fields,
    }
    if dry_run:
        form["dry_run"] = "on"
    return client.post(URL, form)


def test_analyst_checks_then_imports_a_touchpoints_file(analyst_a_client, thumbs_survey):
    assert reverse("a11:upload", kwargs={"slug": "alpha"}) == URL
    assert analyst_a_client.get(URL).status_code == 200
    data = (FIXTURES / "touchpoints_a11_v2.csv").read_bytes()
    checked = _upload(analyst_a_client, thumbs_survey, data=data, dry_run=True)
    assert checked.status_code == 200
    assert "The file is ready to import" in checked.content.decode()
    assert not Response.objects.exists()
    done = _upload(analyst_a_client, thumbs_survey, data=data, dry_run=False)
    assert "Import finished" in done.content.decode()
    assert Response.objects.filter(survey=thumbs_survey, service__slug="apply").count() == 8


def test_a_bad_file_shows_each_problem_and_stores_nothing(analyst_a_client, thumbs_survey):
    data = (FIXTURES / "touchpoints_a11_v2.csv").read_text().replace("1002,0,", "1002,9,")
    page = _upload(analyst_a_client, thumbs_survey, data=data.encode(), dry_run=False)
    text = page.content.decode()
    assert page.status_code == 400
    assert "Nothing was imported" in text and "question_1" in text
    assert "Traceback" not in text
    assert not Response.objects.exists()


def test_missing_quarter_and_survey_are_form_errors(analyst_a_client, thumbs_survey):
    data = (FIXTURES / "touchpoints_a11_v2.csv").read_bytes()
    page = _upload(analyst_a_client, thumbs_survey, data=data, dry_run=False, fiscal_year="")
    assert page.status_code == 400
    assert "Give the fiscal year and quarter" in page.content.decode()
    page = _upload(analyst_a_client, thumbs_survey, data=data, dry_run=False, survey="")
    assert "Choose the survey the responses belong to." in page.content.decode()


def test_other_agency_and_other_agency_survey_are_refused(
    handler_b_client, analyst_a_client, thumbs_survey, agency_b
):
    from cxgov.surveys.services import survey_create

    assert handler_b_client.get(URL).status_code == 404
    foreign = survey_create(actor=None, agency=agency_b, template="a11_v2")
    data = (FIXTURES / "touchpoints_a11_v2.csv").read_bytes()
    page = _upload(analyst_a_client, foreign, data=data, dry_run=False)
    assert page.status_code == 400
    assert not Response.objects.exists()


@pytest.mark.skipif(
    importlib.util.find_spec("cxgov.a11.importers_performance_gov") is None
    or not PERFORMANCE_FILE.exists(),
    reason="the legacy quarterly importer or the shared performance.gov file is absent",
)
def test_legacy_quarterly_file_needs_the_site_wide_grant_not_an_agency_role(
    oversight_user, oversight_client, analyst_a_client
):
    def post(client):
        return client.post(
            URL,
            {
                "file": SimpleUploadedFile(
                    "q.csv", PERFORMANCE_FILE.read_bytes(), content_type="text/csv"
                ),
                "format": "performance-gov-quarterly",
                "dry_run": "on",
            },
        )

    # It creates and updates agencies site-wide, so no agency role may run it.
    refused = post(analyst_a_client)
    assert refused.status_code == 400 and "Select a valid choice" in refused.content.decode()
    assert post(oversight_client).status_code == 404
    oversight_user.user_permissions.add(
        Permission.objects.get(content_type__app_label="core", codename="import_government_data")
    )
    page = post(oversight_client)
    assert page.status_code == 200
    assert "The file is ready to import" in page.content.decode()
