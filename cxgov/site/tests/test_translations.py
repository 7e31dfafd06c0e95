"""An agency's texts go out as XLIFF and come back: a changed translation shows on the public
page, and a file whose English has changed since is refused, naming the stale unit."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from cxgov.core.models import Agency, AuditEvent
from cxgov.core.xliff import XliffError
from cxgov.registry.models import Service
from cxgov.site.translations import translation_units, translations_export, translations_import

pytestmark = pytest.mark.django_db

SERVICE = "apply-for-retirement-benefits"


def test_a_changed_translation_is_imported_and_shown(demo_data, client):
    agency = Agency.objects.get(slug="fba")
    service = Service.objects.get(agency=agency, slug=SERVICE)
    units = {unit.id: unit for unit in translation_units(agency=agency)}
    uid = f"registry.service/{service.pk}/name"
    assert units[uid].source == service.name
    data = translations_export(agency=agency)
    old = f"<target>{service.name_es}</target>".encode()
    assert old in data
    edited = data.replace(old, "<target>Pedir la jubilación</target>".encode())

    assert translations_import(actor=None, agency=agency, data=edited) == 1
    assert translations_import(actor=None, agency=agency, data=edited) == 0
    service.refresh_from_db()
    assert service.name_es == "Pedir la jubilación"
    assert AuditEvent.objects.filter(action="translation.import", agency=agency).count() == 1
    page = client.get(f"/es/agencies/fba/services/{SERVICE}/", secure=True)
    assert "Pedir la jubilación" in page.content.decode()


def test_a_file_made_before_the_english_changed_is_refused(demo_data):
    agency = Agency.objects.get(slug="fba")
    service = Service.objects.get(agency=agency, slug=SERVICE)
    data = translations_export(agency=agency)
    Service.objects.filter(pk=service.pk).update(name="Apply for your retirement benefits")
    with pytest.raises(XliffError) as raised:
        translations_import(actor=None, agency=agency, data=data)
    assert [(p.unit, p.message) for p in raised.value.problems] == [
        (
            f"registry.service/{service.pk}/name",
            "the English changed since this file was exported",
        )
    ]
    service.refresh_from_db()
    assert service.name_es


def test_another_agencys_units_are_unknown(demo_data):
    fba = Agency.objects.get(slug="fba")
    other = Agency.objects.exclude(pk=fba.pk).first()
    assert other is not None
    data = translations_export(agency=fba)
    with pytest.raises(XliffError) as raised:
        translations_import(actor=None, agency=other, data=data)
    assert {p.message for p in raised.value.problems} == {"no such text in this agency"}


def test_the_commands_export_and_import(demo_data, tmp_path):
    path = tmp_path / "fba.xlf"
    call_command("translations_export", "--agency", "fba", "--output", str(path))
    out = StringIO()
    call_command("translations_import", "--agency", "fba", str(path), stdout=out)
    assert out.getvalue().strip() == "0 translations changed"
    # German is not among the site's languages.
    path.write_bytes(path.read_bytes().replace(b'trgLang="es"', b'trgLang="de"'))
    with pytest.raises(CommandError, match=r"file: trgLang must be .*, not de"):
        call_command("translations_import", "--agency", "fba", str(path))
