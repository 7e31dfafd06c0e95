"""Every limit answers 429 with Retry-After once a caller sends too many: per address (as far
as trusted proxies vouch for it), per API user, and exactly at the limit under a burst."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
import time_machine
from django.core.cache import cache
from django.db import connections

from cxgov.core.models import RateCounter
from cxgov.core.ratelimit import RateLimited, client_address, rate_check
from cxgov.core.services import token_create
from cxgov.surveys.services import survey_create, survey_publish
from cxgov.testing.factories import AgencyFactory, cleared

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def limits(settings):
    settings.PUBLIC_WRITES_PER_MINUTE = 3
    settings.STATUS_LOOKUPS_PER_MINUTE = 2
    settings.API_WRITES_PER_MINUTE = 2
    cache.clear()
    # A frozen clock keeps every attempt of a test inside one counting window.
    with time_machine.travel(datetime(2026, 11, 24, 9, 0, 5, tzinfo=UTC), tick=False):
        yield
    cache.clear()


def test_rate_check_counts_per_key_and_resets_with_the_window():
    with time_machine.travel(datetime(2026, 11, 24, 12, 0, 10, tzinfo=UTC)):
        for _attempt in range(3):
            rate_check(scope="t", key="a", limit=3)
        with pytest.raises(RateLimited) as raised:
            rate_check(scope="t", key="a", limit=3)
        assert raised.value.retry_after == 50
        rate_check(scope="t", key="b", limit=3)  # another address has its own count
    with time_machine.travel(datetime(2026, 11, 24, 12, 1, 1, tzinfo=UTC)):
        rate_check(scope="t", key="a", limit=3)


def test_complaint_form_answers_429_with_retry_after(client):
    agency = AgencyFactory(slug="fba")
    url = f"/agencies/{agency.slug}/complaints/new/"
    statuses = [client.post(url, {}).status_code for _attempt in range(4)]
    assert statuses[:3] == [400, 400, 400]
    limited = client.post(url, {})
    assert limited.status_code == 429
    assert int(limited["Retry-After"]) >= 1
    assert "Please wait a moment" in limited.content.decode()
    assert client.get(url).status_code == 200  # reading is never limited


def test_status_lookups_are_limited_more_tightly(client):
    for _attempt in range(2):
        client.post(
            "/complaints/status/", {"tracking_number": "C-AAAA-AAAA-AAAA", "email": "a@b.c"}
        )
    response = client.post(
        "/complaints/status/", {"tracking_number": "C-AAAA-AAAA-AAAA", "email": "a@b.c"}
    )
    assert response.status_code == 429


def test_survey_page_in_spanish_explains_the_wait(client):
    agency = AgencyFactory(slug="fba")
    survey = survey_create(actor=None, agency=agency, template="a11_v2")
    for question in survey.questions.all():
        question.text_es = question.text_es or question.text
        question.save()
    survey = survey_publish(actor=None, survey=cleared(survey))
    url = f"/es/surveys/{survey.public_id}/"
    for _attempt in range(3):
        client.post(url, {})
    response = client.post(url, {})
    assert response.status_code == 429
    assert "Espere un momento" in response.content.decode()


def test_open311_post_is_limited_with_a_spec_error_body(client):
    AgencyFactory(slug="fba")
    for _attempt in range(3):
        client.post("/open311/v2/requests.json", {"jurisdiction_id": "fba"})
    response = client.post("/open311/v2/requests.json", {"jurisdiction_id": "fba"})
    assert response.status_code == 429
    assert response.json()[0]["code"] == 429
    assert "Retry-After" in response


def test_api_writes_are_limited_per_token(client, analyst_a):
    _token, raw = token_create(user=analyst_a, name="burst")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    for _attempt in range(2):
        client.post("/api/v1/tokens", {"name": "x"}, content_type="application/json", **headers)
    response = client.post(
        "/api/v1/tokens", {"name": "x"}, content_type="application/json", **headers
    )
    assert response.status_code == 429
    assert response["Retry-After"]
    assert client.get("/api/v1/me", **headers).status_code == 200


# --- behind a proxy --------------------------------------------------------------------------


def _through_proxy(client, url, client_ip):
    # The proxy (10.0.0.2) appends the address it saw; what the client wrote comes first.
    return client.post(
        url, {}, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=f"6.6.6.6, {client_ip}"
    )


def test_behind_a_trusted_proxy_each_client_has_its_own_count(client, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    agency = AgencyFactory(slug="fba")
    url = f"/agencies/{agency.slug}/complaints/new/"
    for _attempt in range(3):
        assert _through_proxy(client, url, "198.51.100.1").status_code == 400
    assert _through_proxy(client, url, "198.51.100.1").status_code == 429
    # Another visitor behind the same proxy is not limited by the first one.
    assert _through_proxy(client, url, "198.51.100.2").status_code == 400


def test_without_trusted_proxies_a_forwarded_header_is_ignored(client):
    agency = AgencyFactory(slug="fba")
    url = f"/agencies/{agency.slug}/complaints/new/"
    statuses = [
        client.post(url, {}, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code for n in range(4)
    ]
    assert statuses == [400, 400, 400, 429]


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        ("203.0.113.5", "198.51.100.1", "203.0.113.5"),  # not a proxy: the header is a lie
        ("10.0.0.2", "198.51.100.1", "198.51.100.1"),
        ("10.0.0.2", "6.6.6.6, 198.51.100.1", "198.51.100.1"),  # spoofed entry on the left
        ("10.0.0.2", "198.51.100.1, 10.0.0.9", "198.51.100.1"),  # two proxies
        ("10.0.0.2", "198.51.100.1:5123", "198.51.100.1"),
        ("10.0.0.2", "[2001:db8::1]:443", "2001:db8::1"),
        ("10.0.0.2", "", "10.0.0.2"),
        ("10.0.0.2", "not-an-address", "10.0.0.2"),
        ("::ffff:10.0.0.2", "198.51.100.1", "198.51.100.1"),
    ],
)
def test_client_address_reads_past_trusted_proxies_only(rf, settings, remote, forwarded, expected):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    request = rf.get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


def test_the_account_lockout_takes_the_address_from_the_same_function(rf, settings):
    from axes.helpers import get_client_ip_address

    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    request = rf.post("/accounts/login/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6")
    assert get_client_ip_address(request) == "6.6.6.6"


# --- a concurrent burst ----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_concurrent_burst_admits_exactly_the_limit():
    callers = 40
    start = threading.Barrier(callers)

    def attempt(_index: int) -> bool:
        start.wait()
        try:
            rate_check(scope="burst", key="203.0.113.9", limit=20, window=3600)
        except RateLimited:
            return False
        finally:
            connections.close_all()
        return True

    with ThreadPoolExecutor(max_workers=callers) as pool:
        admitted = sum(pool.map(attempt, range(callers)))
    assert admitted == 20
    assert RateCounter.objects.get().count == callers


# --- the API, per user -----------------------------------------------------------------------


def test_api_reads_are_limited_per_user_with_the_error_body(client, analyst_a, admin_a, settings):
    settings.API_READS_PER_MINUTE = 2
    _first, raw_first = token_create(user=analyst_a, name="one")
    _second, raw_second = token_create(user=analyst_a, name="two")
    _other, raw_other = token_create(user=admin_a, name="other")
    for raw in (raw_first, raw_second):  # two tokens of one user share the user's count
        assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    limited = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw_first}")
    assert limited.status_code == 429
    assert int(limited["Retry-After"]) >= 1
    assert limited.json()["detail"].startswith("Too many requests")
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw_other}").status_code == 200
