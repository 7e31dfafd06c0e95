"""`cxgov permissions_doc` (or `manage.py permissions_doc`): write docs/permissions.md."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from cxgov.core.permissions import permissions_markdown

DOC = Path(settings.BASE_DIR) / "docs" / "permissions.md"


class Command(BaseCommand):
    help = "Write docs/permissions.md from cxgov/core/permissions.py (roles × capabilities)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--path", type=Path, default=DOC, help="Where to write the file.")

    def handle(self, *args: object, **options: object) -> None:
        path = options["path"]
        assert isinstance(path, Path)  # noqa: S101 - argparse gives a Path
        path.write_text(permissions_markdown(), encoding="utf-8")
        self.stdout.write(f"wrote {path}")
