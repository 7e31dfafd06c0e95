"""Mobile-first layout measured in Chromium: no public page scrolls sideways on a phone, and a
survey's questions are set smaller than its title.

One test on purpose: browser tests dominate CI time, so every public page
(`cxgov.testing.public_pages`) is opened in one browser context per width, in English, in
Spanish, in Arabic (right to left) and in Simplified Chinese (no spaces between words to break
lines at), with JavaScript on, over the demo the other browser tests already load.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Error as PlaywrightError

from cxgov.testing.public_pages import public_page_paths

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The narrowest phone WCAG reflow asks for, and a common phone today.
WIDTHS = (320, 390)
LANGUAGES = ("", "/es", "/ar", "/zh-hans")

# The window's width, less a scrollbar where the browser draws one beside the page.
_WIDTHS_JS = """() => [
  document.documentElement.scrollWidth,
  Math.min(window.innerWidth, document.documentElement.clientWidth),
]"""
# The survey title's font size and each question legend's, in CSS pixels.
_SIZES_JS = """() => ({
  title: parseFloat(getComputedStyle(document.querySelector('main h1')).fontSize),
  legends: [...document.querySelectorAll('main form fieldset > legend')].map(
    (legend) => [
      legend.innerText.trim().slice(0, 60), parseFloat(getComputedStyle(legend).fontSize),
    ]
  ),
})"""


def test_public_pages_fit_a_phone_in_each_script_and_questions_are_smaller_than_the_title(
    browser, demo_data, live_server
):
    paths = public_page_paths()
    overflowing: list[tuple[str, int, list[int]]] = []
    measured: set[str] = set()
    larger_questions: list[tuple[str, int, float, str, float]] = []
    for width in WIDTHS:
        context = browser.new_context(
            viewport={"width": width, "height": 800}, java_script_enabled=True
        )
        page = context.new_page()
        try:
            for prefix in LANGUAGES:
                for name, path in paths.items():
                    try:
                        response = page.goto(live_server.url + prefix + path)
                    except PlaywrightError:
                        continue  # an endpoint that answers GET with no body (POST only)
                    assert response is not None, path
                    if "text/html" not in (response.headers.get("content-type") or ""):
                        continue  # data, PDFs and JSON are not laid out
                    measured.add(name)
                    scroll_width, window_width = page.evaluate(_WIDTHS_JS)
                    if scroll_width > window_width:
                        overflowing.append((prefix + path, width, [scroll_width, window_width]))
                    if name == "survey":
                        sizes = page.evaluate(_SIZES_JS)
                        assert sizes["legends"], "the survey page shows no questions"
                        larger_questions += [
                            (prefix + path, width, size, text, sizes["title"])
                            for text, size in sizes["legends"]
                            if size >= sizes["title"]
                        ]
        finally:
            context.close()
    assert {"home", "survey", "complaint_new", "service"} <= measured
    assert not overflowing, f"pages that scroll sideways: {overflowing}"
    assert not larger_questions, f"questions set as large as the title: {larger_questions}"
