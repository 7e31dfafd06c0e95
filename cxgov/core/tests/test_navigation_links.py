"""Staff menus link only to pages the reader's role opens, and to every one of them.

Each menu link of `core/navigation.py` names the capability its page asks for. Here every role
opens every link of every menu: a link the role sees must answer 200 (after redirects), and a
link it does not see must answer 404, so the capability a link names is the one its view checks.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from cxgov.core.models import Role
from cxgov.core.navigation import (
    ACCOUNT_MENU,
    AGENCY_MENU,
    HEADER_MENU,
    OVERSIGHT_MENU,
    MenuLink,
)
from cxgov.core.permissions import ROLE_CAPABILITIES, Can
from cxgov.testing.factories import UserFactory

pytestmark = pytest.mark.django_db

_STAFF_LINK = re.compile(r'href="(/staff/[^"]*)"')
_HREF = re.compile(r'href="([^"]*)"')


def _opens(client: Client, url: str) -> bool:
    return client.get(url, follow=True).status_code == 200


def _walk(client: Client, page_url: str, menu: tuple[MenuLink, ...], can, **kwargs) -> None:
    hrefs = set(_HREF.findall(client.get(page_url).content.decode()))
    for link in menu:
        url = reverse(link.url_name, kwargs=kwargs or None)
        if link.need is None or link.need in can:
            assert url in hrefs, f"{page_url}: {url} is missing"
            assert _opens(client, url), f"{page_url}: {url} does not open"
        else:
            assert url not in hrefs, f"{page_url}: {url} is shown"
            assert client.get(url).status_code == 404, f"{url} opens without {link.need}"


@pytest.mark.parametrize("role", list(Role))
def test_each_role_sees_exactly_the_agency_links_it_may_open(role_a_client, agency_a, role):
    client = role_a_client(role)
    _walk(client, "/staff/agencies/alpha/", AGENCY_MENU, ROLE_CAPABILITIES[role], slug="alpha")


@pytest.mark.parametrize("role", list(Role))
def test_each_role_sees_exactly_the_staff_home_links_it_may_open(role_a_client, agency_a, role):
    client = role_a_client(role)
    can = ROLE_CAPABILITIES[role]
    staff_home = reverse("core:staff_home")
    for menu in (HEADER_MENU, OVERSIGHT_MENU, ACCOUNT_MENU):
        _walk(client, staff_home, menu, can)


@pytest.mark.parametrize("role", list(Role))
def test_no_staff_link_on_the_staff_pages_answers_404(role_a_client, agency_a, role):
    client = role_a_client(role)
    for page in (reverse("core:staff_home"), "/staff/agencies/alpha/"):
        links = set(_STAFF_LINK.findall(client.get(page).content.decode()))
        broken = [url for url in sorted(links) if client.get(url).status_code == 404]
        assert not broken, f"{role} on {page}: links to pages it cannot open: {broken}"


def test_the_oversight_grant_shows_the_oversight_links(db):
    user = UserFactory(email="overseer@example.gov")
    user.user_permissions.add(Permission.objects.get(codename=Can.OVERSEE_GOVERNMENT.value))
    client = Client()
    client.force_login(user)
    can = frozenset({Can.OVERSEE_GOVERNMENT})
    for menu in (HEADER_MENU, OVERSIGHT_MENU, ACCOUNT_MENU):
        _walk(client, reverse("core:staff_home"), menu, can)


@pytest.mark.parametrize("role", list(Role))
def test_spanish_menus_stay_in_spanish(role_a_client, agency_a, role):
    client = role_a_client(role)
    can = ROLE_CAPABILITIES[role]
    with translation.override("es"):
        for page, menus, kwargs in (
            (reverse("core:staff_home"), (HEADER_MENU, ACCOUNT_MENU), {}),
            ("/es/staff/agencies/alpha/", (HEADER_MENU, AGENCY_MENU), {"slug": "alpha"}),
        ):
            assert page.startswith("/es/")
            html = client.get(page).content.decode()
            for link in (link for menu in menus for link in menu):
                if link.need is not None and link.need not in can:
                    continue
                args = kwargs if link in AGENCY_MENU else {}
                url = reverse(link.url_name, kwargs=args or None)
                assert url.startswith("/es/")
                assert f'href="{url}"' in html, f"{page}: {url} is missing"
                assert str(link.label) in html, f"{page}: {link.label} is not in Spanish"


def test_the_menus_cost_no_query_per_link(role_a_client, agency_a):
    """An administrator sees every agency link, a front-line employee few: the same queries
    but the administrator's audit log."""
    counts = {}
    for role in (Role.AGENCY_ADMIN, Role.FRONTLINE_EMPLOYEE):
        client = role_a_client(role)
        client.get("/staff/agencies/alpha/")  # the session settles first
        with CaptureQueriesContext(connection) as page:
            client.get("/staff/agencies/alpha/")
        counts[role] = len(page.captured_queries)
    assert counts[Role.AGENCY_ADMIN] == counts[Role.FRONTLINE_EMPLOYEE] + 1, counts
