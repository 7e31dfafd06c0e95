"""Start Django for a bench script, on the database it is given or on a scratch SQLite file."""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path


def django_start(parser: argparse.ArgumentParser, **environment: str) -> argparse.Namespace:
    """Parse the script's arguments, plus `--database-url`, then set Django up.

    Without `--database-url` the script gets a new SQLite file in a scratch directory. DEBUG is
    on because the demo loads only then, and statements have no time limit; `environment` sets
    further variables first.
    """
    parser.add_argument(
        "--database-url", default="", help="a scratch database (default: a new SQLite file)"
    )
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="cxgov-bench-"))
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{scratch / 'bench.sqlite3'}"
    os.environ["DEBUG"] = "true"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # Setting up millions of rows takes statements longer than a request's limit.
    os.environ.setdefault("DATABASE_STATEMENT_TIMEOUT_SECONDS", "0")
    os.environ.update(environment)

    import django

    django.setup()
    return args


def database_prepare() -> None:
    """Migrate the scratch database and create the cache table, as `make demo` does."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
