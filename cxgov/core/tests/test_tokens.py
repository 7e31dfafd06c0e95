"""Personal API tokens: created and revoked by their owner, stored only as a hash."""

from __future__ import annotations

import pytest

from cxgov.core.models import ApiToken, AuditEvent
from cxgov.core.services import token_create
from cxgov.core.tokens import token_hash

pytestmark = pytest.mark.django_db


def test_token_created_on_page_is_shown_once_and_stored_hashed(analyst_a_client, analyst_a):
    response = analyst_a_client.post("/staff/tokens/", {"name": "Nightly export"})
    page = response.content.decode()
    raw = page.split('data-testid="new-token">')[1].split("<")[0]
    token = ApiToken.objects.get(user=analyst_a)
    assert raw.startswith(f"cxg_{token.prefix}_")
    assert token.token_hash == token_hash(raw)
    assert raw not in ApiToken.objects.values_list("token_hash", flat=True)
    assert raw not in analyst_a_client.get("/staff/tokens/").content.decode()


def test_blank_token_name_gets_a_field_error(analyst_a_client):
    response = analyst_a_client.post("/staff/tokens/", {"name": "  "})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert ApiToken.objects.count() == 0


def test_revoked_token_no_longer_authenticates(analyst_a_client, analyst_a, client):
    token, raw = token_create(user=analyst_a, name="script")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert client.get("/api/v1/me", **auth).status_code == 200
    analyst_a_client.post(f"/staff/tokens/{token.pk}/revoke/")
    assert client.get("/api/v1/me", **auth).status_code == 401
    assert AuditEvent.objects.filter(action="token.revoke", target_id=str(token.pk)).exists()


def test_cannot_revoke_someone_elses_token(analyst_a_client, handler_b):
    token, _raw = token_create(user=handler_b, name="theirs")
    assert analyst_a_client.post(f"/staff/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
