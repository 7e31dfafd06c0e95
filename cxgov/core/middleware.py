"""Staff pages need a verified second factor when STAFF_MFA_REQUIRED is on."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django_otp import user_has_device

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
