"""SAML 2.0 sign-in end to end against a real identity provider (pysaml2's IdP) on 127.0.0.1:
the request goes to the provider over HTTP, its signed response is posted to our ACS."""

from __future__ import annotations

import base64
import urllib.request
from collections.abc import Iterator
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from cxgov.core.models import AuditEvent, Membership, Role, SamlAssertionUse, User
from cxgov.core.saml import REQUEST_COOKIE
from cxgov.testing.saml_idp import TestIdentityProvider, form_fields, key_and_certificate

pytestmark = pytest.mark.django_db

SITE = "http://testserver"


@pytest.fixture
def idp(settings, client) -> Iterator[TestIdentityProvider]:
    with TestIdentityProvider() as provider:
        settings.SITE_URL = SITE
        settings.SAML_ENABLED = True
        settings.SAML_IDP_METADATA_FILE = provider.metadata_file
        settings.SAML_SP_ENTITY_ID = f"{SITE}/saml/metadata/"
        settings.SAML_GRANT_AGENCIES = ["alpha"]
        metadata = client.get("/saml/metadata/")
        assert metadata.status_code == 200
        assert metadata["Content-Type"] == "application/samlmetadata+xml"
        provider.trust(metadata.content.decode())
        yield provider


def _start(client: Client, next_path: str = "/staff/") -> str:
    """Begin sign-in; return the provider's URL our request redirects to."""
    response = client.get("/saml/login/", {"next": next_path})
    assert response.status_code == 302
    assert response["Location"].split("?")[0].endswith("/sso")
    assert REQUEST_COOKIE in response.cookies
    return response["Location"]


def _through_provider(client: Client, idp: TestIdentityProvider, next_path: str = "/staff/"):
    """The whole round trip over HTTP: our request, the provider's page, the POST to our ACS."""
    with urllib.request.urlopen(_start(client, next_path), timeout=10) as answer:  # noqa: S310
        fields = form_fields(answer.read().decode())
    return client.post("/saml/acs/", fields), fields


def _post(client: Client, fields: dict[str, str], **changes: str):
    return client.post("/saml/acs/", {**fields, **changes})


def test_member_signs_in_through_the_provider_and_gets_the_mapped_role(client, idp, agency_a):
    idp.identity = {
        "mail": ["New.Person@alpha.example.gov"],
        "displayName": ["New Person"],
        "cxgovRole": ["alpha:cx_analyst"],
    }
    # Without just-in-time creation there is no account to sign in to.
    response, _fields = _through_provider(client, idp)
    assert response.status_code == 403
    assert "no cxgov account for new.person@alpha.example.gov" in response.content.decode()
    assert not User.objects.filter(email__iexact="new.person@alpha.example.gov").exists()


def test_just_in_time_account_gets_the_allowed_role_and_lands_on_staff_home(
    client, idp, agency_a, settings
):
    settings.SAML_CREATE_ACCOUNTS = True
    idp.identity = {
        "mail": ["new.person@alpha.example.gov"],
        "displayName": ["New Person"],
        "cxgovRole": ["alpha:cx_analyst"],
    }
    response, _fields = _through_provider(client, idp, "/staff/")
    assert response.status_code == 302
    assert response["Location"] == "/staff/"
    user = User.objects.get(email="new.person@alpha.example.gov")
    assert user.full_name == "New Person"
    assert not user.has_usable_password()
    assert list(Membership.objects.filter(user=user).values_list("role", flat=True)) == [
        Role.CX_ANALYST
    ]
    page = client.get("/staff/").content.decode()
    assert "Agency Alpha" in page
    assert "CX analyst" in page
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"user.create", "membership.grant", "account.sign_in"} <= actions
    sign_in = AuditEvent.objects.get(action="account.sign_in")
    assert sign_in.data["via"] == "saml"


def test_existing_member_signs_in_and_keeps_roles_the_provider_may_not_grant(
    client, idp, analyst_a, agency_b
):
    # Agency B is not in SAML_GRANT_AGENCIES and agency administrator is not a grantable role.
    idp.identity = {
        "mail": [analyst_a.email],
        "cxgovRole": ["alpha:cx_analyst", "alpha:agency_admin", "bravo:cx_analyst"],
    }
    response, _fields = _through_provider(client, idp)
    assert response.status_code == 302
    roles = set(Membership.objects.filter(user=analyst_a).values_list("agency__slug", "role"))
    assert roles == {("alpha", Role.CX_ANALYST)}
    assert client.get("/staff/").status_code == 200


def test_a_deactivated_role_is_not_brought_back_by_the_provider(client, idp, analyst_a):
    Membership.objects.filter(user=analyst_a).update(is_active=False)
    idp.identity = {"mail": [analyst_a.email], "cxgovRole": ["alpha:cx_analyst"]}
    response, _fields = _through_provider(client, idp)
    assert response.status_code == 302
    assert not Membership.objects.get(user=analyst_a).is_active


def test_role_map_translates_provider_groups(client, idp, analyst_a, settings):
    settings.SAML_ROLE_MAP = ["CX Complaint Team=alpha:complaint_handler"]
    idp.identity = {
        "mail": [analyst_a.email],
        "cxgovRole": ["Everyone", "CX Complaint Team"],
    }
    response, _fields = _through_provider(client, idp)
    assert response.status_code == 302
    roles = set(Membership.objects.filter(user=analyst_a).values_list("role", flat=True))
    assert roles == {Role.CX_ANALYST, Role.COMPLAINT_HANDLER}


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("nowhere:cx_analyst", "the agency “nowhere”"),
        ("alpha:wizard", "the role “alpha:wizard”"),
        ("no-colon", "the role “no-colon”"),
    ],
)
def test_unknown_agency_or_role_gets_a_clear_refusal(client, idp, analyst_a, value, words):
    idp.identity = {"mail": [analyst_a.email], "cxgovRole": [value]}
    response, _fields = _through_provider(client, idp)
    assert response.status_code == 403
    page = response.content.decode()
    assert "We could not sign you in" in page
    assert words in page
    assert client.get("/staff/").status_code == 302
    assert AuditEvent.objects.filter(action="account.sign_in_refused").exists()


def test_missing_email_is_refused(client, idp, agency_a):
    idp.identity = {"displayName": ["Nobody"]}
    request = idp.request_from_url(_start(client))
    xml = idp.respond(request, identity={"displayName": ["Nobody"], "mail": ["not-an-email"]})
    response = _post(client, idp.post_fields(request, xml))
    assert response.status_code == 403
    assert "did not send an email address" in response.content.decode()


def _signed_in(client: Client) -> bool:
    return client.get("/staff/").status_code == 200


def test_unsigned_assertion_is_refused(client, idp, analyst_a):
    idp.identity = {"mail": [analyst_a.email], "cxgovRole": ["alpha:cx_analyst"]}
    request = idp.request_from_url(_start(client))
    response = _post(client, idp.post_fields(request, idp.respond(request, sign_assertion=False)))
    assert response.status_code == 403
    assert "could not verify the response" in response.content.decode()
    assert not _signed_in(client)


def test_assertion_for_another_service_provider_is_refused(client, idp, analyst_a):
    idp.identity = {"mail": [analyst_a.email], "cxgovRole": ["alpha:cx_analyst"]}
    request = idp.request_from_url(_start(client))
    xml = idp.respond(request, audience="https://other.example.gov/saml/metadata/")
    response = _post(client, idp.post_fields(request, xml))
    assert response.status_code == 403
    assert not _signed_in(client)


def test_expired_assertion_is_refused(client, idp, analyst_a):
    idp.identity = {"mail": [analyst_a.email], "cxgovRole": ["alpha:cx_analyst"]}
    request = idp.request_from_url(_start(client))
    fields = idp.post_fields(request, idp.respond(request))
    # The provider's assertions live 5 minutes; 60 seconds of clock difference are tolerated.
    with time_machine.travel(timezone.now() + timedelta(minutes=8), tick=True):
        response = _post(client, fields)
        assert response.status_code == 403
        assert not _signed_in(client)


def test_replayed_assertion_is_refused(client, idp, analyst_a):
    idp.identity = {"mail": [analyst_a.email], "cxgovRole": ["alpha:cx_analyst"]}
    request = idp.request_from_url(_start(client))
    cookie = client.cookies[REQUEST_COOKIE].value
    fields = idp.post_fields(request, idp.respond(request))
    assert _post(client, fields).status_code == 302
    assert SamlAssertionUse.objects.count() == 1
    client.post("/accounts/logout/")
    # The same response again, even with the browser's request cookie put back: refused.
    client.cookies[REQUEST_COOKIE] = cookie
    response = _post(client, fields)
    assert response.status_code == 403
    assert "already used" in response.content.decode()
    assert not _signed_in(client)


def test_tampered_attribute_breaks_the_signature(client, idp, analyst_a, settings):
    settings.SAML_GRANT_ROLES = [*settings.SAML_GRANT_ROLES, "agency_admin"]
    idp.identity = {"mail": [analyst_a.email], "cxgovRole": ["alpha:cx_analyst"]}
    request = idp.request_from_url(_start(client))
    xml = idp.respond(request).replace("alpha:cx_analyst", "alpha:agency_admin")
    response = _post(client, idp.post_fields(request, xml))
    assert response.status_code == 403
    assert not Membership.objects.filter(user=analyst_a, role=Role.AGENCY_ADMIN).exists()
    assert not _signed_in(client)


def test_response_to_another_browsers_request_is_refused(client, idp, analyst_a):
    idp.identity = {"mail": [analyst_a.email], "cxgovRole": ["alpha:cx_analyst"]}
    request = idp.request_from_url(_start(client))
    fields = idp.post_fields(request, idp.respond(request))
    stranger = Client()
    response = stranger.post("/saml/acs/", fields)
    assert response.status_code == 400
    assert "started in another browser" in response.content.decode()
    # Nor does a request of its own make another request's response acceptable.
    _start(stranger)
    assert stranger.post("/saml/acs/", fields).status_code == 403
    assert stranger.get("/staff/").status_code == 302


@pytest.mark.parametrize(
    "relay_state",
    ["https://evil.example/", "//evil.example/staff/", "/\\evil.example", "javascript:alert(1)"],
)
def test_relay_state_never_leaves_the_site(client, idp, analyst_a, relay_state):
    idp.identity = {"mail": [analyst_a.email], "cxgovRole": ["alpha:cx_analyst"]}
    request = idp.request_from_url(_start(client))
    fields = idp.post_fields(request, idp.respond(request))
    response = _post(client, fields, RelayState=relay_state)
    assert response.status_code == 302
    assert response["Location"] == "/staff/"


def test_next_is_carried_through_the_provider(client, idp, analyst_a):
    idp.identity = {"mail": [analyst_a.email], "cxgovRole": ["alpha:cx_analyst"]}
    response, fields = _through_provider(client, idp, "/staff/tokens/")
    assert fields["RelayState"] == "/staff/tokens/"
    assert response["Location"] == "/staff/tokens/"


def test_login_start_ignores_a_foreign_next(client, idp):
    location = _start(client, "https://evil.example/")
    request = idp.request_from_url(location)
    assert request.relay_state == "/staff/"


@pytest.mark.parametrize(
    "body",
    [{}, {"SAMLResponse": "not base64 !"}, {"SAMLResponse": base64.b64encode(b"<x/>").decode()}],
)
def test_garbage_is_refused_without_an_error(client, idp, body):
    _start(client)
    response = client.post("/saml/acs/", body)
    assert response.status_code in (400, 403)
    assert "We could not sign you in" in response.content.decode()


def test_provider_sign_in_still_needs_our_second_step_unless_trusted(
    client, idp, analyst_a, settings
):
    settings.STAFF_MFA_REQUIRED = True
    idp.identity = {"mail": [analyst_a.email], "cxgovRole": ["alpha:cx_analyst"]}
    _through_provider(client, idp)
    assert client.get("/staff/")["Location"].startswith("/accounts/two-factor/setup/")
    client.post("/accounts/logout/")
    settings.SAML_COUNTS_AS_SECOND_FACTOR = True
    _through_provider(client, idp)
    assert client.get("/staff/").status_code == 200


def test_closed_account_is_refused(client, idp, analyst_a):
    analyst_a.is_active = False
    analyst_a.save()
    idp.identity = {"mail": [analyst_a.email], "cxgovRole": ["alpha:cx_analyst"]}
    response, _fields = _through_provider(client, idp)
    assert response.status_code == 403
    assert "is closed" in response.content.decode()


def test_sign_in_page_offers_saml_only_when_configured(client, idp, settings):
    settings.SAML_PROVIDER_NAME = "Alpha single sign-on"
    page = client.get("/accounts/login/").content.decode()
    assert "Sign in with Alpha single sign-on" in page
    assert 'href="/saml/login/' in page
    spanish = client.get("/es/accounts/login/").content.decode()
    assert "Iniciar sesión con Alpha single sign-on" in spanish
    settings.SAML_ENABLED = False
    assert "/saml/login/" not in client.get("/accounts/login/").content.decode()
    for path in ("/saml/login/", "/saml/metadata/"):
        assert client.get(path).status_code == 404
    assert client.post("/saml/acs/").status_code == 404


def test_metadata_names_our_entity_and_acs(client, idp):
    xml = client.get("/saml/metadata/").content.decode()
    assert f'entityID="{SITE}/saml/metadata/"' in xml
    assert f'Location="{SITE}/saml/acs/"' in xml
    assert 'WantAssertionsSigned="true"' in xml


def test_response_sent_to_another_acs_is_refused(client, idp, analyst_a):
    idp.identity = {"mail": [analyst_a.email], "cxgovRole": ["alpha:cx_analyst"]}
    request = idp.request_from_url(_start(client))
    request.args["destination"] = "https://other.example.gov/saml/acs/"
    response = _post(client, idp.post_fields(request, idp.respond(request)))
    assert response.status_code == 403
    assert not _signed_in(client)


def test_with_our_own_key_requests_are_signed_and_the_key_is_published(
    client, idp, analyst_a, settings, tmp_path
):
    settings.SAML_SP_KEY_FILE, settings.SAML_SP_CERT_FILE = key_and_certificate(tmp_path, "sp")
    xml = client.get("/saml/metadata/").content.decode()
    assert 'AuthnRequestsSigned="true"' in xml
    assert "X509Certificate" in xml
    idp.trust(xml)
    location = _start(client)
    assert "Signature=" in location
    assert "SigAlg=" in location
    idp.identity = {"mail": [analyst_a.email], "cxgovRole": ["alpha:cx_analyst"]}
    request = idp.request_from_url(location)
    assert _post(client, idp.post_fields(request, idp.respond(request))).status_code == 302
    assert _signed_in(client)


def test_refused_responses_count_against_the_address_and_a_sign_in_takes_its_own_back(
    client, idp, analyst_a, settings
):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 2
    settings.LOGIN_ADDRESS_WINDOW_MINUTES = 15
    idp.identity = {"mail": [analyst_a.email], "cxgovRole": ["alpha:cx_analyst"]}
    assert _through_provider(client, idp)[0].status_code == 302  # counted, then taken back
    client.post("/accounts/logout/")
    assert client.post("/saml/acs/", {"SAMLResponse": "x"}).status_code == 400
    assert client.post("/saml/acs/", {"SAMLResponse": "x"}).status_code == 400
    paused = client.post("/saml/acs/", {"SAMLResponse": "x"})
    assert paused.status_code == 429
    assert "Retry-After" in paused
