"""The REST API: OpenAPI document, token authentication, and 404 for other agencies' objects."""

from __future__ import annotations

import pytest

from cxgov.core.services import token_create

pytestmark = pytest.mark.django_db


def _bearer(user) -> dict:
    _token, raw = token_create(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_openapi_document_is_valid(client):
    from openapi_spec_validator import validate

    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    validate(document)
    assert document["info"]["title"] == "cxgov API"
    assert "/api/v1/me" in document["paths"]


def test_api_docs_page_serves_swagger_locally(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert "cdn" not in response.content.decode().lower()


def test_me_without_token_is_401_with_a_hint(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert "Bearer" in response.json()["detail"]
    assert response["WWW-Authenticate"] == "Bearer"


def test_me_with_garbage_token_is_401(client):
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer " + "x" * 500)
    assert response.status_code == 401


def test_me_lists_memberships(client, analyst_a):
    response = client.get("/api/v1/me", **_bearer(analyst_a))
    assert response.json() == {
        "email": analyst_a.email,
        "full_name": analyst_a.full_name,
        "memberships": [
            {"agency_slug": "alpha", "agency_name": "Agency Alpha", "role": "cx_analyst"}
        ],
    }


def test_admin_lists_own_agency_members(client, admin_a, analyst_a):
    response = client.get("/api/v1/agencies/alpha/members", **_bearer(admin_a))
    assert response.status_code == 200
    emails = {item["email"] for item in response.json()["items"]}
    assert emails == {admin_a.email, analyst_a.email}


def test_member_list_says_which_memberships_are_deactivated(client, admin_a, analyst_a):
    analyst_a.memberships.update(is_active=False)
    response = client.get("/api/v1/agencies/alpha/members", **_bearer(admin_a))
    active = {item["email"]: item["is_active"] for item in response.json()["items"]}
    assert active == {admin_a.email: True, analyst_a.email: False}


def test_admin_of_a_gets_404_for_agency_b_members(client, admin_a, handler_b):
    response = client.get("/api/v1/agencies/bravo/members", **_bearer(admin_a))
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_analyst_of_a_gets_404_for_agency_b_audit_log(client, analyst_a, agency_b):
    headers = _bearer(analyst_a)
    other = client.get("/api/v1/agencies/bravo/audit-events", **headers)
    missing = client.get("/api/v1/agencies/nowhere/audit-events", **headers)
    assert other.status_code == missing.status_code == 404
    assert other.json() == missing.json()


def test_analyst_without_admin_role_gets_404_for_members(client, analyst_a):
    response = client.get("/api/v1/agencies/alpha/members", **_bearer(analyst_a))
    assert response.status_code == 404


def test_tokens_created_and_revoked_through_api(client, analyst_a, analyst_a_client):
    headers = _bearer(analyst_a)
    created = analyst_a_client.post(
        "/api/v1/tokens", {"name": "ci", "areas": ["surveys"]}, content_type="application/json"
    )
    assert created.status_code == 201
    new = created.json()
    assert new["token"].startswith("cxg_")
    revoked = client.post(f"/api/v1/tokens/{new['id']}/revoke", **headers)
    assert revoked.json()["revoked_at"] is not None
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {new['token']}").status_code == 401


def test_token_name_must_not_be_blank(client, analyst_a):
    response = client.post(
        "/api/v1/tokens", {"name": "   "}, content_type="application/json", **_bearer(analyst_a)
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"][-1] == "name"


def test_cannot_revoke_other_users_token_through_api(client, analyst_a, handler_b):
    token, _raw = token_create(user=handler_b, name="theirs")
    response = client.post(f"/api/v1/tokens/{token.pk}/revoke", **_bearer(analyst_a))
    assert response.status_code == 404
