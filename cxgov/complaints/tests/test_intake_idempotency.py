"""Complaint intake never files twice on a retry, and its acknowledgment is queued with it.

Every intake path (the public form, the API, Open311) takes an idempotency key; a retry with
the same key and the same complaint gets the first complaint back. The acknowledgment task is
stored in the complaint's own transaction: if it cannot be queued, nothing is stored and the
person is told to try again.
"""

from __future__ import annotations

import re
import threading
from unittest import mock

import pytest
from django.db import connection, connections
from django_tasks_db.models import DBTaskResult

from cxgov.complaints import services
from cxgov.complaints.models import Category, Complaint, IntakeKey
from cxgov.complaints.services import complaint_create
from cxgov.complaints.tasks import complaint_acknowledgment_send
from cxgov.core.models import AuditEvent, TokenScope
from cxgov.core.services import token_create

pytestmark = pytest.mark.django_db

FORM = {
    "what_happened": "The office lost my form twice.",
    "contact_email": "maria@example.com",
    "contact_preference": "email",
}
API = {"agency": "alpha", "what_happened": "No reply in six weeks", "contact_email": "p@ex.com"}
DATABASE_QUEUE = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "email"]}
}


def _form_key(client) -> str:
    page = client.get("/agencies/alpha/complaints/new/").content.decode()
    return re.search(r'name="idempotency_key" value="([^"]+)"', page).group(1)


def _bearer(user, scope=TokenScope.WRITE) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=user, name='t', scope=scope)[1]}"}


def test_form_carries_a_fresh_one_time_key(client, agency_a):
    assert len(_form_key(client)) >= 32
    assert _form_key(client) != _form_key(client)


def test_form_sent_twice_with_its_key_files_one_complaint(client, agency_a):
    key = _form_key(client)
    first = client.post("/agencies/alpha/complaints/new/", {**FORM, "idempotency_key": key})
    retry = client.post("/agencies/alpha/complaints/new/", {**FORM, "idempotency_key": key})
    assert first.status_code == retry.status_code == 302
    assert first["Location"] == retry["Location"]
    complaint = Complaint.objects.get()
    assert complaint.tracking_number in retry["Location"]
    assert AuditEvent.objects.filter(action="complaint.create").count() == 1


def test_form_key_reused_for_another_complaint_is_refused(client, agency_a):
    key = _form_key(client)
    client.post("/agencies/alpha/complaints/new/", {**FORM, "idempotency_key": key})
    other = {**FORM, "what_happened": "Something else entirely.", "idempotency_key": key}
    response = client.post("/agencies/alpha/complaints/new/", other)
    assert response.status_code == 400
    assert "already used to file a different complaint" in response.content.decode()
    assert Complaint.objects.count() == 1


def test_api_retry_with_the_same_key_returns_the_first_complaint(client, admin_a):
    headers = {**_bearer(admin_a), "HTTP_IDEMPOTENCY_KEY": "order-7731"}
    first = client.post("/api/v1/complaints", API, content_type="application/json", **headers)
    retry = client.post("/api/v1/complaints", API, content_type="application/json", **headers)
    assert first.status_code == retry.status_code == 201
    assert first.json()["tracking_number"] == retry.json()["tracking_number"]
    assert Complaint.objects.count() == 1


def test_api_key_is_scoped_to_the_caller_and_to_the_complaint(client, admin_a, handler_a):
    post = {"path": "/api/v1/complaints", "content_type": "application/json"}
    key = {"HTTP_IDEMPOTENCY_KEY": "shared-key"}
    mine = client.post(**post, data=API, **_bearer(admin_a), **key)
    theirs = client.post(**post, data=API, **_bearer(handler_a), **key)
    assert mine.json()["tracking_number"] != theirs.json()["tracking_number"]
    different = client.post(
        **post, data={**API, "what_happened": "Other"}, **_bearer(admin_a), **key
    )
    assert different.status_code == 422
    assert different.json()["errors"][0]["loc"][-1] == "idempotency_key"
    assert Complaint.objects.count() == 2


def test_api_without_a_key_files_each_time(client, admin_a):
    headers = _bearer(admin_a)
    client.post("/api/v1/complaints", API, content_type="application/json", **headers)
    client.post("/api/v1/complaints", API, content_type="application/json", **headers)
    assert Complaint.objects.count() == 2


@pytest.fixture
def pothole(agency_a):
    return Category.objects.create(agency=agency_a, name="Broken sidewalk")


def test_open311_retry_with_the_same_key_returns_the_first_request(client, admin_a, pothole):
    api_key = token_create(user=admin_a, name="311 app")[1]
    data = {
        "jurisdiction_id": "alpha",
        "api_key": api_key,
        "service_code": str(pothole.pk),
        "lat": "38.8977",
        "long": "-77.0365",
        "description": "Cracked slab",
    }
    path = "/open311/v2/requests.json"
    first = client.post(path, data, HTTP_IDEMPOTENCY_KEY="app-42")
    retry = client.post(path, data, HTTP_IDEMPOTENCY_KEY="app-42")
    assert first.status_code == retry.status_code == 200
    assert first.json()[0]["service_request_id"] == retry.json()[0]["service_request_id"]
    assert Complaint.objects.count() == 1
    changed = client.post(path, {**data, "description": "Other"}, HTTP_IDEMPOTENCY_KEY="app-42")
    assert changed.status_code == 400
    assert Complaint.objects.count() == 1


def test_open311_read_only_key_cannot_create_requests(client, admin_a, pothole):
    api_key = token_create(user=admin_a, name="311 reader", scope=TokenScope.READ)[1]
    data = {
        "jurisdiction_id": "alpha",
        "api_key": api_key,
        "service_code": str(pothole.pk),
        "lat": "38.8977",
        "long": "-77.0365",
    }
    response = client.post("/open311/v2/requests.json", data)
    assert response.status_code == 403
    assert "may only read" in response.json()[0]["description"]
    assert not Complaint.objects.exists()


def test_concurrent_retry_that_loses_the_key_returns_the_winners_complaint(agency_a):
    winner = complaint_create(
        agency=agency_a, what_happened="Lost form", idempotency_key="k", idempotency_scope="web"
    )
    real_lookup = services._complaint_for_key
    calls = []

    def first_lookup_misses(**kwargs):
        # The losing request looked before the winner committed; the key insert tells it.
        calls.append(kwargs)
        return None if len(calls) == 1 else real_lookup(**kwargs)

    with mock.patch.object(services, "_complaint_for_key", side_effect=first_lookup_misses):
        loser = complaint_create(
            agency=agency_a, what_happened="Lost form", idempotency_key="k", idempotency_scope="web"
        )
    assert loser.pk == winner.pk
    assert Complaint.objects.count() == IntakeKey.objects.count() == 1
    assert AuditEvent.objects.filter(action="complaint.create").count() == 1


def test_acknowledgment_is_queued_in_the_complaints_transaction(client, agency_a, settings):
    settings.TASKS = DATABASE_QUEUE
    response = client.post("/agencies/alpha/complaints/new/", FORM)
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    queued = DBTaskResult.objects.get(task_path__endswith="complaint_acknowledgment_send")
    # The links in the email start with the address the person used.
    assert queued.args_kwargs["kwargs"] == {
        "complaint_id": complaint.pk,
        "site_url": "http://testserver",
    }


@pytest.mark.parametrize("path", ["form", "api", "open311"])
def test_when_the_acknowledgment_cannot_be_queued_nothing_is_filed_and_the_sender_is_told(
    client, admin_a, pothole, settings, path
):
    settings.TASKS = DATABASE_QUEUE
    broken = mock.patch.object(
        type(complaint_acknowledgment_send), "enqueue", side_effect=RuntimeError("queue down")
    )
    with broken:
        if path == "form":
            response = client.post("/agencies/alpha/complaints/new/", FORM)
        elif path == "api":
            response = client.post(
                "/api/v1/complaints", API, content_type="application/json", **_bearer(admin_a)
            )
        else:
            response = client.post(
                "/open311/v2/requests.json",
                {
                    "jurisdiction_id": "alpha",
                    "api_key": token_create(user=admin_a, name="311")[1],
                    "service_code": str(pothole.pk),
                    "lat": "38.8977",
                    "long": "-77.0365",
                    "email": "maria@example.com",
                },
            )
    assert response.status_code == 503
    assert response["Retry-After"]
    assert not Complaint.objects.exists()
    assert not AuditEvent.objects.filter(action="complaint.create").exists()
    assert not DBTaskResult.objects.exists()
    if path == "form":
        assert "try again" in response.content.decode().lower()
    elif path == "api":
        assert "try again" in response.json()["detail"].lower()
    else:
        assert "try again" in response.json()[0]["description"].lower()


@pytest.mark.django_db(transaction=True)
def test_simultaneous_retries_with_one_key_file_one_complaint(agency_a):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers with a file lock; run on PostgreSQL for threads.")
    barrier = threading.Barrier(6)
    filed: list[str] = []
    errors: list[BaseException] = []

    def retry() -> None:
        try:
            barrier.wait()
            complaint = complaint_create(
                agency=agency_a,
                what_happened="Lost form",
                contact_email="maria@example.com",
                idempotency_key="same",
                idempotency_scope="web",
            )
            filed.append(complaint.tracking_number)
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=retry) for _n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(filed) == 6
    assert len(set(filed)) == 1
    assert Complaint.objects.count() == 1
