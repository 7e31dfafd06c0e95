"""API authentication: a personal bearer token, or the browser session for signed-in staff."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from cxgov.core.models import User
from cxgov.core.ratelimit import rate_check
from cxgov.core.selectors import token_authenticate
from cxgov.core.services import token_touch


class TokenAuth(HttpBearer):
    """Authorization: Bearer cxg_… ; only the token's hash is compared."""

    openapi_description = "A personal API token created on the staff “API tokens” page."

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        api_token = token_authenticate(raw=token)
        if api_token is None:
            return None
        token_touch(token=api_token)
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            # Raises RateLimited, which the API answers with 429 and Retry-After.
            rate_check(
                scope="api_writes",
                key=api_token.prefix,
                limit=settings.API_WRITES_PER_MINUTE,
            )
        request.user = api_token.user
        return api_token.user


class VerifiedSessionAuth(SessionAuth):
    """The browser session of a signed-in person who has passed the second step when required."""

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user = super().authenticate(request, key)
        if user is None:
            return None
        if settings.STAFF_MFA_REQUIRED and not user.is_verified():
            return None
        return user


staff_auth = [TokenAuth(), VerifiedSessionAuth()]
