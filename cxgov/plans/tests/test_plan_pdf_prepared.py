"""The public plan's PDF is prepared by the worker once per published version and language,
and an older version's file goes once the newer one is ready (decision 0049)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from cxgov.core.models import Agency, PreparedFile, PreparedFileStatus
from cxgov.plans.services import plan_create, plan_publish, plan_unpublish
from cxgov.plans.tests.factories import service_with_records
from cxgov.testing.prepared import prepared_get

pytestmark = pytest.mark.django_db
PDF = "/agencies/alpha/plan.pdf"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def published(agency_a: Agency):
    service_with_records(agency_a)
    plan = plan_create(actor=None, agency=agency_a, year=2027)
    plan_publish(actor=None, plan=plan)
    return plan


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_first_request_says_being_prepared_then_the_pdf_is_served(client: Client, published):
    waiting = client.get(PDF)
    assert waiting.status_code == 202
    assert "Being prepared" in waiting.content.decode()
    response = prepared_get(client, PDF)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert "alpha-customer-service-plan-2027-en.pdf" in response["Content-Disposition"]
    assert _body(response).startswith(b"%PDF")


def test_each_language_is_its_own_file(client: Client, published):
    assert prepared_get(client, PDF).status_code == 200
    spanish = prepared_get(client, "/es" + PDF)
    assert "-es.pdf" in spanish["Content-Disposition"]
    assert PreparedFile.objects.filter(status=PreparedFileStatus.READY).count() == 2


def test_a_new_published_version_is_built_and_the_old_file_removed(client: Client, published):
    assert prepared_get(client, PDF).status_code == 200
    old = PreparedFile.objects.get()
    plan_publish(actor=None, plan=published)  # a second version
    assert client.get(PDF).status_code == 202, "the new version is not the old file"
    assert prepared_get(client, PDF).status_code == 200
    new = PreparedFile.objects.get()
    assert new.version != old.version
    assert not old.file.storage.exists(old.file.name)


def test_an_unpublished_plan_is_404_even_with_its_file_ready(client: Client, published):
    assert prepared_get(client, PDF).status_code == 200
    plan_unpublish(actor=None, plan=published, reason="A figure was wrong.")
    assert client.get(PDF).status_code == 404
    assert client.post(PDF).status_code == 404


def test_another_agency_without_a_plan_is_404(client: Client, published, agency_b: Agency):
    assert client.get(f"/agencies/{agency_b.slug}/plan.pdf").status_code == 404
    assert client.get("/agencies/no-such-agency/plan.pdf").status_code == 404
    assert not PreparedFile.objects.filter(agency=agency_b).exists()


def test_the_being_prepared_page_is_in_spanish(client: Client, published):
    page = client.get("/es" + PDF)
    assert page.status_code == 202
    assert '<html lang="es"' in page.content.decode()
    assert "Se está preparando" in page.content.decode()
