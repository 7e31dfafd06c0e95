"""Reading one inbound email: who sent it, what it says, its files, which complaint it names,
and whether a machine sent it (a bounce or an auto-reply, which must not reopen a case).

No database here: `services.inbound_mail_receive` decides what the mail does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage, Message
from email.utils import getaddresses, parseaddr

from django.utils.html import strip_tags

MAX_BODY = 10000
# A tracking number as typed anywhere: C-XXXX-XXXX-XXXX, hyphens optional.
TRACKING_PATTERN = re.compile(r"(?<![0-9A-Z])C-?[0-9A-Z]{4}-?[0-9A-Z]{4}-?[0-9A-Z]{4}(?![0-9A-Z])")
# Where a quoted earlier message starts in a reply.
_QUOTE_START = re.compile(
    r"^(On .{0,200} wrote:|El .{0,200} escribió:|-{2,} ?Original Message ?-{2,}|"
    r"-{2,} ?Mensaje original ?-{2,}|_{10,})\s*$",
    re.IGNORECASE,
)
_MACHINE_SENDERS = ("mailer-daemon", "postmaster", "no-reply", "noreply")
_MACHINE_PRECEDENCE = {"bulk", "auto_reply", "junk", "list"}
_ACTION_FAILED = re.compile(r"^Action:\s*failed\b", re.IGNORECASE | re.MULTILINE)
_QUOTED_MESSAGE_ID = re.compile(r"^Message-ID:\s*(<[^<>\s]{1,400}>)", re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True)
class InboundFile:
    name: str
    content: bytes


@dataclass(frozen=True)
class InboundMail:
    """What the complaint services need of one email."""

    sender: str
    sender_name: str
    subject: str
    body: str
    recipients: tuple[str, ...]
    message_id: str
    language: str
    automatic: bool
    files: tuple[InboundFile, ...] = ()
    # A delivery failure report: the Message-IDs of the mail that could not be delivered.
    bounced_message_ids: tuple[str, ...] = ()

    def tracking_numbers(self) -> list[str]:
        """Tracking numbers the mail names: plus-addresses first, then the subject."""
        found: list[str] = []
        for address in self.recipients:
            local = address.split("@", 1)[0]
            if "+" in local:
                found += TRACKING_PATTERN.findall(local.split("+", 1)[1].upper())
        found += TRACKING_PATTERN.findall(self.subject.upper())
        return list(dict.fromkeys(found))


def is_automatic(message: Message) -> bool:
    """A bounce, an out-of-office or list mail (RFC 3834 and the headers mailers use)."""
    auto_submitted = str(message.get("Auto-Submitted", "")).strip().lower()
    if auto_submitted and auto_submitted != "no":
        return True
    if message.get("X-Autoreply") or message.get("X-Autorespond"):
        return True
    if str(message.get("Precedence", "")).strip().lower() in _MACHINE_PRECEDENCE:
        return True
    if message.get_content_type() == "multipart/report":
        return True
    if str(message.get("Return-Path", "")).strip() == "<>":
        return True
    address = parseaddr(str(message.get("From", "")))[1].lower()
    local = address.split("@", 1)[0]
    return not address or any(local.startswith(name) for name in _MACHINE_SENDERS)


def _bounced_message_ids(message: EmailMessage) -> tuple[str, ...]:
    """The Message-IDs of the undelivered mail a bounce quotes: from the original message or
    its headers in a delivery status report (RFC 3464) whose action is "failed" (a "delayed"
    report is not a bounce), or, from a mailer daemon that sends no report, from its text."""
    quoted: list[str] = []
    failed = False
    if message.get_content_type() == "multipart/report":
        for part in message.walk():
            kind = part.get_content_type()
            if kind in ("message/delivery-status", "message/global-delivery-status"):
                failed = failed or bool(_ACTION_FAILED.search(_raw_text(part)))
            elif kind in ("message/rfc822", "text/rfc822-headers", "message/rfc822-headers"):
                quoted.append(_raw_text(part))
    else:
        address = parseaddr(str(message.get("From", "")))[1].lower()
        if address.split("@", 1)[0].startswith(("mailer-daemon", "postmaster")):
            failed = True
            quoted = [_raw_text(part) for part in message.walk() if not part.is_multipart()]
    if not failed:
        return ()
    found = [ident for text in quoted for ident in _QUOTED_MESSAGE_ID.findall(text)]
    return tuple(dict.fromkeys(found))[:20]


def _raw_text(part: Message) -> str:
    try:
        return part.as_string()[: MAX_BODY * 10]
    except (LookupError, ValueError, TypeError, AttributeError):
        return ""


def _text_of(part: Message) -> str:
    try:
        content = part.get_content()  # type: ignore[attr-defined]
    except (LookupError, ValueError, AssertionError):
        payload = part.get_payload(decode=True)
        content = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    if not isinstance(content, str):
        return ""
    if part.get_content_type() == "text/html":
        content = strip_tags(re.sub(r"(?i)<br\s*/?>|</p>|</div>", "\n", content))
    return content


def _without_quote(text: str) -> str:
    """The new text of a reply: the quoted earlier message is cut off."""
    kept: list[str] = []
    for line in text.replace("\r\n", "\n").split("\n"):
        if _QUOTE_START.match(line.strip()):
            break
        if line.lstrip().startswith(">"):
            continue
        kept.append(line)
    new = "\n".join(kept).strip()
    return new or text.strip()


def _files_of(message: EmailMessage) -> tuple[InboundFile, ...]:
    files = []
    for part in message.iter_attachments():
        if part.is_multipart():
            continue
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes):
            files.append(
                InboundFile(name=str(part.get_filename() or "attachment"), content=payload)
            )
    return tuple(files)


def mail_parse(raw: bytes) -> InboundMail:
    """Parse raw RFC 5322 bytes; never raises on malformed mail (fields come back empty)."""
    message = message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, EmailMessage)  # noqa: S101 - policy.default makes one
    name, sender = parseaddr(str(message.get("From", "")))
    recipients = tuple(
        address.lower()
        for _name, address in getaddresses(
            [
                str(value)
                for header in ("To", "Cc", "Delivered-To", "X-Original-To")
                for value in message.get_all(header, [])
            ]
        )
        if address
    )
    body_part = message.get_body(preferencelist=("plain", "html"))
    body = _without_quote(_text_of(body_part)) if body_part is not None else ""
    language = str(message.get("Content-Language", "")).strip().lower()
    automatic = is_automatic(message)
    return InboundMail(
        sender=sender.strip().lower()[:254],
        sender_name=name.strip()[:200],
        subject=" ".join(str(message.get("Subject", "")).split())[:300],
        body=body.replace("\x00", "")[:MAX_BODY],
        recipients=recipients,
        message_id=str(message.get("Message-ID", "")).strip()[:250],
        language="es" if language.startswith("es") else "en",
        automatic=automatic,
        files=_files_of(message),
        bounced_message_ids=_bounced_message_ids(message) if automatic else (),
    )
