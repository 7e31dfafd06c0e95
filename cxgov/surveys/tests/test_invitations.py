"""Email invitations: single-use links, reminders to people who have not answered."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxgov.surveys.models import Invitation, Response, Survey
from cxgov.surveys.services import invitation_rows_parse, invitations_remind

pytestmark = pytest.mark.django_db


def _upload(client: Client, survey: Survey, text: str):
    return client.post(
        f"/staff/agencies/alpha/surveys/{survey.pk}/invitations/",
        {"file": SimpleUploadedFile("list.csv", text.encode(), content_type="text/csv")},
    )


def _token(message: mail.EmailMessage) -> str:
    return re.search(r"\?t=([\w-]+)", message.body).group(1)


def test_each_invitee_gets_a_link_that_works_once(
    analyst_a_client: Client, client: Client, a11_survey: Survey, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        reply = _upload(
            analyst_a_client, a11_survey, "email,service\npat@example.com,apply\nlee@example.com,\n"
        )
    assert reply.status_code == 200
    assert "2 new people invited" in reply.content.decode()
    assert sorted(m.to[0] for m in mail.outbox) == ["lee@example.com", "pat@example.com"]
    pat = next(m for m in mail.outbox if m.to == ["pat@example.com"])
    token = _token(pat)
    url = f"/surveys/{a11_survey.public_id}/"
    assert client.post(url, {"t": token, "q-trust": "1"}).status_code == 302
    response = Response.objects.get()
    assert response.source == "email" and response.service.slug == "apply"
    again = client.post(url, {"t": token, "q-trust": "1"})
    assert again.status_code == 400
    assert "already used" in again.content.decode()
    assert Response.objects.count() == 1
    # Reminders go only to people who have not answered, with a new link.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert invitations_remind(actor=None, survey=a11_survey) == 1
    assert [m.to for m in mail.outbox] == [["lee@example.com"]]
    assert "Reminder" in mail.outbox[0].subject


def test_bad_rows_are_named_and_the_good_rows_kept(
    analyst_a_client: Client, a11_survey: Survey
) -> None:
    reply = _upload(
        analyst_a_client,
        a11_survey,
        "email,service\nnot-an-email,\nok@example.com,nope\ngood@example.com,apply\n",
    )

    assert reply.status_code == 200
    page = reply.content.decode()
    assert (
        "<td>2</td><td>email</td><td>&quot;not-an-email&quot; is not an email address.</td>" in page
    )
    assert "<td>3</td><td>service</td><td>No service with short name &quot;nope&quot;.</td>" in page
    assert "Rows rejected: 2." in page
    assert "Download the rejected rows" in page
    assert list(Invitation.objects.values_list("email", flat=True)) == ["good@example.com"]


def test_a_file_without_an_email_column_is_refused_naming_it(
    analyst_a_client: Client, a11_survey: Survey
) -> None:
    reply = _upload(analyst_a_client, a11_survey, "name\nPat\n")

    assert reply.status_code == 400
    assert "The file needs an email or a phone column." in reply.content.decode()
    assert Invitation.objects.count() == 0


def test_a_repeated_upload_says_who_was_new_and_who_was_already_invited(
    analyst_a_client: Client, a11_survey: Survey
) -> None:
    _upload(analyst_a_client, a11_survey, "email\npat@example.com\nlee@example.com\n")

    reply = _upload(
        analyst_a_client, a11_survey, "email\nPat@example.com\nkim@example.com\nkim@example.com\n"
    )

    assert reply.status_code == 200
    page = reply.content.decode()
    assert "1 new person invited: the invitation is on the way." in page
    assert "1 was already invited and gets no second message." in page
    assert "Already listed on row 3; invited once." in page
    assert Invitation.objects.count() == 3


def test_a_latin1_spreadsheet_export_is_read(analyst_a_client: Client, a11_survey: Survey) -> None:
    text = "nombre;email\nJosé;jose@example.com\nAna;ana@example.com\n".encode("latin-1")
    reply = analyst_a_client.post(
        f"/staff/agencies/alpha/surveys/{a11_survey.pk}/invitations/",
        {"file": SimpleUploadedFile("list.csv", text, content_type="text/csv")},
    )

    assert reply.status_code == 200
    assert Invitation.objects.count() == 2


def test_other_agency_cannot_upload(handler_b_client: Client, a11_survey: Survey) -> None:
    assert _upload(handler_b_client, a11_survey, "email\na@example.com\n").status_code == 404


@settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    text=st.one_of(
        st.text(max_size=200),
        st.lists(st.tuples(st.text(max_size=30), st.text(max_size=10)), max_size=5).map(
            lambda rows: "email,service\n" + "\n".join(f"{a},{b}" for a, b in rows)
        ),
        st.lists(
            st.tuples(st.text(max_size=24), st.text(max_size=24), st.text(max_size=4)),
            max_size=5,
        ).map(
            lambda rows: (
                "email,phone,language\n" + "\n".join(f'"{a}","{b}",{c}' for a, b, c in rows)
            )
        ),
    )
)
def test_hostile_invitation_files_are_read_or_refused_with_reasons(
    a11_survey: Survey, text: str
) -> None:
    report, rows = invitation_rows_parse(survey=a11_survey, source=text.encode("utf-8"))

    assert all(
        "@" in row.contact if row.channel == "email" else row.contact.startswith("+")
        for row in rows
    )
    assert all(row.language in ("en", "es") for row in rows)
    assert all(error.reason and error.row != 1 for error in report.errors)
    if report.rejected:
        assert rows == []
