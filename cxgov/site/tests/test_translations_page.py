"""The agency's translations page: coverage, stale and missing texts, the XLIFF download and an
upload that keeps the sound units and names each refused one with its reason."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from cxgov.core import xliff
from cxgov.core.calendar import federal_holiday_name
from cxgov.core.models import Agency, AuditEvent, Role
from cxgov.registry.models import Service
from cxgov.registry.services import service_update
from cxgov.testing.factories import ServiceFactory

pytestmark = pytest.mark.django_db

PAGE = "/staff/agencies/alpha/translations/"


@pytest.fixture
def service(agency_a: Agency) -> Service:
    return ServiceFactory(
        agency=agency_a,
        slug="renew",
        name="Renew a permit",
        name_es="Renovar un permiso",
        description="Renew your permit online.",
    )


def _download(client: Client) -> bytes:
    response = client.get(PAGE + "export.xlf", secure=True)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xliff+xml"
    return response.content


def _upload(client: Client, data: bytes, prefix: str = "") -> tuple[int, str]:
    response = client.post(
        prefix + PAGE,
        {"file": SimpleUploadedFile("es.xlf", data, content_type="application/xml")},
        secure=True,
        follow=True,
    )
    return response.status_code, response.content.decode()


def _table(html: str, table_id: str) -> str:
    found = re.search(rf'<table[^>]*id="{table_id}".*?</table>', html, re.S)
    return found.group(0) if found else ""


def test_a_translation_changed_in_the_downloaded_file_shows_on_the_public_page(
    admin_a_client: Client, service: Service, client: Client
):
    data = _download(admin_a_client)
    edited = data.replace(
        b"<target>Renovar un permiso</target>",
        b"<target>Renovar su permiso</target>",
    )
    assert edited != data

    status, html = _upload(admin_a_client, edited)

    assert status == 200
    assert "3 texts read from the file, 1 changed." in html
    page = client.get("/es/agencies/alpha/services/renew/", secure=True).content.decode()
    assert "Renovar su permiso" in page
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"translation.export", "translation.import"} <= actions


def test_coverage_counts_the_texts_with_a_translation(admin_a_client: Client, service: Service):
    html = admin_a_client.get(PAGE, secure=True).content.decode()
    coverage = _table(html, "coverage")
    # name has its Spanish, description and the agency's name have none
    # texts, translated, machine draft, reviewed, stale, missing
    assert re.search(
        r"<td>3</td><td>1 \(33%\)</td><td>0</td><td>1</td><td>0</td><td>2</td>", coverage
    )
    missing = _table(html, "missing")
    assert f"registry.service/{service.pk}/description" in missing
    assert f"registry.service/{service.pk}/name" not in missing


def test_changed_english_lists_its_spanish_as_stale_until_a_new_file_brings_it(
    admin_a_client: Client, service: Service, client: Client
):
    service_update(actor=None, service=service, name="Renew a business permit")

    html = admin_a_client.get(PAGE, secure=True).content.decode()
    stale = _table(html, "stale")
    assert f"registry.service/{service.pk}/name" in stale
    assert "Renew a business permit" in stale and "Renovar un permiso" in stale
    # The public page keeps the Spanish it has.
    public = client.get("/es/agencies/alpha/services/renew/", secure=True).content.decode()
    assert "Renovar un permiso" in public

    # The vendor reviews the file downloaded after the change and keeps the same Spanish.
    status, html = _upload(admin_a_client, _download(admin_a_client))
    assert status == 200
    assert f"registry.service/{service.pk}/name" not in _table(html, "stale")


def test_english_and_spanish_changed_together_are_not_stale(
    admin_a_client: Client, service: Service
):
    service_update(
        actor=None,
        service=service,
        name="Renew a business permit",
        name_es="Renovar un permiso comercial",
    )
    html = admin_a_client.get(PAGE, secure=True).content.decode()
    assert "No translation is stale." in html


def test_a_file_made_before_the_english_changed_keeps_its_other_units(
    admin_a_client: Client, service: Service
):
    data = _download(admin_a_client)
    service_update(actor=None, service=service, name="Renew a business permit")
    edited = data.replace(
        b"<source>Renew your permit online.</source>",
        "<source>Renew your permit online.</source><target>Renueve en línea.</target>".encode(),
    )

    status, html = _upload(admin_a_client, edited)

    assert status == 400
    problems = re.search(r'id="import-problems".*?</ul>', html, re.S).group(0)  # type: ignore[union-attr]
    assert f"registry.service/{service.pk}/name</code>: the English changed since" in problems
    service.refresh_from_db()
    assert service.description_es == "Renueve en línea."


def test_units_of_another_agency_or_unknown_are_named_and_the_rest_kept(
    admin_a_client: Client, service: Service
):
    data = _download(admin_a_client).replace(
        b"</file>",
        b'<unit id="registry.service/999999/name"><segment><source>X</source>'
        b"<target>Y</target></segment></unit></file>",
    )
    data = data.replace(b"<target>Renovar un permiso</target>", b"<target>Renovar</target>")
    status, html = _upload(admin_a_client, data)
    assert status == 400
    assert "registry.service/999999/name</code>: no such text in this agency" in html
    service.refresh_from_db()
    assert service.name_es == "Renovar"


HOSTILE = {
    "external entity": (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        b'<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0">&e;</xliff>',
        "the file declares a DTD or entities",
    ),
    "billion laughs": (
        b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]>'
        b"<l>&c;</l>",
        "the file declares a DTD or entities",
    ),
    "XLIFF 1.2": (
        b'<?xml version="1.0"?><xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" '
        b'version="1.2"><file source-language="en" target-language="es"/></xliff>',
        "the file is not XLIFF 2.0",
    ),
    "not XML": (b"name,name_es\nRenew,Renovar\n", "the file is not well-formed XML"),
    "another target language": (
        b'<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="en" '
        b'trgLang="de"><file id="f"/></xliff>',
        "trgLang must be",
    ),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_hostile_or_wrong_file_is_refused_whole_with_its_reason(
    admin_a_client: Client, service: Service, case: str
):
    data, reason = HOSTILE[case]
    status, html = _upload(admin_a_client, data)
    assert status == 400
    assert reason in html
    assert "The whole file" in html
    service.refresh_from_db()
    assert service.name_es == "Renovar un permiso"
    assert "root:" not in html


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(
    admin_a_client: Client, service: Service, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(xliff, "MAX_BYTES", 2 * 1024 * 1024)
    status, html = _upload(admin_a_client, b" " * (2 * 1024 * 1024 + 1))
    assert status == 400
    assert "The file is larger than 2 MB." in html


def test_errors_are_in_spanish_on_the_spanish_page(admin_a_client: Client, service: Service):
    status, html = _upload(admin_a_client, HOSTILE["XLIFF 1.2"][0], prefix="/es")
    assert status == 400
    assert "el archivo no es XLIFF 2.0" in html


def test_the_page_is_for_administrators_and_service_managers(
    role_a_client, service: Service, agency_a: Agency
):
    assert role_a_client(Role.SERVICE_MANAGER).get(PAGE, secure=True).status_code == 200
    for role in (Role.CX_ANALYST, Role.COMPLAINT_HANDLER):
        member = role_a_client(role)
        assert member.get(PAGE, secure=True).status_code == 404
        assert member.get(PAGE + "export.xlf", secure=True).status_code == 404


def test_the_calendar_names_federal_holidays_in_spanish(admin_a_client: Client):
    html = admin_a_client.get("/es/staff/agencies/alpha/calendar/", secure=True).content.decode()
    assert "Día de Acción de Gracias" in html
    assert "Thanksgiving" not in html


@pytest.mark.parametrize(
    ("name", "spanish"),
    [
        ("Independence Day (observed)", "Día de la Independencia (se observa este día)"),
        ("Christmas Day", "Día de Navidad"),
        ("Storm closure", "Storm closure"),
    ],
)
def test_holiday_names_are_translated_and_other_closures_kept(name: str, spanish: str):
    from django.utils import translation

    with translation.override("es"):
        assert federal_holiday_name(name) == spanish


def test_the_page_lists_only_the_languages_the_agency_offers(
    settings, admin_a_client: Client, agency_a: Agency, service: Service
):
    settings.LANGUAGES = [("en", "English"), ("es", "Spanish"), ("fr", "French"), ("ar", "Arabic")]
    Agency.objects.filter(pk=agency_a.pk).update(languages=["en", "es", "ar"])

    html = admin_a_client.get(PAGE, secure=True).content.decode()
    assert re.findall(r'\?language=([\w-]+)"', _table(html, "coverage")) == ["es", "ar"]
    assert 'href="#languages-offered"' in html and 'id="languages-offered"' in html
    assert admin_a_client.get(PAGE + "?language=fr", secure=True).status_code == 404
    # A vendor may still translate into a language before the agency offers it.
    assert admin_a_client.get(PAGE + "export.xlf?language=fr", secure=True).status_code == 200

    offered = admin_a_client.post(
        PAGE, {"languages_form": "1", "languages": ["es", "fr", "ar"]}, secure=True
    )
    assert offered.status_code == 302
    html = admin_a_client.get(PAGE, secure=True).content.decode()
    assert re.findall(r'\?language=([\w-]+)"', _table(html, "coverage")) == ["es", "fr", "ar"]


def test_an_agency_offering_english_only_is_told_how_to_offer_more(
    admin_a_client: Client, agency_a: Agency, service: Service
):
    Agency.objects.filter(pk=agency_a.pk).update(languages=["en"])
    response = admin_a_client.get(PAGE, secure=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="english-only"' in html and 'href="#languages-offered"' in html
    assert _table(html, "coverage") == "" and _table(html, "missing") == ""
