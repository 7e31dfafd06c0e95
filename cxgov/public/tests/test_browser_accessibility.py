"""Accessibility proved in Chromium: keyboard-only flows, reflow at 320 px and 200% zoom, and
axe on the accessibility pages. The conformance report (cxgov/public/acr.py) names these tests
as its evidence."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from cxgov.complaints.models import Complaint
from cxgov.public import acr
from cxgov.surveys.models import Response, Survey
from cxgov.testing.browser import (
    AXE,
    AXE_TAGS,
    assert_no_axe_violations,
    assert_no_axe_violations_as_served,
)
from cxgov.testing.browser_helpers import click_and_load

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Focus = dict[str, object]

# The focused element, where it is and whether a focus indicator is drawn. USWDS hides the real
# radio and checkbox inputs and draws them, and their focus ring, on the label's ::before.
_FOCUS_JS = """() => {
  const el = document.activeElement;
  let box = el, ring = getComputedStyle(el);
  if (el.matches('.usa-radio__input, .usa-checkbox__input')) {
    box = document.querySelector(`label[for="${el.id}"]`);
    ring = getComputedStyle(box, '::before');
  }
  const r = box.getBoundingClientRect();
  return {
    tag: el.tagName.toLowerCase(), id: el.id, type: el.getAttribute('type') || '',
    href: el.getAttribute('href') || '', text: (el.innerText || '').trim().slice(0, 80),
    checked: !!el.checked, value: el.value || '',
    visible: ring.outlineStyle !== 'none' && parseFloat(ring.outlineWidth) > 0,
    in_view: r.width > 0 && r.bottom > 0 && r.top < innerHeight && r.left < innerWidth,
  };
}"""


def _focus(page: Page) -> Focus:
    return page.evaluate(_FOCUS_JS)


def _key(page: Page, key: str) -> Focus:
    """Press a key and check the element it focuses shows a focus ring inside the viewport."""
    page.keyboard.press(key)
    focus = _focus(page)
    # The skip link slides into view on focus; let such a transition finish.
    for _ in range(10):
        if focus["in_view"]:
            break
        page.wait_for_timeout(50)
        focus = _focus(page)
    if focus["tag"] not in ("body", "main"):
        assert focus["visible"], f"{key}: no visible focus indicator on {focus}"
        assert focus["in_view"], f"{key}: the focused element is outside the viewport: {focus}"
    return focus


def _tab_to(page: Page, wanted: Callable[[Focus], bool], *, limit: int = 80) -> Focus:
    visited = []
    for _ in range(limit):
        focus = _key(page, "Tab")
        if wanted(focus):
            return focus
        visited.append(f"{focus['tag']}#{focus['id']} {focus['href']}{focus['text']}")
    raise AssertionError(f"Tab never reached the element; it visited {visited}")


def _press_and_load(page: Page, key: str) -> None:
    with page.expect_navigation():
        page.keyboard.press(key)


@pytest.fixture
def demo_site(demo_data, live_server):
    return live_server.url


def test_complaint_flow_by_keyboard_only(page, demo_site):
    page.goto(demo_site + "/")
    # The first Tab stop skips the header.
    assert _key(page, "Tab")["text"] == "Skip to main content"
    page.keyboard.press("Enter")
    assert _focus(page)["id"] == "main-content"
    _tab_to(page, lambda f: f["href"] == "/complaints/")
    _press_and_load(page, "Enter")
    _tab_to(page, lambda f: str(f["href"]).startswith("/agencies/fba/complaints/new/"))
    _press_and_load(page, "Enter")

    service = _tab_to(page, lambda f: f["id"] == "id_service")
    assert service["value"] == ""
    page.keyboard.press("ArrowDown")  # the next service in the closed list
    assert _focus(page)["value"] != ""
    assert _key(page, "Tab")["id"] == "id_what_happened"
    page.keyboard.type("My benefit payment is two months late.")
    assert _key(page, "Tab")["id"] == "id_desired_resolution"
    assert _key(page, "Tab")["id"] == "id_contact_name"
    page.keyboard.type("Maria Lopez")
    # How to reach the person comes first: it decides which of the next fields are required.
    radio = _key(page, "Tab")
    assert radio["type"] == "radio"
    assert radio["checked"]
    assert radio["value"] == "email"
    assert _key(page, "ArrowDown")["value"] == "phone"
    assert _key(page, "ArrowUp")["value"] == "email"
    assert _key(page, "Shift+Tab")["id"] == "id_contact_name"
    assert _key(page, "Tab")["value"] == "email"
    assert _key(page, "Tab")["id"] == "id_contact_email"
    page.keyboard.type("maria@example.com")
    assert _key(page, "Tab")["id"] == "id_contact_phone"
    page.keyboard.type("202-555-0100")
    # The mailing address fields come next; a letter is not wanted, so they stay empty.
    _tab_to(page, lambda f: f["id"] == "id_consent_to_publish")
    page.keyboard.press("Space")
    assert _focus(page)["checked"]
    _tab_to(page, lambda f: f["tag"] == "button" and f["text"] == "Send complaint")
    _press_and_load(page, "Enter")

    number = page.locator("#tracking-number").inner_text().strip()
    complaint = Complaint.objects.get(tracking_number=number)
    assert complaint.consent_to_publish
    assert complaint.service is not None
    assert complaint.contact_preference == "email"
    # The status page opens without typing the tracking number again (WCAG 3.3.7).
    _tab_to(page, lambda f: f["href"].endswith(f"/complaints/status/{number}/"))
    _press_and_load(page, "Enter")
    expect(page.locator("#complaint-status")).to_be_visible()


def test_survey_flow_by_keyboard_only(page, demo_site):
    survey = Survey.objects.filter(
        agency__slug="fba", status="live", questions__key="went_well"
    ).first()
    before = Response.objects.filter(survey=survey).count()
    page.goto(f"{demo_site}/surveys/{survey.public_id}/")
    first = _tab_to(page, lambda f: str(f["id"]).startswith("q-trust-"))
    assert not first["checked"]
    page.keyboard.press("Space")
    assert _focus(page)["checked"]
    # Arrow keys move through the radio group, choosing as they go.
    second = _key(page, "ArrowDown")
    assert second["checked"]
    assert second["id"] != first["id"]
    assert _key(page, "ArrowUp")["id"] == first["id"]
    # Next brings the follow-up for that answer in place; focus moves to the page's progress.
    _tab_to(page, lambda f: f["tag"] == "button" and f["type"] == "submit")
    page.keyboard.press("Enter")
    expect(page.locator("#survey-progress")).to_contain_text("2 of 3")
    driver = _tab_to(page, lambda f: str(f["id"]).startswith("q-went_"), limit=5)
    assert driver["type"] == "checkbox"
    page.keyboard.press("Space")
    assert _focus(page)["checked"]
    _tab_to(page, lambda f: f["tag"] == "button" and f["type"] == "submit")
    page.keyboard.press("Enter")
    expect(page.locator("#survey-progress")).to_contain_text("3 of 3")
    _tab_to(page, lambda f: f["tag"] == "button" and f["type"] == "submit")
    _press_and_load(page, "Enter")
    assert "/thanks/" in page.url
    assert Response.objects.filter(survey=survey).count() == before + 1


def _public_paths(survey: Survey) -> list[str]:
    return [
        "/",
        "/agencies/fba/",
        "/agencies/fba/services/apply-for-retirement-benefits/",
        "/agencies/fba/standards/",
        "/agencies/fba/plan/",
        "/feedback/",
        "/complaints/",
        "/agencies/fba/complaints/new/",
        "/complaints/status/",
        f"/surveys/{survey.public_id}/",
        "/accessibility/",
        "/accessibility/conformance/",
        "/accessibility/report/",
        "/agencies/fba/accessibility/report/",
    ]


def test_public_pages_reflow_at_320_px_and_200_percent_zoom(page, demo_site):
    survey = Survey.objects.filter(agency__slug="fba", status="live").first()
    overflowing = []
    # 320 CSS px is a 1280 px window at 400% zoom; 640 CSS px is the same window at 200%.
    for prefix, width in (("", 320), ("/es", 320), ("", 640)):
        page.set_viewport_size({"width": width, "height": 640})
        for path in _public_paths(survey):
            response = page.goto(demo_site + prefix + path)
            assert response is not None
            assert response.status == 200, path
            widths = page.evaluate(
                "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
            )
            if widths[0] > widths[1]:
                overflowing.append((prefix + path, width, widths))
    assert not overflowing, f"pages that scroll sideways: {overflowing}"


def test_accessibility_pages_have_no_axe_violations(browser, page, page_without_js, demo_site):
    for path in ("/accessibility/", "/es/accessibility/", "/accessibility/conformance/"):
        page.goto(demo_site + path)
        assert_no_axe_violations(page)
    page.goto(demo_site + "/es/accessibility/conformance/")
    assert_no_axe_violations(page)
    page.goto(demo_site + "/accessibility/report/")
    click_and_load(page, page.get_by_role("link", name=re.compile("Federal Benefits")).first)
    assert_no_axe_violations(page)
    click_and_load(page, page.get_by_role("button", name="Send report"))
    expect(page.get_by_role("alert")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_label("Page where you met the barrier").fill("/agencies/fba/plan/")
    page.get_by_label("What stopped you?").fill("The table of standards has no headers.")
    page.get_by_label("Assistive technology you used (optional)").fill("JAWS 2025")
    page.get_by_label("Email address").fill("sam@example.com")
    click_and_load(page, page.get_by_role("button", name="Send report"))
    number = page.locator("#tracking-number").inner_text().strip()
    assert Complaint.objects.get(tracking_number=number).attributes["assistive_technology"]
    assert_no_axe_violations(page)

    no_js = page_without_js
    for path in ("/es/accessibility/", "/es/agencies/fba/accessibility/report/"):
        no_js.goto(demo_site + path)
        assert_no_axe_violations_as_served(browser, no_js)


def test_report_names_the_axe_rules_axe_core_runs_for_each_criterion(page):
    page.set_content("<!DOCTYPE html><html lang='en'><title>axe</title><main></main></html>")
    page.add_script_tag(path=str(AXE))
    rules = page.evaluate(
        """tags => axe.getRules(tags)
            .filter(r => !r.tags.includes('experimental') && !r.tags.includes('deprecated'))
            .map(r => [r.ruleId, r.tags])""",
        AXE_TAGS,
    )
    version = page.evaluate("() => axe.version")
    assert version == acr.AXE_VERSION
    reported = {criterion.num: set(criterion.axe) for criterion in acr.CRITERIA}
    from_axe: dict[str, set[str]] = {num: set() for num in reported}
    for rule, tags in rules:
        for tag in tags:
            match = re.fullmatch(r"wcag(\d)(\d)(\d+)", tag)
            num = match and ".".join(match.groups())
            if num in from_axe:
                from_axe[num].add(rule)
    assert reported == from_axe
