"""How API token secrets are shaped and hashed."""

import hashlib

TOKEN_PREFIX = "cxg"  # noqa: S105 - a public marker, not a secret


def token_hash(raw: str) -> str:
    """The stored form of a token secret: its SHA-256 hex digest."""
    return hashlib.sha256(raw.encode()).hexdigest()
