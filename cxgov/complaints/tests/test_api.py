"""POST /api/v1/complaints and reading a complaint back; other agencies get 404."""

from __future__ import annotations

import pytest

from cxgov.complaints.models import Complaint
from cxgov.core.services import token_create

pytestmark = pytest.mark.django_db


def _auth(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=user, name='t')[1]}"}


def test_file_a_complaint_through_the_api(client, admin_a, service_a):
    response = client.post(
        "/api/v1/complaints",
        {
            "agency": "alpha",
            "service": "apply",
            "what_happened": "No reply",
            "contact_email": "p@example.com",
        },
        content_type="application/json",
        **_auth(admin_a),
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["tracking_number"].startswith("C-")
    assert body["channel"] == "api"
    complaint = Complaint.objects.get()
    assert complaint.service == service_a
    again = client.get(f"/api/v1/agencies/alpha/complaints/{complaint.pk}", **_auth(admin_a))
    assert again.json()["tracking_number"] == body["tracking_number"]


def test_bad_fields_are_named(client, admin_a):
    response = client.post(
        "/api/v1/complaints",
        {"agency": "alpha", "what_happened": "", "contact_email": "nope", "service": "missing"},
        content_type="application/json",
        **_auth(admin_a),
    )
    assert response.status_code == 422
    fields = {error["loc"][-1] for error in response.json()["errors"]}
    assert {"what_happened", "contact_email"} <= fields


def test_other_agency_gets_404(client, admin_a, handler_b):
    response = client.post(
        "/api/v1/complaints",
        {"agency": "alpha", "what_happened": "x"},
        content_type="application/json",
        **_auth(handler_b),
    )
    assert response.status_code == 404
    client.post(
        "/api/v1/complaints",
        {"agency": "alpha", "what_happened": "x"},
        content_type="application/json",
        **_auth(admin_a),
    )
    complaint = Complaint.objects.get()
    assert (
        client.get(
            f"/api/v1/agencies/alpha/complaints/{complaint.pk}", **_auth(handler_b)
        ).status_code
        == 404
    )
    assert (
        client.post(
            "/api/v1/complaints",
            {"agency": "alpha", "what_happened": "x"},
            content_type="application/json",
        ).status_code
        == 401
    )
