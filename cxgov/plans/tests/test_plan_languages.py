"""The published customer service plan and CX action plan in a language beyond Spanish: fixed
words from the catalogue, authored texts from the agency's translations as they were when the
plan was published, English marked `lang="en"` and noted once where a translation is missing,
and snapshots published before other languages were frozen still read."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.test import Client
from django.utils import timezone, translation

from cxgov.actions.models import ActionPlan
from cxgov.actions.services_plans import action_plan_publish
from cxgov.actions.tests.factories import ActionItemFactory
from cxgov.core.models import Agency, AuthoredTranslation, DocumentStatus
from cxgov.plans.document import plan_document
from cxgov.plans.models import Plan, PlanSection, PlanVersion
from cxgov.plans.selectors import plan_snapshot_draft
from cxgov.plans.services import plan_create, plan_publish
from cxgov.plans.tests.factories import service_with_records
from cxgov.standards.models import Standard

pytestmark = pytest.mark.django_db

PLAN = "/fr/agencies/alpha/plan/"
ACTION_PLAN = "/fr/agencies/alpha/action-plan/"
NOTE = 'id="untranslated-note"'


@pytest.fixture(autouse=True)
def french(settings, agency_a: Agency):
    settings.LANGUAGES = [("en", "English"), ("es", "Spanish"), ("fr", "French")]
    Agency.objects.filter(pk=agency_a.pk).update(languages=["en", "es", "fr"])


def _translate(agency: Agency, record, field: str, text: str) -> None:
    AuthoredTranslation.objects.create(
        agency=agency,
        model=record._meta.label_lower,
        object_id=record.pk,
        field=field,
        language="fr",
        text=text,
        source_hash="-",
    )


def _main(client: Client, path: str) -> str:
    html = client.get(path, secure=True).content.decode()
    assert html.count(NOTE) <= 1
    return html[html.index("<main") : html.index("</main>")] + ("NOTE" if NOTE in html else "")


@pytest.fixture
def standard(agency_a: Agency) -> Standard:
    return service_with_records(agency_a)


def test_a_french_plan_reads_the_translations_frozen_at_publication(
    client: Client, agency_a: Agency, standard: Standard
):
    plan = plan_create(actor=None, agency=agency_a, year=2027)
    section = PlanSection.objects.get(plan=plan, key="training")
    PlanSection.objects.filter(pk=section.pk).update(text_en="Our staff learn to listen.")
    _translate(agency_a, standard.service, "name", "Renouveler un permis")
    _translate(agency_a, standard, "statement", "Nous renouvelons 90 % des permis en 5 jours")
    _translate(agency_a, section, "text_en", "Notre personnel apprend à écouter.")
    plan_publish(actor=None, plan=plan)

    html = _main(client, PLAN)
    assert "<h3>Renouveler un permis</h3>" in html
    assert "<h3>Nous renouvelons 90 % des permis en 5 jours</h3>" in html
    assert "Notre personnel apprend à écouter." in html
    # Fixed words come from the catalogue at reading time.
    assert "<dt>Objectif</dt>" in html
    assert "jours ouvrables" in html
    # The segment has no French: its English is marked and the page says so once.
    assert '<h3 lang="en">Permit holders</h3>' in html
    assert '<span lang="en">Renew a permit</span>' not in html
    assert html.endswith("NOTE")

    # A translation changed after publication waits for the next version.
    AuthoredTranslation.objects.filter(field="name").update(text="Renouvellement de permis")
    assert "Renouveler un permis" in _main(client, PLAN)
    plan_publish(actor=None, plan=plan)
    assert "<h3>Renouvellement de permis</h3>" in _main(client, PLAN)


def test_a_plan_published_before_other_languages_were_frozen_reads_in_french(
    client: Client, agency_a: Agency, standard: Standard
):
    plan = plan_create(actor=None, agency=agency_a, year=2027)
    # What a schema 1 snapshot holds: English and Spanish, no `translations`.
    snapshot = plan_snapshot_draft(plan=plan)
    snapshot["schema"] = 1
    channels = [channel for service in snapshot["services"] for channel in service["channels"]]
    for record in (
        snapshot["agency"],
        *snapshot["segments"],
        *snapshot["services"],
        *channels,
        *snapshot["standards"],
        *snapshot["surveys"],
    ):
        record.pop("translations", None)
    for segment in snapshot["segments"]:
        segment["services"] = [pair[:2] for pair in segment["services"]]
    PlanVersion.objects.create(
        plan=plan,
        number=1,
        snapshot=snapshot,
        created_at=timezone.now(),
        published_at=timezone.now(),
    )
    Plan.objects.filter(pk=plan.pk).update(status=DocumentStatus.PUBLISHED)
    _translate(agency_a, standard.service, "name", "Renouveler un permis")

    response = client.get(PLAN, secure=True)
    assert response.status_code == 200
    html = _main(client, PLAN)
    assert '<h3 lang="en">Renew a permit</h3>' in html
    assert '<span lang="en">Renew a permit</span>' in html
    assert '<h3 lang="en">We renew 90% of permits within 5 business days</h3>' in html
    assert "jours ouvrables" in html
    assert html.endswith("NOTE")


def test_the_spanish_plan_still_reads_its_spanish_columns(
    client: Client, agency_a: Agency, standard: Standard
):
    plan_publish(actor=None, plan=plan_create(actor=None, agency=agency_a, year=2027))
    html = _main(client, "/es/agencies/alpha/plan/")
    assert "<h3>Renovar un permiso</h3>" in html
    assert "Titulares de permisos" in html


def test_a_french_action_plan_marks_english_items_and_names_the_service_in_french(
    client: Client, agency_a: Agency, standard: Standard, analyst_a
):
    service = standard.service
    item = ActionItemFactory(
        agency=agency_a,
        owner=analyst_a,
        service=service,
        title="Shorten the phone queue",
        due_date=date(2030, 3, 1),
    )
    plan = ActionPlan.objects.create(
        agency=agency_a, fiscal_year=2030, summary_en="We will answer calls faster."
    )
    plan.items.set([item])
    _translate(agency_a, service, "name", "Renouveler un permis")
    action_plan_publish(actor=None, plan=plan)

    html = _main(client, ACTION_PLAN)
    assert '<h3 lang="en">Shorten the phone queue</h3>' in html
    assert re.search(r"<dd>\s*Renouveler un permis\s*</dd>", html)
    assert '<div lang="en"><p>We will answer calls faster.</p></div>' in html
    # The status is a code in the snapshot, read in French.
    assert "<dd>Ouverte</dd>" in html
    assert html.endswith("NOTE")


def test_the_acsi_source_reads_in_the_pages_language_and_a_named_one_stays_english(
    agency_a: Agency, standard: Standard
):
    snapshot = plan_snapshot_draft(plan=plan_create(actor=None, agency=agency_a, year=2027))
    choice = {
        "service": "Renew a permit",
        "service_es": "Renovar un permiso",
        "series": "ACSI citizen satisfaction",
        "entity": "U.S. federal government (aggregate)",
        "source": "American Customer Satisfaction Index (published scores)",
        "source_kind": "acsi",
        "metric": "acsi_index",
        "url": "https://www.theacsi.org/",
        "reason": "The best known federal figure.",
    }
    snapshot["benchmarks"] = [choice, {**choice, "source": "Peer survey", "source_kind": "peer"}]

    def facts() -> list[dict[str, tuple[str, str]]]:
        section = next(s for s in plan_document(snapshot).sections if s.key == "benchmarks")
        return [{f.label: (f.value, f.lang) for f in item.facts} for item in section.items]

    with translation.override("fr"):
        acsi, peer = facts()
        assert acsi["Source"] == ("Indice américain de satisfaction de la clientèle", "")
        assert peer["Source"] == ("Peer survey", "en")
        assert acsi["Pourquoi ce choix"][1] == "en"
    with translation.override("en"):
        acsi, _peer = facts()
        assert acsi["Source"] == ("American Customer Satisfaction Index (published scores)", "")
