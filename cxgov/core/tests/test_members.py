"""Agency administrators manage members in the product: invite by email, change roles,
deactivate and reactivate; a deactivated membership grants nothing."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxgov.core.models import AuditEvent, MemberInvitation, Membership, Role, User
from cxgov.core.permissions import Can, capabilities_in, user_can
from cxgov.core.selectors import agencies_for_user, memberships_for_user, roles_for_user
from cxgov.core.services import (
    member_invitation_create,
    membership_deactivate,
    membership_role_change,
    token_create,
)
from cxgov.testing.factories import PASSWORD, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-long-fresh-passphrase-42"
_LINK = re.compile(r"https?://[^/\s]+(/\S*/accounts/invitation/\S+/|/accounts/invitation/\S+/)")


@pytest.fixture(autouse=True)
def _emails_sent_on_commit(monkeypatch, django_capture_on_commit_callbacks):
    """The invitation email is queued once its write commits; tests run inside a transaction,
    so each invite commits (for the email's purposes) when the request ends."""
    global _capture
    _capture = django_capture_on_commit_callbacks


_capture = None


def _invite(client: Client, email: str, role: Role = Role.CX_ANALYST, language: str = "en"):
    assert _capture is not None
    with _capture(execute=True):
        return client.post(
            "/staff/agencies/alpha/members/invite/",
            {"email": email, "role": role.value, "language": language},
        )


def _link_path(message: mail.EmailMessage) -> str:
    found = _LINK.search(message.body)
    assert found, message.body
    return found.group(1)


def _membership(user: User) -> Membership:
    return Membership.objects.get(user=user)


# --- invite → accept → sign in ------------------------------------------------------------


def test_invited_person_sets_a_password_and_signs_in_with_the_role(admin_a_client, agency_a):
    response = _invite(admin_a_client, "New.Person@Alpha.example.gov", Role.COMPLAINT_HANDLER)
    assert response.status_code == 302
    assert response["Location"] == "/staff/agencies/alpha/members/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.person@alpha.example.gov"]
    assert "Agency Alpha" in message.subject
    path = _link_path(message)

    anonymous = Client()
    page = anonymous.get(path)
    assert page.status_code == 200
    assert b"Choose your password" in page.content
    # Opening the link changes nothing: mail scanners open links too.
    assert not User.objects.filter(email="new.person@alpha.example.gov").exists()

    accepted = anonymous.post(
        path, {"full_name": "New Person", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert accepted.status_code == 302
    assert accepted["Location"] == "/accounts/login/"
    user = User.objects.get(email="new.person@alpha.example.gov")
    assert user.full_name == "New Person"
    assert roles_for_user(user=user, agency=agency_a) == {Role.COMPLAINT_HANDLER}

    signed_in = anonymous.post(
        "/accounts/login/", {"username": "new.person@alpha.example.gov", "password": NEW_PASSWORD}
    )
    assert signed_in.status_code == 302
    assert anonymous.get("/staff/agencies/alpha/complaints/").status_code == 200
    assert anonymous.get("/staff/agencies/alpha/members/").status_code == 404
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"member_invitation.create", "member_invitation.accept", "user.create"} <= actions


def test_an_invitation_works_once(admin_a_client):
    _invite(admin_a_client, "once@alpha.example.gov")
    path = _link_path(mail.outbox[0])
    fields = {"full_name": "Once", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    assert Client().post(path, fields).status_code == 302
    again = Client().get(path)
    assert again.status_code == 410
    assert b"This invitation was already used" in again.content
    reused = Client().post(path, {**fields, "password1": "x" * 20, "password2": "x" * 20})
    assert reused.status_code == 410
    assert Membership.objects.filter(user__email="once@alpha.example.gov").count() == 1


def test_an_expired_invitation_says_so(admin_a_client):
    _invite(admin_a_client, "late@alpha.example.gov")
    MemberInvitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    page = Client().get(_link_path(mail.outbox[0]))
    assert page.status_code == 410
    assert b"This invitation has expired" in page.content


def test_a_newer_invitation_replaces_the_pending_one(admin_a_client):
    _invite(admin_a_client, "twice@alpha.example.gov")
    _invite(admin_a_client, "twice@alpha.example.gov", Role.SERVICE_MANAGER)
    old, new = (_link_path(message) for message in mail.outbox)
    assert Client().get(old).status_code == 410
    assert Client().get(new).status_code == 200


def test_a_withdrawn_invitation_no_longer_works(admin_a_client, admin_a):
    _invite(admin_a_client, "withdrawn@alpha.example.gov")
    invitation = MemberInvitation.objects.get()
    cancelled = admin_a_client.post(
        f"/staff/agencies/alpha/invitations/{invitation.pk}/cancel/", follow=True
    )
    assert b"no longer works" in cancelled.content
    assert Client().get(_link_path(mail.outbox[0])).status_code == 410
    assert AuditEvent.objects.filter(action="member_invitation.cancel").exists()


@pytest.mark.parametrize(
    "token",
    ["nonsense", "eyJpIjoxLCJuIjoiYSJ9:1abc:forged", "a" * 300],
)
def test_a_forged_or_garbled_link_is_refused_clearly(client, token):
    page = client.get(f"/accounts/invitation/{token}/")
    assert page.status_code == 404
    assert b"This invitation link is not valid" in page.content


def test_existing_account_is_added_to_the_agency_keeping_its_password(
    admin_a_client, agency_a, handler_b
):
    _invite(admin_a_client, handler_b.email.upper(), Role.CX_ANALYST)
    path = _link_path(mail.outbox[0])
    page = Client().get(path)
    assert b"You already have an account" in page.content
    assert Client().post(path).status_code == 302
    assert roles_for_user(user=handler_b, agency=agency_a) == {Role.CX_ANALYST}
    handler_b.refresh_from_db()
    assert handler_b.check_password(PASSWORD)


def test_the_email_goes_in_the_invitees_language(admin_a_client, agency_a):
    _invite(admin_a_client, "nueva@alpha.example.gov", language="es")
    message = mail.outbox[0]
    assert "Le invitan" in message.subject or "invitación" in message.body.lower(), message.body
    assert "/es/accounts/invitation/" in message.body
    known = UserFactory(email="conocida@alpha.example.gov", preferred_language="es")
    assert _capture is not None
    with _capture(execute=True):
        member_invitation_create(
            agency=agency_a,
            email=known.email,
            role=Role.OVERSIGHT,
            language="en",
            actor=User.objects.get(email="admin@alpha.example.gov"),
        )
    assert "/es/accounts/invitation/" in mail.outbox[1].body


def test_a_weak_password_is_refused_on_the_form(admin_a_client):
    _invite(admin_a_client, "weak@alpha.example.gov")
    path = _link_path(mail.outbox[0])
    refused = Client().post(path, {"full_name": "W", "password1": "123", "password2": "123"})
    assert refused.status_code == 400
    assert b"Please fix the following" in refused.content
    assert not User.objects.filter(email="weak@alpha.example.gov").exists()


def test_inviting_someone_who_already_holds_the_role_is_refused(admin_a_client, analyst_a):
    response = _invite(admin_a_client, analyst_a.email, Role.CX_ANALYST)
    assert response.status_code == 400
    assert b"already holds this role here" in response.content
    assert not mail.outbox


# --- roles --------------------------------------------------------------------------------


def test_admin_changes_a_members_role(admin_a_client, analyst_a, agency_a):
    membership = _membership(analyst_a)
    url = f"/staff/agencies/alpha/members/{membership.pk}/"
    assert admin_a_client.get(url).status_code == 200
    response = admin_a_client.post(url, {"role": Role.SERVICE_MANAGER.value})
    assert response.status_code == 302
    assert roles_for_user(user=analyst_a, agency=agency_a) == {Role.SERVICE_MANAGER}
    event = AuditEvent.objects.get(action="membership.role_change")
    assert event.data["role"] == ["cx_analyst", "service_manager"]
    assert event.agency == agency_a


def test_role_change_to_a_role_already_held_is_refused(admin_a_client, analyst_a, agency_a):
    MembershipFactory(user=analyst_a, agency=agency_a, role=Role.OVERSIGHT)
    membership = Membership.objects.get(user=analyst_a, role=Role.CX_ANALYST)
    response = admin_a_client.post(
        f"/staff/agencies/alpha/members/{membership.pk}/", {"role": Role.OVERSIGHT.value}
    )
    assert response.status_code == 400
    assert b"already holds this role here" in response.content


# --- the last administrator and oneself ---------------------------------------------------


def test_the_last_active_admin_cannot_be_demoted_or_deactivated(admin_a_client, admin_a):
    mine = _membership(admin_a)
    refused = admin_a_client.post(
        f"/staff/agencies/alpha/members/{mine.pk}/deactivate/", follow=True
    )
    assert b"the agency&#x27;s last active administrator" in refused.content
    demoted = admin_a_client.post(
        f"/staff/agencies/alpha/members/{mine.pk}/", {"role": Role.CX_ANALYST.value}
    )
    assert demoted.status_code == 400
    assert b"last active administrator" in demoted.content
    mine.refresh_from_db()
    assert mine.is_active and mine.role == Role.AGENCY_ADMIN
    assert not AuditEvent.objects.filter(action__startswith="membership.").exists()


def test_the_last_admin_guard_holds_for_any_caller_of_the_service(admin_a, agency_a):
    """Two admins: one may go, then the other is the last (whoever asks, the system too)."""
    other = UserFactory(email="second@alpha.example.gov")
    second = MembershipFactory(user=other, agency=agency_a, role=Role.AGENCY_ADMIN)
    membership_deactivate(membership=_membership(admin_a), actor=other)
    with pytest.raises(ValidationError, match="last active administrator"):
        membership_deactivate(membership=second, actor=None)
    with pytest.raises(ValidationError, match="last active administrator"):
        membership_role_change(membership=second, role=Role.CX_ANALYST, actor=None)
    second.refresh_from_db()
    assert second.is_active and second.role == Role.AGENCY_ADMIN


def test_an_admin_cannot_deactivate_or_demote_themselves(admin_a, agency_a):
    other = UserFactory(email="second@alpha.example.gov")
    MembershipFactory(user=other, agency=agency_a, role=Role.AGENCY_ADMIN)
    client = Client()
    client.force_login(admin_a)
    mine = _membership(admin_a)
    refused = client.post(f"/staff/agencies/alpha/members/{mine.pk}/deactivate/", follow=True)
    assert b"You cannot deactivate yourself" in refused.content
    demoted = client.post(
        f"/staff/agencies/alpha/members/{mine.pk}/", {"role": Role.CX_ANALYST.value}
    )
    assert demoted.status_code == 400
    assert b"You cannot change your own role" in demoted.content
    mine.refresh_from_db()
    assert mine.is_active and mine.role == Role.AGENCY_ADMIN


def test_another_admin_deactivates_and_reactivates_an_admin(admin_a, admin_a_client, agency_a):
    other = UserFactory(email="second@alpha.example.gov")
    theirs = MembershipFactory(user=other, agency=agency_a, role=Role.AGENCY_ADMIN)
    done = admin_a_client.post(
        f"/staff/agencies/alpha/members/{theirs.pk}/deactivate/", follow=True
    )
    assert b"grants nothing" in done.content
    theirs.refresh_from_db()
    assert not theirs.is_active
    admin_a_client.post(f"/staff/agencies/alpha/members/{theirs.pk}/reactivate/")
    theirs.refresh_from_db()
    assert theirs.is_active


# --- a deactivated membership grants nothing ----------------------------------------------


def test_deactivated_member_loses_access_everywhere(admin_a_client, analyst_a, agency_a):
    analyst = Client()
    analyst.force_login(analyst_a)
    assert analyst.get("/staff/agencies/alpha/").status_code == 200
    _, secret = token_create(user=analyst_a, name="before")
    membership = _membership(analyst_a)
    admin_a_client.post(f"/staff/agencies/alpha/members/{membership.pk}/deactivate/")
    assert AuditEvent.objects.filter(action="membership.deactivate").exists()

    assert analyst.get("/staff/agencies/alpha/").status_code == 404
    assert analyst.get("/staff/agencies/alpha/surveys/").status_code == 404
    api = Client().get("/api/v1/agencies/alpha/audit-events", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.status_code == 404
    assert not user_can(user=analyst_a, agency=agency_a, need=Can.VIEW_AGENCY)
    assert capabilities_in(user=analyst_a, agency=agency_a) == frozenset()
    assert not agencies_for_user(user=analyst_a).exists()
    assert not memberships_for_user(user=analyst_a).exists()
    assert roles_for_user(user=analyst_a, agency=agency_a) == set()
    home = analyst.get("/staff/")
    assert b"Agency Alpha" not in home.content
    # The account itself still signs in: memberships are not the account.
    signed_in = Client().post(
        "/accounts/login/", {"username": analyst_a.email, "password": PASSWORD}
    )
    assert signed_in.status_code == 302

    admin_a_client.post(f"/staff/agencies/alpha/members/{membership.pk}/reactivate/")
    assert analyst.get("/staff/agencies/alpha/").status_code == 200
    assert AuditEvent.objects.filter(action="membership.reactivate").exists()


def test_members_page_lists_status_and_last_sign_in(admin_a_client, analyst_a, handler_a):
    Membership.objects.filter(user=analyst_a).update(is_active=False)
    page = admin_a_client.get("/staff/agencies/alpha/members/").content.decode()
    assert analyst_a.email in page
    rows = {row.split("</td>")[1]: row for row in page.split("<tr>")[2:] if "</td>" in row}
    assert "Deactivated" in rows[f"<td>{analyst_a.email}"]
    assert "Never" in rows[f"<td>{handler_a.email}"]  # never signed in
    assert "Never" not in rows["<td>admin@alpha.example.gov"]  # signed in for this test
    csv = admin_a_client.get("/staff/agencies/alpha/members/?download=members")
    assert csv["Content-Type"].startswith("text/csv")
    assert analyst_a.email in csv.content.decode()


def test_members_page_is_linked_for_admins_only(admin_a_client, analyst_a_client):
    link = b'href="/staff/agencies/alpha/members/"'
    assert link in admin_a_client.get("/staff/agencies/alpha/").content
    assert link not in analyst_a_client.get("/staff/agencies/alpha/").content
    assert analyst_a_client.get("/staff/agencies/alpha/members/").status_code == 404


def test_members_pages_speak_spanish(admin_a_client, analyst_a):
    membership = _membership(analyst_a)
    assert "Invitar" in admin_a_client.get("/es/staff/agencies/alpha/members/").content.decode()
    page = admin_a_client.get(f"/es/staff/agencies/alpha/members/{membership.pk}/")
    assert "Desactivar" in page.content.decode()


# --- hostile input ------------------------------------------------------------------------


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    email=st.one_of(
        st.text(max_size=300),
        st.emails(),
        st.sampled_from(["a@b", "x@y.z\x00", "<script>@x.gov", "=cmd|' /C calc'!A0@x.gov"]),
    ),
    role=st.one_of(st.text(max_size=40), st.sampled_from(Role.values)),
    language=st.one_of(st.text(max_size=10), st.sampled_from(["en", "es", "fr"])),
)
def test_the_invite_form_answers_hostile_input_with_a_clear_error(
    admin_a_client, email, role, language
):
    before = MemberInvitation.objects.count()
    response = admin_a_client.post(
        "/staff/agencies/alpha/members/invite/",
        {"email": email, "role": role, "language": language},
    )
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        assert b"Please fix the following" in response.content
        assert MemberInvitation.objects.count() == before
    else:
        assert MemberInvitation.objects.count() == before + 1


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    token=st.text(
        alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="/?#%\x00"),
        max_size=400,
    )
)
def test_any_invitation_link_answers_without_a_server_error(client, db, token):
    if not token.strip():
        return
    response = client.get(f"/accounts/invitation/{token}/")
    assert response.status_code in (404, 410)
