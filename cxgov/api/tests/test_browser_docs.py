"""The API's documentation page in Chromium: Swagger UI draws every operation of the document."""

from __future__ import annotations

import pytest
from django.test import Client
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

METHODS = {"get", "post", "put", "patch", "delete"}


def test_the_docs_page_draws_every_operation_without_a_parser_error(
    page: Page, live_server, client: Client
) -> None:
    document = client.get("/api/v1/openapi.json").json()
    operations = {
        (method.upper(), path)
        for path, item in document["paths"].items()
        for method in item
        if method in METHODS
    }
    assert len(operations) > 30
    page.goto(f"{live_server.url}/api/v1/docs")
    blocks = page.locator(".opblock")
    expect(blocks).to_have_count(len(operations))
    drawn = {
        (
            block.locator(".opblock-summary-method").inner_text().strip(),
            block.locator(".opblock-summary-path").get_attribute("data-path"),
        )
        for block in blocks.all()
    }
    assert drawn == operations
    expect(page.locator(".errors-wrapper")).to_have_count(0)
