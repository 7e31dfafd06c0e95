"""Comparing a refusal with the answer for a missing object, as the URL sweep does."""

from __future__ import annotations

import re
from typing import Any

_CSRF = re.compile(rb'(value|content)="[A-Za-z0-9]{32,64}"')


def _normalised(reply: Any) -> bytes:
    """The body without its own address (the language switcher echoes it) and CSRF masks."""
    content = reply.content
    for path in (reply.wsgi_request.get_full_path(), reply.wsgi_request.path):
        content = content.replace(path.encode(), b"PATH")
    return _CSRF.sub(b"", content)


def answers_like_missing(got: Any, missing: Any) -> bool:
    """Whether `got` is a 404 with the bytes of `missing` (a 404 for an object that does not
    exist), each body's own address and CSRF masks aside."""
    return got.status_code == missing.status_code == 404 and _normalised(got) == _normalised(
        missing
    )
