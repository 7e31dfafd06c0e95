"""How API token secrets and recovery codes are shaped and hashed."""

import hashlib
import secrets

from django.conf import settings
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
