"""One address cannot try many accounts: failed sign-ins are counted per address as well."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine

from cxgov.testing.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

ATTACKER = "198.51.100.66"
OWNER = "203.0.113.10"


@pytest.fixture(autouse=True)
def limits(settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 20
    settings.LOGIN_ADDRESS_WINDOW_MINUTES = 15
    with time_machine.travel(datetime(2026, 11, 24, 9, 0, 5, tzinfo=UTC), tick=False):
        yield


def _sign_in(client, email, password, address):
    return client.post(
        "/accounts/login/", {"username": email, "password": password}, REMOTE_ADDR=address
    )


def test_one_address_trying_25_accounts_is_paused_after_the_limit(client):
    accounts = UserFactory.create_batch(25)
    statuses = [_sign_in(client, user.email, "wrong", ATTACKER).status_code for user in accounts]
    assert statuses == [200] * 20 + [429] * 5
    paused = _sign_in(client, accounts[0].email, PASSWORD, ATTACKER)
    assert paused.status_code == 429
    assert int(paused["Retry-After"]) >= 1
    page = paused.content.decode()
    assert "Sign-in paused from your connection" in page
    assert "No account was locked" in page
    # The owners, from their own connections, still sign in: the tries locked no account.
    for user in (accounts[0], accounts[24]):
        assert _sign_in(client, user.email, PASSWORD, OWNER).status_code == 302
        client.logout()


def test_successful_sign_ins_from_a_shared_office_do_not_use_up_the_limit(client, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 2
    colleagues = UserFactory.create_batch(4)
    for user in colleagues:
        assert _sign_in(client, user.email, PASSWORD, OWNER).status_code == 302
        client.logout()


def test_the_pause_ends_with_the_window(client):
    user = UserFactory()
    for _attempt in range(20):
        _sign_in(client, f"x{_attempt}@example.gov", "wrong", ATTACKER)
    assert _sign_in(client, user.email, PASSWORD, ATTACKER).status_code == 429
    with time_machine.travel(datetime(2026, 11, 24, 9, 15, 1, tzinfo=UTC), tick=False):
        assert _sign_in(client, user.email, PASSWORD, ATTACKER).status_code == 302


def test_the_pause_page_is_in_spanish_too(client):
    for attempt in range(21):
        response = client.post(
            "/es/accounts/login/",
            {"username": f"x{attempt}@example.gov", "password": "wrong"},
            REMOTE_ADDR=ATTACKER,
        )
    assert response.status_code == 429
    assert "Inicio de sesión en pausa" in response.content.decode()
