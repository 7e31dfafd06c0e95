"""Plans through HTTP: staff editor, publishing, versions and diff; the public page and PDF."""

from __future__ import annotations

import re
import shutil
import subprocess
import zlib
from pathlib import Path

import pytest
from django.test import Client

from cxgov.core.models import Agency, Role
from cxgov.plans.models import Plan, PlanSection
from cxgov.plans.services import plan_create, plan_publish
from cxgov.plans.tests.factories import service_with_records
from cxgov.registry.models import Channel
from cxgov.testing.approvals import review_and_publish
from cxgov.testing.factories import MembershipFactory, UserFactory
from cxgov.testing.prepared import prepared_get

STAFF = "/staff/agencies/alpha/plans/"


def _text(response) -> str:
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


def _run(tool: str, *args: str) -> str:
    binary = shutil.which(tool)
    assert binary, f"{tool} is missing (apt-get install poppler-utils)"
    return subprocess.run(  # noqa: S603 - a fixed tool on a file this test wrote
        [binary, *args], capture_output=True, text=True, check=True
    ).stdout


def _pdf_objects(pdf: bytes) -> bytes:
    """The PDF's bytes with every compressed stream inflated (the catalog sits in one)."""
    parts = [pdf]
    for match in re.finditer(rb"stream\r?\n", pdf):
        try:
            parts.append(zlib.decompressobj().decompress(pdf[match.end() :]))
        except zlib.error:
            continue
    return b"\n".join(parts)


def _start(client: Client, year: int = 2027) -> Plan:
    response = client.post(STAFF, {"year": year})
    assert response.status_code == 302
    return Plan.objects.get(year=year)


@pytest.mark.django_db
def test_diff_shows_a_changed_standard_target_after_republishing(
    admin_a_client: Client, agency_a: Agency, role_a_client
) -> None:
    manager = role_a_client(Role.SERVICE_MANAGER)
    service = service_with_records(agency_a).service
    standard_data = {
        "service": service.pk,
        "kind": "TML",
        "source": "events",
        "statement": "We answer letters within 10 business days",
        "target": "0.8",
        "threshold": "10",
        "threshold_unit": "business_days",
        "calendar": "business_days",
        "period": "month",
    }
    assert (
        admin_a_client.post("/staff/agencies/alpha/standards/new/", standard_data).status_code
        == 302
    )
    letters = service.standards.get(statement__startswith="We answer letters")
    review_and_publish(
        author=admin_a_client, approver=manager, slug="alpha", kind="standard", object_id=letters.pk
    )

    plan = _start(admin_a_client)
    review_and_publish(
        author=admin_a_client, approver=manager, slug="alpha", kind="plan", object_id=plan.pk
    )
    edited = admin_a_client.post(
        f"/staff/agencies/alpha/standards/{letters.pk}/edit/", {**standard_data, "target": "0.95"}
    )
    assert edited.status_code == 302
    review_and_publish(
        author=admin_a_client, approver=manager, slug="alpha", kind="plan", object_id=plan.pk
    )

    detail = admin_a_client.get(f"{STAFF}{plan.pk}/")
    assert "Version 2" in _text(detail)
    diff = admin_a_client.get(f"{STAFF}{plan.pk}/changes/?from=1&to=2")
    assert diff.status_code == 200
    html = diff.content.decode()
    assert re.search(r"<del><strong>Removed:</strong>\s+Target: 80\.0 % of the time</del>", html)
    assert re.search(r"<ins[^>]*><strong>Added:</strong>\s+Target: 95\.0 % of the time</ins>", html)
    # The other standard did not change, so it is not marked.
    assert "Removed:</strong> Target: 90.0 %" not in html
    same = admin_a_client.get(f"{STAFF}{plan.pk}/changes/?from=2&to=2")
    assert "Nothing changed between these versions." in _text(same)


@pytest.mark.django_db
def test_public_plan_shows_the_records_in_english_and_spanish(
    client: Client, agency_a: Agency, admin_a
) -> None:
    service_with_records(agency_a)
    plan = plan_create(actor=admin_a, agency=agency_a, year=2027)
    PlanSection.objects.filter(plan=plan, key="training").update(
        text_en="Our staff learn to listen.", text_es="Nuestro personal aprende a escuchar."
    )
    assert client.get("/agencies/alpha/plan/").status_code == 404
    assert "/agencies/alpha/plan/" not in client.get("/agencies/alpha/").content.decode()
    plan_publish(actor=admin_a, plan=plan)
    assert "/agencies/alpha/plan/" in client.get("/agencies/alpha/").content.decode()

    english = _text(client.get("/agencies/alpha/plan/"))
    assert "We renew 90% of permits within 5 business days" in english
    assert "Target: 90.0 % of the time".replace(": ", " ") in english
    assert "92.0 % in 2026-09, out of 50" in english
    assert "Permit help line" in english and "1-800-555-0142" in english
    assert "Monday to Friday: 8:30 a.m.–5 p.m." in english
    assert "Our staff learn to listen." in english
    assert "Make a complaint online" in english

    response = client.get("/es/agencies/alpha/plan/")
    assert response.status_code == 200
    assert '<html lang="es">' in response.content.decode()
    spanish = _text(response)
    assert "Renovamos el 90 % de los permisos en 5 días hábiles" in spanish
    assert "Línea de ayuda de permisos" in spanish and "1-800-555-0142" in spanish
    assert "Renovar un permiso" in spanish
    assert "Nuestro personal aprende a escuchar." in spanish
    assert "We renew 90% of permits" not in spanish


@pytest.mark.django_db
def test_public_plan_stays_as_published_until_republished(client: Client, agency_a: Agency) -> None:
    service_with_records(agency_a)
    plan = plan_create(actor=None, agency=agency_a, year=2027)
    plan_publish(actor=None, plan=plan)
    Channel.objects.filter(name="Permit help line").update(name="Renamed line")
    assert "Permit help line" in _text(client.get("/agencies/alpha/plan/"))
    plan_publish(actor=None, plan=plan)
    page = _text(client.get("/agencies/alpha/plan/"))
    assert "Renamed line" in page and "Permit help line" not in page


@pytest.mark.django_db
@pytest.mark.parametrize(("prefix", "lang"), [("", "en"), ("/es", "es")])
def test_pdf_is_tagged_with_title_and_language(
    client: Client, agency_a: Agency, tmp_path: Path, prefix: str, lang: str, settings
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    service_with_records(agency_a)
    plan_publish(actor=None, plan=plan_create(actor=None, agency=agency_a, year=2027))
    response = prepared_get(client, f"{prefix}/agencies/alpha/plan.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    content = b"".join(response.streaming_content)
    path = tmp_path / "plan.pdf"
    path.write_bytes(content)
    info = _run("pdfinfo", str(path))
    assert re.search(r"^Tagged:\s+yes$", info, re.MULTILINE)
    assert re.search(r"^Title:\s+.*2027.*Agency Alpha$", info, re.MULTILINE)
    assert f"/Lang ({lang})".encode() in _pdf_objects(content)
    text = _run("pdftotext", str(path), "-")
    statement = "Renovamos el 90 %" if lang == "es" else "We renew 90% of permits"
    assert statement in text
    assert "1-800-555-0142" in text


@pytest.mark.django_db
def test_pdf_is_404_when_nothing_is_published(client: Client, agency_a: Agency) -> None:
    plan_create(actor=None, agency=agency_a, year=2027)
    assert client.get("/agencies/alpha/plan.pdf").status_code == 404
    assert client.get("/agencies/nobody/plan/").status_code == 404


@pytest.mark.django_db
def test_editor_shows_the_grade_and_marks_hard_sentences(
    analyst_a_client: Client, agency_a: Agency
) -> None:
    service_with_records(agency_a)
    plan = _start(analyst_a_client)
    hard = (
        "Notwithstanding the aforementioned organizational considerations, individualized "
        "administrative determinations necessitate comprehensive interdepartmental coordination."
    )
    response = analyst_a_client.post(
        f"{STAFF}{plan.pk}/sections/training/",
        {"text_en": f"We help you. {hard}", "text_es": "Le ayudamos."},
    )
    assert response.status_code == 302
    page = analyst_a_client.get(f"{STAFF}{plan.pk}/sections/training/")
    html = page.content.decode()
    assert f"<mark>{hard}</mark>" in html
    assert re.search(r"hard to read: grade \d+(\.\d)?", html)
    assert "target: 8 or lower" in html
    records = analyst_a_client.get(f"{STAFF}{plan.pk}/sections/standards/")
    assert "We renew 90% of permits within 5 business days" in _text(records)
    assert analyst_a_client.get(f"{STAFF}{plan.pk}/sections/nothing/").status_code == 404
    summary = _text(analyst_a_client.get(f"{STAFF}{plan.pk}/"))
    assert "Too hard" in summary


@pytest.mark.django_db
def test_editor_scores_spanish_with_a_formula_made_for_spanish(
    analyst_a_client: Client, agency_a: Agency
) -> None:
    service_with_records(agency_a)
    plan = _start(analyst_a_client)
    hard = (
        "No obstante las consideraciones anteriormente mencionadas, los solicitantes deberán "
        "fundamentar documentalmente las determinaciones de elegibilidad correspondientes."
    )
    analyst_a_client.post(
        f"{STAFF}{plan.pk}/sections/training/",
        {"text_en": "We help you.", "text_es": f"Le ayudamos. {hard}"},
    )
    html = analyst_a_client.get(f"{STAFF}{plan.pk}/sections/training/").content.decode()
    assert "Szigriszt-Pazos perspicuity" in html
    assert "INFLESZ scale (target: 55 or higher)" in html
    assert f"<mark>{hard}</mark>" in html
    assert re.search(r"hard to read: perspicuity \d+(\.\d)?", html)
    assert "made for English" not in html


@pytest.mark.django_db
def test_people_without_a_plan_role_are_refused(
    client: Client, analyst_a_client: Client, handler_b_client: Client, agency_a: Agency
) -> None:
    plan = plan_create(actor=None, agency=agency_a, year=2027)
    plan_publish(actor=None, plan=plan)
    handler = UserFactory(email="handler@alpha.example.gov")
    MembershipFactory(user=handler, agency=agency_a, role=Role.COMPLAINT_HANDLER)
    handler_a = Client()
    handler_a.force_login(handler)
    for url in (STAFF, f"{STAFF}{plan.pk}/", f"{STAFF}{plan.pk}/sections/training/"):
        assert handler_a.get(url).status_code == 404
        assert handler_b_client.get(url).status_code == 404
        assert client.get(url).status_code == 302  # to sign in
    # Another agency's plan through one's own agency address is missing too.
    other = plan_create(
        actor=None, agency=Agency.objects.create(name="C", slug="charlie"), year=2027
    )
    assert analyst_a_client.get(f"{STAFF}{other.pk}/").status_code == 404
    # An analyst writes sections and sends the plan for review, but neither approves nor
    # publishes it.
    assert analyst_a_client.get(f"{STAFF}{plan.pk}/").status_code == 200
    review = f"/staff/agencies/alpha/reviews/plan/{plan.pk}/"
    assert analyst_a_client.post(f"{review}submit/").status_code == 302
    assert analyst_a_client.post(f"{review}approve/").status_code == 404
    assert analyst_a_client.post(f"{review}publish/").status_code == 404
    assert analyst_a_client.get(f"{review}publish/").status_code == 405
    assert plan.versions.count() == 1


@pytest.mark.django_db
def test_bad_requests_get_clear_answers(
    admin_a_client: Client, agency_a: Agency, role_a_client
) -> None:
    plan = _start(admin_a_client)
    again = admin_a_client.post(STAFF, {"year": 2027})
    assert again.status_code == 400
    assert "There is already a plan for fiscal year 2027." in again.content.decode()
    assert admin_a_client.post(STAFF, {"year": "soon"}).status_code == 400
    nothing = admin_a_client.get(f"{STAFF}{plan.pk}/changes/?from=1&to=2")
    assert nothing.status_code == 200
    assert "nothing to compare" in _text(nothing)
    review_and_publish(
        author=admin_a_client,
        approver=role_a_client(Role.SERVICE_MANAGER),
        slug="alpha",
        kind="plan",
        object_id=plan.pk,
    )
    wrong = admin_a_client.get(f"{STAFF}{plan.pk}/changes/?from=7&to=99999999999")
    assert wrong.status_code == 400
    assert "Choose two versions of this plan." in _text(wrong)
    assert admin_a_client.get(f"{STAFF}{plan.pk}/versions/9/").status_code == 404
    assert admin_a_client.get(f"{STAFF}{plan.pk}/versions/1/").status_code == 200
    assert admin_a_client.get(f"{STAFF}{plan.pk}/preview/").status_code == 200
