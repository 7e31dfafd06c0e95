"""Staff pages for services, segments, stages and channels: who may read, who may change."""

from __future__ import annotations

import pytest
from django.test import Client

from cxgov.core.models import AuditEvent, Role
from cxgov.registry.models import Channel, CustomerSegment, Service, ServiceStage, ServiceStatus
from cxgov.registry.services import channel_create, segment_create, service_create
from cxgov.testing.factories import MembershipFactory, ServiceFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager_a_client(agency_a) -> Client:
    user = UserFactory(email="manager@alpha.example.gov")
    MembershipFactory(user=user, agency=agency_a, role=Role.SERVICE_MANAGER)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def service_a(agency_a) -> Service:
    return service_create(actor=None, agency=agency_a, name="Apply for a grant", slug="grant")


@pytest.fixture
def service_b(agency_b) -> Service:
    return ServiceFactory(agency=agency_b, name="Bravo's service", slug="bravo-service")


def test_manager_creates_a_draft_service_with_default_stages(manager_a_client, agency_a):
    response = manager_a_client.post(
        "/staff/agencies/alpha/services/new/",
        {"name": "Get a permit", "name_es": "Obtener un permiso", "kind": "permits"},
    )
    service = Service.objects.get(name="Get a permit")
    assert response["Location"] == f"/staff/agencies/alpha/services/{service.pk}/"
    assert service.status == ServiceStatus.DRAFT
    assert [s.name for s in service.stages.all()] == ["Start", "Process", "End"]
    assert AuditEvent.objects.filter(action="service.create", target_id=str(service.pk)).exists()


def test_missing_name_gets_a_field_error_and_saves_nothing(manager_a_client):
    response = manager_a_client.post("/staff/agencies/alpha/services/new/", {"name": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_name_error"' in page
    assert "This field is required." in page
    assert Service.objects.count() == 0


def test_edit_records_what_changed_in_the_history(manager_a_client, service_a):
    manager_a_client.post(
        f"/staff/agencies/alpha/services/{service_a.pk}/edit/",
        {"name": "Apply for a small grant", "kind": "grants"},
    )
    event = AuditEvent.objects.get(action="service.update")
    assert event.data["name"] == ["Apply for a grant", "Apply for a small grant"]
    page = manager_a_client.get(f"/staff/agencies/alpha/services/{service_a.pk}/").content.decode()
    assert "Apply for a small grant" in page
    assert "service.update" in page


def test_publish_and_archive_change_what_the_public_sees(manager_a_client, client, agency_a):
    service = ServiceFactory(agency=agency_a, slug="new", status=ServiceStatus.DRAFT)
    assert client.get("/agencies/alpha/services/new/").status_code == 404
    manager_a_client.post(f"/staff/agencies/alpha/services/{service.pk}/publish/")
    assert client.get("/agencies/alpha/services/new/").status_code == 200
    manager_a_client.post(f"/staff/agencies/alpha/services/{service.pk}/archive/")
    assert client.get("/agencies/alpha/services/new/").status_code == 404


def test_analyst_reads_but_cannot_change_services(analyst_a_client, service_a):
    assert analyst_a_client.get("/staff/agencies/alpha/services/").status_code == 200
    detail = analyst_a_client.get(f"/staff/agencies/alpha/services/{service_a.pk}/")
    assert detail.status_code == 200
    assert "Edit service" not in detail.content.decode()
    assert analyst_a_client.get("/staff/agencies/alpha/services/new/").status_code == 404
    response = analyst_a_client.post(
        f"/staff/agencies/alpha/services/{service_a.pk}/edit/", {"name": "Hijacked"}
    )
    assert response.status_code == 404
    service_a.refresh_from_db()
    assert service_a.name == "Apply for a grant"


def test_staff_of_agency_a_get_404_for_agency_b_services(manager_a_client, service_b):
    assert manager_a_client.get("/staff/agencies/bravo/services/").status_code == 404
    assert (
        manager_a_client.get(f"/staff/agencies/bravo/services/{service_b.pk}/").status_code == 404
    )
    # Reaching B's service through A's URL is just as missing.
    assert (
        manager_a_client.get(f"/staff/agencies/alpha/services/{service_b.pk}/").status_code == 404
    )
    response = manager_a_client.post(f"/staff/agencies/alpha/services/{service_b.pk}/publish/")
    assert response.status_code == 404


def test_staff_of_agency_a_cannot_touch_agency_b_channels_or_stages(manager_a_client, service_b):
    channel = channel_create(actor=None, service=service_b, kind="phone", name="B line")
    stage = service_b.stages.first() or ServiceStage.objects.create(service=service_b, name="S")
    for url in (
        f"/staff/agencies/alpha/channels/{channel.pk}/edit/",
        f"/staff/agencies/bravo/channels/{channel.pk}/edit/",
        f"/staff/agencies/alpha/channels/{channel.pk}/hours/",
        f"/staff/agencies/alpha/stages/{stage.pk}/edit/",
    ):
        assert manager_a_client.get(url).status_code == 404, url
    assert (
        manager_a_client.post(f"/staff/agencies/alpha/channels/{channel.pk}/delete/").status_code
        == 404
    )
    assert Channel.objects.filter(pk=channel.pk).exists()


def test_manager_adds_channel_and_sets_hours(manager_a_client, service_a):
    response = manager_a_client.post(
        f"/staff/agencies/alpha/services/{service_a.pk}/channels/new/",
        {
            "kind": "phone",
            "name": "Grant help line",
            "phone": "1-800-555-0123",
            "languages": "en, ES",
            "closed_on_federal_holidays": "on",
            "annual_volume": "5000",
            "cost_per_transaction": "7.50",
        },
    )
    assert response.status_code == 302
    channel = Channel.objects.get(name="Grant help line")
    assert channel.languages == ["en", "es"]
    assert channel.is_digital is False
    hours = {f"d{day}_0_opens": "08:30" for day in range(5)}
    hours |= {f"d{day}_0_closes": "16:30" for day in range(5)}
    response = manager_a_client.post(f"/staff/agencies/alpha/channels/{channel.pk}/hours/", hours)
    assert response.status_code == 302
    assert channel.hours.count() == 5


def test_hours_with_closing_at_opening_or_missing_name_the_day(manager_a_client, service_a):
    channel = channel_create(actor=None, service=service_a, kind="phone", name="Line")
    response = manager_a_client.post(
        f"/staff/agencies/alpha/channels/{channel.pk}/hours/",
        {"d2_0_opens": "17:00", "d2_0_closes": "17:00", "d3_0_opens": "09:00"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "The closing time must differ from the opening time" in page
    assert "Give both the opening and the closing time." in page
    assert channel.hours.count() == 0


def test_overnight_shift_is_saved_and_nothing_may_start_after_it(manager_a_client, service_a):
    channel = channel_create(actor=None, service=service_a, kind="phone", name="Night line")
    url = f"/staff/agencies/alpha/channels/{channel.pk}/hours/"
    clash = {"d0_0_opens": "08:00", "d0_0_closes": "12:00"}
    clash |= {"d0_1_opens": "22:00", "d0_1_closes": "06:00"}
    assert manager_a_client.post(url, clash).status_code == 302
    assert [(h.opens.hour, h.closes.hour) for h in channel.hours.all()] == [(8, 12), (22, 6)]
    overlap = {"d1_0_opens": "20:00", "d1_0_closes": "04:00", "d1_1_opens": "23:00"}
    overlap |= {"d1_1_closes": "23:30"}
    assert manager_a_client.post(url, overlap).status_code == 400


@pytest.mark.parametrize("languages", ["english!!", "en, xx"])
def test_bad_language_code_is_a_field_error(manager_a_client, service_a, languages):
    response = manager_a_client.post(
        f"/staff/agencies/alpha/services/{service_a.pk}/channels/new/",
        {"kind": "phone", "name": "Line", "languages": languages},
    )
    assert response.status_code == 400
    assert "is not a language code" in response.content.decode()


def test_stages_can_be_added_reordered_and_removed(manager_a_client, service_a):
    manager_a_client.post(
        f"/staff/agencies/alpha/services/{service_a.pk}/stages/new/", {"name": "Review"}
    )
    names = lambda: list(service_a.stages.values_list("name", flat=True))  # noqa: E731
    assert names() == ["Start", "Process", "End", "Review"]
    review = service_a.stages.get(name="Review")
    manager_a_client.post(f"/staff/agencies/alpha/stages/{review.pk}/move/up/")
    assert names() == ["Start", "Process", "Review", "End"]
    manager_a_client.post(f"/staff/agencies/alpha/stages/{review.pk}/delete/")
    assert names() == ["Start", "Process", "End"]


def test_segments_are_unique_per_agency_and_link_to_services(manager_a_client, agency_a, service_a):
    manager_a_client.post("/staff/agencies/alpha/segments/new/", {"name": "Farmers"})
    duplicate = manager_a_client.post("/staff/agencies/alpha/segments/new/", {"name": "farmers"})
    assert duplicate.status_code == 400
    assert "already has a segment" in duplicate.content.decode()
    segment = CustomerSegment.objects.get(agency=agency_a)
    manager_a_client.post(
        f"/staff/agencies/alpha/services/{service_a.pk}/edit/",
        {"name": service_a.name, "segments": [segment.pk]},
    )
    assert list(service_a.segments.all()) == [segment]


def test_segment_of_another_agency_cannot_be_linked(manager_a_client, agency_b, service_a):
    other = segment_create(actor=None, agency=agency_b, name="Theirs")
    response = manager_a_client.post(
        f"/staff/agencies/alpha/services/{service_a.pk}/edit/",
        {"name": service_a.name, "segments": [other.pk]},
    )
    assert response.status_code == 400
    assert service_a.segments.count() == 0


def test_channel_insight_shows_volume_share_digital_take_up_and_cost(manager_a_client, service_a):
    channel_create(
        actor=None,
        service=service_a,
        kind="website",
        name="Online",
        annual_volume=750,
        cost_per_transaction="2.00",
    )
    channel_create(
        actor=None,
        service=service_a,
        kind="phone",
        name="Phone",
        annual_volume=250,
        cost_per_transaction="10.00",
    )
    page = manager_a_client.get(f"/staff/agencies/alpha/services/{service_a.pk}/").content.decode()
    assert "75.0%" in page and "25.0%" in page
    assert "Digital take-up: 75.0% of transactions" in page
    assert "$1,500" in page and "$2,500" in page and "$4,000" in page
    assert '<svg role="img"' in page
