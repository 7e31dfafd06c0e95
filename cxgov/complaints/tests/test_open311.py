"""Open311 GeoReport v2 with a client that knows only the spec: paths, params, XML and JSON."""

from __future__ import annotations

import json
from datetime import timedelta
from xml.etree import ElementTree as ET

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxgov.complaints.models import Category, Complaint
from cxgov.core.services import token_create

pytestmark = pytest.mark.django_db
BASE = "/open311/v2"


class SpecClient:
    """Speaks GeoReport v2 only: format suffixes, form-encoded POSTs, documented fields."""

    def __init__(self, jurisdiction: str, api_key: str = "") -> None:
        self.http = Client()
        self.jurisdiction = jurisdiction
        self.api_key = api_key

    def get(self, path: str, fmt: str, **params: str):
        response = self.http.get(
            f"{BASE}/{path}.{fmt}", {"jurisdiction_id": self.jurisdiction, **params}
        )
        return response, self.parse(response, fmt)

    def post_request(self, fmt: str, **params):
        data = {"jurisdiction_id": self.jurisdiction, "api_key": self.api_key, **params}
        response = self.http.post(f"{BASE}/requests.{fmt}", data)
        return response, self.parse(response, fmt)

    @staticmethod
    def parse(response, fmt):
        if fmt == "json":
            assert response["Content-Type"] == "application/json; charset=utf-8"
            return json.loads(response.content.decode("utf-8"))
        assert response["Content-Type"] == "text/xml; charset=utf-8"
        assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
        root = ET.fromstring(response.content)  # noqa: S314 - our own server's answer
        return (
            [{child.tag: (child.text or "") for child in item} for item in root]
            if root.tag in ("services", "service_requests", "errors")
            else root
        )


@pytest.fixture
def pothole(agency_a):
    return Category.objects.create(
        agency=agency_a,
        name="Broken sidewalk",
        extra_fields=[
            {
                "code": "SIZE",
                "datatype": "singlevaluelist",
                "required": True,
                "description": "How big is it?",
                "values": [{"key": "small", "name": "Small"}, {"key": "large", "name": "Large"}],
            }
        ],
    )


@pytest.fixture
def api_key(admin_a):
    return token_create(user=admin_a, name="311 app")[1]


@pytest.fixture
def spec(agency_a, agency_b, api_key):
    return SpecClient("alpha", api_key)


def test_discovery_in_both_formats(spec):
    response, data = spec.get("discovery", "json")
    assert response.status_code == 200
    assert data["contact"] and data["key_service"]
    endpoint = data["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert "text/xml" in endpoint["formats"]
    _, xml = spec.get("discovery", "xml")
    assert xml.find("contact").text == data["contact"]
    assert [f.text for f in xml.find("endpoints/endpoint/formats")] == endpoint["formats"]


def test_service_list_and_definition(spec, pothole):
    _, services = spec.get("services", "json")
    assert services == [
        {
            "service_code": str(pothole.pk),
            "service_name": "Broken sidewalk",
            "description": "Broken sidewalk",
            "metadata": True,
            "type": "realtime",
            "keywords": "",
            "group": "",
        }
    ]
    _, xml_services = spec.get("services", "xml")
    assert xml_services[0]["metadata"] == "true"
    _, definition = spec.get(f"services/{pothole.pk}", "json")
    attribute = definition["attributes"][0]
    assert attribute["code"] == "SIZE" and attribute["required"] is True
    assert attribute["values"][1] == {"key": "large", "name": "Large"}
    _, xml_definition = spec.get(f"services/{pothole.pk}", "xml")
    assert xml_definition.find("attributes/attribute/values/value/key").text == "small"


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_create_list_and_fetch_a_request(spec, pothole, fmt):
    response, created = spec.post_request(
        fmt,
        service_code=str(pothole.pk),
        lat="38.8977",
        long="-77.0365",
        description="Cracked slab, María tripped.",
        email="maria@example.com",
        **{"attribute[SIZE]": "large"},
    )
    assert response.status_code == 200, created
    first = created[0]
    request_id = first["service_request_id"]
    complaint = Complaint.objects.get(pk=request_id)
    # Both the id and the token, and the tracking number the status page asks for.
    assert first["token"] == complaint.open311_token
    assert complaint.tracking_number in first["service_notice"]
    assert complaint.channel == "open311"
    assert complaint.attributes == {"SIZE": "large"}
    _, listed = spec.get("requests", fmt)
    assert [row["service_request_id"] for row in listed] == [request_id]
    _, one = spec.get(f"requests/{request_id}", fmt)
    row = one[0]
    assert row["status"] == "open"
    assert row["service_code"] == str(pothole.pk)
    # Timezone-aware datetimes; the expected time comes from the SLA policy.
    assert row["requested_datetime"][-6] in "+-"
    assert row["expected_datetime"].startswith(
        str(complaint.respond_due_at.astimezone(timezone.get_current_timezone()).date())
    )
    # No consent to publish: no narrative in the public feed.
    assert row["description"] == ""
    _, token = spec.get(f"tokens/{complaint.open311_token}", fmt)
    assert token[0]["service_request_id"] == request_id


def test_bad_key_unknown_service_and_missing_location(spec, pothole):
    response, errors = spec.post_request(
        "json", api_key="cxg_nope", service_code=str(pothole.pk), lat="1", long="1"
    )
    assert response.status_code == 403
    assert errors == [
        {
            "code": 403,
            "description": "Invalid api_key received -- can't proceed with create_request.",
        }
    ]
    response, errors = spec.post_request("xml", service_code="99999", lat="1", long="1")
    assert response.status_code == 404
    assert errors[0]["code"] == "404"
    response, errors = spec.post_request(
        "json", service_code=str(pothole.pk), **{"attribute[SIZE]": "small"}
    )
    assert response.status_code == 400
    assert "location" in errors[0]["description"]
    response, errors = spec.post_request(
        "json", service_code=str(pothole.pk), address_string="1 Main St"
    )
    assert response.status_code == 400
    assert "attribute[SIZE]" in errors[0]["description"]
    assert not Complaint.objects.exists()


def test_key_of_another_agency_files_nothing_and_sees_the_service_as_missing(
    agency_a, agency_b, handler_b, pothole
):
    key = token_create(user=handler_b, name="b")[1]
    fields = {"address_string": "1 Main St", "attribute[SIZE]": "small"}
    client = SpecClient("alpha", key)
    response, errors = client.post_request("json", service_code=str(pothole.pk), **fields)
    missing, _ = client.post_request("json", service_code="99999", **fields)
    assert response.status_code == 404
    assert errors == [{"code": 404, "description": "service_code not found."}]
    assert response.content == missing.content
    assert not Complaint.objects.exists()


def test_filters_and_the_90_day_window(spec, agency_a, pothole):
    from cxgov.complaints.services import complaint_create, complaint_transition

    now = timezone.now()
    recent = complaint_create(
        agency=agency_a, category=pothole, what_happened="a", send_acknowledgment=False
    )
    old = complaint_create(
        agency=agency_a,
        category=pothole,
        what_happened="b",
        send_acknowledgment=False,
        received_at=now - timedelta(days=120),
    )
    closed = complaint_create(
        agency=agency_a, category=pothole, what_happened="c", send_acknowledgment=False
    )
    complaint_transition(complaint=closed, to_status="withdrawn", actor=None)

    def ids(**params):
        response, rows = spec.get("requests", "json", **params)
        assert response.status_code == 200, rows
        return {row["service_request_id"] for row in rows}

    assert ids() == {str(recent.pk), str(closed.pk)}
    assert ids(status="closed") == {str(closed.pk)}
    assert ids(status="open,closed", service_code="") == {str(recent.pk), str(closed.pk)}
    assert ids(service_request_id=f"{old.pk},{recent.pk}") == {str(old.pk), str(recent.pk)}
    start = (now - timedelta(days=150)).isoformat()
    end = (now - timedelta(days=100)).isoformat()
    assert ids(start_date=start, end_date=end) == {str(old.pk)}
    response, errors = spec.get(
        "requests",
        "json",
        start_date=(now - timedelta(days=200)).isoformat(),
        end_date=now.isoformat(),
    )
    assert response.status_code == 400
    response, errors = spec.get("requests", "json", start_date="2026-01-01T00:00:00")
    assert response.status_code == 400 and "timezone" in errors[0]["description"]


def test_jurisdiction_is_required_on_a_shared_endpoint_and_must_exist(agency_a, agency_b):
    assert SpecClient("").get("services", "json")[0].status_code == 400
    response, errors = SpecClient("nowhere").get("services", "xml")
    assert response.status_code == 404
    assert errors[0]["code"] == "404"


def test_unknown_request_is_404(spec):
    assert spec.get("requests/123456", "json")[0].status_code == 404
    assert spec.get("tokens/abc", "json")[0].status_code == 404


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    params=st.dictionaries(
        st.sampled_from(
            [
                "service_request_id",
                "service_code",
                "start_date",
                "end_date",
                "status",
                "jurisdiction_id",
            ]
        ),
        st.text(max_size=40),
    ),
    fmt=st.sampled_from(["xml", "json", "html"]),
)
def test_hostile_query_parameters_get_spec_answers_not_crashes(agency_a, params, fmt):
    response = Client().get(f"{BASE}/requests.{fmt}", params)
    assert response.status_code in (200, 400, 404)
    if response.status_code != 200:
        assert b"<code>" in response.content or b'"code"' in response.content


@pytest.mark.parametrize("name", ["jurisdiction_id", "service_code", "status"])
def test_a_nul_character_in_a_parameter_is_a_400_not_a_crash(agency_a, name):
    response = Client().get(f"{BASE}/requests.json", {name: "alpha\x00"})
    assert response.status_code == 400
    assert response.json()[0]["description"] == f"{name} contains a NUL character."
