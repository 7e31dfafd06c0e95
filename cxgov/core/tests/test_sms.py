"""Text messages through the configured backend; the Twilio adapter against a fake Messages API
served on 127.0.0.1 by the test itself."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
from django.test import override_settings

from cxgov.core.sms import ConsoleBackend, MemoryBackend, SmsError, SmsRefusedError, sms_send


class _FakeTwilio(BaseHTTPRequestHandler):
    """Answers like Twilio: 201 with a sid; 400 with code 21211 for a number ending 0000; 503
    for one ending 9999."""

    received: list[dict[str, object]] = []

    def do_POST(self) -> None:
        form = parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
        _FakeTwilio.received.append(
            {"path": self.path, "auth": self.headers["Authorization"], "form": form}
        )
        to = form["To"][0]
        if to.endswith("0000"):
            status, body = 400, {"code": 21211, "message": "Invalid 'To' Phone Number"}
        elif to.endswith("9999"):
            status, body = 503, {"message": "Service Unavailable"}
        else:
            status, body = 201, {"sid": "SM0123456789abcdef", "status": "queued"}
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def fake_twilio() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FakeTwilio)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _FakeTwilio.received.clear()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _twilio(url: str) -> override_settings:
    return override_settings(
        SMS_BACKEND="cxgov.core.sms.TwilioBackend",
        SMS_API_URL=url,
        SMS_FROM_NUMBER="+12025550100",
        TWILIO_ACCOUNT_SID="AC123",
        TWILIO_AUTH_TOKEN="secret-token",
    )


def test_twilio_gets_a_form_post_with_basic_auth_and_its_sid_comes_back(fake_twilio: str) -> None:
    with _twilio(fake_twilio):
        sid = sms_send(to="+12025550143", body="Survey: https://example.gov/s/?t=abc")

    assert sid == "SM0123456789abcdef"
    [call] = _FakeTwilio.received
    assert call["path"] == "/2010-04-01/Accounts/AC123/Messages.json"
    assert call["auth"] == "Basic " + base64.b64encode(b"AC123:secret-token").decode()
    assert call["form"] == {
        "To": ["+12025550143"],
        "From": ["+12025550100"],
        "Body": ["Survey: https://example.gov/s/?t=abc"],
    }


def test_a_refused_number_bounces_and_an_outage_may_be_retried(fake_twilio: str) -> None:
    with _twilio(fake_twilio):
        with pytest.raises(SmsRefusedError, match="21211"):
            sms_send(to="+12025550000", body="hello")
        with pytest.raises(SmsError) as outage:
            sms_send(to="+12025559999", body="hello")
    assert not isinstance(outage.value, SmsRefusedError)


def test_a_provider_that_does_not_answer_is_an_error_to_retry() -> None:
    with _twilio("http://127.0.0.1:9"), pytest.raises(SmsError) as error:
        sms_send(to="+12025550143", body="hello")
    assert not isinstance(error.value, SmsRefusedError)


def test_the_console_backend_prints_and_the_memory_backend_keeps(capsys) -> None:
    with override_settings(SMS_BACKEND="cxgov.core.sms.ConsoleBackend", SMS_FROM_NUMBER="+1"):
        assert isinstance(ConsoleBackend(), ConsoleBackend)
        sms_send(to="+12025550143", body="hello there")
    assert "to +12025550143:\nhello there" in capsys.readouterr().out
    MemoryBackend.outbox.clear()
    with override_settings(SMS_BACKEND="cxgov.core.sms.MemoryBackend"):
        sms_send(to="+12025550143", body="kept")
    assert [m.body for m in MemoryBackend.outbox] == ["kept"]
