"""Public agency and service pages: published services only, ways to get help, open now."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

import pytest
import time_machine

from cxgov.registry.models import ServiceStatus
from cxgov.registry.services import channel_closure_add, channel_create, channel_hours_set
from cxgov.testing.factories import AgencyFactory, ServiceFactory

pytestmark = pytest.mark.django_db

WEEKDAYS_9_TO_5 = {day: [(time(9), time(17))] for day in range(5)}


@pytest.fixture
def phone_service():
    agency = AgencyFactory(name="Bureau of Examples", slug="boe", time_zone="America/New_York")
    service = ServiceFactory(
        agency=agency, name="Renew a license", name_es="Renovar una licencia", slug="renew"
    )
    phone = channel_create(
        actor=None,
        service=service,
        kind="phone",
        name="Help line",
        name_es="Línea de ayuda",
        phone="1-800-555-0100",
        tty="711",
        languages=["en", "es"],
        annual_volume=120_000,
        cost_per_transaction=Decimal("12.34"),
    )
    channel_hours_set(actor=None, channel=phone, weekly_hours=WEEKDAYS_9_TO_5)
    channel_create(
        actor=None,
        service=service,
        kind="website",
        name="Renew online",
        url="https://example.gov/renew",
        always_open=True,
    )
    return service


def test_agency_page_lists_only_published_services(client, phone_service):
    ServiceFactory(agency=phone_service.agency, name="Secret draft", status=ServiceStatus.DRAFT)
    page = client.get("/agencies/boe/").content.decode()
    assert "Renew a license" in page
    assert "Secret draft" not in page


def test_draft_service_page_is_not_found(client, phone_service):
    ServiceFactory(agency=phone_service.agency, slug="draft", status=ServiceStatus.DRAFT)
    assert client.get("/agencies/boe/services/draft/").status_code == 404
    assert client.get("/agencies/nope/").status_code == 404


@time_machine.travel("2026-11-24 15:00:00+00:00", tick=False)  # Tuesday 10:00 Eastern
def test_service_page_says_open_now_with_closing_time(client, phone_service):
    page = client.get("/agencies/boe/services/renew/").content.decode()
    assert "Open now" in page
    assert "Closes at 5 p.m." in page
    assert 'href="tel:1-800-555-0100"'.replace("-", "") in page.replace("-", "")
    assert 'href="tel:711"' in page
    assert "Open 24 hours" in page


@time_machine.travel("2026-11-26 15:00:00+00:00", tick=False)  # Thanksgiving, 10:00 Eastern
def test_service_page_is_closed_on_thanksgiving_and_says_when_it_opens(client, phone_service):
    page = client.get("/agencies/boe/services/renew/").content.decode()
    assert "Closed now" in page
    assert "Closed today: Thanksgiving Day." in page
    assert "Opens Friday at 9 a.m." in page


@time_machine.travel("2026-11-28 15:00:00+00:00", tick=False)  # Saturday
def test_service_page_on_a_weekend_points_to_monday(client, phone_service):
    page = client.get("/agencies/boe/services/renew/").content.decode()
    assert "Opens Monday at 9 a.m." in page


@time_machine.travel("2026-12-23 15:00:00+00:00", tick=False)
def test_named_closure_is_listed(client, phone_service):
    channel = phone_service.channels.get(kind="phone")
    channel_closure_add(actor=None, channel=channel, day=date(2026, 12, 24), name="Office move")
    page = client.get("/agencies/boe/services/renew/").content.decode()
    assert "Office move" in page


def test_staff_only_numbers_never_appear_on_public_pages(client, phone_service):
    for path in ("/agencies/boe/services/renew/", "/es/agencies/boe/services/renew/"):
        page = client.get(path).content.decode()
        assert "120,000" not in page and "120000" not in page and "120.000" not in page
        assert "12.34" not in page and "12,34" not in page


@time_machine.travel("2026-11-24 15:00:00+00:00", tick=False)
def test_spanish_service_page_uses_spanish_names_and_labels(client, phone_service):
    page = client.get("/es/agencies/boe/services/renew/").content.decode()
    assert "Renovar una licencia" in page
    assert "Línea de ayuda" in page
    assert "Formas de obtener ayuda" in page
    assert "Abierto ahora" in page
    assert "Español" in page


def test_service_page_links_to_feedback_and_complaint_about_this_service(client, phone_service):
    page = client.get("/agencies/boe/services/renew/").content.decode()
    assert "/feedback/?agency=boe&amp;service=renew" in page
    assert "/complaints/?agency=boe&amp;service=renew" in page
    focused = client.get("/feedback/?agency=boe&service=renew").content.decode()
    assert "Bureau of Examples" in focused


def test_channel_without_hours_shows_no_open_status(client, phone_service):
    channel_create(
        actor=None, service=phone_service, kind="postal_mail", name="By mail", address="PO Box 1"
    )
    page = client.get("/agencies/boe/services/renew/").content.decode()
    mail_card = page.split("By mail")[1].split("usa-card__container")[0]
    assert "Closed now" not in mail_card and "Open now" not in mail_card
