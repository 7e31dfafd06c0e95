"""Every public write answers 429 with Retry-After once an address sends too many."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.core.cache import cache

from cxgov.core.ratelimit import RateLimited, rate_check
from cxgov.core.services import token_create
from cxgov.surveys.services import survey_create, survey_publish
from cxgov.testing.factories import AgencyFactory

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
    survey = survey_publish(actor=None, survey=survey)
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
