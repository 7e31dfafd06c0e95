"""The whole-agency export is prepared by the worker and served from storage (decision 0049)."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import Client, TestCase
from django.utils import timezone

from cxgov.core.models import Agency, AuditEvent, PreparedFile, PreparedFileStatus
from cxgov.core.prepared import _BUILDERS, Built
from cxgov.core.services_prepared import (
    prepared_file_build,
    prepared_files_discard,
    prepared_files_prune,
)
from cxgov.registry.prepared import AGENCY_EXPORT
from cxgov.registry.transfer import agency_export_write
from cxgov.testing.factories import ServiceFactory
from cxgov.testing.prepared import prepared_get

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def _url(agency: Agency) -> str:
    return f"/staff/agencies/{agency.slug}/data/export.zip"


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def _stored(prepared: PreparedFile) -> bool:
    return bool(prepared.file.name) and prepared.file.storage.exists(prepared.file.name)


def test_first_request_says_being_prepared_and_queues_one_build(
    admin_a_client: Client, agency_a: Agency, django_capture_on_commit_callbacks
):
    # The test's transaction never commits, so the queued build does not run here.
    with django_capture_on_commit_callbacks() as queued:
        first = admin_a_client.get(_url(agency_a))
        again = admin_a_client.get(_url(agency_a))
    assert first.status_code == 202 and again.status_code == 202
    page = first.content.decode()
    assert "Being prepared" in page and 'role="status"' in page
    assert f'href="{_url(agency_a)}"' in page  # reloading needs no script
    assert len(queued) == 1, "one build however many ask"
    assert PreparedFile.objects.get().status == PreparedFileStatus.QUEUED
    assert not AuditEvent.objects.filter(action="agency.export").exists()


def test_ready_export_has_the_members_the_direct_export_writes_and_is_audited(
    admin_a_client: Client, agency_a: Agency
):
    ServiceFactory(agency=agency_a, name="Passports", slug="passports")
    response = prepared_get(admin_a_client, _url(agency_a))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    served = zipfile.ZipFile(io.BytesIO(_body(response)))
    direct = io.BytesIO()
    agency_export_write(agency=agency_a, out=direct)
    assert served.namelist() == zipfile.ZipFile(direct).namelist()
    assert b"Passports" in served.read("data/registry.Service.csv")
    assert AuditEvent.objects.filter(agency=agency_a, action="agency.export").count() == 1
    # A second download is the same stored file, audited again, not built again.
    assert admin_a_client.get(_url(agency_a)).status_code == 200
    assert AuditEvent.objects.filter(agency=agency_a, action="agency.export").count() == 2
    assert PreparedFile.objects.count() == 1


def test_other_agencies_and_other_roles_get_404_even_when_ready(
    admin_a_client: Client,
    analyst_a_client: Client,
    handler_b_client: Client,
    agency_a: Agency,
    agency_b: Agency,
):
    assert prepared_get(admin_a_client, _url(agency_a)).status_code == 200
    for client in (analyst_a_client, handler_b_client):
        assert client.get(_url(agency_a)).status_code == 404
        assert client.post(_url(agency_a)).status_code == 404
    assert admin_a_client.get(_url(agency_b)).status_code == 404
    assert Client().get(_url(agency_a)).status_code == 302  # to sign in
    assert PreparedFile.objects.filter(agency=agency_b).count() == 0


def test_a_failed_build_says_so_and_can_be_tried_again(
    admin_a_client: Client, agency_a: Agency, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(agency, params, version) -> Built:
        raise RuntimeError("disk full")

    monkeypatch.setitem(_BUILDERS, AGENCY_EXPORT, broken)
    failed = prepared_get(admin_a_client, _url(agency_a))
    assert failed.status_code == 200
    page = failed.content.decode()
    assert "The file could not be prepared" in page and 'role="alert"' in page
    assert "Try again" in page and 'method="post"' in page
    assert "disk full" not in page  # the cause is for the operators' log, not the page
    prepared = PreparedFile.objects.get()
    assert prepared.status == PreparedFileStatus.FAILED and "disk full" in prepared.error

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        retried = admin_a_client.post(_url(agency_a))
    assert retried.status_code == 302 and retried["Location"] == _url(agency_a)
    response = admin_a_client.get(_url(agency_a))
    assert response.status_code == 200 and _body(response)[:2] == b"PK"


def test_retry_of_a_file_that_did_not_fail_builds_nothing_again(
    admin_a_client: Client, agency_a: Agency, django_capture_on_commit_callbacks
):
    assert prepared_get(admin_a_client, _url(agency_a)).status_code == 200
    with django_capture_on_commit_callbacks() as queued:
        assert admin_a_client.post(_url(agency_a)).status_code == 302
    assert queued == []
    assert PreparedFile.objects.get().status == PreparedFileStatus.READY


def test_an_old_export_is_built_again_and_its_file_replaced(
    admin_a_client: Client, agency_a: Agency
):
    assert prepared_get(admin_a_client, _url(agency_a)).status_code == 200
    old = PreparedFile.objects.get()
    PreparedFile.objects.update(finished_at=timezone.now() - timedelta(days=1))
    assert prepared_get(admin_a_client, _url(agency_a)).status_code == 200
    new = PreparedFile.objects.get()
    assert new.file.name != old.file.name and _stored(new)
    assert not old.file.storage.exists(old.file.name), "the replaced file is removed"


def test_a_build_that_never_finished_can_be_tried_again(admin_a_client: Client, agency_a: Agency):
    admin_a_client.get(_url(agency_a))  # queued; its worker never ran it
    PreparedFile.objects.update(
        status=PreparedFileStatus.RUNNING, requested_at=timezone.now() - timedelta(days=1)
    )
    page = admin_a_client.get(_url(agency_a))
    assert page.status_code == 200 and "Try again" in page.content.decode()


def test_a_stored_file_that_went_missing_is_offered_again(
    admin_a_client: Client, agency_a: Agency, django_capture_on_commit_callbacks
):
    assert prepared_get(admin_a_client, _url(agency_a)).status_code == 200
    prepared = PreparedFile.objects.get()
    prepared.file.storage.delete(prepared.file.name)
    page = admin_a_client.get(_url(agency_a))
    assert page.status_code == 200 and "Try again" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        admin_a_client.post(_url(agency_a))
    assert admin_a_client.get(_url(agency_a)).status_code == 200


def test_being_prepared_page_is_in_spanish(admin_a_client: Client, agency_a: Agency):
    page = admin_a_client.get("/es" + _url(agency_a))
    assert page.status_code == 202
    text = page.content.decode()
    assert "Se está preparando" in text and "Being prepared" not in text


def test_files_finished_over_a_day_ago_are_pruned_and_built_again_when_asked(
    admin_a_client: Client, agency_a: Agency
):
    assert prepared_get(admin_a_client, _url(agency_a)).status_code == 200
    prepared = PreparedFile.objects.get()
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert prepared_files_prune(now=timezone.now()) == 0
        assert prepared_files_prune(now=timezone.now() + timedelta(days=2)) == 1
    assert not PreparedFile.objects.exists()
    assert not prepared.file.storage.exists(prepared.file.name)
    assert prepared_get(admin_a_client, _url(agency_a)).status_code == 200


def test_a_retention_purge_removes_the_agencys_prepared_files(
    admin_a_client: Client, agency_a: Agency, agency_b: Agency
):
    assert prepared_get(admin_a_client, _url(agency_a)).status_code == 200
    prepared = PreparedFile.objects.get()
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert prepared_files_discard(agency=agency_b) == 0
        assert prepared_files_discard(agency=agency_a) == 1
    assert not prepared.file.storage.exists(prepared.file.name)


def test_a_file_removed_while_it_was_built_leaves_no_file_behind(
    admin_a_client: Client, agency_a: Agency, monkeypatch
):
    admin_a_client.get(_url(agency_a))  # queued
    prepared = PreparedFile.objects.get()
    real = _BUILDERS[AGENCY_EXPORT]

    def purged_meanwhile(agency, params, version) -> Built:
        built = real(agency, params, version)
        prepared_files_discard(agency=agency)
        return built

    monkeypatch.setitem(_BUILDERS, AGENCY_EXPORT, purged_meanwhile)
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert prepared_file_build(prepared_id=prepared.pk) == "discarded"
    folder = Path(prepared.file.storage.location)
    assert not folder.exists() or not any(p.is_file() for p in folder.rglob("*"))
