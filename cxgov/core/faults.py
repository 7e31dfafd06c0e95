"""Clear answers when a request is too big or the database cannot be reached.

`FaultsMiddleware` reads the request body before any view or CSRF check does, so an oversized
body or too many fields answers 413 Request Entity Too Large instead of Django's bare 400; and
a database that is down while a request is handled answers 503 Service Unavailable with
Retry-After instead of a server error. Pages get an HTML page in the visitor's language; the
API, Open311 and the survey widget get JSON (Open311 `.xml` gets its XML error list).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from xml.etree import ElementTree as ET

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# Callers that read JSON: the REST API, Open311, and the survey widget's intake.
_MACHINE_PATH = re.compile(r"^/(?:api|open311)/|^/(?:[a-z]{2}/)?surveys/[^/]+/widget/$")
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Staff pages upload whole data files (events, imports), so the total cap is for everyone else.
_STAFF_PATH = re.compile(r"^/(?:[a-z]{2}/)?staff/|^/site-admin/")
_TOO_BIG = (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)


def _machine_reply(request: HttpRequest, *, status: int, detail: str) -> HttpResponse:
    if request.path_info.startswith("/open311/") and request.path_info.endswith(".xml"):
        errors = ET.Element("errors")
        error = ET.SubElement(errors, "error")
        ET.SubElement(error, "code").text = str(status)
        ET.SubElement(error, "description").text = detail
        body = b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(errors, encoding="utf-8")
        return HttpResponse(body, status=status, content_type="text/xml; charset=utf-8")
    if request.path_info.startswith("/open311/"):
        return JsonResponse([{"code": status, "description": detail}], status=status, safe=False)
    return JsonResponse({"ok": False, "detail": detail}, status=status)


def request_too_large(request: HttpRequest) -> HttpResponse:
    """413 with what the limit is and what to do about it."""
    limit_kb = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1024
    if _MACHINE_PATH.match(request.path_info):
        detail = _(
            "The request is too large: send at most %(kb)s KB of form or JSON data and "
            "at most %(fields)s fields."
        ) % {"kb": f"{limit_kb:,}", "fields": f"{settings.DATA_UPLOAD_MAX_NUMBER_FIELDS:,}"}
        return _machine_reply(request, status=413, detail=detail)
    return render(
        request,
        "413.html",
        {
            "limit_kb": limit_kb,
            "request_limit_mb": settings.REQUEST_MAX_BYTES // (1024 * 1024),
        },
        status=413,
    )


def request_unreadable(request: HttpRequest) -> HttpResponse:
    """400 for a form body that cannot be parsed (a broken multipart upload)."""
    if _MACHINE_PATH.match(request.path_info):
        detail = _("The request body cannot be read: send JSON, or a complete form upload.")
        return _machine_reply(request, status=400, detail=detail)
    return render(request, "400.html", status=400)


def database_unavailable(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After: nothing was saved, and it is worth trying again soon."""
    retry_after = settings.DATABASE_RETRY_AFTER_SECONDS
    if _MACHINE_PATH.match(request.path_info):
        detail = _("We could not save your answers right now. Please try again in a few minutes.")
        response = _machine_reply(request, status=503, detail=detail)
    else:
        # The page must render without the database: no context processor may query it.
        response = render(request, "503.html", status=503)
    response["Retry-After"] = str(retry_after)
    return response


class FaultsMiddleware:
    """Answer 413 for oversized requests and 503 while the database is unreachable."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in _BODY_METHODS:
            too_big = self._check_body(request)
            if too_big is not None:
                return too_big
        return self.get_response(request)

    def _check_body(self, request: HttpRequest) -> HttpResponse | None:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.REQUEST_MAX_BYTES and not _STAFF_PATH.match(request.path_info):
            return request_too_large(request)
        content_type = request.META.get("CONTENT_TYPE", "")
        try:
            # Parse now, where the limits can be answered; Django applies them as it reads.
            # Multipart bodies stream files to disk, so only their form fields are counted.
            if content_type.startswith("multipart/form-data"):
                request.POST  # noqa: B018 - reading it is the point
            else:
                request.body  # noqa: B018
        except _TOO_BIG as exc:
            logger.warning("Refused an oversized request to %s: %s", request.path_info, exc)
            request._mark_post_parse_error()  # type: ignore[attr-defined]
            return request_too_large(request)
        except MultiPartParserError as exc:
            logger.warning("Refused an unreadable form sent to %s: %s", request.path_info, exc)
            return request_unreadable(request)
        return None

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, OperationalError | InterfaceError):
            logger.error(
                "Database unavailable while handling %s %s: %s",
                request.method,
                request.path_info,
                exception,
            )
            return database_unavailable(request)
        return None
