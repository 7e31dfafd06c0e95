"""import_agency treats the archive as hostile: unsigned, altered, oversized or oddly named zips
are refused, and a validly signed crafted archive still writes only the agency's own tables,
never a site administrator, another agency's rows or a pickled classifier."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from cxgov.complaints.models import ClassifierModel, Complaint
from cxgov.complaints.services import complaint_create
from cxgov.complaints.tests.test_classifier_storage import pickle_that_writes
from cxgov.core.models import Agency, ApiToken, AuditEvent, DeadLetter, Membership, Role, User
from cxgov.registry.transfer import SCHEMA_VERSION, _signature

pytestmark = pytest.mark.django_db

TEST_KEY = "archive-signing-key-used-only-by-these-tests-0123456789"


@pytest.fixture(autouse=True)
def _signing_key(settings, tmp_path: Path) -> None:
    settings.AGENCY_ARCHIVE_SIGNING_KEY = TEST_KEY
    settings.MEDIA_ROOT = tmp_path / "media"


def _zip(members: dict[str, bytes], *, manifest: dict | None = None, sign: bool = True) -> bytes:
    """A zip of `members` with a manifest listing their SHA-256, signed with the test key."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
        if manifest is not None:
            digests = {name: hashlib.sha256(data).hexdigest() for name, data in members.items()}
            body = json.dumps({**manifest, "members": digests}).encode()
            archive.writestr("manifest.json", body)
            if sign:
                archive.writestr("manifest.sig", f"hmac-sha256:{_signature(body)}\n")
    return out.getvalue()


def _crafted(tables: dict[str, list[dict]], *, shared: dict[str, list] | None = None) -> bytes:
    """A validly signed archive of agency "restored" holding `tables` (label: rows)."""
    members = {f"data/{label}.json": json.dumps(rows).encode() for label, rows in tables.items()}
    manifest = {
        "schema_version": SCHEMA_VERSION,
        "agency": "restored",
        "tables": [
            {"label": label, "count": len(rows), "shared_ids": (shared or {}).get(label, [])}
            for label, rows in tables.items()
        ],
    }
    return _zip(members, manifest=manifest)


RESTORED = {"id": 9001, "slug": "restored", "name": "Restored Agency"}
INTRUDER = {
    "id": 9101,
    "email": "intruder@example.com",
    "full_name": "Intruder",
    "is_staff": True,
    "is_superuser": True,
    "is_active": True,
    # The hash of a password the attacker knows; never read.
    "password": "pbkdf2_sha256$1000000$salt$known",
}


def _restore(tmp_path: Path, data: bytes) -> str:
    path = tmp_path / "archive.zip"
    path.write_bytes(data)
    out = io.StringIO()
    call_command("import_agency", str(path), stdout=out)
    return out.getvalue()


def _refused(tmp_path: Path, data: bytes, message: str) -> None:
    with pytest.raises(CommandError, match=message):
        _restore(tmp_path, data)
    assert not Agency.objects.filter(slug="restored").exists()


def _export(agency: Agency, tmp_path: Path) -> bytes:
    path = tmp_path / "export.zip"
    call_command(
        "export_agency", "--agency", agency.slug, "--output", str(path), stdout=io.StringIO()
    )
    return path.read_bytes()


def _members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


# --- the file itself ----------------------------------------------------------------------------


def test_an_unsigned_archive_is_refused(agency_a, tmp_path):
    members = _members(_export(agency_a, tmp_path))
    del members["manifest.sig"]
    Agency.objects.filter(pk=agency_a.pk).update(slug="moved")
    with pytest.raises(CommandError, match="the file is not signed"):
        _restore(tmp_path, _zip(members))


def test_an_archive_without_a_manifest_is_refused(db, tmp_path):
    _refused(tmp_path, _zip({"data/core.User.json": b"[]"}), "it has no manifest.json")


def test_an_archive_with_an_altered_member_is_refused(agency_a, tmp_path):
    members = _members(_export(agency_a, tmp_path))
    members["data/core.Agency.json"] = members["data/core.Agency.json"].replace(
        b"Agency Alpha", b"Agency Evil"
    )
    with pytest.raises(CommandError, match=r"data/core.Agency.json was changed after export"):
        _restore(tmp_path, _zip(members))


def test_an_archive_with_an_altered_manifest_is_refused(agency_a, tmp_path):
    members = _members(_export(agency_a, tmp_path))
    members["manifest.json"] = members["manifest.json"].replace(b'"alpha"', b'"other"')
    with pytest.raises(CommandError, match="the signature does not match"):
        _restore(tmp_path, _zip(members))


def test_an_archive_signed_with_another_key_is_refused(agency_a, tmp_path, settings):
    data = _export(agency_a, tmp_path)
    settings.AGENCY_ARCHIVE_SIGNING_KEY = "another-installations-signing-key-0123456789"
    with pytest.raises(CommandError, match="the signature does not match"):
        _restore(tmp_path, data)


def test_a_member_the_signed_manifest_does_not_list_is_refused(db, tmp_path):
    buffer = io.BytesIO(_crafted({"core.Agency": [RESTORED]}))
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("files/complaints/1/extra.pdf", b"%PDF")
    _refused(
        tmp_path, buffer.getvalue(), "files/complaints/1/extra.pdf is not listed in the manifest"
    )


def test_a_member_listed_but_missing_is_refused(db, tmp_path):
    body = json.dumps({"schema_version": SCHEMA_VERSION, "members": {"data/x.Y.json": "0"}})
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("manifest.json", body)
        archive.writestr("manifest.sig", f"hmac-sha256:{_signature(body.encode())}")
    _refused(tmp_path, out.getvalue(), "data/x.Y.json is missing but listed in the manifest")


@pytest.mark.parametrize(
    "name", ["files/../../settings.py", "/etc/cron.d/x", "files/a\\..\\b", "data/../x.json"]
)
def test_a_member_with_an_unsafe_name_is_refused(db, tmp_path, name):
    _refused(tmp_path, _zip({name: b"x"}, manifest={}), "unsafe name")


def test_a_zip_bomb_is_refused_before_it_is_unpacked(db, tmp_path, settings):
    settings.AGENCY_ARCHIVE_MAX_BYTES = 1024 * 1024
    bomb = _zip({"data/core.User.json": b"\0" * (8 * 1024 * 1024)}, manifest={})
    assert len(bomb) < 64 * 1024
    _refused(tmp_path, bomb, "unpacks to 8388.* bytes, more than the 1048576 allowed")


def test_a_zip_with_too_many_members_is_refused(db, tmp_path, settings):
    settings.AGENCY_ARCHIVE_MAX_MEMBERS = 10
    many = _zip({f"files/f{n}.txt": b"x" for n in range(20)}, manifest={})
    _refused(tmp_path, many, "holds 22 files, more than the 10 allowed")


def test_two_members_with_one_name_are_refused(db, tmp_path):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("data/core.User.json", b"[]")
        with pytest.warns(UserWarning, match="Duplicate name"):
            archive.writestr("data/core.User.json", b"[]")
    _refused(tmp_path, out.getvalue(), "two files with the same name")


# --- a validly signed crafted archive: the allow-list stops it ----------------------------------


def test_a_signed_archive_cannot_make_a_site_administrator_or_set_a_password(db, tmp_path):
    output = _restore(
        tmp_path,
        _crafted(
            {
                "core.User": [INTRUDER],
                "core.Agency": [RESTORED],
                "core.Membership": [
                    {"id": 9201, "user_id": 9101, "agency_id": 9001, "role": Role.AGENCY_ADMIN}
                ],
            }
        ),
    )
    intruder = User.objects.get(email="intruder@example.com")
    assert not intruder.is_superuser and not intruder.is_staff
    assert not intruder.has_usable_password()
    assert not intruder.user_permissions.exists() and not intruder.groups.exists()
    assert "site administrator rights are never restored" in output
    # The agency's own role is restored, for the agency restored only.
    assert list(Membership.objects.filter(user=intruder).values_list("agency__slug", "role")) == [
        ("restored", Role.AGENCY_ADMIN)
    ]


def test_a_signed_archive_matches_people_by_email_and_never_changes_them(tmp_path, handler_b):
    handler_b.full_name = "Real Name"
    handler_b.save()
    _restore(
        tmp_path,
        _crafted(
            {
                "core.User": [{**INTRUDER, "email": handler_b.email.upper(), "full_name": "Fake"}],
                "core.Agency": [RESTORED],
                "core.Membership": [
                    {"id": 9201, "user_id": 9101, "agency_id": 9001, "role": Role.OVERSIGHT}
                ],
            }
        ),
    )
    handler_b.refresh_from_db()
    assert handler_b.full_name == "Real Name" and not handler_b.is_superuser
    assert User.objects.filter(email__iexact=handler_b.email).count() == 1
    assert Membership.objects.get(agency__slug="restored").user == handler_b


def test_an_audit_event_about_a_person_names_them_by_their_id_here(tmp_path, handler_b):
    event = {"agency_id": 9001, "action": "user.deactivate", "target_type": "core.user"}
    output = _restore(
        tmp_path,
        _crafted(
            {
                "core.User": [{**INTRUDER, "email": handler_b.email}],
                "core.Agency": [RESTORED],
                "core.AuditEvent": [
                    {**event, "id": 9901, "target_id": "9101", "target_label": handler_b.email},
                    {**event, "id": 9902, "target_id": "4242", "target_label": "gone@example.gov"},
                ],
            }
        ),
    )
    assert handler_b.pk != 9101
    events = AuditEvent.objects.filter(agency__slug="restored").order_by("pk")
    assert [(e.target_id, e.target_label) for e in events] == [
        (str(handler_b.pk), handler_b.email),
        ("", "gone@example.gov"),
    ]
    assert (
        "data/core.AuditEvent.json, row 2, column target_id: is about a person who is not in the "
        "file; kept with their name only"
    ) in output


def test_a_signed_archive_cannot_add_a_membership_to_another_agency(tmp_path, agency_b):
    output = _restore(
        tmp_path,
        _crafted(
            {
                "core.User": [INTRUDER],
                "core.Agency": [RESTORED],
                "core.Membership": [
                    {"id": 9201, "user_id": 9101, "agency_id": agency_b.pk, "role": "agency_admin"}
                ],
            }
        ),
    )
    assert not Membership.objects.filter(agency=agency_b).exists()
    assert Membership.objects.get(pk=9201).agency.slug == "restored"
    assert f"pointed to another agency ({agency_b.pk}); restored into restored" in output


def test_a_signed_archive_cannot_add_rows_under_another_agencys_records(tmp_path, agency_b):
    theirs = complaint_create(agency=agency_b, what_happened="B's own", send_acknowledgment=False)
    crafted = _crafted(
        {
            "core.Agency": [RESTORED],
            "complaints.Note": [{"id": 9301, "complaint_id": theirs.pk, "body": "planted"}],
        }
    )
    # The note is restored into the new agency (its agency column), but its complaint is not.
    with pytest.raises(
        CommandError,
        match=r"complaints\.Note\.complaint_id points to complaints\.Complaint row \d+, which is",
    ):
        _restore(tmp_path, crafted)
    assert not theirs.notes.exists()


def test_a_signed_archive_cannot_point_at_another_agencys_rows(tmp_path, agency_b):
    theirs = complaint_create(agency=agency_b, what_happened="B's own", send_acknowledgment=False)
    crafted = _crafted(
        {
            "core.Agency": [RESTORED],
            "complaints.Complaint": [
                {
                    "id": 9401,
                    "agency_id": 9001,
                    "tracking_number": "CX-PLANTED",
                    "what_happened": "points at B",
                    "updated_at": "2026-01-01T00:00:00+00:00",
                    "duplicate_of_id": theirs.pk,
                }
            ],
        }
    )
    with pytest.raises(CommandError, match=r"points to complaints\.Complaint row"):
        _restore(tmp_path, crafted)
    assert not Complaint.objects.filter(tracking_number="CX-PLANTED").exists()


def test_a_signed_archive_writes_no_table_outside_the_allow_list(db, tmp_path):
    output = _restore(
        tmp_path,
        _crafted(
            {
                "core.User": [INTRUDER],
                "core.Agency": [RESTORED],
                "core.ApiToken": [
                    {
                        "id": 9501,
                        "user_id": 9101,
                        "name": "x",
                        "prefix": "x",
                        "token_hash": "0" * 64,
                    }
                ],
                "core.DeadLetter": [{"id": 9601, "agency_id": 9001, "task_path": "os.system"}],
                "auth.Permission": [{"id": 9701, "codename": "import_government_data"}],
            }
        ),
    )
    assert not ApiToken.objects.exists()
    assert not DeadLetter.objects.exists()
    assert "core.ApiToken is not restored (not an agency table)" in output
    assert "auth.Permission is not restored" in output
    assert Agency.objects.filter(slug="restored").exists()


def test_a_signed_archive_with_a_pickled_classifier_restores_without_it_and_runs_nothing(
    tmp_path, client
):
    marker = tmp_path / "owned"
    payload = base64.b64encode(pickle_that_writes(marker)).decode()
    output = _restore(
        tmp_path,
        _crafted(
            {
                "core.Agency": [RESTORED],
                "complaints.ClassifierModel": [
                    {
                        "id": 9801,
                        "agency_id": 9001,
                        "version": 1,
                        "model": payload,
                        "labels": ["1", "2"],
                        "accuracy": "1.0",
                        "macro_f1": "1.0",
                        "n_train": "8",
                        "n_test": "2",
                    }
                ],
            }
        ),
    )
    assert "the classifier is not stored as data" in output
    assert not ClassifierModel.objects.exists()
    response = client.post(
        "/agencies/restored/complaints/new/",
        {
            "what_happened": "My payment is late.",
            "contact_email": "a@example.com",
            "contact_preference": "email",
        },
    )
    assert response.status_code == 302
    assert not marker.exists()


def test_every_agency_table_is_restored_or_deliberately_left_out(agency_a):
    from cxgov.registry.selectors import agency_export_tables
    from cxgov.registry.transfer import NOT_RESTORED, RESTORED_TABLES

    found = {t.label for t in agency_export_tables(agency=agency_a)} - {"core.User"}
    assert found == set(RESTORED_TABLES) | set(NOT_RESTORED)
