"""One API style: a valid OpenAPI document, one error body, JSON everywhere under /api/, UTC."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client

from cxgov.api.common import ErrorOut, utc_iso
from cxgov.core.services import token_create
from cxgov.testing.factories import ServiceFactory

pytestmark = pytest.mark.django_db

METHODS = {"get", "put", "post", "patch", "delete", "head", "options"}
Z_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z$")


def _bearer(user) -> dict[str, str]:
    _token, raw = token_create(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [key for key, _value in pairs]
    duplicated = sorted({key for key in keys if keys.count(key) > 1})
    assert not duplicated, f"duplicated mapping key: {duplicated}"
    return dict(pairs)


def test_openapi_document_is_valid_and_lists_each_response_code_once(client):
    from openapi_spec_validator import validate

    text = client.get("/api/v1/openapi.json").content.decode()
    document = json.loads(text, object_pairs_hook=_no_duplicate_keys)
    validate(document)
    operations = [
        operation
        for path in document["paths"].values()
        for method, operation in path.items()
        if method in METHODS
    ]
    assert operations
    for operation in operations:
        assert all(isinstance(code, str) for code in operation["responses"])


def test_response_schemas_say_each_field_type(client):
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    typed = {"type", "$ref", "anyOf", "oneOf", "allOf", "enum", "const"}
    untyped = [
        f"{name}.{field}"
        for name, schema in schemas.items()
        if name.endswith("Out")
        for field, spec in schema.get("properties", {}).items()
        if not typed & spec.keys()
    ]
    assert untyped == []


def test_every_error_answer_is_the_one_error_body(client):
    document = client.get("/api/v1/openapi.json").json()
    error_ref = {"$ref": "#/components/schemas/ErrorOut"}
    assert document["components"]["schemas"]["ErrorOut"]["required"] == ["detail"]
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for code, answer in operation["responses"].items():
                if int(code) >= 400:
                    schema = answer["content"]["application/json"]["schema"]
                    assert schema == error_ref, (method, path, code)


@pytest.mark.parametrize("path", ["/api/v1/nowhere", "/api/v1/services/1/nothing", "/api/v2/"])
def test_unknown_api_paths_answer_json_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    ErrorOut.model_validate(response.json())
    assert "/api/v1/docs" in response.json()["detail"]


@pytest.mark.parametrize(
    ("method", "path"), [("delete", "/api/v1/me"), ("patch", "/api/v1/tokens")]
)
def test_a_refused_method_answers_405_in_the_error_body(client, method, path):
    response = getattr(client, method)(path)
    assert response.status_code == 405
    assert response["Content-Type"].startswith("application/json")
    assert "GET" in response["Allow"]
    body = ErrorOut.model_validate(response.json())
    assert method.upper() in body.detail


def test_anonymous_write_is_401_not_a_csrf_failure(agency_a):
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(
        "/api/v1/complaints",
        {"agency": "alpha", "what_happened": "x"},
        content_type="application/json",
    )
    assert response.status_code == 401
    assert "Bearer" in response.json()["detail"]
    assert response["WWW-Authenticate"] == "Bearer"


def test_write_with_a_session_that_signs_no_one_in_is_401(agency_a, settings):
    browser = Client(enforce_csrf_checks=True)
    browser.cookies[settings.SESSION_COOKIE_NAME] = "expired"
    response = browser.post(
        "/api/v1/complaints", {"agency": "alpha"}, content_type="application/json"
    )
    assert response.status_code == 401


def test_signed_in_write_without_the_csrf_token_says_which_header(admin_a):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(admin_a)
    response = browser.post(
        "/api/v1/complaints",
        {"agency": "alpha", "what_happened": "x"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert "X-CSRFToken" in ErrorOut.model_validate(response.json()).detail


def test_service_validation_error_is_422_in_the_one_error_body(client, agency_a, admin_a):
    service = ServiceFactory(agency=agency_a)
    response = client.post(
        "/api/v1/agencies/alpha/services",
        {"name": "Again", "slug": service.slug},
        content_type="application/json",
        **_bearer(admin_a),
    )
    assert response.status_code == 422
    body = ErrorOut.model_validate(response.json())
    assert body.detail == "The request is not valid."
    assert body.errors[0].loc == ["body", "payload", "slug"]


def test_complaint_times_are_utc_with_z_when_filed_and_when_read(client, admin_a):
    headers = _bearer(admin_a)
    filed = client.post(
        "/api/v1/complaints",
        {"agency": "alpha", "what_happened": "No reply"},
        content_type="application/json",
        **headers,
    ).json()
    read = client.get(f"/api/v1/agencies/alpha/complaints/{filed['id']}", **headers).json()
    fields = ["received_at", "acknowledge_due_at", "respond_due_at", "final_due_at"]
    for field in fields:
        assert Z_TIME.match(filed[field]), (field, filed[field])
    assert {field: filed[field] for field in fields} == {field: read[field] for field in fields}


def test_utc_iso_turns_any_offset_into_z():
    from datetime import datetime
    from zoneinfo import ZoneInfo

    local = datetime(2026, 12, 4, 17, 0, tzinfo=ZoneInfo("America/New_York"))
    assert utc_iso(local) == "2026-12-04T22:00:00Z"
    assert utc_iso(local.replace(microsecond=123456)) == "2026-12-04T22:00:00.123Z"


def test_api_writes_are_limited_per_user_with_retry_after(client, analyst_a, admin_a, settings):
    settings.API_WRITES_PER_MINUTE = 1
    first, second = _bearer(analyst_a), _bearer(analyst_a)
    spare, _raw = token_create(user=analyst_a, name="spare")
    post = {"path": f"/api/v1/tokens/{spare.pk}/revoke"}
    assert client.post(**post, **first).status_code == 200
    limited = client.post(**post, **first)
    assert limited.status_code == 429
    assert int(limited["Retry-After"]) >= 1
    assert "try again" in ErrorOut.model_validate(limited.json()).detail
    # Another token of the same user shares the count, so minting tokens buys no more writes.
    assert client.post(**post, **second).status_code == 429
    theirs, _raw = token_create(user=admin_a, name="spare")
    revoke = {"path": f"/api/v1/tokens/{theirs.pk}/revoke"}
    assert client.post(**revoke, **_bearer(admin_a)).status_code == 200


def _handled(exc: Exception):
    """What the API's error handlers answer when an operation raises `exc`."""
    from ninja import NinjaAPI
    from ninja.testing import TestClient

    from cxgov.api.common import errors_handle

    api = NinjaAPI(urls_namespace=f"errors-{id(exc)}")
    errors_handle(api)

    @api.get("/raise")
    def raising(request):
        raise exc

    return TestClient(api).get("/raise")


def test_permission_denied_is_403_in_the_error_body():
    from django.core.exceptions import PermissionDenied

    response = _handled(PermissionDenied("Only site-wide oversight may import this file."))
    assert response.status_code == 403
    assert response.json() == {"detail": "Only site-wide oversight may import this file."}


def test_validation_error_without_a_field_is_422_at_the_body():
    from django.core.exceptions import ValidationError

    response = _handled(ValidationError("The dates overlap.", code="overlap"))
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"type": "overlap", "loc": ["body", "payload"], "msg": "The dates overlap."}
    ]


def test_http404_is_the_one_not_found_body():
    from django.http import Http404

    response = _handled(Http404("Survey 12 of agency bravo"))
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_a_refused_survey_submission_is_422_naming_each_answer():
    from cxgov.surveys.validation import SubmissionError

    response = _handled(SubmissionError({"q1": "Choose 1 to 5."}, code="out_of_range"))
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "type": "out_of_range",
            "loc": ["body", "payload", "answers", "q1"],
            "msg": "Choose 1 to 5.",
        }
    ]


def test_an_unreadable_event_batch_is_422_saying_why():
    from cxgov.core.imports import FileRejectedError

    response = _handled(FileRejectedError("The batch names no event time."))
    assert response.status_code == 422
    assert response.json() == {"detail": "The batch names no event time."}
