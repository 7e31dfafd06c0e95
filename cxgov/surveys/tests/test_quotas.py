"""Quotas per segment: a cell (service, channel, language or answer) closes at its limit; new
respondents in it get a polite page (English and Spanish, no script), the API and batches a
`quota_full` reason per item; counts never pass the limit, even under concurrent submissions."""

from __future__ import annotations

import json
import threading

import pytest
from django.db import connection
from django.test import Client

from cxgov.core.models import TokenScope, User
from cxgov.core.services import token_create
from cxgov.surveys.models import Quota, Response, Survey
from cxgov.surveys.services import (
    BatchItem,
    SubmissionContext,
    quota_add,
    response_batch_submit,
    response_submit,
)
from cxgov.surveys.validation import SubmissionError

pytestmark = pytest.mark.django_db


def _submit(survey: Survey, *, trust: str = "1", service: str = "", submission_id: str = ""):
    return response_submit(
        survey=survey,
        answers={"trust": trust},
        submission_id=submission_id,
        context=SubmissionContext(service=service),
    )


def test_a_service_cell_closes_at_its_limit_and_other_cells_still_answer(
    a11_survey: Survey,
) -> None:
    quota = quota_add(
        actor=None, survey=a11_survey, segment="service", key="", value="apply", limit=2
    )
    _submit(a11_survey, service="apply")
    _submit(a11_survey, service="apply")
    with pytest.raises(SubmissionError) as refused:
        _submit(a11_survey, service="apply")
    assert refused.value.code == "quota_full"
    assert "enough answers from people using Apply for benefits" in refused.value.errors["__all__"]
    _submit(a11_survey)
    quota.refresh_from_db()
    assert (quota.count, quota.closed_at is not None) == (2, True)
    assert Response.objects.count() == 3


def test_a_full_cell_gets_a_polite_page_before_answering_in_english_and_spanish(
    client: Client, a11_survey: Survey
) -> None:
    quota_add(actor=None, survey=a11_survey, segment="service", key="", value="apply", limit=1)
    _submit(a11_survey, service="apply")
    page = client.get(f"/surveys/{a11_survey.public_id}/?service=apply").content.decode()
    assert "already has enough answers from people using Apply for benefits" in page
    assert 'name="q-trust"' not in page
    spanish = client.get(f"/es/surveys/{a11_survey.public_id}/?service=apply").content.decode()
    assert "ya tiene suficientes respuestas" in spanish
    assert 'name="q-trust"' in client.get(f"/surveys/{a11_survey.public_id}/").content.decode()


def test_an_answer_cell_turns_away_the_person_politely_after_they_answer(
    client: Client, a11_survey: Survey
) -> None:
    quota_add(actor=None, survey=a11_survey, segment="answer", key="trust", value="1", limit=1)
    _submit(a11_survey, trust="1")
    reply = client.post(
        f"/surveys/{a11_survey.public_id}/", {"q-trust": "1", "submission_id": "second"}
    )
    assert reply.status_code == 200
    text = reply.content.decode()
    assert "gave your answer to" in text and "nothing more you need to do" in text
    assert not Response.objects.filter(submission_id="second").exists()
    other = client.post(f"/surveys/{a11_survey.public_id}/", {"q-trust": "0"})
    assert other.status_code == 302


def test_a_batch_refuses_items_of_a_full_cell_and_gives_back_their_other_counts(
    a11_survey: Survey,
) -> None:
    quota_add(actor=None, survey=a11_survey, segment="service", key="", value="apply", limit=1)
    english = quota_add(
        actor=None, survey=a11_survey, segment="language", key="", value="en", limit=100
    )
    outcomes = response_batch_submit(
        actor=None,
        survey=a11_survey,
        items=[
            BatchItem(
                answers={"trust": "1"},
                submission_id=f"b-{n}",
                context=SubmissionContext(service="apply"),
            )
            for n in range(3)
        ],
    )
    assert [o.code for o in outcomes] == ["", "quota_full", "quota_full"]
    english.refresh_from_db()
    assert english.count == 1


def test_the_batch_api_names_quota_full_per_item(
    client: Client, analyst_a: User, a11_survey: Survey
) -> None:
    quota_add(actor=None, survey=a11_survey, segment="channel", key="", value="phone", limit=1)
    _token, raw = token_create(user=analyst_a, name="ivr", scope=TokenScope.WRITE)
    reply = client.post(
        f"/api/v1/surveys/{a11_survey.pk}/responses:batch",
        data=json.dumps(
            {
                "responses": [
                    {
                        "submission_id": f"ivr-{n}",
                        "answers": {"trust": 1},
                        "context": {"channel": "phone"},
                    }
                    for n in range(2)
                ]
            }
        ),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert reply.status_code == 200
    results = reply.json()["results"]
    assert [r["status"] for r in results] == ["accepted", "rejected"]
    assert results[1]["errors"][0]["type"] == "quota_full"


def test_a_new_quota_counts_the_responses_already_in_its_cell(a11_survey: Survey) -> None:
    for n in range(3):
        _submit(a11_survey, trust=str(n % 2))
    quota = quota_add(
        actor=None, survey=a11_survey, segment="answer", key="trust", value="0", limit=5
    )
    assert quota.count == 2 and quota.closed_at is None
    full = quota_add(actor=None, survey=a11_survey, segment="language", key="", value="en", limit=2)
    assert full.count == 2 and full.closed_at is not None


def test_staff_add_see_and_remove_quotas_and_bad_cells_are_explained(
    analyst_a_client: Client, a11_survey: Survey
) -> None:
    url = f"/staff/agencies/alpha/surveys/{a11_survey.pk}/quotas/"
    bad = analyst_a_client.post(url, {"segment": "service", "value": "nope", "limit": "5"})
    assert bad.status_code == 400
    assert "short name of one of your services" in bad.content.decode()
    wrong_answer = analyst_a_client.post(
        url, {"segment": "answer", "key": "trust", "value": "7", "limit": "5"}
    )
    assert "Enter one of the question&#x27;s values: 0, 1." in wrong_answer.content.decode()
    added = analyst_a_client.post(url, {"segment": "service", "value": "apply", "limit": "5"})
    assert added.status_code == 302
    _submit(a11_survey, service="apply")
    page = analyst_a_client.get(url).content.decode()
    assert "1 of 5" in page
    quota = Quota.objects.get()
    removed = analyst_a_client.post(f"/staff/agencies/alpha/surveys/quotas/{quota.pk}/remove/")
    assert removed.status_code == 302 and not Quota.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_never_pass_the_limit(a11_survey: Survey) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers with a file lock; run on PostgreSQL for threads.")
    quota = quota_add(
        actor=None, survey=a11_survey, segment="answer", key="trust", value="1", limit=10
    )
    refused: list[str] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def submit(n: int) -> None:
        from django.db import connections

        try:
            barrier.wait()
            for i in range(5):
                try:
                    _submit(a11_survey, submission_id=f"t{n}-{i}")
                except SubmissionError as error:
                    refused.append(error.code)
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
    quota.refresh_from_db()
    assert quota.count == 10 and quota.closed_at is not None
    assert Response.objects.filter(survey=a11_survey).count() == 10
    assert refused == ["quota_full"] * 30
