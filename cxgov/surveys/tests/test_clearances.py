"""PRA clearances: a public survey publishes only under a current clearance or an exemption,
its page shows the number and burden statement, and the burden ledger warns in time."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxgov.core.models import Agency, User
from cxgov.insights.fiscal import fiscal_quarter, fiscal_year_bounds
from cxgov.surveys.forms import ClearanceForm
from cxgov.surveys.models import Clearance, Response, Survey
from cxgov.surveys.rollups import rollups_fold_due
from cxgov.surveys.selectors import clearance_ledger
from cxgov.surveys.services import (
    BulkResponse,
    SubmissionContext,
    clearance_update,
    response_bulk_create,
    survey_create,
    survey_update,
)
from cxgov.surveys.tasks import clearances_alert_task
from cxgov.testing.approvals import review_and_publish, review_url
from cxgov.testing.factories import ClearanceFactory, cleared

pytestmark = pytest.mark.django_db

STAFF = "/staff/agencies/alpha/surveys/"
REFUSED = "A public survey needs a current Paperwork Reduction Act clearance"


def _review(survey: Survey, act: str) -> str:
    return review_url(slug=survey.agency.slug, kind="survey", object_id=survey.pk, act=act)


def _publish(author: Client, approver: Client, survey: Survey) -> None:
    """Sent for review by the analyst, approved and published by a second member."""
    review_and_publish(
        author=author,
        approver=approver,
        slug=survey.agency.slug,
        kind="survey",
        object_id=survey.pk,
    )


def _base(survey: Survey) -> str:
    return f"{STAFF}{survey.pk}/"


def _settings(survey: Survey, **changes: object) -> dict[str, object]:
    """The settings form as the page fills it, with `changes`."""
    data: dict[str, object] = {
        "title": survey.title,
        "title_es": survey.title_es,
        "thank_you": "",
        "thank_you_es": "",
        "allowed_origins_text": "",
    }
    data.update({k: v for k, v in changes.items() if v is not None})
    return data


def _responses(survey: Survey, count: int, *, when: datetime | None = None, prefix: str = "r"):
    when = when or timezone.now() - timedelta(hours=1)
    response_bulk_create(
        actor=None,
        survey=survey,
        rows=[
            BulkResponse(
                answers={"trust": 1},
                submitted_at=when,
                submission_id=f"{prefix}-{n}",
                context=SubmissionContext(source="import"),
            )
            for n in range(count)
        ],
    )
    rollups_fold_due()


def test_publishing_a_public_survey_without_a_clearance_is_refused_with_the_reason(
    analyst_a_client: Client, agency_a: Agency
) -> None:
    survey = survey_create(actor=None, agency=agency_a, template="a11_v2")
    page = analyst_a_client.post(_review(survey, "submit"), follow=True).content.decode()
    assert REFUSED in page
    survey.refresh_from_db()
    assert survey.status == "draft"
    assert "No clearance yet" in analyst_a_client.get(_base(survey)).content.decode()


def test_a_current_clearance_chosen_in_the_settings_lets_the_survey_publish(
    analyst_a_client: Client, admin_a_client: Client, agency_a: Agency, client: Client
) -> None:
    clearance = ClearanceFactory(
        agency=agency_a, control_number="1505-0191", expires_on=date(2029, 3, 31)
    )
    survey = survey_create(actor=None, agency=agency_a, template="a11_v2")
    saved = analyst_a_client.post(
        _base(survey) + "settings/", _settings(survey, clearance=clearance.pk, burden_minutes=3)
    )
    assert saved.status_code == 302
    _publish(analyst_a_client, admin_a_client, survey)
    survey.refresh_from_db()
    assert survey.status == "live"
    assert (survey.omb_control_number, survey.omb_expiration_date) == (
        "1505-0191",
        date(2029, 3, 31),
    )

    english = client.get(f"/surveys/{survey.public_id}/").content.decode()
    assert "OMB control number" in english and "1505-0191" in english
    assert "estimated to average 3 minutes per response" in english
    assert (
        "An agency may not conduct or sponsor, and a person is not required to respond to, a "
        "collection of information unless it displays a currently valid OMB control number."
    ) in english
    spanish = client.get(f"/es/surveys/{survey.public_id}/").content.decode()
    assert "Número de control de la OMB" in spanish and "1505-0191" in spanish
    assert "un promedio de 3 minutos por respuesta" in spanish
    assert "número de control de la OMB válido" in spanish
    widget = client.get(f"/es/surveys/{survey.public_id}/widget.json").json()["omb"]
    assert widget["number"] == "1505-0191" and "3 minutos por respuesta" in widget["statement"]


def test_an_expired_clearance_refuses_publishing(
    analyst_a_client: Client, agency_a: Agency
) -> None:
    survey = cleared(
        survey_create(actor=None, agency=agency_a, template="a11_v2"),
        control_number="1505-0001",
        expires_on=timezone.localdate() - timedelta(days=1),
    )
    page = analyst_a_client.post(_review(survey, "submit"), follow=True).content.decode()
    assert "expired on" in page and "1505-0001" in page
    survey.refresh_from_db()
    assert survey.status == "draft"


def test_a_recorded_exemption_allows_publishing_without_a_number(
    analyst_a_client: Client, admin_a_client: Client, agency_a: Agency, client: Client
) -> None:
    exempt = ClearanceFactory(
        agency=agency_a,
        kind="exempt",
        control_number="",
        expires_on=None,
        burden_hours=None,
        exemption_reason="Fewer than ten people are asked (5 CFR 1320.3(c)).",
    )
    survey = survey_create(actor=None, agency=agency_a, template="a11_v2")
    survey_update(actor=None, survey=survey, clearance=exempt)
    _publish(analyst_a_client, admin_a_client, survey)
    survey.refresh_from_db()
    assert survey.status == "live" and survey.omb_control_number == ""
    assert "OMB control number" not in client.get(f"/surveys/{survey.public_id}/").content.decode()


def test_an_employee_survey_needs_no_clearance(
    analyst_a_client: Client, admin_a_client: Client, agency_a: Agency
) -> None:
    survey = survey_create(actor=None, agency=agency_a, template="employee_barriers")
    _publish(analyst_a_client, admin_a_client, survey)
    survey.refresh_from_db()
    assert survey.status == "live"


def test_another_agencys_clearance_cannot_be_chosen_or_read(
    analyst_a_client: Client, agency_a: Agency, agency_b: Agency
) -> None:
    theirs = ClearanceFactory(agency=agency_b)
    survey = survey_create(actor=None, agency=agency_a, template="a11_v2")
    reply = analyst_a_client.post(
        _base(survey) + "settings/", _settings(survey, clearance=theirs.pk, burden_minutes=2)
    )
    assert reply.status_code == 400
    survey.refresh_from_db()
    assert survey.clearance is None
    assert analyst_a_client.get(f"{STAFF}clearances/{theirs.pk}/").status_code == 404
    assert analyst_a_client.get("/staff/agencies/beta/surveys/clearances/").status_code == 404


def test_ledger_counts_hours_from_responses_and_warns_at_80_percent(
    analyst_a_client: Client, agency_a: Agency
) -> None:
    survey = cleared(
        survey_create(actor=None, agency=agency_a, template="a11_v2"), minutes=6, burden_hours=10
    )
    clearance = survey.clearance
    assert clearance is not None
    start, _end = fiscal_year_bounds(fiscal_quarter(timezone.localdate()).year)
    last_year = datetime(start.year, start.month, start.day, tzinfo=UTC) - timedelta(days=2)
    _responses(survey, 50, when=last_year, prefix="old")  # another fiscal year: not counted
    _responses(survey, 79)
    detail = f"{STAFF}clearances/{clearance.pk}/"

    ledger = clearance_ledger(clearance=clearance)
    counted = Response.objects.filter(
        survey=survey, submitted_at__date__gte=start, deleted_at__isnull=True
    ).count()
    assert ledger.responses == counted == 79
    assert ledger.hours_used == pytest.approx(counted * 6 / 60) == pytest.approx(7.9)
    assert not ledger.burden_warning
    assert "approved burden hours are used" not in analyst_a_client.get(detail).content.decode()

    _responses(survey, 1, prefix="more")
    page = analyst_a_client.get(detail).content.decode()
    assert "80% of the approved burden hours are used" in page
    assert "8.0" in page
    listing = analyst_a_client.get(f"{STAFF}clearances/").content.decode()
    assert "80% of the approved burden hours are used" in listing
    home = analyst_a_client.get("/staff/").content.decode()
    assert "Needs your attention" in home and clearance.title in home


def test_expiry_within_60_days_warns_on_the_list_and_the_staff_home(
    admin_a_client: Client, agency_a: Agency, handler_a: User
) -> None:
    soon = ClearanceFactory(agency=agency_a, expires_on=timezone.localdate() + timedelta(days=60))
    later = ClearanceFactory(agency=agency_a, expires_on=timezone.localdate() + timedelta(days=61))
    listing = admin_a_client.get(f"{STAFF}clearances/").content.decode()
    assert "Expires in 60 days" in listing and "Expires in 61 days" not in listing
    home = admin_a_client.get("/staff/").content.decode()
    assert soon.title in home and later.title not in home
    handler = Client()
    handler.force_login(handler_a)
    assert soon.title not in handler.get("/staff/").content.decode()  # no MANAGE_CLEARANCES


def test_a_generic_clearance_counts_its_fast_track_requests(agency_a: Agency) -> None:
    generic = ClearanceFactory(agency=agency_a, kind="generic", burden_hours=100)
    fast = Clearance(
        agency=agency_a,
        title="Fast-track",
        kind="fast_track",
        parent=generic,
        burden_hours=5,
    )
    fast.full_clean()
    fast.save()
    survey = survey_create(actor=None, agency=agency_a, template="a11_v2")
    survey_update(actor=None, survey=survey, clearance=fast, burden_minutes=30)
    assert survey.omb_control_number == generic.control_number
    _responses(survey, 4)
    assert clearance_ledger(clearance=fast).hours_used == pytest.approx(2)
    assert clearance_ledger(clearance=generic).hours_used == pytest.approx(2)
    with pytest.raises(ValidationError, match="it stays a generic clearance"):
        clearance_update(actor=None, clearance=generic, kind="standard")


def test_the_alert_task_emails_the_administrators_once(
    agency_a: Agency, admin_a: User, analyst_a: User, django_capture_on_commit_callbacks
) -> None:
    survey = cleared(
        survey_create(actor=None, agency=agency_a, template="a11_v2"), minutes=60, burden_hours=10
    )
    _responses(survey, 9)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert clearances_alert_task.call() == 1
    assert [m.to for m in mail.outbox] == [[admin_a.email]]
    assert "PRA clearance needs attention" in mail.outbox[0].subject
    assert "9.0 of the 10 approved burden hours are used (90%)" in mail.outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        assert clearances_alert_task.call() == 0
    assert len(mail.outbox) == 1

    assert survey.clearance is not None
    Clearance.objects.filter(pk=survey.clearance.pk).update(
        expires_on=timezone.localdate() + timedelta(days=30)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert clearances_alert_task.call() == 1
    assert len(mail.outbox) == 2 and "expires on" in mail.outbox[1].body


def test_the_form_records_a_clearance(analyst_a_client: Client, agency_a: Agency) -> None:
    url = f"{STAFF}clearances/new/"
    assert analyst_a_client.get(url).status_code == 200
    reply = analyst_a_client.post(
        url,
        {
            "title": "Customer feedback",
            "kind": "standard",
            "control_number": "1545-2274",
            "expires_on": "2029-06-30",
            "burden_hours": "1200",
            "results_publishable": "on",
        },
    )
    clearance = Clearance.objects.get()
    assert reply["Location"] == f"{STAFF}clearances/{clearance.pk}/"
    edit = analyst_a_client.post(
        f"{STAFF}clearances/{clearance.pk}/edit/",
        {
            "title": "Customer feedback",
            "kind": "standard",
            "control_number": "1545-2274",
            "expires_on": "2030-06-30",
            "burden_hours": "1500",
        },
    )
    assert edit.status_code == 302
    clearance.refresh_from_db()
    assert clearance.burden_hours == 1500 and not clearance.results_publishable


BASE = {
    "title": "Customer feedback",
    "kind": "standard",
    "control_number": "1545-2274",
    "expires_on": "2029-06-30",
    "burden_hours": "1200",
}


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"control_number": "15452274"}, "Use the form 1234-5678"),
        ({"control_number": "1545-227"}, "Use the form 1234-5678"),
        ({"control_number": "abcd-efgh"}, "Use the form 1234-5678"),
        ({"control_number": "1545-2274-1"}, "at most 9 characters"),
        ({"control_number": "１５４５-２２７４"}, "Use the form 1234-5678"),
        ({"control_number": "<script>alert(1)</script>"}, "at most 9 characters"),
        ({"control_number": "<b>1</b>"}, "Use the form 1234-5678"),
        ({"control_number": ""}, "Enter the OMB control number."),
        ({"burden_hours": "-5"}, "greater than or equal to"),
        ({"burden_hours": "0"}, "greater than or equal to 1"),
        ({"burden_hours": "1e9"}, "Enter a whole number."),
        ({"burden_hours": ""}, "Enter the approved annual burden hours."),
        ({"expires_on": ""}, "Enter the date the approval expires."),
        ({"expires_on": "2029-02-30"}, "Enter a valid date."),
        ({"kind": "exempt", "control_number": ""}, "Say why the collection is exempt."),
        ({"kind": "fast_track", "control_number": ""}, "Choose the generic clearance"),
        ({"kind": "whatever"}, "Select a valid choice."),
    ],
)
def test_the_form_refuses_bad_values_by_field(
    analyst_a_client: Client, agency_a: Agency, changes: dict[str, str], error: str
) -> None:
    reply = analyst_a_client.post(f"{STAFF}clearances/new/", {**BASE, **changes})
    assert reply.status_code == 400
    page = reply.content.decode()
    assert error in page and "usa-error-message" in page
    assert page.count("usa-error-message") == 1
    assert "<script>alert" not in page and "<b>1</b>" not in page
    assert not Clearance.objects.exists()


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(number=st.text(max_size=20))
def test_only_four_digits_a_dash_and_four_digits_pass(agency_a: Agency, number: str) -> None:
    form = ClearanceForm({**BASE, "control_number": number}, agency=agency_a)
    stripped = number.strip()
    digits = stripped[:4] + stripped[5:]
    well_formed = (
        len(stripped) == 9 and stripped[4] == "-" and digits.isascii() and digits.isdigit()
    )
    assert form.is_valid() == well_formed
    if not well_formed:
        assert "control_number" in form.errors
