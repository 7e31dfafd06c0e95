"""The Touchpoints A-11 v2 file has one row per response: only those who read responses
(agency admins, CX analysts) download it, on the staff page and through the API. Every member,
oversight included, keeps the summary and the collection details."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from cxgov.a11.formats import EXPORT_FORMATS
from cxgov.a11.tests.factories import PERIOD, ready_collection
from cxgov.core.models import Role
from cxgov.core.services import token_create
from cxgov.testing.access import answers_like_missing
from cxgov.testing.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

PARAMS = {"fiscal_year": PERIOD.year, "quarter": PERIOD.quarter}
READERS = {Role.AGENCY_ADMIN, Role.CX_ANALYST}
PER_RESPONSE = "touchpoints-a11-v2"


def _allowed(role: Role, fmt: str) -> bool:
    return fmt != PER_RESPONSE or role in READERS


@pytest.mark.parametrize("role", list(Role))
def test_staff_downloads_per_response_file_only_with_the_response_capability(
    role_a_client, thumbs_survey, service_a, role: Role
):
    ready_collection(service=service_a, survey=thumbs_survey, responses=3)
    client: Client = role_a_client(role)
    for fmt in EXPORT_FORMATS:
        url = reverse("a11:export_download", kwargs={"slug": "alpha", "format": fmt})
        got = client.get(url, PARAMS)
        if _allowed(role, fmt):
            assert got.status_code == 200, (fmt, role)
        else:
            missing = client.get(url.replace("/alpha/", "/no-such-agency/"), PARAMS)
            assert answers_like_missing(got, missing), (fmt, role)


@pytest.mark.parametrize("role", list(Role))
def test_the_export_page_offers_only_the_files_the_role_may_download(role_a_client, role: Role):
    client: Client = role_a_client(role)
    page = client.get(reverse("a11:export", kwargs={"slug": "alpha"})).content.decode()
    for fmt in EXPORT_FORMATS:
        assert (f'value="{fmt}"' in page) == _allowed(role, fmt), (fmt, role)
    if role not in READERS:
        chosen = client.get(
            reverse("a11:export", kwargs={"slug": "alpha"}), {**PARAMS, "format": PER_RESPONSE}
        )
        assert chosen.status_code == 400


@pytest.mark.parametrize("role", list(Role))
def test_api_serves_per_response_file_only_with_the_response_capability(
    agency_a, thumbs_survey, service_a, role: Role
):
    ready_collection(service=service_a, survey=thumbs_survey, responses=3)
    user = UserFactory(email=f"api-{role.value}@alpha.example.gov")
    MembershipFactory(user=user, agency=agency_a, role=role)
    _token, secret = token_create(user=user, name="exports")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    client = Client()
    for fmt in EXPORT_FORMATS:
        url = f"/api/v1/a11/exports/{fmt}"
        got = client.get(url, {**PARAMS, "agency": "alpha"}, **headers)
        if _allowed(role, fmt):
            assert got.status_code == 200, (fmt, role)
            continue
        missing = client.get(url, {**PARAMS, "agency": "no-such-agency"}, **headers)
        assert (got.status_code, got.content) == (404, missing.content), (fmt, role)
        # Without an agency: no agency where the role reads responses, so none at all.
        assert client.get(url, PARAMS, **headers).content == missing.content
