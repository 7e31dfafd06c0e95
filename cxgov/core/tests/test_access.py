"""Staff see only their own agency's data; anything else answers 404, like a missing object."""

from __future__ import annotations

import re

import pytest
from django.http import Http404

from cxgov.core.permissions import Can
from cxgov.core.selectors import access_agency, agencies_for_user
from cxgov.registry.selectors import access_service
from cxgov.testing.factories import ServiceFactory

pytestmark = pytest.mark.django_db


def test_analyst_reads_own_agency_overview(analyst_a_client, agency_a):
    response = analyst_a_client.get(f"/staff/agencies/{agency_a.slug}/")
    assert response.status_code == 200
    assert "Agency Alpha" in response.content.decode()


def test_analyst_gets_404_for_other_agency_overview(analyst_a_client, agency_b):
    response = analyst_a_client.get(f"/staff/agencies/{agency_b.slug}/")
    assert response.status_code == 404


def test_other_agency_and_missing_agency_answer_alike(analyst_a_client, agency_b):
    other = analyst_a_client.get(f"/staff/agencies/{agency_b.slug}/")
    missing = analyst_a_client.get("/staff/agencies/no-such-agency/")
    assert other.status_code == missing.status_code == 404

    # Only the echoed address and the per-response CSRF mask may differ.
    def normalised(content: bytes, slug: bytes) -> bytes:
        return re.sub(rb'value="[A-Za-z0-9]{64}"', b"", content.replace(slug, b"X"))

    assert normalised(other.content, b"bravo") == normalised(missing.content, b"no-such-agency")


def test_anonymous_visitor_is_sent_to_sign_in(client, agency_a):
    response = client.get(f"/staff/agencies/{agency_a.slug}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_admin_sees_members_and_audit_log_but_analyst_does_not(
    admin_a_client, analyst_a_client, agency_a, analyst_a
):
    admin_page = admin_a_client.get(f"/staff/agencies/{agency_a.slug}/").content.decode()
    analyst_page = analyst_a_client.get(f"/staff/agencies/{agency_a.slug}/").content.decode()
    assert "Members and invitations" in admin_page
    assert "Recent changes" in admin_page
    assert "Members" not in analyst_page
    assert "Recent changes" not in analyst_page
    members = admin_a_client.get(f"/staff/agencies/{agency_a.slug}/members/").content.decode()
    assert analyst_a.email in members


def test_access_agency_checks_the_capability_needed(analyst_a, agency_a):
    assert access_agency(user=analyst_a, agency_slug="alpha") == agency_a
    with pytest.raises(Http404):
        access_agency(user=analyst_a, agency_slug="alpha", need=Can.ADMINISTER_AGENCY)


def test_inactive_user_has_no_access(analyst_a):
    analyst_a.is_active = False
    analyst_a.save()
    with pytest.raises(Http404):
        access_agency(user=analyst_a, agency_slug="alpha")


def test_agencies_for_user_lists_only_memberships(analyst_a, agency_a, agency_b):
    assert list(agencies_for_user(user=analyst_a)) == [agency_a]


def test_access_selector_finds_own_service_and_hides_other_agencys(analyst_a, agency_a, agency_b):
    own = ServiceFactory(agency=agency_a)
    other = ServiceFactory(agency=agency_b)
    assert access_service(user=analyst_a, agency_slug=agency_a.slug, service_id=own.pk) == own
    with pytest.raises(Http404):
        access_service(user=analyst_a, agency_slug=agency_a.slug, service_id=other.pk)
    with pytest.raises(Http404):
        access_service(
            user=analyst_a, agency_slug=agency_a.slug, service_id=own.pk, need=Can.EDIT_SERVICES
        )


def test_access_selector_refuses_a_misnamed_id_keyword(analyst_a, agency_a):
    with pytest.raises(TypeError, match="service_id"):
        access_service(user=analyst_a, agency_slug=agency_a.slug, channel_id=1)
