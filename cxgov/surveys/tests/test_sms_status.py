"""Late failures of text invitations: the Twilio adapter (against a fake Messages API on
127.0.0.1) names a status callback per invitation; Twilio's signed "failed" or "undelivered"
report marks the invitation bounced, unless the person opened the link, answered or opted out.
Reports are idempotent and never move a status back; forged, tampered or unsigned reports
change nothing and are counted against the per-address limit, signed ones are not."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from cxgov.core.models import AuditEvent
from cxgov.core.sms import twilio_signature
from cxgov.core.tests.test_sms import _FakeTwilio, fake_twilio  # noqa: F401 - the fake server
from cxgov.surveys.models import Invitation, Survey
from cxgov.surveys.services import invitation_opt_out, invitation_seen, response_submit

pytestmark = pytest.mark.django_db

TOKEN = "secret-token"


@pytest.fixture
def twilio(settings, fake_twilio: str) -> str:  # noqa: F811
    settings.SMS_BACKEND = "cxgov.core.sms.TwilioBackend"
    settings.SMS_API_URL = fake_twilio
    settings.SMS_FROM_NUMBER = "+12025550100"
    settings.TWILIO_ACCOUNT_SID = "AC123"
    settings.TWILIO_AUTH_TOKEN = TOKEN
    return fake_twilio


def _send(client: Client, survey: Survey, phones: list[str], capture) -> dict[str, dict]:
    """Text these numbers an invitation; what Twilio received, by number."""
    with capture(execute=True):
        client.post(
            f"/staff/agencies/alpha/surveys/{survey.pk}/invitations/",
            {
                "file": SimpleUploadedFile(
                    "list.csv", ("phone\n" + "\n".join(phones) + "\n").encode()
                )
            },
        )
    return {
        call["form"]["To"][0]: {name: values[0] for name, values in call["form"].items()}
        for call in _FakeTwilio.received
    }


def _report(
    client: Client,
    callback: str,
    status: str,
    *,
    token: str = TOKEN,
    signed_status: str | None = None,
    signed_url: str | None = None,
):
    """Post a delivery report as Twilio does, signed with `token` over `signed_*` if given."""
    params = {
        "AccountSid": "AC123",
        "MessageSid": "SM0123456789abcdef",
        "MessageStatus": status,
        "ErrorCode": "30003",
        "To": "+12025550143",
    }
    signed = {**params, "MessageStatus": signed_status or status}
    signature = twilio_signature(signed_url or callback, signed.items(), token)
    return client.post(urlsplit(callback).path, params, HTTP_X_TWILIO_SIGNATURE=signature)


def _status(phone: str) -> str:
    return Invitation.objects.get(phone=phone).status


def test_the_adapter_names_a_signed_status_callback_for_each_invitation(
    twilio: str, analyst_a_client: Client, a11_survey: Survey, django_capture_on_commit_callbacks
) -> None:
    sent = _send(
        analyst_a_client,
        a11_survey,
        ["+12025550143", "+12025550144"],
        django_capture_on_commit_callbacks,
    )
    callbacks = {phone: form["StatusCallback"] for phone, form in sent.items()}
    assert len(set(callbacks.values())) == 2
    assert all(re.search(r"/surveys/sms-status/[^/]+/$", url) for url in callbacks.values())


@pytest.mark.parametrize("status", ["failed", "undelivered"])
def test_a_late_failure_bounces_the_invitation_once(
    status: str,
    twilio: str,
    analyst_a_client: Client,
    a11_survey: Survey,
    django_capture_on_commit_callbacks,
) -> None:
    sent = _send(analyst_a_client, a11_survey, ["+12025550143"], django_capture_on_commit_callbacks)
    callback = sent["+12025550143"]["StatusCallback"]
    twilio_client = Client(enforce_csrf_checks=True)  # Twilio has no CSRF token
    assert _report(twilio_client, callback, status).status_code == 204
    assert _report(twilio_client, callback, status).status_code == 204
    assert _status("+12025550143") == "bounced"
    assert AuditEvent.objects.filter(action="invitation.bounced").count() == 1


def test_progress_reports_change_nothing(
    twilio: str, analyst_a_client: Client, a11_survey: Survey, django_capture_on_commit_callbacks
) -> None:
    sent = _send(analyst_a_client, a11_survey, ["+12025550143"], django_capture_on_commit_callbacks)
    callback = sent["+12025550143"]["StatusCallback"]
    for status in ("queued", "sent", "delivered", "read"):
        assert _report(Client(), callback, status).status_code == 204
    assert _status("+12025550143") == "sent"


def test_answered_and_opted_out_invitations_keep_their_status(
    twilio: str, analyst_a_client: Client, a11_survey: Survey, django_capture_on_commit_callbacks
) -> None:
    sent = _send(
        analyst_a_client,
        a11_survey,
        ["+12025550143", "+12025550144"],
        django_capture_on_commit_callbacks,
    )
    token = re.search(r"\?t=([\w-]+)", sent["+12025550143"]["Body"]).group(1)
    response_submit(survey=a11_survey, answers={"trust": "1"}, token=token)
    invitation_opt_out(invitation=Invitation.objects.get(phone="+12025550144"))
    for phone in ("+12025550143", "+12025550144"):
        assert _report(Client(), sent[phone]["StatusCallback"], "failed").status_code == 204
    assert _status("+12025550143") == "answered"
    assert _status("+12025550144") == "opted_out"


def test_forged_tampered_and_unsigned_reports_are_refused(
    twilio: str,
    settings,
    analyst_a_client: Client,
    a11_survey: Survey,
    django_capture_on_commit_callbacks,
) -> None:
    sent = _send(
        analyst_a_client,
        a11_survey,
        ["+12025550143", "+12025550144"],
        django_capture_on_commit_callbacks,
    )
    callback = sent["+12025550143"]["StatusCallback"]
    other = sent["+12025550144"]["StatusCallback"]
    client = Client()
    assert _report(client, callback, "failed", token="guessed").status_code == 403
    assert _report(client, callback, "failed", signed_status="delivered").status_code == 403
    # A genuine signature for one invitation's address does not carry over to another's.
    assert _report(client, callback, "failed", signed_url=other).status_code == 403
    missing = client.post(urlsplit(callback).path, {"MessageStatus": "failed"})
    assert missing.status_code == 403
    # An address this site never signed, even signed with the right token, names no invitation.
    invitation = Invitation.objects.get(phone="+12025550143")
    made_up = re.sub(r"/sms-status/[^/]+/", f"/sms-status/{invitation.pk}:forged/", callback)
    assert _report(client, made_up, "failed").status_code == 204
    settings.TWILIO_AUTH_TOKEN = ""
    assert _report(client, callback, "failed", token="").status_code == 403
    assert _status("+12025550143") == "sent" and _status("+12025550144") == "sent"


def test_signed_reports_beyond_the_public_limit_are_all_applied(
    twilio: str,
    settings,
    analyst_a_client: Client,
    a11_survey: Survey,
    django_capture_on_commit_callbacks,
) -> None:
    phones = [f"+1202555014{n}" for n in range(5)]
    sent = _send(analyst_a_client, a11_survey, phones, django_capture_on_commit_callbacks)
    settings.PUBLIC_WRITES_PER_MINUTE = 2
    twilio_servers = Client(REMOTE_ADDR="203.0.113.9")  # every report from one address
    answers = [
        _report(twilio_servers, sent[phone]["StatusCallback"], status).status_code
        for phone in phones
        for status in ("sent", "undelivered")
    ]
    assert answers == [204] * 10
    assert {_status(phone) for phone in phones} == {"bounced"}
    assert AuditEvent.objects.filter(action="invitation.bounced").count() == 5


def test_reports_without_a_valid_signature_are_counted_and_refused(
    twilio: str,
    settings,
    analyst_a_client: Client,
    a11_survey: Survey,
    django_capture_on_commit_callbacks,
) -> None:
    sent = _send(analyst_a_client, a11_survey, ["+12025550143"], django_capture_on_commit_callbacks)
    settings.PUBLIC_WRITES_PER_MINUTE = 2
    callback = sent["+12025550143"]["StatusCallback"]
    stranger = Client(REMOTE_ADDR="203.0.113.9")
    answers = [_report(stranger, callback, "failed", token="guessed") for _n in range(3)]
    assert [answer.status_code for answer in answers] == [403, 403, 429]
    assert answers[-1].headers["Retry-After"]
    unsigned = stranger.post(urlsplit(callback).path, {"MessageStatus": "failed"})
    assert unsigned.status_code == 429
    assert _status("+12025550143") == "sent"
    # Twilio, at the same address, still gets through.
    assert _report(stranger, callback, "failed").status_code == 204
    assert _status("+12025550143") == "bounced"


def test_a_report_out_of_order_never_moves_the_status_back(
    twilio: str, analyst_a_client: Client, a11_survey: Survey, django_capture_on_commit_callbacks
) -> None:
    phones = ["+12025550143", "+12025550144", "+12025550145"]
    sent = _send(analyst_a_client, a11_survey, phones, django_capture_on_commit_callbacks)
    links = {phone: re.search(r"\?t=([\w-]+)", sent[phone]["Body"]).group(1) for phone in phones}
    # The first person opened the link, the second answered: their texts arrived.
    invitation_seen(survey=a11_survey, token=links["+12025550143"], started=False)
    response_submit(survey=a11_survey, answers={"trust": "1"}, token=links["+12025550144"])
    for phone in phones:
        for status in ("undelivered", "delivered", "sent", "queued"):
            assert _report(Client(), sent[phone]["StatusCallback"], status).status_code == 204
    assert [_status(phone) for phone in phones] == ["opened", "answered", "bounced"]
