"""The whole-agency export as a prepared file: built by the worker, not in the request (about
30 s on the demo), then served to the agency's administrators (decision 0049)."""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from django.utils import timezone

from cxgov.core.models import Agency
from cxgov.core.prepared import Built, prepared_builder
from cxgov.registry.transfer import agency_export_write

AGENCY_EXPORT = "registry.agency_export"
# An export has no cheap version (every table counts), so one finished longer ago than this is
# built again when asked for; within it, every download gets the same file.
AGENCY_EXPORT_MAX_AGE = timedelta(minutes=15)


@prepared_builder(AGENCY_EXPORT)
def agency_export_build(agency: Agency, params: Mapping[str, Any], version: str) -> Built:
    """The signed zip of every table `agency_export_write` writes, in a temporary file."""
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - the prepared file service closes it
    agency_export_write(agency=agency, out=spool)
    spool.seek(0)
    stamp = timezone.now().strftime("%Y%m%d")
    return Built(
        content=spool, filename=f"{agency.slug}-export-{stamp}.zip", content_type="application/zip"
    )
