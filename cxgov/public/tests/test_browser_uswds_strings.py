"""USWDS writes its file input's texts in English from its own script; on the Spanish complaint
form static/cxgov/uswds-strings.js puts the Spanish in their place, also after a file is chosen."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cxgov.testing.factories import AgencyFactory, ServiceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_spanish_complaint_forms_file_input_speaks_spanish(page, live_server):
    agency = AgencyFactory(name="Agency Alpha", slug="alpha")
    ServiceFactory(agency=agency, name="Apply for benefits", slug="apply")
    page.goto(f"{live_server.url}/es/agencies/alpha/complaints/new/?service=apply")
    widget = page.locator(".usa-file-input").first
    expect(widget.locator(".usa-file-input__instructions")).to_contain_text(
        "Arrastre los archivos aquí o elija de una carpeta"
    )
    widget.locator("input[type=file]").set_input_files(
        {"name": "receipt.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"}
    )
    expect(widget.locator(".usa-file-input__preview-heading")).to_contain_text("Archivo elegido")
    text = widget.inner_text()
    assert "Cambiar el archivo" in text
    for english in (
        "Drag file",
        "Drag files",
        "choose from folder",
        "Selected file",
        "Change file",
    ):
        assert english not in text
