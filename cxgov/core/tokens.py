"""How API token secrets, recovery codes and member invitation links are shaped and checked."""

import hashlib
import secrets

from django.conf import settings
from django.core import signing
from django.utils.crypto import salted_hmac

TOKEN_PREFIX = "cxg"  # noqa: S105 - a public marker, not a secret


def token_hash(raw: str) -> str:
    """The stored form of a token secret: its SHA-256 hex digest."""
    return hashlib.sha256(raw.encode()).hexdigest()


# No 0/o, 1/l/i: people copy recovery codes by hand.
RECOVERY_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RECOVERY_CODE_LENGTH = 12
_RECOVERY_SALT = "cxgov.core.recovery_code"


def recovery_code_new() -> str:
    """A fresh recovery code as people see it, in groups of four: `abcd-efgh-jkmn`."""
    raw = "".join(secrets.choice(RECOVERY_CODE_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, RECOVERY_CODE_LENGTH, 4))


def recovery_code_normalise(code: str) -> str:
    """A typed code without case, spaces or hyphens, as it is hashed."""
    return "".join(code.split()).replace("-", "").lower()


def recovery_code_hashes(code: str) -> list[str]:
    """The stored forms a typed code may have: HMAC-SHA256 under SECRET_KEY, then each fallback.

    Keyed, so a copy of the database alone cannot test guesses; the fallbacks keep codes working
    while SECRET_KEY is rotated.
    """
    value = recovery_code_normalise(code)
    keys = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    return [
        salted_hmac(_RECOVERY_SALT, value, secret=key, algorithm="sha256").hexdigest()
        for key in keys
    ]


_INVITATION_SALT = "cxgov.core.member_invitation"


def member_invitation_token(*, invitation_id: int, nonce: str) -> str:
    """The secret part of a member invitation's link: the id and nonce, signed under SECRET_KEY.

    Nothing secret is stored: the link is made again from the invitation when it is emailed.
    """
    return signing.dumps({"i": invitation_id, "n": nonce}, salt=_INVITATION_SALT)


def member_invitation_read(token: str) -> tuple[int, str] | None:
    """The invitation id and nonce a link carries, or None for a link that was not signed here."""
    if not token or len(token) > 200:
        return None
    try:
        value = signing.loads(token, salt=_INVITATION_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(value, dict):
        return None
    invitation_id, nonce = value.get("i"), value.get("n")
    if not isinstance(invitation_id, int) or not isinstance(nonce, str):
        return None
    return invitation_id, nonce
