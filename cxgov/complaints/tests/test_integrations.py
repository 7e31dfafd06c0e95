"""The thread between parts: low survey scores open follow-up cases, and complaint handling
times feed a posted standard."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from cxgov.complaints.integrations import complaints_standard_counts
from cxgov.complaints.models import Complaint
from cxgov.standards.selectors import standard_results
from cxgov.surveys.services import response_submit, survey_create, survey_publish
from cxgov.testing.factories import ServiceFactory, StandardFactory, cleared

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def a11_survey(agency_a):
    service = ServiceFactory(agency=agency_a, slug="permit")
    survey = survey_create(
        actor=None, agency=agency_a, template="a11_v2", title="Permit feedback", services=[service]
    )
    return survey_publish(actor=None, survey=cleared(survey))


def _answer(survey, trust: int, *, consent: bool, email: str = "pat@example.com", sid: str):
    return response_submit(
        survey=survey,
        answers={"trust": trust, "contact_email": email},
        submission_id=sid,
        consent_to_contact=consent,
    )


def test_low_score_with_consent_opens_one_follow_up_case(a11_survey):
    response = _answer(a11_survey, 0, consent=True, sid="s-1")
    case = Complaint.objects.get(source="survey")
    assert case.contact_email == "pat@example.com"
    assert case.source_ref == f"{a11_survey.public_id}/{response.submission_id}"
    assert "Permit feedback" in case.what_happened
    _answer(a11_survey, 0, consent=True, sid="s-1")  # replayed submission
    assert Complaint.objects.filter(source="survey").count() == 1


def test_no_case_without_consent_or_for_a_good_score(a11_survey):
    _answer(a11_survey, 0, consent=False, sid="s-2")
    _answer(a11_survey, 1, consent=True, sid="s-3")
    assert not Complaint.objects.filter(source="survey").exists()


def test_complaints_standard_counts_closed_and_timely_by_period(agency_a):
    service = ServiceFactory(agency=agency_a)
    standard = StandardFactory(service=service, source="complaints", period="month")
    now = timezone.now()
    for index, timely in enumerate([True, True, False]):
        Complaint.objects.create(
            agency=agency_a,
            service=service,
            tracking_number=f"C-TEST-0000-000{index}",
            what_happened="x",
            contact_email="a@example.com",
            status="closed",
            closed_at=now - timedelta(days=1),
            final_timely=timely,
        )
    counts = complaints_standard_counts(standard)
    assert [(c.n, c.met) for c in counts] == [(3, 2)]
    results = standard_results(standard=standard, today=date.today())
    assert results[-1].n == 3
    assert results[-1].met == 2


def _closed_complaint(agency, email="casey@example.com"):
    from cxgov.complaints.services import complaint_create, complaint_transition

    complaint = complaint_create(
        agency=agency, what_happened="My card never came.", contact_email=email
    )
    complaint = complaint_transition(complaint=complaint, to_status="responded", actor=None)
    return complaint_transition(complaint=complaint, to_status="closed", actor=None)


def test_closing_a_complaint_invites_the_person_to_the_post_resolution_survey(agency_a):
    from django.core import mail

    from cxgov.surveys.models import Invitation

    survey = survey_publish(
        actor=None,
        survey=cleared(
            _with_spanish(survey_create(actor=None, agency=agency_a, template="post_resolution"))
        ),
    )
    mail.outbox.clear()
    _closed_complaint(agency_a)
    invitation = Invitation.objects.get(survey=survey)
    assert invitation.email == "casey@example.com"
    assert any(survey.public_id in message.body for message in mail.outbox)
    # The answers cannot be traced back: no response points at the invitation or complaint.
    assert not hasattr(invitation, "response")


def test_no_survey_no_invitation(agency_a):
    from cxgov.surveys.models import Invitation

    _closed_complaint(agency_a)
    assert not Invitation.objects.exists()


def _with_spanish(survey):
    for question in survey.questions.all():
        question.text_es = question.text_es or question.text
        question.save()
    return survey
