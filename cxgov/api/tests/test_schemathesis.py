"""Property-based tests of the whole REST API against its own OpenAPI document.

schemathesis reads /api/v1/openapi.json from the Django app in-process and sends generated
requests to every operation, as a staff member with a token and with no token at all. Every
answer must be a non-5xx response that matches the documented status codes, content type and
schema. Examples are bounded so the run stays short.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import override_settings
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from cxgov.core.models import Role
from cxgov.core.services import membership_grant, token_create
from cxgov.testing.factories import (
    ChannelFactory,
    ServiceFactory,
    StandardFactory,
    SurveyFactory,
    UserFactory,
)

# Enough to find the bugs this test found; small enough to keep the run near a minute.
STAFF_EXAMPLES = 6
ANONYMOUS_EXAMPLES = 3


# Loaded once, when the tests are collected; pytest 9 cannot run schemathesis' lazy fixture
# loader (schemathesis.pytest.from_fixture), which sets a node attribute pytest 9 removed.
with override_settings(ALLOWED_HOSTS=["localhost"]):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture(autouse=True)
def api_records(db: None, agency_a, settings) -> Iterator[None]:
    """Some alpha records for requests to find, and a database kept open across requests."""
    settings.ALLOWED_HOSTS = ["localhost"]
    cache.clear()
    service = ServiceFactory(agency=agency_a, slug="renew")
    ChannelFactory(service=service)
    StandardFactory(service=service)
    SurveyFactory(agency=agency_a)
    # Like Django's test client: keep the test's transaction open between requests.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def staff_token(agency_a) -> str:
    user = UserFactory(email="schemathesis@alpha.example.gov")
    for role in (Role.AGENCY_ADMIN, Role.SERVICE_MANAGER, Role.CX_ANALYST):
        membership_grant(agency=agency_a, user=user, role=role, actor=None)
    _token, raw = token_create(user=user, name="schemathesis")
    return raw


def _bounded(examples: int) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
    )


# A case change the complaint's state decides: the state machine refuses some moves, and an
# assignee must hold a role that works cases; JSON Schema cannot say either.
CASE_CHANGES = ("/assign", "/transition", "/messages", "/respond")


def _excluded(case) -> list:
    # "closes later than opens" relates two fields, which JSON Schema cannot say, so a
    # schema-valid week of hours may still be refused with 422.
    if case.operation.path.endswith(("/hours", *CASE_CHANGES)):
        return [positive_data_acceptance]
    # Only a cursor the API signed is valid; any other string is a documented 400.
    if case.query and case.query.get("cursor") is not None:
        return [positive_data_acceptance]
    return []


@schema.parametrize()
@_bounded(STAFF_EXAMPLES)
def test_api_as_staff_never_fails_and_matches_its_schema(case, staff_token):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {staff_token}"}, excluded_checks=_excluded(case)
    )


@schema.parametrize()
@_bounded(ANONYMOUS_EXAMPLES)
def test_api_without_a_token_never_fails_and_matches_its_schema(case):
    case.call_and_validate(excluded_checks=_excluded(case))
