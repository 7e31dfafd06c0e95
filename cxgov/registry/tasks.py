"""Background tasks of the registry, run by `cxgov worker` through Django's Tasks API."""

from __future__ import annotations

from django_tasks import task


@task()
def retention_purge_task() -> dict[str, int]:
    """Remove personal details past each agency's retention periods (periodic, daily)."""
    from .services import retention_purge

    report = retention_purge()
    counts = {item.agency: item.total for item in report.agencies}
    for kind, removed in report.months_removed.items():
        if removed:
            counts[f"{kind} months"] = len(removed)
    return counts
