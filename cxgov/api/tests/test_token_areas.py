"""API tokens are limited to the areas chosen when they were made; each operation has one area."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.apps import apps

from cxgov.api.common import ACCOUNT_AREA, AREA_KEY
from cxgov.api.routers.accounts import AreaName
from cxgov.core.models import ApiToken, AuditEvent, TokenArea, TokenScope
from cxgov.core.services import token_create

pytestmark = pytest.mark.django_db

METHODS = ("get", "put", "post", "patch", "delete")


def _bearer(user, *, areas, scope=TokenScope.READ) -> dict[str, str]:
    _token, raw = token_create(user=user, name="test", scope=scope, areas=areas)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_a_complaints_token_reads_complaints_and_is_refused_surveys(client, agency_a, admin_a):
    headers = _bearer(admin_a, areas=[TokenArea.COMPLAINTS])
    own = client.get(f"/api/v1/agencies/{agency_a.slug}/complaints", **headers)
    assert own.status_code == 200
    refused = client.get(f"/api/v1/agencies/{agency_a.slug}/surveys", **headers)
    assert refused.status_code == 403
    assert list(refused.json()) == ["detail"]
    assert "surveys" in refused.json()["detail"]
    # The caller's own account is open to every token.
    assert client.get("/api/v1/me", **headers).status_code == 200


def test_read_and_write_still_apply_inside_an_area(client, agency_a, admin_a):
    body = {"what_happened": "The office was closed", "contact_email": "pat@example.com"}
    path = "/api/v1/complaints"
    reader = _bearer(admin_a, areas=[TokenArea.COMPLAINTS])
    refused = client.post(path, body, content_type="application/json", **reader)
    assert refused.status_code == 403
    assert "read" in refused.json()["detail"]
    other_area = _bearer(admin_a, areas=[TokenArea.SURVEYS], scope=TokenScope.WRITE)
    refused = client.post(path, body, content_type="application/json", **other_area)
    assert refused.status_code == 403
    assert "complaints" in refused.json()["detail"]


def test_tokens_made_before_areas_may_call_every_area(client, agency_a, admin_a):
    headers = _bearer(admin_a, areas=None)
    assert ApiToken.objects.get().all_areas
    for path in ("complaints", "surveys", "actions", "members"):
        response = client.get(f"/api/v1/agencies/{agency_a.slug}/{path}", **headers)
        assert response.status_code == 200, path


def test_every_operation_declares_exactly_one_known_area(client):
    document = client.get("/api/v1/openapi.json").json()
    known = {*TokenArea.values, ACCOUNT_AREA}
    operations = 0
    for path, item in document["paths"].items():
        for method in METHODS:
            if method in item:
                operations += 1
                assert item[method].get(AREA_KEY) in known, f"{method.upper()} {path}"
    assert operations > 30


def test_the_api_area_names_are_the_token_areas():
    assert list(AreaName.__args__) == TokenArea.values


def test_a_token_made_through_the_api_names_its_areas_and_they_are_audited(
    analyst_a_client, analyst_a
):
    none = analyst_a_client.post(
        "/api/v1/tokens", {"name": "ci", "areas": []}, content_type="application/json"
    )
    assert none.status_code == 422
    unknown = analyst_a_client.post(
        "/api/v1/tokens", {"name": "ci", "areas": ["everything"]}, content_type="application/json"
    )
    assert unknown.status_code == 422
    created = analyst_a_client.post(
        "/api/v1/tokens",
        {"name": "ci", "areas": ["complaints", "a11", "complaints"]},
        content_type="application/json",
    )
    assert created.status_code == 201
    assert created.json()["areas"] == ["complaints", "a11"]
    assert created.json()["all_areas"] is False
    event = AuditEvent.objects.get(action="token.create")
    assert event.data["areas"] == ["complaints", "a11"]


def test_the_page_requires_an_area_and_lists_them(analyst_a_client, analyst_a):
    form = {"name": "Dashboard", "scope": "read", "expires_in_days": 7}
    refused = analyst_a_client.post("/staff/tokens/", form)
    assert refused.status_code == 400
    assert "Choose at least one area" in refused.content.decode()
    made = analyst_a_client.post("/staff/tokens/", {**form, "areas": ["standards", "actions"]})
    assert made.status_code == 200
    assert ApiToken.objects.get().areas == ["standards", "actions"]
    assert "Service standards, Actions" in made.content.decode()


def test_the_migration_keeps_every_area_for_existing_tokens(admin_a):
    token, _raw = token_create(user=admin_a, name="old", areas=[TokenArea.A11])
    ApiToken.objects.filter(pk=token.pk).update(all_areas=False, areas=[])
    migration = import_module("cxgov.core.migrations.0017_api_token_areas")
    migration.existing_tokens_keep_all_areas(apps, None)
    token.refresh_from_db()
    assert token.all_areas
