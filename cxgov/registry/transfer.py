"""Whole-agency export to a signed zip file, and its restore into a database without the agency.

The zip holds, per model, `data/<app>.<Model>.csv` (for people and spreadsheets) and
`data/<app>.<Model>.json` (one object per row, what the restore reads), complaint attachments
under `files/`, `manifest.json` (row counts, schema version, migrations, created at, and the
SHA-256 of every other member) and `manifest.sig`, the HMAC-SHA256 of `manifest.json` under
`AGENCY_ARCHIVE_SIGNING_KEY` (or a key derived from SECRET_KEY). Rows are read in chunks and
written straight into the zip, so memory stays flat.

The restore treats the file as hostile. It refuses a zip with too many members, too many bytes
once unpacked, unsafe or repeated member names, a missing or wrong signature, or a member that is
missing, extra or altered. Then it writes only the tables in `RESTORED_TABLES`: each row's agency
is the restored agency (other agencies' rows only as shared reference rows that are not here
yet), people are matched by email or created without a password and without site-wide rights,
and a classifier must be stored data. Rows keep their archive ids; only people are renumbered.
Translations name their record by model label and id (`TEXT_TABLES`): they are restored last,
each only onto a record this restore wrote, and a row that cannot be is left out on its own.
The tables are JSON with typed values, not spreadsheets, so they are read here rather than by
`cxgov.core.imports.read_table`; problems are reported as its `RowError`s (member, row, column,
reason) in an `ImportReport`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.management.color import no_style
from django.db import IntegrityError, connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Field, FileField, JSONField, Model
from django.utils import timezone
from django.utils.crypto import salted_hmac

from cxgov.core.agency_settings import agency_settings_changed
from cxgov.core.bulk import planner_statistics_refresh
from cxgov.core.i18n import OPTION_PREFIX, SOURCE_LANGUAGE, SPANISH, TABLE_FIELDS
from cxgov.core.imports import CREATED, UNCHANGED, ImportReport, RowError
from cxgov.core.models import (
    AUTHORED_TEXT_MAX_LENGTH,
    STORED_STATUSES,
    Agency,
    AuditEvent,
    AuthoredTranslation,
    TranslationSource,
    User,
)
from cxgov.core.services import audit_record
from cxgov.core.tables import csv_lines
from cxgov.insights import complaint_classifier
from cxgov.registry.selectors import ExportTable, agency_export_tables, agency_path

SCHEMA_VERSION = 2
CHUNK = 2000
APPS_RECORDED = ("core", "registry", "surveys", "standards", "complaints", "benchmarks")
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
_SIGNING_SALT = "cxgov.registry.transfer.agency-archive"
# The manifest is read before its signature is checked, so it has its own small limit.
MANIFEST_MAX_BYTES = 64 * 1024 * 1024

# The only tables a restore writes: the agency's own records. A model that reaches an agency
# but is missing here is neither exported nor restored until it is added (a test checks).
RESTORED_TABLES = (
    "core.Agency",
    "core.Membership",
    "core.AgencyClosure",
    "core.AuditEvent",
    "registry.Service",
    "registry.CustomerSegment",
    "registry.Service_segments",
    "registry.ServiceStage",
    "registry.Channel",
    "registry.ChannelVolume",
    "registry.OpeningHours",
    "registry.ChannelClosure",
    "registry.RetentionPolicy",
    "surveys.Clearance",
    "surveys.Survey",
    "surveys.Survey_services",
    "surveys.Question",
    "surveys.SurveyVersion",
    "surveys.Quota",
    "surveys.Response",
    "surveys.Submission",
    "surveys.Answer",
    "surveys.Invitation",
    "surveys.AnswerRollup",
    "surveys.ResponseRollup",
    "surveys.AnswerQuarterRollup",
    "surveys.ResponseQuarterRollup",
    "surveys.RollupWatermark",
    "surveys.PopulationMargin",
    "standards.Standard",
    "standards.StandardVersion",
    "standards.StandardEvent",
    "standards.DailyRollup",
    "standards.ReportedResult",
    "standards.MissedPeriod",
    "complaints.Team",
    "complaints.Team_members",
    "complaints.Category",
    "complaints.SlaPolicy",
    "complaints.RoutingRule",
    "complaints.Complaint",
    "complaints.Transition",
    "complaints.Pause",
    "complaints.Note",
    "complaints.Message",
    "complaints.Escalation",
    "complaints.Attachment",
    "complaints.ClassifierModel",
    "complaints.ComplaintSettings",
    "complaints.CannedResponse",
    "benchmarks.Source",
    "benchmarks.Series",
    "benchmarks.Observation",
    "benchmarks.Selection",
    "reports.SurveyReport",
    "a11.Collection",
    "a11.Collection_surveys",
    "a11.ImportedQuarter",
    "plans.Plan",
    "plans.Plan_surveys",
    "plans.PlanSection",
    "plans.PlanVersion",
    "actions.ActionItem",
    "actions.ActionSource",
    "actions.ActionPlan",
    "actions.ActionPlan_items",
    "maturity.Assessment",
    "maturity.Answer",
    "journeys.Persona",
    "journeys.Journey",
    "journeys.Journey_services",
    "journeys.JourneyStage",
    "core.AuthoredTranslation",
    "core.TranslationSource",
)
# Columns of restored rows that point at site-wide rows no archive holds (a journey's life
# experience, decision 0054): kept when that row is here, else emptied with a warning.
SITE_WIDE_LINKS: dict[str, tuple[str, ...]] = {"journeys.Journey": ("life_experience_id",)}
# Agency-linked tables that are deliberately left out, and why.
NOT_RESTORED = {
    # A retry runs the stored task path with the stored arguments.
    "core.DeadLetter": "failed background tasks of this installation",
    # Retry guards for intake here; a client retrying against another installation files anew.
    "complaints.IntakeKey": "idempotency keys of complaint intake on this installation",
    # Their links are signed with this installation's key; the new one sends its own.
    "core.MemberInvitation": "member invitations, whose links work only on this installation",
    # Signing secrets and target addresses belong to this installation: admins subscribe anew.
    "webhooks.Subscription": "webhook subscriptions, with their signing secrets",
    "webhooks.Event": "webhook events raised on this installation",
    "webhooks.Delivery": "webhook deliveries made from this installation",
    "webhooks.Attempt": "webhook delivery tries made from this installation",
    # A token's secret is never exported; its holder asks the new installation for another.
    "core.ApiToken": "API and SCIM tokens, whose secrets stay on this installation",
    # The identity provider provisions its people on the new installation through SCIM again.
    "core.ScimIdentity": "links between members and the agency's identity provider",
    # A member's own shortcuts on the queue; each member saves them again where they work.
    "complaints.SavedQueueFilter": "members' saved complaint queue filters",
    # Kept only as hashes keyed by this installation's SECRET_KEY: another cannot match them.
    "surveys.OptOut": "survey invitation opt-outs, kept as hashes keyed by this installation",
    "surveys.AccessCode": "single-use employee survey codes, hashes keyed by this installation",
    # Half-answered surveys; their resume links are private and expire within weeks.
    "surveys.ResponseDraft": "surveys answered part way, with their private resume links",
    # An approval names its record by kind and id, not by a foreign key; a restored record
    # starts from its own status (a published one is published), and every step of its review
    # stays in the restored audit log.
    "core.Approval": "review states of surveys, plans, standards and A-11 reports",
    "core.ApprovalStep": "the steps and comments of those reviews (kept in the audit log)",
    # Computed from the restored responses by the worker the first time a page asks for them.
    "surveys.DriverRun": "key driver analyses cached on this installation",
    # Read from the restored events by each page until the standard's next events change.
    "standards.ElapsedQuantile": "medians and 90th percentiles of standards kept here",
    # The work of one event-file ingestion on this installation; its events are restored.
    "standards.EventFileRun": "event files being ingested in batches on this installation",
    "standards.EventFileBatch": "the batches of those files, with their workers' progress",
    # Built again by the worker the first time a page asks for them (decision 0049).
    "core.PreparedFile": "exports and PDFs prepared in the background on this installation",
}
# Tables whose rows may belong to another agency (or none): reference rows the agency's rows
# point to, such as a parent agency or a shared benchmark series.
SHARED_TABLES = frozenset({"core.Agency", "benchmarks.Source", "benchmarks.Series"})
# The only columns of a person read from an archive: never a password or site-wide rights.
USER_COLUMNS = ("email", "full_name", "preferred_language", "is_active", "date_joined")


class TransferError(Exception):
    """The file cannot be restored; the message says why."""


@contextmanager
def _unpacking(name: str) -> Iterator[None]:
    """Turn a member that cannot be unpacked (encrypted, damaged, or compressed in a way this
    Python does not read) into a TransferError naming it."""
    try:
        yield
    except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError, zlib.error):
        raise TransferError(f"{name} cannot be unpacked") from None


def _signature(manifest: bytes) -> str:
    key = settings.AGENCY_ARCHIVE_SIGNING_KEY or None
    return salted_hmac(_SIGNING_SALT, manifest, secret=key, algorithm="sha256").hexdigest()


def _native(field: Field, obj: Model) -> Any:
    """A JSON-ready value: None stays null, JSON stays nested, the rest as Django's text form."""
    value = field.value_from_object(obj)
    if value is None:
        return None
    if isinstance(field, JSONField):
        return value
    if isinstance(field, FileField):
        return value.name or ""
    return field.value_to_string(obj)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def _rows(table: ExportTable) -> Iterator[dict[str, Any]]:
    fields = table.fields
    for obj in table.queryset.iterator(chunk_size=CHUNK):
        yield {f.attname: _native(f, obj) for f in fields}


def _migrations() -> dict[str, str]:
    applied = MigrationRecorder(connection).applied_migrations()
    latest: dict[str, str] = {}
    for app, name in sorted(applied):
        if app in APPS_RECORDED:
            latest[app] = name
    return latest


@dataclass
class ExportResult:
    """What went into the zip."""

    counts: dict[str, int] = field(default_factory=dict)
    files: int = 0


class _Members:
    """Writes zip members and keeps each one's SHA-256 for the manifest."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        self.digests: dict[str, str] = {}

    @contextmanager
    def open(self, name: str) -> Iterator[Callable[[bytes], None]]:
        digest = hashlib.sha256()
        # Zip64 from the start: a member's size is known only once written, and an agency with
        # millions of events writes a CSV past the plain zip's 2 GiB.
        with self.archive.open(name, "w", force_zip64=True) as raw:

            def write(data: bytes) -> None:
                digest.update(data)
                raw.write(data)

            yield write
        self.digests[name] = digest.hexdigest()


def agency_export_write(*, agency: Agency, out: IO[bytes]) -> ExportResult:
    """Write the agency's data as a signed zip into `out` (call access_agency first)."""
    tables = [
        t
        for t in agency_export_tables(agency=agency)
        if t.label in RESTORED_TABLES or t.model is User
    ]
    result = ExportResult()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        members = _Members(archive)
        for table in tables:
            columns = [f.attname for f in table.fields]
            count = 0
            with members.open(f"data/{table.label}.csv") as write:
                lines = csv_lines(
                    columns, ([_cell(row[c]) for c in columns] for row in _rows(table))
                )
                write(next(lines).encode())
                for line in lines:
                    write(line.encode())
                    count += 1
            with members.open(f"data/{table.label}.json") as write:
                write(b"[")
                for n, row in enumerate(_rows(table)):
                    write((",\n" if n else "\n").encode())
                    write(json.dumps(row, ensure_ascii=False, sort_keys=True).encode())
                write(b"\n]\n")
            result.counts[table.label] = count
            for f in table.fields:
                if isinstance(f, FileField):
                    result.files += _export_files(members, table, f)
        manifest = {
            "schema_version": SCHEMA_VERSION,
            "created_at": timezone.now().isoformat(),
            "agency": agency.slug,
            "tables": [
                {
                    "label": t.label,
                    "count": result.counts[t.label],
                    "agency_path": t.agency_path,
                    "shared_ids": sorted(str(pk) for pk in t.shared_ids),
                }
                for t in tables
            ],
            "files": result.files,
            "migrations": _migrations(),
            "members": dict(sorted(members.digests.items())),
        }
        body = json.dumps(manifest, indent=2).encode()
        archive.writestr(MANIFEST, body)
        archive.writestr(SIGNATURE, f"hmac-sha256:{_signature(body)}\n")
    return result


def _export_files(members: _Members, table: ExportTable, file_field: FileField) -> int:
    written = 0
    for obj in table.queryset.iterator(chunk_size=CHUNK):
        stored = getattr(obj, file_field.attname)
        if not stored or not stored.storage.exists(stored.name):
            continue
        with (
            stored.storage.open(stored.name, "rb") as source,
            members.open(f"files/{stored.name}") as write,
        ):
            for chunk in iter(lambda: source.read(64 * 1024), b""):
                write(chunk)
        written += 1
    return written


# --- restore -------------------------------------------------------------------------------

_DATA_NAME = re.compile(r"data/[A-Za-z0-9_]+\.[A-Za-z0-9_]+\.(csv|json)")
_FILE_PART = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]*")
_SLUG = re.compile(r"[-a-zA-Z0-9_]+")


def _name_is_safe(name: str) -> bool:
    """Only names an export writes: no absolute paths, `..`, backslashes or odd characters."""
    if name in (MANIFEST, SIGNATURE) or _DATA_NAME.fullmatch(name):
        return True
    parts = name.split("/")
    return (
        len(parts) >= 2
        and parts[0] == "files"
        and all(_FILE_PART.fullmatch(part) and part not in {".", ".."} for part in parts[1:])
    )


class _Archive:
    """An export zip whose size, names, signature and member hashes have been checked."""

    def __init__(self, file: IO[bytes]) -> None:
        try:
            self.zip = zipfile.ZipFile(file)
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, OSError, ValueError) as error:
            raise TransferError(f"not an agency export: {error}") from None
        if len(infos) > settings.AGENCY_ARCHIVE_MAX_MEMBERS:
            raise TransferError(
                f"the zip holds {len(infos)} files, more than the "
                f"{settings.AGENCY_ARCHIVE_MAX_MEMBERS} allowed (AGENCY_ARCHIVE_MAX_MEMBERS)"
            )
        names = [info.filename for info in infos]
        if len(set(names)) != len(names):
            raise TransferError("the zip holds two files with the same name")
        unsafe = [name for name in names if not _name_is_safe(name)]
        if unsafe:
            raise TransferError(f"the zip holds a file with an unsafe name: {unsafe[0]!r}")
        # The sizes in the zip bound what Python unpacks (it stops at the stated size).
        unpacked = sum(info.file_size for info in infos)
        if unpacked > settings.AGENCY_ARCHIVE_MAX_BYTES:
            raise TransferError(
                f"the zip unpacks to {unpacked} bytes, more than the "
                f"{settings.AGENCY_ARCHIVE_MAX_BYTES} allowed (AGENCY_ARCHIVE_MAX_BYTES)"
            )
        if MANIFEST not in names:
            raise TransferError("not an agency export: it has no manifest.json")
        if SIGNATURE not in names:
            raise TransferError(
                "the file is not signed: only exports made by export_agency (this version or "
                "later) with the same AGENCY_ARCHIVE_SIGNING_KEY can be restored"
            )
        sizes = {info.filename: info.file_size for info in infos}
        if sizes[MANIFEST] > MANIFEST_MAX_BYTES or sizes[SIGNATURE] > 1024:
            raise TransferError("the manifest or its signature is too large")
        body = self._bytes(MANIFEST)
        signed = self._bytes(SIGNATURE).decode("ascii", "replace").strip()
        if not hmac.compare_digest(signed, f"hmac-sha256:{_signature(body)}"):
            raise TransferError(
                "the signature does not match: the file was changed after export, or was "
                "signed with another AGENCY_ARCHIVE_SIGNING_KEY"
            )
        try:
            self.manifest = json.loads(body)
            listed = dict(self.manifest["members"])
        except (ValueError, KeyError, TypeError):
            raise TransferError("the manifest cannot be read") from None
        present = set(names) - {MANIFEST, SIGNATURE}
        if set(listed) != present:
            odd = sorted(present - set(listed)) or sorted(set(listed) - present)
            state = "is not listed in" if present - set(listed) else "is missing but listed in"
            raise TransferError(f"{odd[0]} {state} the manifest")
        self.digests: dict[str, str] = {name: str(digest) for name, digest in listed.items()}
        for name in sorted(present):
            self.read(name, keep=False)

    def _bytes(self, name: str) -> bytes:
        with _unpacking(name):
            return self.zip.read(name)

    def read(self, name: str, *, keep: bool = True) -> bytes:
        """The member's bytes, checked against the manifest's SHA-256."""
        digest = hashlib.sha256()
        parts: list[bytes] = []
        with _unpacking(name), self.zip.open(name) as member:
            for chunk in iter(lambda: member.read(1024 * 1024), b""):
                digest.update(chunk)
                if keep:
                    parts.append(chunk)
        if not hmac.compare_digest(digest.hexdigest(), self.digests[name]):
            raise TransferError(f"{name} was changed after export (its SHA-256 differs)")
        return b"".join(parts)


@dataclass
class ImportResult:
    """What was restored, with the report's lines on rows left out or changed."""

    agency: str
    report: ImportReport
    files: int = 0

    @property
    def counts(self) -> dict[str, int]:
        return {kind: tally.created for kind, tally in self.report.tallies.items()}


def _model_for(label: str) -> type[Model]:
    from django.apps import apps

    app_label, _sep, name = label.partition(".")
    for model in apps.get_app_config(app_label).get_models(include_auto_created=True):
        if model._meta.object_name == name:
            return model
    raise TransferError(f"this database has no model {label}")


def _problem(member: str, row: int, column: str, reason: str) -> TransferError:
    return TransferError(str(RowError(row, column, reason, file=member)))


def _table_rows(archive: _Archive, label: str, count: object) -> list[dict[str, Any]]:
    member = f"data/{label}.json"
    if member not in archive.digests:
        raise TransferError(f"{member} is missing")
    try:
        rows = json.loads(archive.read(member))
    except ValueError:
        raise _problem(member, 0, "", "not JSON") from None
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise _problem(member, 0, "", "not a list of rows")
    if len(rows) != count:
        raise TransferError(f"{label}: the manifest says {count} rows, found {len(rows)}")
    return rows


def _instance(
    model: type[Model], row: dict[str, Any], *, member: str, number: int, users: dict[str, int]
) -> Model:
    values: dict[str, Any] = {}
    fields = {f.attname: f for f in model._meta.concrete_fields}
    for key, value in row.items():
        target = fields.get(key)
        if target is None:
            raise _problem(member, number, str(key), f"{model._meta.label} has no such column")
        try:
            if target.is_relation and target.related_model is User and value is not None:
                if str(value) not in users:
                    raise ValidationError("names a person who is not in the file")
                values[key] = users[str(value)]
            elif value is None or isinstance(target, JSONField | FileField):
                values[key] = value
            elif target.is_relation:
                values[key] = target.target_field.to_python(value)  # type: ignore[attr-defined]
            else:
                values[key] = target.to_python(value)
        except (ValidationError, ValueError, TypeError) as error:
            reason = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            raise _problem(member, number, key, reason) from None
    instance = model(**values)
    if "token_hash" in fields and not row.get("token_hash"):
        # Hashes are never exported: old links and tokens stop working after a restore.
        instance.token_hash = secrets.token_hex(32)  # type: ignore[attr-defined]
    return instance


def _users_restore(
    archive: _Archive, entry: dict[str, Any], report: ImportReport
) -> dict[str, int]:
    """Match people by email, or create them with no password and no site-wide rights.

    Returns the archive's user ids mapped to this database's.
    """
    label, member = User._meta.label, f"data/{User._meta.label}.json"
    known = {f.attname for f in User._meta.concrete_fields}
    ids: dict[str, int] = {}
    for number, row in enumerate(_table_rows(archive, label, entry.get("count")), start=1):
        unknown = sorted(set(row) - known)
        if unknown:
            raise _problem(member, number, unknown[0], "core.User has no such column")
        email = User.objects.normalize_email(str(row.get("email") or "")).strip()
        try:
            User._meta.get_field("email").run_validators(email)
            values = {
                name: User._meta.get_field(name).to_python(row[name])
                for name in USER_COLUMNS
                if row.get(name) is not None
            }
        except ValidationError as error:
            raise _problem(member, number, "email", " ".join(error.messages)) from None
        if not email:
            raise _problem(member, number, "email", "a person needs an email address")
        if row.get("is_staff") in (True, "True") or row.get("is_superuser") in (True, "True"):
            report.warnings.append(
                RowError(
                    number,
                    "is_superuser",
                    f"{email}: site administrator rights are never restored",
                    file=member,
                )
            )
        if row.get("password"):
            report.warnings.append(
                RowError(number, "password", f"{email}: a password is never restored", file=member)
            )
        existing = User.objects.filter(email__iexact=email).first()
        if existing is not None:
            ids[str(row.get("id"))] = existing.pk
            report.count(label, UNCHANGED)
            continue
        user = User(**{**values, "email": email, "is_staff": False, "is_superuser": False})
        user.set_unusable_password()
        archive_id = User._meta.pk.to_python(row.get("id"))  # type: ignore[union-attr]
        if archive_id is not None and not User.objects.filter(pk=archive_id).exists():
            user.pk = archive_id
        user.save()
        ids[str(row.get("id"))] = user.pk
        report.count(label, CREATED)
    return ids


def _classifier_usable(instance: Model) -> bool:
    try:
        complaint_classifier.model_load(bytes(instance.model))  # type: ignore[attr-defined]
    except complaint_classifier.ClassifierFormatError:
        return False
    return True


# Rows checked before they are written: a row that fails is left out with a warning.
_ROW_CHECKS: dict[str, tuple[Callable[[Model], bool], str]] = {
    "complaints.ClassifierModel": (
        _classifier_usable,
        "the classifier is not stored as data (older versions pickled it) and was left out; "
        "train it again",
    ),
}


def _manifest_tables(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    tables = manifest.get("tables")
    if not isinstance(tables, list) or not all(
        isinstance(t, dict) and isinstance(t.get("label"), str) for t in tables
    ):
        raise TransferError("the manifest's table list cannot be read")
    labels = [t["label"] for t in tables]
    if len(set(labels)) != len(labels):
        raise TransferError("the manifest lists a table twice")
    return tables


@transaction.atomic
def agency_import(*, file: IO[bytes]) -> ImportResult:
    """Restore a signed agency export into a database that does not have that agency yet.

    All or nothing: any bad row or missing reference rolls the whole restore back, except
    rows of `TEXT_TABLES`, each left out on its own with a warning.
    """
    archive = _Archive(file)
    manifest = archive.manifest
    if manifest.get("schema_version") != SCHEMA_VERSION:
        raise TransferError(f"schema version {manifest.get('schema_version')} is not supported")
    slug = str(manifest.get("agency", ""))
    if not _SLUG.fullmatch(slug):
        raise TransferError("the manifest names no agency")
    if Agency.objects.filter(slug=slug).exists():
        raise TransferError(f'agency "{slug}" already exists here: restore into an empty database')
    tables = _manifest_tables(manifest)
    agencies_before = set(Agency.objects.values_list("pk", flat=True))
    report = ImportReport(format="agency archive")
    result = ImportResult(agency=slug, report=report)
    users: dict[str, int] = {}
    for entry in tables:
        if entry["label"] == User._meta.label:
            users = _users_restore(archive, entry, report)
    target: int | None = None
    created: dict[type[Model], list[Any]] = {}
    shared_created: dict[type[Model], set[Any]] = {}
    shared_kept: dict[type[Model], set[Any]] = {}
    references: dict[type[Model], dict[Field, set[Any]]] = {}
    texts: list[dict[str, Any]] = []
    for entry in tables:
        label = entry["label"]
        if label == User._meta.label:
            continue
        if label not in RESTORED_TABLES:
            report.warnings.append(
                RowError(0, "", f"{label} is not restored (not an agency table)", file=label)
            )
            continue
        if label in TEXT_TABLES:
            # Its rows name records of tables that may come later in the file.
            texts.append(entry)
            continue
        model = _model_for(label)
        member = f"data/{label}.json"
        path = agency_path(model)
        rows = _table_rows(archive, label, entry.get("count"))
        shared_ids = {str(pk) for pk in entry.get("shared_ids") or []}
        pk_name = model._meta.pk.attname  # type: ignore[union-attr]
        instances: list[Model] = []
        shared_here: set[Any] = set()
        for number, row in enumerate(rows, start=1):
            shared = str(row.get(pk_name)) in shared_ids
            if model is Agency:
                if row.get("slug") == slug and not shared:
                    target = Agency._meta.pk.to_python(row.get(pk_name))  # type: ignore[union-attr]
                elif not shared:
                    report.warnings.append(
                        RowError(number, "slug", "another agency's row was left out", file=member)
                    )
                    continue
            elif path == "agency" and not shared:
                if target is None:
                    raise TransferError("core.Agency must come first and hold the agency")
                # An archive made before a table carried its agency has no agency_id to check.
                if "agency_id" in row and str(row["agency_id"]) != str(target):
                    report.warnings.append(
                        RowError(
                            number,
                            "agency_id",
                            f"pointed to another agency ({row.get('agency_id')}); restored "
                            f"into {slug}",
                            file=member,
                        )
                    )
                row = {**row, "agency_id": target}
            row = _site_wide_links_kept(model, label, row, member, number, report)
            if model is AuditEvent:
                row = _audit_person_kept(row, users, member, number, report)
            instance = _instance(model, row, member=member, number=number, users=users)
            check = _ROW_CHECKS.get(label)
            if check is not None and not check[0](instance):
                report.warnings.append(RowError(number, "", check[1], file=member))
                continue
            if shared:
                shared_here.add(instance.pk)
            instances.append(instance)
        existing: set[Any] = set()
        if shared_here:
            # Shared rows (reference data) may already be here: keep those.
            existing = set(
                model._default_manager.filter(pk__in=shared_here).values_list("pk", flat=True)
            )
            instances = [i for i in instances if i.pk not in existing]
            shared_here -= existing
        try:
            with _stored_timestamps_kept(model):
                model._default_manager.bulk_create(instances, batch_size=CHUNK)
        except IntegrityError as error:
            raise TransferError(f"{label}: {error}") from None
        report.count(label, CREATED, len(instances))
        created[model] = [i.pk for i in instances]
        shared_created[model] = shared_here
        shared_kept[model] = existing
        references[model] = {
            f: {getattr(i, f.attname) for i in instances} - {None}
            for f in model._meta.concrete_fields
            if (f.many_to_one or f.one_to_one) and f.related_model is not User
        }
    if target is None:
        raise TransferError(f'core.Agency holds no row for "{slug}"')
    named = _named(created)
    for entry in texts:
        model = TEXT_TABLES[entry["label"]].model
        created[model] = _texts_restore(
            archive, entry, target=target, users=users, named=named, report=report
        )
        shared_created[model] = shared_kept[model] = set()
    _ownership_check(created, shared_created, target=target, agencies_before=agencies_before)
    _references_check(references, created, shared_kept)
    try:
        # Check every foreign key now, so a reference to a row that is not in the file (or in
        # this database) is reported here with its table, not as a failed commit.
        connection.check_constraints(table_names=[m._meta.db_table for m in [User, *created]])
    except IntegrityError as error:
        raise TransferError(str(error)) from None
    result.files = _files_restore(archive, created, report)
    _sequences_reset([User, *created])
    planner_statistics_refresh(
        tables=[User, *created], rows=sum(len(pks) for pks in created.values())
    )
    # Rows written in bulk send no signals: the settings intake keeps start a new version.
    agency_settings_changed(agency_id=target)
    # Recorded outside the agency's own log, so exporting the restored agency gives the same files.
    audit_record(
        actor=None,
        action="agency.import",
        target=Agency.objects.get(slug=slug),
        data={"rows": sum(result.counts.values()), "files": result.files},
    )
    return result


_SOURCE_HASH = re.compile(r"[0-9a-f]{64}")
_Key = tuple[Any, ...]


def _shown(value: Any) -> str:
    """A value from the file as a message may quote it: short, with no NUL character."""
    text = str(value)
    text = text if len(text) <= 80 else f"{text[:80]}…"
    return text.replace("\x00", "\\x00")


@dataclass(frozen=True)
class _Named:
    """What a restore knows of the records it wrote, to check a text's record against."""

    # Model label (`registry.service`) → ids written; a record keeps its archive id.
    restored: dict[str, set[Any]]
    # The choice values of a record with choices (`option:<value>` texts).
    choices: Callable[[str, Any], set[str]]


def _record_text_problem(
    label: Any, object_id: Any, name: Any, named: _Named
) -> tuple[str, str] | None:
    """The part (model, object_id or field) and reason a text's name is not one of a record
    this restore wrote, or None."""
    if not isinstance(label, str) or label not in TABLE_FIELDS:
        return "model", f"{_shown(label)} has no translated texts"
    try:
        object_id = int(object_id)
    except (TypeError, ValueError):
        return "object_id", f"{_shown(object_id)} is not a record id"
    if object_id not in named.restored.get(label, set()):
        return "object_id", f"the {label} it translates is not in the file"
    if not isinstance(name, str):
        return "field", "names no field"
    value = name.removeprefix(OPTION_PREFIX) if name.startswith(OPTION_PREFIX) else None
    base = "options" if value is not None else name
    if name == "options" or base not in TABLE_FIELDS[label]:
        return "field", f"{label} has no translated text {_shown(name)}"
    if value is not None and value not in named.choices(label, object_id):
        return "field", f"the {label} has no choice {_shown(value)}"
    return None


def _stored_problem(row: dict[str, Any]) -> tuple[str, str] | None:
    if row.get("status") not in {s.value for s in STORED_STATUSES}:
        return "status", f"{_shown(row.get('status'))} is not a stored status"
    digest = row.get("source_hash")
    if not isinstance(digest, str) or not _SOURCE_HASH.fullmatch(digest):
        return "source_hash", "is not the SHA-256 of an English text"
    return None


def _unknown_column(model: type[Model], row: dict[str, Any]) -> tuple[str, str] | None:
    unknown = sorted(str(c) for c in set(row) - {f.attname for f in model._meta.concrete_fields})
    if unknown:
        return _shown(unknown[0]), f"{model._meta.label} has no such column"
    return None


def _translation_problem(row: dict[str, Any], named: _Named) -> tuple[str, str] | None:
    """The column and reason a translation row cannot be restored, or None when it can."""
    languages = {code.lower() for code, _name in settings.LANGUAGES} - {SOURCE_LANGUAGE, SPANISH}
    problem = _unknown_column(AuthoredTranslation, row) or _record_text_problem(
        row.get("model"), row.get("object_id"), row.get("field"), named
    )
    if problem is not None:
        return problem
    language = row.get("language")
    if language == SPANISH:
        return "language", "Spanish is kept in the record's own columns, not in this table"
    if not isinstance(language, str) or language not in languages:
        return "language", f"{_shown(language)} is not a language translated into here"
    text = row.get("text")
    if not isinstance(text, str) or not text:
        return "text", "holds no text"
    if "\x00" in text:
        return "text", "holds a NUL character, which no text here may hold"
    if len(text) > AUTHORED_TEXT_MAX_LENGTH:
        return "text", f"is {len(text)} characters long, more than {AUTHORED_TEXT_MAX_LENGTH}"
    return _stored_problem(row)


def _translation_key(row: dict[str, Any]) -> _Key:
    return (row["model"], int(row["object_id"]), row["field"], row["language"])


def _translation_values(row: dict[str, Any]) -> dict[str, Any]:
    model, object_id, field_name, language = _translation_key(row)
    return {
        "model": model,
        "object_id": object_id,
        "field": field_name,
        "language": language,
        "text": row["text"],
        "status": row["status"],
        "source_hash": row["source_hash"],
    }


def _translations_here(instances: list[Model]) -> set[_Key]:
    """Which of these texts this database already holds (left by a record deleted here: the
    table names records by id, with no foreign key to remove them)."""
    here: set[_Key] = set()
    for label in {i.model for i in instances}:  # type: ignore[attr-defined]
        ids = [i.object_id for i in instances if i.model == label]  # type: ignore[attr-defined]
        here |= set(
            AuthoredTranslation.objects.filter(model=label, object_id__in=ids).values_list(
                "model", "object_id", "field", "language"
            )
        )
    return here


def _source_problem(row: dict[str, Any], named: _Named) -> tuple[str, str] | None:
    """The column and reason a row of what Spanish was written from cannot be restored."""
    problem = _unknown_column(TranslationSource, row)
    if problem is not None:
        return problem
    unit = row.get("unit")
    if not isinstance(unit, str):
        return "unit", "names no text"
    label, _sep, rest = unit.partition("/")
    object_id, _sep, name = rest.partition("/")
    problem = _record_text_problem(label, object_id, name, named)
    if problem is not None:
        return "unit", problem[1]
    if row.get("language") != SPANISH:
        return "language", "only what Spanish was written from is kept in this table"
    return _stored_problem(row)


def _source_values(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "unit": row["unit"],
        "language": row["language"],
        "status": row["status"],
        "source_hash": row["source_hash"],
    }


@dataclass(frozen=True)
class _TextTable:
    """A table whose rows name a record's text by model label and id, not by a foreign key."""

    model: type[Model]
    problem: Callable[[dict[str, Any], _Named], tuple[str, str] | None]
    key: Callable[[dict[str, Any]], _Key]
    values: Callable[[dict[str, Any]], dict[str, Any]]
    # The texts this database holds already, when a text is unique across agencies.
    here: Callable[[list[Model]], set[_Key]] | None = None


# Restored after every other table, each row only when the record it names was restored too;
# a row that cannot be is left out with a warning naming it, and the rest restores.
TEXT_TABLES = {
    "core.AuthoredTranslation": _TextTable(
        AuthoredTranslation,
        _translation_problem,
        _translation_key,
        _translation_values,
        _translations_here,
    ),
    "core.TranslationSource": _TextTable(
        TranslationSource,
        _source_problem,
        lambda row: (row["unit"], row["language"]),
        _source_values,
    ),
}


def _named(created: dict[type[Model], list[Any]]) -> _Named:
    restored = {m._meta.label_lower: set(pks) for m, pks in created.items()}
    models = {m._meta.label_lower: m for m in created}
    loaded: dict[str, dict[Any, set[str]]] = {}

    def choices(label: str, object_id: Any) -> set[str]:
        if label not in loaded:
            records = models[label]._default_manager.filter(pk__in=restored[label])
            loaded[label] = {
                pk: {str(o.get("value")) for o in options or [] if isinstance(o, dict)}
                for pk, options in records.values_list("pk", "options")
            }
        return loaded[label].get(object_id, set())

    return _Named(restored, choices)


def _texts_restore(
    archive: _Archive,
    entry: dict[str, Any],
    *,
    target: Any,
    users: dict[str, int],
    named: _Named,
    report: ImportReport,
) -> list[Any]:
    """Restore the rows of a `TEXT_TABLES` table whose record this restore wrote, keeping
    their status and the hash of their English, so a reviewed translation stays reviewed and
    a stale one stale.

    A record keeps its archive id (rows are written under their own ids; only people are
    matched by email, through `users`), so a row names its record here as in the file once
    the record's table wrote that id. A row whose record, field, choice or language is not
    known here, or that could not be stored, is left out with a warning naming it. Returns
    the ids written.
    """
    label = entry["label"]
    table = TEXT_TABLES[label]
    model = table.model
    member = f"data/{label}.json"
    rows = _table_rows(archive, label, entry.get("count"))

    def left_out(number: int, row: dict[str, Any], column: str, reason: str) -> None:
        if "unit" in row:
            unit = _shown(row.get("unit"))
        else:
            unit = "/".join(_shown(row.get(c)) for c in ("model", "object_id", "field"))
        report.warnings.append(
            RowError(
                number,
                column,
                f"{unit} ({_shown(row.get('language'))}): {reason}; left out",
                file=member,
            )
        )

    updated_at = model._meta.get_field("updated_at")
    instances: list[Model] = []
    keys: dict[Model, _Key] = {}
    seen: set[_Key] = set()
    ids: set[Any] = set()
    for number, row in enumerate(rows, start=1):
        problem = table.problem(row, named)
        if problem is not None:
            left_out(number, row, *problem)
            continue
        key = table.key(row)
        if key in seen:
            left_out(number, row, "", "the file holds this text twice")
            continue
        try:
            when = updated_at.to_python(row.get("updated_at"))  # type: ignore[union-attr]
        except (ValidationError, TypeError, ValueError):
            left_out(number, row, "updated_at", "is not a date and time")
            continue
        try:
            pk = model._meta.pk.to_python(row.get("id"))
        except ValidationError:
            pk = -1
        if pk is not None and not 0 < pk < 2**63:
            left_out(number, row, "id", f"{_shown(row.get('id'))} is not a row id")
            continue
        if pk is not None and pk in ids:
            left_out(number, row, "id", f"the file holds id {pk} twice")
            continue
        if str(row.get("agency_id")) != str(target):
            report.warnings.append(
                RowError(
                    number,
                    "agency_id",
                    f"pointed to another agency ({_shown(row.get('agency_id'))}); restored "
                    "into the agency restored",
                    file=member,
                )
            )
        values = table.values(row)
        if "updated_by_id" in {f.attname for f in model._meta.concrete_fields}:
            person = row.get("updated_by_id")
            if person is not None and str(person) not in users:
                report.warnings.append(
                    RowError(
                        number,
                        "updated_by_id",
                        "names a person who is not in the file; kept without them",
                        file=member,
                    )
                )
            values["updated_by_id"] = users.get(str(person)) if person is not None else None
        seen.add(key)
        ids.add(pk)
        instance = model(pk=pk, agency_id=target, updated_at=when or timezone.now(), **values)
        keys[instance] = key
        instances.append(instance)
    instances = _texts_not_here(instances, keys, table, member=member, report=report)
    with _stored_timestamps_kept(model):
        model._default_manager.bulk_create(
            [i for i in instances if i.pk is not None], batch_size=CHUNK
        )
        # Rows whose id is taken here are written after the ids from the file, with new ones.
        _sequences_reset([model])
        model._default_manager.bulk_create([i for i in instances if i.pk is None], batch_size=CHUNK)
    report.count(label, CREATED, len(instances))
    return [i.pk for i in instances]


def _texts_not_here(
    instances: list[Model],
    keys: dict[Model, _Key],
    table: _TextTable,
    *,
    member: str,
    report: ImportReport,
) -> list[Model]:
    """The rows less the texts this database already holds, each with a new id when its id
    is taken here."""
    kept = []
    for start in range(0, len(instances), 500):
        chunk = instances[start : start + 500]
        taken = set(
            table.model._default_manager.filter(pk__in=[i.pk for i in chunk]).values_list(
                "pk", flat=True
            )
        )
        here = table.here(chunk) if table.here is not None else set()
        for instance in chunk:
            if keys[instance] in here:
                report.warnings.append(
                    RowError(
                        0,
                        "",
                        f"{instance} is already here, left by a record deleted here; left out",
                        file=member,
                    )
                )
                continue
            if instance.pk in taken:
                instance.pk = None
            kept.append(instance)
    return kept


def _site_wide_links_kept(
    model: type[Model],
    label: str,
    row: dict[str, Any],
    member: str,
    number: int,
    report: ImportReport,
) -> dict[str, Any]:
    """The row with each `SITE_WIDE_LINKS` column emptied when the site-wide row it names is
    not in this database."""
    for column in SITE_WIDE_LINKS.get(label, ()):
        value = row.get(column)
        if value is None:
            continue
        field = next(f for f in model._meta.concrete_fields if f.attname == column)
        related = field.related_model
        try:
            here = isinstance(related, type) and related._default_manager.filter(pk=value).exists()
        except (ValueError, TypeError, ValidationError):
            here = False
        if not here:
            row = {**row, column: None}
            report.warnings.append(
                RowError(number, column, "names a site-wide row that is not here", file=member)
            )
    return row


def _audit_person_kept(
    row: dict[str, Any], users: dict[str, int], member: str, number: int, report: ImportReport
) -> dict[str, Any]:
    """The audit event with the person it is about named by their id here: people are the one
    kind of record a restore renumbers (matched by email), and an event names its target by
    kind and id, not by a foreign key. A person not in the file keeps only their name."""
    if row.get("target_type") != User._meta.label_lower or not row.get("target_id"):
        return row
    here = users.get(str(row["target_id"]))
    if here is None:
        report.warnings.append(
            RowError(
                number,
                "target_id",
                "is about a person who is not in the file; kept with their name only",
                file=member,
            )
        )
        return {**row, "target_id": ""}
    return {**row, "target_id": str(here)}


def _ownership_check(
    created: dict[type[Model], list[Any]],
    shared_created: dict[type[Model], set[Any]],
    *,
    target: Any,
    agencies_before: set[Any],
) -> None:
    """Refuse rows that belong to another agency, unless they are new shared reference rows."""
    for model, pks in created.items():
        path = agency_path(model)
        if path is None:
            raise TransferError(f"{model._meta.label} is not an agency table")
        for start in range(0, len(pks), 500):
            chunk = pks[start : start + 500]
            foreign = model._default_manager.filter(pk__in=chunk).exclude(**{path: target})
            for pk in foreign.values_list("pk", flat=True):
                if model._meta.label not in SHARED_TABLES or pk not in shared_created[model]:
                    raise TransferError(
                        f"{model._meta.label} row {pk} belongs to another agency, not the one "
                        "restored"
                    )
            owned_elsewhere = foreign.filter(**{f"{path}__in": agencies_before})
            if model is not Agency and owned_elsewhere.exists():
                raise TransferError(
                    f"{model._meta.label} row {owned_elsewhere.values_list('pk', flat=True)[0]} "
                    "would add to an agency that is already here"
                )


def _references_check(
    references: dict[type[Model], dict[Field, set[Any]]],
    created: dict[type[Model], list[Any]],
    shared_kept: dict[type[Model], set[Any]],
) -> None:
    """Refuse a row that points into an agency table at a row the restore did not bring.

    Only shared reference rows (a parent agency, a shared series) may be rows already here.
    """
    allowed = {
        model: set(pks)
        | (shared_kept.get(model, set()) if model._meta.label in SHARED_TABLES else set())
        for model, pks in created.items()
    }
    for model, fields in references.items():
        for ref_field, values in fields.items():
            related = ref_field.related_model
            if not isinstance(related, type) or related._meta.label not in RESTORED_TABLES:
                continue
            wanted = {related._meta.pk.to_python(v) for v in values}  # type: ignore[union-attr]
            stray = wanted - allowed.get(related, set())
            if stray:
                raise TransferError(
                    f"{model._meta.label}.{ref_field.attname} points to {related._meta.label} "
                    f"row {sorted(stray, key=str)[0]}, which is not in the file"
                )


def _files_restore(
    archive: _Archive, created: dict[type[Model], list[Any]], report: ImportReport
) -> int:
    """Write the files the restored rows name, from the zip only; never replace another file."""
    listed = {name.removeprefix("files/") for name in archive.digests if name.startswith("files/")}
    used: set[str] = set()
    written = 0
    for model, pks in created.items():
        file_fields = [f for f in model._meta.concrete_fields if isinstance(f, FileField)]
        for file_field in file_fields:
            storage = file_field.storage
            for obj in model._default_manager.filter(pk__in=pks).exclude(
                **{file_field.attname: ""}
            ):
                name = getattr(obj, file_field.attname).name
                member = f"files/{name}"
                if name not in listed:
                    # Without its file the row would point at whatever that name holds here.
                    setattr(obj, file_field.attname, "")
                    obj.save(update_fields=[file_field.name])
                    report.warnings.append(
                        RowError(0, file_field.name, f"{name} is not in the file", file=member)
                    )
                    continue
                content = archive.read(member)
                used.add(name)
                if storage.exists(name):
                    with storage.open(name, "rb") as here:
                        if hashlib.sha256(here.read()).digest() == hashlib.sha256(content).digest():
                            written += 1
                            continue
                saved = storage.save(name, ContentFile(content))
                if saved != name:
                    setattr(obj, file_field.attname, saved)
                    obj.save(update_fields=[file_field.name])
                written += 1
    for name in sorted(listed - used):
        report.warnings.append(
            RowError(
                0, "", "no restored row names this file; it was left out", file=f"files/{name}"
            )
        )
    return written


@contextmanager
def _stored_timestamps_kept(model: type[Model]) -> Iterator[None]:
    """Let auto_now fields keep the exported times instead of stamping the restore time."""
    stamped = [
        (f, f.auto_now, f.auto_now_add)  # type: ignore[attr-defined]
        for f in model._meta.concrete_fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    for f, _now, _add in stamped:
        f.auto_now = f.auto_now_add = False  # type: ignore[attr-defined]
    try:
        yield
    finally:
        for f, now, add in stamped:
            f.auto_now, f.auto_now_add = now, add  # type: ignore[attr-defined]


def _sequences_reset(models: list[type[Model]]) -> None:
    """After inserting explicit ids, move id sequences past them (PostgreSQL)."""
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
