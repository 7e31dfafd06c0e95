"""Every public address answers with the security headers, in both languages."""

from __future__ import annotations

import pytest
from django.urls import get_resolver

from cxgov.complaints.models import Complaint
from cxgov.surveys.models import Survey, SurveyStatus

pytestmark = pytest.mark.django_db

SERVICE = "apply-for-retirement-benefits"


@pytest.fixture
def public_urls(demo_data: None) -> dict[str, str]:
    survey = Survey.objects.filter(agency__slug="fba", status=SurveyStatus.LIVE).first()
    complaint = Complaint.objects.filter(agency__slug="fba").first()
    return {
        "home": "/",
        "agency": "/agencies/fba/",
        "service": f"/agencies/fba/services/{SERVICE}/",
        "agency_standards": "/agencies/fba/standards/",
        "service_standards": f"/agencies/fba/services/{SERVICE}/standards/",
        "service_performance": f"/agencies/fba/services/{SERVICE}/performance/",
        "feedback": "/feedback/",
        "complaint_start": "/complaints/",
        "survey": f"/surveys/{survey.public_id}/",
        "survey_thanks": f"/surveys/{survey.public_id}/thanks/",
        "survey_embed": f"/surveys/{survey.public_id}/embed/",
        "survey_widget": f"/surveys/{survey.public_id}/widget.json",
        "survey_widget_submit": f"/surveys/{survey.public_id}/widget/",
        "complaint_new": "/agencies/fba/complaints/new/",
        "complaint_status": "/complaints/status/",
        "complaints_data": "/agencies/fba/complaints.csv",
        "complaint_track": f"/complaints/status/{complaint.tracking_number}/",
        "complaint_filed": f"/complaints/filed/{complaint.tracking_number}/",
        "complaint_reply": f"/complaints/status/{complaint.tracking_number}/reply/",
        "complaint_attachment": f"/complaints/status/{complaint.tracking_number}/files/1/",
        "complaint_link": "/complaints/link/not-a-signed-link/",
        "agency_plan": "/agencies/fba/plan/",
        "agency_plan_pdf": "/agencies/fba/plan.pdf",
        "data_index": "/data/",
        "data_dictionary": "/data/a11-quarterly/",
        "accessibility": "/accessibility/",
        "accessibility_conformance": "/accessibility/conformance/",
        "accessibility_openacr": "/accessibility/openacr.yaml",
        "barrier_start": "/accessibility/report/",
        "barrier_new": "/agencies/fba/accessibility/report/",
        "barrier_filed": f"/accessibility/report/filed/{complaint.tracking_number}/",
    }


def _public_url_names() -> set[str]:
    return {p.name for p in get_resolver("cxgov.public.urls").url_patterns if p.name}


def test_the_list_covers_every_public_page(public_urls):
    assert set(public_urls) == _public_url_names()


@pytest.mark.parametrize("prefix", ["", "/es"])
def test_every_public_page_sends_the_security_headers(client, public_urls, prefix):
    for name, path in public_urls.items():
        response = client.get(prefix + path, secure=True)
        assert response.status_code < 500, (name, response.status_code)
        csp = response.get("Content-Security-Policy", "")
        assert "default-src 'self'" in csp, name
        assert "unsafe-inline" not in csp, name
        assert response["X-Content-Type-Options"] == "nosniff", name
        assert response["Referrer-Policy"] == "strict-origin-when-cross-origin", name
        assert response["Strict-Transport-Security"].startswith("max-age="), name
        assert "camera=()" in response["Permissions-Policy"], name
        # The widget's data and intake are read by scripts on other sites, never framed.
        if name not in {"survey_widget", "survey_widget_submit", "survey_embed"}:
            assert response["X-Frame-Options"] == "DENY", name
            assert "frame-ancestors 'none'" in csp, name
        # The embed page is framed by the survey's own sites only (test_survey_embed.py).
        if name == "survey_embed":
            assert "X-Frame-Options" not in response, name
            assert "frame-ancestors" in csp, name


@pytest.mark.parametrize(
    "path",
    ["/standards.csv", "/standards.json", "/open311/v2/discovery.json", "/api/v1/openapi.json"],
)
def test_feeds_and_apis_send_the_headers_too(client, public_urls, path):
    response = client.get(path, secure=True)
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "camera=()" in response["Permissions-Policy"]
