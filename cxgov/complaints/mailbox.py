"""The complaints mailbox over IMAP: each unread mail is filed by
`services.inbound_mail_receive`, then marked read.

A mail that could not be filed for an unexpected reason (the database away) stays unread and
is tried on the next run; mail matching no complaint stays unread while no agency takes it.
"""

from __future__ import annotations

import contextlib
import imaplib
import logging
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from cxgov.core.models import Agency

from .inbound import mail_parse
from .services import InboundOutcome, inbound_mail_receive

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 30


@dataclass
class FetchResult:
    """How many mails of one run ended each way."""

    counts: Counter[str] = field(default_factory=Counter)
    failed: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            **{outcome.value: self.counts[outcome.value] for outcome in InboundOutcome},
            "failed": self.failed,
        }


def _raw_of(fetched: list) -> bytes | None:  # type: ignore[type-arg]
    for item in fetched:
        if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], bytes):
            return item[1]
    return None


def mailbox_fetch(
    *,
    host: str,
    port: int,
    user: str,
    password: str,
    use_ssl: bool,
    folder: str = "INBOX",
    agency: Agency | None = None,
    limit: int = 200,
) -> FetchResult:
    """Read up to `limit` unread mails of `folder` and file each.

    Raises imaplib.IMAP4.error or OSError when the server cannot be reached or refuses the
    login; the caller reports it.
    """
    result = FetchResult()
    client: imaplib.IMAP4 = (
        imaplib.IMAP4_SSL(host, port, timeout=TIMEOUT_SECONDS)
        if use_ssl
        else imaplib.IMAP4(host, port, timeout=TIMEOUT_SECONDS)
    )
    try:
        client.login(user, password)
        status, _data = client.select(folder)
        if status != "OK":
            raise imaplib.IMAP4.error(f"no folder {folder!r}")
        status, found = client.uid("SEARCH", "UNSEEN")
        uids = found[0].split()[:limit] if status == "OK" and found and found[0] else []
        for uid in uids:
            status, fetched = client.uid("FETCH", uid, "(BODY.PEEK[])")
            raw = _raw_of(fetched) if status == "OK" else None
            if raw is None:
                result.failed += 1
                continue
            try:
                outcome = inbound_mail_receive(mail=mail_parse(raw), agency=agency)
            except Exception:
                logger.exception("mail %s of the complaints mailbox was not filed", uid)
                result.failed += 1
                continue
            result.counts[outcome.value] += 1
            if outcome != InboundOutcome.UNMATCHED:
                client.uid("STORE", uid, "+FLAGS", "(\\Seen)")
        client.close()
    finally:
        with contextlib.suppress(imaplib.IMAP4.error, OSError):
            client.logout()
    return result


def mailbox_fetch_configured(*, agency_slug: str | None = None) -> FetchResult:
    """`mailbox_fetch` with the COMPLAINTS_IMAP_* settings and COMPLAINTS_MAIL_AGENCY."""
    if not settings.COMPLAINTS_IMAP_HOST:
        raise ImproperlyConfigured("Set COMPLAINTS_IMAP_HOST to read the complaints mailbox.")
    slug = settings.COMPLAINTS_MAIL_AGENCY if agency_slug is None else agency_slug
    agency = None
    if slug:
        agency = Agency.objects.filter(slug=slug).first()
        if agency is None:
            raise ImproperlyConfigured(f"No agency {slug!r} (COMPLAINTS_MAIL_AGENCY).")
    return mailbox_fetch(
        host=settings.COMPLAINTS_IMAP_HOST,
        port=settings.COMPLAINTS_IMAP_PORT,
        user=settings.COMPLAINTS_IMAP_USER,
        password=settings.COMPLAINTS_IMAP_PASSWORD,
        use_ssl=settings.COMPLAINTS_IMAP_SSL,
        folder=settings.COMPLAINTS_IMAP_FOLDER,
        agency=agency,
    )
