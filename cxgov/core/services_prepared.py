"""Writes of prepared files and page data: ask for one, build it (the worker), try a failed
one again, refresh a page's figures.

No audit here: asking for a file changes nothing a person decided, and the page that serves the
file records what it records today (the whole-agency export is audited when it is downloaded).
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Mapping
from datetime import datetime, timedelta
from pathlib import PurePosixPath
from typing import Any

from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from cxgov.core.models import Agency, PreparedFile, PreparedFileStatus
from cxgov.core.prepared import BuiltData, prepared_builder_for, prepared_params_key
from cxgov.core.tasks import task_enqueue_with_write

logger = logging.getLogger(__name__)

# A build queued or running longer than this is taken as lost (a worker that died): the page
# then offers to try again instead of waiting for ever.
PREPARED_LOST_AFTER = timedelta(hours=2)
# A ready or failed file older than this is removed by the periodic prune; a page that asks for
# it again gets it built again. An export holds personal details, so it is not kept for long.
PREPARED_KEEP = timedelta(days=1)
ERROR_MAX_LENGTH = 2000


def _queue(prepared_id: int) -> None:
    from cxgov.core.tasks import prepared_file_build_task

    task_enqueue_with_write(prepared_file_build_task, prepared_id=prepared_id)


def prepared_file_request(
    *,
    kind: str,
    agency: Agency,
    params: Mapping[str, Any],
    version: str = "",
    max_age: timedelta | None = None,
) -> PreparedFile:
    """The prepared file of `kind` for these parameters and version, queued for the worker the
    first time anyone asks (once, however many ask at once). With `max_age`, a ready file
    finished longer ago than that is built again (for files, like the whole-agency export, whose
    content has no cheap version)."""
    now = timezone.now()
    key = prepared_params_key(params)
    with transaction.atomic():
        prepared, created = PreparedFile.objects.get_or_create(
            kind=kind, agency=agency, key=key, version=version, defaults={"params": dict(params)}
        )
        if created:
            _queue(prepared.pk)
            return prepared
        rows = PreparedFile.objects.filter(pk=prepared.pk)
        if (
            max_age is not None
            and prepared.status == PreparedFileStatus.READY
            and prepared.finished_at is not None
            and prepared.finished_at < now - max_age
            and rows.filter(status=PreparedFileStatus.READY).update(
                status=PreparedFileStatus.QUEUED, requested_at=now, params=dict(params)
            )
        ):
            _queue(prepared.pk)
        elif prepared.status in (PreparedFileStatus.QUEUED, PreparedFileStatus.RUNNING):
            rows.filter(
                status__in=(PreparedFileStatus.QUEUED, PreparedFileStatus.RUNNING),
                requested_at__lt=now - PREPARED_LOST_AFTER,
            ).update(
                status=PreparedFileStatus.FAILED,
                error="The build did not finish: its worker may have stopped.",
                finished_at=now,
            )
    prepared.refresh_from_db()
    return prepared


def prepared_file_retry(*, prepared: PreparedFile) -> bool:
    """Queue a failed build again; False if it had not failed (someone else retried first)."""
    with transaction.atomic():
        again = PreparedFile.objects.filter(
            pk=prepared.pk, status=PreparedFileStatus.FAILED
        ).update(
            status=PreparedFileStatus.QUEUED,
            error="",
            requested_at=timezone.now(),
            started_at=None,
            finished_at=None,
        )
        if again:
            _queue(prepared.pk)
    return bool(again)


def prepared_refresh(*, prepared: PreparedFile) -> bool:
    """Build a ready page's figures again now (a person's "Refresh"); the page keeps showing
    the figures it has until the new ones are ready. False if a build is already queued or
    running, or if it had failed (`prepared_file_retry` is for that)."""
    with transaction.atomic():
        again = PreparedFile.objects.filter(pk=prepared.pk, status=PreparedFileStatus.READY).update(
            status=PreparedFileStatus.QUEUED, requested_at=timezone.now()
        )
        if again:
            _queue(prepared.pk)
    return bool(again)


def _discard(names: list[str]) -> None:
    storage = PreparedFile._meta.get_field("file").storage
    for name in names:
        if name:
            storage.delete(name)


def prepared_file_build(*, prepared_id: int) -> str:
    """Build one queued file with its kind's builder and store it (the worker's task); returns
    the status it ended in. Older versions of the same file are removed once it is ready."""
    claimed = PreparedFile.objects.filter(pk=prepared_id, status=PreparedFileStatus.QUEUED).update(
        status=PreparedFileStatus.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return "skipped"  # built, retried or removed since it was queued
    prepared = PreparedFile.objects.select_related("agency").get(pk=prepared_id)
    try:
        build = prepared_builder_for(prepared.kind)
        built = build(prepared.agency, prepared.params, prepared.version)
        if isinstance(built, BuiltData):
            json.dumps(built.data)  # what the row cannot hold fails the build, not the worker
    except Exception as error:
        logger.exception("prepared file %s of %s failed", prepared.pk, prepared.kind)
        PreparedFile.objects.filter(pk=prepared.pk).update(
            status=PreparedFileStatus.FAILED,
            error=f"{type(error).__name__}: {error}"[:ERROR_MAX_LENGTH],
            finished_at=timezone.now(),
        )
        return PreparedFileStatus.FAILED
    if isinstance(built, BuiltData):
        return _keep_data(prepared, built)
    suffix = PurePosixPath(built.filename).suffix[:10]
    name = f"{prepared.kind}/{prepared.agency.slug}/{prepared.key[:16]}-{uuid.uuid4().hex}{suffix}"
    content = (
        ContentFile(built.content) if isinstance(built.content, bytes) else File(built.content)
    )
    try:
        stored = prepared.file.storage.save(name, content)
    finally:
        content.close()
    previous = prepared.file.name or ""
    with transaction.atomic():
        kept = PreparedFile.objects.filter(pk=prepared.pk).update(
            status=PreparedFileStatus.READY,
            file=stored,
            filename=built.filename[:200],
            content_type=built.content_type[:100],
            inline=built.inline,
            error="",
            finished_at=timezone.now(),
        )
        if not kept:  # removed while it was built (a retention purge): so is its file
            transaction.on_commit(lambda: _discard([stored]))
            return "discarded"
        older = PreparedFile.objects.filter(
            kind=prepared.kind, agency=prepared.agency, key=prepared.key, pk__lt=prepared.pk
        )
        names = [previous, *older.values_list("file", flat=True)]
        older.delete()
        transaction.on_commit(lambda: _discard(names))
    return PreparedFileStatus.READY


def _keep_data(prepared: PreparedFile, built: BuiltData) -> str:
    """Store a page's figures in its row and remove older versions of the same page."""
    with transaction.atomic():
        kept = PreparedFile.objects.filter(pk=prepared.pk).update(
            status=PreparedFileStatus.READY, data=built.data, error="", finished_at=timezone.now()
        )
        if not kept:
            return "discarded"
        PreparedFile.objects.filter(
            kind=prepared.kind, agency=prepared.agency, key=prepared.key, pk__lt=prepared.pk
        ).delete()
    return PreparedFileStatus.READY


def prepared_file_lost(*, prepared: PreparedFile) -> None:
    """A ready file whose stored copy is gone (storage emptied, restored elsewhere): the page
    offers to build it again."""
    PreparedFile.objects.filter(pk=prepared.pk, status=PreparedFileStatus.READY).update(
        status=PreparedFileStatus.FAILED,
        error="The stored file is missing.",
        finished_at=timezone.now(),
    )
    prepared.status = PreparedFileStatus.FAILED


def _remove(rows: QuerySet[PreparedFile]) -> int:
    names = [name for name in rows.values_list("file", flat=True) if name]
    count, _ = rows.delete()
    transaction.on_commit(lambda: _discard(names))
    return count


def prepared_files_discard(*, agency: Agency) -> int:
    """Remove every prepared file of the agency, built or being built (a retention purge: they
    may hold the details it removed). Returns how many."""
    with transaction.atomic():
        return _remove(PreparedFile.objects.filter(agency=agency))


def prepared_files_prune(*, now: datetime | None = None) -> int:
    """Remove prepared files that finished (ready or failed) more than PREPARED_KEEP ago
    (periodic); returns how many."""
    cutoff = (now or timezone.now()) - PREPARED_KEEP
    with transaction.atomic():
        return _remove(
            PreparedFile.objects.filter(
                status__in=(PreparedFileStatus.READY, PreparedFileStatus.FAILED),
                finished_at__lt=cutoff,
            )
        )
