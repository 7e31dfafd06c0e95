"""The open data pages in a real Chromium with JavaScript off, checked by axe-core."""

from __future__ import annotations

import pytest

from cxgov.testing.browser import assert_no_axe_violations_as_served

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(("prefix", "heading"), [("", "Fields"), ("/es", "Campos")])
def test_data_dictionary_and_dataset_list_have_no_axe_violations_without_javascript(
    browser, page_without_js, demo_data, live_server, prefix, heading
):
    page = page_without_js
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(live_server.url + prefix + "/data/")
    assert_no_axe_violations_as_served(browser, page)
    page.locator(f'a[href="{prefix}/data/a11-quarterly/"]').first.click()
    page.wait_for_url(f"**{prefix}/data/a11-quarterly/")
    assert page.get_by_role("heading", name=heading, exact=True).is_visible()
    assert page.get_by_role("rowheader", name="attributes_q2_point_scale").is_visible()
    assert_no_axe_violations_as_served(browser, page)
    page.goto(live_server.url + prefix + "/data/service-performance/")
    assert page.get_by_role("rowheader", name="suppressed").is_visible()
    assert_no_axe_violations_as_served(browser, page)
