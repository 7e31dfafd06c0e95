"""Background tasks of the standards app, run by `cxgov worker` through Django's Tasks API."""

from __future__ import annotations

import os
import socket

from django_tasks import task


@task()
def event_file_batch_task(*, batch_id: int) -> bool:
    """Ingest one batch of an events file split by `ingest_events --batches` (docs/scale.md)."""
    from .services_batches import event_file_batch_ingest

    return event_file_batch_ingest(
        batch_id=batch_id, worker=f"{socket.gethostname()}:{os.getpid()}"
    )


@task()
def standard_quantiles_prepare_task(*, standard_id: int) -> int:
    """Keep the medians and 90th percentiles of a standard whose events changed, so its pages
    find them ready (`services.standard_quantiles_prepare`)."""
    from .services import standard_quantiles_prepare

    return standard_quantiles_prepare(standard_id=standard_id)


@task()
def standard_quantiles_prepare_all_task() -> int:
    """Keep the quantiles that no change queued, for every events standard (periodic)."""
    from .services import standard_quantiles_prepare_all

    return standard_quantiles_prepare_all()
