"""The widget on another agency site: an accessible modal with a focus trap, a page at a time
as the server leads, in the page's language, same intake."""

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


def _host_page(
    page, live_server, site, survey: Survey, mode: str = "button", lang: str = "en"
) -> None:
    origin, page_html = site
    page_html["html"] = f"""<!DOCTYPE html><html lang="{lang}"><head><title>Agency site</title>
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
    # A-11 v2 has three pages; the server checks each before the next is shown.
    dialog.get_by_text("Page 1 of 3").wait_for()
    dialog.get_by_role("button", name="Next").click()
    dialog.get_by_role("alert").wait_for()
    assert page.evaluate("document.activeElement.getAttribute('role')") == "alert"
    assert_no_axe_violations(page)
    dialog.get_by_label("Thumbs up: yes").check()
    dialog.get_by_role("button", name="Next").click()
    dialog.get_by_text("Page 2 of 3").wait_for()
    dialog.get_by_label("It was easy to do what I needed").check()
    assert_no_axe_violations(page)
    dialog.get_by_role("button", name="Next").click()
    dialog.get_by_text("Page 3 of 3").wait_for()
    dialog.get_by_role("button", name="Submit").click()
    dialog.locator(".cxgov-w-thanks").wait_for()
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
    region.get_by_role("button", name="Next").click()
    region.get_by_label("It took too long").check()
    region.get_by_role("button", name="Next").click()
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
    with page.expect_event("requestfailed", lambda request: "/widget.json?" in request.url):
        _host_page(page, live_server, agency_site, a11_survey, mode="inline")
    assert page.get_by_role("region").count() == 0


def test_widget_leads_a_branching_survey_page_by_page_in_spanish(
    page, live_server, agency_site, flow_survey: Survey
) -> None:
    flow_survey.allowed_origins = [agency_site[0]]
    flow_survey.save()
    _host_page(page, live_server, agency_site, flow_survey, mode="inline", lang="es-US")
    region = page.get_by_role("region", name="Visita")
    region.get_by_text("Página 1 de 3").wait_for()
    assert region.locator("xpath=..").get_attribute("lang") == "es"
    region.get_by_label("En persona").check()
    region.get_by_label("3", exact=True).check()
    region.get_by_label("¿Cómo llama a este servicio?").fill("<b>Rápido</b>")
    region.get_by_role("button", name="Siguiente").click()

    # In person with a low score: the wait is asked, the praise is not.
    region.get_by_text("Página 2 de 3").wait_for()
    assert page.evaluate("document.activeElement.textContent") == "Página 2 de 3"
    assert region.get_by_label("¿Qué hizo buena su visita (En persona)?").count() == 0
    region.get_by_role("button", name="Siguiente").click()
    region.get_by_role("alert").wait_for()
    assert "Answer this question." not in region.get_by_role("alert").inner_text()
    assert_no_axe_violations(page)
    region.get_by_label("¿Cuántos minutos esperó?").fill("20")
    region.get_by_role("button", name="Siguiente").click()

    # The nickname comes back as the characters typed, never as markup.
    comments = region.get_by_label("¿Algo más sobre <b>Rápido</b> en Apply for benefits?")
    comments.wait_for()
    assert region.locator("b").count() == 0
    region.get_by_role("button", name="Atrás").click()
    assert region.get_by_label("¿Cuántos minutos esperó?").input_value() == "20"
    region.get_by_role("button", name="Siguiente").click()
    comments.fill("Gracias")
    assert_no_axe_violations(page)
    region.get_by_role("button", name="Enviar").click()
    region.locator(".cxgov-w-thanks").wait_for()

    response = Response.objects.get(survey=flow_survey)
    assert (response.source, response.language, response.channel, response.service.slug) == (
        "widget",
        "es",
        "website",
        "apply",
    )
    assert response.version == flow_survey.versions.order_by("-number").first()
    assert response.version is not None
    stored = {a.question.key: a for a in response.answers.all()}
    assert (stored["nickname"].value_text, stored["comments"].value_text) == (
        "<b>Rápido</b>",
        "Gracias",
    )
    assert 20 in (stored["office_wait"].value_int, stored["office_wait"].value_number)
    assert "praise" not in stored
