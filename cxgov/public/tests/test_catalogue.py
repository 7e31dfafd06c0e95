"""The home page's service catalogue: every published service with its headline figures,
filtered by a plain GET form, in English and Spanish, from rollups only.

The clock stands in January 2026, so the headline quarter is FY2026 Q1.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxgov.core.models import Agency
from cxgov.public.tests.test_service_performance import RAW_TABLES, a11_survey, answer
from cxgov.public.views import CATALOGUE_PAGE_SIZE
from cxgov.registry.models import Service, ServiceStatus
from cxgov.standards.models import DailyRollup
from cxgov.testing.factories import (
    AgencyFactory,
    ChannelFactory,
    SegmentFactory,
    ServiceFactory,
    StandardFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

PERFORMANCE = "/agencies/boe/services/renew/performance/"


@pytest.fixture
def frozen() -> object:
    with (
        time_machine.travel(datetime(2026, 1, 20, 15, 0, tzinfo=UTC), tick=False),
        override_settings(SURVEY_SUPPRESSION_THRESHOLD=5),
    ):
        yield


@pytest.fixture
def agency() -> Agency:
    return AgencyFactory(name="Bureau of Examples", slug="boe", name_es="Oficina de Ejemplos")


@pytest.fixture
def service(agency: Agency) -> Service:
    service = ServiceFactory(
        agency=agency, name="Renew a license", name_es="Renovar una licencia", slug="renew"
    )
    ChannelFactory(service=service, kind="website", name="Online")
    service.segments.add(SegmentFactory(agency=agency, name="Veterans", name_es="Veteranos"))
    return service


@pytest.fixture
def other() -> Service:
    agency = AgencyFactory(name="Office of Parks", slug="parks")
    service = ServiceFactory(agency=agency, name="Book a campsite", slug="camp")
    ChannelFactory(service=service, kind="phone", name="Call us")
    return service


def home(client, query: str = "", prefix: str = "") -> str:
    response = client.get(prefix + "/" + query)
    assert response.status_code == 200
    return re.sub(r"\s+", " ", response.content.decode())


def test_catalogue_lists_every_published_service_with_its_headline_and_link(
    client, agency, service, other
):
    ServiceFactory(agency=agency, name="Secret draft", status=ServiceStatus.DRAFT)
    survey = a11_survey(agency, service, public=True, title="How did it go?")
    answer(survey, service, [1] * 8 + [0] * 2)
    text = home(client)
    assert "Every service and how it is doing" in text
    assert "2 services match." in text
    assert f'href="{PERFORMANCE}"' in text and "Renew a license" in text
    assert 'href="/agencies/parks/services/camp/performance/"' in text
    assert "Secret draft" not in text
    # The same figures as the agency page: 8 of 10 trusted.
    assert "Trust increased, FY2026 Q1" in text and "<strong>80.0 %</strong>" in text
    assert "Complaints answered on time" in text and "Service standards met" in text
    # The agencies the home page always listed are still there.
    assert "Bureau of Examples" in text and "1 service" in text


def test_catalogue_filters_by_agency_segment_channel_and_name(client, service, other):
    def names(query: str) -> set[str]:
        text = home(client, query)
        return {name for name in ("Renew a license", "Book a campsite") if f">{name}</a>" in text}

    assert names("?agency=parks") == {"Book a campsite"}
    assert names("?segment=Veterans") == {"Renew a license"}
    assert names("?channel=phone") == {"Book a campsite"}
    assert names("?channel=website&agency=boe") == {"Renew a license"}
    assert names("?q=campsite") == {"Book a campsite"}
    assert names("?q=RENEW+license") == {"Renew a license"}
    assert names("?q=renovar") == {"Renew a license"}  # the Spanish name counts too
    assert names("?agency=parks&segment=Veterans") == set()
    text = home(client, "?q=nothing+like+this")
    assert "0 services match." in text
    assert "No services match. Try fewer words or another filter." in text


def test_filter_form_offers_only_what_published_services_have(client, service, other):
    text = home(client)
    assert '<form class="usa-form' in text and 'method="get"' in text
    assert '<option value="parks">Office of Parks</option>' in text
    assert '<option value="Veterans">Veterans</option>' in text
    assert '<option value="phone">Phone</option>' in text
    assert '<option value="fax">' not in text
    assert 'class="usa-select' in text and 'class="usa-input' in text


def test_catalogue_in_spanish(client, service, other):
    text = home(client, "?segment=Veterans", prefix="/es")
    assert 'lang="es"' in text
    assert f'href="/es{PERFORMANCE}"' in text and "Renovar una licencia" in text
    assert "Oficina de Ejemplos" in text and "Veteranos" in text
    assert "1 servicio coincide." in text
    assert "Todos los servicios y cómo les va" in text
    text = home(client, "?q=zzz", prefix="/es")
    assert "Ningún servicio coincide." in text


@pytest.mark.parametrize(
    "query",
    [
        "?q=" + "x" * 20000,
        "?agency=no-such-agency",
        "?segment=%3Cscript%3Ealert(1)%3C/script%3E",
        "?q=%3Cscript%3Ealert(1)%3C/script%3E&channel=%22%3E%3Cb%3E",
        "?page=-1&agency[]=x&q=%00",
        "?page=99999",
        "?page=abc&q=%F0%9F%98%80",
    ],
)
def test_hostile_query_strings_never_fail_and_never_reflect_markup(client, service, query):
    text = home(client, query)
    assert "<script>alert" not in text and '"><b>' not in text
    if "x" * 20000 in query:  # the search box keeps the first 100 characters
        assert 'value="' + "x" * 100 + '"' in text


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    text=st.text(max_size=300),
    agency=st.one_of(st.sampled_from(["boe", ""]), st.text(max_size=80)),
    segment=st.one_of(st.sampled_from(["Veterans", ""]), st.text(max_size=80)),
    channel=st.one_of(st.sampled_from(["website", "phone", ""]), st.text(max_size=30)),
    number=st.text(max_size=12),
)
def test_any_filter_values_answer_the_page_without_reflecting_markup(
    client, service, text, agency, segment, channel, number
):
    marker = "<i>hostile</i>"
    response = client.get(
        "/",
        {
            "q": text + marker,
            "agency": agency + marker,
            "segment": segment,
            "channel": channel,
            "page": number,
        },
    )
    assert response.status_code == 200
    assert marker not in response.content.decode()


def test_an_unknown_agency_is_named_as_an_error_and_not_applied(client, service, other):
    text = home(client, "?agency=no-such-agency")
    assert "usa-error-message" in text
    assert "2 services match." in text


def test_more_than_a_page_of_services_is_paginated_keeping_the_filters(client, agency):
    for number in range(CATALOGUE_PAGE_SIZE + 3):
        ServiceFactory(agency=agency, name=f"Permit {number:03}", slug=f"permit-{number}")
    text = home(client, "?q=permit")
    assert f"{CATALOGUE_PAGE_SIZE + 3} services match." in text
    assert "Page 1 of 2" in text
    assert 'href="?q=permit&amp;page=2#catalogue"' in text
    assert "Permit 052" not in text
    second = home(client, "?q=permit&page=2")
    assert "Permit 052" in second and "Permit 000" not in second


def test_catalogue_reads_rollups_never_raw_answers_responses_or_events(
    client, agency, service, other
):
    survey = a11_survey(agency, service, public=True, title="How did it go?")
    answer(survey, service, [1] * 7 + [0] * 3)
    standard = StandardFactory(service=service, agency=agency, period="quarter")
    DailyRollup.objects.create(standard=standard, day=date(2025, 11, 3), total=20, met=18)
    with CaptureQueriesContext(connection) as queries:
        home(client)
        home(client, "?q=renew&channel=website")
    sql = " ".join(query["sql"] for query in queries.captured_queries)
    assert '"surveys_answerrollup"' in sql and '"standards_dailyrollup"' in sql
    for table in RAW_TABLES:
        assert table not in sql, f"the home page read {table}"
