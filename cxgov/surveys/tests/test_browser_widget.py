"""The widget on another agency site: an accessible modal with a focus trap, same intake."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from cxgov.surveys.models import Response, Survey
from cxgov.testing.browser import assert_no_axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def agency_site() -> Iterator[tuple[str, dict[str, str]]]:
    """Another web site on the loopback (another origin) where the widget is embedded."""
    page_html: dict[str, str] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = page_html.get("html", "").encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", page_html
    server.shutdown()
    server.server_close()


def _host_page(page, live_server, site, survey: Survey, mode: str = "button") -> None:
    origin, page_html = site
    page_html["html"] = f"""<!DOCTYPE html><html lang="en"><head><title>Agency site</title>
    </head><body><main><h1>Apply for benefits</h1><p>Tell us how it went.</p>
    <script src="{live_server.url}/static/cxgov/surveys-widget.js"
      data-survey="{survey.public_id}" data-mode="{mode}" data-channel="website"
      data-service="apply"></script></main></body></html>"""
    page.goto(origin + "/")


def test_modal_traps_focus_closes_on_escape_and_submits(
    page, live_server, agency_site, a11_survey: Survey
) -> None:
    a11_survey.allowed_origins = [agency_site[0]]
    a11_survey.save()
    _host_page(page, live_server, agency_site, a11_survey)
    opener = page.get_by_role("button", name="Give feedback")
    opener.wait_for()
    opener.click()
    dialog = page.get_by_role("dialog", name="How did we do?")
    dialog.wait_for()
    assert_no_axe_violations(page)
    for _ in range(30):
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.closest('[role=dialog]') !== null")
    page.keyboard.press("Escape")
    assert dialog.count() == 0
    assert page.evaluate("document.activeElement.textContent") == "Give feedback"

    opener.click()
    dialog.get_by_role("button", name="Submit").click()
    dialog.get_by_role("alert").wait_for()
    assert_no_axe_violations(page)
    dialog.get_by_label("Thumbs up: yes").check()
    dialog.get_by_label("It was easy to do what I needed").check()
    assert_no_axe_violations(page)
    dialog.get_by_role("button", name="Submit").click()
    dialog.get_by_role("status").wait_for()
    response = Response.objects.get()
    assert (response.source, response.channel, response.service.slug) == (
        "widget",
        "website",
        "apply",
    )


def test_inline_widget_shows_errors_accessibly_on_an_allowed_site(
    page, live_server, agency_site, a11_survey: Survey
) -> None:
    a11_survey.allowed_origins = [agency_site[0]]
    a11_survey.save()
    _host_page(page, live_server, agency_site, a11_survey, mode="inline")
    region = page.get_by_role("region", name="How did we do?")
    region.get_by_label("Thumbs down: no").check()
    region.get_by_label("It took too long").check()
    region.get_by_label("Is there anything else you would like to tell us?").fill("x" * 10)
    page.evaluate("document.querySelector('textarea').removeAttribute('maxlength')")
    region.get_by_label("Is there anything else you would like to tell us?").fill("x" * 2001)
    region.get_by_role("button", name="Submit").click()
    region.get_by_role("alert").wait_for()
    assert "2000" in region.get_by_role("alert").inner_text()
    assert_no_axe_violations(page)
    assert Response.objects.count() == 0


def test_widget_stays_away_from_an_unlisted_site(
    page, live_server, agency_site, a11_survey: Survey
) -> None:
    # The browser refuses the widget the survey it asks for (no CORS grant), so it draws nothing.
    with page.expect_event("requestfailed", lambda request: request.url.endswith("/widget.json")):
        _host_page(page, live_server, agency_site, a11_survey, mode="inline")
    assert page.get_by_role("region").count() == 0
