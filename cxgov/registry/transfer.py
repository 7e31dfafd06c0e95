"""Whole-agency export to a zip file, and its restore into an empty database.

The zip holds, per model, `data/<app>.<Model>.csv` (for people and spreadsheets) and
`data/<app>.<Model>.json` (one object per row, what the restore reads), complaint attachments
under `files/`, and `manifest.json` (row counts, schema version, migrations, created at).
Rows are read in chunks and written straight into the zip, so memory stays flat.
"""

from __future__ import annotations

import io
import json
import secrets
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.files.base import ContentFile
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Field, FileField, JSONField, Model
from django.utils import timezone

from cxgov.core.models import Agency
from cxgov.core.services import audit_record
from cxgov.core.tables import csv_lines
from cxgov.registry.selectors import ExportTable, agency_export_tables

SCHEMA_VERSION = 1
CHUNK = 2000
APPS_RECORDED = ("core", "registry", "surveys", "standards", "complaints", "benchmarks")


class TransferError(Exception):
    """The file cannot be restored; the message says why."""


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


def agency_export_write(*, agency: Agency, out: IO[bytes]) -> ExportResult:
    """Write the agency's data as a zip into `out` (call access_agency first)."""
    tables = agency_export_tables(agency=agency)
    result = ExportResult()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for table in tables:
            columns = [f.attname for f in table.fields]
            count = 0
            with archive.open(f"data/{table.label}.csv", "w") as raw:
                text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
                lines = csv_lines(
                    columns, ([_cell(row[c]) for c in columns] for row in _rows(table))
                )
                text.write(next(lines))
                for line in lines:
                    text.write(line)
                    count += 1
                text.flush()
                text.detach()
            with archive.open(f"data/{table.label}.json", "w") as raw:
                raw.write(b"[")
                for n, row in enumerate(_rows(table)):
                    raw.write((",\n" if n else "\n").encode())
                    raw.write(json.dumps(row, ensure_ascii=False, sort_keys=True).encode())
                raw.write(b"\n]\n")
            result.counts[table.label] = count
            for f in table.fields:
                if isinstance(f, FileField):
                    result.files += _export_files(archive, table, f)
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
        }
        archive.writestr("manifest.json", json.dumps(manifest, indent=2))
    return result


def _export_files(archive: zipfile.ZipFile, table: ExportTable, file_field: FileField) -> int:
    written = 0
    for obj in table.queryset.iterator(chunk_size=CHUNK):
        stored = getattr(obj, file_field.attname)
        if not stored or not stored.storage.exists(stored.name):
            continue
        with (
            stored.storage.open(stored.name, "rb") as source,
            archive.open(f"files/{stored.name}", "w") as target,
        ):
            for chunk in iter(lambda: source.read(64 * 1024), b""):
                target.write(chunk)
        written += 1
    return written


# --- restore -------------------------------------------------------------------------------


@dataclass
class ImportResult:
    """What was restored."""

    agency: str
    counts: dict[str, int] = field(default_factory=dict)
    files: int = 0


# Models that moved between apps since exports began: older files still name them the old way.
MOVED_MODELS = {"registry.Agency": "core.Agency"}


def _model_for(label: str) -> type[Model]:
    from django.apps import apps

    app_label, _sep, name = MOVED_MODELS.get(label, label).partition(".")
    for model in apps.get_app_config(app_label).get_models(include_auto_created=True):
        if model._meta.object_name == name:
            return model
    raise TransferError(f"this database has no model {label}")


def _instance(model: type[Model], row: dict[str, Any]) -> Model:
    values: dict[str, Any] = {}
    fields = {f.attname: f for f in model._meta.concrete_fields}
    for key, value in row.items():
        target = fields.get(key)
        if target is None:
            raise TransferError(f"{model._meta.label} has no column {key}")
        if value is None or isinstance(target, JSONField | FileField):
            values[key] = value
        elif target.is_relation:
            values[key] = target.target_field.to_python(value)  # type: ignore[attr-defined]
        else:
            values[key] = target.to_python(value)
    instance = model(**values)
    if "password" in fields and not row.get("password"):
        instance.set_unusable_password()  # type: ignore[attr-defined]
    if "token_hash" in fields and not row.get("token_hash"):
        # Hashes are never exported: old links and tokens stop working after a restore.
        instance.token_hash = secrets.token_hex(32)  # type: ignore[attr-defined]
    return instance


@transaction.atomic
def agency_import(*, file: IO[bytes]) -> ImportResult:
    """Restore an agency export into a database that does not have that agency yet.

    All or nothing: any bad row or missing reference rolls the whole restore back.
    """
    from django.db import IntegrityError

    try:
        archive = zipfile.ZipFile(file)
        manifest = json.loads(archive.read("manifest.json"))
    except (zipfile.BadZipFile, KeyError, ValueError) as error:
        raise TransferError(f"not an agency export: {error}") from None
    if manifest.get("schema_version") != SCHEMA_VERSION:
        raise TransferError(f"schema version {manifest.get('schema_version')} is not supported")
    slug = str(manifest.get("agency", ""))
    if Agency.objects.filter(slug=slug).exists():
        raise TransferError(f'agency "{slug}" already exists here: restore into an empty database')
    result = ImportResult(agency=slug)
    touched: list[type[Model]] = []
    for entry in manifest["tables"]:
        label = entry["label"]
        model = _model_for(label)
        rows = json.loads(archive.read(f"data/{label}.json"))
        if len(rows) != entry["count"]:
            raise TransferError(
                f"{label}: the manifest says {entry['count']} rows, found {len(rows)}"
            )
        shared_ids = set(entry.get("shared_ids", []))
        if shared_ids:
            # Shared rows (people, reference data) may already be here: keep those.
            pk_name = model._meta.pk.attname
            shared_rows = [r for r in rows if str(r[pk_name]) in shared_ids]
            existing = {
                str(pk)
                for pk in model._default_manager.filter(
                    pk__in=[r[pk_name] for r in shared_rows]
                ).values_list("pk", flat=True)
            }
            rows = [r for r in rows if str(r[pk_name]) not in existing]
        instances = [_instance(model, row) for row in rows]
        try:
            with _stored_timestamps_kept(model):
                model._default_manager.bulk_create(instances, batch_size=CHUNK)
        except IntegrityError as error:
            raise TransferError(f"{label}: {error}") from None
        result.counts[label] = len(instances)
        touched.append(model)
    for name in archive.namelist():
        if name.startswith("files/") and not name.endswith("/"):
            from cxgov.complaints.storage import private_storage

            storage = private_storage()
            stored_name = name.removeprefix("files/")
            if storage.exists(stored_name):
                storage.delete(stored_name)
            storage.save(stored_name, ContentFile(archive.read(name)))
            result.files += 1
    try:
        # Check every foreign key now, so a reference to a row that is not in the file (or in
        # this database) is reported here with its table, not as a failed commit.
        connection.check_constraints(table_names=[m._meta.db_table for m in touched])
    except IntegrityError as error:
        raise TransferError(str(error)) from None
    _sequences_reset(touched)
    # Recorded outside the agency's own log, so exporting the restored agency gives the same files.
    audit_record(
        actor=None,
        action="agency.import",
        target=Agency.objects.get(slug=slug),
        data={"rows": sum(result.counts.values()), "files": result.files},
    )
    return result


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
