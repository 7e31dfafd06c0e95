"""Cursor pages over every list, and working a complaint case through the API as on its page."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from django.core import signing
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxgov.api.common import CURSOR_SALT, ErrorOut
from cxgov.complaints.models import Category, Complaint, Message, Note, Status, Team
from cxgov.complaints.services import complaint_create
from cxgov.core.models import AuditEvent, Role, TokenScope
from cxgov.core.services import token_create
from cxgov.testing.factories import (
    AgencyFactory,
    MembershipFactory,
    ServiceFactory,
    StandardFactory,
    SurveyFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_write_limits(settings):
    """Many writes from one user in a minute; the limits have their own tests."""
    settings.API_WRITES_PER_MINUTE = 0
    settings.API_READS_PER_MINUTE = 0


Z_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z$")


def _bearer(user, scope: str = TokenScope.WRITE) -> dict[str, str]:
    _token, raw = token_create(user=user, name="test", scope=scope)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _file(agency, *, text: str = "The office was closed", team: Team | None = None) -> Complaint:
    complaint = complaint_create(
        agency=agency,
        what_happened=text,
        contact_email="pat@example.com",
        contact_name="Pat Example",
        send_acknowledgment=False,
    )
    if team is not None:
        Complaint.objects.filter(pk=complaint.pk).update(team=team)
    return complaint


def _walk(client, url: str, headers: dict[str, str], limit: int) -> list[dict]:
    """Every item of a list, a page at a time, following `next_cursor`."""
    items: list[dict] = []
    cursor = None
    for _page in range(100):
        query = {"limit": limit, **({"cursor": cursor} if cursor else {})}
        body = client.get(url, query, **headers).json()
        items += body["items"]
        cursor = body["next_cursor"]
        if cursor is None:
            assert body["next"] is None
            return items
        assert "cursor=" in body["next"]
    raise AssertionError("the pages never ended")


# --- the one paginator -------------------------------------------------------------------------


def test_a_cursor_walks_every_row_once_in_order_even_with_equal_times(client, agency_a, admin_a):
    same_time = timezone.now() - timedelta(days=1)
    for number in range(7):
        survey = SurveyFactory(agency=agency_a, title=f"Survey {number}")
        type(survey).objects.filter(pk=survey.pk).update(created_at=same_time)
    headers = _bearer(admin_a)
    walked = _walk(client, "/api/v1/agencies/alpha/surveys", headers, limit=3)
    ids = [item["id"] for item in walked]
    assert len(ids) == 7 == len(set(ids))
    assert ids == sorted(ids, reverse=True)  # newest first; the same time falls back to id
    assert all(Z_TIME.match(item["created_at"]) for item in walked)


def test_rows_added_between_pages_move_nothing_already_read(client, agency_a, admin_a):
    headers = _bearer(admin_a)
    for number in range(4):
        StandardFactory(service=ServiceFactory(agency=agency_a, slug=f"s{number}"))
    first = client.get("/api/v1/agencies/alpha/standards", {"limit": 2}, **headers).json()
    StandardFactory(service=ServiceFactory(agency=agency_a, slug="late"))
    rest = client.get(
        "/api/v1/agencies/alpha/standards", {"limit": 10, "cursor": first["next_cursor"]}, **headers
    ).json()
    seen = [item["id"] for item in first["items"] + rest["items"]]
    assert len(seen) == 5 == len(set(seen))


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        "eyJzIjoiLyJ9:1abc:def",
        signing.dumps({"s": "/api/v1/agencies?#name,id", "k": ["a", 1]}, salt="another salt"),
        signing.dumps({"s": "/api/v1/agencies?#name,id", "k": ["a"]}, salt=CURSOR_SALT),
        signing.dumps(["not", "a", "dict"], salt=CURSOR_SALT),
        "x" * 1000,
    ],
)
def test_a_hostile_cursor_is_a_clear_400_in_the_error_body(client, agency_a, cursor):
    response = client.get("/api/v1/agencies", {"cursor": cursor})
    assert response.status_code == 400
    assert "cursor is not valid" in ErrorOut.model_validate(response.json()).detail


def test_a_cursor_of_another_list_or_other_filters_is_refused(client, agency_a, admin_a):
    headers = _bearer(admin_a)
    AgencyFactory(slug="charlie", name="Agency Charlie")
    cursor = client.get("/api/v1/agencies", {"limit": 1}).json()["next_cursor"]
    assert cursor
    other_list = client.get("/api/v1/agencies/alpha/surveys", {"cursor": cursor}, **headers)
    assert other_list.status_code == 400
    other_filter = client.get(
        "/api/v1/agencies/alpha/complaints", {"cursor": cursor, "status": "open"}, **headers
    )
    assert other_filter.status_code == 400


@given(cursor=st.text(max_size=300))
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_cursor_text_is_a_server_error(client, agency_a, cursor):
    response = client.get("/api/v1/agencies", {"cursor": cursor})
    assert response.status_code in (200, 400, 422)
    assert response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize("limit", [0, -1, 201, "many"])
def test_a_limit_outside_1_to_200_is_422(client, agency_a, limit):
    response = client.get("/api/v1/agencies", {"limit": limit})
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"][-1] == "limit"


def test_the_openapi_document_gives_each_list_its_cursor_and_400(client):
    document = client.get("/api/v1/openapi.json").json()
    lists = [
        "/api/v1/agencies",
        "/api/v1/agencies/{slug}/services",
        "/api/v1/services/{service_id}/channels",
        "/api/v1/agencies/{slug}/surveys",
        "/api/v1/surveys/{survey_id}/responses",
        "/api/v1/agencies/{slug}/standards",
        "/api/v1/standards/{standard_id}/results",
        "/api/v1/agencies/{slug}/complaints",
        "/api/v1/agencies/{slug}/actions",
        "/api/v1/agencies/{slug}/a11/reports",
        "/api/v1/tokens",
        "/api/v1/agencies/{slug}/members",
        "/api/v1/agencies/{slug}/audit-events",
        "/api/v1/benchmarks/series",
        "/api/v1/benchmarks/series/{series_id}/observations",
        "/api/v1/benchmarks/services/{service_id}/comparisons",
    ]
    for path in lists:
        operation = document["paths"][path]["get"]
        names = {parameter["name"] for parameter in operation["parameters"]}
        assert {"cursor", "limit"} <= names, path
        assert "400" in operation["responses"], path


# --- lists that were missing -------------------------------------------------------------------


def test_channels_of_a_published_service_are_public_and_a_draft_only_for_members(
    client, agency_a, admin_a, handler_b
):
    from cxgov.registry.models import ServiceStatus
    from cxgov.testing.factories import ChannelFactory

    published = ServiceFactory(agency=agency_a, slug="pub", status=ServiceStatus.PUBLISHED)
    draft = ServiceFactory(agency=agency_a, slug="draft", status=ServiceStatus.DRAFT)
    for service in (published, draft):
        ChannelFactory(service=service)
    public = client.get(f"/api/v1/services/{published.pk}/channels")
    assert public.status_code == 200 and len(public.json()["items"]) == 1
    assert client.get(f"/api/v1/services/{draft.pk}/channels").status_code == 404
    assert (
        client.get(f"/api/v1/services/{draft.pk}/channels", **_bearer(handler_b)).status_code == 404
    )
    own = client.get(f"/api/v1/services/{draft.pk}/channels", **_bearer(admin_a))
    assert own.status_code == 200 and len(own.json()["items"]) == 1


@pytest.mark.parametrize("path", ["surveys", "standards", "actions", "a11/reports", "complaints"])
def test_agency_lists_answer_404_to_another_agencys_member(client, agency_a, handler_b, path):
    response = client.get(f"/api/v1/agencies/alpha/{path}", **_bearer(handler_b))
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_actions_and_a11_reports_are_listed_for_members(client, agency_a, admin_a):
    from cxgov.a11.models import Collection
    from cxgov.actions.models import ActionItem

    service = ServiceFactory(agency=agency_a)
    ActionItem.objects.create(
        agency=agency_a, title="Extend hours", owner=admin_a, due_date=timezone.localdate()
    )
    Collection.objects.create(agency=agency_a, service=service, fiscal_year=2026, quarter=1)
    headers = _bearer(admin_a)
    actions = client.get("/api/v1/agencies/alpha/actions", **headers).json()["items"]
    assert [action["title"] for action in actions] == ["Extend hours"]
    assert Z_TIME.match(actions[0]["created_at"])
    reports = client.get(
        "/api/v1/agencies/alpha/a11/reports", {"fiscal_year": 2026}, **headers
    ).json()["items"]
    assert [(r["fiscal_year"], r["quarter"], r["status"]) for r in reports] == [(2026, 1, "draft")]
    none = client.get("/api/v1/agencies/alpha/a11/reports", {"fiscal_year": 2025}, **headers)
    assert none.json()["items"] == []


# --- complaints: the list, the case and its changes --------------------------------------------


@pytest.fixture
def teams(agency_a):
    return Team.objects.create(agency=agency_a, name="A"), Team.objects.create(
        agency=agency_a, name="B"
    )


@pytest.fixture
def handler_of_a(agency_a, teams):
    user = UserFactory(email="handler-a@alpha.example.gov")
    MembershipFactory(user=user, agency=agency_a, role=Role.COMPLAINT_HANDLER)
    teams[0].members.add(user)
    return user


def test_the_complaint_list_follows_need_to_know(client, agency_a, teams, handler_of_a, admin_a):
    mine = _file(agency_a, team=teams[0])
    theirs = _file(agency_a, team=teams[1])
    listed = client.get("/api/v1/agencies/alpha/complaints", **_bearer(handler_of_a)).json()
    assert [item["id"] for item in listed["items"]] == [mine.pk]
    assert "what_happened" not in listed["items"][0]
    assert "contact_email" not in listed["items"][0]
    every = _walk(client, "/api/v1/agencies/alpha/complaints", _bearer(admin_a), limit=1)
    assert {item["id"] for item in every} == {mine.pk, theirs.pk}
    oversight = UserFactory()
    MembershipFactory(user=oversight, agency=agency_a, role=Role.OVERSIGHT)
    refused = client.get("/api/v1/agencies/alpha/complaints", **_bearer(oversight))
    assert refused.status_code == 404
    post = client.post(
        f"/api/v1/agencies/alpha/complaints/{theirs.pk}/notes",
        {"body": "Seen."},
        content_type="application/json",
        **_bearer(handler_of_a),
    )
    assert post.status_code == 404
    assert not Note.objects.exists()


def test_a_complaint_is_worked_through_the_api_like_its_page(client, agency_a, admin_a):
    complaint = _file(agency_a)
    category = Category.objects.create(agency=agency_a, name="Hours")
    handler = UserFactory(email="worker@alpha.example.gov")
    MembershipFactory(user=handler, agency=agency_a, role=Role.COMPLAINT_HANDLER)
    headers = _bearer(admin_a)
    case = f"/api/v1/agencies/alpha/complaints/{complaint.pk}"

    def post(action: str, body: dict) -> dict:
        response = client.post(f"{case}/{action}", body, content_type="application/json", **headers)
        assert response.status_code in (200, 201), response.content
        return response.json()

    assigned = post("assign", {"assignee_id": handler.pk})
    assert assigned["assignee"] == "worker@alpha.example.gov"
    assert post("category", {"category_id": category.pk})["category"]["name"] == "Hours"
    moved = post("transition", {"to_status": "in_progress", "reason": "Looking into it"})
    assert moved["status"] == Status.IN_PROGRESS
    asked = post("messages", {"body": "Which office?", "await_reply": True})
    assert asked["status"] == Status.AWAITING_CUSTOMER
    assert asked["messages"][-1]["direction"] == "to_customer"
    noted = post("notes", {"body": "Called the office."})
    assert [note["body"] for note in noted["notes"]] == ["Called the office."]
    responded = post("respond", {"body": "We fixed the hours.", "category": "closed_with_relief"})
    assert responded["status"] == Status.RESPONDED
    assert responded["response"]["response_category"] == "closed_with_relief"
    assert responded["response"]["body"] == "We fixed the hours."
    assert responded["company_response"] == "Closed with monetary relief"

    read = client.get(case, **headers).json()
    assert read["what_happened"] == "The office was closed"
    assert read["contact_email"] == "pat@example.com"
    assert read["category"]["id"] == category.pk
    assert [m["body"] for m in read["messages"]] == ["Which office?", "We fixed the hours."]
    for field in ("received_at", "updated_at", "responded_at"):
        assert Z_TIME.match(read[field]), field
    assert all(Z_TIME.match(m["created_at"]) for m in read["messages"] + read["notes"])
    actions = set(
        AuditEvent.objects.filter(target_id=str(complaint.pk)).values_list("action", flat=True)
    )
    expected = {"complaint.assign", "complaint.categorize", "complaint.message"}
    assert expected | {"complaint.note", "complaint.respond", "complaint.read"} <= actions
    assert Message.objects.filter(complaint=complaint).count() == 2


def test_invalid_changes_are_422_naming_the_field(client, agency_a, admin_a, agency_b):
    complaint = _file(agency_a)
    other_team = Team.objects.create(agency=agency_b, name="Theirs")
    oversight = UserFactory()
    MembershipFactory(user=oversight, agency=agency_a, role=Role.OVERSIGHT)
    headers = _bearer(admin_a)
    case = f"/api/v1/agencies/alpha/complaints/{complaint.pk}"
    cases = [
        ("transition", {"to_status": "received"}, "to_status"),
        ("transition", {"to_status": "closed"}, None),
        ("transition", {"to_status": "duplicate", "duplicate_of": "C-NOPE"}, "duplicate_of"),
        ("assign", {"assignee_id": oversight.pk}, "assignee"),
        ("assign", {"team_id": other_team.pk}, "team_id"),
        ("category", {"category_id": 999999}, "category_id"),
        ("respond", {"body": "x", "category": "closed"}, "category"),
        ("messages", {"body": "   "}, "body"),
        ("notes", {"body": "ok", "extra": 1}, "extra"),
        ("notes", {"body": "nul \x00 byte"}, "body"),
        ("messages", {"body": "nul \x00 byte"}, "body"),
    ]
    for action, body, field in cases:
        response = client.post(f"{case}/{action}", body, content_type="application/json", **headers)
        assert response.status_code == 422, (action, body, response.content)
        errors = ErrorOut.model_validate(response.json()).errors
        if field is not None:
            assert any(error.loc[-1] == field for error in errors), (action, errors)
    complaint.refresh_from_db()
    assert complaint.status == Status.RECEIVED and complaint.assignee is None
    assert not Note.objects.filter(complaint=complaint).exists()


def test_a_read_token_may_not_change_a_case_and_another_agency_finds_none(
    client, agency_a, admin_a, handler_b
):
    complaint = _file(agency_a)
    case = f"/api/v1/agencies/alpha/complaints/{complaint.pk}"
    body = {"body": "Seen."}
    read_only = client.post(
        f"{case}/notes", body, content_type="application/json", **_bearer(admin_a, "read")
    )
    assert read_only.status_code == 403
    assert "write scope" in read_only.json()["detail"]
    other = client.post(
        f"{case}/notes", body, content_type="application/json", **_bearer(handler_b)
    )
    missing = client.post(
        "/api/v1/agencies/alpha/complaints/999999/notes",
        body,
        content_type="application/json",
        **_bearer(admin_a),
    )
    assert other.status_code == missing.status_code == 404
    assert other.json() == missing.json()
    assert not Note.objects.exists()


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner),
    max_leaves=10,
)
FIELDS = st.fixed_dictionaries(
    {},
    optional={
        "to_status": JSON | st.sampled_from([s.value for s in Status]),
        "reason": JSON,
        "duplicate_of": JSON,
        "assignee_id": JSON,
        "team_id": JSON,
        "category_id": JSON,
        "category": JSON | st.sampled_from(["in_progress", "closed_with_explanation"]),
        "body": JSON,
        "await_reply": JSON,
    },
)


@given(
    action=st.sampled_from(["assign", "category", "transition", "messages", "notes", "respond"]),
    body=FIELDS | JSON,
)
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
def test_hostile_bodies_never_get_a_server_error(client, agency_a, admin_a, action, body):
    complaint = Complaint.objects.filter(agency=agency_a).first() or _file(agency_a)
    response = client.post(
        f"/api/v1/agencies/alpha/complaints/{complaint.pk}/{action}",
        json.dumps(body),
        content_type="application/json",
        **_bearer(admin_a),
    )
    assert response.status_code in (200, 201, 400, 422), (body, response.content)
    assert response["Content-Type"].startswith("application/json")
