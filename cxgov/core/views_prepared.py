"""The one way a page serves a prepared file: the file once the worker has built it, before that
a page saying it is being prepared (HTTP 202, with a link to reload it; no script needed), and
after a failed build a page saying so with a button to try again (decision 0049).

The calling view checks who may have the file first (its `access_*` gatekeeper), exactly as it
did when it built the file itself; this helper never decides access.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from cxgov.core.models import Agency, PreparedFile, PreparedFileStatus
from cxgov.core.services_prepared import (
    prepared_file_lost,
    prepared_file_request,
    prepared_file_retry,
)
from cxgov.core.tables import file_response


def prepared_file_response(
    request: HttpRequest,
    *,
    kind: str,
    agency: Agency,
    params: Mapping[str, Any],
    title: str,
    version: str = "",
    max_age: timedelta | None = None,
    on_serve: Callable[[PreparedFile], None] | None = None,
    nav_section: str = "staff",
) -> HttpResponse:
    """Serve the prepared file of `kind` for these parameters, asking for it if need be.

    A POST tries a failed build again and comes back here. `on_serve` runs just before the file
    is sent (the export's audit record).
    """
    prepared = prepared_file_request(
        kind=kind, agency=agency, params=params, version=version, max_age=max_age
    )
    if request.method == "POST":
        if prepared.status == PreparedFileStatus.FAILED:
            prepared_file_retry(prepared=prepared)
        return redirect(request.get_full_path())
    if prepared.status == PreparedFileStatus.READY:
        try:
            content = prepared.file.storage.open(prepared.file.name, "rb")
        except FileNotFoundError:
            prepared_file_lost(prepared=prepared)
        else:
            if on_serve is not None:
                on_serve(prepared)
            return file_response(
                content,
                content_type=prepared.content_type,
                filename=prepared.filename,
                inline=prepared.inline,
            )
    failed = prepared.status == PreparedFileStatus.FAILED
    return render(
        request,
        "core/prepared_file.html",
        {
            "title": title,
            "prepared": prepared,
            "failed": failed,
            "again_url": request.get_full_path(),
            "nav_section": nav_section,
        },
        status=200 if failed else 202,
    )
