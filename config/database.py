"""The database settings built from DATABASE_URL, with timeouts so a hung server fails fast."""

from __future__ import annotations

from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured


def database_settings(
    url: str, *, connect_timeout: int, statement_timeout: int, conn_max_age: int = 60
) -> dict[str, Any]:
    """One `DATABASES` entry for `url`.

    PostgreSQL gives up connecting after `connect_timeout` seconds and cancels any statement
    running longer than `statement_timeout` seconds (0 means no limit); SQLite waits at most
    `connect_timeout` seconds for a lock. Either way the error reaches the 503 page instead of
    holding a worker until the proxy gives up.
    """
    try:
        database: dict[str, Any] = dj_database_url.parse(url, conn_max_age=conn_max_age)
    except ValueError as error:
        raise ImproperlyConfigured(f"DATABASE_URL is not a database URL: {error}") from None
    options: dict[str, Any] = database.setdefault("OPTIONS", {})
    if database["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets the demo server and a task worker share the file.
        options.update(
            init_command="PRAGMA journal_mode=WAL;",
            transaction_mode="IMMEDIATE",
            timeout=connect_timeout,
        )
        database["CONN_MAX_AGE"] = 0
    elif database["ENGINE"] == "django.db.backends.postgresql":
        options.setdefault("connect_timeout", connect_timeout)
        if statement_timeout:
            flag = f"-c statement_timeout={statement_timeout * 1000}"
            options["options"] = f"{options.get('options', '')} {flag}".strip()
    return database
