"""A complaint's child rows carry its agency, so they can be distributed by agency with it
(decision 0070); an archive made before they did restores them into the agency."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection

from cxgov.complaints.models import (
    Attachment,
    Complaint,
    IntakeKey,
    Message,
    Note,
    Pause,
    Status,
    Transition,
)
from cxgov.complaints.services import (
    complaint_create,
    complaint_message_send,
    complaint_note_add,
    complaint_transition,
)
from cxgov.core.models import Agency
from cxgov.registry.tests.test_agency_archive_attacks import TEST_KEY, _zip

pytestmark = pytest.mark.django_db

CHILDREN = (Transition, Pause, Note, Message, Attachment, IntakeKey)


def _worked_case(agency: Agency, handler) -> Complaint:
    complaint = complaint_create(
        agency=agency,
        what_happened="The form lost my application.",
        contact_email="a@example.com",
        attachments=[SimpleUploadedFile("receipt.png", b"\x89PNG\r\n\x1a\nxx")],
        idempotency_key="key-1",
        idempotency_scope="test",
        send_acknowledgment=False,
    )
    complaint_note_add(complaint=complaint, actor=handler, body="Called them.")
    complaint_message_send(
        complaint=complaint,
        actor=handler,
        body="Please send the receipt.",
        await_reply=True,
    )
    return complaint


def test_every_child_row_of_a_complaint_belongs_to_its_agency(agency_a, agency_b, handler_a):
    complaint = _worked_case(agency_a, handler_a)
    complaint_create(agency=agency_b, what_happened="Other", send_acknowledgment=False)
    complaint.refresh_from_db()
    assert complaint.status == Status.AWAITING_CUSTOMER
    for model in CHILDREN:
        rows = model.objects.filter(complaint=complaint)
        assert rows.exists(), model.__name__
        assert set(rows.values_list("agency_id", flat=True)) == {agency_a.pk}, model.__name__
    assert Transition.objects.filter(agency=agency_b).count() == 1


def test_one_idempotency_key_files_once_per_agency(agency_a, agency_b):
    def filed(agency: Agency) -> Complaint:
        return complaint_create(
            agency=agency,
            what_happened="Same words",
            idempotency_key="shared",
            idempotency_scope="one-caller",
            send_acknowledgment=False,
        )

    first = filed(agency_a)
    assert filed(agency_a) == first
    other = filed(agency_b)
    assert other != first and other.agency_id == agency_b.pk
    assert IntakeKey.objects.count() == 2


def test_an_archive_made_before_complaint_rows_carried_their_agency_restores_them(
    agency_a, handler_a, settings, tmp_path: Path
):
    settings.AGENCY_ARCHIVE_SIGNING_KEY = TEST_KEY
    settings.MEDIA_ROOT = tmp_path / "media"
    complaint_transition(
        complaint=_worked_case(agency_a, handler_a),
        to_status=Status.IN_PROGRESS,
        actor=handler_a,
    )
    path = tmp_path / "export.zip"
    call_command(
        "export_agency", "--agency", agency_a.slug, "--output", str(path), stdout=io.StringIO()
    )
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
        manifest = json.loads(members.pop("manifest.json"))
    members.pop("manifest.sig")
    for model in (Transition, Pause, Note, Message, Attachment):
        name = f"data/{model._meta.label}.json"
        rows = json.loads(members[name])
        assert rows, name
        members[name] = json.dumps(
            [{k: v for k, v in row.items() if k != "agency_id"} for row in rows]
        ).encode()
    older = tmp_path / "older.zip"
    older.write_bytes(_zip(members, manifest={k: v for k, v in manifest.items() if k != "members"}))

    connection.check_constraints()
    call_command("flush", interactive=False, verbosity=0)
    out = io.StringIO()
    call_command("import_agency", str(older), stdout=out)
    restored = Agency.objects.get(slug=agency_a.slug)
    assert "agency_id" not in out.getvalue()
    for model in (Transition, Pause, Note, Message, Attachment):
        assert model.objects.exists(), model.__name__
        assert set(model.objects.values_list("agency_id", flat=True)) == {restored.pk}
