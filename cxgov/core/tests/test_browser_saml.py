"""SAML sign-in in Chromium: the sign-in page's button, the test identity provider's page that
posts back by itself, and the staff home with the role the provider mapped; axe-clean EN/ES."""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from cxgov.core.models import Membership, Role, User
from cxgov.testing.browser import assert_no_axe_violations
from cxgov.testing.factories import AgencyFactory
from cxgov.testing.saml_idp import TestIdentityProvider

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(live_server, settings) -> Iterator[tuple[str, TestIdentityProvider]]:
    # The provider listens on 127.0.0.1; the site is reached there too, as one site.
    base = live_server.url.replace("localhost", "127.0.0.1")
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "127.0.0.1"]
    with TestIdentityProvider() as idp:
        settings.SITE_URL = base
        settings.SAML_ENABLED = True
        settings.SAML_IDP_METADATA_FILE = idp.metadata_file
        settings.SAML_SP_ENTITY_ID = f"{base}/saml/metadata/"
        settings.SAML_PROVIDER_NAME = "Alpha single sign-on"
        settings.SAML_GRANT_AGENCIES = ["alpha"]
        settings.SAML_CREATE_ACCOUNTS = True
        with urllib.request.urlopen(f"{base}/saml/metadata/", timeout=10) as answer:  # noqa: S310
            idp.trust(answer.read().decode())
        yield base, idp


def test_person_signs_in_through_the_provider_and_lands_with_the_mapped_role(page, site):
    base, idp = site
    AgencyFactory(name="Agency Alpha", slug="alpha")
    idp.identity = {
        "mail": ["pat.analyst@alpha.example.gov"],
        "displayName": ["Pat Analyst"],
        "cxgovRole": ["alpha:cx_analyst"],
    }
    page.goto(f"{base}/es/accounts/login/")
    expect(page.get_by_role("link", name="Iniciar sesión con Alpha single sign-on")).to_be_visible()
    assert_no_axe_violations(page)
    page.goto(f"{base}/accounts/login/")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Sign in with Alpha single sign-on").click()
    # The provider's page posts the signed response back to our ACS by itself.
    page.wait_for_url(f"{base}/staff/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_text("Agency Alpha").first).to_be_visible()
    expect(page.get_by_text("CX analyst").first).to_be_visible()
    assert_no_axe_violations(page)
    user = User.objects.get(email="pat.analyst@alpha.example.gov")
    assert Membership.objects.get(user=user).role == Role.CX_ANALYST


def test_refusal_page_is_clear_and_accessible(page, site):
    base, idp = site
    AgencyFactory(name="Agency Alpha", slug="alpha")
    idp.identity = {"mail": ["pat@alpha.example.gov"], "cxgovRole": ["nowhere:cx_analyst"]}
    page.goto(f"{base}/accounts/login/")
    page.get_by_role("link", name="Sign in with Alpha single sign-on").click()
    page.wait_for_url(f"{base}/saml/acs/")
    expect(page.get_by_role("heading", name="We could not sign you in")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("the agency “nowhere”")
    assert_no_axe_violations(page)
    assert not User.objects.filter(email="pat@alpha.example.gov").exists()
