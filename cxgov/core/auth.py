"""Sign-in helpers: lockout hooks for django-axes, the second-factor step-up, and the audit
events of every sign-in decision."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django_otp import user_has_device

from cxgov.core.oidc import SESSION_FLAG


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


def second_factor_missing(request: HttpRequest) -> bool:
    """True when the signed-in person has a confirmed second factor this session has not passed.

    A password alone must not change how the account signs in: whoever holds a confirmed device
    proves it (or a recovery code) before enrolling another, changing the password or minting a
    token. A person with no device yet may enrol one; that is how two-step sign-in starts.
    """
    user = request.user
    if not user.is_authenticated or request.session.get(SESSION_FLAG):
        return False
    is_verified = getattr(user, "is_verified", None)
    if is_verified is not None and is_verified():
        return False
    return user_has_device(user, confirmed=True)


def second_factor_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Send a person whose session has not passed their second factor to enter it first."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if second_factor_missing(request):
            next_url = request.get_full_path() if request.method == "GET" else request.path
            query = urlencode({"next": next_url})
            return HttpResponseRedirect(f"{reverse('core:mfa_verify')}?{query}")
        return view(request, *args, **kwargs)

    return wrapped


def sign_in_audited(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """`user_logged_in`: an audit event for each sign-in (password, OpenID Connect or SAML)."""
    from cxgov.core.ratelimit import client_address
    from cxgov.core.services import sign_in_record

    backend = request.session.get(BACKEND_SESSION_KEY, "") if request is not None else ""
    via = next((name for name in ("oidc", "saml") if name in backend.lower()), "password")
    address = client_address(request) if request is not None else ""
    sign_in_record(user=user, action="account.sign_in", address=address, method=via)


def sign_in_refusal_audited(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    """`user_login_failed`: an audit event for each refused sign-in, naming a real account only."""
    from cxgov.core.models import User
    from cxgov.core.ratelimit import client_address
    from cxgov.core.services import sign_in_record

    email = str((credentials or {}).get("username") or "").strip()
    user = User.objects.filter(email__iexact=email).first() if email else None
    address = client_address(request) if request is not None else ""
    sign_in_record(user=user, action="account.sign_in_refused", address=address)


def sign_out_audited(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """`user_logged_out`: an audit event when a signed-in person signs out."""
    from cxgov.core.ratelimit import client_address
    from cxgov.core.services import sign_in_record

    if user is None or not getattr(user, "pk", None):
        return
    address = client_address(request) if request is not None else ""
    sign_in_record(user=user, action="account.sign_out", address=address)
