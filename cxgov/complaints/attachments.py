"""Attachment checks: the type is judged from the file's first bytes, never its name."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
MAX_ATTACHMENTS = 3
# (magic bytes, content type, extension)
SIGNATURES = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"GIF87a", "image/gif", "gif"),
    (b"GIF89a", "image/gif", "gif"),
)


def sniff_content_type(head: bytes) -> tuple[str, str] | None:
    """(content type, extension) from the first bytes, or None when not an allowed type."""
    for magic, content_type, extension in SIGNATURES:
        if head.startswith(magic):
            return content_type, extension
    if head and b"\x00" not in head:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError:
            # A multi-byte character may be cut at the end of the sample.
            try:
                head[:-3].decode("utf-8")
            except UnicodeDecodeError:
                return None
        return "text/plain", "txt"
    return None


@dataclass(frozen=True)
class AttachmentCheck:
    """An upload that passed the checks, read into memory, ready to store."""

    name: str
    content: bytes
    content_type: str
    extension: str

    @classmethod
    def of(cls, upload: UploadedFile) -> AttachmentCheck:
        name = (upload.name or "file").rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:200]
        if upload.size is not None and upload.size > MAX_ATTACHMENT_BYTES:
            raise ValidationError(
                {"attachments": _("%(name)s is larger than 5 MB.") % {"name": name}}
            )
        return cls.of_bytes(name=name, content=upload.read(MAX_ATTACHMENT_BYTES + 1))

    @classmethod
    def of_bytes(cls, *, name: str, content: bytes) -> AttachmentCheck:
        """The same checks for a file that did not come as an upload (an email attachment)."""
        name = name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:200] or "file"
        if len(content) > MAX_ATTACHMENT_BYTES:
            raise ValidationError(
                {"attachments": _("%(name)s is larger than 5 MB.") % {"name": name}}
            )
        if not content:
            raise ValidationError({"attachments": _("%(name)s is empty.") % {"name": name}})
        sniffed = sniff_content_type(content[:2048])
        if sniffed is None:
            raise ValidationError(
                {
                    "attachments": _(
                        "%(name)s is not a PDF, image (PNG, JPEG, GIF) or plain text file."
                    )
                    % {"name": name}
                }
            )
        return cls(name=name, content=content, content_type=sniffed[0], extension=sniffed[1])

    def stored(self, complaint, message=None):  # type: ignore[no-untyped-def]
        """Save the file under a random name in private storage (the original name is only a
        label) and return its attachment row unsaved: the complaint service saves it.

        With `message`, the file belongs to that message of the conversation."""
        from .models import Attachment

        attachment = Attachment(
            agency_id=complaint.agency_id,
            complaint=complaint,
            message=message,
            original_name=self.name,
            content_type=self.content_type,
            size=len(self.content),
        )
        attachment.file.save(
            f"complaints/{complaint.pk}/{secrets.token_hex(16)}.{self.extension}",
            ContentFile(self.content),
            save=False,
        )
        return attachment
