"""Optional staff sign-in through the agency's OpenID Connect provider.

Only people who already have a cxgov account (matched by verified email) can sign in this way:
the provider proves who they are, memberships still decide what they may see.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from cxgov.core.models import User

SESSION_FLAG = "cx_oidc_second_factor"


class StaffOIDCBackend(OIDCAuthenticationBackend):
    """Matches the provider's verified email to an existing, active account; creates none."""

    def filter_users_by_claims(self, claims: dict[str, Any]) -> Any:
        email = str(claims.get("email", "")).strip()
        if not email or claims.get("email_verified") is False:
            return self.UserModel.objects.none()
        return self.UserModel.objects.filter(email__iexact=email, is_active=True)

    def create_user(self, claims: dict[str, Any]) -> User | None:
        return None


class _EnabledOnly:
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not settings.OIDC_ENABLED:
            raise Http404
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


class OidcStartView(_EnabledOnly, OIDCAuthenticationRequestView):
    """Send the person to the provider's sign-in page."""


class OidcCallbackView(_EnabledOnly, OIDCAuthenticationCallbackView):
    """Finish sign-in when the provider sends the person back."""

    def login_success(self) -> HttpResponse:
        if settings.OIDC_COUNTS_AS_SECOND_FACTOR:
            self.request.session[SESSION_FLAG] = True
        return super().login_success()

    def login_failure(self) -> HttpResponse:
        messages.error(
            self.request,
            _(
                "We could not sign you in with your agency account. It may not be linked to a "
                "cxgov account yet: ask your agency administrator, or sign in with your password."
            ),
        )
        return super().login_failure()
