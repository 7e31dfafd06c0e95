"""The annual CX action plan over HTTP: staff start it, write it and pick its items; a second
member approves and publishes it through the one review path; the public reads it in English
and Spanish, as a page and a PDF, until it is unpublished."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from django.test import Client

from cxgov.actions.models import ActionPlan, ActionStatus
from cxgov.actions.tests.factories import ActionItemFactory, ActionSourceFactory
from cxgov.core.models import AuditEvent, DocumentStatus, Role
from cxgov.testing.approvals import review_and_publish, review_step
from cxgov.testing.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

STAFF = "/staff/agencies/alpha/actions/plans/"
PUBLIC = "/agencies/alpha/action-plan/"
PDF = "/agencies/alpha/action-plan.pdf"
KIND = "action_plan"
YEAR = 2030  # October 2029 to September 2030 on the federal fiscal year


def _text(response) -> str:
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 15, tzinfo=UTC)


@pytest.fixture
def items(agency_a, analyst_a):
    """This year's work, last year's delivered work, and older or dropped items."""
    planned = ActionItemFactory(
        agency=agency_a,
        owner=analyst_a,
        title="Shorten the phone queue",
        description="Add two agents at lunchtime.",
        due_date=date(YEAR, 3, 1),
    )
    ActionSourceFactory(action=planned, label="Calls answered in 5 minutes: 61%")
    delivered = ActionItemFactory(
        agency=agency_a,
        owner=analyst_a,
        title="Rewrite the claim form",
        due_date=date(YEAR - 1, 3, 1),
        status=ActionStatus.DONE,
        closed_at=_at(date(YEAR - 1, 3, 15)),
    )
    old = ActionItemFactory(
        agency=agency_a,
        owner=analyst_a,
        title="Done long ago",
        due_date=date(YEAR - 3, 3, 1),
        status=ActionStatus.DONE,
        closed_at=_at(date(YEAR - 3, 3, 15)),
    )
    dropped = ActionItemFactory(
        agency=agency_a,
        owner=analyst_a,
        title="Given up",
        due_date=date(YEAR, 1, 1),
        status=ActionStatus.DROPPED,
        closed_at=_at(date(YEAR - 1, 12, 1)),
    )
    return {"planned": planned, "delivered": delivered, "old": old, "dropped": dropped}


@pytest.fixture
def manager_a_client(role_a_client) -> Client:
    return role_a_client(Role.SERVICE_MANAGER)


@pytest.fixture
def admin_b_client(agency_b) -> Client:
    user = UserFactory(email="admin@bravo.example.gov")
    MembershipFactory(user=user, agency=agency_b, role=Role.AGENCY_ADMIN)
    client = Client()
    client.force_login(user)
    return client


def _start(client: Client) -> ActionPlan:
    response = client.post(STAFF, {"fiscal_year": str(YEAR)})
    assert response.status_code == 302, response.content.decode()[:2000]
    return ActionPlan.objects.get(fiscal_year=YEAR)


def _write(client: Client, plan: ActionPlan, **extra: str):
    data = {
        "summary_en": "We will answer calls faster.",
        "summary_es": "Contestaremos las llamadas más rápido.",
        "budget_notes_en": "Paid from the operations budget.",
        "budget_notes_es": "Se paga con el presupuesto de operaciones.",
        **extra,
    }
    return client.post(f"{STAFF}{plan.pk}/edit/", data)


def _ready(client: Client, items) -> ActionPlan:
    plan = _start(client)
    assert _write(client, plan).status_code == 302
    chosen = [items["planned"].pk, items["delivered"].pk]
    assert client.post(f"{STAFF}{plan.pk}/items/", {"items": chosen}).status_code == 302
    return plan


def test_a_new_plan_ticks_last_years_delivered_items_only(analyst_a_client, items):
    plan = _start(analyst_a_client)
    assert list(plan.items.values_list("pk", flat=True)) == [items["delivered"].pk]
    page = analyst_a_client.get(f"{STAFF}{plan.pk}/items/")
    html = page.content.decode()
    assert "Shorten the phone queue" in html and "Rewrite the claim form" in html
    # Dropped items and items done before last year cannot be chosen.
    assert "Given up" not in html and "Done long ago" not in html


def test_a_second_member_approves_and_publishes_and_the_public_reads_it_in_both_languages(
    analyst_a_client, manager_a_client, items, client
):
    plan = _ready(analyst_a_client, items)
    assert client.get(PUBLIC).status_code == 404
    review_and_publish(
        author=analyst_a_client,
        approver=manager_a_client,
        slug="alpha",
        kind=KIND,
        object_id=plan.pk,
    )
    plan.refresh_from_db()
    assert plan.status == DocumentStatus.PUBLISHED
    assert AuditEvent.objects.filter(action="action_plan.publish").count() == 1

    english = client.get(PUBLIC)
    assert english.status_code == 200
    text = _text(english)
    assert "CX action plan for fiscal year 2030" in text
    assert "We will answer calls faster." in text
    assert "Paid from the operations budget." in text
    this_year, last_year = text.split("What we delivered last year")
    assert "Shorten the phone queue" in this_year and "Rewrite the claim form" not in this_year
    assert "Rewrite the claim form" in last_year and "Shorten the phone queue" not in last_year
    assert "Calls answered in 5 minutes: 61%" in this_year

    spanish = client.get("/es" + PUBLIC)
    assert spanish.status_code == 200
    text_es = _text(spanish)
    assert "Contestaremos las llamadas más rápido." in text_es
    assert "Se paga con el presupuesto de operaciones." in text_es
    assert "Lo que entregamos el año pasado" in text_es
    # Items are written in English: the Spanish page says so to screen readers.
    assert '<h3 lang="en">Rewrite the claim form</h3>' in spanish.content.decode()

    for path in (PDF, "/es" + PDF):
        pdf = client.get(path)
        assert pdf.status_code == 200
        assert pdf["Content-Type"] == "application/pdf"
        assert pdf.content.startswith(b"%PDF")
    assert "/agencies/alpha/action-plan/" in client.get("/agencies/alpha/").content.decode()


def test_the_author_cannot_approve_their_own_plan(admin_a_client, items):
    plan = _ready(admin_a_client, items)
    review_step(admin_a_client, slug="alpha", kind=KIND, object_id=plan.pk, act="submit")
    said = review_step(admin_a_client, slug="alpha", kind=KIND, object_id=plan.pk, act="approve")
    assert any("another member" in text for text in said), said
    plan.refresh_from_db()
    assert plan.status == DocumentStatus.DRAFT


def test_a_plan_in_review_cannot_be_changed(analyst_a_client, items):
    plan = _ready(analyst_a_client, items)
    review_step(analyst_a_client, slug="alpha", kind=KIND, object_id=plan.pk, act="submit")
    response = _write(analyst_a_client, plan, summary_en="Changed behind the reviewer's back")
    assert response.status_code == 400
    assert "in review" in response.content.decode()
    plan.refresh_from_db()
    assert plan.summary_en == "We will answer calls faster."


def test_an_empty_plan_cannot_be_sent_for_review(analyst_a_client, agency_a):
    plan = _start(analyst_a_client)
    said = review_step(analyst_a_client, slug="alpha", kind=KIND, object_id=plan.pk, act="submit")
    assert any("summary" in text for text in said), said


def test_unpublishing_takes_it_off_the_public_site(
    analyst_a_client, manager_a_client, items, client
):
    plan = _ready(analyst_a_client, items)
    review_and_publish(
        author=analyst_a_client,
        approver=manager_a_client,
        slug="alpha",
        kind=KIND,
        object_id=plan.pk,
    )
    assert client.get(PUBLIC).status_code == 200
    review_step(
        manager_a_client,
        slug="alpha",
        kind=KIND,
        object_id=plan.pk,
        act="unpublish",
        body="The budget figures were wrong.",
    )
    plan.refresh_from_db()
    assert plan.status == DocumentStatus.UNPUBLISHED
    for path in (PUBLIC, PDF, "/es" + PUBLIC, "/es" + PDF):
        assert client.get(path).status_code == 404, path
    assert "/agencies/alpha/action-plan/" not in client.get("/agencies/alpha/").content.decode()
    event = AuditEvent.objects.get(action="action_plan.unpublish")
    assert event.data["reason"] == "The budget figures were wrong."


def test_another_agencys_staff_get_404(analyst_a_client, admin_b_client, items):
    plan = _ready(analyst_a_client, items)
    for suffix in ("", "edit/", "items/", "preview/"):
        assert admin_b_client.get(f"{STAFF}{plan.pk}/{suffix}").status_code == 404
        assert (
            admin_b_client.get(
                f"/staff/agencies/bravo/actions/plans/{plan.pk}/{suffix}"
            ).status_code
            == 404
        )
    assert admin_b_client.get(STAFF).status_code == 404
    refused = admin_b_client.post(
        f"/staff/agencies/alpha/reviews/{KIND}/{plan.pk}/submit/", {"body": ""}
    )
    assert refused.status_code == 404


def test_a_role_without_plan_rights_gets_404(role_a_client, analyst_a_client, items):
    plan = _ready(analyst_a_client, items)
    handler = role_a_client(Role.COMPLAINT_HANDLER)
    assert handler.get(STAFF).status_code == 404
    assert handler.get(f"{STAFF}{plan.pk}/").status_code == 404


def test_another_agencys_item_cannot_be_chosen(analyst_a_client, agency_b, items):
    foreign = ActionItemFactory(agency=agency_b, title="Bravo's secret work")
    plan = _start(analyst_a_client)
    response = analyst_a_client.post(
        f"{STAFF}{plan.pk}/items/", {"items": [items["planned"].pk, foreign.pk]}
    )
    assert response.status_code == 400
    assert list(plan.items.values_list("pk", flat=True)) == [items["delivered"].pk]


@pytest.mark.parametrize(
    "items_value", ["not-a-number", "-1", "99999999999999999999", "1 OR 1=1", "\x00"]
)
def test_hostile_item_choices_are_refused(analyst_a_client, items, items_value):
    plan = _start(analyst_a_client)
    response = analyst_a_client.post(f"{STAFF}{plan.pk}/items/", {"items": [items_value]})
    assert response.status_code == 400


@pytest.mark.parametrize("year", ["abc", "99999", "-2030", "2030.5", "", "\x00"])
def test_hostile_fiscal_years_are_refused(analyst_a_client, year):
    response = analyst_a_client.post(STAFF, {"fiscal_year": year})
    assert response.status_code == 400
    assert not ActionPlan.objects.exists()


def test_a_second_plan_for_the_same_year_is_refused(analyst_a_client):
    _start(analyst_a_client)
    response = analyst_a_client.post(STAFF, {"fiscal_year": str(YEAR)})
    assert response.status_code == 400
    assert "There is already an action plan for fiscal year 2030." in response.content.decode()


@pytest.mark.parametrize("text", ["bad\x00byte", "x" * 20_001], ids=["NUL character", "too long"])
def test_text_that_cannot_be_stored_is_refused(analyst_a_client, text):
    plan = _start(analyst_a_client)
    assert _write(analyst_a_client, plan, summary_en=text).status_code == 400
    plan.refresh_from_db()
    assert plan.summary_en == ""


def test_markup_in_the_text_and_items_is_shown_as_text(
    analyst_a_client, manager_a_client, items, client
):
    items["planned"].title = '<img src=x onerror="alert(1)">'
    items["planned"].save()
    plan = _ready(analyst_a_client, items)
    assert (
        _write(
            analyst_a_client, plan, summary_en="<script>alert('x')</script>\n\nSecond paragraph"
        ).status_code
        == 302
    )
    review_and_publish(
        author=analyst_a_client,
        approver=manager_a_client,
        slug="alpha",
        kind=KIND,
        object_id=plan.pk,
    )
    html = client.get(PUBLIC).content.decode()
    assert "<script>alert('x')</script>" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert '<img src=x onerror="alert(1)">' not in html
    assert client.get(PDF).content.startswith(b"%PDF")


def test_the_public_page_keeps_what_was_published_until_the_next_publish(
    analyst_a_client, manager_a_client, items, client
):
    plan = _ready(analyst_a_client, items)
    review_and_publish(
        author=analyst_a_client,
        approver=manager_a_client,
        slug="alpha",
        kind=KIND,
        object_id=plan.pk,
    )
    review_step(
        manager_a_client,
        slug="alpha",
        kind=KIND,
        object_id=plan.pk,
        act="unpublish",
        body="Rewriting the summary.",
    )
    assert _write(analyst_a_client, plan, summary_en="A clearer summary.").status_code == 302
    # The staff preview shows the draft; the public sees nothing until it is published again.
    preview = analyst_a_client.get(f"{STAFF}{plan.pk}/preview/")
    assert "A clearer summary." in _text(preview)
    assert client.get(PUBLIC).status_code == 404
    review_and_publish(
        author=analyst_a_client,
        approver=manager_a_client,
        slug="alpha",
        kind=KIND,
        object_id=plan.pk,
    )
    assert "A clearer summary." in _text(client.get(PUBLIC))


def test_a_plan_sent_for_review_waits_on_the_approvers_list(
    analyst_a_client, manager_a_client, items
):
    plan = _ready(analyst_a_client, items)
    review_step(analyst_a_client, slug="alpha", kind=KIND, object_id=plan.pk, act="submit")
    waiting = manager_a_client.get("/staff/agencies/alpha/reviews/")
    assert waiting.status_code == 200
    assert "CX action plan for fiscal year 2030" in _text(waiting)
    review = manager_a_client.get(f"/staff/agencies/alpha/reviews/{KIND}/{plan.pk}/")
    assert review.status_code == 200
    assert f"/staff/agencies/alpha/actions/plans/{plan.pk}/" in review.content.decode()
