"""The one way a page serves a prepared file: the file once the worker has built it, before that
a page saying it is being prepared (HTTP 202, with a link to reload it; no script needed), and
after a failed build a page saying so with a button to try again (decision 0049). A page whose
figures are prepared the same way gets them from `prepared_page_data`, or the same two pages
(decision 0063).

The calling view checks who may have the file first (its `access_*` gatekeeper), exactly as it
did when it built the file itself; this helper never decides access.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from cxgov.core.models import Agency, PreparedFile, PreparedFileStatus
from cxgov.core.services_prepared import (
    prepared_file_lost,
    prepared_file_request,
    prepared_file_retry,
    prepared_refresh,
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
    return _waiting(request, prepared, title=title, nav_section=nav_section, page=False)


def _waiting(
    request: HttpRequest, prepared: PreparedFile, *, title: str, nav_section: str, page: bool
) -> HttpResponse:
    """The page that says the file or figures are being prepared (202), or that they could not
    be (200, with "Try again")."""
    failed = prepared.status == PreparedFileStatus.FAILED
    return render(
        request,
        "core/prepared_file.html",
        {
            "title": title,
            "prepared": prepared,
            "failed": failed,
            "page": page,
            "again_url": request.get_full_path(),
            "nav_section": nav_section,
        },
        status=200 if failed else 202,
    )


# The field a "Refresh" or "Try again" button of prepared figures posts, so that a page with
# forms of its own tells them apart (`is_prepared_post`).
REFRESH_FIELD = "prepared"


def is_prepared_post(request: HttpRequest) -> bool:
    """Whether this POST is a page's "Refresh" or "Try again" of its prepared figures."""
    return request.method == "POST" and REFRESH_FIELD in request.POST


def prepared_page_data(
    request: HttpRequest,
    *,
    kind: str,
    agency: Agency,
    params: Mapping[str, Any],
    title: str,
    version: str = "",
    max_age: timedelta | None = None,
    nav_section: str = "staff",
    whole_page: bool = True,
) -> PreparedFile | HttpResponse:
    """The prepared figures of a page, asking for them if need be (call the view's access_*
    gatekeeper first; this never decides access).

    Returns the row when it holds figures, even while newer ones are being built (the page says
    when its figures are from, `core/_prepared_as_of.html`); otherwise the response to send:
    "being prepared" (202) or "could not be prepared" (200). With `whole_page=False` the row is
    returned in every state, for a page that shows the rest of its content and says so in the
    one section that waits (`core/_prepared_section.html`). A POST made by the page's "Refresh"
    or "Try again" button (`is_prepared_post`) queues a build and comes back here.
    """
    prepared = prepared_file_request(
        kind=kind, agency=agency, params=params, version=version, max_age=max_age
    )
    if is_prepared_post(request):
        if prepared.status == PreparedFileStatus.FAILED:
            prepared_file_retry(prepared=prepared)
        elif prepared_refresh(prepared=prepared):
            messages.success(request, _("The figures are being brought up to date."))
        return redirect(request.get_full_path())
    if not whole_page or (
        prepared.data is not None and prepared.status != PreparedFileStatus.FAILED
    ):
        return prepared
    return _waiting(request, prepared, title=title, nav_section=nav_section, page=True)
