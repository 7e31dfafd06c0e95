"""An analyst downloads filtered responses for SPSS from the responses page, in Chromium."""

from __future__ import annotations

import pyreadstat
import pytest

from cxgov.surveys.models import Survey
from cxgov.testing.browser import assert_no_axe_violations
from cxgov.testing.browser_helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_analyst_downloads_the_filtered_responses_as_spss(
    demo_data, page, live_server, tmp_path
) -> None:
    survey = Survey.objects.get(agency__slug="fba", template="a11_v2")
    sign_in(page, live_server.url, "analyst@fba.example.gov")
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(live_server.url + f"/staff/agencies/fba/surveys/{survey.pk}/responses/")
    page.locator("#id_status").select_option("valid")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**status=valid**")
    assert_no_axe_violations(page)
    link = page.get_by_role("link", name="SPSS (.sav)")
    address = link.get_attribute("href")
    # The worker prepares the file (decision 0063): the first visit says so, the next downloads.
    link.click()
    page.wait_for_load_state()
    with page.expect_download() as download:
        page.evaluate("address => { window.location.href = address }", address)
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert path.name == f"survey-{survey.pk}-responses.sav"
    frame, meta = pyreadstat.read_sav(str(path), output_format="polars")
    assert frame.height > 0 and set(frame["status"].to_list()) == {"valid"}
    assert meta.variable_value_labels["trust"] == {0.0: "Thumbs down", 1.0: "Thumbs up"}
