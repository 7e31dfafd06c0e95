"""The widget keeps answers in the browser while sending fails, and they land exactly once."""

from __future__ import annotations

import json

import pytest

from cxgov.surveys.models import Response, Survey
from cxgov.surveys.tests.test_browser_widget import _host_page
from cxgov.surveys.tests.test_browser_widget import agency_site as agency_site
from cxgov.testing.browser import assert_no_axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STORE = "cxgov-survey-pending:"


def _stored(page, survey: Survey):
    raw = page.evaluate(f"window.localStorage.getItem('{STORE}{survey.public_id}')")
    return json.loads(raw) if raw else None


def test_widget_keeps_answers_retries_and_stores_them_once(
    page, live_server, agency_site, a11_survey: Survey
) -> None:
    origin = agency_site[0]
    a11_survey.allowed_origins = [origin]
    a11_survey.save()
    posts: list[str] = []

    def flaky_intake(route) -> None:
        if route.request.method != "POST":
            route.continue_()
            return
        posts.append(route.request.post_data or "")
        if len(posts) == 1:
            route.abort("internetdisconnected")
        elif len(posts) == 2:
            # The server stores the answers, but its reply is lost behind a 503.
            route.fetch()
            route.fulfill(
                status=503,
                headers={"Retry-After": "1", "Access-Control-Allow-Origin": origin},
                content_type="application/json",
                body='{"ok": false, "detail": "busy"}',
            )
        else:
            route.continue_()

    page.route(f"{live_server.url}/surveys/*/widget/", flaky_intake)
    _host_page(page, live_server, agency_site, a11_survey)
    page.get_by_role("button", name="Give feedback").click()
    dialog = page.get_by_role("dialog", name="How did we do?")
    dialog.get_by_label("Thumbs up: yes").check()
    dialog.get_by_role("button", name="Next").click()
    dialog.get_by_label("It was easy to do what I needed").check()
    dialog.get_by_role("button", name="Next").click()
    dialog.get_by_role("button", name="Submit").click()

    kept = dialog.get_by_text("They are kept in this browser")
    kept.wait_for()
    assert_no_axe_violations(page)
    pending = _stored(page, a11_survey)
    assert pending is not None
    answered = {name: value for name, value in pending["fields"] if name.startswith("q-") and value}
    assert answered == {"q-trust": "1", "q-went_well": "ease"}

    dialog.locator(".cxgov-w-thanks").wait_for(timeout=20_000)
    assert len(posts) == 3
    # Every attempt carried the same submission id, so the three sends stored one response.
    ids = {part for body in posts for part in body.split("&") if part.startswith("submission_id")}
    assert len(ids) == 1
    assert Response.objects.filter(survey=a11_survey).count() == 1
    assert _stored(page, a11_survey) is None


def test_answers_left_unsent_are_restored_and_sent_on_the_next_visit(
    page, live_server, agency_site, a11_survey: Survey
) -> None:
    a11_survey.allowed_origins = [agency_site[0]]
    a11_survey.save()
    intake = f"{live_server.url}/surveys/*/widget/"
    page.route(intake, lambda route: route.abort("internetdisconnected"))
    _host_page(page, live_server, agency_site, a11_survey, mode="inline")
    region = page.get_by_role("region", name="How did we do?")
    region.get_by_label("Thumbs down: no").check()
    region.get_by_role("button", name="Next").click()
    region.get_by_label("It took too long").check()
    region.get_by_role("button", name="Next").click()
    region.get_by_role("button", name="Submit").click()
    region.get_by_text("They are kept in this browser").wait_for()
    assert Response.objects.count() == 0

    # Next visit, still offline: the first page shows its answer back, all still waiting.
    page.reload()
    region = page.get_by_role("region", name="How did we do?")
    region.get_by_text("They are kept in this browser").wait_for()
    assert region.get_by_label("Thumbs down: no").is_checked()
    answered = {n: v for n, v in _stored(page, a11_survey)["fields"] if n.startswith("q-")}
    assert answered == {"q-trust": "0", "q-went_poorly": "efficiency"}
    # Back online: the next retry sends them.
    page.unroute(intake)
    page.locator(".cxgov-w-thanks").wait_for(timeout=20_000)
    assert Response.objects.filter(survey=a11_survey).count() == 1
    assert _stored(page, a11_survey) is None
