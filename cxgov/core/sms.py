"""Text messages, through the backend `settings.SMS_BACKEND` names, as Django does for email.

- `ConsoleBackend` (the default) writes each message to standard output: nothing leaves the
  machine until a provider is configured.
- `MemoryBackend` keeps messages in `MemoryBackend.outbox`, for tests.
- `TwilioBackend` posts to Twilio's Messages API (`SMS_API_URL`, account `TWILIO_ACCOUNT_SID`,
  `TWILIO_AUTH_TOKEN`, from `SMS_FROM_NUMBER`), within `SMS_TIMEOUT_SECONDS`.

`sms_send` raises `SmsRefusedError` when the provider refuses the number for good (the message
bounced: sending again will not help) and `SmsError` when it may work later (retry).
"""

from __future__ import annotations

import base64
import json
import sys
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import ClassVar, Protocol

from django.conf import settings
from django.utils.module_loading import import_string


class SmsError(Exception):
    """The message was not sent now; it may be sent later."""


class SmsRefusedError(SmsError):
    """The provider refused this message for good (a number that cannot take texts)."""


@dataclass(frozen=True)
class SmsMessage:
    to: str
    body: str
    sender: str


class SmsBackend(Protocol):
    def send(self, message: SmsMessage) -> str:
        """Send one message; returns the provider's id for it."""


class ConsoleBackend:
    """Writes each message to standard output."""

    def send(self, message: SmsMessage) -> str:
        sys.stdout.write(f"SMS from {message.sender} to {message.to}:\n{message.body}\n\n")
        sys.stdout.flush()
        return ""


class MemoryBackend:
    """Keeps each message in the class's `outbox` (tests clear it)."""

    outbox: ClassVar[list[SmsMessage]] = []

    def send(self, message: SmsMessage) -> str:
        MemoryBackend.outbox.append(message)
        return f"memory-{len(MemoryBackend.outbox)}"


# Twilio answers 4xx for a message it will never send (bad or unreachable number, opted-out
# recipient), except these, which may work on a later try.
_TRY_AGAIN = frozenset({408, 409, 429})


class TwilioBackend:
    """Twilio's REST Messages API: a form POST with basic auth, a JSON answer with the `sid`."""

    def send(self, message: SmsMessage) -> str:
        sid = settings.TWILIO_ACCOUNT_SID
        base = settings.SMS_API_URL.rstrip("/")
        if not base.startswith(("https://", "http://")):
            raise SmsError("SMS_API_URL must be an http(s) address.")
        url = f"{base}/2010-04-01/Accounts/{urllib.parse.quote(sid)}/Messages.json"
        credentials = base64.b64encode(f"{sid}:{settings.TWILIO_AUTH_TOKEN}".encode()).decode()
        request = urllib.request.Request(  # noqa: S310 - the URL is the configured https API
            url,
            data=urllib.parse.urlencode(
                {"To": message.to, "From": message.sender, "Body": message.body}
            ).encode(),
            headers={
                "Authorization": f"Basic {credentials}",
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/json",
            },
            method="POST",
        )
        try:
            with urllib.request.urlopen(  # noqa: S310  # nosec B310 - http(s) only, checked above
                request, timeout=settings.SMS_TIMEOUT_SECONDS
            ) as answer:
                body = json.loads(answer.read(65536) or b"{}")
        except urllib.error.HTTPError as error:
            reason = _twilio_reason(error)
            if 400 <= error.code < 500 and error.code not in _TRY_AGAIN:
                raise SmsRefusedError(reason) from None
            raise SmsError(reason) from None
        except (urllib.error.URLError, TimeoutError, OSError, ValueError) as error:
            raise SmsError(f"the SMS provider did not answer: {error}") from None
        return str(body.get("sid", "")) if isinstance(body, dict) else ""


def _twilio_reason(error: urllib.error.HTTPError) -> str:
    try:
        body = json.loads(error.read(65536) or b"{}")
    except ValueError:
        body = {}
    if isinstance(body, dict) and body.get("message"):
        return f"{error.code} {body.get('code', '')}: {str(body['message'])[:200]}"
    return f"{error.code} from the SMS provider"


def sms_backend() -> SmsBackend:
    """A new instance of the configured backend."""
    backend: SmsBackend = import_string(settings.SMS_BACKEND)()
    return backend


def sms_send(*, to: str, body: str) -> str:
    """Send one text message from `SMS_FROM_NUMBER`; returns the provider's id for it."""
    return sms_backend().send(SmsMessage(to=to, body=body, sender=settings.SMS_FROM_NUMBER))
