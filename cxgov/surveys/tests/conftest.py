"""Survey fixtures: live A-11 v2, employee and multi-page surveys of agency A, with a service."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from cxgov.core.models import Agency
from cxgov.registry.models import Service
from cxgov.surveys.models import Survey
from cxgov.surveys.services import question_add, survey_create, survey_publish
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


TOPICS = [{"value": v, "label": v.title(), "label_es": v.upper()} for v in "abcdefgh"]


@pytest.fixture
def flow_survey(agency_a: Agency, service_a: Service) -> Survey:
    """Three pages: how and how well (skip to the end at 1 or 2), follow-ups, comments."""
    survey = survey_create(
        actor=None, agency=agency_a, title="Visit", title_es="Visita", services=[service_a]
    )
    add = question_add
    add(
        actor=None,
        survey=survey,
        key="visit",
        kind="single",
        text="How did you visit?",
        text_es="¿Cómo nos visitó?",
        required=True,
        options=[
            {"value": "online", "label": "Online", "label_es": "En línea"},
            {"value": "office", "label": "In person", "label_es": "En persona"},
        ],
        page=1,
    )
    add(
        actor=None,
        survey=survey,
        key="score",
        kind="rating_10",
        text="How was it?",
        text_es="¿Qué tal fue?",
        required=True,
        page=1,
    )
    add(
        actor=None,
        survey=survey,
        key="nickname",
        kind="short_text",
        text="What do you call this service?",
        text_es="¿Cómo llama a este servicio?",
        page=1,
        skip_rules=[
            {"when": {"question": "score", "op": "lte", "values": ["2"]}, "to_page": "end"}
        ],
    )
    add(
        actor=None,
        survey=survey,
        key="office_wait",
        kind="number",
        text="How many minutes did you wait?",
        text_es="¿Cuántos minutos esperó?",
        required=True,
        page=2,
        show_if={
            "all": [
                {"question": "visit", "values": ["office"]},
                {"question": "score", "op": "lte", "values": ["5"]},
            ]
        },
    )
    add(
        actor=None,
        survey=survey,
        key="praise",
        kind="long_text",
        text="What made your {answer.visit} visit good?",
        text_es="¿Qué hizo buena su visita ({answer.visit})?",
        page=2,
        show_if={
            "any": [
                {"question": "score", "op": "gte", "values": ["8"]},
                {"question": "visit", "values": ["online"]},
            ]
        },
    )
    add(
        actor=None,
        survey=survey,
        key="topics",
        kind="multiple",
        text="What was it about?",
        text_es="¿De qué se trataba?",
        options=TOPICS,
        randomize_options=True,
        page=2,
    )
    add(
        actor=None,
        survey=survey,
        key="comments",
        kind="long_text",
        text="Anything else about {answer.nickname} at {context.service}?",
        text_es="¿Algo más sobre {answer.nickname} en {context.service}?",
        page=3,
    )
    return survey_publish(actor=None, survey=cleared(survey))
