"""POST /api/v1/surveys/{id}/responses:batch: many responses, each accepted or rejected alone."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client, override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxgov.core.models import AuditEvent, User
from cxgov.core.services import token_create
from cxgov.surveys.models import Invitation, Response, Survey
from cxgov.surveys.services import _token_hash, survey_close

pytestmark = pytest.mark.django_db


def _bearer(user: User) -> dict[str, str]:
    _token, raw = token_create(user=user, name="ivr")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _batch(client: Client, survey: Survey, items: list[Any], headers: dict[str, str]):
    return client.post(
        f"/api/v1/surveys/{survey.pk}/responses:batch",
        data=json.dumps({"responses": items}),
        content_type="application/json",
        **headers,
    )


def test_good_items_are_stored_and_bad_ones_refused_with_their_reason(
    client: Client, analyst_a: User, a11_survey: Survey
) -> None:
    items = [
        {"submission_id": "ivr-1", "answers": {"trust": 1}},
        {"submission_id": "ivr-2", "answers": {"trust": 7}},
        {"submission_id": "ivr 3", "answers": {"trust": 0}},
        {"submission_id": "ivr-4", "answers": {"trust": 0}, "context": {"channel": "paper"}},
    ]
    reply = _batch(client, a11_survey, items, _bearer(analyst_a))
    assert reply.status_code == 200, reply.content
    body = reply.json()
    assert (body["accepted"], body["rejected"]) == (2, 2)
    statuses = [(r["index"], r["status"]) for r in body["results"]]
    assert statuses == [(0, "accepted"), (1, "rejected"), (2, "rejected"), (3, "accepted")]
    assert body["results"][1]["errors"][0]["loc"][-1] == "trust"
    assert body["results"][2]["errors"][0]["loc"][-1] == "submission_id"
    stored = {r.submission_id: r for r in Response.objects.all()}
    assert set(stored) == {"ivr-1", "ivr-4"}
    assert body["results"][3]["id"] == stored["ivr-4"].pk
    assert (stored["ivr-4"].source, stored["ivr-4"].channel) == ("api", "paper")
    assert stored["ivr-1"].answers.get().value_int == 1


def test_a_resent_batch_returns_the_stored_ids_and_stores_nothing_twice(
    client: Client, analyst_a: User, a11_survey: Survey
) -> None:
    headers = _bearer(analyst_a)
    items = [{"submission_id": f"paper-{n}", "answers": {"trust": n % 2}} for n in range(5)]
    # The same id twice in one batch is one response too.
    first = _batch(client, a11_survey, [*items, items[0]], headers).json()
    again = _batch(client, a11_survey, items, headers).json()
    assert first["accepted"] == 6 and again["accepted"] == 5
    assert first["results"][5]["id"] == first["results"][0]["id"]
    assert [r["id"] for r in again["results"]] == [r["id"] for r in first["results"][:5]]
    assert Response.objects.count() == 5


def test_one_audit_event_per_batch_counts_what_happened(
    client: Client, analyst_a: User, a11_survey: Survey
) -> None:
    items = [{"submission_id": f"b-{n}", "answers": {"trust": 1}} for n in range(3)]
    items.append({"submission_id": "b-bad", "answers": {"nope": 1}})
    _batch(client, a11_survey, items, _bearer(analyst_a))
    event = AuditEvent.objects.get(action="response.batch_submit")
    assert event.data["stored"] == 3 and event.data["refused"] == 1
    assert not AuditEvent.objects.filter(action="response.submit").exists()


@override_settings(SURVEY_RATE_LIMIT_PER_HOUR=2, API_WRITES_PER_MINUTE=0)
def test_a_batch_is_not_held_to_the_public_hourly_limit(
    client: Client, analyst_a: User, a11_survey: Survey
) -> None:
    items = [{"submission_id": f"r-{n}", "answers": {"trust": 1}} for n in range(10)]
    assert _batch(client, a11_survey, items, _bearer(analyst_a)).json()["accepted"] == 10


def test_an_invitation_token_works_once_even_twice_in_one_batch(
    client: Client, analyst_a: User, a11_survey: Survey
) -> None:
    Invitation.objects.create(survey=a11_survey, email="p@example.com", token_hash=_token_hash("t"))
    items = [
        {"submission_id": "inv-1", "answers": {"trust": 1}, "token": "t"},
        {"submission_id": "inv-2", "answers": {"trust": 1}, "token": "t"},
    ]
    body = _batch(client, a11_survey, items, _bearer(analyst_a)).json()
    assert [r["status"] for r in body["results"]] == ["accepted", "rejected"]
    assert body["results"][1]["errors"][0]["type"] == "token_used"
    assert Invitation.objects.get().used_at is not None


def test_closed_survey_and_oversized_or_empty_batches_are_refused_whole(
    client: Client, analyst_a: User, a11_survey: Survey
) -> None:
    headers = _bearer(analyst_a)
    one = {"submission_id": "x", "answers": {"trust": 1}}
    assert _batch(client, a11_survey, [], headers).status_code == 422
    assert _batch(client, a11_survey, [one] * 1001, headers).status_code == 422
    survey_close(actor=None, survey=a11_survey)
    closed = _batch(client, a11_survey, [one], headers)
    assert closed.status_code == 422
    assert "not taking responses" in closed.content.decode()
    assert Response.objects.count() == 0


def test_another_agency_and_a_missing_token_are_refused(
    client: Client, handler_b: User, a11_survey: Survey
) -> None:
    one = [{"submission_id": "x", "answers": {"trust": 1}}]
    assert _batch(client, a11_survey, one, _bearer(handler_b)).status_code == 404
    assert _batch(client, a11_survey, one, {}).status_code == 401


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    items=st.lists(
        st.fixed_dictionaries(
            {
                "submission_id": st.text(max_size=70),
                "answers": st.dictionaries(
                    st.text(max_size=12),
                    st.one_of(st.integers(), st.text(max_size=30), st.none(), st.lists(st.text())),
                    max_size=4,
                ),
            },
            optional={"token": st.text(max_size=20), "context": st.just({"channel": "nope"})},
        ),
        min_size=1,
        max_size=8,
    )
)
def test_hostile_batches_get_an_answer_per_item_and_never_a_server_error(
    client: Client, analyst_a: User, a11_survey: Survey, items: list[dict[str, Any]]
) -> None:
    reply = _batch(client, a11_survey, items, _bearer(analyst_a))
    assert reply.status_code in (200, 422), reply.content
    if reply.status_code == 200:
        body = reply.json()
        assert len(body["results"]) == len(items)
        accepted = {r["id"] for r in body["results"] if r["status"] == "accepted"}
        assert accepted <= set(Response.objects.values_list("pk", flat=True))
