"""Staff sessions end after the idle timeout and, however busy, at their absolute lifetime."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from cxgov.core.middleware import SIGNED_IN_AT

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
