"""Staff inventory pages in Chromium with axe-core, in English and Spanish."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cxgov.registry.models import Channel, Service
from cxgov.testing.browser import assert_no_axe_violations
from cxgov.testing.browser_helpers import click_and_load, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def manager(demo_data, page, live_server):
    sign_in(page, live_server.url, "manager@fba.example.gov")
    return live_server.url


@pytest.mark.parametrize("prefix", ["", "/es"])
def test_service_list_detail_and_forms_have_no_axe_violations(page, manager, prefix):
    service = Service.objects.get(agency__slug="fba", slug="apply-for-retirement-benefits")
    channel = Channel.objects.filter(service=service, kind="phone").get()
    base = f"{manager}{prefix}/staff/agencies/fba"
    for path in (
        "/services/",
        f"/services/{service.pk}/",
        f"/services/{service.pk}/edit/",
        f"/services/{service.pk}/channels/new/",
        f"/channels/{channel.pk}/hours/",
        "/segments/",
        "/services/import/",
    ):
        page.goto(base + path)
        assert_no_axe_violations(page)


def test_form_errors_are_announced_and_accessible(page, manager):
    service = Service.objects.get(agency__slug="fba", slug="update-your-address")
    page.goto(f"{manager}/staff/agencies/fba/services/{service.pk}/channels/new/")
    page.locator("#id_name").fill("")
    page.get_by_label("Languages offered").fill("not a code!")
    click_and_load(page, page.get_by_role("button", name="Save"))
    expect(page.get_by_role("alert").first).to_be_visible()
    expect(page.get_by_text("is not a language code").first).to_be_visible()
    assert_no_axe_violations(page)


def test_manager_adds_a_channel_and_the_public_sees_it(page, manager):
    service = Service.objects.get(agency__slug="fba", slug="update-your-address")
    page.goto(f"{manager}/staff/agencies/fba/services/{service.pk}/channels/new/")
    page.get_by_label("Kind of channel").select_option("chat")
    page.locator("#id_name").fill("Chat with us")
    page.get_by_label("Web address").fill("www.example.gov/chat")
    click_and_load(page, page.get_by_role("button", name="Save"))
    expect(page.get_by_text("Channel added")).to_be_visible()
    page.goto(f"{manager}/agencies/fba/services/update-your-address/")
    assert page.get_by_role("heading", name="Chat with us").is_visible()
