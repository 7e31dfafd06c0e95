"""Distribution that reaches people: text messages, statuses, opt-outs, sampling, the fatigue
cap, scheduled reminders, single-use employee codes and the embed panel."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.utils import timezone

from cxgov.core.models import AuditEvent
from cxgov.core.schedule import periodic_tasks
from cxgov.core.sms import MemoryBackend, SmsError, SmsMessage, SmsRefusedError
from cxgov.surveys.models import AccessCode, Invitation, OptOut, Response, Survey
from cxgov.surveys.services import (
    InvitationRow,
    access_codes_issue,
    invitations_add,
    response_submit,
    survey_create,
    survey_publish,
    survey_update,
)
from cxgov.surveys.tasks import (
    InvitationsNotSentError,
    invitation_reminders_task,
    invitations_deliver,
)
from cxgov.testing.factories import cleared

pytestmark = pytest.mark.django_db
MEMORY_SMS = override_settings(SMS_BACKEND="cxgov.core.sms.MemoryBackend")


@pytest.fixture(autouse=True)
def _empty_sms_outbox() -> None:
    MemoryBackend.outbox.clear()


def _upload(client: Client, survey: Survey, text: str):
    return client.post(
        f"/staff/agencies/alpha/surveys/{survey.pk}/invitations/",
        {"file": SimpleUploadedFile("list.csv", text.encode(), content_type="text/csv")},
    )


def _token(text: str) -> str:
    return re.search(r"\?t=([\w-]+)", text).group(1)


def _opt_out_path(text: str) -> str:
    return re.search(r"https?://[^/\s]+(/(?:es/)?surveys/opt-out/[^\s]+/)", text).group(1)


@MEMORY_SMS
def test_a_phone_row_is_texted_in_its_language_with_the_pra_statement_and_an_opt_out_link(
    analyst_a_client: Client, a11_survey: Survey, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        reply = _upload(
            analyst_a_client,
            a11_survey,
            "email,phone,language\n,(202) 555-0143,es\npat@example.com,,en\n",
        )

    assert reply.status_code == 200
    assert "2 new people invited" in reply.content.decode()
    [text] = MemoryBackend.outbox
    assert text.to == "+12025550143"
    assert "/es/surveys/" in text.body and "/es/surveys/opt-out/" in text.body
    assert "1234-5678" in text.body and "Ley de Reducción de Trámites" in text.body
    [email] = mail.outbox
    assert email.to == ["pat@example.com"]
    assert "OMB control number: 1234-5678" in email.body
    assert "Paperwork Reduction Act statement" in email.body
    assert "/surveys/opt-out/" in email.body
    sms = Invitation.objects.get(channel="sms")
    assert sms.phone == "+12025550143" and sms.status == "sent" and sms.language == "es"


def test_the_link_moves_the_status_from_sent_to_opened_started_and_answered(
    analyst_a_client: Client, client: Client, a11_survey: Survey, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _upload(analyst_a_client, a11_survey, "email\npat@example.com\n")
    token = _token(mail.outbox[0].body)
    url = f"/surveys/{a11_survey.public_id}/"

    def status() -> str:
        return Invitation.objects.get().status

    assert status() == "sent"
    assert client.get(url, {"t": token}).status_code == 200
    assert status() == "opened"
    assert client.post(url, {"t": token}).status_code == 400
    assert status() == "started"
    assert client.post(url, {"t": token, "q-trust": "1"}).status_code == 302
    assert status() == "answered"
    # Opening the used link again never moves it back.
    client.get(url, {"t": token})
    assert status() == "answered"


def test_staff_see_each_status_and_every_read_of_the_contacts_is_audited(
    analyst_a_client: Client, a11_survey: Survey, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _upload(analyst_a_client, a11_survey, "email\npat@example.com\nlee@example.com\n")
    base = f"/staff/agencies/alpha/surveys/{a11_survey.pk}"

    detail = analyst_a_client.get(f"{base}/").content.decode()
    page = analyst_a_client.get(f"{base}/invitations/list/?status=sent").content.decode()
    export = analyst_a_client.get(f"{base}/invitations.csv")

    assert "Invitations by status" in detail and "Opted out" in detail
    assert "pat@example.com" in page and "Sent (2)" in page
    body = b"".join(export.streaming_content).decode()
    assert body.splitlines()[0].startswith("channel,contact,language")
    assert "lee@example.com" in body
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert "survey.invitations_read" in actions and "survey.invitations_export" in actions


def test_opting_out_stops_every_later_invitation_and_reminder_of_the_agency(
    analyst_a_client: Client,
    client: Client,
    a11_survey: Survey,
    agency_a,
    django_capture_on_commit_callbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _upload(analyst_a_client, a11_survey, "email\npat@example.com\n")
    path = _opt_out_path(mail.outbox[0].body)

    asked = client.get(path)
    assert asked.status_code == 200 and "Send me no more survey invitations" in asked.text
    assert OptOut.objects.count() == 0  # a mail scanner opening the link changes nothing
    done = client.post(path)
    assert done.status_code == 200 and "no more survey invitations" in done.text
    [opt_out] = OptOut.objects.all()
    assert "pat@example.com" not in opt_out.contact_hash
    assert Invitation.objects.get().status == "opted_out"

    other = survey_publish(
        actor=None, survey=cleared(survey_create(actor=None, agency=agency_a, template="a11_v2"))
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True), override_settings(SURVEY_FATIGUE_DAYS=0):
        reply = _upload(analyst_a_client, other, "email\nPAT@example.com\n")
    assert "Asked for no more survey invitations" in reply.content.decode()
    assert "No one new to invite: nothing will be sent." in reply.content.decode()
    assert mail.outbox == []
    assert client.get("/surveys/opt-out/forged:token/").status_code == 404


def test_two_invitation_files_within_the_cap_invite_each_person_once(
    analyst_a_client: Client, a11_survey: Survey, agency_a, django_capture_on_commit_callbacks
) -> None:
    second_survey = survey_publish(
        actor=None, survey=cleared(survey_create(actor=None, agency=agency_a, template="a11_v2"))
    )
    with django_capture_on_commit_callbacks(execute=True):
        _upload(analyst_a_client, a11_survey, "email\npat@example.com\nlee@example.com\n")
        second = _upload(
            analyst_a_client, second_survey, "email\nLee@Example.com\nkim@example.com\n"
        )

    assert sorted(m.to[0] for m in mail.outbox) == [
        "kim@example.com",
        "lee@example.com",
        "pat@example.com",
    ]
    page = second.content.decode()
    assert "Invited to one of the agency&#x27;s surveys in the last 90 days" in page
    assert "<td>2</td><td>email</td>" in page  # the row as every upload numbers it
    # Past the cap the same person may be asked again.
    Invitation.objects.update(created_at=timezone.now() - timedelta(days=91))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _upload(analyst_a_client, second_survey, "email\nlee@example.com\n")
    assert [m.to for m in mail.outbox] == [["lee@example.com"]]


def test_sampling_invites_one_in_n_transactions_counted_across_files(
    analyst_a_client: Client, a11_survey: Survey, django_capture_on_commit_callbacks
) -> None:
    survey_update(actor=None, survey=a11_survey, invite_one_in=3)
    people = [f"p{n}@example.com" for n in range(1, 10)]
    with django_capture_on_commit_callbacks(execute=True):
        _upload(analyst_a_client, a11_survey, "email\n" + "\n".join(people[:4]) + "\n")
        reply = _upload(analyst_a_client, a11_survey, "email\n" + "\n".join(people[4:]) + "\n")

    invited = sorted(Invitation.objects.values_list("email", flat=True))
    assert invited == ["p3@example.com", "p6@example.com", "p9@example.com"]
    assert "3 people listed were not invited" in reply.content.decode()


def test_a_duplicate_upload_says_nobody_new_is_invited(
    analyst_a_client: Client, a11_survey: Survey, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _upload(analyst_a_client, a11_survey, "email\npat@example.com\n")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        again = _upload(analyst_a_client, a11_survey, "email\npat@example.com\n").content.decode()

    assert "No one new to invite: nothing will be sent." in again
    assert "on the way" not in again
    assert "1 was already invited and gets no second message." in again
    assert mail.outbox == []


def test_reminders_go_on_schedule_to_non_respondents_only(
    analyst_a_client: Client, client: Client, a11_survey: Survey, django_capture_on_commit_callbacks
) -> None:
    assert "surveys.invitation_reminders" in {p.name for p in periodic_tasks()}
    survey_update(actor=None, survey=a11_survey, remind_after_days=3)
    with django_capture_on_commit_callbacks(execute=True):
        _upload(analyst_a_client, a11_survey, "email\npat@example.com\nlee@example.com\n")
    pat = next(m for m in mail.outbox if m.to == ["pat@example.com"])
    client.post(f"/surveys/{a11_survey.public_id}/", {"t": _token(pat.body), "q-trust": "1"})
    mail.outbox.clear()

    assert invitation_reminders_task.call() == 0  # not due yet
    Invitation.objects.update(sent_at=timezone.now() - timedelta(days=4))
    assert invitation_reminders_task.call() == 1
    assert invitation_reminders_task.call() == 0  # one reminder each

    [reminder] = mail.outbox
    assert reminder.to == ["lee@example.com"] and reminder.subject.startswith("Reminder")
    assert "/surveys/opt-out/" in reminder.body and "1234-5678" in reminder.body


def test_single_use_codes_open_an_employee_survey_once_each(
    admin_a_client: Client, employee_survey: Survey
) -> None:
    reply = admin_a_client.post(
        f"/staff/agencies/alpha/surveys/{employee_survey.pk}/access-codes/", {"count": "3"}
    )

    assert reply["Content-Type"].startswith("text/csv")
    codes = reply.content.decode("utf-8-sig").split()[1:]
    assert len(codes) == 3 == AccessCode.objects.count()
    assert not AccessCode.objects.filter(code_hash__in=codes).exists()  # only hashes kept
    response_submit(survey=employee_survey, answers={"resources": 2}, access_code=codes[0])
    from cxgov.surveys.validation import SubmissionError

    with pytest.raises(SubmissionError) as used:
        response_submit(survey=employee_survey, answers={"resources": 2}, access_code=codes[0])
    assert used.value.code == "access_code"
    # The shared code stops working once codes are issued.
    with pytest.raises(SubmissionError):
        response_submit(survey=employee_survey, answers={"resources": 2}, access_code="team-2026")
    # A code typed in lower case with spaces still works.
    response_submit(
        survey=employee_survey,
        answers={"resources": 2},
        access_code=codes[1].lower().replace("-", " "),
    )
    assert Response.objects.count() == 2
    assert AccessCode.objects.filter(used_on__isnull=False).count() == 2


def test_codes_are_for_employee_surveys_only(a11_survey: Survey) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        access_codes_issue(actor=None, survey=a11_survey, count=5)


def test_the_embed_panel_fills_the_context_into_the_iframe_the_script_and_the_qr_code(
    analyst_a_client: Client, a11_survey: Survey
) -> None:
    base = f"/staff/agencies/alpha/surveys/{a11_survey.pk}"
    page = analyst_a_client.get(
        f"{base}/", {"service": "apply", "channel": "website", "loc": "DESK-2"}
    ).content.decode()

    query = "service=apply&amp;amp;channel=website&amp;amp;loc=DESK-2"
    assert f"/surveys/{a11_survey.public_id}/embed/?{query}" in page
    assert "surveys-widget.js" in page
    assert (
        f"data-survey=&quot;{a11_survey.public_id}&quot; data-mode=&quot;button&quot; "
        "data-service=&quot;apply&quot; data-channel=&quot;website&quot; "
        "data-loc=&quot;DESK-2&quot;"
    ) in page
    assert f'<img src="{base}/qr.svg?service=apply&amp;channel=website&amp;loc=DESK-2"' in page
    svg = analyst_a_client.get(
        f"{base}/qr.svg", {"service": "apply", "channel": "website", "loc": "DESK-2"}
    )
    assert svg["Content-Type"] == "image/svg+xml" and b"<title>" in svg.content


class _RefusingBackend:
    """A provider that refuses numbers ending 0000 for good and is down for every other."""

    def send(self, message: SmsMessage) -> str:
        if message.to.endswith("0000"):
            raise SmsRefusedError("21211: Invalid 'To' Phone Number")
        raise SmsError("503 from the SMS provider")


@override_settings(SMS_BACKEND=f"{__name__}._RefusingBackend")
def test_a_refused_number_bounces_and_an_outage_keeps_the_rest_queued_for_a_retry(
    a11_survey: Survey,
) -> None:
    invitations_add(
        actor=None,
        survey=a11_survey,
        rows=[
            InvitationRow(row=2, channel="sms", contact="+12025550000"),
            InvitationRow(row=3, channel="sms", contact="+12025550143"),
            InvitationRow(row=4, channel="sms", contact="+12025550144"),
        ],
    )

    with pytest.raises(InvitationsNotSentError):
        invitations_deliver(survey=a11_survey, reminder=False)

    statuses = dict(Invitation.objects.values_list("phone", "status"))
    assert statuses == {
        "+12025550000": "bounced",
        "+12025550143": "queued",
        "+12025550144": "queued",
    }
    assert not Invitation.objects.filter(status="queued", sent_at__isnull=False).exists()
    assert AuditEvent.objects.filter(action="invitation.bounced").count() == 1


def test_staff_set_the_sampling_rate_and_the_reminder_delay_in_the_settings(
    analyst_a_client: Client, a11_survey: Survey
) -> None:
    reply = analyst_a_client.post(
        f"/staff/agencies/alpha/surveys/{a11_survey.pk}/settings/",
        {
            "title": a11_survey.title,
            "clearance": a11_survey.clearance_id,
            "invite_one_in": "5",
            "remind_after_days": "2",
        },
    )

    assert reply.status_code == 302
    a11_survey.refresh_from_db()
    assert (a11_survey.invite_one_in, a11_survey.remind_after_days) == (5, 2)
