"""A-11 fixtures: agency A's service, its live A-11 v2 surveys and the other personas."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client

from cxgov.a11.tests.factories import signed_in
from cxgov.core.models import Agency, Role, User
from cxgov.registry.models import Service
from cxgov.surveys.models import Survey
from cxgov.surveys.services import survey_create, survey_publish
from cxgov.testing.factories import MembershipFactory, ServiceFactory, UserFactory, cleared

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()


@pytest.fixture
def service_a(agency_a: Agency) -> Service:
    return ServiceFactory(agency=agency_a, name="Apply for benefits", slug="apply")


@pytest.fixture
def other_service_a(agency_a: Agency) -> Service:
    return ServiceFactory(agency=agency_a, name="Replace a card", slug="replace")


@pytest.fixture
def service_b(agency_b: Agency) -> Service:
    return ServiceFactory(agency=agency_b, name="Bravo permits", slug="permits")


def _live(agency: Agency, template: str, services: list[Service]) -> Survey:
    survey = survey_create(
        actor=None,
        agency=agency,
        template=template,
        services=services,
        omb_control_number="1234-5678",
        omb_expiration_date=date(2029, 12, 31),
    )
    return survey_publish(actor=None, survey=cleared(survey))


@pytest.fixture
def thumbs_survey(agency_a: Agency, service_a: Service) -> Survey:
    return _live(agency_a, "a11_v2", [service_a])


@pytest.fixture
def likert_survey(agency_a: Agency, service_a: Service) -> Survey:
    return _live(agency_a, "a11_v2_likert", [service_a])


@pytest.fixture
def frontline_a(agency_a: Agency) -> User:
    user = UserFactory(email="frontline@alpha.example.gov")
    MembershipFactory(user=user, agency=agency_a, role=Role.FRONTLINE_EMPLOYEE)
    return user


@pytest.fixture
def oversight_user(agency_a: Agency, agency_b: Agency) -> User:
    """Oversight of both agencies, as OMB staff would be."""
    user = UserFactory(email="oversight@omb.example.gov")
    MembershipFactory(user=user, agency=agency_a, role=Role.OVERSIGHT)
    MembershipFactory(user=user, agency=agency_b, role=Role.OVERSIGHT)
    return user


@pytest.fixture
def frontline_a_client(frontline_a: User) -> Client:
    return signed_in(frontline_a)


@pytest.fixture
def oversight_client(oversight_user: User) -> Client:
    return signed_in(oversight_user)
