"""The one approval path through HTTP: every step of a plan's review, the second-member rule,
no skipped state, comments that cannot hurt the page, and the same path for surveys (with
their Paperwork Reduction Act check), standards (A-11 reports: a11/tests/test_review.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from cxgov.core.models import (
    APPROVAL_TEXT_MAX_LENGTH,
    Agency,
    Approval,
    ApprovalStep,
    AuditEvent,
    DocumentStatus,
    Role,
)
from cxgov.plans.models import Plan
from cxgov.plans.selectors import plan_snapshot_draft
from cxgov.plans.services import plan_create
from cxgov.standards.models import StandardStatus
from cxgov.surveys.models import Audience, SurveyStatus
from cxgov.surveys.services import survey_create
from cxgov.testing.approvals import review_step, review_url
from cxgov.testing.factories import (
    ServiceFactory,
    StandardFactory,
    SurveyFactory,
    cleared,
)

pytestmark = pytest.mark.django_db


def _plan_review(plan: Plan, act: str = "") -> str:
    return review_url(slug="alpha", kind="plan", object_id=plan.pk, act=act)


def _state(kind: str, object_id: int) -> str:
    return Approval.objects.get(kind=kind, object_id=object_id).state


def test_a_plan_goes_through_review_by_a_second_member_then_is_unpublished_with_a_reason(
    admin_a_client: Client, role_a_client, client: Client, agency_a: Agency
) -> None:
    manager = role_a_client(Role.SERVICE_MANAGER)
    plan = plan_create(actor=None, agency=agency_a, year=2027)
    step = {"slug": "alpha", "kind": "plan", "object_id": plan.pk}

    assert review_step(admin_a_client, act="submit", body="Ready for a look.", **step) == [
        "Sent for review."
    ]
    assert _state("plan", plan.pk) == "in_review"
    home = manager.get("/staff/").content.decode()
    assert "1 record waits for your review or publication." in home
    waiting = manager.get("/staff/agencies/alpha/reviews/").content.decode()
    assert "Customer service plan for fiscal year 2027" in waiting
    # The member who sent it cannot approve it while the agency asks for a second member.
    said = review_step(admin_a_client, act="approve", **step)
    assert said == [
        "You sent this for review: another member approves it. (The agency asks for approval "
        "by a second member.)"
    ]
    assert _state("plan", plan.pk) == "in_review"
    assert review_step(manager, act="approve", body="Reads well.", **step) == ["Approved."]
    assert client.get("/agencies/alpha/plan/").status_code == 404
    assert review_step(admin_a_client, act="publish", **step) == [
        "Published: the public can see it now."
    ]
    plan.refresh_from_db()
    assert plan.status == DocumentStatus.PUBLISHED and plan.versions.count() == 1
    assert client.get("/agencies/alpha/plan/").status_code == 200
    assert client.get("/agencies/alpha/plan.pdf").status_code == 202  # its PDF is being prepared
    assert "/agencies/alpha/plan/" in client.get("/agencies/alpha/").content.decode()

    # Unpublishing says why, or is refused.
    assert review_step(manager, act="unpublish", body="   ", **step) == ["Say why, for the record."]
    assert _state("plan", plan.pk) == "published"
    said = review_step(manager, act="unpublish", body="A figure was wrong.", **step)
    assert said == ["Unpublished: the public no longer sees it."]
    plan.refresh_from_db()
    assert plan.status == DocumentStatus.UNPUBLISHED
    assert client.get("/agencies/alpha/plan/").status_code == 404
    assert client.get("/es/agencies/alpha/plan/").status_code == 404
    assert client.get("/agencies/alpha/plan.pdf").status_code == 404
    assert "/agencies/alpha/plan/" not in client.get("/agencies/alpha/").content.decode()
    assert "/agencies/alpha/plan" not in client.get("/data.json").content.decode()

    page = admin_a_client.get(_plan_review(plan)).content.decode()
    assert "A figure was wrong." in page and "Reads well." in page and "Unpublished" in page
    acts = list(ApprovalStep.objects.values_list("act", flat=True))
    assert acts == ["submit", "approve", "publish", "unpublish"]
    audited = list(
        AuditEvent.objects.filter(action__startswith="approval.")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert audited == [
        "approval.submit",
        "approval.approve",
        "approval.publish",
        "approval.unpublish",
    ]
    assert AuditEvent.objects.filter(action="plan.unpublish").exists()


def test_no_state_is_skipped_and_approvers_alone_approve(
    admin_a_client: Client, analyst_a_client: Client, role_a_client, agency_a: Agency
) -> None:
    manager = role_a_client(Role.SERVICE_MANAGER)
    plan = plan_create(actor=None, agency=agency_a, year=2027)
    step = {"slug": "alpha", "kind": "plan", "object_id": plan.pk}
    assert review_step(manager, act="approve", **step) == [
        "This is draft: it cannot be approved now."
    ]
    assert review_step(manager, act="publish", **step) == [
        "This is draft: it cannot be published now."
    ]
    assert review_step(manager, act="unpublish", body="why", **step) == [
        "This is draft: it cannot be unpublished now."
    ]
    # An analyst edits plans and sends them for review, but approves nothing.
    assert review_step(analyst_a_client, act="submit", **step) == ["Sent for review."]
    assert analyst_a_client.post(_plan_review(plan, "approve")).status_code == 404
    assert review_step(manager, act="publish", **step) == [
        "This is in review: it cannot be published now."
    ]
    assert review_step(analyst_a_client, act="submit", **step) == [
        "This is in review: it cannot be sent for review now."
    ]
    # While in review the plan cannot change: what was reviewed is what is published.
    edit = f"/staff/agencies/alpha/plans/{plan.pk}/sections/training/"
    changed = admin_a_client.post(edit, {"text_en": "New words", "text_es": ""})
    assert changed.status_code == 400
    assert "The plan is in review" in changed.content.decode()
    # Returning it to draft needs a comment, and opens it for changes again.
    assert review_step(manager, act="return", **step) == ["Say why, for the record."]
    assert review_step(manager, act="return", body="Name the surveys.", **step) == [
        "Returned to draft with your comment."
    ]
    assert admin_a_client.post(edit, {"text_en": "New words", "text_es": ""}).status_code == 302
    assert admin_a_client.post(_plan_review(plan, "nonsense")).status_code == 404
    assert admin_a_client.get(f"/staff/agencies/alpha/reviews/nokind/{plan.pk}/").status_code == 404
    assert plan.versions.count() == 0
    assert _state("plan", plan.pk) == "draft"


def test_an_agency_may_let_the_author_approve(admin_a_client: Client, agency_a: Agency) -> None:
    Agency.objects.filter(pk=agency_a.pk).update(approval_by_second_member=False)
    plan = plan_create(actor=None, agency=agency_a, year=2027)
    step = {"slug": "alpha", "kind": "plan", "object_id": plan.pk}
    for act in ("submit", "approve", "publish"):
        review_step(admin_a_client, act=act, **step)
    assert _state("plan", plan.pk) == "published"
    assert "lets the member who sends" in admin_a_client.get(_plan_review(plan)).content.decode()


def test_hostile_comments_are_stored_as_text_or_refused(
    admin_a_client: Client, handler_b_client: Client, agency_a: Agency
) -> None:
    plan = plan_create(actor=None, agency=agency_a, year=2027)
    step = {"slug": "alpha", "kind": "plan", "object_id": plan.pk}
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)> ‮ {{ 7*7 }} =SUM(A1)'
    assert review_step(admin_a_client, act="comment", body=hostile, **step) == ["Comment added."]
    page = admin_a_client.get(_plan_review(plan)).content.decode()
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    # The comment's own text, not the page: a CSRF token or a time may hold "49".
    comment = page.split("<blockquote", 1)[1].split("</blockquote>", 1)[0]
    assert "{{ 7*7 }}" in comment and "49" not in comment
    assert review_step(admin_a_client, act="comment", body="a\x00b", **step) == [
        "The text holds a character that cannot be stored."
    ]
    too_long = "x" * (APPROVAL_TEXT_MAX_LENGTH + 1)
    assert review_step(admin_a_client, act="comment", body=too_long, **step) == [
        f"Write at most {APPROVAL_TEXT_MAX_LENGTH} characters."
    ]
    assert review_step(admin_a_client, act="comment", body=" \n ", **step) == [
        "Say why, for the record."
    ]
    # Another agency's member finds nothing to comment on, by either agency's address.
    for slug in ("alpha", "bravo"):
        url = review_url(slug=slug, kind="plan", object_id=plan.pk, act="comment")
        assert handler_b_client.post(url, {"body": "hi"}).status_code == 404
    assert ApprovalStep.objects.count() == 1
    assert _state("plan", plan.pk) == "draft"


def test_a_plan_names_only_the_surveys_staff_chose(
    admin_a_client: Client, agency_a: Agency, agency_b: Agency
) -> None:
    live = SurveyFactory(agency=agency_a, title="After your visit", audience=Audience.CUSTOMER)
    SurveyFactory(agency=agency_a, title="Test survey, ignore", audience=Audience.CUSTOMER)
    theirs = SurveyFactory(agency=agency_b, title="Theirs")
    plan = plan_create(actor=None, agency=agency_a, year=2027)
    assert plan_snapshot_draft(plan=plan)["surveys"] == []
    url = f"/staff/agencies/alpha/plans/{plan.pk}/surveys/"
    form = admin_a_client.get(url).content.decode()
    assert "After your visit" in form and "Test survey, ignore" in form and "Theirs" not in form
    assert admin_a_client.post(url, {"surveys": [theirs.pk]}).status_code == 400
    assert admin_a_client.post(url, {"surveys": [live.pk]}).status_code == 302
    titles = [survey["title"] for survey in plan_snapshot_draft(plan=plan)["surveys"]]
    assert titles == ["After your visit"]
    assert AuditEvent.objects.filter(action="plan.surveys_choose").count() == 1


def test_a_survey_is_published_through_review_and_its_clearance_checked_again(
    analyst_a_client: Client, admin_a_client: Client, agency_a: Agency
) -> None:
    survey = survey_create(actor=None, agency=agency_a, template="a11_v2")
    step = {"slug": "alpha", "kind": "survey", "object_id": survey.pk}
    refused = review_step(analyst_a_client, act="submit", **step)
    assert "Paperwork Reduction Act clearance" in refused[0]
    assert not Approval.objects.filter(kind="survey", state="in_review").exists()
    cleared(survey, control_number="1505-0191")
    assert review_step(analyst_a_client, act="submit", **step) == ["Sent for review."]
    assert review_step(admin_a_client, act="approve", **step) == ["Approved."]
    # The clearance expires between the approval and the publication: publishing is refused.
    clearance = survey.clearance
    type(clearance).objects.filter(pk=clearance.pk).update(
        expires_on=timezone.localdate() - timedelta(days=1)
    )
    said = review_step(admin_a_client, act="publish", **step)
    assert "expired on" in said[0]
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.DRAFT and _state("survey", survey.pk) == "approved"
    type(clearance).objects.filter(pk=clearance.pk).update(
        expires_on=timezone.localdate() + timedelta(days=300)
    )
    review_step(admin_a_client, act="publish", **step)
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.LIVE
    review_step(admin_a_client, act="unpublish", body="Wrong audience.", **step)
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.CLOSED


def test_a_standard_is_posted_through_review_and_taken_down(
    admin_a_client: Client, role_a_client, client: Client, agency_a: Agency
) -> None:
    service = ServiceFactory(agency=agency_a, slug="permits")
    standard = StandardFactory(
        service=service, status=StandardStatus.DRAFT, statement="We answer within 3 days"
    )
    step = {"slug": "alpha", "kind": "standard", "object_id": standard.pk}
    # Posting has no button of its own any more.
    old = f"/staff/agencies/alpha/standards/{standard.pk}/status/post/"
    assert admin_a_client.post(old).status_code == 404
    review_step(admin_a_client, act="submit", **step)
    review_step(role_a_client(Role.SERVICE_MANAGER), act="approve", **step)
    assert (
        "We answer within 3 days" not in client.get("/agencies/alpha/standards/").content.decode()
    )
    review_step(admin_a_client, act="publish", **step)
    standard.refresh_from_db()
    assert standard.status == StandardStatus.POSTED
    assert "We answer within 3 days" in client.get("/agencies/alpha/standards/").content.decode()
    review_step(admin_a_client, act="unpublish", body="Target under review.", **step)
    standard.refresh_from_db()
    assert standard.status == StandardStatus.DRAFT
    assert (
        "We answer within 3 days" not in client.get("/agencies/alpha/standards/").content.decode()
    )
