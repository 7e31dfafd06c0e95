"""Need-to-know access to complaint cases (`selectors.complaints_visible`).

Administrators and service managers open every case; a complaint handler opens the cases of
the teams they belong to or lead, cases routed to no team and cases assigned to them; a
front-line employee only the cases assigned to them; oversight and analysts none. A case one
may not open answers like a missing one everywhere: the case page and its actions, the
attachment, the API, the queue (and its bulk assignment) and narrative review.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from cxgov.complaints.forms import AssignForm
from cxgov.complaints.models import Complaint, Team
from cxgov.complaints.services import complaint_assign, complaint_create
from cxgov.core.models import Role, User
from cxgov.testing.access import answers_like_missing
from cxgov.testing.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

ALL_CASES = {Role.AGENCY_ADMIN, Role.SERVICE_MANAGER}
HANDLERS = ALL_CASES | {Role.COMPLAINT_HANDLER}
NO_CASES = {Role.OVERSIGHT, Role.CX_ANALYST}
BASE = "/staff/agencies/alpha/complaints/"
EMAIL = "person@example.com"
NAME = "Pat Example"
PHONE = "555-867-5309"


def _file(agency, *, team: Team | None = None, text: str = "Late payment") -> Complaint:
    complaint = complaint_create(
        agency=agency,
        what_happened=text,
        contact_email=EMAIL,
        contact_name=NAME,
        contact_phone=PHONE,
        consent_to_publish=True,
        send_acknowledgment=False,
        attachments=[SimpleUploadedFile("note.txt", b"plain words")],
    )
    if team is not None:
        Complaint.objects.filter(pk=complaint.pk).update(team=team)
        complaint.refresh_from_db()
    return complaint


def _person(agency, role: Role) -> User:
    user = UserFactory()
    MembershipFactory(user=user, agency=agency, role=role)
    return user


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _reads(complaint: Complaint) -> dict[str, tuple[str, str]]:
    """Every GET that shows one case → (its URL, the same URL for a missing complaint)."""
    attachment = complaint.attachments.get()
    case = f"{BASE}{complaint.pk}/"
    return {
        "case": (case, f"{BASE}999999/"),
        "attachment": (
            f"{case}attachments/{attachment.pk}/",
            f"{BASE}999999/attachments/{attachment.pk}/",
        ),
        "api": (
            f"/api/v1/agencies/alpha/complaints/{complaint.pk}",
            "/api/v1/agencies/alpha/complaints/999999",
        ),
    }


ACTIONS = ("status", "assign", "category", "notes", "messages", "response")


def _refused_everywhere(client: Client, complaint: Complaint) -> list[str]:
    """The reads and actions of a case that did not answer like a missing complaint."""
    failures = []
    for page, (url, missing_url) in _reads(complaint).items():
        if not answers_like_missing(client.get(url), client.get(missing_url)):
            failures.append(page)
    for action in ACTIONS:
        got = client.post(f"{BASE}{complaint.pk}/{action}/", {"note-body": "x"})
        missing = client.post(f"{BASE}999999/{action}/", {"note-body": "x"})
        if not answers_like_missing(got, missing):
            failures.append(action)
    return failures


def _opens_everything(client: Client, complaint: Complaint) -> list[str]:
    return [
        page
        for page, (url, _missing) in _reads(complaint).items()
        if client.get(url).status_code != 200
    ]


@pytest.fixture
def teams(agency_a):
    return Team.objects.create(agency=agency_a, name="Payments"), Team.objects.create(
        agency=agency_a, name="Benefits"
    )


@pytest.fixture
def handler_of_team_a(agency_a, teams):
    user = _person(agency_a, Role.COMPLAINT_HANDLER)
    teams[0].members.add(user)
    return user


# --- roles ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", sorted(HANDLERS))
def test_a_case_routed_to_no_team_opens_for_every_handling_role(agency_a, role):
    complaint = _file(agency_a)
    client = _client(_person(agency_a, role))
    assert _opens_everything(client, complaint) == []
    assert complaint.tracking_number in client.get(BASE).content.decode()


@pytest.mark.parametrize("role", sorted(ALL_CASES))
def test_administrators_and_service_managers_open_every_team_case(agency_a, teams, role):
    complaint = _file(agency_a, team=teams[1])
    client = _client(_person(agency_a, role))
    assert _opens_everything(client, complaint) == []
    assert complaint.tracking_number in client.get(BASE).content.decode()


@pytest.mark.parametrize("role", sorted(NO_CASES))
def test_oversight_and_analysts_open_no_case_and_no_queue(agency_a, role):
    complaint = _file(agency_a)
    Complaint.objects.filter(pk=complaint.pk).update(assignee=_person(agency_a, role))
    client = _client(_person(agency_a, role))
    assert _refused_everywhere(client, complaint) == []
    assert answers_like_missing(
        client.get(BASE), client.get("/staff/agencies/no-such-agency/complaints/")
    )


# --- teams ----------------------------------------------------------------------------------


def test_handler_of_team_a_cannot_open_a_team_b_case_by_url_attachment_or_api(
    agency_a, teams, handler_of_team_a
):
    complaint = _file(agency_a, team=teams[1])
    client = _client(handler_of_team_a)
    assert _refused_everywhere(client, complaint) == []
    complaint.refresh_from_db()
    assert complaint.notes.count() == 0


def test_handler_of_team_a_does_not_see_team_b_cases_in_the_queue(
    agency_a, teams, handler_of_team_a
):
    own = _file(agency_a, team=teams[0])
    unrouted = _file(agency_a)
    other = _file(agency_a, team=teams[1])
    client = _client(handler_of_team_a)
    for query in ("", "?status=", f"?team={teams[1].pk}", f"?q={other.tracking_number}"):
        page = client.get(BASE + query).content.decode()
        assert f'href="{BASE}{other.pk}/"' not in page, query
    page = client.get(BASE).content.decode()
    assert f'href="{BASE}{own.pk}/"' in page
    assert f'href="{BASE}{unrouted.pk}/"' in page


def test_handler_cannot_bulk_assign_another_teams_case_through_the_queue(
    agency_a, teams, handler_of_team_a
):
    other = _file(agency_a, team=teams[1])
    client = _client(handler_of_team_a)
    client.post(BASE, {"complaint": [other.pk], "assignee": handler_of_team_a.pk})
    other.refresh_from_db()
    assert other.assignee is None


def test_handler_opens_another_teams_case_once_it_is_assigned_to_them(
    agency_a, admin_a, teams, handler_of_team_a
):
    complaint = _file(agency_a, team=teams[1])
    complaint_assign(complaint=complaint, actor=admin_a, assignee=handler_of_team_a)
    client = _client(handler_of_team_a)
    assert _opens_everything(client, complaint) == []


def test_a_team_lead_opens_the_cases_of_the_team_they_lead(agency_a, teams):
    lead = _person(agency_a, Role.COMPLAINT_HANDLER)
    Team.objects.filter(pk=teams[1].pk).update(lead=lead)
    complaint = _file(agency_a, team=teams[1])
    assert _opens_everything(_client(lead), complaint) == []


def test_a_handler_in_no_team_sees_only_unrouted_and_assigned_cases(agency_a, teams):
    handler = _person(agency_a, Role.COMPLAINT_HANDLER)
    routed = _file(agency_a, team=teams[0])
    unrouted = _file(agency_a)
    client = _client(handler)
    assert _refused_everywhere(client, routed) == []
    assert _opens_everything(client, unrouted) == []


def test_narrative_review_lists_only_the_reviewers_cases(agency_a, teams, handler_of_team_a):
    own = _file(agency_a, team=teams[0], text="The office lost my form twice")
    other = _file(agency_a, team=teams[1], text="The clerk shouted at my mother")
    client = _client(handler_of_team_a)
    page = client.get(f"{BASE}narratives/").content.decode()
    assert "lost my form" in page
    assert "shouted at my mother" not in page
    decision = {"decision": "withhold"}
    got = client.post(f"{BASE}{other.pk}/narrative/", decision)
    missing = client.post(f"{BASE}999999/narrative/", decision)
    assert answers_like_missing(got, missing)
    assert client.post(f"{BASE}{own.pk}/narrative/", decision).status_code != 404


# --- front-line employees ---------------------------------------------------------------------


def test_front_line_employee_sees_no_case_until_one_is_assigned_to_them(agency_a, admin_a):
    employee = _person(agency_a, Role.FRONTLINE_EMPLOYEE)
    complaint = _file(agency_a)
    client = _client(employee)
    assert _refused_everywhere(client, complaint) == []
    queue = client.get(BASE)
    assert queue.status_code == 200
    assert complaint.tracking_number not in queue.content.decode()

    complaint_assign(complaint=complaint, actor=admin_a, assignee=employee)
    assert _opens_everything(client, complaint) == []
    page = client.get(BASE).content.decode()
    assert complaint.tracking_number in page
    assert f'href="{BASE}new/"' not in page  # they work what they are given, nothing more


def test_front_line_employee_cannot_bulk_assign(agency_a):
    employee = _person(agency_a, Role.FRONTLINE_EMPLOYEE)
    complaint = _file(agency_a)
    client = _client(employee)
    got = client.post(BASE, {"complaint": [complaint.pk], "assignee": employee.pk})
    assert got.status_code == 404
    complaint.refresh_from_db()
    assert complaint.assignee is None


# --- oversight: aggregates only -----------------------------------------------------------------


def test_oversight_reads_no_name_contact_or_attachment_anywhere(agency_a):
    for _ in range(6):
        _file(agency_a, text="Mr. Jonas Whitfield at the counter was rude about my payment")
    complaint = Complaint.objects.filter(agency=agency_a).first()
    assert complaint is not None
    client = _client(_person(agency_a, Role.OVERSIGHT))
    pages = [
        f"{BASE}analytics/",
        *(f"{BASE}analytics/?by={by}" for by in ("issue", "service", "channel", "month")),
        f"{BASE}setup/",
        f"{BASE}canned/",
        "/staff/agencies/alpha/",
        "/agencies/alpha/complaints.csv",
        "/agencies/alpha/complaints.json",
    ]
    for url in pages:
        got = client.get(url)
        body = (b"".join(got.streaming_content) if got.streaming else got.content).decode()
        assert got.status_code == 200, url
        for secret in (EMAIL, NAME, PHONE, "Whitfield", "note.txt"):
            assert secret not in body, (url, secret)
    analytics = client.get(f"{BASE}analytics/").content.decode()
    assert "rude" in analytics  # the themes are there, only without the name
    assert _refused_everywhere(client, complaint) == []


# --- assignment -----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", sorted(NO_CASES))
def test_a_case_cannot_be_assigned_to_a_role_that_opens_no_case(agency_a, admin_a, role):
    person = _person(agency_a, role)
    complaint = _file(agency_a)
    with pytest.raises(ValidationError):
        complaint_assign(complaint=complaint, actor=admin_a, assignee=person)
    assert person not in AssignForm(agency=agency_a).fields["assignee"].queryset


def test_the_agency_page_links_to_the_queue_only_for_roles_that_work_cases(role_a_client):
    for role in Role:
        page = role_a_client(role).get("/staff/agencies/alpha/").content.decode()
        assert ('href="/staff/agencies/alpha/complaints/"' in page) == (role not in NO_CASES), role
        assert 'href="/staff/agencies/alpha/complaints/analytics/"' in page
