"""Survey fixtures: live A-11 v2 and employee surveys of agency A, with a published service."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from cxgov.core.models import Agency
from cxgov.registry.models import Service
from cxgov.surveys.models import Survey
from cxgov.surveys.services import survey_create, survey_publish
from cxgov.testing.factories import ServiceFactory, cleared


@pytest.fixture(autouse=True)
def _fresh_rate_limit() -> None:
    cache.clear()


@pytest.fixture
def service_a(agency_a: Agency) -> Service:
    return ServiceFactory(agency=agency_a, name="Apply for benefits", slug="apply")


@pytest.fixture
def a11_survey(agency_a: Agency, service_a: Service) -> Survey:
    survey = survey_create(
        actor=None,
        agency=agency_a,
        template="a11_v2",
        services=[service_a],
        omb_control_number="1234-5678",
    )
    return survey_publish(actor=None, survey=cleared(survey))


@pytest.fixture
def a11_likert_survey(agency_a: Agency) -> Survey:
    survey = survey_create(actor=None, agency=agency_a, template="a11_v2_likert")
    return survey_publish(actor=None, survey=cleared(survey))


@pytest.fixture
def employee_survey(agency_a: Agency) -> Survey:
    survey = survey_create(
        actor=None, agency=agency_a, template="employee_barriers", access_code="team-2026"
    )
    return survey_publish(actor=None, survey=survey)
