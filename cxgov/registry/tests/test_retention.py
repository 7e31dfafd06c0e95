"""Retention: personal details go once an agency's periods pass; records and the audit log stay."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from cxgov.complaints.models import Attachment, Complaint, Status
from cxgov.complaints.services import complaint_create
from cxgov.core.models import AuditEvent
from cxgov.registry.models import RetentionPolicy
from cxgov.registry.services import retention_policy_update, retention_purge
from cxgov.registry.tasks import retention_purge_task
from cxgov.surveys.models import Invitation, Response
from cxgov.testing.factories import SurveyFactory

T0 = datetime.fromisoformat("2026-01-05T15:00:00+00:00")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


def _closed_complaint(agency, *, closed_at: datetime) -> Complaint:
    complaint = complaint_create(
        agency=agency,
        what_happened="The office was closed when the website said it was open.",
        contact_name="Rosa Diaz",
        contact_email="rosa@example.com",
        contact_phone="555-0100",
        postal_address="1 Main St",
        attachments=[SimpleUploadedFile("letter.txt", b"%PDF-1.4 hello")],
        send_acknowledgment=False,
    )
    Complaint.objects.filter(pk=complaint.pk).update(status=Status.CLOSED, closed_at=closed_at)
    return complaint


def _response(survey, **fields) -> Response:
    return Response.objects.create(
        survey=survey, submission_id=secrets.token_hex(8), source="web", **fields
    )


def _purge_events(agency) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(agency=agency, action="retention.purge"))


def test_complaint_contact_details_and_files_go_after_the_period_from_closing(agency_a):
    retention_policy_update(actor=None, agency=agency_a, complaint_contact_days=30)
    with time_machine.travel(T0, tick=False):
        complaint = _closed_complaint(agency_a, closed_at=T0)
        still_open = complaint_create(
            agency=agency_a, what_happened="Still waiting", contact_email="open@example.com"
        )
    file_path = Path(Attachment.objects.get(complaint=complaint).file.path)
    assert file_path.exists()

    with time_machine.travel(T0 + timedelta(days=29), tick=False):
        assert retention_purge().total == 0
    complaint.refresh_from_db()
    assert complaint.contact_email == "rosa@example.com"

    with time_machine.travel(T0 + timedelta(days=31), tick=False):
        report = retention_purge()
    assert [
        (a.agency, a.complaints_contact_removed, a.attachments_deleted) for a in report.agencies
    ] == [(agency_a.slug, 1, 1)]
    complaint.refresh_from_db()
    assert (complaint.contact_name, complaint.contact_email, complaint.contact_phone) == (
        "",
        "",
        "",
    )
    assert complaint.postal_address == ""
    assert complaint.what_happened.startswith("The office was closed")
    assert not Attachment.objects.filter(complaint=complaint).exists()
    assert not file_path.exists()
    still_open.refresh_from_db()
    assert still_open.contact_email == "open@example.com"
    (event,) = _purge_events(agency_a)
    assert event.data["complaints_contact_removed"] == 1
    assert event.data["policy"]["complaint_contact_days"] == 30


def test_withdrawn_complaint_is_purged_counting_from_its_withdrawal(agency_a):
    retention_policy_update(actor=None, agency=agency_a, complaint_contact_days=10)
    with time_machine.travel(T0, tick=False):
        complaint = complaint_create(
            agency=agency_a, what_happened="Never mind", contact_email="gone@example.com"
        )
    Complaint.objects.filter(pk=complaint.pk).update(status=Status.WITHDRAWN)
    complaint.transitions.create(
        agency=agency_a,
        from_status=Status.RECEIVED,
        to_status=Status.WITHDRAWN,
        created_at=T0 + timedelta(days=5),
    )
    with time_machine.travel(T0 + timedelta(days=14), tick=False):
        assert retention_purge().total == 0
    with time_machine.travel(T0 + timedelta(days=16), tick=False):
        assert retention_purge().total == 1
    complaint.refresh_from_db()
    assert (complaint.contact_email, complaint.status) == ("", Status.WITHDRAWN)


def test_survey_ip_addresses_and_contact_emails_follow_their_own_periods(agency_a):
    retention_policy_update(actor=None, agency=agency_a, survey_ip_days=10, survey_contact_days=60)
    survey = SurveyFactory(agency=agency_a)
    with time_machine.travel(T0, tick=False):
        response = _response(
            survey,
            ip_address="203.0.113.9",
            contact_email="pat@example.com",
            consent_to_contact=True,
        )

    with time_machine.travel(T0 + timedelta(days=11), tick=False):
        (purge,) = retention_purge().agencies
    assert (purge.survey_ip_addresses_removed, purge.survey_contact_emails_removed) == (1, 0)
    response.refresh_from_db()
    assert response.ip_address is None
    assert response.contact_email == "pat@example.com"

    with time_machine.travel(T0 + timedelta(days=61), tick=False):
        (purge,) = retention_purge().agencies
    assert purge.survey_contact_emails_removed == 1
    response.refresh_from_db()
    assert (response.contact_email, response.consent_to_contact) == ("", False)
    assert Response.objects.filter(pk=response.pk).exists()
    assert len(_purge_events(agency_a)) == 2


def test_invitation_emails_are_replaced_and_the_invitations_still_count(agency_a):
    retention_policy_update(actor=None, agency=agency_a, invitation_email_days=7)
    survey = SurveyFactory(agency=agency_a)
    with time_machine.travel(T0, tick=False):
        for email in ("a@example.com", "b@example.com"):
            Invitation.objects.create(
                survey=survey,
                email=email,
                contact_hash=email,
                phone="+12025550143",
                token_hash=secrets.token_hex(32),
            )

    with time_machine.travel(T0 + timedelta(days=8), tick=False):
        (purge,) = retention_purge().agencies
        assert retention_purge().total == 0  # a second run finds nothing left
    assert purge.invitation_emails_removed == 2
    emails = list(Invitation.objects.filter(survey=survey).values_list("email", flat=True))
    assert len(emails) == 2
    assert all(email.endswith("@purged.invalid") for email in emails)
    assert not Invitation.objects.exclude(phone="").exists()


def test_each_agency_keeps_to_its_own_policy_and_defaults_come_from_settings(
    settings, agency_a, agency_b
):
    settings.RETENTION_SURVEY_IP_DAYS = 5
    retention_policy_update(actor=None, agency=agency_b, survey_ip_days=100)
    with time_machine.travel(T0, tick=False):
        kept = _response(SurveyFactory(agency=agency_b), ip_address="198.51.100.1")
        gone = _response(SurveyFactory(agency=agency_a), ip_address="198.51.100.2")
    with time_machine.travel(T0 + timedelta(days=6), tick=False):
        report = retention_purge()
    assert [a.agency for a in report.agencies] == [agency_a.slug]
    kept.refresh_from_db()
    gone.refresh_from_db()
    assert (str(kept.ip_address), gone.ip_address) == ("198.51.100.1", None)
    assert not RetentionPolicy.objects.filter(agency=agency_a).exists()
    assert not _purge_events(agency_b)


def test_dry_run_command_counts_and_changes_nothing(agency_a):
    survey = SurveyFactory(agency=agency_a)
    retention_policy_update(actor=None, agency=agency_a, survey_ip_days=1)
    with time_machine.travel(T0, tick=False):
        response = _response(survey, ip_address="203.0.113.7")
    out = StringIO()
    with time_machine.travel(T0 + timedelta(days=2), tick=False):
        call_command("purge_personal_data", "--dry-run", stdout=out)
    assert f"{agency_a.slug}: would remove" in out.getvalue()
    assert "survey_ip_addresses_removed=1" in out.getvalue()
    response.refresh_from_db()
    assert response.ip_address is not None
    assert not _purge_events(agency_a)

    out = StringIO()
    with time_machine.travel(T0 + timedelta(days=2), tick=False):
        call_command("purge_personal_data", stdout=out)
    assert "total removed: 1" in out.getvalue()


def test_scheduled_task_runs_the_purge(agency_a):
    retention_policy_update(actor=None, agency=agency_a, survey_ip_days=1)
    with time_machine.travel(T0, tick=False):
        _response(SurveyFactory(agency=agency_a), ip_address="203.0.113.8")
    with time_machine.travel(T0 + timedelta(days=2), tick=False):
        assert retention_purge_task.call() == {agency_a.slug: 1}
    assert not Response.objects.filter(ip_address__isnull=False).exists()


def test_audit_log_stays_immutable_after_a_purge(agency_a):
    retention_policy_update(actor=None, agency=agency_a, complaint_contact_days=0)
    with time_machine.travel(T0, tick=False):
        _closed_complaint(agency_a, closed_at=T0)
    with time_machine.travel(T0 + timedelta(days=1), tick=False):
        retention_purge()
    (event,) = _purge_events(agency_a)
    created = AuditEvent.objects.filter(agency=agency_a, action="complaint.create")
    assert created.exists()
    event.data = {}
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(agency=agency_a).update(action="changed")
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(agency=agency_a).delete()
    event.refresh_from_db()
    assert event.data["attachments_deleted"] == 1


def test_agency_admin_edits_the_retention_policy_and_it_is_audited(admin_a_client, agency_a):
    url = f"/staff/agencies/{agency_a.slug}/data/"
    page = admin_a_client.get(url)
    assert page.status_code == 200
    assert "Download the export (zip)" in page.content.decode()
    posted = admin_a_client.post(
        url,
        {
            "complaint_contact_days": "400",
            "survey_ip_days": "7",
            "survey_contact_days": "90",
            "invitation_email_days": "30",
        },
    )
    assert posted.status_code == 302
    policy = RetentionPolicy.objects.get(agency=agency_a)
    assert (policy.complaint_contact_days, policy.survey_ip_days) == (400, 7)
    event = AuditEvent.objects.get(agency=agency_a, action="retention.policy_update")
    assert event.data["changed"]["survey_ip_days"][1] == 7


def test_retention_form_rejects_negative_days(admin_a_client, agency_a):
    response = admin_a_client.post(
        f"/staff/agencies/{agency_a.slug}/data/",
        {
            "complaint_contact_days": "-1",
            "survey_ip_days": "7",
            "survey_contact_days": "90",
            "invitation_email_days": "30",
        },
    )
    assert response.status_code == 400
    assert 'id="id_complaint_contact_days_error"' in response.content.decode()
    assert not RetentionPolicy.objects.exists()


def test_only_the_agencys_admins_see_the_retention_page(
    analyst_a_client, handler_b_client, agency_a
):
    url = f"/staff/agencies/{agency_a.slug}/data/"
    assert analyst_a_client.get(url).status_code == 404
    assert handler_b_client.get(url).status_code == 404
