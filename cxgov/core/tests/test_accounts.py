"""Signing in with an email address, signing out, resetting a password, the session clock."""

from __future__ import annotations

import json
import re

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from cxgov.testing.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_staff_sign_in_with_email_lands_on_staff_home(client, analyst_a):
    response = client.post(
        "/accounts/login/", {"username": analyst_a.email, "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/staff/"
    page = response.content.decode()
    assert "Agency Alpha" in page
    assert "CX analyst" in page


def test_sign_in_is_case_insensitive_on_email(client, analyst_a):
    response = client.post(
        "/accounts/login/", {"username": analyst_a.email.upper(), "password": PASSWORD}
    )
    assert response.status_code == 302


def test_wrong_password_explains_without_saying_which_part(client, analyst_a):
    response = client.post("/accounts/login/", {"username": analyst_a.email, "password": "nope"})
    assert response.status_code == 200
    assert "do not match an account" in response.content.decode()


def test_sign_out_needs_post_and_ends_session(analyst_a_client):
    assert analyst_a_client.get("/staff/").status_code == 200
    analyst_a_client.post("/accounts/logout/")
    assert analyst_a_client.get("/staff/").status_code == 302


def test_password_reset_emails_a_working_link_through_the_task_queue(client, analyst_a):
    response = client.post("/accounts/password-reset/", {"email": analyst_a.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    form = client.get(link, follow=True)
    assert "Choose a new password" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a-brand-new-passphrase", "new_password2": "a-brand-new-passphrase"},
    )
    assert done.status_code == 302
    signed_in = client.post(
        "/accounts/login/", {"username": analyst_a.email, "password": "a-brand-new-passphrase"}
    )
    assert signed_in.status_code == 302


def test_password_reset_for_unknown_email_sends_nothing_but_looks_the_same(client):
    response = client.post("/accounts/password-reset/", {"email": "nobody@example.gov"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_session_times_out_when_idle():
    assert settings.SESSION_COOKIE_AGE == 1800
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


def test_django_admin_is_for_site_admins_only(analyst_a_client, django_user_model):
    assert analyst_a_client.get("/site-admin/").status_code == 302
    root = django_user_model.objects.create_superuser("root@example.gov", "a-long-root-password")
    from django.test import Client

    site_admin = Client()
    site_admin.force_login(root)
    assert site_admin.get("/site-admin/").status_code == 200


def test_staff_home_says_when_user_has_no_agency(client, django_user_model):
    user = django_user_model.objects.create_user("new@example.gov", "a-long-new-password")
    client.force_login(user)
    assert "do not have a role" in client.get("/staff/").content.decode()


def test_five_wrong_passwords_lock_the_account_even_with_the_right_one(client, analyst_a):
    for _attempt in range(5):
        client.post("/accounts/login/", {"username": analyst_a.email, "password": "wrong"})
    locked = client.post("/accounts/login/", {"username": analyst_a.email, "password": PASSWORD})
    assert locked.status_code == 429
    assert "Account locked for now" in locked.content.decode()
    assert client.get("/staff/").status_code == 302


def test_lockout_counts_every_spelling_of_the_email(client, analyst_a):
    for attempt in range(5):
        email = analyst_a.email.upper() if attempt % 2 else analyst_a.email
        client.post("/accounts/login/", {"username": email, "password": "wrong"})
    response = client.post("/accounts/login/", {"username": analyst_a.email, "password": PASSWORD})
    assert response.status_code == 429


def test_four_wrong_passwords_then_the_right_one_signs_in(client, analyst_a):
    for _attempt in range(4):
        client.post("/accounts/login/", {"username": analyst_a.email, "password": "wrong"})
    response = client.post("/accounts/login/", {"username": analyst_a.email, "password": PASSWORD})
    assert response.status_code == 302


def test_password_reset_ends_a_lockout(client, analyst_a):
    for _attempt in range(5):
        client.post("/accounts/login/", {"username": analyst_a.email, "password": "wrong"})
    client.post("/accounts/password-reset/", {"email": analyst_a.email})
    link = re.search(r"http://testserver(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    form = client.get(link, follow=True)
    client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "another-new-passphrase", "new_password2": "another-new-passphrase"},
    )
    response = client.post(
        "/accounts/login/", {"username": analyst_a.email, "password": "another-new-passphrase"}
    )
    assert response.status_code == 302


def test_keepalive_renews_the_session_only_for_signed_in_staff(client, analyst_a_client):
    assert analyst_a_client.post("/accounts/keepalive/").status_code == 204
    assert client.post("/accounts/keepalive/").status_code == 302


def test_staff_pages_carry_the_session_length_for_the_warning(analyst_a_client):
    page = analyst_a_client.get("/staff/").content.decode()
    assert 'data-session-seconds="1800"' in page
    assert 'id="cx-session-dialog"' in page


@pytest.mark.django_db(transaction=True)
def test_password_reset_task_row_holds_the_user_id_never_the_link(client, analyst_a, settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "email"]}
    }
    with time_machine.travel(timezone.now(), tick=False):
        client.post("/accounts/password-reset/", {"email": analyst_a.email})
        token = default_token_generator.make_token(analyst_a)

    stored = json.dumps(DBTaskResult.objects.get().args_kwargs)
    assert token not in stored
    assert "/accounts/reset/" not in stored
    assert f'"user_id": {analyst_a.pk}' in stored
    assert not mail.outbox

    call_command("worker", "--batch")
    link = re.search(r"http://testserver(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    assert "Choose a new password" in client.get(link, follow=True).content.decode()


def test_a_password_shorter_than_12_characters_is_refused(client, analyst_a):
    client.post("/accounts/password-reset/", {"email": analyst_a.email})
    link = re.search(r"http://testserver(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    for refused, reason in (
        ("k7#vQ2!pZx9", "at least 12 characters"),
        ("password1234", "too common"),
    ):
        response = client.post(form_url, {"new_password1": refused, "new_password2": refused})
        assert response.status_code == 200
        assert reason in response.content.decode()
    accepted = client.post(
        form_url, {"new_password1": "k7#vQ2!pZx9m", "new_password2": "k7#vQ2!pZx9m"}
    )
    assert accepted.status_code == 302
    analyst_a.refresh_from_db()
    assert analyst_a.check_password("k7#vQ2!pZx9m")


def _sign_in_events(action: str):
    from cxgov.core.models import AuditEvent

    return AuditEvent.objects.filter(action=action)


def test_each_sign_in_is_an_audit_event_with_the_callers_address(client, analyst_a):
    client.post("/accounts/login/", {"username": analyst_a.email, "password": PASSWORD})
    event = _sign_in_events("account.sign_in").get()
    assert event.actor == analyst_a
    assert event.data == {"address": "127.0.0.1", "via": "password"}


def test_a_refused_sign_in_is_audited_and_names_only_a_real_account(client, analyst_a):
    client.post("/accounts/login/", {"username": analyst_a.email, "password": "wrong-password"})
    client.post("/accounts/login/", {"username": "nobody@example.gov", "password": "x" * 12})
    refused = list(_sign_in_events("account.sign_in_refused").order_by("id"))
    assert [event.actor for event in refused] == [analyst_a, None]
    assert all(event.data == {"address": "127.0.0.1"} for event in refused)
    assert "nobody@example.gov" not in str([event.target_label for event in refused])
    assert not _sign_in_events("account.sign_in").exists()


def test_signing_out_is_audited(analyst_a_client, analyst_a):
    analyst_a_client.post("/accounts/logout/")
    assert _sign_in_events("account.sign_out").get().actor == analyst_a
