"""Staff pages of core: sign-in, staff home, agency overview and API tokens."""

from __future__ import annotations

import base64
import io
import math
from typing import Any
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import user_has_device

from cxgov.core.auth import second_factor_required
from cxgov.core.forms import (
    EmailAuthenticationForm,
    MfaCodeForm,
    QueuedPasswordResetForm,
    SecondFactorForm,
    TokenCreateForm,
)
from cxgov.core.models import Role
from cxgov.core.navigation import (
    ACCOUNT_MENU,
    AGENCY_MENU,
    OVERSIGHT_MENU,
    capabilities_of_request,
    visible_links,
)
from cxgov.core.notices import staff_notices
from cxgov.core.pages import form_save
from cxgov.core.permissions import Can, capabilities_in, user_can
from cxgov.core.ratelimit import (
    RateLimited,
    address_rate_check,
    client_address,
    rate_refund,
)
from cxgov.core.selectors import (
    access_agency,
    access_membership,
    access_token,
    audit_events_for_agency,
    memberships_for_user,
    mfa_device_pending,
    recovery_codes_left,
    roles_for_user,
    tokens_for_user,
)
from cxgov.core.services import (
    mfa_device_confirm,
    mfa_device_start,
    mfa_reset,
    password_change_record,
    recovery_codes_replace,
    second_factor_verify,
    token_create,
    token_revoke,
)

# The limiter's name for failed sign-ins counted per address.
LOGIN_SCOPE = "login_address"


def sign_in_paused(request: HttpRequest) -> HttpResponse | None:
    """Count a sign-in attempt against the client's address; the 429 page once it is paused."""
    try:
        address_rate_check(
            request,
            scope=LOGIN_SCOPE,
            limit=settings.LOGIN_ADDRESS_FAILURE_LIMIT,
            window=settings.LOGIN_ADDRESS_WINDOW_MINUTES * 60,
        )
    except RateLimited as limited:
        minutes = max(1, math.ceil(limited.retry_after / 60))
        response = render(
            request,
            "registration/address_paused.html",
            {"failure_limit": settings.LOGIN_ADDRESS_FAILURE_LIMIT, "minutes": minutes},
            status=429,
        )
        response["Retry-After"] = str(limited.retry_after)
        return response
    return None


def sign_in_refund(request: HttpRequest) -> None:
    """Take back the attempt `sign_in_paused` counted: the person signed in."""
    rate_refund(
        scope=LOGIN_SCOPE,
        key=client_address(request),
        window=settings.LOGIN_ADDRESS_WINDOW_MINUTES * 60,
    )


class LoginView(auth_views.LoginView):
    """Sign-in with a password, paused for an address that failed too often (any accounts).

    Each attempt is counted for the address before the password is checked, so a burst gets
    no more tries than the limit; a successful one is taken back. A paused address is refused
    before the account is looked at, so its tries never add to any account's lockout.
    """

    template_name = "registration/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return sign_in_paused(request) or super().post(request, *args, **kwargs)

    def form_valid(self, form: Any) -> HttpResponse:
        sign_in_refund(self.request)
        return super().form_valid(form)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {
            **super().get_context_data(**kwargs),
            "oidc_enabled": settings.OIDC_ENABLED,
            "oidc_provider_name": settings.OIDC_PROVIDER_NAME,
            "saml_enabled": settings.SAML_ENABLED,
            "saml_provider_name": settings.SAML_PROVIDER_NAME,
        }


class PasswordResetView(auth_views.PasswordResetView):
    form_class = QueuedPasswordResetForm
    success_url = reverse_lazy("core:password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    success_url = reverse_lazy("core:password_reset_complete")

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:
        # Proving control of the mailbox ends a lockout from wrong passwords.
        axes_reset(username=form.user.email.lower())
        response = super().form_valid(form)
        password_change_record(user=form.user)
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    success_url = reverse_lazy("core:staff_home")

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        response = super().form_valid(form)
        password_change_record(user=form.user)
        return response


@login_required
def staff_home(request: HttpRequest) -> HttpResponse:
    """The agencies the signed-in person works for and their roles in each."""
    can = capabilities_of_request(request)
    agencies: dict[int, dict] = {}
    for membership in memberships_for_user(user=request.user):
        entry = agencies.setdefault(
            membership.agency_id, {"agency": membership.agency, "roles": []}
        )
        entry["roles"].append(membership.get_role_display())
    return render(
        request,
        "core/staff_home.html",
        {
            "agencies": list(agencies.values()),
            "oversight_links": visible_links(OVERSIGHT_MENU, can=can),
            "account_links": visible_links(ACCOUNT_MENU, can=can),
            "notices": staff_notices(user=request.user),
            "nav_section": "staff",
        },
    )


@login_required
def agency_overview(request: HttpRequest, slug: str) -> HttpResponse:
    """One agency as its staff see it: roles, links, and recent changes (for admins)."""
    agency = access_agency(user=request.user, agency_slug=slug)
    roles = roles_for_user(user=request.user, agency=agency)
    is_admin = user_can(user=request.user, agency=agency, need=Can.ADMINISTER_AGENCY)
    return render(
        request,
        "core/agency_overview.html",
        {
            "agency": agency,
            "roles": sorted(Role(role).label for role in roles),
            "agency_links": visible_links(
                AGENCY_MENU,
                can=capabilities_in(user=request.user, agency=agency),
                slug=agency.slug,
            ),
            "audit_events": audit_events_for_agency(agency=agency, limit=25) if is_admin else None,
            "nav_section": "staff",
        },
    )


@login_required
@second_factor_required
def token_list(request: HttpRequest) -> HttpResponse:
    """The person's API tokens, with a form to create one; a new secret shows once."""
    return token_page(
        request,
        "core/token_list.html",
        form_class=TokenCreateForm,
        token_fields={},
        tokens=tokens_for_user(user=request.user),
    )


def token_page(
    request: HttpRequest,
    template: str,
    *,
    form_class: type[TokenCreateForm],
    token_fields: dict[str, Any],
    **context: Any,
) -> HttpResponse:
    """A page of API tokens with the form that creates one owned by the signed-in person, with
    `token_fields` (scope, agency) besides the form's; a new token's secret shows once, here."""
    form = form_class(request.POST or None)
    new_secret = None
    saved = form_save(
        request, form, lambda data: token_create(user=request.user, **token_fields, **data)
    )
    if saved is not None:
        _token, new_secret = saved.value
        form = form_class()
    return render(
        request,
        template,
        {**context, "form": form, "new_secret": new_secret, "nav_section": "staff"},
        status=400 if request.method == "POST" and form.errors else 200,
    )


@login_required
@require_POST
def token_revoke_view(request: HttpRequest, token_id: int) -> HttpResponse:
    token = access_token(user=request.user, token_id=token_id)
    token_revoke(token=token, actor=request.user)
    messages.success(request, _("Token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("core:token_list")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A plain-language page for an expired or foreign form instead of Django's debug text."""
    return render(request, "403_csrf.html", status=403)


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return str(reverse_lazy("core:staff_home"))


def _qr_svg(data: str) -> str:
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage)
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    svg = svg[svg.index("<svg") :]
    return svg.replace("<svg", '<svg role="img" aria-label="QR code" class="cx-qr"', 1)


@never_cache
@login_required
@second_factor_required
def mfa_setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app: scan the code or type the key, then prove it with a code."""
    device = None
    device_id = request.session.get("cx_mfa_device")
    if device_id:
        device = mfa_device_pending(user=request.user, device_id=device_id)
    if device is None:
        device = mfa_device_start(user=request.user)
        request.session["cx_mfa_device"] = device.pk
    form = MfaCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = mfa_device_confirm(
            user=request.user, device=device, token=form.cleaned_data["code"]
        )
        if codes is not None:
            otp_login(request, device)
            request.session.pop("cx_mfa_device", None)
            return render(
                request,
                "registration/mfa_backup_codes.html",
                {"codes": codes, "next": _next_url(request), "nav_section": "staff"},
            )
        form.add_error(
            "code",
            _("That code did not match. Check the time on your phone and try the newest code."),
        )
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return render(
        request,
        "registration/mfa_setup.html",
        {
            "form": form,
            "qr": _qr_svg(device.config_url),
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "next": _next_url(request),
            "nav_section": "staff",
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def mfa_verify(request: HttpRequest) -> HttpResponse:
    """Ask for the second factor of a person who has enrolled one."""
    if not user_has_device(request.user):
        return redirect(f"{reverse_lazy('core:mfa_setup')}?next={_next_url(request)}")
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = second_factor_verify(user=request.user, code=form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            return redirect(_next_url(request))
        form.add_error(
            "code",
            _(
                "That code did not match. Try the newest code from your app, or a recovery "
                "code you have not used; after a wrong code, wait a few seconds."
            ),
        )
    return render(
        request,
        "registration/mfa_verify.html",
        {"form": form, "next": _next_url(request), "nav_section": "staff"},
        status=400 if request.method == "POST" else 200,
    )


@never_cache
@login_required
@second_factor_required
def mfa_recovery_codes(request: HttpRequest) -> HttpResponse:
    """How many recovery codes are left, and a button that replaces them all with new ones."""
    if not user_has_device(request.user, confirmed=True):
        return redirect(f"{reverse_lazy('core:mfa_setup')}?{urlencode({'next': request.path})}")
    if request.method == "POST":
        try:
            codes = recovery_codes_replace(user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("core:mfa_setup")
        return render(
            request,
            "registration/mfa_backup_codes.html",
            {
                "codes": codes,
                "next": reverse_lazy("core:staff_home"),
                "replaced": True,
                "nav_section": "staff",
            },
        )
    return render(
        request,
        "registration/mfa_recovery_codes.html",
        {"left": recovery_codes_left(user=request.user), "nav_section": "staff"},
    )


@login_required
@require_POST
def member_mfa_reset(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    """An agency administrator clears a member's lost second factor so they enrol again."""
    membership = access_membership(user=request.user, agency_slug=slug, membership_id=membership_id)
    agency = membership.agency
    mfa_reset(user=membership.user, actor=request.user)
    messages.success(
        request,
        _("Two-step sign-in is reset for %(email)s. They set it up again at their next sign-in.")
        % {"email": membership.user.email},
    )
    return redirect("core:member_edit", slug=agency.slug, membership_id=membership.pk)


@login_required
@require_POST
def session_keepalive(request: HttpRequest) -> HttpResponse:
    """Renew an idle session when the person asks to stay signed in (the request itself does)."""
    return HttpResponse(status=204)
