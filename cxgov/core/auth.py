"""Sign-in helpers shared by settings-driven libraries."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def login_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """The email a sign-in attempt is for, lower-cased, so lockout counts every spelling once."""
    value = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(value).strip().lower()[:254]


def lockout_response(
    request: HttpRequest, original_response: Any, credentials: dict[str, Any] | None
) -> HttpResponse:
    """The page shown while an account is locked after too many wrong passwords."""
    return render(
        request,
        "registration/locked_out.html",
        {
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        },
        status=429,
    )
