"""Clear answers when a request is too big or the database cannot be reached.

`RequestSizeMiddleware` runs first and refuses a body larger than the caller may send before
anything reads it: `REQUEST_MAX_BYTES` for the public and the API, form data only
(`DATA_UPLOAD_MAX_MEMORY_SIZE`) for staff URLs without a signed-in session, and an import file
(`IMPORT_MAX_BYTES`) plus its form fields for signed-in staff. `FaultsMiddleware` reads the
request body before any view or CSRF check does, so an oversized
body or too many fields answers 413 Request Entity Too Large instead of Django's bare 400; and
a database that is down while a request is handled answers 503 Service Unavailable with
Retry-After instead of a server error. Pages get an HTML page in the visitor's language; the
API, Open311 and the survey widget get JSON (Open311 `.xml` gets its XML error list).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from importlib import import_module
from typing import Any
from xml.etree import ElementTree as ET

from asgiref.sync import sync_to_async
from asgiref.typing import ASGIReceiveCallable as Receive
from asgiref.typing import ASGISendCallable as Send
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.handlers.asgi import ASGIHandler
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.cookie import parse_cookie
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# Callers that read JSON: the REST API, Open311, and the survey widget's intake.
_MACHINE_PATH = re.compile(r"^/(?:api|open311)/|^/(?:[a-z]{2}/)?surveys/[^/]+/widget/$")
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Staff pages and the site admin, where signed-in staff upload whole data files.
_STAFF_PATH = re.compile(r"^/(?:[a-z]{2}/)?staff/|^/site-admin/")
_MEGABYTE = 1024 * 1024
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


def request_too_large(request: HttpRequest, *, cap: int | None = None) -> HttpResponse:
    """413 with what the limit is and what to do about it (`cap`: the whole body's limit)."""
    limit_kb = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1024
    if cap is None:
        cap = settings.REQUEST_MAX_BYTES
    if _MACHINE_PATH.match(request.path_info):
        detail = _(
            "The request is too large: send at most %(kb)s KB of form or JSON data and "
            "at most %(fields)s fields."
        ) % {"kb": f"{limit_kb:,}", "fields": f"{settings.DATA_UPLOAD_MAX_NUMBER_FIELDS:,}"}
        return _machine_reply(request, status=413, detail=detail)
    return render(
        request,
        "413.html",
        {"limit_kb": limit_kb, "request_limit_mb": f"{cap / _MEGABYTE:.3g}"},
        status=413,
    )


def _signed_in(session_key: str | None) -> bool:
    """Whether a session cookie names a live session of a signed-in person."""
    if not session_key:
        return False
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    return bool(store.get(SESSION_KEY))


def staff_upload_max_bytes() -> int:
    """The largest body a signed-in staff member may send: an import file and its form."""
    return max(settings.REQUEST_MAX_BYTES, settings.IMPORT_MAX_BYTES) + (
        settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    )


def body_cap(path: str, *, session_key: str | None) -> int:
    """The most bytes a request to `path` may send, for this session cookie (or none)."""
    if not _STAFF_PATH.match(path):
        return int(settings.REQUEST_MAX_BYTES)
    if _signed_in(session_key):
        return staff_upload_max_bytes()
    # Before sign-in a staff URL takes only small forms (the sign-in form): no files.
    return int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)


class RequestSizeMiddleware:
    """Refuse a body larger than its caller may send, before any of it is read (413).

    It decides from the declared Content-Length alone. A body sent without one (chunked) is
    answered 411 Length Required: under WSGI Django would read it as empty, silently losing
    what was sent (under ASGI, `CappedASGIHandler` stops such a body at the same cap).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in _BODY_METHODS:
            refused = self._refuse(request)
            if refused is not None:
                return refused
        return self.get_response(request)

    def _refuse(self, request: HttpRequest) -> HttpResponse | None:
        declared = request.META.get("CONTENT_LENGTH")
        if not declared:
            chunked = "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower()
            # Under ASGI the body was already read, and stopped at the cap, by the handler.
            if chunked and "wsgi.input" in request.META:
                return HttpResponse(
                    _("Send the request with a Content-Length header."),
                    status=411,
                    content_type="text/plain; charset=utf-8",
                )
            return None
        try:
            length = int(declared)
        except ValueError:
            return HttpResponse(
                _("The Content-Length header is not a number."),
                status=400,
                content_type="text/plain; charset=utf-8",
            )
        session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        cap = body_cap(request.path_info, session_key=session_key)
        if length <= cap:
            return None
        logger.warning(
            "Refused a %s-byte body to %s before reading it (cap %s)",
            length,
            request.path_info,
            cap,
        )
        # Nothing has chosen the language yet; the URL says it.
        with translation.override(translation.get_language_from_path(request.path_info)):
            return request_too_large(request, cap=cap)


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
            return request_too_large(request)  # in case RequestSizeMiddleware is left out
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


class CappedASGIHandler(ASGIHandler):
    """Django's ASGI handler, stopping a body sent without Content-Length at its cap.

    Django reads the whole body into a temporary file before any middleware runs; a body that
    declares its length is judged by `RequestSizeMiddleware`, one that does not is cut off here
    once it passes `body_cap` and answered 413.
    """

    async def handle(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        headers = {name.lower(): value for name, value in scope.get("headers", [])}
        if scope.get("method") not in _BODY_METHODS or b"content-length" in headers:
            await super().handle(scope, receive, send)
            return
        cookies = parse_cookie(headers.get(b"cookie", b"").decode("latin-1"))
        cap = await sync_to_async(body_cap)(
            scope.get("path", ""), session_key=cookies.get(settings.SESSION_COOKIE_NAME)
        )
        received = 0
        over = False

        async def capped_receive() -> dict[str, Any]:
            nonlocal received, over
            message: dict[str, Any] = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > cap:
                    over = True
                    return {"type": "http.disconnect"}
            return message

        await super().handle(scope, capped_receive, send)
        if over:
            logger.warning("Refused a body past %s bytes sent to %s", cap, scope.get("path"))
            detail = _("The request is too large.").encode()
            await send(
                {
                    "type": "http.response.start",
                    "status": 413,
                    "headers": [(b"content-type", b"text/plain; charset=utf-8")],
                }
            )
            await send({"type": "http.response.body", "body": detail})
