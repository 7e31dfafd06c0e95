"""Staff pages: administrators create, change, turn off and on, see a secret once, read the
delivery log and replay; bad input gets field errors, never a server error."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxgov.core.models import AuditEvent, Role
from cxgov.webhooks.models import Attempt, Delivery, Event, Subscription
from cxgov.webhooks.services import subscription_create

pytestmark = pytest.mark.django_db

STAFF = "/staff/agencies/alpha/webhooks/"
PUBLIC_URL = "https://93.184.215.14/hooks"
FORM = {"name": "ServiceNow", "url": PUBLIC_URL, "events": ["complaint.created"]}


def _secret(content: bytes) -> str | None:
    found = re.search(r"whsec_[A-Za-z0-9_-]{20,}", content.decode())
    return found.group(0) if found else None


def test_a_new_subscription_shows_its_secret_once(admin_a_client):
    created = admin_a_client.post(f"{STAFF}new/", {**FORM, "areas": ["complaints"]})
    assert created.status_code == 201
    subscription = Subscription.objects.get()
    assert _secret(created.content) == subscription.secret
    assert subscription.areas == ["complaints"]
    detail = admin_a_client.get(f"{STAFF}{subscription.pk}/")
    assert detail.status_code == 200
    assert _secret(detail.content) is None
    assert subscription.secret_hint in detail.content.decode()
    listing = admin_a_client.get(STAFF).content.decode()
    assert "ServiceNow" in listing and PUBLIC_URL in listing
    event = AuditEvent.objects.get(action="webhook.create")
    assert subscription.secret not in str(event.data)


def test_a_new_secret_replaces_the_old_one_and_shows_once(admin_a, admin_a_client, agency_a):
    subscription, old = subscription_create(
        agency=agency_a,
        actor=admin_a,
        name="CRM",
        url=PUBLIC_URL,
        events=["plan.published"],
        areas=[],
    )
    answer = admin_a_client.post(f"{STAFF}{subscription.pk}/secret/")
    subscription.refresh_from_db()
    assert _secret(answer.content) == subscription.secret != old
    assert AuditEvent.objects.filter(action="webhook.secret_rotate").count() == 1


@pytest.mark.parametrize(
    ("form", "field_error"),
    [
        ({**FORM, "url": "http://93.184.215.14/hooks"}, "Use https"),
        ({**FORM, "url": "https://169.254.169.254/latest/"}, "private or local network"),
        ({**FORM, "events": []}, "This field is required"),
        ({**FORM, "events": ["user.deleted"]}, "Select a valid choice"),
        ({**FORM, "name": ""}, "This field is required"),
    ],
)
def test_bad_input_gets_a_field_error(admin_a_client, form, field_error):
    answer = admin_a_client.post(f"{STAFF}new/", form)
    assert answer.status_code == 400
    assert field_error in answer.content.decode()
    assert not Subscription.objects.exists()


def test_change_turn_off_and_on(admin_a, admin_a_client, agency_a):
    subscription, _ = subscription_create(
        agency=agency_a,
        actor=admin_a,
        name="CRM",
        url=PUBLIC_URL,
        events=["plan.published"],
        areas=[],
    )
    edited = admin_a_client.post(
        f"{STAFF}{subscription.pk}/edit/",
        {"name": "CRM 2", "url": PUBLIC_URL, "events": ["plan.published", "complaint.created"]},
    )
    assert edited.status_code == 302
    subscription.refresh_from_db()
    assert subscription.name == "CRM 2"
    assert subscription.events == ["complaint.created", "plan.published"]
    assert admin_a_client.post(f"{STAFF}{subscription.pk}/status/disable/").status_code == 302
    subscription.refresh_from_db()
    assert not subscription.is_active
    assert admin_a_client.post(f"{STAFF}{subscription.pk}/status/enable/").status_code == 302
    subscription.refresh_from_db()
    assert subscription.is_active and subscription.consecutive_failures == 0
    assert admin_a_client.post(f"{STAFF}{subscription.pk}/status/explode/").status_code == 404
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"webhook.update", "webhook.disable", "webhook.enable"} <= actions


def test_a_turned_off_subscription_cannot_be_replayed(admin_a, admin_a_client, agency_a):
    subscription, _ = subscription_create(
        agency=agency_a,
        actor=admin_a,
        name="CRM",
        url=PUBLIC_URL,
        events=["plan.published"],
        areas=[],
    )
    event = Event.objects.create(
        agency=agency_a, type="plan.published", object_type="plan", object_id="1"
    )
    delivery = Delivery.objects.create(
        agency=agency_a, subscription=subscription, event=event, body="{}"
    )
    admin_a_client.post(f"{STAFF}{subscription.pk}/status/disable/")
    answer = admin_a_client.post(f"{STAFF}deliveries/{delivery.pk}/replay/", follow=True)
    assert "Turn the subscription back on" in answer.content.decode()
    assert not Attempt.objects.exists()


def test_other_roles_do_not_see_webhooks(role_a_client, admin_a_client):
    assert admin_a_client.get(STAFF).status_code == 200
    assert "/webhooks/" in admin_a_client.get("/staff/agencies/alpha/").content.decode()
    for role in (Role.SERVICE_MANAGER, Role.CX_ANALYST, Role.COMPLAINT_HANDLER, Role.OVERSIGHT):
        client = role_a_client(role)
        assert client.get(STAFF).status_code == 404
        assert "/webhooks/" not in client.get("/staff/agencies/alpha/").content.decode()


def test_the_pages_speak_spanish(admin_a_client):
    assert "Webhooks de" in admin_a_client.get(f"/es{STAFF}").content.decode()
    assert "URL de destino" in admin_a_client.get(f"/es{STAFF}new/").content.decode()


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    name=st.text(max_size=150),
    url=st.text(max_size=600),
    events=st.lists(st.text(max_size=30), max_size=4),
    areas=st.lists(st.text(max_size=30), max_size=3),
)
def test_hostile_form_input_never_breaks_the_page(admin_a_client, name, url, events, areas):
    answer = admin_a_client.post(
        f"{STAFF}new/", {"name": name, "url": url, "events": events, "areas": areas}
    )
    assert answer.status_code in (201, 400)
