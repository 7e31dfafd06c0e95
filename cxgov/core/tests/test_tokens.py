"""Personal API tokens: created and revoked by their owner, stored only as a hash."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from cxgov.core.models import ApiToken, AuditEvent, TokenScope
from cxgov.core.services import password_change_record, token_create
from cxgov.core.tokens import token_hash

pytestmark = pytest.mark.django_db


def test_token_created_on_page_is_shown_once_and_stored_hashed(analyst_a_client, analyst_a):
    response = analyst_a_client.post(
        "/staff/tokens/",
        {"name": "Nightly export", "scope": "read", "areas": ["surveys"], "expires_in_days": 30},
    )
    page = response.content.decode()
    raw = page.split('data-testid="new-token">')[1].split("<")[0]
    token = ApiToken.objects.get(user=analyst_a)
    assert raw.startswith(f"cxg_{token.prefix}_")
    assert token.token_hash == token_hash(raw)
    assert raw not in ApiToken.objects.values_list("token_hash", flat=True)
    assert raw not in analyst_a_client.get("/staff/tokens/").content.decode()


def test_blank_token_name_gets_a_field_error(analyst_a_client):
    response = analyst_a_client.post(
        "/staff/tokens/", {"name": "  ", "scope": "read", "expires_in_days": 30}
    )
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


def _bearer(raw: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_token_page_creates_a_read_token_with_the_chosen_expiry_and_lists_both(
    analyst_a_client, analyst_a
):
    before = timezone.now()
    analyst_a_client.post(
        "/staff/tokens/",
        {"name": "Dashboard", "scope": "read", "areas": ["surveys"], "expires_in_days": 7},
    )
    token = ApiToken.objects.get(user=analyst_a)
    assert token.scope == TokenScope.READ
    assert before + timedelta(days=7) <= token.expires_at <= timezone.now() + timedelta(days=7)
    page = analyst_a_client.get("/staff/tokens/").content.decode()
    assert "Read only" in page
    assert token.expires_at.astimezone(timezone.get_current_timezone()).strftime("%Y-%m-%d") in page


def test_token_expiry_beyond_the_maximum_is_refused_on_the_page(
    analyst_a_client, analyst_a, settings
):
    settings.API_TOKEN_MAX_DAYS = 30
    response = analyst_a_client.post(
        "/staff/tokens/", {"name": "Forever", "scope": "write", "expires_in_days": 31}
    )
    assert response.status_code == 400
    assert "30" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_api_token_expiry_beyond_the_maximum_is_a_field_error(
    analyst_a_client, analyst_a, settings
):
    settings.API_TOKEN_MAX_DAYS = 30
    response = analyst_a_client.post(
        "/api/v1/tokens",
        {"name": "Forever", "areas": ["surveys"], "expires_in_days": 31},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"][-1] == "expires_in_days"
    assert not ApiToken.objects.exists()


def test_session_creates_token_through_api_read_scoped_and_expiring_by_default(
    analyst_a_client, analyst_a, settings
):
    settings.API_TOKEN_MAX_DAYS = 45
    response = analyst_a_client.post(
        "/api/v1/tokens", {"name": "ci", "areas": ["surveys"]}, content_type="application/json"
    )
    assert response.status_code == 201
    body = response.json()
    assert body["scope"] == "read"
    token = ApiToken.objects.get(pk=body["id"])
    assert token.expires_at > timezone.now() + timedelta(days=44)
    assert token.expires_at <= timezone.now() + timedelta(days=45)


def test_a_bearer_token_cannot_create_tokens(client, analyst_a):
    _token, raw = token_create(user=analyst_a, name="leaked", scope=TokenScope.WRITE)
    response = client.post(
        "/api/v1/tokens",
        {"name": "persistence", "scope": "write", "areas": ["surveys"]},
        content_type="application/json",
        **_bearer(raw),
    )
    assert response.status_code == 403
    assert list(response.json()) == ["detail"]  # the API's ErrorOut body
    assert "cannot create tokens" in response.json()["detail"]
    assert ApiToken.objects.filter(user=analyst_a).count() == 1


def test_read_token_reads_but_gets_403_with_error_body_on_writes(client, analyst_a):
    token, raw = token_create(user=analyst_a, name="reader", scope=TokenScope.READ)
    assert client.get("/api/v1/me", **_bearer(raw)).status_code == 200
    response = client.post(f"/api/v1/tokens/{token.pk}/revoke", **_bearer(raw))
    assert response.status_code == 403
    assert list(response.json()) == ["detail"]  # the API's ErrorOut body
    assert "may only read" in response.json()["detail"]
    token.refresh_from_db()
    assert token.revoked_at is None


def test_write_token_may_write(client, analyst_a):
    token, raw = token_create(user=analyst_a, name="writer", scope=TokenScope.WRITE)
    response = client.post(f"/api/v1/tokens/{token.pk}/revoke", **_bearer(raw))
    assert response.status_code == 200


def test_expired_token_is_refused_like_an_unknown_one(client, analyst_a):
    _token, raw = token_create(user=analyst_a, name="short", expires_in_days=1)
    assert client.get("/api/v1/me", **_bearer(raw)).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=1, seconds=1)):
        expired = client.get("/api/v1/me", **_bearer(raw))
        unknown = client.get("/api/v1/me", **_bearer("cxg_00000000_unknown"))
    assert expired.status_code == unknown.status_code == 401
    assert expired.json() == unknown.json()


def test_expired_token_is_listed_as_expired(analyst_a_client, analyst_a):
    token, _raw = token_create(user=analyst_a, name="short", expires_in_days=1)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    page = analyst_a_client.get("/staff/tokens/").content.decode()
    assert "Expired" in page


def test_password_change_revokes_every_token(analyst_a_client, analyst_a, client):
    _token, raw = token_create(user=analyst_a, name="script")
    response = analyst_a_client.post(
        "/accounts/password/",
        {
            "old_password": "not-known",
            "new_password1": "A-new-long-passphrase-42",
            "new_password2": "A-new-long-passphrase-42",
        },
    )
    assert response.status_code == 200  # wrong old password: nothing changes
    assert client.get("/api/v1/me", **_bearer(raw)).status_code == 200
    analyst_a.set_password("Old-long-passphrase-17")
    analyst_a.save()
    analyst_a_client.force_login(analyst_a)
    response = analyst_a_client.post(
        "/accounts/password/",
        {
            "old_password": "Old-long-passphrase-17",
            "new_password1": "A-new-long-passphrase-42",
            "new_password2": "A-new-long-passphrase-42",
        },
    )
    assert response.status_code == 302
    assert client.get("/api/v1/me", **_bearer(raw)).status_code == 401
    assert ApiToken.objects.get(user=analyst_a).revoked_at is not None
    event = AuditEvent.objects.filter(action="password.change").get()
    assert event.data == {"tokens_revoked": 1}


def test_password_reset_by_email_revokes_every_token(client, analyst_a):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    _token, raw = token_create(user=analyst_a, name="script")
    uid = urlsafe_base64_encode(force_bytes(analyst_a.pk))
    link = f"/accounts/reset/{uid}/{default_token_generator.make_token(analyst_a)}/"
    form_page = client.get(link, follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "A-new-long-passphrase-42", "new_password2": "A-new-long-passphrase-42"},
    )
    assert response.status_code == 302
    assert client.get("/api/v1/me", **_bearer(raw)).status_code == 401


def test_password_change_record_leaves_other_peoples_tokens(analyst_a, handler_b):
    _mine, _raw = token_create(user=analyst_a, name="mine")
    theirs, _raw = token_create(user=handler_b, name="theirs")
    password_change_record(user=analyst_a)
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
