"""Private file storage for complaint attachments: under MEDIA_ROOT/private, never served."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage


def private_storage() -> FileSystemStorage:
    """Storage with no public URL; staff download files through a checked view only."""
    return FileSystemStorage(location=Path(settings.MEDIA_ROOT) / "private", base_url=None)
