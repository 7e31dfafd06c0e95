"""Authored translations travel with the agency's archive: each one restored onto the record it
translates, with its status and the hash of its English, shown on the public page in its
language; a hostile row is left out with a warning naming it, and the rest restores."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client

from cxgov.actions.models import ActionPlan
from cxgov.core.models import (
    AUTHORED_TEXT_MAX_LENGTH,
    Agency,
    AuthoredTranslation,
    TranslationSource,
)
from cxgov.core.services import authored_translation_save
from cxgov.core.xliff import source_hash
from cxgov.plans.services import plan_create
from cxgov.registry.models import Channel, Service
from cxgov.registry.tests.test_agency_archive_attacks import RESTORED, _crafted, _restore
from cxgov.reports.services import survey_report_update
from cxgov.site.translations import english_text, translation_status
from cxgov.standards.models import Standard
from cxgov.surveys.models import Question, Survey
from cxgov.surveys.services import survey_create, survey_publish
from cxgov.testing.factories import ChannelFactory, ServiceFactory, StandardFactory, cleared

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _languages_and_media(settings, tmp_path: Path) -> None:
    settings.LANGUAGES = [("en", "English"), ("es", "Spanish"), ("fr", "French"), ("ar", "Arabic")]
    settings.MEDIA_ROOT = tmp_path / "media"


def _translate(record, field: str, language: str, text: str, status: str) -> None:
    authored_translation_save(
        actor=None,
        agency=Agency.objects.get(pk=_agency_of(record)),
        record=record,
        field=field,
        source=english_text(record, field),
        language=language,
        text=text,
        status=status,
        action="translation.update",
    )


def _agency_of(record) -> int:
    if isinstance(record, Agency):
        return record.pk
    if isinstance(record, Channel):
        return record.service.agency_id
    if isinstance(record, Question):
        return record.survey.agency_id
    if hasattr(record, "plan"):
        return record.plan.agency_id
    return record.agency_id


def _states(agency: Agency, language: str) -> dict[str, tuple[str, str]]:
    return {
        text.unit: (text.target, text.state)
        for text in translation_status(agency=agency, language=language)
        if text.target
    }


def test_translations_restore_onto_their_records_with_status_and_show_on_public_pages(
    agency_a, agency_b, admin_a, tmp_path
):
    Agency.objects.filter(pk=agency_a.pk).update(languages=["en", "es", "fr", "ar"])
    service = ServiceFactory(
        agency=agency_a,
        slug="renew",
        name="Renew a permit",
        name_es="Renovar un permiso",
        description="Renew it online.",
        description_es="Renuévelo en línea.",
    )
    # Spanish drafted by a machine, and Spanish written from English that has since changed.
    TranslationSource.objects.create(
        agency=agency_a,
        unit=f"registry.service/{service.pk}/name",
        language="es",
        source_hash=source_hash("Renew a permit"),
        status="machine_draft",
    )
    TranslationSource.objects.create(
        agency=agency_a,
        unit=f"registry.service/{service.pk}/description",
        language="es",
        source_hash=source_hash("Renew your permit online."),
    )
    survey = survey_publish(
        actor=None,
        survey=cleared(
            survey_create(actor=None, agency=agency_a, template="a11_v2", services=[service])
        ),
    )
    survey.questions.update(page=1)
    question = next(q for q in survey.questions.all() if q.options)
    choice = question.options[0]
    plan = plan_create(actor=None, agency=agency_a, year=2027)
    section = plan.sections.first()
    section.text_en = "We answer every letter within ten days."
    section.save()
    standard = StandardFactory(service=service, statement="We decide within 30 days")

    _translate(service, "name", "fr", "Renouveler un permis", "human_reviewed")
    _translate(service, "description", "ar", "جدد تصريحك", "machine_draft")
    _translate(survey, "title", "fr", "Votre avis", "human_reviewed")
    _translate(question, "text", "fr", "Question en français", "human_reviewed")
    _translate(question, f"option:{choice['value']}", "fr", "Choix en français", "machine_draft")
    _translate(section, "text_en", "fr", "Nous répondons sous dix jours.", "human_reviewed")
    _translate(standard, "statement", "fr", "Nous décidons sous 30 jours", "human_reviewed")
    # The English moves after the French was reviewed: the French is stale, and stays so.
    Standard.objects.filter(pk=standard.pk).update(statement="We decide within 20 days")
    # A translation left by a deleted record, and another agency's, stay out of the archive.
    gone = ServiceFactory(agency=agency_a, slug="gone")
    _translate(gone, "name", "fr", "Disparu", "human_reviewed")
    Service.objects.filter(pk=gone.pk).delete()
    _translate(ServiceFactory(agency=agency_b), "name", "fr", "De Bravo", "human_reviewed")

    before = {lang: _states(agency_a, lang) for lang in ("fr", "ar", "es")}
    assert before["fr"][f"standards.standard/{standard.pk}/statement"][1] == "stale"
    assert before["es"][f"registry.service/{service.pk}/name"][1] == "machine_draft"
    assert before["es"][f"registry.service/{service.pk}/description"][1] == "stale"
    assert len(before["fr"]) == 6 and len(before["ar"]) == 1

    path = tmp_path / "alpha.zip"
    call_command("export_agency", "--agency", "alpha", "--output", str(path), stdout=io.StringIO())
    connection.check_constraints()
    call_command("flush", interactive=False, verbosity=0)
    assert not AuthoredTranslation.objects.exists()
    out = io.StringIO()
    call_command("import_agency", str(path), stdout=out)

    restored = Agency.objects.get(slug="alpha")
    assert {lang: _states(restored, lang) for lang in ("fr", "ar", "es")} == before
    assert AuthoredTranslation.objects.count() == 7
    assert not AuthoredTranslation.objects.filter(text__in=["Disparu", "De Bravo"]).exists()
    assert set(AuthoredTranslation.objects.values_list("agency", flat=True)) == {restored.pk}

    client = Client()
    page = client.get("/fr/agencies/alpha/services/renew/", secure=True).content.decode()
    assert "<h1>Renouveler un permis</h1>" in page
    public_id = Survey.objects.get().public_id
    page = client.get(f"/fr/surveys/{public_id}/", secure=True).content.decode()
    assert "Question en français" in page and "Choix en français" in page

    # Restored again into the same state, the archive is the same.
    again = tmp_path / "again.zip"
    call_command("export_agency", "--agency", "alpha", "--output", str(again), stdout=io.StringIO())
    label = "data/core.AuthoredTranslation.json"
    assert zipfile.ZipFile(path).read(label) == zipfile.ZipFile(again).read(label)


def test_translations_of_the_agency_channels_reports_and_action_plans_restore(agency_a, tmp_path):
    Agency.objects.filter(pk=agency_a.pk).update(mission="We keep permits simple.")
    agency_a.refresh_from_db()
    channel = ChannelFactory(
        service=ServiceFactory(agency=agency_a, slug="renew"),
        instructions="Have your permit number ready.",
    )
    report = survey_report_update(
        actor=None,
        agency=agency_a,
        fiscal_year=2026,
        quarter=None,
        sections={"what_we_heard": "Calls take too long."},
    )
    plan = ActionPlan.objects.create(
        agency=agency_a, fiscal_year=2030, summary_en="We will answer calls faster."
    )
    _translate(agency_a, "mission", "fr", "Nous simplifions les permis.", "human_reviewed")
    _translate(channel, "instructions", "fr", "Ayez votre numéro.", "machine_draft")
    _translate(report, "what_we_heard", "fr", "Les appels sont trop longs.", "human_reviewed")
    _translate(plan, "summary_en", "ar", "سنرد أسرع.", "human_reviewed")
    before = {lang: _states(agency_a, lang) for lang in ("fr", "ar")}
    assert len(before["fr"]) == 3 and len(before["ar"]) == 1

    path = tmp_path / "alpha.zip"
    call_command("export_agency", "--agency", "alpha", "--output", str(path), stdout=io.StringIO())
    # PostgreSQL refuses to TRUNCATE a table with deferred foreign-key checks still pending.
    connection.check_constraints()
    call_command("flush", interactive=False, verbosity=0)
    out = io.StringIO()
    call_command("import_agency", str(path), stdout=out)

    restored = Agency.objects.get(slug="alpha")
    assert {lang: _states(restored, lang) for lang in ("fr", "ar")} == before
    assert "left out" not in out.getvalue()


SERVICE = {
    "id": 9501,
    "agency_id": 9001,
    "name": "Renew a permit",
    "slug": "renew",
    "status": "published",
    "updated_at": "2026-01-01T00:00:00+00:00",
}
GOOD_HASH = source_hash("Renew a permit")


def _row(pk: int, **values) -> dict:
    return {
        "id": pk,
        "agency_id": 9001,
        "model": "registry.service",
        "object_id": 9501,
        "field": "name",
        "language": "fr",
        "text": "Renouveler un permis",
        "status": "human_reviewed",
        "source_hash": GOOD_HASH,
        "updated_at": "2026-01-01T00:00:00+00:00",
        "updated_by_id": None,
        **values,
    }


def test_a_hostile_translation_row_is_left_out_by_name_and_the_rest_restores(
    tmp_path, agency_b, client
):
    theirs = ServiceFactory(agency=agency_b, name="Bravo's own")
    rows = [
        _row(9601),
        _row(9602, object_id=9999),
        _row(9603, object_id=theirs.pk, text="planted"),
        _row(9604, field="description", text="x" * (AUTHORED_TEXT_MAX_LENGTH + 1)),
        _row(9605, field="description", text="Renouveler\x00"),
        _row(9606, language="xx"),
        _row(9607, language="es"),
        _row(9608, field="slug"),
        _row(9609, model="core.user", object_id=1),
        _row(9610),
        _row(9611, language="ar", status="published"),
        _row(9612, language="ar", source_hash="not a hash"),
        _row(9613, language="ar", agency_id=agency_b.pk, text="تجديد"),
        _row(9613, field="description", text="Same id"),
        _row(-4, field="description", text="Odd id"),
        _row(9614, field="description", updated_at={"not": "a time"}),
        _row(9615, field="description", model="registry.service" * 20),
    ]
    output = _restore(
        tmp_path,
        _crafted(
            {
                "core.Agency": [{**RESTORED, "languages": ["en", "fr", "ar"]}],
                "core.AuthoredTranslation": rows,
                "registry.Service": [SERVICE],
            }
        ),
    )
    member = "data/core.AuthoredTranslation.json"
    expected = [
        (2, "object_id", "registry.service/9999/name (fr): the registry.service it translates"),
        (3, "object_id", f"registry.service/{theirs.pk}/name (fr): the registry.service it"),
        (4, "text", f"is {AUTHORED_TEXT_MAX_LENGTH + 1} characters long"),
        (5, "text", "holds a NUL character"),
        (6, "language", "xx is not a language translated into here"),
        (7, "language", "Spanish is kept in the record's own columns"),
        (8, "field", "registry.service has no translated text slug"),
        (9, "model", "core.user has no translated texts"),
        (10, "", "the file holds this text twice"),
        (11, "status", "published is not a stored status"),
        (12, "source_hash", "is not the SHA-256 of an English text"),
        (13, "agency_id", f"pointed to another agency ({agency_b.pk})"),
        (14, "id", "the file holds id 9613 twice"),
        (15, "id", "-4 is not a row id"),
        (16, "updated_at", "is not a date and time"),
        (17, "model", "has no translated texts"),
    ]
    for row, column, reason in expected:
        assert f"{member}, row {row}, column {column}: " in output or (
            not column and f"{member}, row {row}: " in output
        ), row
        assert reason in output, reason
    assert "\x00" not in output
    assert "x" * 100 not in output
    kept = AuthoredTranslation.objects.order_by("pk")
    assert [(t.pk, t.language, t.text, t.status) for t in kept] == [
        (9601, "fr", "Renouveler un permis", "human_reviewed"),
        (9613, "ar", "تجديد", "human_reviewed"),
    ]
    assert {t.agency.slug for t in kept} == {"restored"}
    assert not AuthoredTranslation.objects.filter(object_id=theirs.pk).exists()
    page = client.get("/fr/agencies/restored/services/renew/", secure=True).content.decode()
    assert "<h1>Renouveler un permis</h1>" in page


def test_a_translation_whose_id_is_taken_here_gets_a_new_one(tmp_path, agency_b):
    theirs = ServiceFactory(agency=agency_b)
    _translate(theirs, "name", "fr", "De Bravo", "human_reviewed")
    taken = AuthoredTranslation.objects.get().pk
    _restore(
        tmp_path,
        _crafted(
            {
                "core.Agency": [RESTORED],
                "registry.Service": [SERVICE],
                "core.AuthoredTranslation": [_row(taken)],
            }
        ),
    )
    mine = AuthoredTranslation.objects.get(object_id=9501)
    assert mine.pk != taken and mine.text == "Renouveler un permis"
    assert AuthoredTranslation.objects.get(pk=taken).text == "De Bravo"


def test_the_archive_holds_only_translations_of_its_records(agency_a, agency_b, tmp_path):
    mine = ServiceFactory(agency=agency_a)
    _translate(mine, "name", "fr", "À moi", "machine_draft")
    _translate(ServiceFactory(agency=agency_b), "name", "fr", "De Bravo", "machine_draft")
    gone = ServiceFactory(agency=agency_a)
    for service in (mine, gone):
        TranslationSource.objects.create(
            agency=agency_a,
            unit=f"registry.service/{service.pk}/name",
            language="es",
            source_hash=GOOD_HASH,
        )
    Service.objects.filter(pk=gone.pk).delete()
    path = tmp_path / "alpha.zip"
    call_command("export_agency", "--agency", "alpha", "--output", str(path), stdout=io.StringIO())

    archive = zipfile.ZipFile(path)
    rows = json.loads(archive.read("data/core.AuthoredTranslation.json"))
    assert [(r["object_id"], r["text"]) for r in rows] == [(str(mine.pk), "À moi")]
    rows = json.loads(archive.read("data/core.TranslationSource.json"))
    assert [r["unit"] for r in rows] == [f"registry.service/{mine.pk}/name"]


def test_what_spanish_was_written_from_restores_only_for_records_in_the_file(tmp_path):
    source = {
        "agency_id": 9001,
        "language": "es",
        "source_hash": GOOD_HASH,
        "status": "machine_draft",
        "updated_at": "2026-01-01T00:00:00+00:00",
    }
    output = _restore(
        tmp_path,
        _crafted(
            {
                "core.Agency": [RESTORED],
                "core.TranslationSource": [
                    {**source, "id": 9701, "unit": "registry.service/9501/name"},
                    {**source, "id": 9702, "unit": "registry.service/9999/name"},
                    {**source, "id": 9703, "unit": "registry.service/9501/description\x00"},
                    {**source, "id": 9704, "unit": "registry.service/9501/name", "language": "fr"},
                ],
                "registry.Service": [SERVICE],
            }
        ),
    )
    member = "data/core.TranslationSource.json"
    assert (
        f"{member}, row 2, column unit: registry.service/9999/name (es): the registry.service it "
        "translates is not in the file; left out"
    ) in output
    assert f"{member}, row 3, column unit: " in output and "\x00" not in output
    assert f"{member}, row 4, column language: " in output
    kept = TranslationSource.objects.get()
    assert (kept.pk, kept.unit, kept.status) == (
        9701,
        "registry.service/9501/name",
        "machine_draft",
    )
