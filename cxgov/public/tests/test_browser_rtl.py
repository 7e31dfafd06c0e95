"""Arabic pages are laid out right to left, measured in Chromium (decision 0061).

The main public pages are opened under /ar/ on a phone and on a desktop: the page says
`dir="rtl"`, its heading's text starts at the container's right edge, the language switcher
sits at the left end and the breadcrumb runs from right to left, no page scrolls sideways at
320 px, and axe finds no WCAG 2.2 AA violation. The layout
is checked without the Arabic catalogue too: English text in a right-to-left page is measured
the same way.

One test on purpose (browser tests dominate CI time). Screenshots go to the test's temporary
folder; with UPDATE_SCREENSHOTS=1 the ones the docs show are written to
docs/accessibility/screenshots/.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings

from cxgov.testing.browser import axe_violations
from cxgov.testing.public_pages import public_page_paths

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = (
    "home",
    "agency",
    "service",
    "service_performance",
    "agency_standards",
    "agency_plan",
    "survey",
    "complaint_new",
    "complaint_status",
    "barrier_new",
)
# The narrowest phone WCAG reflow asks for, a common phone, and a desktop.
PHONE, NARROW, DESKTOP = 320, 390, 1024
# Screenshots the docs show: (page, width) → file name.
SCREENSHOTS = {
    ("complaint_new", NARROW): "rtl-complaint-form-390.png",
    ("service", DESKTOP): "rtl-service-1024.png",
    ("agency", PHONE): "rtl-agency-320.png",
}
SHOTS = Path(settings.BASE_DIR) / "docs" / "accessibility" / "screenshots"
# Pixels of slack for sub-pixel layout and the heading's own letter spacing.
SLACK = 3

# Geometry of the page, in CSS pixels: the document's direction and widths, the main heading's
# text against its container's content box, the first collection item's edge, the switcher's
# place in its bar, the breadcrumb items shown.
_MEASURE_JS = """() => {
  const box = (el) => {
    const r = el.getBoundingClientRect();
    return {left: r.left, right: r.right, width: r.width};
  };
  const content = (el) => {
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    return {
      left: r.left + parseFloat(s.paddingLeft), right: r.right - parseFloat(s.paddingRight),
    };
  };
  const h1 = document.querySelector('main h1');
  let heading = null;
  if (h1) {
    const range = document.createRange();
    range.selectNodeContents(h1);
    heading = {text: box(range), container: content(h1.parentElement), own: box(h1)};
  }
  const toggle = document.querySelector('.cx-language__toggle');
  const bar = document.querySelector('.cx-language-bar .grid-container');
  const crumbs = [...document.querySelectorAll('.usa-breadcrumb__list-item')]
    .filter((li) => li.getBoundingClientRect().width > 0)
    .map(box);
  const item = document.querySelector('main .usa-collection__item');
  return {
    item: item ? {own: box(item), list: content(item.closest('.grid-container'))} : null,
    dir: document.documentElement.getAttribute('dir'),
    lang: document.documentElement.getAttribute('lang'),
    direction: getComputedStyle(document.body).direction,
    scrollWidth: document.documentElement.scrollWidth,
    windowWidth: Math.min(window.innerWidth, document.documentElement.clientWidth),
    heading,
    toggle: toggle ? box(toggle) : null,
    bar: bar ? content(bar) : null,
    crumbs,
  };
}"""


def _check(name: str, width: int, m: dict) -> list[str]:
    """What is wrong with one page's right-to-left layout at one width."""
    problems = []
    if m["dir"] != "rtl" or m["lang"] != "ar" or m["direction"] != "rtl":
        problems.append(f"not right to left: dir={m['dir']} lang={m['lang']}")
    if m["scrollWidth"] > m["windowWidth"]:
        problems.append(f"scrolls sideways: {m['scrollWidth']} > {m['windowWidth']}")
    heading = m["heading"]
    if heading is None:
        problems.append("no main heading")
    else:
        text, container = heading["text"], heading["container"]
        if abs(text["right"] - container["right"]) > SLACK:
            problems.append(f"heading text ends {text['right']} not at {container['right']}")
        # A heading shorter than its line must leave the space on the left, not the right.
        if text["width"] < heading["own"]["width"] - 40 and text["left"] < container["left"] + 20:
            problems.append("heading text starts at the left")
    toggle, bar = m["toggle"], m["bar"]
    if toggle is None or bar is None:
        problems.append("no language switcher")
    elif abs(toggle["left"] - bar["left"]) > SLACK:
        problems.append(f"switcher at {toggle['left']}, not at the left end {bar['left']}")
    elif (
        toggle["right"] > m["windowWidth"] or toggle["width"] > (bar["right"] - bar["left"]) * 2 / 3
    ):
        problems.append(f"switcher is not a compact button: {toggle}")
    item = m["item"]
    # A list of services starts at the right edge too, without the browser's start padding.
    if item is not None and abs(item["own"]["right"] - item["list"]["right"]) > SLACK:
        problems.append(f"list item ends at {item['own']['right']}, not {item['list']['right']}")
    crumbs = m["crumbs"]
    # On a phone USWDS shows only the parent link; on a desktop the whole trail, first on right.
    if width >= DESKTOP and len(crumbs) >= 2:
        rights = [crumb["right"] for crumb in crumbs]
        if rights != sorted(rights, reverse=True):
            problems.append(f"breadcrumb not right to left: {rights}")
    return problems


def test_arabic_pages_mirror_fit_a_phone_and_pass_axe(browser, demo_data, live_server, tmp_path):
    paths = public_page_paths()
    update = os.environ.get("UPDATE_SCREENSHOTS") == "1"
    problems: dict[str, list[str]] = {}
    crumbs_checked = 0
    for width in (PHONE, NARROW, DESKTOP):
        context = browser.new_context(
            viewport={"width": width, "height": 800}, bypass_csp=True, locale="ar"
        )
        page = context.new_page()
        try:
            for name in PAGES:
                url = live_server.url + "/ar" + paths[name]
                response = page.goto(url)
                assert response is not None and response.ok, url
                assert page.url == url, f"{url} was sent to {page.url}"
                measured = page.evaluate(_MEASURE_JS)
                found = _check(name, width, measured)
                if width >= DESKTOP and len(measured["crumbs"]) >= 2:
                    crumbs_checked += 1
                # axe on the phone and the desktop; 320 px is checked for reflow only.
                if width != PHONE:
                    found += [
                        f"axe {v['id']}: {[n['target'] for n in v['nodes']][:3]}"
                        for v in axe_violations(page)
                    ]
                if found:
                    problems[f"{name} at {width}px"] = found
                shot = SCREENSHOTS.get((name, width))
                if shot:
                    target = SHOTS / shot if update else tmp_path / shot
                    target.parent.mkdir(parents=True, exist_ok=True)
                    page.screenshot(path=str(target))
        finally:
            context.close()
    assert crumbs_checked, "no page with a breadcrumb was measured on the desktop"
    assert not problems, f"right-to-left problems: {problems}"


def test_the_switcher_opens_without_javascript_and_lists_languages_in_their_names(
    browser, demo_data, live_server
):
    context = browser.new_context(
        viewport={"width": PHONE, "height": 800}, java_script_enabled=False
    )
    page = context.new_page()
    try:
        page.goto(live_server.url + "/ar" + public_page_paths()["service"] + "?from=test")
        page.locator(".cx-language__toggle").click()
        links = page.locator(".cx-language__list a")
        assert links.first.is_visible()
        english = page.locator('.cx-language__list a[hreflang="en"]')
        assert english.get_attribute("lang") == "en"
        assert english.inner_text() == "English"
        assert english.get_attribute("href").endswith("?from=test")
        chinese = page.locator('.cx-language__list a[hreflang="zh-hans"]')
        assert chinese.inner_text() == "简体中文"
        current = page.locator('.cx-language__list [aria-current="page"]')
        assert current.get_attribute("lang") == "ar"
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= PHONE
    finally:
        context.close()
