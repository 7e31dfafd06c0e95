"""Channel names are drawn as written in the service page's chart, `$` included."""

from __future__ import annotations

import pytest

from cxgov.testing.factories import ChannelFactory, ServiceFactory

pytestmark = pytest.mark.django_db


def test_dollar_signs_in_channel_names_do_not_break_the_service_page(admin_a_client, agency_a):
    service = ServiceFactory(agency=agency_a)
    ChannelFactory(service=service, name="Pay $5 by phone", annual_volume=1200)
    ChannelFactory(service=service, name="Refunds $$ desk", annual_volume=300)
    ChannelFactory(service=service, name=r"Kiosk $\nope$", annual_volume=40)

    response = admin_a_client.get(f"/staff/agencies/{agency_a.slug}/services/{service.pk}/")

    assert response.status_code == 200
    assert 'id="channel-volume-title"' in response.content.decode()
