"""Email into complaints: replies thread into their case by tracking number (subject or
plus-address), other mail becomes a complaint for triage, and bounces and auto-replies change
nothing. The round trip runs against a real IMAP server (pymap, in memory) on 127.0.0.1."""

from __future__ import annotations

import imaplib
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from cxgov.complaints.inbound import mail_parse
from cxgov.complaints.models import Channel, Complaint, Message, Status
from cxgov.complaints.services import (
    InboundOutcome,
    complaint_create,
    complaint_message_send,
    inbound_mail_receive,
)

IMAP_USER = "complaints"
IMAP_PASSWORD = "not-a-real-secret"  # a throwaway in-memory test server


def _mail(
    *,
    subject: str,
    body: str = "March 3, thanks.",
    sender: str = "Ana Ruiz <ana@example.com>",
    to: str = "complaints@alpha.example.gov",
    headers: dict[str, str] | None = None,
    message_id: str | None = None,
    attachment: tuple[str, bytes] | None = None,
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = message_id or f"<{abs(hash((subject, body, to)))}@example.com>"
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    if attachment:
        message.add_attachment(
            attachment[1], maintype="application", subtype="octet-stream", filename=attachment[0]
        )
    return bytes(message)


@pytest.fixture
def complaint(agency_a, handler_a):
    complaint = complaint_create(
        agency=agency_a,
        what_happened="My payment never came.",
        contact_email="ana@example.com",
        send_acknowledgment=False,
    )
    complaint_message_send(
        complaint=complaint, actor=handler_a, body="Which month?", await_reply=True
    )
    return complaint


# --- reading one mail ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "sender"),
    [
        ({"Auto-Submitted": "auto-replied"}, "ana@example.com"),
        ({"X-Autoreply": "yes"}, "ana@example.com"),
        ({"Precedence": "bulk"}, "ana@example.com"),
        ({"Precedence": "auto_reply"}, "ana@example.com"),
        ({}, "MAILER-DAEMON@mx.example.com"),
        ({"Return-Path": "<>"}, "ana@example.com"),
    ],
)
def test_bounces_and_auto_replies_are_recognised(headers, sender):
    assert mail_parse(_mail(subject="Out of office", sender=sender, headers=headers)).automatic


def test_a_delivery_report_is_recognised_as_a_bounce():
    raw = (
        b"From: Mail Delivery <postmaster@mx.example.com>\r\nTo: complaints@alpha.example.gov\r\n"
        b"Subject: Undelivered\r\nContent-Type: multipart/report; report-type=delivery-status;"
        b' boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nfailed\r\n--b--\r\n'
    )
    assert mail_parse(raw).automatic


def test_a_persons_reply_is_read_without_the_quoted_message():
    mail = mail_parse(
        _mail(
            subject="Re: About your complaint C-7K3M-Q9TX-2HPD",
            body="It was March.\n\nOn Tue, May 2, cxgov wrote:\n> Which month?\n",
            headers={"Auto-Submitted": "no"},
        )
    )
    assert not mail.automatic
    assert mail.body == "It was March."
    assert mail.sender == "ana@example.com"
    assert mail.tracking_numbers() == ["C-7K3M-Q9TX-2HPD"]


def test_a_plus_address_names_the_complaint():
    mail = mail_parse(_mail(subject="hello", to="complaints+C-7K3M-Q9TX-2HPD@alpha.example.gov"))
    assert mail.tracking_numbers() == ["C-7K3M-Q9TX-2HPD"]


def test_malformed_mail_never_raises():
    for raw in (b"", b"\x00\xff garbage", b"Subject: =?utf-8?b?invalid?=\r\n\r\n\xff\xfe"):
        mail = mail_parse(raw)
        assert mail.automatic  # no sender: nobody to answer


# --- filing it -----------------------------------------------------------------------------


def test_a_reply_threads_in_and_restarts_the_clock(complaint, agency_a):
    raw = _mail(
        subject=f"Re: About your complaint {complaint.tracking_number}",
        attachment=("receipt.pdf", b"%PDF-1.4 receipt"),
    )
    assert inbound_mail_receive(mail=mail_parse(raw), agency=agency_a) == InboundOutcome.THREADED
    complaint.refresh_from_db()
    assert complaint.status == Status.IN_PROGRESS
    reply = complaint.messages.get(direction=Message.Direction.FROM_CUSTOMER)
    assert (reply.via, reply.body) == (Message.Via.EMAIL, "March 3, thanks.")
    assert reply.attachments.get().original_name == "receipt.pdf"
    # The same mail read again is not filed twice.
    assert inbound_mail_receive(mail=mail_parse(raw), agency=agency_a) == InboundOutcome.DUPLICATE


def test_an_auto_reply_does_not_reopen_the_case(complaint, agency_a):
    raw = _mail(
        subject=f"Automatic reply: About your complaint {complaint.tracking_number}",
        headers={"Auto-Submitted": "auto-replied"},
    )
    assert inbound_mail_receive(mail=mail_parse(raw), agency=agency_a) == InboundOutcome.AUTOMATIC
    complaint.refresh_from_db()
    assert complaint.status == Status.AWAITING_CUSTOMER
    assert Complaint.objects.count() == 1


def test_a_tracking_number_from_another_address_files_a_new_complaint(complaint, agency_a):
    raw = _mail(subject=f"Re: {complaint.tracking_number}", sender="mallory@example.net")
    assert inbound_mail_receive(mail=mail_parse(raw), agency=agency_a) == InboundOutcome.CREATED
    complaint.refresh_from_db()
    assert complaint.status == Status.AWAITING_CUSTOMER
    assert not complaint.messages.filter(direction="from_customer").exists()


def test_mail_matching_no_case_becomes_a_complaint_for_triage(agency_a):
    raw = _mail(
        subject="Nobody answers the phone",
        body="I called five times.",
        attachment=("virus.exe", b"MZ\x00\x00"),
    )
    assert inbound_mail_receive(mail=mail_parse(raw), agency=agency_a) == InboundOutcome.CREATED
    filed = Complaint.objects.get()
    assert filed.channel == Channel.EMAIL
    assert (filed.contact_email, filed.contact_name) == ("ana@example.com", "Ana Ruiz")
    assert "I called five times." in filed.what_happened
    assert "virus.exe" in filed.what_happened  # named as not kept
    assert not filed.attachments.exists()
    assert inbound_mail_receive(mail=mail_parse(raw), agency=None) == InboundOutcome.DUPLICATE
    other = _mail(subject="Another", message_id="<other@example.com>")
    assert inbound_mail_receive(mail=mail_parse(other), agency=None) == InboundOutcome.UNMATCHED


# --- the IMAP round trip -------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def imap_server() -> Iterator[int]:
    """pymap's in-memory IMAP server on a free port of 127.0.0.1, for this test only."""
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603 - a fixed command of the dev dependency pymap
        [
            str(Path(sys.executable).with_name("pymap")),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-tls",
            "dict",
            "--demo-user",
            IMAP_USER,
            "--demo-password",
            IMAP_PASSWORD,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _attempt in range(100):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("the IMAP server did not start")
        yield port
    finally:
        server.terminate()
        server.wait(timeout=10)


def _append(port: int, *mails: bytes) -> None:
    client = imaplib.IMAP4("127.0.0.1", port)
    client.login(IMAP_USER, IMAP_PASSWORD)
    for raw in mails:
        status, _detail = client.append("INBOX", None, None, raw)
        assert status == "OK"
    client.logout()


def _unseen(port: int) -> int:
    client = imaplib.IMAP4("127.0.0.1", port)
    client.login(IMAP_USER, IMAP_PASSWORD)
    client.select("INBOX")
    _status, found = client.search(None, "UNSEEN")
    client.logout()
    return len(found[0].split())


def test_the_mailbox_threads_a_reply_and_ignores_an_auto_reply(
    imap_server, complaint, agency_a, settings, capsys
):
    settings.COMPLAINTS_IMAP_HOST = "127.0.0.1"
    settings.COMPLAINTS_IMAP_PORT = imap_server
    settings.COMPLAINTS_IMAP_USER = IMAP_USER
    settings.COMPLAINTS_IMAP_PASSWORD = IMAP_PASSWORD
    settings.COMPLAINTS_IMAP_SSL = False
    settings.COMPLAINTS_MAIL_AGENCY = "alpha"
    number = complaint.tracking_number
    _append(
        imap_server,
        _mail(
            subject=f"Automatic reply: About your complaint {number}",
            body="I am out of the office.",
            headers={"Auto-Submitted": "auto-replied", "X-Autoreply": "yes"},
        ),
        _mail(subject=f"RE: About your complaint {number}", body="It was the March payment."),
    )
    before = _unseen(imap_server)

    call_command("complaints_fetch_mail")

    complaint.refresh_from_db()
    assert complaint.status == Status.IN_PROGRESS
    [reply] = complaint.messages.filter(direction=Message.Direction.FROM_CUSTOMER)
    assert reply.body == "It was the March payment."
    assert "out of the office" not in reply.body
    assert Complaint.objects.count() == 1
    assert "threaded: 1" in capsys.readouterr().out
    assert before - _unseen(imap_server) == 2

    # Read again: nothing new is filed.
    call_command("complaints_fetch_mail")
    assert complaint.messages.filter(direction=Message.Direction.FROM_CUSTOMER).count() == 1


def test_a_mailbox_that_cannot_be_reached_is_a_clear_error(settings):
    settings.COMPLAINTS_IMAP_HOST = ""
    with pytest.raises(CommandError, match="Set COMPLAINTS_IMAP_HOST"):
        call_command("complaints_fetch_mail")
    settings.COMPLAINTS_IMAP_HOST = "127.0.0.1"
    settings.COMPLAINTS_IMAP_PORT = _free_port()
    settings.COMPLAINTS_IMAP_SSL = False
    with pytest.raises(CommandError, match="could not be read"):
        call_command("complaints_fetch_mail", agency="")
