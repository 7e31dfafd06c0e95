"""Quarterly files: the summary, Touchpoints' A-11 v2 responses and CX collection details, on the
command line, the staff page and the API, each access-checked."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from cxgov.a11 import services
from cxgov.a11.formats import A11_V2_COLUMNS, COLLECTION_COLUMNS, SUMMARY_COLUMNS
from cxgov.a11.tests.conftest import FIXTURES
from cxgov.a11.tests.factories import PERIOD, ready_collection
from cxgov.core.models import User
from cxgov.core.services import token_create

pytestmark = pytest.mark.django_db

PARAMS = {"fiscal_year": PERIOD.year, "quarter": PERIOD.quarter}


def _bearer(user: User) -> dict[str, str]:
    _token, raw = token_create(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def _body(response) -> str:
    return b"".join(response.streaming_content).decode()


def _submitted(service, survey):
    collection = ready_collection(service=service, survey=survey, responses=7)
    collection = services.collection_update(
        actor=None, collection=collection, transaction_point="After the form is sent"
    )
    return services.collection_submit(actor=None, collection=collection)


def test_collection_file_has_touchpoints_columns_and_the_reported_volumes(
    thumbs_survey, service_a, agency_a
):
    collection = _submitted(service_a, thumbs_survey)
    out = io.StringIO()
    call_command(
        "export_a11_quarterly",
        "--fiscal-year",
        str(PERIOD.year),
        "--quarter",
        str(PERIOD.quarter),
        "--format",
        "collection",
        stdout=out,
    )
    text = out.getvalue()
    assert text.splitlines()[0] == ",".join(COLLECTION_COLUMNS)
    (row,) = _rows(text)
    assert row["cx_collection_id"] == str(collection.pk)
    assert row["cx_collection_fiscal_year"] == "2026" and row["cx_collection_quarter"] == "2"
    assert row["cx_collection_name"] == "CX Quarterly Reporting"
    assert row["cx_collection_service_provider_slug"] == "alpha"
    assert row["service_name"] == "Apply for benefits"
    assert row["volume_of_customers"] == "5000"
    assert row["volume_of_customers_provided_survey_opportunity"] == "400"
    # Respondents default to the responses counted in the linked survey.
    assert row["volume_of_respondents"] == "7"
    assert row["survey_type"] == "thumbs_up_down"
    assert row["trust_question_text"] == "This interaction increased my trust in Agency Alpha."
    assert row["omb_control_number"] == "1234-5678"
    assert row["transaction_point"] == "After the form is sent"


def test_drafts_are_not_in_the_collection_file(thumbs_survey, service_a):
    ready_collection(service=service_a, survey=thumbs_survey)
    out = io.StringIO()
    call_command(
        "export_a11_quarterly",
        "--fiscal-year",
        "2026",
        "--quarter",
        "2",
        "--format",
        "collection",
        stdout=out,
    )
    assert _rows(out.getvalue()) == []


def test_summary_is_the_results_rows_as_csv(thumbs_survey, service_a, tmp_path):
    ready_collection(service=service_a, survey=thumbs_survey, responses=20)
    target = tmp_path / "summary.csv"
    call_command(
        "export_a11_quarterly",
        "--fiscal-year",
        "2026",
        "--quarter",
        "2",
        "--agency",
        "alpha",
        "--format",
        "summary",
        "--output",
        str(target),
        stderr=io.StringIO(),
    )
    text = target.read_text()
    assert text.splitlines()[0] == ",".join(SUMMARY_COLUMNS)
    trust = [r for r in _rows(text) if r["question_key"] == "trust"]
    assert trust and sum(int(r["n"]) for r in trust) == 20


def test_staff_download_page_and_files(analyst_a_client, thumbs_survey, service_a):
    _submitted(service_a, thumbs_survey)
    page = analyst_a_client.get(reverse("a11:export", kwargs={"slug": "alpha"}))
    assert page.status_code == 200
    chosen = analyst_a_client.get(
        reverse("a11:export", kwargs={"slug": "alpha"}), {**PARAMS, "format": "touchpoints-a11-v2"}
    )
    assert chosen.status_code == 302
    download = analyst_a_client.get(chosen.url)
    assert download["Content-Type"].startswith("text/csv")
    assert (
        "touchpoints-a11-v2-form-responses-alpha-fy2026-q2.csv" in download["Content-Disposition"]
    )
    rows = _rows(_body(download))
    assert len(rows) == 7 and list(rows[0]) == list(A11_V2_COLUMNS)
    assert rows[0]["question_1"] == "1" and rows[0]["positive_ease"] == "1"
    assert rows[0]["negative_ease"] == "0"


def test_staff_download_of_another_agency_is_404(handler_b_client, thumbs_survey, service_a):
    _submitted(service_a, thumbs_survey)
    url = reverse("a11:export_download", kwargs={"slug": "alpha", "format": "collection"})
    assert handler_b_client.get(url, PARAMS).status_code == 404


def test_api_serves_each_format_to_members_only(analyst_a, handler_b, thumbs_survey, service_a):
    _submitted(service_a, thumbs_survey)
    client = Client()
    for fmt, header in (
        ("collection", COLLECTION_COLUMNS),
        ("touchpoints-a11-v2", A11_V2_COLUMNS),
        ("summary", SUMMARY_COLUMNS),
    ):
        response = client.get(
            f"/api/v1/a11/exports/{fmt}", {**PARAMS, "agency": "alpha"}, **_bearer(analyst_a)
        )
        assert response.status_code == 200, fmt
        assert _body(response).splitlines()[0] == ",".join(header)
    other = client.get(
        "/api/v1/a11/exports/collection", {**PARAMS, "agency": "alpha"}, **_bearer(handler_b)
    )
    assert other.status_code == 404
    # Without an agency, a caller gets only agencies where they hold a role.
    own = client.get("/api/v1/a11/exports/collection", PARAMS, **_bearer(handler_b))
    assert _rows(_body(own)) == []
    assert client.get("/api/v1/a11/exports/collection", PARAMS).status_code == 401
    bad = client.get(
        "/api/v1/a11/exports/collection",
        {"fiscal_year": 2026, "quarter": 9},
        **_bearer(analyst_a),
    )
    assert bad.status_code == 422
    assert client.get("/api/v1/a11/exports/other", PARAMS, **_bearer(analyst_a)).status_code == 422


def test_api_export_of_an_imported_touchpoints_file_is_identical(analyst_a, thumbs_survey):
    from cxgov.a11.importers import responses_import

    original = (FIXTURES / "touchpoints_a11_v2.csv").read_text()
    report = responses_import(
        actor=None, survey=thumbs_survey, data=original, format="touchpoints-a11-v2", period=PERIOD
    )
    assert report.applied
    response = Client().get(
        "/api/v1/a11/exports/touchpoints-a11-v2",
        {**PARAMS, "agency": "alpha", "survey": thumbs_survey.pk},
        **_bearer(analyst_a),
    )
    assert _body(response) == original
