"""Fixtures for complaint tests: a service, a team with a lead, a handler of agency A."""

from __future__ import annotations

import pytest

from cxgov.core.models import Role
from cxgov.testing.factories import (
    ComplaintCategoryFactory,
    ComplaintTeamFactory,
    MembershipFactory,
    ServiceFactory,
    UserFactory,
)


@pytest.fixture
def service_a(agency_a):
    return ServiceFactory(agency=agency_a, name="Apply for benefits", slug="apply")


@pytest.fixture
def handler_a(agency_a):
    user = UserFactory(email="handler@alpha.example.gov")
    MembershipFactory(user=user, agency=agency_a, role=Role.COMPLAINT_HANDLER)
    return user


@pytest.fixture
def lead_a(agency_a):
    user = UserFactory(email="lead@alpha.example.gov")
    MembershipFactory(user=user, agency=agency_a, role=Role.COMPLAINT_HANDLER)
    return user


@pytest.fixture
def team_a(agency_a, lead_a):
    return ComplaintTeamFactory(agency=agency_a, name="Benefits team", lead=lead_a)


@pytest.fixture
def category_a(agency_a):
    return ComplaintCategoryFactory(agency=agency_a, name="Payments")


@pytest.fixture
def handler_a_client(client, handler_a):
    client.force_login(handler_a)
    return client
