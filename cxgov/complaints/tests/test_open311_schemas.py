"""Every Open311 document, in JSON and in XML, meets the GeoReport v2 schemas, for requests
with and without a location; GET requests honours start_date, end_date, status and
service_code, and refuses bad values with the spec's error body."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from cxgov.complaints import services
from cxgov.complaints.models import Category, Complaint
from cxgov.core.services import token_create

from . import georeport_schemas as schemas

pytestmark = pytest.mark.django_db
BASE = "/open311/v2"
FORMATS = ["json", "xml"]


def _document(response, schema, fmt):
    """The answer as a document after checking it against the schema in its format."""
    if fmt == "json":
        assert response["Content-Type"] == "application/json; charset=utf-8"
        document = json.loads(response.content.decode("utf-8"))
    else:
        assert response["Content-Type"] == "text/xml; charset=utf-8"
        document = schemas.xml_document(response.content, schema)
    schemas.validate(document, schema)
    return document


@pytest.fixture
def world(agency_a, admin_a):
    """Two services (one with attributes), a request at a point, one at an address only,
    one closed; and a key of someone who handles the agency's complaints."""
    plain = Category.objects.create(agency=agency_a, name="Office hours")
    listed = Category.objects.create(
        agency=agency_a,
        name="Broken sidewalk",
        extra_fields=[
            {
                "code": "SIZE",
                "datatype": "singlevaluelist",
                "required": True,
                "description": "How big is it?",
                "values": [{"key": "small", "name": "Small"}, {"key": "large", "name": "Large"}],
            },
            {"code": "NOTE", "datatype": "text"},
        ],
    )
    at_point = services.complaint_create(
        agency=agency_a,
        category=listed,
        what_happened="Cracked slab.",
        latitude=38.8977,
        longitude=-77.0365,
        media_url="https://example.com/photo.jpg",
        send_acknowledgment=False,
    )
    at_address = services.complaint_create(
        agency=agency_a,
        category=plain,
        what_happened="Closed at noon.",
        address_string="1 Main St",
        send_acknowledgment=False,
    )
    closed = services.complaint_create(
        agency=agency_a, category=plain, what_happened="Gone.", send_acknowledgment=False
    )
    services.complaint_transition(complaint=closed, to_status="withdrawn", actor=None)
    return {
        "plain": plain,
        "listed": listed,
        "at_point": at_point,
        "at_address": at_address,
        "closed": closed,
        "key": token_create(user=admin_a, name="311 app")[1],
    }


@pytest.mark.parametrize("fmt", FORMATS)
def test_discovery_services_and_definitions_meet_the_schemas(client, world, fmt):
    _document(client.get(f"{BASE}/discovery.{fmt}"), schemas.DISCOVERY, fmt)
    listed = _document(client.get(f"{BASE}/services.{fmt}"), schemas.SERVICES, fmt)
    assert {service["service_code"] for service in listed} == {
        str(world["plain"].pk),
        str(world["listed"].pk),
    }
    for category in (world["plain"], world["listed"]):
        response = client.get(f"{BASE}/services/{category.pk}.{fmt}")
        definition = _document(response, schemas.SERVICE_DEFINITION, fmt)
        assert definition["service_code"] == str(category.pk)
        assert len(definition["attributes"]) == len(category.extra_fields)


@pytest.mark.parametrize("fmt", FORMATS)
def test_requests_with_and_without_a_location_meet_the_schema(client, world, fmt):
    rows = _document(client.get(f"{BASE}/requests.{fmt}"), schemas.REQUESTS, fmt)
    by_id = {row["service_request_id"]: row for row in rows}
    point = by_id[str(world["at_point"].pk)]
    assert (point["lat"], point["long"]) == (38.8977, -77.0365)
    assert point["media_url"] == "https://example.com/photo.jpg"
    address = by_id[str(world["at_address"].pk)]
    # The official schema: a number or null, never "" for a request filed by address.
    assert address["lat"] is None and address["long"] is None
    assert address["address"] == "1 Main St"
    assert address["media_url"] is None
    assert by_id[str(world["closed"].pk)]["status"] == "closed"
    for complaint in ("at_point", "at_address"):
        response = client.get(f"{BASE}/requests/{world[complaint].pk}.{fmt}")
        _document(response, schemas.REQUESTS, fmt)


def test_xml_and_json_carry_the_same_documents(client, world):
    for path, schema in [
        ("discovery", schemas.DISCOVERY),
        ("services", schemas.SERVICES),
        (f"services/{world['listed'].pk}", schemas.SERVICE_DEFINITION),
        ("requests", schemas.REQUESTS),
    ]:
        as_json = _document(client.get(f"{BASE}/{path}.json"), schema, "json")
        as_xml = _document(client.get(f"{BASE}/{path}.xml"), schema, "xml")
        assert _blank_as_null(as_json) == _blank_as_null(as_xml), path


def _blank_as_null(document):
    """XML cannot tell an empty text from a missing value: compare them as one."""
    if isinstance(document, list):
        return [_blank_as_null(item) for item in document]
    if isinstance(document, dict):
        return {key: _blank_as_null(value) for key, value in document.items()}
    return None if document == "" else document


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("location", ["point", "address"])
def test_a_filed_request_answers_with_its_id_token_and_tracking_number(
    world, settings, fmt, location
):
    settings.ALLOWED_HOSTS = ["complaints.example.gov"]
    where = (
        {"lat": "38.8977", "long": "-77.0365"}
        if location == "point"
        else {"address_string": "1 Main St"}
    )
    response = Client(HTTP_HOST="complaints.example.gov").post(
        f"{BASE}/requests.{fmt}",
        {
            "api_key": world["key"],
            "service_code": str(world["plain"].pk),
            "description": "Closed during posted hours.",
            "email": "maria@example.com",
            **where,
        },
    )
    assert response.status_code == 200, response.content
    created = _document(response, schemas.REQUEST_CREATED, fmt)[0]
    complaint = Complaint.objects.get(pk=created["service_request_id"])
    assert created["token"] == complaint.open311_token
    # The tracking number and the public status page, on the host that answered.
    assert complaint.tracking_number in created["service_notice"]
    assert "http://complaints.example.gov/complaints/status/" in created["service_notice"]
    token = Client(HTTP_HOST="complaints.example.gov").get(
        f"{BASE}/tokens/{created['token']}.{fmt}"
    )
    assert _document(token, schemas.TOKEN, fmt)[0]["service_request_id"] == str(complaint.pk)
    row = _document(
        Client(HTTP_HOST="complaints.example.gov").get(f"{BASE}/requests/{complaint.pk}.{fmt}"),
        schemas.REQUESTS,
        fmt,
    )[0]
    assert (row["lat"] is None) == (location == "address")


def test_discovery_names_the_host_that_answered(world, settings):
    settings.SITE_URL = "https://configured.example.gov"
    settings.ALLOWED_HOSTS = ["cx.example.gov", "other.example.gov"]
    for host in ("cx.example.gov", "other.example.gov"):
        response = Client(HTTP_HOST=host).get(f"{BASE}/discovery.json", secure=True)
        document = _document(response, schemas.DISCOVERY, "json")
        assert document["endpoints"][0]["url"] == f"https://{host}/open311/v2"


@pytest.mark.parametrize("fmt", FORMATS)
def test_errors_meet_the_error_schema(client, world, fmt):
    cases = [
        (client.get(f"{BASE}/services/999999.{fmt}"), 404),
        (client.get(f"{BASE}/requests.{fmt}", {"status": "pending"}), 400),
        (client.post(f"{BASE}/requests.{fmt}", {"api_key": "cxg_nope"}), 403),
        (
            client.post(
                f"{BASE}/requests.{fmt}",
                {"api_key": world["key"], "service_code": str(world["plain"].pk)},
            ),
            400,
        ),
    ]
    for response, status in cases:
        assert response.status_code == status
        errors = _document(response, schemas.ERRORS, fmt)
        assert errors[0]["code"] == status and errors[0]["description"]


def _ids(client, **params):
    response = client.get(f"{BASE}/requests.json", params)
    assert response.status_code == 200, response.content
    return {int(row["service_request_id"]) for row in response.json()}


def test_get_requests_honours_status_service_code_and_dates(client, world, agency_a):
    point, address, closed = world["at_point"], world["at_address"], world["closed"]
    old = services.complaint_create(
        agency=agency_a,
        category=world["plain"],
        what_happened="Long ago.",
        address_string="2 Main St",
        received_at=timezone.now() - timedelta(days=120),
        send_acknowledgment=False,
    )
    plain = str(world["plain"].pk)
    assert _ids(client) == {point.pk, address.pk, closed.pk}
    assert _ids(client, status="open") == {point.pk, address.pk}
    assert _ids(client, status="closed") == {closed.pk}
    assert _ids(client, status="open,closed") == {point.pk, address.pk, closed.pk}
    # Declared several times, as the spec allows, or comma delimited.
    assert client.get(f"{BASE}/requests.json?status=open&status=closed").status_code == 200
    assert _ids(client, service_code=plain) == {address.pk, closed.pk}
    assert _ids(client, service_code=f"{plain},{world['listed'].pk}") == {
        point.pk,
        address.pk,
        closed.pk,
    }
    assert _ids(client, service_code=plain, status="open") == {address.pk}
    now = timezone.now()
    start = (now - timedelta(days=150)).isoformat()
    end = (now - timedelta(days=100)).isoformat()
    assert _ids(client, start_date=start, end_date=end) == {old.pk}
    # start_date alone spans 90 days from it; end_date alone the 90 days before it.
    assert _ids(client, start_date=start) == {old.pk}
    assert _ids(client, end_date=(now - timedelta(days=100)).isoformat()) == {old.pk}
    assert _ids(client, start_date=(now - timedelta(days=1)).isoformat()) == {
        point.pk,
        address.pk,
        closed.pk,
    }
    # service_request_id overrides every other argument.
    assert _ids(client, service_request_id=f"{old.pk}", status="closed") == {old.pk}


@pytest.mark.parametrize(
    ("params", "says"),
    [
        ({"status": "pending"}, "status must be open, closed or both"),
        ({"service_code": "pothole"}, "service_code must be a comma-separated list of numbers"),
        ({"service_code": "999999"}, "service_code 999999 is not a service here."),
        ({"service_request_id": "1,abc"}, "service_request_id must be a comma-separated"),
        ({"start_date": "2026-01-01"}, "start_date must be a W3C datetime with a timezone"),
        ({"end_date": "yesterday"}, "end_date must be a W3C datetime with a timezone"),
        ({"start_date": "2026-01-01T00:00:00"}, "with a timezone"),
        (
            {"start_date": "2026-03-01T00:00:00Z", "end_date": "2026-01-01T00:00:00Z"},
            "end_date is before start_date.",
        ),
        (
            {"start_date": "2025-01-01T00:00:00Z", "end_date": "2026-01-01T00:00:00Z"},
            "at most 90 days",
        ),
        ({"start_date": "9999-12-31T00:00:00Z"}, "too far from today"),
        ({"end_date": "0001-01-01T00:00:00+00:00"}, "too far from today"),
        ({"start_date": "0001-01-01T00:00:00+14:00"}, "outside the years"),
    ],
)
@pytest.mark.parametrize("fmt", FORMATS)
def test_bad_filter_values_get_a_clear_400_in_the_error_format(client, world, params, says, fmt):
    response = client.get(f"{BASE}/requests.{fmt}", params)
    assert response.status_code == 400, response.content
    errors = _document(response, schemas.ERRORS, fmt)
    assert says in errors[0]["description"]
