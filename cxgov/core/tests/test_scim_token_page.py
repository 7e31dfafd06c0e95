"""The agency administrators' page for SCIM tokens: create (shown once), list, revoke."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from cxgov.core.models import ApiToken, AuditEvent, Role, TokenScope
from cxgov.core.services import token_create
from cxgov.testing.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

PAGE = "/staff/agencies/alpha/scim-tokens/"
SECRET = re.compile(r'data-testid="new-token">(cxg_[^<]+)<')


def test_an_administrator_creates_a_token_that_shows_once_and_provisions(
    admin_a_client, admin_a, agency_a
):
    created = admin_a_client.post(PAGE, {"name": "Okta", "expires_in_days": 30})
    assert created.status_code == 200
    [secret] = SECRET.findall(created.content.decode())
    token = ApiToken.objects.get(scope=TokenScope.SCIM)
    assert (token.agency, token.user, token.name) == (agency_a, admin_a, "Okta")
    assert AuditEvent.objects.filter(action="token.create", agency=agency_a).exists()

    users = Client().get("/scim/v2/Users", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert users.status_code == 200
    listed = admin_a_client.get(PAGE).content.decode()
    assert not SECRET.search(listed)
    assert "Okta" in listed and f"cxg_{token.prefix}" in listed
    assert "/scim/v2/" in listed


def test_another_administrator_revokes_it_and_it_stops_working(admin_a, agency_a):
    token, secret = token_create(user=admin_a, name="Entra", scope=TokenScope.SCIM, agency=agency_a)
    colleague = UserFactory()
    MembershipFactory(user=colleague, agency=agency_a, role=Role.AGENCY_ADMIN)
    browser = Client()
    browser.force_login(colleague)
    answer = browser.post(f"{PAGE}{token.pk}/revoke/", follow=True)
    assert "is revoked" in answer.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None
    event = AuditEvent.objects.get(action="token.revoke")
    assert (event.actor, event.agency) == (colleague, agency_a)
    refused = Client().get("/scim/v2/Users", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert refused.status_code == 401


def test_only_the_agencys_administrators_reach_the_page(
    role_a_client, handler_b_client, admin_a, agency_a
):
    token, _secret = token_create(
        user=admin_a, name="Entra", scope=TokenScope.SCIM, agency=agency_a
    )
    for role in Role:
        if role == Role.AGENCY_ADMIN:
            continue
        client = role_a_client(role)
        assert client.get(PAGE).status_code == 404, role
        assert client.post(f"{PAGE}{token.pk}/revoke/").status_code == 404, role
    assert handler_b_client.get(PAGE).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_a_personal_token_or_another_agencys_cannot_be_revoked_here(
    admin_a_client, admin_a, agency_b
):
    personal, _secret = token_create(user=admin_a, name="Mine")
    assert admin_a_client.post(f"{PAGE}{personal.pk}/revoke/").status_code == 404
    bravo_admin = UserFactory()
    MembershipFactory(user=bravo_admin, agency=agency_b, role=Role.AGENCY_ADMIN)
    theirs, _secret = token_create(
        user=bravo_admin, name="Bravo", scope=TokenScope.SCIM, agency=agency_b
    )
    assert admin_a_client.post(f"{PAGE}{theirs.pk}/revoke/").status_code == 404
    assert not ApiToken.objects.filter(revoked_at__isnull=False).exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": "", "expires_in_days": 30}, "name"),
        ({"name": "x", "expires_in_days": 0}, "expires_in_days"),
    ],
)
def test_bad_input_is_a_field_error(admin_a_client, fields, field):
    answer = admin_a_client.post(PAGE, fields)
    assert answer.status_code == 400
    assert field in answer.context["form"].errors
    assert not ApiToken.objects.exists()


def test_the_personal_token_page_no_longer_offers_the_scim_scope(admin_a_client):
    page = admin_a_client.get("/staff/tokens/").content.decode()
    assert 'value="scim"' not in page


def test_the_agency_menu_links_the_page_for_administrators_only(admin_a_client, role_a_client):
    assert PAGE in admin_a_client.get("/staff/agencies/alpha/").content.decode()
    assert (
        PAGE
        not in role_a_client(Role.SERVICE_MANAGER).get("/staff/agencies/alpha/").content.decode()
    )
