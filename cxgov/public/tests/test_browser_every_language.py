"""Every public page in every offered language, checked by axe in Chromium: without JavaScript
in each language, and with JavaScript on a sample of languages plus the survey and the complaint
form in each. Each page must also say its language in `<html lang>`, and a right-to-left
language must set `<html dir="rtl">`.

The languages are read from settings.LANGUAGES when the tests are collected, one test per
language, so a language added there is checked without touching this file. Without JavaScript
every page, as served, must say its language in every language, and axe checks every page in
English and in each right-to-left language; in the other languages axe takes a rotating share
of the pages (AXE_SHARE), so each page is checked in several translations and each translation
on several pages, while the run stays within CI's time.

Without JavaScript the pages are checked at desktop width, with JavaScript at 390 px, so that
both layouts are covered without doubling the run.

With UPDATE_SCREENSHOTS=1 the test saves the Arabic complaint form and the Simplified
Chinese survey to docs/accessibility/screenshots/ (what the accessibility docs show); otherwise
to the test's temporary directory, so CI leaves the tree as it was.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import pytest
from django.conf import settings
from django.utils.translation import get_language_info
from playwright.sync_api import Browser, BrowserContext, Page, Route

from cxgov.testing.browser import AXE, AXE_TAGS, ROOT
from cxgov.testing.public_pages import public_page_paths

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Languages checked on every page with JavaScript on: right to left (CI time bounds the sample).
JS_LANGUAGES = ("ar",)
# Pages checked with JavaScript on in every language: the two forms the public fills in.
JS_PAGES = ("survey", "complaint_new")
SCREENSHOTS = {
    ("ar", "complaint_new"): "ar-complaint-form.png",
    ("zh-hans", "survey"): "zh-hans-survey.png",
}
# Without JavaScript, a left-to-right translation runs axe on one page in this many.
AXE_SHARE = 3
SCREENSHOT_DIR = ROOT / "docs" / "accessibility" / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 800}

# Without JavaScript a browser renders what <noscript> holds (the no-JS stylesheet).
_NOSCRIPT = re.compile(r"</?noscript>", re.IGNORECASE)
_HTML_TAG = re.compile(r"<html\b[^>]*>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r'\b(lang|dir)="([^"]*)"', re.IGNORECASE)
_HTML_ATTRIBUTES_JS = """() => [
  document.documentElement.getAttribute('lang') || '',
  document.documentElement.getAttribute('dir') || '',
]"""
_COLUMN_JS = """() => {
  const root = document.documentElement;
  const rtl = getComputedStyle(root).direction === 'rtl';
  const x = rtl ? root.scrollWidth - innerWidth : 0;
  return {x, y: 0, width: innerWidth, height: root.scrollHeight};
}"""
_AXE_JS = "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})"


def _prefix(code: str) -> str:
    # English has no prefix (i18n_patterns with prefix_default_language=False).
    return "" if code == settings.LANGUAGE_CODE else f"/{code}"


def _html_pages(browser: Browser, base: str) -> dict[str, str]:
    """The public pages that answer GET with an HTML document; data, PDFs and POST-only
    endpoints are not pages to check. Found once per live server: each test loads the same
    demo."""
    if base not in _HTML_PAGES:
        context = browser.new_context()
        try:
            pages = {}
            for name, path in public_page_paths().items():
                response = context.request.get(base + path)
                html = "text/html" in response.headers.get("content-type", "")
                if html and response.status != 405 and response.body():
                    pages[name] = path
            _HTML_PAGES[base] = pages
        finally:
            context.close()
    return _HTML_PAGES[base]


_HTML_PAGES: dict[str, dict[str, str]] = {}


def _without_javascript(browser: Browser, base: str) -> BrowserContext:
    """A context where the site's pages run no script of their own, as with JavaScript off.

    Chromium's own JavaScript switch also stops axe (its timers never fire), so the site's
    scripts are refused instead and each page's <noscript> content is unwrapped, which is what
    a browser without JavaScript renders. Only axe, injected by the test, runs.
    """
    context = browser.new_context(
        bypass_csp=True, java_script_enabled=True, locale="en-US", viewport=DESKTOP
    )

    def as_served(route: Route) -> None:
        response = route.fetch()
        if "text/html" not in response.headers.get("content-type", ""):
            route.fulfill(response=response)
            return
        route.fulfill(response=response, body=_NOSCRIPT.sub("", response.text()))

    context.route(lambda url: url.startswith(base) and "/static/" not in url, as_served)
    context.route("**/*.js", lambda route: route.abort())
    return context


def _with_javascript(browser: Browser) -> BrowserContext:
    return browser.new_context(
        bypass_csp=True, java_script_enabled=True, locale="en-US", viewport=PHONE
    )


def _direction_problems(lang: str, direction: str, code: str) -> list[str]:
    """A wrong `lang` or `dir` on <html> for the language `code`, one readable line each."""
    problems = []
    if lang.lower() != code.lower():
        problems.append(f'<html lang="{lang}">, expected "{code}"')
    bidi = get_language_info(code)["bidi"]
    if bidi and direction.lower() != "rtl":
        problems.append(f'<html dir="{direction}">, expected "rtl"')
    if not bidi and direction.lower() == "rtl":
        problems.append('<html dir="rtl"> on a left-to-right language')
    return problems


def _check(page: Page, url: str, code: str) -> list[str]:
    """Open the page and return what is wrong with it: axe violations and a wrong `lang` or
    `dir` on <html>, each as one readable line."""
    response = page.goto(url)
    if response is None or response.status >= 500:
        return [f"answered {response and response.status}"]
    if "text/html" not in response.headers.get("content-type", ""):
        return []  # a prepared file's "being prepared" page, served as the file once it is built
    problems = _direction_problems(*page.evaluate(_HTML_ATTRIBUTES_JS), code)
    page.add_script_tag(path=str(AXE))
    for violation in page.evaluate(_AXE_JS, AXE_TAGS)["violations"]:
        nodes = violation["nodes"]
        problems.append(
            f"axe {violation['id']} on {len(nodes)} element(s), e.g. {nodes[0]['target']}"
        )
    return problems


def _check_served(context: BrowserContext, url: str, code: str) -> list[str]:
    """The page as served, without rendering it: its status and its <html> `lang` and `dir`."""
    response = context.request.get(url)
    if response.status >= 500:
        return [f"answered {response.status}"]
    if "text/html" not in response.headers.get("content-type", ""):
        return []
    tag = _HTML_TAG.search(response.text())
    if tag is None:
        return ["no <html> element"]
    attributes = {name.lower(): value for name, value in _ATTRIBUTE.findall(tag.group(0))}
    return _direction_problems(attributes.get("lang", ""), attributes.get("dir", ""), code)


def _screenshot(page: Page, name: str, tmp_path: Path) -> None:
    folder = SCREENSHOT_DIR if os.environ.get("UPDATE_SCREENSHOTS") == "1" else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    # The visitor's column, top to bottom: text USWDS hides 999em to the left widens the scroll
    # area of a right-to-left page, and the picture should show the page, not that blank.
    clip = page.evaluate(_COLUMN_JS)
    page.screenshot(path=folder / name, full_page=True, clip=clip, type="png")


def _report(failures: Iterable[tuple[str, str, str, str]]) -> str:
    return "\n".join(f"{code} {path} ({mode}): {problem}" for code, path, mode, problem in failures)


def _language_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def _axe_everywhere(code: str) -> bool:
    return code == settings.LANGUAGE_CODE or bool(get_language_info(code)["bidi"])


def _translations() -> list[str]:
    """The languages axe checks on a share of the pages."""
    return [code for code in _language_codes() if not _axe_everywhere(code)]


def _axe_pages(paths: list[str], code: str) -> set[str]:
    """Every page for English and right-to-left languages; otherwise one page in AXE_SHARE,
    offset by the language's turn so that the translations share the pages out between them."""
    if _axe_everywhere(code):
        return set(paths)
    turn = _translations().index(code)
    return {path for index, path in enumerate(sorted(paths)) if (index + turn) % AXE_SHARE == 0}


def test_each_page_is_checked_by_axe_in_several_translations():
    paths = [f"/page-{number}/" for number in range(41)]
    checked = Counter(path for code in _translations() for path in _axe_pages(paths, code))
    assert min(checked[path] for path in paths) >= len(_translations()) // AXE_SHARE


@pytest.mark.parametrize("code", _language_codes())
def test_every_public_page_has_no_axe_violations_without_javascript(
    code, browser, demo_data, live_server
):
    base = live_server.url
    pages = _html_pages(browser, base)
    assert {"home", "survey", "complaint_new", "service"} <= pages.keys()
    with_axe = _axe_pages(list(pages.values()), code)
    failures = []
    context = _without_javascript(browser, base)
    page = context.new_page()
    try:
        for path in pages.values():
            url = base + _prefix(code) + path
            if path in with_axe:
                problems = _check(page, url, code)
            else:
                problems = _check_served(context, url, code)
            failures += [(code, _prefix(code) + path, "no JavaScript", p) for p in problems]
    finally:
        context.close()
    assert not failures, "Pages with accessibility problems:\n" + _report(failures)


@pytest.mark.parametrize("code", _language_codes())
def test_public_pages_have_no_axe_violations_with_javascript(
    code, browser, demo_data, live_server, tmp_path
):
    base = live_server.url
    pages = _html_pages(browser, base)
    names = pages if code in JS_LANGUAGES else JS_PAGES
    failures = []
    shot = set()
    context = _with_javascript(browser)
    page = context.new_page()
    try:
        for name in names:
            path = _prefix(code) + pages[name]
            for problem in _check(page, base + path, code):
                failures.append((code, path, "JavaScript, 390 px", problem))
            if (code, name) in SCREENSHOTS:
                _screenshot(page, SCREENSHOTS[code, name], tmp_path)
                shot.add((code, name))
    finally:
        context.close()
    assert shot == {key for key in SCREENSHOTS if key[0] == code}
    assert not failures, "Pages with accessibility problems:\n" + _report(failures)
