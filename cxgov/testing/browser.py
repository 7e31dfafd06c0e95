"""Playwright for Python driving Debian's Chromium, with axe-core injected to check pages."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.2 AA and everything below it.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            "Debian's Chromium is missing: `make test` installs it (apt-get install chromium)."
        )
    # Playwright's sync API runs an event loop in this thread; the tests' ORM calls stay sync.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _page(browser: Browser, *, javascript: bool) -> Iterator[Page]:
    # bypass_csp lets the test inject axe-core; the site itself never allows inline scripts.
    context = browser.new_context(bypass_csp=True, java_script_enabled=javascript, locale="en-US")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    yield from _page(browser, javascript=True)


@pytest.fixture
def page_without_js(browser: Browser) -> Iterator[Page]:
    yield from _page(browser, javascript=False)


def axe_violations(page: Page) -> list[dict]:
    """Run axe-core on the page as it is now and return its violations."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    return result["violations"]


def assert_no_axe_violations(page: Page) -> None:
    """Fail with a readable summary when axe finds any WCAG 2.2 AA violation."""
    _assert_clean(page.url, axe_violations(page))


def assert_no_axe_violations_as_served(browser: Browser, page: Page) -> None:
    """The same check for a page seen with JavaScript off, where axe itself cannot run.

    The page's HTML as served is opened in a fresh page where only axe runs: the site's own
    scripts are blocked, so what axe sees is what a visitor without JavaScript gets.
    """
    html = page.content()
    # The same width as the page checked: a phone layout is checked as a phone layout.
    context = browser.new_context(bypass_csp=True, viewport=page.viewport_size)
    checker = context.new_page()
    checker.route("**/*.js", lambda route: route.abort())
    checker.route(page.url, lambda route: route.fulfill(body=html, content_type="text/html"))
    checker.goto(page.url)
    try:
        _assert_clean(page.url, axe_violations(checker))
    finally:
        context.close()


def _assert_clean(url: str, violations: list[dict]) -> None:
    summary = [
        {
            "rule": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "targets": [node["target"] for node in v["nodes"]][:5],
        }
        for v in violations
    ]
    assert not violations, f"axe found on {url}:\n{json.dumps(summary, indent=2)}"
