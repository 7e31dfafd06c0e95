"""What an events ingestion stored, and the command that stores it, for tests comparing engines."""

from __future__ import annotations

import io
from pathlib import Path

from django.core.management import call_command

from cxgov.standards.models import DailyRollup, Standard, StandardEvent

EVENT_COLUMNS = ("event_id", "channel", "started_at", "ended_at", "elapsed", "met", "day", "bucket")


def events_and_rollups(standard: Standard) -> tuple[list[tuple], list[tuple]]:
    """The standard's stored events and daily rollups, in a stable order."""
    events = list(
        StandardEvent.objects.filter(standard=standard)
        .order_by("event_id")
        .values_list(*EVENT_COLUMNS)
    )
    rollups = list(
        DailyRollup.objects.filter(standard=standard)
        .order_by("day")
        .values_list("day", "total", "met", "still_open", "histogram")
    )
    return events, rollups


def ingest_events(path: Path, standard: Standard, *options: str) -> str:
    """Run `cxgov ingest_events` on a file for the standard; what it printed."""
    out = io.StringIO()
    call_command("ingest_events", str(path), "--standard", str(standard.pk), *options, stdout=out)
    return out.getvalue()
