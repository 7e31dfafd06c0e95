"""Events and daily rollups carry their standard's agency (docs/scale.md, distribution)."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from cxgov.core.models import Agency
from cxgov.registry.tests.test_agency_archive_attacks import TEST_KEY, _zip
from cxgov.standards import services
from cxgov.standards.ingest import events_parse, rows_table
from cxgov.standards.models import DailyRollup, Standard, StandardEvent
from cxgov.testing.factories import ServiceFactory, StandardFactory

pytestmark = pytest.mark.django_db

ROWS = [
    {"id": "a", "start": "2026-03-02T09:00", "end": "2026-03-03T09:00"},
    {"id": "b", "start": "2026-03-02T09:00"},
]


def _ingest(standard: Standard, rows: list[dict]) -> dict[str, int]:
    batch = events_parse(rows_table(rows), standard=standard)
    return services.events_ingest(actor=None, standard=standard, batch=batch)


def test_ingested_events_and_rollups_belong_to_the_standards_agency(agency_a):
    standard = StandardFactory(service=ServiceFactory(agency=agency_a))
    _ingest(standard, ROWS)
    assert set(StandardEvent.objects.values_list("agency_id", flat=True)) == {agency_a.pk}
    assert set(DailyRollup.objects.values_list("agency_id", flat=True)) == {agency_a.pk}


def test_a_resent_event_still_replaces_the_stored_one(agency_a):
    standard = StandardFactory(service=ServiceFactory(agency=agency_a))
    _ingest(standard, ROWS)
    # "b" closes a week later: it moves to another day and stays one event.
    summary = _ingest(
        standard, [{"id": "b", "start": "2026-03-02T09:00", "end": "2026-03-09T09:00"}]
    )
    assert summary["replaced"] == 1
    assert StandardEvent.objects.filter(standard=standard, event_id="b").count() == 1
    assert StandardEvent.objects.count() == 2


def test_an_archive_made_before_events_carried_their_agency_restores_them(
    agency_a, settings, tmp_path: Path
):
    settings.AGENCY_ARCHIVE_SIGNING_KEY = TEST_KEY
    settings.MEDIA_ROOT = tmp_path / "media"
    standard = StandardFactory(service=ServiceFactory(agency=agency_a))
    _ingest(standard, ROWS)
    path = tmp_path / "export.zip"
    call_command(
        "export_agency", "--agency", agency_a.slug, "--output", str(path), stdout=io.StringIO()
    )
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
        manifest = json.loads(members.pop("manifest.json"))
    members.pop("manifest.sig")
    for label in ("standards.StandardEvent", "standards.DailyRollup"):
        rows = json.loads(members[f"data/{label}.json"])
        members[f"data/{label}.json"] = json.dumps(
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
    assert StandardEvent.objects.count() == 2
    assert set(StandardEvent.objects.values_list("agency_id", flat=True)) == {restored.pk}
    assert set(DailyRollup.objects.values_list("agency_id", flat=True)) == {restored.pk}
