"""response_submit: the one intake path checks answers, stores long rows and refuses bad input."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import override_settings
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxgov.core.models import AuditEvent
from cxgov.surveys.models import Answer, Invitation, Response, ResponseSource, Survey
from cxgov.surveys.services import (
    SubmissionContext,
    _token_hash,
    response_submit,
    survey_close,
    surveys_close_expired,
)
from cxgov.surveys.signals import response_submitted
from cxgov.surveys.validation import SubmissionError

pytestmark = pytest.mark.django_db


def test_thumbs_up_with_drivers_is_stored_one_row_per_answer(a11_survey: Survey) -> None:
    response = response_submit(
        survey=a11_survey,
        answers={"trust": "1", "went_well": ["ease", "employee"], "comments": "Quick and kind."},
        submission_id="abc-1",
        context=SubmissionContext(service="apply", channel="website", language="es"),
    )
    rows = Answer.objects.filter(response=response).select_related("question")
    by_key = sorted((a.question.key, a.value) for a in rows)
    assert by_key == sorted(
        [
            ("comments", "Quick and kind."),
            ("trust", 1),
            ("went_well", "ease"),
            ("went_well", "employee"),
        ]
    )
    assert response.service.slug == "apply"
    assert response.language == "es"
    assert response.ip_address is None


def test_negative_list_is_ignored_after_a_thumbs_up(a11_survey: Survey) -> None:
    response = response_submit(
        survey=a11_survey, answers={"trust": 1, "went_poorly": ["ease"]}, submission_id="x1"
    )
    keys = set(response.answers.values_list("question__key", flat=True))
    assert keys == {"trust"}


def test_same_submission_id_is_stored_once(a11_survey: Survey) -> None:
    first = response_submit(survey=a11_survey, answers={"trust": 0}, submission_id="same")
    again = response_submit(survey=a11_survey, answers={"trust": 0}, submission_id="same")
    assert first.pk == again.pk
    assert Response.objects.count() == 1


def test_missing_required_answer_is_refused_by_name(a11_survey: Survey) -> None:
    with pytest.raises(SubmissionError) as refused:
        response_submit(survey=a11_survey, answers={"comments": "hi"})
    assert refused.value.errors == {"trust": "Answer this question."}
    assert Response.objects.count() == 0


def test_unknown_question_and_wrong_option_are_named(a11_survey: Survey) -> None:
    with pytest.raises(SubmissionError) as refused:
        response_submit(survey=a11_survey, answers={"trust": 1, "went_well": ["teleport"], "x": 1})
    assert set(refused.value.errors) == {"went_well", "x"}


def test_oversize_text_is_refused(a11_survey: Survey) -> None:
    with pytest.raises(SubmissionError) as refused:
        response_submit(survey=a11_survey, answers={"trust": 1, "comments": "a" * 2001})
    assert "2000" in refused.value.errors["comments"]


def test_honeypot_refuses_and_stores_nothing(a11_survey: Survey) -> None:
    with pytest.raises(SubmissionError) as refused:
        response_submit(survey=a11_survey, answers={"trust": 1}, honeypot="http://spam")
    assert refused.value.code == "honeypot"
    assert Response.objects.count() == 0


@override_settings(SURVEY_RATE_LIMIT_PER_HOUR=2)
def test_one_address_is_limited_per_hour(a11_survey: Survey) -> None:
    context = SubmissionContext(ip_address="203.0.113.9")
    for n in range(2):
        response_submit(
            survey=a11_survey, answers={"trust": 1}, context=context, submission_id=f"r{n}"
        )
    with pytest.raises(SubmissionError) as refused:
        response_submit(survey=a11_survey, answers={"trust": 1}, context=context)
    assert refused.value.code == "rate_limited"
    other = SubmissionContext(ip_address="203.0.113.10")
    response_submit(survey=a11_survey, answers={"trust": 1}, context=other)
    assert Response.objects.count() == 3


def test_widget_from_an_unlisted_origin_is_refused(a11_survey: Survey) -> None:
    a11_survey.allowed_origins = ["https://www.example.gov"]
    a11_survey.save()
    bad = SubmissionContext(source=ResponseSource.WIDGET, origin="https://evil.example.com")
    with pytest.raises(SubmissionError) as refused:
        response_submit(survey=a11_survey, answers={"trust": 1}, context=bad)
    assert refused.value.code == "origin"
    good = SubmissionContext(source=ResponseSource.WIDGET, origin="https://www.example.gov")
    assert response_submit(survey=a11_survey, answers={"trust": 1}, context=good).pk


def test_used_token_is_refused_with_a_clear_message(a11_survey: Survey) -> None:
    Invitation.objects.create(
        survey=a11_survey, email="p@example.com", token_hash=_token_hash("tok")
    )
    response_submit(survey=a11_survey, answers={"trust": 1}, token="tok")
    with pytest.raises(SubmissionError) as refused:
        response_submit(survey=a11_survey, answers={"trust": 1}, token="tok")
    assert refused.value.code == "token_used"
    assert "already used" in refused.value.errors["token"]
    assert Response.objects.count() == 1


def test_closed_or_expired_survey_takes_nothing(a11_survey: Survey) -> None:
    a11_survey.omb_expiration_date = timezone.localdate() - timedelta(days=1)
    a11_survey.save()
    with pytest.raises(SubmissionError) as refused:
        response_submit(survey=a11_survey, answers={"trust": 1})
    assert refused.value.code == "expired"
    assert surveys_close_expired() == 1
    a11_survey.refresh_from_db()
    assert a11_survey.status == "closed"
    survey_close(actor=None, survey=a11_survey)


def test_contact_email_and_consent_are_kept_for_follow_up(a11_survey: Survey) -> None:
    response = response_submit(
        survey=a11_survey,
        answers={"trust": 0, "contact_email": "pat@example.com"},
        consent_to_contact=True,
    )
    assert response.contact_email == "pat@example.com"
    assert response.consent_to_contact is True
    assert not response.answers.filter(value_text__contains="@").exists()


def test_signal_is_sent_after_commit(
    a11_survey: Survey, django_capture_on_commit_callbacks
) -> None:
    seen: list[Response] = []

    def listener(sender: type, response: Response, **kwargs: object) -> None:
        seen.append(response)

    response_submitted.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = response_submit(survey=a11_survey, answers={"trust": 1})
            assert seen == []
        assert seen == [response]
    finally:
        response_submitted.disconnect(listener)


def test_each_response_leaves_an_audit_event(a11_survey: Survey) -> None:
    response = response_submit(survey=a11_survey, answers={"trust": 1})
    assert AuditEvent.objects.filter(action="response.submit", target_id=str(response.pk)).exists()


def test_employee_answers_store_no_identity_and_are_scrubbed(employee_survey: Survey) -> None:
    response = response_submit(
        survey=employee_survey,
        answers={
            "resources": 2,
            "barriers": (
                "My supervisor Jane Smith never answers, call 202-555-0147 or jane@agency.gov"
            ),
        },
        access_code="team-2026",
        context=SubmissionContext(ip_address="198.51.100.7", page_url="https://x", referrer="y"),
    )
    assert response.ip_address is None
    assert response.page_url == response.referrer == response.contact_email == ""
    text = response.answers.get(question__key="barriers").value_text
    assert "Jane" not in text and "555" not in text and "@" not in text


def test_employee_survey_needs_its_access_code(employee_survey: Survey) -> None:
    with pytest.raises(SubmissionError) as refused:
        response_submit(survey=employee_survey, answers={"resources": 2}, access_code="guess")
    assert refused.value.code == "access_code"


# --- hostile input -------------------------------------------------------------------------


def _attempt(**kwargs: object) -> Response | SubmissionError:
    try:
        return response_submit(**kwargs)  # type: ignore[arg-type]
    except SubmissionError as error:
        return error


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=50),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)


@settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    answers=st.dictionaries(
        st.sampled_from(
            ["trust", "went_well", "went_poorly", "comments", "contact_email", "nope", "service"]
        ),
        json_values,
        max_size=6,
    )
)
def test_hostile_answers_are_refused_or_stored_whole(a11_survey: Survey, answers: dict) -> None:
    before = Response.objects.count()
    outcome = _attempt(survey=a11_survey, answers=answers)
    if isinstance(outcome, SubmissionError):
        assert outcome.errors
        assert all(isinstance(message, str) and message for message in outcome.errors.values())
        assert Response.objects.count() == before
    else:
        assert outcome.answers.get(question__key="trust").value_int in (0, 1)


@settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    submission_id=st.text(max_size=80),
    service=st.text(max_size=30),
    channel=st.text(max_size=30),
    location=st.text(max_size=50),
    language=st.text(max_size=5),
    token=st.text(max_size=40),
)
def test_hostile_context_is_refused_by_field(
    a11_survey: Survey,
    submission_id: str,
    service: str,
    channel: str,
    location: str,
    language: str,
    token: str,
) -> None:
    before = Response.objects.count()
    context = SubmissionContext(
        service=service, channel=channel, location_code=location, language=language or "en"
    )
    outcome = _attempt(
        survey=a11_survey,
        answers={"trust": 1},
        submission_id=submission_id,
        context=context,
        token=token,
    )
    if isinstance(outcome, SubmissionError):
        assert outcome.errors
        assert Response.objects.count() == before


# --- concurrency ---------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_all_persist(a11_survey: Survey) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers with a file lock; run on PostgreSQL for threads.")
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def submit(n: int) -> None:
        from django.db import connections

        try:
            barrier.wait()
            for i in range(10):
                response_submit(
                    survey=a11_survey,
                    answers={"trust": i % 2, "comments": f"thread {n} response {i}"},
                    submission_id=f"t{n}-{i}",
                )
            # A retry of an earlier one at the same time as others must not duplicate it.
            response_submit(survey=a11_survey, answers={"trust": 1}, submission_id=f"t{n}-0")
            response_submit(survey=a11_survey, answers={"trust": 1}, submission_id="shared")
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Response.objects.filter(survey=a11_survey).count() == 8 * 10 + 1


def test_employee_response_cannot_be_matched_to_its_invitation_by_time(
    employee_survey: Survey,
) -> None:
    Invitation.objects.create(
        survey=employee_survey, email="e@agency.gov", token_hash=_token_hash("emp")
    )
    response = response_submit(survey=employee_survey, answers={"resources": 4}, token="emp")
    invitation = Invitation.objects.get()
    assert (response.submitted_at.hour, response.submitted_at.minute) == (12, 0)
    assert invitation.used_at == response.submitted_at
    event = AuditEvent.objects.get(action="response.submit")
    assert event.target_type == "surveys.survey"
    assert not any(f.name == "invitation" for f in Response._meta.get_fields())
