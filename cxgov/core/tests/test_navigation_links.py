"""The agency page links only to pages the reader's role opens: no link leads to a 404."""

from __future__ import annotations

import re

import pytest

from cxgov.core.models import Role

pytestmark = pytest.mark.django_db

_STAFF_LINK = re.compile(r'href="(/staff/agencies/alpha/[^"]*)"')


@pytest.mark.parametrize("role", list(Role))
def test_every_link_on_the_agency_page_opens_for_the_role(role_a_client, agency_a, role):
    client = role_a_client(role)
    page = client.get("/staff/agencies/alpha/").content.decode()
    links = set(_STAFF_LINK.findall(page))
    assert "/staff/agencies/alpha/complaints/analytics/" in links
    broken = [url for url in sorted(links) if client.get(url).status_code == 404]
    assert not broken, f"{role}: links to pages it cannot open: {broken}"
