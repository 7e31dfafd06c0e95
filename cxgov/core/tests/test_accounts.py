"""Signing in with an email address, signing out, resetting a password, the session clock."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core import mail

from cxgov.core.testing.factories import PASSWORD

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
    assert client.login(email=analyst_a.email, password="a-brand-new-passphrase")


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
