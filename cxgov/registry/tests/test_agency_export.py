"""Whole-agency export: one zip per agency, only that agency's rows, and a restore round trip."""

from __future__ import annotations

import csv
import io
import json
import secrets
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection

from cxgov.complaints.models import Attachment, Complaint
from cxgov.complaints.services import complaint_create, routing_rule_create, team_create
from cxgov.core.models import Agency, AuditEvent
from cxgov.maturity.models import Answer as MaturityAnswer
from cxgov.maturity.services import AnswerInput, assessment_save
from cxgov.registry.services import retention_policy_update
from cxgov.surveys.models import Answer, Response
from cxgov.surveys.services import response_submit, survey_create, survey_publish
from cxgov.testing.factories import AgencyFactory, ChannelFactory, ServiceFactory, cleared
from cxgov.testing.prepared import prepared_get


@pytest.fixture(autouse=True)
def _media(settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def _agency_data(agency: Agency, *, tag: str) -> None:
    """A little of everything: services, a live survey with responses, a complaint with a file."""
    service = ServiceFactory(agency=agency, name=f"{tag} service", slug=f"{tag}-service")
    ChannelFactory(service=service, kind="website")
    survey = survey_publish(
        actor=None,
        survey=cleared(
            survey_create(actor=None, agency=agency, template="a11_v2", services=[service])
        ),
    )
    for n in range(3):
        response_submit(
            survey=survey,
            answers={"trust": n % 2, "comments": f"{tag} comment {n}"},
            submission_id=f"{tag}-{n}",
        )
    complaint_create(
        agency=agency,
        service=service,
        what_happened=f"{tag}: nobody answered the phone",
        contact_email=f"{tag}@example.com",
        attachments=[SimpleUploadedFile("letter.txt", b"%PDF-1.4 " + tag.encode())],
        send_acknowledgment=False,
    )
    retention_policy_update(actor=None, agency=agency, survey_ip_days=14)
    assessment_save(
        actor=None,
        agency=agency,
        fiscal_year=2024,
        answers={"measurement.feedback": AnswerInput(3, "https://example.gov/cx", f"{tag} note")},
    )


def _export(slug: str, path: Path) -> zipfile.ZipFile:
    call_command("export_agency", "--agency", slug, "--output", str(path), stdout=io.StringIO())
    return zipfile.ZipFile(path)


def _csv_rows(archive: zipfile.ZipFile, label: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.TextIOWrapper(archive.open(f"data/{label}.csv"), "utf-8")))


def test_export_holds_every_kind_of_record_of_the_agency_and_nothing_else(
    agency_a, agency_b, tmp_path
):
    _agency_data(agency_a, tag="alpha")
    _agency_data(agency_b, tag="bravo")
    archive = _export(agency_a.slug, tmp_path / "alpha.zip")
    manifest = json.loads(archive.read("manifest.json"))
    counts = {t["label"]: t["count"] for t in manifest["tables"]}
    assert manifest["schema_version"] == 2
    assert manifest["agency"] == agency_a.slug
    assert counts["core.Agency"] == 1
    assert counts["surveys.Response"] == 3
    assert counts["surveys.Answer"] == Answer.objects.filter(survey__agency=agency_a).count()
    assert counts["complaints.Complaint"] == 1
    assert counts["complaints.Attachment"] == 1
    assert counts["registry.RetentionPolicy"] == 1
    assert counts["maturity.Assessment"] == 1
    assert counts["maturity.Answer"] == 1
    assert counts["core.AuditEvent"] == AuditEvent.objects.filter(agency=agency_a).count()
    for label in ("surveys.Question", "complaints.Transition", "registry.Service"):
        assert counts[label] > 0, label
    names = archive.namelist()
    assert all(f"data/{label}.json" in names for label in counts)
    attachment = Attachment.objects.get(complaint__agency=agency_a)
    assert archive.read(f"files/{attachment.file.name}") == b"%PDF-1.4 alpha"
    assert manifest["files"] == 1

    complaints = _csv_rows(archive, "complaints.Complaint")
    assert [c["contact_email"] for c in complaints] == ["alpha@example.com"]
    whole = b"".join(archive.read(name) for name in names)
    assert b"bravo" not in whole
    users = _csv_rows(archive, "core.User")
    assert all("password" not in row for row in users)
    assert len(json.loads(archive.read("data/surveys.Response.json"))) == 3


def test_tables_past_the_plain_zip_size_limit_are_written_as_zip64_and_restore(
    agency_a, tmp_path, monkeypatch
):
    """An agency with millions of events writes a member past 2 GiB; the limit is lowered here
    so that every member passes it."""
    _agency_data(agency_a, tag="alpha")
    monkeypatch.setattr(zipfile, "ZIP64_LIMIT", 64)
    archive = _export(agency_a.slug, tmp_path / "big.zip")
    assert archive.testzip() is None
    assert [c["contact_email"] for c in _csv_rows(archive, "complaints.Complaint")] == [
        "alpha@example.com"
    ]
    responses = Response.objects.count()
    connection.check_constraints()
    call_command("flush", interactive=False, verbosity=0)
    out = io.StringIO()
    call_command("import_agency", str(tmp_path / "big.zip"), stdout=out)
    assert f"restored {agency_a.slug}" in out.getvalue()
    assert Response.objects.count() == responses


def test_admin_downloads_the_export_and_others_cannot(
    admin_a_client, analyst_a_client, handler_b_client, agency_a
):
    _agency_data(agency_a, tag="alpha")
    url = f"/staff/agencies/{agency_a.slug}/data/export.zip"
    assert analyst_a_client.get(url).status_code == 404
    assert handler_b_client.get(url).status_code == 404
    response = prepared_get(admin_a_client, url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert json.loads(archive.read("manifest.json"))["agency"] == agency_a.slug
    assert AuditEvent.objects.filter(agency=agency_a, action="agency.export").count() == 1


def test_export_restore_export_gives_identical_files(agency_a, admin_a, tmp_path):
    _agency_data(agency_a, tag="alpha")
    # A row of another owner the agency points to comes along as a shared row.
    agency_a.parent = AgencyFactory(slug="department", name="Department")
    agency_a.save()
    slug = agency_a.slug
    first = _export(slug, tmp_path / "first.zip")
    responses_before = Response.objects.count()

    # A fresh database: nothing of the agency (or anyone) is left. Pending foreign-key checks
    # run first, as PostgreSQL refuses to empty tables with checks still queued.
    connection.check_constraints()
    call_command("flush", interactive=False, verbosity=0)
    assert not Agency.objects.exists()
    assert not Complaint.objects.exists()

    out = io.StringIO()
    call_command("import_agency", str(tmp_path / "first.zip"), stdout=out)
    assert f"restored {slug}" in out.getvalue()
    assert Agency.objects.get(slug=slug).parent.slug == "department"
    assert Response.objects.count() == responses_before
    attachment = Attachment.objects.get()
    assert attachment.file.read() == b"%PDF-1.4 alpha"
    assert MaturityAnswer.objects.get().note == "alpha note"

    second = _export(slug, tmp_path / "second.zip")
    # The manifest and its signature carry the export time; every other member is identical.
    signed = {"manifest.json", "manifest.sig"}
    data_files = sorted(n for n in first.namelist() if n not in signed)
    assert data_files == sorted(n for n in second.namelist() if n not in signed)
    for name in data_files:
        assert first.read(name) == second.read(name), name
    # New rows after a restore get fresh ids, not ones already taken.
    response_submit(
        survey=Response.objects.first().survey,
        answers={"trust": 1},
        submission_id=secrets.token_hex(6),
    )


def test_restore_refuses_an_agency_that_already_exists(agency_a, tmp_path):
    _agency_data(agency_a, tag="alpha")
    _export(agency_a.slug, tmp_path / "alpha.zip")
    with pytest.raises(CommandError, match="already exists"):
        call_command("import_agency", str(tmp_path / "alpha.zip"))


def test_restore_refuses_a_file_that_is_not_an_export(db, tmp_path):
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"not a zip")
    with pytest.raises(CommandError, match="not an agency export"):
        call_command("import_agency", str(bad))


def test_export_of_an_unknown_agency_is_a_clear_error(db, tmp_path):
    with pytest.raises(CommandError, match='no agency has the short name "nope"'):
        call_command("export_agency", "--agency", "nope", "--output", str(tmp_path / "x.zip"))


def test_a_restored_agency_routes_by_its_restored_rules_not_by_settings_kept_before(
    agency_a, admin_a, tmp_path
):
    restored_team = team_create(agency=agency_a, actor=admin_a, name="Restored")
    routing_rule_create(
        agency=agency_a, actor=admin_a, team=restored_team, keywords="deposit", position=1
    )
    slug = agency_a.slug
    _export(slug, tmp_path / "rules.zip")
    later_team = team_create(agency=agency_a, actor=admin_a, name="Added after the export")
    routing_rule_create(
        agency=agency_a, actor=admin_a, team=later_team, keywords="deposit", position=0
    )
    filed = complaint_create(agency=agency_a, what_happened="My deposit is late")
    assert filed.team_id == later_team.pk

    connection.check_constraints()
    call_command("flush", interactive=False, verbosity=0)
    call_command("import_agency", str(tmp_path / "rules.zip"), stdout=io.StringIO())
    agency = Agency.objects.get(slug=slug)
    again = complaint_create(agency=agency, what_happened="My deposit is late")
    assert again.team_id == restored_team.pk
