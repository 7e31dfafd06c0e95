"""The agency's name and mission, channels, customer segments, survey report narratives and the
action plan's texts take translations beyond Spanish like every other authored text (decision
0062): written on the translations page or brought by XLIFF, shown on the public pages and
frozen into published plans, English marked `lang="en"` and noted where one is missing."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from cxgov.actions.models import ActionPlan
from cxgov.actions.services_plans import action_plan_publish
from cxgov.core.models import Agency, AuthoredTranslation
from cxgov.plans.services import plan_create, plan_publish
from cxgov.plans.tests.factories import service_with_records
from cxgov.registry.models import Channel
from cxgov.reports.selectors.build import authored_sections
from cxgov.reports.services import survey_report_update
from cxgov.site.translations import translation_status
from cxgov.standards.models import Standard

pytestmark = pytest.mark.django_db

PAGE = "/staff/agencies/alpha/translations/"
NOTE = 'id="untranslated-note"'
MISSION = "We keep permits simple."
INSTRUCTIONS = "Have your permit number ready."


@pytest.fixture(autouse=True)
def french(settings, agency_a: Agency):
    settings.LANGUAGES = [("en", "English"), ("es", "Spanish"), ("fr", "French")]
    Agency.objects.filter(pk=agency_a.pk).update(languages=["en", "es", "fr"], mission=MISSION)


@pytest.fixture
def standard(agency_a: Agency) -> Standard:
    return service_with_records(agency_a)


@pytest.fixture
def channel(standard: Standard) -> Channel:
    found = Channel.objects.get(service=standard.service)
    found.instructions = INSTRUCTIONS
    found.save()
    return found


def _edit(client: Client, record, field: str, text: str) -> None:
    unit = f"{record._meta.label_lower}/{record.pk}/{field}"
    response = client.post(
        f"{PAGE}fr/{unit}/", {"text": text, "status": "human_reviewed"}, secure=True
    )
    assert response.status_code == 302


def _main(client: Client, path: str) -> str:
    html = client.get(path, secure=True).content.decode()
    assert html.count(NOTE) <= 1
    return html[html.index("<main") : html.index("</main>")] + ("NOTE" if NOTE in html else "")


def test_the_agency_mission_written_in_french_shows_on_the_french_agency_page(
    admin_a_client: Client, agency_a: Agency, client: Client
):
    html = _main(client, "/fr/agencies/alpha/")
    assert f'<span lang="en">{MISSION}</span>' in html
    assert html.endswith("NOTE")

    _edit(admin_a_client, agency_a, "mission", "Nous simplifions les permis.")
    _edit(admin_a_client, agency_a, "name", "Agence Alpha")

    html = _main(client, "/fr/agencies/alpha/")
    assert "Nous simplifions les permis." in html
    assert MISSION not in html
    assert "Agence Alpha" in html


def test_a_channels_instructions_written_in_french_show_on_the_french_service_page(
    admin_a_client: Client, channel: Channel, client: Client
):
    path = "/fr/agencies/alpha/services/renew-a-permit/"
    html = _main(client, path)
    assert f'<span lang="en">{INSTRUCTIONS}</span>' in html
    assert html.endswith("NOTE")

    _edit(admin_a_client, channel, "instructions", "Ayez votre numéro de permis à portée de main.")
    _edit(admin_a_client, channel, "name", "Ligne d’aide aux permis")

    html = _main(client, path)
    assert "<p>Ayez votre numéro de permis à portée de main.</p>" in html
    assert "Ligne d’aide aux permis" in html


def test_the_survey_report_narrative_reads_its_french_and_falls_back_to_english(
    admin_a_client: Client, agency_a: Agency
):
    report = survey_report_update(
        actor=None,
        agency=agency_a,
        fiscal_year=2026,
        quarter=None,
        sections={"what_we_heard": "Calls take too long.", "what_we_changed": "More staff."},
    )
    _edit(admin_a_client, report, "what_we_heard", "Les appels sont trop longs.")

    sections = {s.id: s.text for s in authored_sections(report, "fr")}
    assert sections["what_we_heard"] == "Les appels sont trop longs."
    assert sections["what_we_changed"] == "More staff."


def test_the_action_plan_summary_in_french_is_frozen_at_publication(
    admin_a_client: Client, agency_a: Agency, client: Client
):
    plan = ActionPlan.objects.create(
        agency=agency_a, fiscal_year=2030, summary_en="We will answer calls faster."
    )
    action_plan_publish(actor=None, plan=plan)
    html = _main(client, "/fr/agencies/alpha/action-plan/")
    assert '<div lang="en"><p>We will answer calls faster.</p></div>' in html
    assert html.endswith("NOTE")

    _edit(admin_a_client, plan, "summary_en", "Nous répondrons plus vite.")
    # Written after publication: the public page waits for the next version.
    assert "Nous répondrons plus vite." not in _main(client, "/fr/agencies/alpha/action-plan/")

    action_plan_publish(actor=None, plan=plan)
    html = _main(client, "/fr/agencies/alpha/action-plan/")
    assert "<div><p>Nous répondrons plus vite.</p></div>" in html


def test_the_plan_freezes_the_mission_and_channel_texts_in_french(
    admin_a_client: Client, agency_a: Agency, channel: Channel, client: Client
):
    _edit(admin_a_client, agency_a, "mission", "Nous simplifions les permis.")
    _edit(admin_a_client, channel, "instructions", "Ayez votre numéro de permis.")
    plan_publish(actor=None, plan=plan_create(actor=None, agency=agency_a, year=2027))

    html = _main(client, "/fr/agencies/alpha/plan/")
    assert "Nous simplifions les permis." in html
    assert "Ayez votre numéro de permis." in html
    assert INSTRUCTIONS not in html


def test_an_xliff_round_trip_carries_the_new_kinds(
    admin_a_client: Client, agency_a: Agency, channel: Channel, client: Client
):
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
    data = admin_a_client.get(f"{PAGE}export.xlf?language=fr", secure=True).content
    for unit in (
        f"core.agency/{agency_a.pk}/mission",
        f"registry.channel/{channel.pk}/instructions",
        f"registry.customersegment/{channel.service.segments.get().pk}/name",
        f"reports.surveyreport/{report.pk}/what_we_heard",
        f"actions.actionplan/{plan.pk}/summary_en",
    ):
        assert f'id="{unit}"'.encode() in data
    targets = {
        MISSION: "Nous simplifions les permis.",
        INSTRUCTIONS: "Ayez votre numéro de permis.",
        "Calls take too long.": "Les appels sont trop longs.",
        "We will answer calls faster.": "Nous répondrons plus vite.",
    }
    for source, target in targets.items():
        data = data.replace(
            f"<source>{source}</source>".encode(),
            f"<source>{source}</source><target>{target}</target>".encode(),
        )

    response = admin_a_client.post(
        PAGE,
        {"file": SimpleUploadedFile("t.xlf", data, content_type="application/xml")},
        secure=True,
        follow=True,
    )

    assert "4 changed." in response.content.decode()
    assert set(AuthoredTranslation.objects.values_list("text", flat=True)) == set(targets.values())
    assert "Nous simplifions les permis." in _main(client, "/fr/agencies/alpha/")
    again = admin_a_client.get(f"{PAGE}export.xlf?language=fr", secure=True).content.decode()
    assert all(f"<target>{t}</target>" in again for t in targets.values())


def test_the_translations_page_names_the_new_kinds_and_marks_a_changed_mission_stale(
    admin_a_client: Client, agency_a: Agency, channel: Channel
):
    _edit(admin_a_client, agency_a, "mission", "Nous simplifions les permis.")
    agency_a.refresh_from_db()
    agency_a.mission = "We keep permits simple and fast."
    agency_a.save()

    states = {t.unit: (t.kind, t.state) for t in translation_status(agency=agency_a, language="fr")}
    assert states[f"core.agency/{agency_a.pk}/mission"] == ("agency", "stale")
    assert states[f"registry.channel/{channel.pk}/instructions"] == ("channel", "missing")
    html = admin_a_client.get(PAGE + "?language=fr", secure=True).content.decode()
    stale = re.search(r'<table[^>]*id="stale".*?</table>', html, re.S)
    assert stale and f"core.agency/{agency_a.pk}/mission" in stale.group(0)
