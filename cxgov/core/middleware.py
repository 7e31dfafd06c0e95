"""Staff pages need a verified second factor when STAFF_MFA_REQUIRED is on; a session ends at
its absolute lifetime however busy it is; every response carries a Permissions-Policy; authored
translations are read once per request and a page says when some of it is untranslated."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string
from django.urls import reverse
from django_otp import user_has_device

from cxgov.core.i18n import translation_scope
from cxgov.core.oidc import SESSION_FLAG

# Staff pages in either language, and the site admin.
_PROTECTED = re.compile(r"^/(?:[a-z]{2}/)?staff/|^/site-admin/")


class StaffMfaMiddleware:
    """Send a signed-in person without a verified second factor to set one up or enter it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            settings.STAFF_MFA_REQUIRED
            and user.is_authenticated
            and _PROTECTED.match(request.path_info)
            and not user.is_verified()
            and not request.session.get(SESSION_FLAG)
        ):
            target = "core:mfa_verify" if user_has_device(user) else "core:mfa_setup"
            query = urlencode({"next": request.get_full_path()})
            return HttpResponseRedirect(f"{reverse(target)}?{query}")
        return self.get_response(request)


# The session key holding when the person signed in (seconds since the epoch).
SIGNED_IN_AT = "cxgov_signed_in_at"


def session_start(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    """On every sign-in (password, OpenID Connect), note when the session began."""
    if request is not None and hasattr(request, "session"):
        request.session[SIGNED_IN_AT] = int(time.time())


class SessionLifetimeMiddleware:
    """Sign a person out once SESSION_MAX_AGE_SECONDS have passed since they signed in.

    The idle timeout (SESSION_TIMEOUT_SECONDS) renews with every request, so it alone would let
    a busy or stolen session live for ever. A session with no sign-in time is ended too.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            started = request.session.get(SIGNED_IN_AT)
            age = time.time() - started if isinstance(started, int) else None
            if age is None or age >= settings.SESSION_MAX_AGE_SECONDS:
                logout(request)
        return self.get_response(request)


# Browser features no cxgov page uses; denying them limits what injected content could do.
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
    "accelerometer=(), gyroscope=(), magnetometer=(), interest-cohort=()"
)


class PermissionsPolicyMiddleware:
    """Send a Permissions-Policy header on every response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


# Where base.html lets the untranslated-text note in; left out when every text was translated.
UNTRANSLATED_MARK = b"<!--cxgov:untranslated-note-->"


class TranslationsMiddleware:
    """Read authored translations once per model and language for the whole request, and say
    once on the page when some of its text is English because it has no translation."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with translation_scope() as scope:
            response = self.get_response(request)
            if response.streaming or UNTRANSLATED_MARK not in response.content:
                return response
            note = b""
            if scope.fell_back:
                # Still the request's language: LocaleMiddleware, inside this one, chose it.
                note = render_to_string("includes/untranslated_note.html").encode()
            response.content = response.content.replace(UNTRANSLATED_MARK, note, 1)
            if response.has_header("Content-Length"):
                response["Content-Length"] = str(len(response.content))
            return response
