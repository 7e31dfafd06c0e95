"""Bounces reported after an invitation email left: the delivery report that arrives in the
mailbox `complaints_fetch_mail` reads names the invitation by its signed Message-ID, and the
invitation becomes bounced, unless the person answered. Reading a report again changes nothing;
a delayed report, a forged Message-ID and a person's own mail change nothing either."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from cxgov.complaints.inbound import mail_parse
from cxgov.complaints.models import Complaint
from cxgov.complaints.services import InboundOutcome, inbound_mail_receive
from cxgov.complaints.tests.test_inbound_mail import (  # noqa: F401 - the IMAP server fixture
    IMAP_PASSWORD,
    IMAP_USER,
    _append,
    imap_server,
)
from cxgov.core.models import AuditEvent
from cxgov.surveys.distribution import invitation_id_of_message, invitation_message_id
from cxgov.surveys.models import Invitation, Survey

pytestmark = pytest.mark.django_db


def _invite(client: Client, survey: Survey, emails: list[str], capture) -> dict[str, str]:
    """Invite these people by email; their Message-IDs by address."""
    with capture(execute=True):
        client.post(
            f"/staff/agencies/alpha/surveys/{survey.pk}/invitations/",
            {"file": _csv("email\n" + "\n".join(emails) + "\n")},
        )
    return {sent.to[0]: sent.message()["Message-ID"] for sent in mail.outbox}


def _csv(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("list.csv", text.encode(), content_type="text/csv")


def _report(message_id: str, *, action: str = "failed", to: str = "pat@example.com") -> bytes:
    """A delivery status notification (RFC 3464) as mail servers send it."""
    return (
        "From: Mail Delivery System <MAILER-DAEMON@mx.example.net>\r\n"
        "To: surveys@alpha.example.gov\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        f"Message-ID: <dsn-{abs(hash((message_id, action, to)))}@mx.example.net>\r\n"
        "Auto-Submitted: auto-replied\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"\r\n\r\n'
        "--b1\r\nContent-Type: text/plain\r\n\r\n"
        "Your message could not be delivered.\r\n"
        "--b1\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.example.net\r\n\r\n"
        f"Final-Recipient: rfc822; {to}\r\nAction: {action}\r\nStatus: 5.1.1\r\n\r\n"
        "--b1\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        f"From: cxgov <surveys@alpha.example.gov>\r\nTo: {to}\r\n"
        f"Subject: A short survey\r\nMessage-ID: {message_id}\r\n\r\n"
        "--b1--\r\n"
    ).encode()


def _status(address: str) -> str:
    return Invitation.objects.get(email=address).status


def test_a_late_bounce_in_the_mailbox_marks_sent_and_opened_invitations_bounced_but_not_answered(
    imap_server,  # noqa: F811
    analyst_a_client: Client,
    client: Client,
    a11_survey: Survey,
    settings,
    capsys,
    django_capture_on_commit_callbacks,
) -> None:
    ids = _invite(
        analyst_a_client,
        a11_survey,
        ["pat@example.com", "lee@example.com", "kim@example.com"],
        django_capture_on_commit_callbacks,
    )
    links = {sent.to[0]: sent.body for sent in mail.outbox}
    token = {address: body.split("?t=", 1)[1].split()[0] for address, body in links.items()}
    url = f"/surveys/{a11_survey.public_id}/"
    client.get(url, {"t": token["lee@example.com"]})
    client.post(url, {"t": token["kim@example.com"], "q-trust": "1"})
    assert [_status(a) for a in ("pat@example.com", "lee@example.com", "kim@example.com")] == [
        "sent",
        "opened",
        "answered",
    ]
    settings.COMPLAINTS_IMAP_HOST = "127.0.0.1"
    settings.COMPLAINTS_IMAP_PORT = imap_server
    settings.COMPLAINTS_IMAP_USER = IMAP_USER
    settings.COMPLAINTS_IMAP_PASSWORD = IMAP_PASSWORD
    settings.COMPLAINTS_IMAP_SSL = False
    settings.COMPLAINTS_MAIL_AGENCY = "alpha"
    _append(
        imap_server,
        *(_report(ids[address], to=address) for address in ids),
    )

    call_command("complaints_fetch_mail")

    assert "bounced_invitation: 3" in capsys.readouterr().out
    assert _status("pat@example.com") == "bounced"
    assert _status("lee@example.com") == "bounced"
    assert _status("kim@example.com") == "answered"  # the person was reached: answered wins
    assert not Complaint.objects.exists()  # a bounce is never a complaint
    bounced = AuditEvent.objects.filter(action="invitation.bounced")
    assert bounced.count() == 2

    # The same report read again (a mailbox kept unread, a second copy) changes nothing.
    again = inbound_mail_receive(mail=mail_parse(_report(ids["pat@example.com"])), agency=None)
    assert again == InboundOutcome.BOUNCED_INVITATION
    assert _status("pat@example.com") == "bounced"
    assert bounced.count() == 2


def test_a_delayed_report_a_forged_id_and_a_persons_mail_change_no_invitation(
    analyst_a_client: Client, a11_survey: Survey, django_capture_on_commit_callbacks
) -> None:
    ids = _invite(
        analyst_a_client, a11_survey, ["pat@example.com"], django_capture_on_commit_callbacks
    )
    real = ids["pat@example.com"]
    pk = invitation_id_of_message(real)
    assert pk == Invitation.objects.get().pk
    forged = real.replace(f"invitation.{pk}.", f"invitation.{pk + 1}.")
    hostile = [
        _report(real, action="delayed"),
        _report(forged),
        _report("<cxgov-invitation.1.' OR 1=1 --@example.com>"),
        _report("<" + "x" * 5000 + ">"),
        # A person quoting the invitation's headers is not a mailer's report.
        f"From: pat@example.com\r\nSubject: Re: survey\r\n\r\nMessage-ID: {real}\r\n".encode(),
    ]

    outcomes = [inbound_mail_receive(mail=mail_parse(raw), agency=None) for raw in hostile]

    assert InboundOutcome.BOUNCED_INVITATION not in outcomes
    assert _status("pat@example.com") == "sent"
    assert invitation_id_of_message(forged) is None
    assert invitation_id_of_message("") is None


def test_a_mailer_daemon_without_a_report_is_read_from_its_quoted_headers(
    analyst_a_client: Client, a11_survey: Survey, django_capture_on_commit_callbacks
) -> None:
    ids = _invite(
        analyst_a_client, a11_survey, ["pat@example.com"], django_capture_on_commit_callbacks
    )
    raw = (
        "From: MAILER-DAEMON@mx.example.net\r\nTo: surveys@alpha.example.gov\r\n"
        "Subject: failure notice\r\n\r\nSorry, I couldn't deliver your message to "
        "<pat@example.com>.\r\n\r\n--- Below this line is a copy of the message.\r\n\r\n"
        f"Message-ID: {ids['pat@example.com']}\r\nSubject: A short survey\r\n"
    ).encode()

    assert inbound_mail_receive(mail=mail_parse(raw), agency=None) == (
        InboundOutcome.BOUNCED_INVITATION
    )
    assert _status("pat@example.com") == "bounced"


def test_each_invitation_email_carries_its_own_signed_message_id(
    analyst_a_client: Client, a11_survey: Survey, django_capture_on_commit_callbacks
) -> None:
    ids = _invite(
        analyst_a_client,
        a11_survey,
        ["pat@example.com", "lee@example.com"],
        django_capture_on_commit_callbacks,
    )
    for address, message_id in ids.items():
        invitation = Invitation.objects.get(email=address)
        assert message_id == invitation_message_id(invitation)
        assert invitation_id_of_message(message_id) == invitation.pk
