"""Fixed-window rate limits, counted atomically where every web process sees the same count.

One limiter serves every limit: public writes per address, API calls per user, failed
sign-ins per address, survey responses per address an hour. A limited request gets 429 Too
Many Requests with a Retry-After header saying how many seconds to wait.

Callers are told apart by `client_address`, which believes `X-Forwarded-For` only as far as
`TRUSTED_PROXIES` vouch for it. Counters hold a keyed hash of the caller, never the caller, and
live one window: in Redis or Memcached when the cache is one of those (their increments are
atomic), else in the database (`RateCounter`, one upsert that adds one and returns the count),
since Django's database cache reads and writes a count in two steps and admits a burst past it.
"""

from __future__ import annotations

import functools
import hmac
import ipaddress
import math
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cxgov.core.models import RateCounter

WINDOW_SECONDS = 60

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Caches whose `incr` is one atomic step on a server every process shares.
_ATOMIC_CACHES = (
    "django.core.cache.backends.redis.RedisCache",
    "django.core.cache.backends.memcached.PyMemcacheCache",
    "django.core.cache.backends.memcached.PyLibMCCache",
)
# SQLite takes one writer at a time; threads of one process wait here instead of failing.
_sqlite_lock = threading.Lock()
_last_sweep = [0.0]


class RateLimited(Exception):  # noqa: N818 - reads as what happened, like Http404
    """Too many attempts in this window; `retry_after` seconds until the next one counts."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"rate limited for {retry_after} s")
        self.retry_after = retry_after


# --- who is asking ---------------------------------------------------------------------------


@functools.lru_cache(maxsize=8)
def _trusted(entries: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    # The settings checked each entry at start-up (config.env.env_networks).
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _parse(value: str) -> IPAddress | None:
    """An address as a proxy writes it: bare, `[v6]`, or with a `:port` after an IPv4 address."""
    text = value.strip().strip('"')
    if text.startswith("["):
        text = text[1:].split("]", 1)[0]
    elif text.count(":") == 1:
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def client_address(request: HttpRequest) -> str:
    """The address of whoever sent the request, as every limiter and the audit keys it.

    Without `TRUSTED_PROXIES` it is the connection's address (`REMOTE_ADDR`), and
    `X-Forwarded-For` is ignored: anyone can write that header. When the connection comes from
    a trusted proxy, the header is read from the right, past every trusted proxy, and the first
    address no trusted proxy owns is the client's: entries further left were written by the
    client itself and prove nothing.
    """
    remote = str(request.META.get("REMOTE_ADDR", ""))
    networks = _trusted(tuple(settings.TRUSTED_PROXIES))
    if not networks:
        return remote

    def trusted(address: IPAddress | None) -> bool:
        return address is not None and any(address in network for network in networks)

    nearest = _parse(remote)
    if not trusted(nearest):
        return str(nearest) if nearest is not None else remote
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
    for entry in reversed([part for part in forwarded.split(",") if part.strip()]):
        address = _parse(entry)
        if address is None:
            # A trusted proxy wrote something that is not an address: stop at the last one
            # that is known rather than believe whatever comes further left.
            break
        nearest = address
        if not trusted(address):
            break
    return str(nearest)


# --- counting --------------------------------------------------------------------------------


def _counter_key(scope: str, key: str, window: int, window_index: int) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), f"{scope}\0{key}".encode(), "sha256")
    return f"rl:{scope[:40]}:{window}:{digest.hexdigest()[:32]}:{window_index}"


def _uses_atomic_cache() -> bool:
    return str(settings.CACHES["default"]["BACKEND"]) in _ATOMIC_CACHES


def _cache_add(counter: str, delta: int, window: int) -> int:
    if delta > 0:
        cache.add(counter, 0, timeout=window + 5)
    try:
        return int(cache.incr(counter, delta))
    except ValueError:  # expired between add and incr, or nothing to take back
        if delta < 0:
            return 0
        cache.set(counter, delta, timeout=window + 5)
        return delta


def _database_add(counter: str, delta: int, expires: datetime) -> int:
    table = connection.ops.quote_name(RateCounter._meta.db_table)
    key, count, until = (connection.ops.quote_name(name) for name in ("key", "count", "expires"))
    if delta > 0:
        # One statement: the row is created at 1 or raised by one under its lock, and the new
        # count comes back, so concurrent requests each see a different count. The names are
        # the model's, quoted; every value is a parameter.
        sql = (
            f"INSERT INTO {table} ({key}, {count}, {until}) VALUES (%s, %s, %s) "  # noqa: S608  # nosec B608
            f"ON CONFLICT ({key}) DO UPDATE SET {count} = {table}.{count} + %s RETURNING {count}"
        )
        params: list[Any] = [
            counter,
            delta,
            connection.ops.adapt_datetimefield_value(expires),
            delta,
        ]
    else:
        sql = (
            f"UPDATE {table} SET {count} = {count} + %s "  # noqa: S608  # nosec B608
            f"WHERE {key} = %s AND {count} >= %s RETURNING {count}"
        )
        params = [delta, counter, -delta]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def _sweep(now: float) -> None:
    """Delete counters of past windows, at most once a minute per process."""
    if now - _last_sweep[0] < WINDOW_SECONDS:
        return
    _last_sweep[0] = now
    RateCounter.objects.filter(expires__lt=datetime.fromtimestamp(now, tz=UTC)).delete()


def _add(*, scope: str, key: str, window: int, delta: int) -> tuple[int, int]:
    """Add `delta` to the caller's count this window: (the new count, seconds left in it)."""
    now = time.time()
    window_index = int(now // window)
    retry_after = max(1, math.ceil((window_index + 1) * window - now))
    counter = _counter_key(scope, key, window, window_index)
    if _uses_atomic_cache():
        return _cache_add(counter, delta, window), retry_after
    expires = datetime.fromtimestamp((window_index + 1) * window, tz=UTC) + timedelta(seconds=5)
    if connection.vendor == "sqlite":
        with _sqlite_lock:
            count = _database_add(counter, delta, expires)
    else:
        count = _database_add(counter, delta, expires)
    if count == 1:
        _sweep(now)
    return count, retry_after


def rate_check(*, scope: str, key: str, limit: int, window: int = WINDOW_SECONDS) -> None:
    """Count one attempt for (scope, key); raise RateLimited once `limit` is passed.

    Of any number of concurrent attempts, exactly `limit` in a window get through.
    """
    if limit <= 0:
        return
    count, retry_after = _add(scope=scope, key=key, window=window, delta=1)
    if count > limit:
        raise RateLimited(retry_after)


def address_rate_check(
    request: HttpRequest, *, scope: str, limit: int, window: int = WINDOW_SECONDS
) -> None:
    """`rate_check` of one attempt counted against the client's address (`client_address`)."""
    rate_check(scope=scope, key=client_address(request), limit=limit, window=window)


def rate_refund(*, scope: str, key: str, window: int = WINDOW_SECONDS) -> None:
    """Take back one attempt counted this window (one that turned out not to count)."""
    _add(scope=scope, key=key, window=window, delta=-1)


# --- pages -----------------------------------------------------------------------------------


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
                    address_rate_check(request, scope=scope, limit=getattr(settings, setting))
                except RateLimited as limited:
                    return too_many_requests(request, limited.retry_after)
            return view(request, *args, **kwargs)

        return wrapped

    return decorate
