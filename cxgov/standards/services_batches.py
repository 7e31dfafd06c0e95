"""Event files split into batches that any number of workers ingest in parallel.

`event_file_split` reads the file once and writes one Parquet file per batch: a row goes to the
batch its event id hashes to, so every row of one id lands in the same batch, in file order, and
"the last row of an id wins" holds as in a single-process ingest. Each batch is one background
task (`tasks.event_file_batch_task`). A batch is claimed by a conditional update inside the
transaction that stores its events, so it is stored once however many workers get it, and a
worker that dies mid-batch leaves it queued. Batches store events only; the worker that
finishes the last batch claims the run the same way and rebuilds the rollups of every touched
day from the stored events, so they equal a single-process ingest's.
"""

from __future__ import annotations

import shutil
import uuid
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cxgov.core.imports import FileRejectedError, normalise_header
from cxgov.core.imports.frames import Frame, Source, read_frame
from cxgov.core.models import User
from cxgov.core.services import audit_record
from cxgov.core.tasks import task_enqueue_with_write
from cxgov.standards import services
from cxgov.standards.ingest import events_parse
from cxgov.standards.models import BatchStatus, EventFileBatch, EventFileRun, Standard
from cxgov.standards.tasks import event_file_batch_task

# A batch keeps this many of its bad rows' reasons; the counts are always whole.
ERRORS_KEPT = 100
_ROW = "__cxgov_row"


def _batch_directory() -> Path:
    # Under MEDIA_ROOT, which several machines share already (docs/scale.md).
    return Path(settings.MEDIA_ROOT) / "private" / "event-batches" / uuid.uuid4().hex


def _batch_numbers(frame: Frame, *, id_column: str, batches: int) -> np.ndarray:
    ids = frame.data[id_column].cast(pl.Utf8).str.strip_chars().fill_null("")
    return (ids.hash(seed=12862) % batches).to_numpy()


@transaction.atomic
def event_file_split(
    *,
    actor: User | None,
    standard: Standard,
    file: Source,
    batches: int,
    mapping: dict[str, str] | None = None,
    source: str = "",
) -> EventFileRun:
    """Split an events file into `batches` by event id and queue one task per batch.

    Raises FileRejectedError when the file cannot be read or has no id column.
    """
    frame = read_frame(file)
    id_column = normalise_header((mapping or {}).get("id", "id"))
    if id_column not in frame.data.columns:
        raise FileRejectedError(
            _("The file has no %(column)s column for the event %(name)s.")
            % {"column": id_column, "name": "id"}
        )
    refused = {error.row for error in frame.errors}
    keep = ~np.isin(frame.numbers, list(refused))
    data = frame.data.with_columns(pl.Series(_ROW, frame.numbers)).filter(pl.Series(keep))
    numbers = _batch_numbers(frame, id_column=id_column, batches=batches)[keep]
    directory = _batch_directory()
    directory.mkdir(parents=True)
    run = EventFileRun.objects.create(
        standard=standard,
        source=source[:100],
        mapping=mapping or {},
        header=frame.header,
        directory=str(directory),
        batches=batches,
        rows_read=frame.data.height,
        rejected=len(refused),
        errors=[[e.row, e.column, str(e.reason)] for e in frame.errors[:ERRORS_KEPT]],
    )
    for number in range(batches):
        part = data.filter(pl.Series(numbers == number))
        path = directory / f"batch-{number:04d}.parquet"
        part.write_parquet(path)
        batch = EventFileBatch.objects.create(
            run=run, number=number, path=str(path), rows=part.height
        )
        task_enqueue_with_write(event_file_batch_task, batch_id=batch.pk)
    audit_record(
        actor=actor,
        action="standard.events_split",
        target=standard,
        data={"run": run.pk, "batches": batches, "rows": frame.data.height, "source": source},
    )
    return run


def _batch_frame(batch: EventFileBatch) -> Frame:
    data = pl.read_parquet(batch.path)
    numbers = data[_ROW].to_numpy()
    data = data.drop(_ROW)
    header = batch.run.header if len(batch.run.header) == data.width else list(data.columns)
    return Frame(data, header, numbers)


def batch_writes_beside_its_run(batch: EventFileBatch) -> bool:
    """Whether the batch may write while other batches of its run do.

    A run's batches are cut by event id, so no two hold the same id. Only the batches of the
    standard's oldest unfinished run write side by side: a later run's batches, which may
    repeat its ids, wait their turn like any other writer. A run is finished only once each of
    its batches has committed, so no batch of an earlier run still writes when a later run
    becomes the oldest.
    """
    oldest = (
        EventFileRun.objects.filter(standard_id=batch.run.standard_id, status=BatchStatus.QUEUED)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    return oldest == batch.run_id


def event_file_batch_ingest(*, batch_id: int, worker: str) -> bool:
    """Store one batch's good events if no worker has; True when this call stored them.

    The worker that stores the last batch of a run then rebuilds the run's rollups.
    """
    batch = EventFileBatch.objects.select_related("run__standard__agency").get(pk=batch_id)
    standard = batch.run.standard
    with transaction.atomic():
        claimed = EventFileBatch.objects.filter(pk=batch_id, status=BatchStatus.QUEUED).update(
            status=BatchStatus.DONE, worker=worker[:200], finished_at=timezone.now()
        )
        if not claimed:
            return False
        parsed = events_parse(_batch_frame(batch), standard=standard, mapping=batch.run.mapping)
        replaced, days = services.events_write(
            standard=standard, batch=parsed, disjoint=batch_writes_beside_its_run(batch)
        )
        EventFileBatch.objects.filter(pk=batch_id).update(
            accepted=parsed.accepted,
            replaced=replaced,
            rejected=parsed.rejected,
            errors=[[e.row, e.column, str(e.reason)] for e in parsed.errors[:ERRORS_KEPT]],
            days=sorted(day.isoformat() for day in days),
        )
    event_file_run_finish(run_id=batch.run_id)
    return True


def event_file_run_finish(*, run_id: int) -> bool:
    """Rebuild a run's rollups once all its batches are stored; True for the call that did."""
    with transaction.atomic():
        if EventFileBatch.objects.filter(run_id=run_id, status=BatchStatus.QUEUED).exists():
            return False
        claimed = EventFileRun.objects.filter(pk=run_id, status=BatchStatus.QUEUED).update(
            status=BatchStatus.DONE, finished_at=timezone.now()
        )
        if not claimed:
            return False
        run = EventFileRun.objects.select_related("standard__agency").get(pk=run_id)
        parts = list(run.parts.values_list("accepted", "replaced", "rejected", "days"))
        days = {date.fromisoformat(day) for *_counts, part_days in parts for day in part_days}
        services.rollups_rebuild(standard=run.standard, days=days)
        services.events_ingest_finish(
            actor=None,
            standard=run.standard,
            summary={
                "rows": run.rows_read,
                "accepted": sum(part[0] for part in parts),
                "replaced": sum(part[1] for part in parts),
                "rejected": run.rejected + sum(part[2] for part in parts),
            },
            source=run.source,
        )
    shutil.rmtree(run.directory, ignore_errors=True)
    return True
