"""Signed links to a complaint's status page, sent in every email to the customer.

The link carries the tracking number and a digest of the email address, signed with the
site's secret key and dated: it opens the status page like the tracking number and email
would, until COMPLAINT_LINK_MAX_AGE_DAYS pass or the complaint's email address changes.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "cxgov.complaints.status-link"


def _email_digest(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:24]


def status_link_token(*, tracking_number: str, email: str) -> str:
    return signing.dumps({"t": tracking_number, "e": _email_digest(email)}, salt=SALT)


def status_link_read(token: str) -> tuple[str, str] | None:
    """(tracking number, email digest) of a good, unexpired token; None otherwise."""
    try:
        data = signing.loads(
            token[:500],
            salt=SALT,
            max_age=timedelta(days=settings.COMPLAINT_LINK_MAX_AGE_DAYS),
        )
    except signing.BadSignature:  # SignatureExpired is one too
        return None
    if not isinstance(data, dict):
        return None
    number, digest = data.get("t"), data.get("e")
    if not isinstance(number, str) or not isinstance(digest, str):
        return None
    return number, digest


def email_matches(*, digest: str, email: str) -> bool:
    return bool(email) and hmac.compare_digest(digest, _email_digest(email))


def status_link_url(*, tracking_number: str, email: str, site_url: str = "") -> str:
    """The absolute signed link, in the language active now; `site_url` else SITE_URL."""
    token = status_link_token(tracking_number=tracking_number, email=email)
    path = reverse("public:complaint_link", kwargs={"token": token})
    return f"{(site_url or settings.SITE_URL).rstrip('/')}{path}"
