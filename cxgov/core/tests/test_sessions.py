"""Staff sessions end after the idle timeout and, however busy, at their absolute lifetime."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from cxgov.core.middleware import SIGNED_IN_AT
from cxgov.testing.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _session_row(client: Client) -> Session:
    return Session.objects.get(session_key=client.session.session_key)


def test_each_request_renews_the_idle_timeout_from_settings(analyst_a_client, settings):
    settings.SESSION_COOKIE_AGE = 900
    assert analyst_a_client.get("/staff/").status_code == 200
    row = _session_row(analyst_a_client)
    assert timezone.now() + timedelta(seconds=890) < row.expire_date
    assert row.expire_date <= timezone.now() + timedelta(seconds=900)


def test_idle_session_is_signed_out(analyst_a_client):
    Session.objects.filter(session_key=analyst_a_client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    response = analyst_a_client.get("/staff/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_busy_session_ends_at_its_absolute_lifetime(analyst_a, settings):
    settings.SESSION_COOKIE_AGE = 7 * 24 * 3600
    settings.SESSION_MAX_AGE_SECONDS = 8 * 3600
    start = timezone.now()
    client = Client()
    with time_machine.travel(start, tick=False):
        client.force_login(analyst_a)
    for hours in (1, 4, 7):
        with time_machine.travel(start + timedelta(hours=hours), tick=False):
            assert client.get("/staff/").status_code == 200
            assert client.get("/api/v1/me").status_code == 200
    with time_machine.travel(start + timedelta(hours=8, seconds=1), tick=False):
        assert client.get("/api/v1/me").status_code == 401
        response = client.get("/staff/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_signing_in_with_a_password_starts_the_lifetime(client, analyst_a):
    analyst_a.set_password("A-long-passphrase-42")
    analyst_a.save()
    response = client.post(
        "/accounts/login/", {"username": analyst_a.email, "password": "A-long-passphrase-42"}
    )
    assert response.status_code == 302
    assert isinstance(client.session[SIGNED_IN_AT], int)


def test_session_without_a_sign_in_time_is_ended(analyst_a_client):
    session = analyst_a_client.session
    del session[SIGNED_IN_AT]
    session.save()
    assert analyst_a_client.get("/staff/").status_code == 302


def test_signing_in_gives_a_new_session_key(client, analyst_a):
    before = client.session
    before["language_seen"] = "en"
    before.save()
    client.cookies[django_settings.SESSION_COOKIE_NAME] = before.session_key
    response = client.post("/accounts/login/", {"username": analyst_a.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session.session_key != before.session_key
    assert not Session.objects.filter(session_key=before.session_key).exists()


def test_a_password_change_signs_out_the_persons_other_sessions(analyst_a, settings):
    settings.STAFF_MFA_REQUIRED = False
    laptop, phone = Client(), Client()
    for device in (laptop, phone):
        device.post("/accounts/login/", {"username": analyst_a.email, "password": PASSWORD})
        assert device.get("/staff/").status_code == 200
    changed = laptop.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "a-new-long-passphrase-9031",
            "new_password2": "a-new-long-passphrase-9031",
        },
    )
    assert changed.status_code == 302
    assert laptop.get("/staff/").status_code == 200
    assert phone.get("/staff/").status_code == 302


def test_the_session_cookie_is_hidden_from_scripts_and_other_sites(client, analyst_a):
    response = client.post("/accounts/login/", {"username": analyst_a.email, "password": PASSWORD})
    cookie = response.cookies[django_settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
