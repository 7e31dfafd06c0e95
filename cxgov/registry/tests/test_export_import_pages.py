"""CSV and JSON exports of the inventory, the staff upload page, and the round trip between them."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from cxgov.core.models import Agency, AuditEvent, Role
from cxgov.registry.importers import services_import
from cxgov.registry.models import Channel, Service
from cxgov.testing.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def fba_manager(demo_data: None) -> Client:
    user = UserFactory(email="importer@fba.example.gov")
    MembershipFactory(user=user, agency=Agency.objects.get(slug="fba"), role=Role.SERVICE_MANAGER)
    client = Client()
    client.force_login(user)
    return client


def test_csv_export_has_one_row_per_channel_with_hours_and_volumes(fba_manager):
    response = fba_manager.get("/staff/agencies/fba/services/export.csv")
    assert response["Content-Disposition"] == 'attachment; filename="fba-services.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == Channel.objects.filter(service__agency__slug="fba").count()
    phone = next(
        r
        for r in rows
        if r["service_name"] == "Apply for retirement benefits" and r["channel_kind"] == "phone"
    )
    assert phone["channel_annual_volume"] == "610000"
    assert phone["channel_hours"] == "Mon-Fri 07:00-19:00; Sat 09:00-13:00"


def test_json_export_nests_services_channels_and_hours(fba_manager):
    data = json.loads(fba_manager.get("/staff/agencies/fba/services/export.json").content)
    assert data["agency"]["slug"] == "fba"
    service = next(s for s in data["services"] if s["slug"] == "apply-for-retirement-benefits")
    assert [c["kind"] for c in service["channels"]] == [
        "website",
        "phone",
        "in_person",
        "postal_mail",
    ]
    assert service["channels"][1]["hours"][0] == {"weekday": 0, "opens": "07:00", "closes": "19:00"}


def test_export_then_import_changes_nothing(fba_manager):
    exported = fba_manager.get("/staff/agencies/fba/services/export.csv").content
    counts = (Service.objects.count(), Channel.objects.count(), AuditEvent.objects.count())
    report = services_import(
        actor=None,
        file=io.BytesIO(exported),
        format="cxgov",
        agency=Agency.objects.get(slug="fba"),
    )
    assert report.errors == []
    assert report.services.created == report.channels.created == 0
    assert report.services.updated == report.channels.updated == 0
    assert (Service.objects.count(), Channel.objects.count(), AuditEvent.objects.count()) == counts


def test_export_is_refused_for_other_agencies(fba_manager):
    assert fba_manager.get("/staff/agencies/nppo/services/export.csv").status_code == 404
    assert fba_manager.get("/staff/agencies/fba/services/export.xml").status_code == 404


def test_upload_page_checks_first_then_imports(fba_manager):
    content = (
        b"agency_slug,service_id,service_name,channel_kind,channel_name,channel_hours\n"
        b"fba,new-1,Ask a question,phone,Question line,Mon-Fri 09:00-17:00\n"
    )
    check = fba_manager.post(
        "/staff/agencies/fba/services/import/",
        {"file": SimpleUploadedFile("s.csv", content), "format": "cxgov", "dry_run": "on"},
    )
    assert check.status_code == 200
    assert "The file is ready to import" in check.content.decode()
    assert not Service.objects.filter(name="Ask a question").exists()
    done = fba_manager.post(
        "/staff/agencies/fba/services/import/",
        {"file": SimpleUploadedFile("s.csv", content), "format": "cxgov"},
    )
    assert "Import finished" in done.content.decode()
    service = Service.objects.get(name="Ask a question", agency__slug="fba")
    assert service.channels.get().hours.count() == 5


def test_upload_with_a_bad_row_names_row_and_column_and_imports_nothing(fba_manager):
    content = (
        b"agency_slug,service_id,service_name,channel_kind,channel_name,channel_annual_volume\n"
        b"fba,new-1,Good service,phone,Line,100\n"
        b"fba,new-2,Bad service,phone,Line,lots\n"
    )
    response = fba_manager.post(
        "/staff/agencies/fba/services/import/",
        {"file": SimpleUploadedFile("s.csv", content), "format": "cxgov"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Nothing was imported" in page
    assert "<td>3</td><td>channel_annual_volume</td>" in page.replace("\n", "")
    assert not Service.objects.filter(name="Good service").exists()


def test_keeping_valid_rows_imports_them_and_offers_the_rejected_rows(fba_manager):
    content = (
        b"agency_slug,service_id,service_name,channel_kind,channel_name,channel_annual_volume\n"
        b"fba,new-1,Good service,phone,Line,100\n"
        b"fba,new-2,Bad service,phone,Line,lots\n"
    )
    response = fba_manager.post(
        "/staff/agencies/fba/services/import/",
        {"file": SimpleUploadedFile("s.csv", content), "format": "cxgov", "skip_invalid": "on"},
    )
    page = response.content.decode()
    assert "Import finished" in page
    assert 'download="rejected-rows.csv"' in page
    assert Service.objects.filter(name="Good service").exists()
    assert not Service.objects.filter(name="Bad service").exists()


def test_analyst_cannot_import(analyst_a_client):
    assert analyst_a_client.get("/staff/agencies/alpha/services/import/").status_code == 404


def test_upload_without_a_file_is_a_field_error(fba_manager):
    response = fba_manager.post("/staff/agencies/fba/services/import/", {"format": "cxgov"})
    assert response.status_code == 400
    assert 'id="id_file_error"' in response.content.decode()


@override_settings(IMPORT_MAX_BYTES=3 * 1024 * 1024, REQUEST_MAX_BYTES=5 * 1024 * 1024)
def test_upload_page_states_the_import_policy_from_settings(fba_manager):
    page = fba_manager.get("/staff/agencies/fba/services/import/").content.decode()

    assert "in any common encoding, or an XLSX workbook; either may be gzipped" in page
    assert "At most 5.0\xa0MB to upload, 3.0\xa0MB once unzipped" in page
    assert "20 MB" not in page


@override_settings(IMPORT_MAX_BYTES=1024)
def test_upload_over_the_import_limit_is_refused_by_the_framework(fba_manager):
    content = b"agency_slug,service_id,service_name\n" + b"fba,x,Ask a question\n" * 100

    reply = fba_manager.post(
        "/staff/agencies/fba/services/import/",
        {"file": SimpleUploadedFile("s.csv", content), "format": "cxgov"},
    )

    assert "Nothing was imported" in reply.content.decode()
    assert "The file is larger than" in reply.content.decode()
    assert not Service.objects.filter(name="Ask a question").exists()
