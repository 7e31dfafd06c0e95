"""Authored text in languages beyond Spanish (decision 0062): written on the translations page or
brought by an XLIFF file, shown on the public pages in that language, English marked and noted
when a translation is missing, stale once the English changes, read without a query per text."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import gettext

from cxgov.core.models import Agency, AuditEvent, AuthoredTranslation
from cxgov.registry.models import Service
from cxgov.registry.services import service_update
from cxgov.testing.factories import ServiceFactory

pytestmark = pytest.mark.django_db

PAGE = "/staff/agencies/alpha/translations/"
NOTE = "Some of this page has not been translated yet and is shown in English."
NOTE_ES = "Parte de esta página aún no está traducida y se muestra en inglés."


@pytest.fixture(autouse=True)
def more_languages(settings, agency_a: Agency):
    """French and Arabic configured, and offered by the agency (its pages in a language it does
    not offer are shown in English, decision 0061)."""
    settings.LANGUAGES = [("en", "English"), ("es", "Spanish"), ("fr", "French"), ("ar", "Arabic")]
    Agency.objects.filter(pk=agency_a.pk).update(languages=["en", "es", "fr", "ar"])


@pytest.fixture
def service(agency_a: Agency) -> Service:
    return ServiceFactory(
        agency=agency_a,
        slug="renew",
        name="Renew a permit",
        name_es="Renovar un permiso",
        description="Renew your permit online.",
        description_es="Renueve su permiso en línea.",
    )


def _edit(client: Client, language: str, unit: str, text: str, status: str) -> int:
    response = client.post(
        f"{PAGE}{language}/{unit}/", {"text": text, "status": status}, secure=True
    )
    return response.status_code


def _public(client: Client, prefix: str = "/fr") -> str:
    return client.get(f"{prefix}/agencies/alpha/services/renew/", secure=True).content.decode()


def _table(html: str, table_id: str) -> str:
    found = re.search(rf'<table[^>]*id="{table_id}".*?</table>', html, re.S)
    return found.group(0) if found else ""


def test_a_french_name_written_on_the_page_shows_on_the_french_public_page(
    admin_a_client: Client, service: Service, client: Client
):
    unit = f"registry.service/{service.pk}/name"
    form = admin_a_client.get(f"{PAGE}fr/{unit}/", secure=True).content.decode()
    assert 'id="english-source"' in form and "Renew a permit" in form
    assert 'lang="fr"' in form

    assert _edit(admin_a_client, "fr", unit, "Renouveler un permis", "human_reviewed") == 302

    html = _public(client)
    assert "<h1>Renouveler un permis</h1>" in html
    row = AuthoredTranslation.objects.get(language="fr")
    assert (row.unit, row.status, row.updated_by.email) == (  # type: ignore[union-attr]
        unit,
        "human_reviewed",
        "admin@alpha.example.gov",
    )
    assert AuditEvent.objects.filter(action="translation.update").count() == 1


def test_missing_french_shows_english_marked_and_noted_once(service: Service, client: Client):
    html = _public(client)
    assert '<h1><span lang="en">Renew a permit</span></h1>' in html
    assert '<span lang="en">Renew your permit online.</span>' in html
    assert html.count('id="untranslated-note"') == 1
    with translation.override("fr"):
        assert gettext(NOTE) in html


def test_the_note_is_in_the_pages_language_and_absent_when_all_is_translated(
    service: Service, agency_a: Agency, client: Client
):
    html = _public(client, "/es")
    assert "Renovar un permiso" in html
    # The agency has no Spanish name: its English is marked and the note says so in Spanish.
    assert '<span lang="en">Agency Alpha</span>' in html
    assert NOTE_ES in html
    agency_a.name_es = "Agencia Alfa"
    agency_a.save()
    html = _public(client, "/es")
    assert 'id="untranslated-note"' not in html
    assert 'lang="en"' not in html.split('id="main-content"')[1].split("</main>")[0]
    english = _public(client, "")
    assert 'id="untranslated-note"' not in english


def test_a_french_translation_goes_stale_when_the_english_changes_and_still_shows(
    admin_a_client: Client, service: Service, client: Client
):
    unit = f"registry.service/{service.pk}/name"
    _edit(admin_a_client, "fr", unit, "Renouveler un permis", "human_reviewed")
    service_update(actor=None, service=service, name="Renew a business permit")

    html = admin_a_client.get(PAGE + "?language=fr", secure=True).content.decode()
    assert unit in _table(html, "stale")
    assert "Renouveler un permis" in _table(html, "stale")
    assert "Renouveler un permis" in _public(client)

    _edit(admin_a_client, "fr", unit, "Renouveler un permis commercial", "machine_draft")
    html = admin_a_client.get(PAGE + "?language=fr", secure=True).content.decode()
    assert unit not in _table(html, "stale")


def test_coverage_counts_each_language_by_status(
    admin_a_client: Client, service: Service, agency_a: Agency
):
    unit = f"registry.service/{service.pk}"
    _edit(admin_a_client, "fr", f"{unit}/name", "Renouveler un permis", "machine_draft")
    _edit(admin_a_client, "ar", f"{unit}/name", "تجديد تصريح", "human_reviewed")
    _edit(admin_a_client, "ar", f"{unit}/description", "جدد تصريحك عبر الإنترنت.", "human_reviewed")
    service_update(actor=None, service=service, description="Renew your permit on the web.")

    coverage = _table(admin_a_client.get(PAGE, secure=True).content.decode(), "coverage")
    rows = dict(re.findall(r'language=(\w+)"[^>]*>[^<]+</a></th>((?:<td>[^<]*</td>)+)', coverage))
    cells = {code: re.findall(r"<td>([^<]*)</td>", row) for code, row in rows.items()}
    # texts, translated, machine draft, reviewed, stale, missing; the agency's name is the third
    assert cells["es"] == ["3", "2 (66%)", "0", "1", "1", "1"]
    assert cells["fr"] == ["3", "1 (33%)", "1", "0", "0", "2"]
    assert cells["ar"] == ["3", "2 (66%)", "0", "1", "1", "1"]


def test_an_empty_translation_is_missing_again(admin_a_client: Client, service: Service):
    unit = f"registry.service/{service.pk}/name"
    _edit(admin_a_client, "fr", unit, "Renouveler", "machine_draft")
    _edit(admin_a_client, "fr", unit, "", "machine_draft")
    assert not AuthoredTranslation.objects.exists()
    html = admin_a_client.get(PAGE + "?language=fr", secure=True).content.decode()
    assert unit in _table(html, "missing")


def test_a_spanish_edit_writes_the_spanish_column_with_its_status(
    admin_a_client: Client, service: Service
):
    unit = f"registry.service/{service.pk}/name"
    assert _edit(admin_a_client, "es", unit, "Renovar su permiso", "machine_draft") == 302
    service.refresh_from_db()
    assert service.name_es == "Renovar su permiso"
    assert not AuthoredTranslation.objects.exists()
    coverage = _table(admin_a_client.get(PAGE, secure=True).content.decode(), "coverage")
    assert re.search(r"language=es.*?<td>3</td><td>2 \(66%\)</td><td>1</td><td>1</td>", coverage)


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("de/registry.service/{pk}/name/", 404),  # not a configured language
        ("en/registry.service/{pk}/name/", 404),  # English is the source
        ("fr/registry.service/{pk}/slug/", 404),  # not a translated field
        ("fr/registry.service/999999/name/", 404),
        ("fr/core.user/1/email/", 404),
        ("fr/../../name/", 404),
    ],
)
def test_the_edit_form_refuses_what_is_not_a_text(
    admin_a_client: Client, service: Service, url: str, status: int
):
    response = admin_a_client.get(PAGE + url.format(pk=service.pk), secure=True)
    assert response.status_code == status


def test_another_agencys_text_cannot_be_edited(
    admin_a_client: Client, agency_b: Agency, role_a_client
):
    other = ServiceFactory(agency=agency_b, name="Other")
    url = f"{PAGE}fr/registry.service/{other.pk}/name/"
    assert admin_a_client.get(url, secure=True).status_code == 404
    from cxgov.core.models import Role

    analyst = role_a_client(Role.CX_ANALYST)
    assert (
        analyst.post(url, {"text": "x", "status": "machine_draft"}, secure=True).status_code == 404
    )
    assert not AuthoredTranslation.objects.exists()


def test_a_bad_status_is_refused_with_a_clear_error(admin_a_client: Client, service: Service):
    unit = f"registry.service/{service.pk}/name"
    response = admin_a_client.post(
        f"{PAGE}fr/{unit}/", {"text": "Renouveler", "status": "stale"}, secure=True
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not AuthoredTranslation.objects.exists()


def test_the_public_agency_page_reads_translations_once_per_model(
    agency_a: Agency, client: Client, django_assert_max_num_queries
):
    """Thirty services in French cost two queries more than in Spanish (whose text is in the
    rows already): the table is read once per model (the agency's, the services'), not once
    per text."""
    for _ in range(30):
        made = ServiceFactory(agency=agency_a, description="About it.", name_es="Servicio")
        for field in ("name", "description"):
            AuthoredTranslation.objects.create(
                agency=agency_a,
                model="registry.service",
                object_id=made.pk,
                field=field,
                language="fr",
                text=f"{field} {made.pk} en français",
                source_hash="x",
            )
    with CaptureQueriesContext(connection) as spanish:
        assert client.get("/es/agencies/alpha/", secure=True).status_code == 200

    with django_assert_max_num_queries(len(spanish) + 2) as french:
        html = client.get("/fr/agencies/alpha/", secure=True).content.decode()

    assert html.count("en français") >= 60
    table = [q for q in french.captured_queries if "core_authoredtranslation" in q["sql"]]
    assert len(table) == 2


def _download(client: Client, language: str) -> bytes:
    response = client.get(f"{PAGE}export.xlf?language={language}", secure=True)
    assert response.status_code == 200
    assert f"-{language}-" in response["Content-Disposition"]
    return response.content


def _upload(client: Client, data: bytes) -> tuple[int, str]:
    response = client.post(
        PAGE,
        {"file": SimpleUploadedFile("t.xlf", data, content_type="application/xml")},
        secure=True,
        follow=True,
    )
    return response.status_code, response.content.decode()


@pytest.mark.parametrize(
    ("language", "name", "state", "status"),
    [
        ("fr", "Renouveler un permis", "translated", "machine_draft"),
        ("ar", "تجديد تصريح", "final", "human_reviewed"),
    ],
)
def test_an_xliff_file_in_another_language_comes_back_onto_the_public_page(
    admin_a_client: Client,
    service: Service,
    client: Client,
    language: str,
    name: str,
    state: str,
    status: str,
):
    data = _download(admin_a_client, language)
    assert f'trgLang="{language}"'.encode() in data
    assert b"<target>" not in data
    edited = data.replace(
        b"<source>Renew a permit</source>",
        f"<source>Renew a permit</source><target>{name}</target>".encode(),
    ).replace(b"<segment>", f'<segment state="{state}">'.encode(), 1)

    code, html = _upload(admin_a_client, edited)

    assert code == 200
    assert "3 texts read from the file, 1 changed." in html
    row = AuthoredTranslation.objects.get(language=language)
    assert (row.text, row.status) == (name, status)
    assert f"<h1>{name}</h1>" in _public(client, f"/{language}")
    again = _download(admin_a_client, language)
    assert f"<target>{name}</target>".encode() in again
    expected_state = "translated" if status == "machine_draft" else "reviewed"
    assert f'state="{expected_state}"'.encode() in again
    assert AuditEvent.objects.filter(action="translation.export").count() == 2
    service.refresh_from_db()
    assert service.name_es == "Renovar un permiso"


@pytest.mark.parametrize(
    ("trg", "state", "reason"),
    [
        ("de", "translated", "trgLang must be ar, es, fr, not de"),
        ("en", "translated", "trgLang must be ar, es, fr, not en"),
        ("fr", "approved", "state must be initial, translated, reviewed or final"),
    ],
)
def test_a_wrong_language_or_state_is_refused_naming_it(
    admin_a_client: Client, service: Service, trg: str, state: str, reason: str
):
    data = (
        _download(admin_a_client, "fr")
        .replace(b'trgLang="fr"', f'trgLang="{trg}"'.encode())
        .replace(
            b"<source>Renew a permit</source>",
            b"<source>Renew a permit</source><target>Renouveler</target>",
        )
        .replace(b"<segment>", f'<segment state="{state}">'.encode(), 1)
    )
    code, html = _upload(admin_a_client, data)
    assert code == 400
    assert reason in html
    assert not AuthoredTranslation.objects.exists()


def test_a_french_upload_of_a_text_with_markup_like_text_is_kept_verbatim(
    admin_a_client: Client, service: Service, client: Client
):
    tricky = '<b>Renouveler</b> & "permis" <script>alert(1)</script>'
    data = _download(admin_a_client, "fr").replace(
        b"<source>Renew a permit</source>",
        b"<source>Renew a permit</source><target>"
        + tricky.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").encode()
        + b"</target>",
    )
    code, _html = _upload(admin_a_client, data)
    assert code == 200
    assert AuthoredTranslation.objects.get().text == tricky
    html = _public(client)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;b&gt;Renouveler&lt;/b&gt;" in html


@pytest.mark.parametrize("case", ["external entity", "billion laughs", "XLIFF 1.2", "not XML"])
def test_hostile_files_are_refused_whole_with_more_languages_offered(
    admin_a_client: Client, service: Service, case: str
):
    from cxgov.site.tests.test_translations_page import HOSTILE

    data, reason = HOSTILE[case]
    code, html = _upload(
        admin_a_client, data.replace(b'target-language="es"', b'target-language="ar"')
    )
    assert code == 400
    assert reason in html
    assert "root:" not in html
    assert not AuthoredTranslation.objects.exists()


def test_a_survey_choice_translated_into_french_shows_on_the_french_survey(
    admin_a_client: Client, agency_a: Agency, client: Client
):
    from django.core.cache import cache
    from django.utils import timezone

    from cxgov.surveys.models import Survey
    from cxgov.surveys.services import survey_create, survey_publish
    from cxgov.testing.factories import cleared

    cache.clear()
    survey = survey_publish(
        actor=None,
        survey=cleared(survey_create(actor=None, agency=agency_a, template="a11_v2")),
    )
    # One page, so the choices show on the first screen (the template spreads over three).
    survey.questions.update(page=1)
    Survey.objects.filter(pk=survey.pk).update(updated_at=timezone.now())
    question = next(q for q in survey.questions.all() if q.options)
    choice = question.options[0]
    unit = f"surveys.question/{question.pk}/option:{choice['value']}"
    xliff = _download(admin_a_client, "fr").decode()
    assert f'<unit id="{unit}">' in xliff

    assert _edit(admin_a_client, "fr", unit, "Choix en français", "machine_draft") == 302

    html = client.get(f"/fr/surveys/{survey.public_id}/", secure=True).content.decode()
    assert "Choix en français" in html
    assert f'<span lang="en">{question.text}</span>' in html


def test_the_commands_export_and_import_another_language(service: Service, tmp_path):
    from io import StringIO

    from django.core.management import CommandError, call_command

    path = tmp_path / "fr.xlf"
    call_command("translations_export", "--agency", "alpha", "--language", "fr", "--output", path)
    path.write_bytes(
        path.read_bytes().replace(
            b"<source>Renew a permit</source>",
            b"<source>Renew a permit</source><target>Renouveler</target>",
        )
    )
    out = StringIO()
    call_command("translations_import", "--agency", "alpha", str(path), stdout=out)
    assert out.getvalue().strip() == "1 translations changed"
    assert AuthoredTranslation.objects.get().text == "Renouveler"
    with pytest.raises(CommandError, match="de is not a configured language"):
        call_command(
            "translations_export", "--agency", "alpha", "--language", "de", "--output", path
        )
