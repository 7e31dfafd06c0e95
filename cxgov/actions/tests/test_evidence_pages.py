"""Suggested prompts and employee survey themes: what is shown, and what never is."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from django.test import override_settings

from cxgov.actions.models import ActionItem
from cxgov.standards.models import ReportedResult
from cxgov.surveys.services import (
    BulkResponse,
    SubmissionContext,
    response_bulk_create,
    survey_create,
)
from cxgov.testing.factories import ServiceFactory, StandardFactory

pytestmark = pytest.mark.django_db

BASE = "/staff/agencies/alpha/actions/"
BARRIERS = [
    "The case system is slow in the afternoon so callers wait.",
    "Case system slow again, callers wait on hold.",
    "Forms change without notice and we learn from customers.",
    "Forms change with no notice to staff.",
    "Call Jane Smith at 202-555-0100 about the case system backlog.",
]


def _employee_survey(agency, answers):
    survey = survey_create(actor=None, agency=agency, template="employee_barriers")
    rows = [
        BulkResponse(
            answers={"resources": 3, **({"barriers": text} if text else {})},
            submitted_at=datetime(2026, 8, 1, 12, tzinfo=UTC),
            context=SubmissionContext(source="web"),
            submission_id=f"emp-{n}",
        )
        for n, text in enumerate(answers)
    ]
    response_bulk_create(actor=None, survey=survey, rows=rows)
    return survey


@override_settings(SURVEY_SUPPRESSION_THRESHOLD=5)
def test_small_employee_survey_shows_nothing(analyst_a_client, agency_a):
    survey = _employee_survey(agency_a, BARRIERS[:4])
    page = analyst_a_client.get(f"{BASE}employee-themes/{survey.pk}/").content.decode()
    assert "fewer than 5 responses" in page
    for text in BARRIERS[:4]:
        assert text not in page
    assert "Turn into an action" not in page


@override_settings(SURVEY_SUPPRESSION_THRESHOLD=5)
def test_employee_themes_show_terms_scrubbed_examples_and_no_small_theme(
    analyst_a_client, agency_a
):
    # 12 about the case system (8 naming someone), 6 about forms, 2 about interpreters
    # (under the threshold).
    answers = (
        [BARRIERS[4]] * 8
        + [BARRIERS[0], BARRIERS[1]] * 2
        + [BARRIERS[2], BARRIERS[3]] * 3
        + ["Not enough interpreters for visitors.", "Interpreters for visitors are scarce."]
    )
    survey = _employee_survey(agency_a, answers)
    response = analyst_a_client.get(f"{BASE}employee-themes/{survey.pk}/")
    page = response.content.decode()
    assert response.status_code == 200
    counts = [int(n) for n in re.findall(r"<p>(\d+) comments? ·", page)]
    assert counts and all(count >= 5 for count in counts)
    assert sum(counts) <= len(answers)
    assert "interpreters" not in page.lower()
    assert "202-555-0100" not in page and "Jane Smith" not in page
    assert "[phone removed]" in page
    assert page.count("Turn into an action") == len(counts)
    # The button carries a signed link that pre-fills the form.
    link = re.search(r'href="([^"]+\?source=[^"]+)"', page).group(1).replace("&amp;", "&")
    form = analyst_a_client.get(link).content.decode()
    assert "Employee barrier" in form


def test_other_agencys_employee_survey_is_not_found(analyst_a_client, agency_b):
    survey = _employee_survey(agency_b, BARRIERS)
    assert analyst_a_client.get(f"{BASE}employee-themes/{survey.pk}/").status_code == 404


def test_missed_standard_is_suggested_and_becomes_a_linked_action(
    analyst_a_client, analyst_a, agency_a
):
    service = ServiceFactory(agency=agency_a, name="Passports")
    standard = StandardFactory(
        service=service,
        source="reported",
        period="quarter",
        statement="We answer 80% of calls within 5 minutes",
    )
    ReportedResult.objects.create(
        standard=standard,
        period_start=date(2026, 4, 1),
        period_end=date(2026, 6, 30),
        label="FY2026 Q3",
        volume_meeting_target=140,
        total_volume=200,
    )
    page = analyst_a_client.get(BASE + "suggested/").content.decode()
    assert "We answer 80% of calls within 5 minutes (FY2026 Q3)" in page
    assert "70% met of 200" in page
    link = re.search(r'href="([^"]+\?source=[^"]+)"', page).group(1).replace("&amp;", "&")
    form = analyst_a_client.get(link)
    token = form.context["form"].initial["source"]
    assert form.context["form"].initial["service"] == service.pk
    response = analyst_a_client.post(
        BASE + "new/",
        {
            "title": "Hire two agents",
            "owner": analyst_a.pk,
            "due_date": "2027-02-01",
            "service": service.pk,
            "source": token,
        },
    )
    assert response.status_code == 302
    source = ActionItem.objects.get().sources.get()
    assert source.kind == "missed_standard"
    assert source.reference["standard_id"] == standard.pk
    assert source.reference["share"] == 0.7 and source.reference["n"] == 200


def test_complaint_phrases_are_suggested_without_names_or_dates(analyst_a_client, agency_a):
    from cxgov.complaints.models import Complaint

    texts = [
        "Long hold times on the phone line in June, Mary Jones never called back.",
        "Hold times were over an hour on the phone line in June.",
        "The phone line hold times are too long, June again.",
        "Hold times on the phone line made me give up in June.",
        "Phone line hold times keep getting worse since June.",
        "My card never arrived in the mail.",
    ]
    for n, text in enumerate(texts):
        Complaint.objects.create(agency=agency_a, tracking_number=f"C-S-{n}", what_happened=text)
    page = analyst_a_client.get(BASE + "suggested/").content.decode()
    section = page[page.index("Complaint themes") : page.index("Employee survey themes")]
    assert "hold times" in section and "5 of 6 complaints mention it" in section
    assert "june" not in section.lower() and "mary" not in section.lower()
