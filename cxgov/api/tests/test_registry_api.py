"""The service-inventory API: public reads, fuller reads for members, audited writes by editors."""

from __future__ import annotations

from datetime import time
from decimal import Decimal

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ninja import Schema

from cxgov.api.schemas.registry import ChannelPatchIn, ServicePatchIn
from cxgov.core.models import Agency, AuditEvent, Role, User
from cxgov.core.services import token_create
from cxgov.registry.models import OpeningHours, Service, ServiceStage, ServiceStatus
from cxgov.testing.factories import (
    AgencyFactory,
    ChannelFactory,
    MembershipFactory,
    SegmentFactory,
    ServiceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

STAFF_SERVICE_FIELDS = {"status", "details", "source", "source_id", "segments", "updated_at"}
STAFF_CHANNEL_FIELDS = {"annual_volume", "annual_enquiries", "cost_per_transaction", "source_id"}


def _bearer(user: User) -> dict[str, str]:
    _token, raw = token_create(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _post(client: Client, url: str, data: object, headers: dict[str, str]):
    return client.post(url, data, content_type="application/json", **headers)


def _patch(client: Client, url: str, data: object, headers: dict[str, str]):
    return client.patch(url, data, content_type="application/json", **headers)


def _put(client: Client, url: str, data: object, headers: dict[str, str]):
    return client.put(url, data, content_type="application/json", **headers)


@pytest.fixture
def published_a(agency_a: Agency) -> Service:
    service = ServiceFactory(
        agency=agency_a,
        name="Apply for a permit",
        slug="permit",
        source="touchpoints",
        source_id="T-1",
        details={"online_points": 3},
        estimated_annual_customers=12000,
    )
    service.segments.add(SegmentFactory(agency=agency_a, name="Small businesses"))
    ServiceStage.objects.create(service=service, name="Apply", name_es="Solicitar", position=10)
    channel = ChannelFactory(
        service=service,
        kind="phone",
        name="Call us",
        languages=["en", "es"],
        annual_volume=5000,
        annual_enquiries=9000,
        cost_per_transaction=Decimal("12.50"),
    )
    OpeningHours.objects.create(channel=channel, weekday=0, opens=time(9), closes=time(17))
    return service


@pytest.fixture
def draft_a(agency_a: Agency) -> Service:
    return ServiceFactory(agency=agency_a, name="Renew a permit", status=ServiceStatus.DRAFT)


@pytest.fixture
def draft_b(agency_b: Agency) -> Service:
    service = ServiceFactory(agency=agency_b, name="Bravo draft", status=ServiceStatus.DRAFT)
    ChannelFactory(service=service, name="Bravo phone")
    return service


@pytest.fixture
def manager_a(agency_a: Agency) -> User:
    user = UserFactory(email="manager@alpha.example.gov")
    MembershipFactory(user=user, agency=agency_a, role=Role.SERVICE_MANAGER)
    return user


# --- public reads --------------------------------------------------------------------------


def test_agency_list_is_public_with_parent_and_published_count(client, published_a, draft_a):
    AgencyFactory(name="Alpha Field Office", slug="alpha-field", parent=published_a.agency)
    response = client.get("/api/v1/agencies")
    assert response.status_code == 200
    items = {item["slug"]: item for item in response.json()["items"]}
    assert items["alpha"]["published_services"] == 1
    assert items["alpha"]["parent"] is None
    assert items["alpha-field"]["parent"] == "alpha"
    assert items["alpha-field"]["published_services"] == 0


def test_agency_list_is_paginated_by_cursor(client, agency_a, agency_b):
    first = client.get("/api/v1/agencies?limit=1").json()
    assert [item["slug"] for item in first["items"]] == ["alpha"]
    assert first["next"].startswith("http://testserver/api/v1/agencies?")
    assert "cursor=" in first["next"]
    second = client.get("/api/v1/agencies", {"limit": 1, "cursor": first["next_cursor"]}).json()
    assert [item["slug"] for item in second["items"]] == ["bravo"]
    assert second["next_cursor"] is None and second["next"] is None


def test_public_service_list_hides_drafts_and_staff_fields(client, published_a, draft_a):
    response = client.get("/api/v1/agencies/alpha/services")
    assert response.status_code == 200
    body = response.json()
    assert body["next_cursor"] is None
    [item] = body["items"]
    assert item["view"] == "public"
    assert item["slug"] == "permit"
    assert not STAFF_SERVICE_FIELDS & item.keys()


def test_member_lists_every_status_with_staff_fields(client, analyst_a, published_a, draft_a):
    response = client.get("/api/v1/agencies/alpha/services", **_bearer(analyst_a))
    items = {item["name"]: item for item in response.json()["items"]}
    assert set(items) == {"Apply for a permit", "Renew a permit"}
    permit = items["Apply for a permit"]
    assert permit["view"] == "staff"
    assert permit.keys() >= STAFF_SERVICE_FIELDS
    assert permit["source_id"] == "T-1"
    assert permit["segments"][0]["name"] == "Small businesses"
    assert permit["channel_count"] == 1
    assert items["Renew a permit"]["status"] == "draft"


def test_member_of_another_agency_gets_the_public_list(client, handler_b, published_a, draft_a):
    response = client.get("/api/v1/agencies/alpha/services", **_bearer(handler_b))
    items = response.json()["items"]
    assert [item["slug"] for item in items] == ["permit"]
    assert items[0]["view"] == "public"


def test_unknown_agency_services_is_404(client):
    response = client.get("/api/v1/agencies/nowhere/services")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_public_service_hides_staff_fields_and_shows_channels(client, published_a):
    response = client.get(f"/api/v1/services/{published_a.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["view"] == "public"
    assert not STAFF_SERVICE_FIELDS & body.keys()
    assert [(stage["name"], stage["name_es"]) for stage in body["stages"]] == [
        ("Apply", "Solicitar")
    ]
    [channel] = body["channels"]
    assert not STAFF_CHANNEL_FIELDS & channel.keys()
    assert channel["languages"] == ["en", "es"]
    assert channel["hours"] == [{"weekday": 0, "opens": "09:00", "closes": "17:00"}]
    assert set(channel["open_now"]) == {
        "is_open",
        "always_open",
        "closes_at",
        "opens_at",
        "closed_today_reason",
    }


def test_member_sees_service_staff_fields_by_token_and_by_session(
    client, analyst_a, analyst_a_client, published_a
):
    url = f"/api/v1/services/{published_a.pk}"
    for body in (
        client.get(url, **_bearer(analyst_a)).json(),
        analyst_a_client.get(url).json(),
    ):
        assert body["view"] == "staff"
        assert body["estimated_annual_customers"] == 12000
        [channel] = body["channels"]
        assert channel["annual_volume"] == 5000
        assert channel["annual_enquiries"] == 9000
        assert Decimal(channel["cost_per_transaction"]) == Decimal("12.50")


def test_draft_and_archived_services_are_404_for_the_public(client, published_a, draft_a):
    archived = ServiceFactory(agency=published_a.agency, status=ServiceStatus.ARCHIVED)
    for service in (draft_a, archived):
        response = client.get(f"/api/v1/services/{service.pk}")
        assert response.status_code == 404
        assert response.json() == {"detail": "Not found."}


def test_member_sees_own_draft_service(client, analyst_a, draft_a):
    response = client.get(f"/api/v1/services/{draft_a.pk}", **_bearer(analyst_a))
    assert response.status_code == 200
    assert response.json()["status"] == "draft"


def test_staff_of_a_get_404_for_agency_b_draft_service(client, admin_a, draft_b):
    other = client.get(f"/api/v1/services/{draft_b.pk}", **_bearer(admin_a))
    missing = client.get("/api/v1/services/999999", **_bearer(admin_a))
    assert other.status_code == missing.status_code == 404
    assert other.json() == missing.json()


def test_staff_of_a_get_the_public_view_of_agency_b_published_service(client, admin_a, agency_b):
    service = ServiceFactory(agency=agency_b)
    ChannelFactory(service=service, annual_volume=10)
    body = client.get(f"/api/v1/services/{service.pk}", **_bearer(admin_a)).json()
    assert body["view"] == "public"
    assert not STAFF_CHANNEL_FIELDS & body["channels"][0].keys()


def test_out_of_range_id_is_404(client):
    assert client.get(f"/api/v1/services/{2**70}").status_code == 404


# --- authentication ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    ["Bearer " + "x" * 40, "Bearer cxg_00000000_nothing", "Basic dXNlcjpwYXNz", "Bearer"],
)
def test_bad_credentials_on_public_reads_are_401_not_anonymous(client, published_a, header):
    for url in (
        "/api/v1/agencies",
        "/api/v1/agencies/alpha/services",
        f"/api/v1/services/{published_a.pk}",
    ):
        response = client.get(url, HTTP_AUTHORIZATION=header)
        assert response.status_code == 401, url
        assert response["WWW-Authenticate"] == "Bearer"


def test_revoked_token_is_401_on_public_reads(client, analyst_a):
    token, raw = token_create(user=analyst_a, name="old")
    client.post(f"/api/v1/tokens/{token.pk}/revoke", **_bearer(analyst_a))
    response = client.get("/api/v1/agencies", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 401


def test_writes_without_credentials_are_401(client, published_a):
    response = _post(client, "/api/v1/agencies/alpha/services", {"name": "X"}, {})
    assert response.status_code == 401
    response = _post(client, f"/api/v1/services/{published_a.pk}/publish", {}, {})
    assert response.status_code == 401


def test_session_writes_need_the_csrf_token(admin_a, draft_a):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(admin_a)
    response = browser.post(f"/api/v1/services/{draft_a.pk}/publish")
    assert response.status_code == 403
    draft_a.refresh_from_db()
    assert draft_a.status == ServiceStatus.DRAFT


# --- writes --------------------------------------------------------------------------------


def test_created_service_appears_publicly_once_published(client, admin_a):
    headers = _bearer(admin_a)
    created = _post(
        client,
        "/api/v1/agencies/alpha/services",
        {"name": "Report a pothole", "kind": "Reporting", "estimated_annual_customers": 400},
        headers,
    )
    assert created.status_code == 201
    service = created.json()
    assert service["view"] == "staff"
    assert service["status"] == "draft"
    assert service["slug"] == "report-a-pothole"
    assert [stage["name"] for stage in service["stages"]] == ["Start", "Process", "End"]
    url = f"/api/v1/services/{service['id']}"
    assert client.get(url).status_code == 404

    published = _post(client, f"{url}/publish", {}, headers)
    assert published.json()["status"] == "published"
    assert client.get(url).json()["name"] == "Report a pothole"
    listed = client.get("/api/v1/agencies/alpha/services").json()["items"]
    assert [item["id"] for item in listed] == [service["id"]]

    archived = _post(client, f"{url}/archive", {}, headers)
    assert archived.json()["status"] == "archived"
    assert client.get(url).status_code == 404


def test_service_manager_may_write(client, manager_a, draft_a):
    response = _patch(
        client,
        f"/api/v1/services/{draft_a.pk}",
        {"description": "Renew before it expires."},
        _bearer(manager_a),
    )
    assert response.status_code == 200
    assert response.json()["description"] == "Renew before it expires."


def test_patch_changes_only_the_fields_sent(client, admin_a, published_a):
    response = _patch(
        client,
        f"/api/v1/services/{published_a.pk}",
        {"name_es": "Solicitar un permiso", "estimated_annual_customers": None},
        _bearer(admin_a),
    )
    body = response.json()
    assert body["name"] == "Apply for a permit"
    assert body["name_es"] == "Solicitar un permiso"
    assert body["estimated_annual_customers"] is None
    assert body["segments"][0]["name"] == "Small businesses"


def test_patch_sets_segments_of_the_agency_only(client, admin_a, published_a, agency_b):
    own = SegmentFactory(agency=published_a.agency, name="Retirees")
    theirs = SegmentFactory(agency=agency_b, name="Bravo segment")
    url = f"/api/v1/services/{published_a.pk}"
    headers = _bearer(admin_a)

    refused = _patch(client, url, {"segments": [own.pk, theirs.pk]}, headers)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["loc"][-1] == "segments"

    accepted = _patch(client, url, {"segments": [own.pk]}, headers)
    assert [s["name"] for s in accepted.json()["segments"]] == ["Retirees"]


def test_staff_of_a_get_404_patching_agency_b_service_and_channel(client, admin_a, draft_b):
    headers = _bearer(admin_a)
    channel = draft_b.channels.get()
    writes = [
        _patch(client, f"/api/v1/services/{draft_b.pk}", {"name": "Taken over"}, headers),
        _post(client, f"/api/v1/services/{draft_b.pk}/publish", {}, headers),
        _post(
            client,
            f"/api/v1/services/{draft_b.pk}/channels",
            {"kind": "email", "name": "E"},
            headers,
        ),
        _patch(client, f"/api/v1/channels/{channel.pk}", {"name": "Taken over"}, headers),
        _put(client, f"/api/v1/channels/{channel.pk}/hours", [], headers),
        _post(client, "/api/v1/agencies/bravo/services", {"name": "Planted"}, headers),
    ]
    assert [w.status_code for w in writes] == [404] * len(writes)
    assert all(w.json() == {"detail": "Not found."} for w in writes)
    draft_b.refresh_from_db()
    channel.refresh_from_db()
    assert (draft_b.name, draft_b.status, channel.name) == ("Bravo draft", "draft", "Bravo phone")
    assert not AuditEvent.objects.filter(agency=draft_b.agency).exists()


def test_analyst_is_not_an_editor_and_gets_404_on_writes(client, analyst_a, published_a):
    headers = _bearer(analyst_a)
    channel = published_a.channels.get()
    writes = [
        _post(client, "/api/v1/agencies/alpha/services", {"name": "X"}, headers),
        _patch(client, f"/api/v1/services/{published_a.pk}", {"name": "X"}, headers),
        _post(client, f"/api/v1/services/{published_a.pk}/archive", {}, headers),
        _post(
            client,
            f"/api/v1/services/{published_a.pk}/channels",
            {"kind": "email", "name": "E"},
            headers,
        ),
        _patch(client, f"/api/v1/channels/{channel.pk}", {"name": "X"}, headers),
        _put(client, f"/api/v1/channels/{channel.pk}/hours", [], headers),
    ]
    assert [w.status_code for w in writes] == [404] * len(writes)
    published_a.refresh_from_db()
    assert published_a.status == ServiceStatus.PUBLISHED


def test_channel_added_with_staff_fields_and_digital_from_its_kind(client, admin_a, draft_a):
    response = _post(
        client,
        f"/api/v1/services/{draft_a.pk}/channels",
        {
            "kind": "website",
            "name": "Online",
            "url": "https://alpha.example.gov/renew",
            "languages": ["en", "es"],
            "annual_volume": 700,
            "cost_per_transaction": "1.25",
        },
        _bearer(admin_a),
    )
    assert response.status_code == 201
    channel = response.json()
    assert channel["is_digital"] is True
    assert channel["annual_volume"] == 700
    assert Decimal(channel["cost_per_transaction"]) == Decimal("1.25")
    assert channel["open_now"]["is_open"] is False


def test_channel_patch_changes_the_channel(client, admin_a, published_a):
    channel = published_a.channels.get()
    response = _patch(
        client,
        f"/api/v1/channels/{channel.pk}",
        {"always_open": True, "annual_volume": 6000},
        _bearer(admin_a),
    )
    assert response.status_code == 200
    body = response.json()
    assert body["annual_volume"] == 6000
    assert body["open_now"] == {
        "is_open": True,
        "always_open": True,
        "closes_at": None,
        "opens_at": None,
        "closed_today_reason": "",
    }


def test_hours_are_replaced(client, admin_a, published_a):
    channel = published_a.channels.get()
    response = _put(
        client,
        f"/api/v1/channels/{channel.pk}/hours",
        [
            {"weekday": 2, "opens": "13:00", "closes": "17:00"},
            {"weekday": 2, "opens": "08:30", "closes": "12:00"},
            {"weekday": 4, "opens": "10:00", "closes": "14:00"},
        ],
        _bearer(admin_a),
    )
    assert response.status_code == 200
    assert response.json()["hours"] == [
        {"weekday": 2, "opens": "08:30", "closes": "12:00"},
        {"weekday": 2, "opens": "13:00", "closes": "17:00"},
        {"weekday": 4, "opens": "10:00", "closes": "14:00"},
    ]


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ({"weekday": 1, "opens": "17:00", "closes": "09:00"}, "closes"),
        ({"weekday": 1, "opens": "09:00", "closes": "09:00"}, "closes"),
        ({"weekday": 7, "opens": "09:00", "closes": "17:00"}, "weekday"),
        ({"weekday": 1, "opens": "9am", "closes": "17:00"}, "opens"),
        ({"weekday": 1, "opens": "09:00", "closes": "24:00"}, "closes"),
    ],
)
def test_invalid_hours_are_422_naming_the_field_and_change_nothing(
    client, admin_a, published_a, row, field
):
    channel = published_a.channels.get()
    response = _put(
        client,
        f"/api/v1/channels/{channel.pk}/hours",
        [{"weekday": 0, "opens": "08:00", "closes": "10:00"}, row],
        _bearer(admin_a),
    )
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["loc"][-2:] == [1, field]
    assert [str(h) for h in channel.hours.all()] == ["Monday 09:00-17:00"]


def test_duplicate_slug_is_422_naming_slug(client, admin_a, published_a):
    response = _post(
        client,
        "/api/v1/agencies/alpha/services",
        {"name": "Another permit", "slug": "permit"},
        _bearer(admin_a),
    )
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == "The request is not valid."
    assert body["errors"][0]["loc"] == ["body", "payload", "slug"]
    assert Service.objects.filter(slug="permit").count() == 1


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"slug": "not a slug"}, "slug"),
        ({"name": "   "}, "name"),
        ({"name": None}, "name"),
        ({"is_hisp": None}, "is_hisp"),
        ({"estimated_annual_customers": -1}, "estimated_annual_customers"),
        ({"name": "x" * 301}, "name"),
        ({"description": "nul \x00 byte"}, "description"),
        ({"segments": [2**70]}, 0),
        ({"status": "draft"}, "status"),
    ],
)
def test_invalid_service_patch_is_422_naming_the_field(
    client, admin_a, published_a, payload, field
):
    response = _patch(client, f"/api/v1/services/{published_a.pk}", payload, _bearer(admin_a))
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"][-1] == field
    published_a.refresh_from_db()
    assert (published_a.name, published_a.status) == ("Apply for a permit", "published")


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=5,
)


def _payloads(schema: type[Schema]) -> st.SearchStrategy[dict]:
    return st.dictionaries(st.sampled_from(sorted(schema.model_fields)), JSON_VALUES, max_size=4)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(service_change=_payloads(ServicePatchIn), channel_change=_payloads(ChannelPatchIn))
def test_hostile_patches_answer_200_or_422_never_500(
    client, admin_a, published_a, service_change, channel_change
):
    headers = _bearer(admin_a)
    channel = published_a.channels.get()
    service_url = f"/api/v1/services/{published_a.pk}"
    assert _patch(client, service_url, service_change, headers).status_code in {200, 422}
    channel_url = f"/api/v1/channels/{channel.pk}"
    assert _patch(client, channel_url, channel_change, headers).status_code in {200, 422}


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"kind": "carrier_pigeon", "name": "Coo"}, "kind"),
        ({"kind": "website", "name": "Online", "url": "not a url"}, "url"),
        ({"kind": "phone", "name": "Call", "languages": ["English"]}, "languages"),
        (
            {"kind": "phone", "name": "Call", "cost_per_transaction": "1.234"},
            "cost_per_transaction",
        ),
    ],
)
def test_invalid_channel_is_422_naming_the_field(client, admin_a, draft_a, payload, field):
    response = _post(client, f"/api/v1/services/{draft_a.pk}/channels", payload, _bearer(admin_a))
    assert response.status_code == 422
    assert field in response.json()["errors"][0]["loc"]
    assert not draft_a.channels.exists()


def test_every_write_leaves_an_audit_event(client, admin_a):
    headers = _bearer(admin_a)
    service = _post(client, "/api/v1/agencies/alpha/services", {"name": "Audited"}, headers).json()
    url = f"/api/v1/services/{service['id']}"
    _patch(client, url, {"kind": "Benefits"}, headers)
    _post(client, f"{url}/publish", {}, headers)
    _post(client, f"{url}/archive", {}, headers)
    channel = _post(client, f"{url}/channels", {"kind": "phone", "name": "Call"}, headers).json()
    _patch(client, f"/api/v1/channels/{channel['id']}", {"phone": "800-555-0199"}, headers)
    hours = [{"weekday": 0, "opens": "09:00", "closes": "17:00"}]
    _put(client, f"/api/v1/channels/{channel['id']}/hours", hours, headers)

    events = AuditEvent.objects.filter(agency__slug="alpha", actor=admin_a)
    assert sorted(events.values_list("action", flat=True)) == sorted(
        [
            "service.create",
            "service.update",
            "service.published",
            "service.archived",
            "channel.create",
            "channel.update",
            "channel.hours",
        ]
    )


def test_openapi_document_validates_with_the_service_inventory(client):
    from openapi_spec_validator import validate

    document = client.get("/api/v1/openapi.json").json()
    validate(document)
    paths = document["paths"]
    assert {"get", "post"} <= paths["/api/v1/agencies/{slug}/services"].keys()
    assert {"get", "patch"} <= paths["/api/v1/services/{service_id}"].keys()
    assert "put" in paths["/api/v1/channels/{channel_id}/hours"]
    public = paths["/api/v1/services/{service_id}"]["get"]
    assert {} in public["security"]
    # Besides these, every operation documents the API-wide answers (422, 503; see openapi.py).
    assert {"200", "401", "404"} <= set(public["responses"])
    assert not {"201", "403", "409"} & set(public["responses"])
    assert {} not in paths["/api/v1/services/{service_id}"]["patch"]["security"]
