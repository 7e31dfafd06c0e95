"""Fixed-window rate limits on public writes, counted in the shared cache.

A limited request gets 429 Too Many Requests with a Retry-After header saying how many seconds
to wait. Addresses are kept only as a keyed hash, for one window.
"""

from __future__ import annotations

import hmac
import math
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

WINDOW_SECONDS = 60


class RateLimited(Exception):  # noqa: N818 - reads as what happened, like Http404
    """Too many attempts in this window; `retry_after` seconds until the next one counts."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"rate limited for {retry_after} s")
        self.retry_after = retry_after


def client_address(request: HttpRequest) -> str:
    """The caller's address: the proxy's last X-Forwarded-For entry when behind our proxy."""
    if settings.BEHIND_TLS_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return str(request.META.get("REMOTE_ADDR", ""))


def rate_check(*, scope: str, key: str, limit: int, window: int = WINDOW_SECONDS) -> None:
    """Count one attempt for (scope, key); raise RateLimited once `limit` is passed."""
    if limit <= 0:
        return
    now = time.time()
    window_index = int(now // window)
    digest = hmac.new(settings.SECRET_KEY.encode(), key.encode(), "sha256").hexdigest()[:32]
    cache_key = f"rl:{scope}:{digest}:{window_index}"
    cache.add(cache_key, 0, timeout=window + 5)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=window + 5)
        count = 1
    if count > limit:
        raise RateLimited(max(1, math.ceil((window_index + 1) * window - now)))


def too_many_requests(request: HttpRequest, retry_after: int) -> HttpResponse:
    """The plain-language 429 page with its Retry-After header."""
    response = render(request, "429.html", {"retry_after": retry_after}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def rate_limited(
    scope: str, *, setting: str, methods: tuple[str, ...] = ("POST",)
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Limit a view's `methods` per client address to settings.<setting> a minute."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method in methods:
                try:
                    rate_check(
                        scope=scope,
                        key=client_address(request),
                        limit=getattr(settings, setting),
                    )
                except RateLimited as limited:
                    return too_many_requests(request, limited.retry_after)
            return view(request, *args, **kwargs)

        return wrapped

    return decorate
