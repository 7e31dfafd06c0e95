"""Where a webhook may be sent, and the one HTTP POST that sends it.

A target must be https (plain http only with DEBUG, or to a loopback host where allowed) and
must not reach the private network: every address its host resolves to must be public, checked
when the subscription is saved and again at each attempt, and the connection goes to the
address that was checked, so a name that changes its answer in between (DNS rebinding) cannot
point a delivery at an internal service. Redirects are not followed; only a 2xx answer counts.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
USER_AGENT = "cxgov-webhooks/1"
EXCERPT_LENGTH = 500


class TargetError(ValueError):
    """A target URL that deliveries may not go to; the message says why, for the form."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str


def _loopback_allowed() -> bool:
    return bool(getattr(settings, "WEBHOOK_ALLOW_LOOPBACK", False))


def host_addresses(host: str, port: int) -> list[str]:
    """Every address the host resolves to (tests replace this to stay off the network)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return sorted({str(info[4][0]) for info in infos})


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def target_parse(url: str) -> Target:
    """The parts of a target URL, or TargetError saying what is wrong with it (no lookups)."""
    if len(url) > 500:
        raise TargetError(_("Use a URL of at most 500 characters."))
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise TargetError(_("Enter a valid URL.")) from None
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if scheme not in ("http", "https") or not host:
        raise TargetError(_("Enter a URL that starts with https://."))
    if parts.username is not None or parts.password is not None:
        raise TargetError(_("Leave the user name and password out of the URL."))
    loopback = host in LOOPBACK_NAMES
    if loopback and not _loopback_allowed():
        raise TargetError(_("Deliveries cannot go to a local address."))
    if scheme != "https" and not (settings.DEBUG or loopback):
        raise TargetError(_("Use https, so deliveries are encrypted on the way."))
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Target(
        scheme=scheme, host=host, port=port or (443 if scheme == "https" else 80), path=path
    )


def target_address(target: Target) -> str:
    """The address to connect to: the host's first, once every address it has is public."""
    if target.host in LOOPBACK_NAMES and _loopback_allowed():
        return "::1" if target.host == "::1" else "127.0.0.1"
    try:
        addresses = host_addresses(target.host, target.port)
    except (OSError, UnicodeError):
        raise TargetError(_("We could not find this host.")) from None
    if not addresses:
        raise TargetError(_("We could not find this host."))
    if not all(_public(address) for address in addresses):
        raise TargetError(
            _("This host is on a private or local network; deliveries go to public hosts only.")
        )
    return addresses[0]


def target_check(url: str) -> Target:
    """A target URL that deliveries may go to now, or TargetError (for the subscription form)."""
    target = target_parse(url)
    target_address(target)
    return target


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the address that was checked, whatever the host name resolves to now."""

    def __init__(self, host: str, port: int, *, timeout: float, address: str) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """The same over TLS: the certificate is checked against the host name, not the address."""

    def __init__(
        self, host: str, port: int, *, timeout: float, address: str, tls: ssl.SSLContext
    ) -> None:
        super().__init__(host, port, timeout=timeout, context=tls)
        self._address = address
        self._tls = tls

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._tls.wrap_socket(sock, server_hostname=self.host)


@dataclass(frozen=True)
class PostResult:
    """What one POST gave, named as the `Attempt` that records it names its columns."""

    succeeded: bool
    response_status: int | None
    response_excerpt: str
    error: str
    duration_ms: int


def post(*, url: str, body: bytes, headers: dict[str, str]) -> PostResult:
    """POST the body once; never raises for what the network or the receiver did."""
    started = time.monotonic()

    def done(*, status: int | None = None, excerpt: str = "", error: str = "") -> PostResult:
        return PostResult(
            succeeded=status is not None and 200 <= status < 300,
            response_status=status,
            response_excerpt=excerpt[:EXCERPT_LENGTH],
            error=error[:500],
            duration_ms=int((time.monotonic() - started) * 1000),
        )

    try:
        target = target_parse(url)
        address = target_address(target)
    except TargetError as refused:
        return done(error=str(refused))
    timeout = settings.WEBHOOK_TIMEOUT_SECONDS
    connection: http.client.HTTPConnection
    if target.scheme == "https":
        connection = _PinnedHTTPSConnection(
            target.host,
            target.port,
            timeout=timeout,
            address=address,
            tls=ssl.create_default_context(),
        )
    else:
        connection = _PinnedHTTPConnection(
            target.host, target.port, timeout=timeout, address=address
        )
    try:
        connection.request(
            "POST",
            target.path,
            body=body,
            headers={"Content-Type": "application/json", "User-Agent": USER_AGENT, **headers},
        )
        response = connection.getresponse()
        excerpt = response.read(EXCERPT_LENGTH).decode("utf-8", "replace")
        error = "" if 200 <= response.status < 300 else f"HTTP {response.status}"
        return done(status=response.status, excerpt=excerpt, error=error)
    except (OSError, http.client.HTTPException) as failure:
        return done(error=f"{type(failure).__name__}: {failure}")
    finally:
        connection.close()
