"""Text messages, through the backend `settings.SMS_BACKEND` names, as Django does for email.

- `ConsoleBackend` (the default) writes each message to standard output: nothing leaves the
  machine until a provider is configured.
- `MemoryBackend` keeps messages in `MemoryBackend.outbox`, for tests.
- `TwilioBackend` posts to Twilio's Messages API (`SMS_API_URL`, account `TWILIO_ACCOUNT_SID`,
  `TWILIO_AUTH_TOKEN`, from `SMS_FROM_NUMBER`), within `SMS_TIMEOUT_SECONDS`.

`sms_send` raises `SmsRefusedError` when the provider refuses the number for good (the message
bounced: sending again will not help) and `SmsError` when it may work later (retry). A message
may name a `status_callback` address: Twilio posts the message's later delivery status there,
signed as `twilio_signature` computes (a failure reported after sending is a late bounce).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable
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
    status_callback: str = ""


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
                | ({"StatusCallback": message.status_callback} if message.status_callback else {})
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


def sms_send(*, to: str, body: str, status_callback: str = "") -> str:
    """Send one text message from `SMS_FROM_NUMBER`; returns the provider's id for it. The
    provider posts later delivery reports to `status_callback`, when given."""
    return sms_backend().send(
        SmsMessage(
            to=to, body=body, sender=settings.SMS_FROM_NUMBER, status_callback=status_callback
        )
    )


def twilio_signature(url: str, params: Iterable[tuple[str, str]], auth_token: str) -> str:
    """Twilio's `X-Twilio-Signature` of a form POST: the full URL followed by each parameter's
    name and value, sorted by name, signed with HMAC-SHA1 under the auth token, in base64."""
    payload = url + "".join(name + value for name, value in sorted(params))
    digest = hmac.new(auth_token.encode(), payload.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def twilio_signature_valid(url: str, params: Iterable[tuple[str, str]], signature: str) -> bool:
    """Whether a request to `url` with these POST parameters was signed by Twilio (with
    `TWILIO_AUTH_TOKEN`); always False while no token is configured."""
    token = settings.TWILIO_AUTH_TOKEN
    if not token or not signature:
        return False
    expected = twilio_signature(url, params, token)
    return hmac.compare_digest(expected.encode(), signature.encode())
