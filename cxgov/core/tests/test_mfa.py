"""Two-step sign-in: staff without a verified second factor reach no staff page."""

from __future__ import annotations

import re

import pytest
import time_machine
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from cxgov.core.models import AuditEvent
from cxgov.core.services import recovery_codes_replace, token_create
from cxgov.testing.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def mfa_required(settings):
    settings.STAFF_MFA_REQUIRED = True


def _current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _sign_in(client, user):
    response = client.post("/accounts/login/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302


def test_staff_without_a_second_factor_is_sent_to_set_one_up(client, analyst_a, agency_a):
    _sign_in(client, analyst_a)
    for path in ("/staff/", f"/staff/agencies/{agency_a.slug}/", "/es/staff/", "/staff/tokens/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert re.match(r"^(/es)?/accounts/two-factor/setup/\?next=", response["Location"])


def test_session_api_is_refused_without_the_second_factor(client, analyst_a):
    _sign_in(client, analyst_a)
    assert client.get("/api/v1/me").status_code == 401


def test_token_api_still_works_for_integrations(client, analyst_a):
    _token, raw = token_create(user=analyst_a, name="integration")
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200


def test_enrolment_with_a_wrong_code_keeps_the_door_shut(client, analyst_a):
    _sign_in(client, analyst_a)
    page = client.get("/accounts/two-factor/setup/")
    assert "<svg" in page.content.decode()
    response = client.post("/accounts/two-factor/setup/", {"code": "000000"})
    assert response.status_code == 400
    assert "did not match" in response.content.decode()
    assert client.get("/staff/").status_code == 302


def test_enrolment_opens_staff_pages_and_gives_recovery_codes(client, analyst_a):
    _sign_in(client, analyst_a)
    client.get("/accounts/two-factor/setup/?next=/staff/tokens/")
    device = TOTPDevice.objects.get(user=analyst_a)
    response = client.post(
        "/accounts/two-factor/setup/", {"code": _current_code(device), "next": "/staff/tokens/"}
    )
    page = response.content.decode()
    codes = re.findall(r"<li><code>([\w-]+)</code></li>", page)
    assert len(codes) == 10
    assert 'href="/staff/tokens/"' in page
    assert client.get("/staff/").status_code == 200
    assert AuditEvent.objects.filter(action="mfa.enrol", actor=analyst_a).exists()


def test_next_sign_in_asks_for_the_code_and_a_recovery_code_works_once(client, analyst_a):
    _sign_in(client, analyst_a)
    client.get("/accounts/two-factor/setup/")
    device = TOTPDevice.objects.get(user=analyst_a)
    page = client.post("/accounts/two-factor/setup/", {"code": _current_code(device)})
    backup = re.findall(r"<li><code>([\w-]+)</code></li>", page.content.decode())[0]
    client.post("/accounts/logout/")

    _sign_in(client, analyst_a)
    response = client.get("/staff/")
    assert response["Location"].startswith("/accounts/two-factor/?next=")
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        assert client.post("/accounts/two-factor/", {"code": "123"}).status_code == 400
        # A wrong code slows the next try down (django-otp throttling); wait it out.
        assert client.post("/accounts/two-factor/", {"code": backup}).status_code == 400
        traveller.shift(10)
        done = client.post("/accounts/two-factor/", {"code": backup, "next": "/staff/"})
    assert done["Location"] == "/staff/"
    assert client.get("/staff/").status_code == 200
    client.post("/accounts/logout/")

    _sign_in(client, analyst_a)
    assert client.post("/accounts/two-factor/", {"code": backup}).status_code == 400


def test_next_must_stay_on_this_site(client, analyst_a):
    _sign_in(client, analyst_a)
    client.get("/accounts/two-factor/setup/")
    device = TOTPDevice.objects.get(user=analyst_a)
    page = client.post(
        "/accounts/two-factor/setup/",
        {"code": _current_code(device), "next": "https://evil.example.com/"},
    ).content.decode()
    assert "evil.example.com" not in page


def _verified(client, user):
    """Mark the client's session as having passed the second step with a device of `user`."""
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def test_agency_admin_resets_a_members_second_factor(admin_a_client, admin_a, analyst_a, agency_a):
    TOTPDevice.objects.create(user=analyst_a, name="phone", confirmed=True)
    membership = analyst_a.memberships.get()
    response = _verified(admin_a_client, admin_a).post(
        f"/staff/agencies/{agency_a.slug}/members/{membership.pk}/reset-two-factor/"
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=analyst_a).exists()
    assert AuditEvent.objects.filter(action="mfa.reset", target_id=str(analyst_a.pk)).exists()


def test_analyst_cannot_reset_anyones_second_factor(analyst_a_client, analyst_a, admin_a, agency_a):
    membership = admin_a.memberships.get()
    response = _verified(analyst_a_client, analyst_a).post(
        f"/staff/agencies/{agency_a.slug}/members/{membership.pk}/reset-two-factor/"
    )
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="mfa.reset").exists()


def test_admin_of_another_agency_cannot_reset(handler_b_client, handler_b, analyst_a, agency_a):
    membership = analyst_a.memberships.get()
    response = _verified(handler_b_client, handler_b).post(
        f"/staff/agencies/{agency_a.slug}/members/{membership.pk}/reset-two-factor/"
    )
    assert response.status_code == 404


def _enrolled_device(user) -> TOTPDevice:
    """The victim's authenticator, enrolled and confirmed before the attack."""
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def _pass_second_step(client, device: TOTPDevice) -> None:
    response = client.post("/accounts/two-factor/", {"code": _current_code(device)})
    assert response.status_code == 302


def test_a_password_alone_cannot_replace_the_enrolled_authenticator(client, analyst_a):
    victims = _enrolled_device(analyst_a)
    _sign_in(client, analyst_a)

    page = client.get("/accounts/two-factor/setup/")
    assert page["Location"].startswith("/accounts/two-factor/?next=")
    attackers = TOTPDevice.objects.create(user=analyst_a, name="attacker", confirmed=False)
    session = client.session
    session["cx_mfa_device"] = attackers.pk
    session.save()
    response = client.post("/accounts/two-factor/setup/", {"code": _current_code(attackers)})

    assert response["Location"].startswith("/accounts/two-factor/?next=")
    assert list(TOTPDevice.objects.filter(user=analyst_a, confirmed=True)) == [victims]
    assert not AuditEvent.objects.filter(action="mfa.enrol").exists()
    assert client.get("/staff/")["Location"].startswith("/accounts/two-factor/?next=")
    assert client.get("/staff/tokens/")["Location"].startswith("/accounts/two-factor/?next=")


def test_a_password_alone_cannot_change_the_password(client, analyst_a):
    _enrolled_device(analyst_a)
    _sign_in(client, analyst_a)
    response = client.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "an-attackers-new-pass-4411",
            "new_password2": "an-attackers-new-pass-4411",
        },
    )
    assert response["Location"] == "/accounts/two-factor/?next=%2Faccounts%2Fpassword%2F"
    analyst_a.refresh_from_db()
    assert analyst_a.check_password(PASSWORD)


def test_a_password_alone_cannot_create_a_token_even_when_staff_mfa_is_optional(
    client, analyst_a, settings
):
    settings.STAFF_MFA_REQUIRED = False
    _enrolled_device(analyst_a)
    _sign_in(client, analyst_a)
    page = client.post("/staff/tokens/", {"name": "exfiltrate"})
    assert page["Location"].startswith("/accounts/two-factor/?next=")
    body = {"name": "exfiltrate", "areas": ["surveys"]}
    api = client.post("/api/v1/tokens", body, content_type="application/json")
    assert api.status_code == 403
    assert not analyst_a.api_tokens.exists()


def test_after_the_second_step_the_owner_changes_the_password_and_is_told(
    client, analyst_a, mailoutbox, django_capture_on_commit_callbacks
):
    device = _enrolled_device(analyst_a)
    _sign_in(client, analyst_a)
    _pass_second_step(client, device)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/accounts/password/",
            {
                "old_password": PASSWORD,
                "new_password1": "a-new-long-passphrase-9031",
                "new_password2": "a-new-long-passphrase-9031",
            },
        )
    assert response.status_code == 302
    analyst_a.refresh_from_db()
    assert analyst_a.check_password("a-new-long-passphrase-9031")
    assert [message.subject for message in mailoutbox] == ["Your cxgov password was changed"]
    assert mailoutbox[0].to == [analyst_a.email]
    assert AuditEvent.objects.filter(action="password.change", actor=analyst_a).exists()


def test_after_the_second_step_the_owner_replaces_the_device_and_is_told(
    client, analyst_a, mailoutbox, django_capture_on_commit_callbacks
):
    old = _enrolled_device(analyst_a)
    _sign_in(client, analyst_a)
    _pass_second_step(client, old)
    assert client.get("/accounts/two-factor/setup/").status_code == 200
    new = TOTPDevice.objects.get(user=analyst_a, confirmed=False)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/two-factor/setup/", {"code": _current_code(new)})
    assert response.status_code == 200
    assert list(TOTPDevice.objects.filter(user=analyst_a)) == [new]
    assert "replaced the old one" in mailoutbox[0].subject
    assert client.get("/staff/").status_code == 200


def test_a_recovery_code_also_opens_the_sensitive_pages(client, analyst_a):
    _enrolled_device(analyst_a)
    backup = recovery_codes_replace(user=analyst_a)[0]
    _sign_in(client, analyst_a)
    assert client.post("/accounts/two-factor/", {"code": backup}).status_code == 302
    assert client.get("/accounts/password/").status_code == 200
    assert client.get("/staff/tokens/").status_code == 200


def test_first_enrolment_and_new_tokens_email_the_owner(
    client, analyst_a, mailoutbox, django_capture_on_commit_callbacks
):
    _sign_in(client, analyst_a)
    client.get("/accounts/two-factor/setup/")
    device = TOTPDevice.objects.get(user=analyst_a)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/two-factor/setup/", {"code": _current_code(device)})
    with django_capture_on_commit_callbacks(execute=True):
        created = client.post(
            "/staff/tokens/",
            {
                "name": "Nightly export",
                "scope": "read",
                "areas": ["surveys"],
                "expires_in_days": 30,
            },
        )
        assert created.status_code == 200
    assert [message.subject for message in mailoutbox] == [
        "Two-step sign-in is set up on your cxgov account",
        "A new API token was created on your cxgov account",
    ]
    assert "Nightly export" in mailoutbox[1].body


def test_a_reset_by_an_administrator_emails_the_member(
    admin_a_client, admin_a, analyst_a, agency_a, mailoutbox, django_capture_on_commit_callbacks
):
    _enrolled_device(analyst_a)
    membership = analyst_a.memberships.get()
    with django_capture_on_commit_callbacks(execute=True):
        _verified(admin_a_client, admin_a).post(
            f"/staff/agencies/{agency_a.slug}/members/{membership.pk}/reset-two-factor/"
        )
    assert [message.to for message in mailoutbox] == [[analyst_a.email]]
    assert "reset" in mailoutbox[0].subject
